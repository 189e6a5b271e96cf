// Notify hooks ([instance.notify]): programs run on state changes. The event loop never waits
// for one: run() hands the hook to a thread of its own, which starts it (hook_process.h: a
// clean environment, no inherited descriptors, optionally as notify.user), waits for it
// through a pidfd, logs a failure, and kills it (its whole process group, SIGKILL) when it is
// still running after notify.timeout.
#pragma once

#include <sys/types.h>

#include <chrono>
#include <deque>
#include <functional>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/fd.h"
#include "config/config.h"
#include "daemon/accounts.h"
#include "daemon/hook_process.h"
#include "daemon/log.h"

namespace xvrrp::daemon {

// PATH as hooks get it: the daemon's own environment is not passed on.
inline constexpr const char *kHookPath =
    "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// How a process run for its result (a [[script]] check) ended.
struct HookOutcome {
    bool started = true;     // false: it could not be started (`error` says why)
    bool timed_out = false;  // still running at its time-out: killed
    bool exited = false;     // it called exit (status) rather than being killed by a signal
    int status = 0;          // exit status, or the signal that ended it
    std::string error;
    bool success() const { return started && !timed_out && exited && status == 0; }
};

class NotifyRunner {
  public:
    NotifyRunner() = default;
    // Waits for the hooks still running (a STOP hook, typically), each until its own time-out.
    ~NotifyRunner();
    NotifyRunner(const NotifyRunner &) = delete;
    NotifyRunner &operator=(const NotifyRunner &) = delete;

    // Looks up every notify.user and [[script]] user (start-up, before the host is changed);
    // throws xvrrp::Error for a user this host does not have.
    void prepare(const config::Config &cfg);
    // Whether a hook switches to another user (the daemon then keeps CAP_SETUID, CAP_SETGID
    // and, to kill it at its time-out, CAP_KILL).
    bool switches_user() const { return !users_.empty(); }

    // [daemon] notify_fifo: creates the FIFO (mode 0600) unless it exists, and keeps it open for
    // writing (and reading, so that a write never blocks nor fails for want of a reader).
    // Throws xvrrp::Error for a path that is not a FIFO or cannot be made one.
    void open_fifo(const std::string &path);

    // Writes keepalived's notify_fifo line for the change (`INSTANCE "web" MASTER 150`), runs
    // the hook for `state` ("MASTER", "BACKUP", "FAULT", "STOP") as configured, then the `any`
    // hook with keepalived's arguments appended: INSTANCE <name> <state> <priority>.
    void run(const config::Instance &inst, const std::string &state, int priority);
    // Runs a [[sync_group]]'s hook for `state` as configured, then its `any` hook with
    // keepalived's arguments appended: GROUP <name> <state> 0 (a group has no priority).
    void run_group(const config::SyncGroup &group, const std::string &state);
    // Runs a [[script]] check once, as its user, killed at its timeout; `done` is called on the
    // runner's thread when it has ended (or could not start). Nothing is logged here: the
    // caller logs what the outcome changes.
    void run_check(const config::Script &script, std::function<void(const HookOutcome &)> done);
    // Nothing to do: the hooks' own thread reaps them (through their pidfds). Kept for the
    // loop's SIGCHLD.
    void reap() {}

  private:
    using Clock = std::chrono::steady_clock;
    struct Request {
        std::string label;   // "[instance] notify /path"
        LogFields instance;  // the instance's name and VRID, for the log
        HookCommand command;
        std::chrono::microseconds timeout;
        std::string timeout_key;                        // "notify.timeout", "timeout"
        std::function<void(const HookOutcome &)> done;  // set: a check, reported, not logged
    };
    struct Running {
        LogFields instance;
        std::string label;
        HookProcess process;
        Clock::time_point deadline;
        std::chrono::microseconds timeout;
        std::string timeout_key;
        std::function<void(const HookOutcome &)> done;
        bool killed = false;
    };

    void submit(Request r);
    static void *thread_main(void *self);
    void supervise();
    void start(Request &r);
    void collect(int pidfd);
    void kill_overdue();
    void arm_timer();

    std::optional<User> user(const std::string &name, const char *what);

    std::map<std::string, User> users_;  // by name, from prepare()
    UniqueFd fifo_;                      // notify_fifo, when configured
    std::string fifo_path_;
    uint64_t fifo_dropped_ = 0;  // lines a full FIFO (nobody reading) did not take

    // Shared with the thread.
    std::mutex mu_;
    std::deque<Request> queue_;
    bool stopping_ = false;
    UniqueFd wake_;  // eventfd: the queue or stopping_ changed

    // The thread's own.
    bool started_ = false;
    pthread_t thread_{};
    UniqueFd epoll_, timer_;
    std::map<int, Running> running_;  // by pidfd
};

}  // namespace xvrrp::daemon
