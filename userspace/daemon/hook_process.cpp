#include "daemon/hook_process.h"

#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

namespace xvrrp::daemon {
namespace {

#ifndef CLONE_PIDFD
#define CLONE_PIDFD 0x00001000
#endif

// Everything the child needs, prepared before it exists. The child shares the daemon's memory
// (CLONE_VM, as posix_spawn does: no copy of a locked address space, no page faults for the
// advert threads) until its execve, so it may only make async-signal-safe calls on this data:
// no allocation, no locks, no glibc wrapper that talks to the daemon's other threads.
struct ChildPlan {
    const char *path;
    char *const *argv;
    char *const *envp;
    bool switch_user;
    uid_t uid;
    gid_t gid;
    const gid_t *groups;
    size_t group_count;
    // Written by the child when a step fails, read by the parent once the child is gone.
    const char *failed_step;
    int error;
};

[[noreturn]] void fail(ChildPlan *plan, const char *step) {
    plan->failed_step = step;
    plan->error = errno;
    _exit(127);
}

int child_main(void *arg) {
    auto *plan = static_cast<ChildPlan *>(arg);
    // Every signal is blocked (the parent made sure): reset what the daemon set up (SIGPIPE
    // ignored) before unblocking them, last.
    struct sigaction dfl {};
    dfl.sa_handler = SIG_DFL;
    for (int s = 1; s < NSIG; s++)
        if (s != SIGKILL && s != SIGSTOP) sigaction(s, &dfl, nullptr);  // EINVAL: glibc's own
    if (setsid() < 0) fail(plan, "setsid");
    sched_param normal{};
    if (sched_setscheduler(0, SCHED_OTHER, &normal) != 0) fail(plan, "sched_setscheduler");
    int null = open("/dev/null", O_RDONLY);
    if (null < 0) fail(plan, "open /dev/null");
    if (null != 0 && (dup2(null, 0) < 0 || close(null) != 0)) fail(plan, "dup2 stdin");
    if (syscall(SYS_close_range, 3U, ~0U, 0U) != 0) fail(plan, "close_range");
    if (plan->switch_user) {
        // Raw syscalls: glibc's setgroups/setresgid/setresuid would signal the daemon's
        // threads to change theirs too (they share our memory and glibc's thread list). Group
        // first: once the uid is not 0, the rest would be refused. Leaving uid 0 clears every
        // capability.
        if (syscall(SYS_setgroups, plan->group_count, plan->groups) != 0) fail(plan, "setgroups");
        if (syscall(SYS_setresgid, plan->gid, plan->gid, plan->gid) != 0) fail(plan, "setresgid");
        if (syscall(SYS_setresuid, plan->uid, plan->uid, plan->uid) != 0) fail(plan, "setresuid");
    }
    umask(022);
    if (chdir("/") != 0) fail(plan, "chdir /");
    sigset_t none;
    sigemptyset(&none);
    sigprocmask(SIG_SETMASK, &none, nullptr);
    execve(plan->path, plan->argv, plan->envp);
    fail(plan, "execve");
}

std::vector<char *> c_strings(const std::vector<std::string> &v) {
    std::vector<char *> out;
    for (const auto &s : v) out.push_back(const_cast<char *>(s.c_str()));
    out.push_back(nullptr);
    return out;
}

}  // namespace

HookProcess start_hook(const HookCommand &cmd) {
    auto argv = c_strings(cmd.argv);
    auto envp = c_strings(cmd.env);
    ChildPlan plan{
        cmd.argv.at(0).c_str(), argv.data(), envp.data(), false, 0, 0, nullptr, 0, nullptr, 0};
    if (cmd.user) {
        plan.switch_user = true;
        plan.uid = cmd.user->uid;
        plan.gid = cmd.user->gid;
        plan.groups = cmd.user->groups.data();
        plan.group_count = cmd.user->groups.size();
    }
    // The child's stack; it needs little (no library code beyond syscall wrappers).
    static constexpr size_t kStackBytes = 64 * 1024;
    std::vector<char> stack(kStackBytes);
    void *stack_top = stack.data() + stack.size() - 64;

    // All signals blocked from before the child exists until its execve: no handler of the
    // daemon's may run in it, on its stack, in our memory.
    sigset_t all, old;
    sigfillset(&all);
    pthread_sigmask(SIG_SETMASK, &all, &old);
    int pidfd = -1;
    // CLONE_VFORK: this thread waits until the child has called execve (or died), not longer.
    pid_t pid =
        clone(child_main, stack_top, CLONE_VM | CLONE_VFORK | CLONE_PIDFD | SIGCHLD, &plan, &pidfd);
    int clone_err = errno;
    pthread_sigmask(SIG_SETMASK, &old, nullptr);
    if (pid < 0) throw sys_error("start " + cmd.argv[0], clone_err);

    HookProcess p{pid, UniqueFd(pidfd)};
    if (plan.failed_step) {  // it has exited already (127): reap it here
        siginfo_t info{};
        waitid(static_cast<idtype_t>(kPidfdId), static_cast<id_t>(pidfd), &info, WEXITED);
        throw Error(std::string(plan.failed_step) + ": " + std::strerror(plan.error));
    }
    return p;
}

}  // namespace xvrrp::daemon
