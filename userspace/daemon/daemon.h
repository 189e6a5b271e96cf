// xvrrpd: start-up in the order that changes nothing on the host if an early step fails,
// then one epoll loop (signals, timer, BPF events, link changes, control socket), then a clean
// release. `--check` runs the same checks and changes nothing.
#pragma once

#include <string>

namespace xvrrp::daemon {

// Exit codes: 0 clean exit (SIGTERM/SIGINT) or check passed, 1 a host or runtime failure,
// 2 a bad configuration (nothing was changed on the host).
int run_daemon(const std::string &config_path);
int run_check(const std::string &config_path);

}  // namespace xvrrp::daemon
