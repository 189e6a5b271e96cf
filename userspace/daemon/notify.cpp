#include "daemon/notify.h"

#include <sched.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>

#include <cstring>

#include "daemon/log.h"

extern char **environ;

namespace xvrrp::daemon {

void NotifyRunner::run(const config::Instance &inst, const std::string &state, int priority) {
    const auto &n = inst.notify;
    const std::vector<std::string> *hook = state == "MASTER"   ? &n.master
                                           : state == "BACKUP" ? &n.backup
                                           : state == "FAULT"  ? &n.fault
                                           : state == "STOP"   ? &n.stop
                                                               : nullptr;
    if (hook && !hook->empty()) spawn(inst.name, *hook);
    if (!n.any.empty()) {
        auto argv = n.any;
        argv.insert(argv.end(), {"INSTANCE", inst.name, state, std::to_string(priority)});
        spawn(inst.name, argv);
    }
}

void NotifyRunner::spawn(const std::string &instance, const std::vector<std::string> &argv) {
    std::vector<char *> args;
    for (const auto &a : argv) args.push_back(const_cast<char *>(a.c_str()));
    args.push_back(nullptr);
    // The hook must not inherit what the daemon set up for itself: the signals its loop takes
    // through a signalfd (blocked here) and a real-time policy of the loop.
    posix_spawnattr_t attr;
    posix_spawnattr_init(&attr);
    sigset_t none;
    sigemptyset(&none);
    posix_spawnattr_setsigmask(&attr, &none);
    sched_param normal{};
    posix_spawnattr_setschedpolicy(&attr, SCHED_OTHER);
    posix_spawnattr_setschedparam(&attr, &normal);
    posix_spawnattr_setflags(&attr, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSCHEDULER);
    pid_t pid;
    int err = posix_spawn(&pid, args[0], nullptr, &attr, args.data(), environ);
    posix_spawnattr_destroy(&attr);
    if (err) {
        warn(instance, "notify " + argv[0] + ": " + strerror(err));
        return;
    }
    running_[pid] = instance + ": notify " + argv[0];
}

void NotifyRunner::reap() {
    int status;
    pid_t pid;
    while ((pid = waitpid(-1, &status, WNOHANG)) > 0) {
        auto it = running_.find(pid);
        if (it == running_.end()) continue;
        if (!WIFEXITED(status) || WEXITSTATUS(status) != 0)
            warn("", it->second + (WIFEXITED(status)
                                       ? " exited with status " + std::to_string(WEXITSTATUS(status))
                                       : " killed by signal " + std::to_string(WTERMSIG(status))));
        running_.erase(it);
    }
}

}  // namespace xvrrp::daemon
