// xvrrpd: IP failover with the fast path in the kernel. See README.md and docs/operations.md.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "daemon/daemon.h"
#include "importer/keepalived.h"

namespace {

void usage(FILE *out) {
    fputs(
        "usage: xvrrpd --config PATH [--check] [--log-level LEVEL] [--log-format FORMAT]\n"
        "       xvrrpd import-keepalived FILE\n"
        "  --config PATH        the TOML configuration (docs/configuration.md)\n"
        "  --check              verify the configuration and the host prerequisites, change\n"
        "                       nothing\n"
        "  --log-level LEVEL    error, warning, notice, info or debug; overrides the file's\n"
        "                       [daemon] log_level (default info)\n"
        "  --log-format FORMAT  auto (default: the journal's fields when stderr is the\n"
        "                       journal stream of a systemd service, else plain), plain,\n"
        "                       or json (one object per line)\n"
        "Runs in the foreground and logs to stderr. SIGTERM/SIGINT: release mastership\n"
        "(priority-0 advert), remove service IPs, detach XDP, exit 0.\n"
        "Exit codes: 0 ok, 1 host or runtime failure, 2 bad configuration.\n"
        "import-keepalived FILE: print the xvrrpd TOML equivalent of a keepalived.conf (and\n"
        "  what it includes) on stdout, and what cannot be converted on stderr; exit 0 all\n"
        "  converted, 1 something left out, 2 FILE cannot be read or parsed\n"
        "  (docs/migrating.md).\n",
        out);
}

}  // namespace

int main(int argc, char **argv) {
    // First, before any thread exists: a client of the control socket that hangs up must cost
    // an EPIPE, never the daemon (SIGPIPE's default action ends the process, and systemd counts
    // that as a clean exit, which Restart=on-failure does not restart).
    signal(SIGPIPE, SIG_IGN);
    // A command of its own, with its own arguments: nothing of the daemon runs.
    if (argc >= 2 && !strcmp(argv[1], "import-keepalived")) {
        if (argc != 3 || argv[2][0] == '-' || argv[2][0] == '\0') {
            fputs("usage: xvrrpd import-keepalived FILE\n", stderr);
            return 2;
        }
        return xvrrp::importer::run_import_keepalived(argv[2], stdout, stderr);
    }
    std::string config;
    bool check = false;
    xvrrp::daemon::LogOptions log;
    // "--NAME VALUE" or "--NAME=VALUE"; value is set when argv[i] is one of them.
    auto option = [&](int &i, const char *name, std::string &value) {
        size_t n = strlen(name);
        if (!strcmp(argv[i], name) && i + 1 < argc) {
            value = argv[++i];
            return true;
        }
        if (!strncmp(argv[i], name, n) && argv[i][n] == '=') {
            value = argv[i] + n + 1;
            return true;
        }
        return false;
    };
    for (int i = 1; i < argc; i++) {
        std::string value;
        if (option(i, "--log-level", value)) {
            log.level = xvrrp::config::parse_log_level(value);
            if (!log.level) {
                fprintf(stderr,
                        "xvrrpd: --log-level must be error, warning, notice, info or "
                        "debug, got '%s'\n",
                        value.c_str());
                return 2;
            }
        } else if (option(i, "--log-format", value)) {
            auto format = xvrrp::daemon::parse_log_format(value);
            if (!format) {
                fprintf(stderr, "xvrrpd: --log-format must be auto, plain or json, got '%s'\n",
                        value.c_str());
                return 2;
            }
            log.format = *format;
        } else if (!strcmp(argv[i], "--config") && i + 1 < argc) {
            config = argv[++i];
        } else if (!strncmp(argv[i], "--config=", 9)) {
            config = argv[i] + 9;
        } else if (!strcmp(argv[i], "--check")) {
            check = true;
        } else if (!strcmp(argv[i], "--help") || !strcmp(argv[i], "-h")) {
            usage(stdout);
            return 0;
        } else if (!strcmp(argv[i], "--version")) {
            puts("xvrrpd " XVRRP_VERSION);
            return 0;
        } else {
            fprintf(stderr, "xvrrpd: unknown argument '%s'\n", argv[i]);
            usage(stderr);
            return 2;
        }
    }
    if (config.empty()) {
        usage(stderr);
        return 2;
    }
    return check ? xvrrp::daemon::run_check(config, log) : xvrrp::daemon::run_daemon(config, log);
}
