// xvrrpd: start-up in the order that changes nothing on the host if an early step fails,
// then one epoll loop (signals, timer, BPF events, link changes, control socket), then a clean
// release. `--check` runs the same checks and changes nothing.
#pragma once

#include <optional>
#include <string>

#include "daemon/log.h"

namespace xvrrp::daemon {

// From the command line: --log-level (nullopt: the file's [daemon] log_level) and --log-format.
struct LogOptions {
    std::optional<Level> level;
    LogFormat format = LogFormat::Auto;
};

// Exit codes: 0 clean exit (SIGTERM/SIGINT) or check passed, 1 a host or runtime failure,
// 2 a bad configuration (nothing was changed on the host).
int run_daemon(const std::string &config_path, const LogOptions &log_options = {});
int run_check(const std::string &config_path, const LogOptions &log_options = {});

}  // namespace xvrrp::daemon
