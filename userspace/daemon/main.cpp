// xvrrpd: IP failover with the fast path in the kernel. See README.md and docs/operations.md.
#include <csignal>
#include <cstdio>
#include <cstring>
#include <string>

#include "daemon/daemon.h"

namespace {

void usage(FILE *out) {
    fputs("usage: xvrrpd --config PATH [--check]\n"
          "  --config PATH  the TOML configuration (docs/configuration.md)\n"
          "  --check        verify the configuration and the host prerequisites, change nothing\n"
          "Runs in the foreground and logs to stderr. SIGTERM/SIGINT: release mastership\n"
          "(priority-0 advert), remove service IPs, detach XDP, exit 0.\n"
          "Exit codes: 0 ok, 1 host or runtime failure, 2 bad configuration.\n",
          out);
}

}  // namespace

int main(int argc, char **argv) {
    // First, before any thread exists: a client of the control socket that hangs up must cost
    // an EPIPE, never the daemon (SIGPIPE's default action ends the process, and systemd counts
    // that as a clean exit, which Restart=on-failure does not restart).
    signal(SIGPIPE, SIG_IGN);
    std::string config;
    bool check = false;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--config") && i + 1 < argc) {
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
    return check ? xvrrp::daemon::run_check(config) : xvrrp::daemon::run_daemon(config);
}
