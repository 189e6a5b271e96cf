// Notify hooks, run with posix_spawn (no shell) without blocking the event loop; children
// are reaped when SIGCHLD arrives (the loop calls reap()).
#pragma once

#include <sys/types.h>

#include <map>
#include <string>
#include <vector>

#include "config/config.h"

namespace xvrrp::daemon {

class NotifyRunner {
public:
    // Runs the hook for `state` ("MASTER", "BACKUP", "FAULT", "STOP") as configured, then the
    // `any` hook with keepalived's arguments appended: INSTANCE <name> <state> <priority>.
    void run(const config::Instance &inst, const std::string &state, int priority);
    // Collects exited children and logs failures. Call on SIGCHLD.
    void reap();

private:
    void spawn(const std::string &instance, const std::vector<std::string> &argv);
    std::map<pid_t, std::string> running_;  // pid -> "instance: argv[0]"
};

}  // namespace xvrrp::daemon
