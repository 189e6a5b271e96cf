// Starting one notify hook as a process that carries nothing of the daemon but what it is
// given: see start_hook().
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>
#include <vector>

#include "common/fd.h"
#include "daemon/accounts.h"

namespace xvrrp::daemon {

// waitid()'s P_PIDFD (Linux 5.4), missing from glibc 2.36's headers.
inline constexpr int kPidfdId = 3;

struct HookCommand {
    std::vector<std::string> argv;  // argv[0]: an absolute path (the config checks it)
    std::vector<std::string> env;   // "NAME=value", the whole environment
    std::optional<User> user;       // run as this user and its groups; none: as the daemon
};

struct HookProcess {
    pid_t pid = -1;
    UniqueFd pidfd;  // readable once it has exited; the only way it is waited for or signalled
};

// Starts `cmd` and returns at once (it never waits for the hook, only for its execve). The
// hook gets: stdin /dev/null, the daemon's stdout and stderr, no other descriptor; exactly
// cmd.env; default signal dispositions and an empty signal mask; SCHED_OTHER; umask 022;
// working directory /; a session and process group of its own (so that a time-out can kill
// whatever it started); the user's uid, gid and groups, or the daemon's credentials.
// Throws xvrrp::Error (e.g. "execve: No such file or directory") when it cannot start.
HookProcess start_hook(const HookCommand &cmd);

}  // namespace xvrrp::daemon
