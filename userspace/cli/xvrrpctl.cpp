// xvrrpctl: asks a running xvrrpd over its control socket (the requests are in
// userspace/daemon/status_format.h). The verbs and their options are CLI11's; the exit codes
// (docs/operations.md, xvrrpctl(8)) say who said no:
//   0 done; 1 the daemon answered with an error (unknown instance, refused peer);
//   2 a usage error (unknown verb or option, a bad number); 3 the daemon cannot be reached.
#include <CLI/CLI.hpp>

#include <cstdio>
#include <string>

#include "cli/control_client.h"

namespace {

constexpr const char *kDefaultSocket = "/run/xvrrp/xvrrpd.sock";

enum Exit { kOk = 0, kRefused = 1, kUsage = 2, kUnreachable = 3 };
constexpr int kAttempts = 3;  // connections per request, when the daemon closes one unanswered

// Prints the daemon's answer: an "error: ..." goes to stderr and makes exit code 1.
int print_answer(const std::string &answer) {
    if (answer.rfind("error:", 0) == 0) {
        fprintf(stderr, "xvrrpctl: %s", answer.c_str());
        return kRefused;
    }
    fputs(answer.c_str(), stdout);
    return kOk;
}

// Prints the lines as they come, until the daemon closes the connection (it stopped, or
// dropped us for reading too slowly): exit 3 then, as the stream ended without us asking.
int follow_events(xvrrp::cli::ControlClient &client, const std::string &request) {
    client.send_request(request);
    bool first = true;
    while (true) {
        auto part = client.read_some();
        if (!part) {
            fprintf(stderr, "xvrrpctl: %s\n", client.error().c_str());
            return kUnreachable;
        }
        if (part->empty()) {
            fprintf(stderr, first ? "xvrrpctl: xvrrpd closed the connection without an answer\n"
                                  : "xvrrpctl: xvrrpd ended the events stream (it stopped, or "
                                    "this reader fell too far behind)\n");
            return kUnreachable;
        }
        if (first && part->rfind("error:", 0) == 0) {
            std::string rest = *part;
            while (auto more = client.read_some()) {
                if (more->empty()) break;
                rest += *more;
            }
            return print_answer(rest);
        }
        first = false;
        fwrite(part->data(), 1, part->size(), stdout);
        fflush(stdout);
    }
}

}  // namespace

int main(int argc, char **argv) {
    CLI::App app{"xvrrpctl: asks a running xvrrpd over its control socket", "xvrrpctl"};
    // XVRRP_VERSION: project()'s version, from cmake/Install.cmake.
    app.set_version_flag("--version", "xvrrpctl " XVRRP_VERSION);
    app.require_subcommand(1);
    app.fallthrough();  // --socket after the verb, as before CLI11
    std::string socket_path = kDefaultSocket;
    app.add_option("--socket", socket_path, "xvrrpd's control socket ([daemon] control_socket)")
        ->capture_default_str();

    bool json = false;
    auto *status = app.add_subcommand(
        "status",
        "per instance: state, priority, master, advert counters, timer lateness, stall graces, "
        "XDP counters of its interface");
    status->add_flag("--json", json, "everything, as one JSON document");

    std::string instance;
    int priority = 0;
    auto *set_priority = app.add_subcommand(
        "set-priority",
        "change an instance's base priority until xvrrpd restarts (tracked weights apply on top)");
    set_priority->add_option("INSTANCE", instance, "the instance's name")->required();
    set_priority->add_option("PRIORITY", priority, "the new base priority, 1..254")
        ->required()
        ->check(CLI::Range(1, 254));
    set_priority->add_flag("--json", json, "the result as JSON");

    bool follow = false;
    auto *events = app.add_subcommand(
        "events", "each instance's state as a JSON line; --follow: then every change as it comes");
    events->add_flag("--follow,-f", follow,
                     "stay connected and print state, priority, master and counter changes as "
                     "they happen");
    events->add_flag("--json", json, "accepted for symmetry: events are always JSON lines");

    std::string switch_to;
    auto *maintenance = app.add_subcommand(
        "maintenance",
        "on: the instance hands over as at a stop (no lost packets) and stays out of the "
        "election until off; off: it takes part again, starting as backup");
    maintenance->add_option("INSTANCE", instance, "the instance's name")->required();
    maintenance->add_option("SWITCH", switch_to, "on or off")
        ->required()
        ->check(CLI::IsMember({"on", "off"}));

    auto *reload = app.add_subcommand(
        "reload",
        "read the configuration file again and apply the difference, as SIGHUP does; exits 1 "
        "when the file was refused (the running configuration stays)");

    try {
        app.parse(argc, argv);
    } catch (const CLI::ParseError &e) {
        return app.exit(e) == 0 ? kOk : kUsage;  // --help and --version exit 0
    }

    std::string request;
    if (status->parsed()) request = json ? "status --json" : "status";
    if (set_priority->parsed())
        request =
            "set-priority " + instance + " " + std::to_string(priority) + (json ? " --json" : "");
    if (events->parsed()) request = follow ? "events --follow" : "events";
    if (reload->parsed()) request = "reload";
    if (maintenance->parsed()) request = "maintenance " + instance + " " + switch_to;
    if (request.find('\n') != std::string::npos) {  // one line, one request
        fprintf(stderr, "xvrrpctl: an instance name has no line break\n");
        return kUsage;
    }

    // A daemon with kMaxClients connections open closes the oldest for a new one (control.h):
    // a connection closed before its answer is tried again. Every request is idempotent (a
    // second reload of the same file changes nothing).
    for (int attempt = 1;; attempt++) {
        xvrrp::cli::ControlClient client(socket_path);
        if (!client.connect()) {
            fprintf(stderr, "xvrrpctl: %s\n", client.error().c_str());
            return kUnreachable;
        }
        if (follow) return follow_events(client, request);
        if (auto answer = client.ask(request)) return print_answer(*answer);
        if (attempt == kAttempts) {
            fprintf(stderr, "xvrrpctl: %s (%d attempts)\n", client.error().c_str(), kAttempts);
            return kUnreachable;
        }
    }
}
