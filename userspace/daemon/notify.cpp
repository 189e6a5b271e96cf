#include "daemon/notify.h"

#include <fcntl.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/timerfd.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <cstring>

#include "common/timerfd.h"
#include "daemon/log.h"

namespace xvrrp::daemon {
namespace {

// Under mlockall(MCL_FUTURE) a thread's whole stack is faulted in and locked at creation.
constexpr size_t kThreadStackBytes = 128 * 1024;

void watch(int epoll, int fd) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.fd = fd;
    if (epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &ev)) throw sys_error("notify: epoll_ctl");
}

std::string seconds(std::chrono::microseconds d) {
    char buf[32];
    snprintf(buf, sizeof buf, "%.1f s", std::chrono::duration<double>(d).count());
    return buf;
}

}  // namespace

void NotifyRunner::prepare(const config::Config &cfg) {
    for (const auto &inst : cfg.instances)
        if (!inst.notify.user.empty() && !users_.count(inst.notify.user))
            users_.emplace(inst.notify.user, find_user(inst.notify.user, "[instance.notify] user"));
    for (const auto &g : cfg.sync_groups)
        if (!g.notify.user.empty() && !users_.count(g.notify.user))
            users_.emplace(g.notify.user, find_user(g.notify.user, "[sync_group.notify] user"));
    for (const auto &s : cfg.scripts)
        if (!s.user.empty() && !users_.count(s.user))
            users_.emplace(s.user, find_user(s.user, "[[script]] user"));
}

// The user to run as (nullopt for "" : as the daemon); throws for one prepare() did not look
// up, so that nothing runs as root by mistake.
std::optional<User> NotifyRunner::user(const std::string &name, const char *what) {
    if (name.empty()) return std::nullopt;
    auto it = users_.find(name);
    if (it == users_.end())
        throw Error(std::string(what) + ": user " + name + " was not looked up");
    return it->second;
}

void NotifyRunner::run_check(const config::Script &script,
                             std::function<void(const HookOutcome &)> done) {
    std::optional<User> as;
    try {
        as = user(script.user, "script");
    } catch (const std::exception &e) {
        HookOutcome o;
        o.started = false;
        o.error = e.what();
        done(o);
        return;
    }
    std::vector<std::string> env = {std::string("PATH=") + kHookPath,
                                    "XVRRP_SCRIPT=" + script.name};
    submit(Request{"script " + script.name,
                   {},
                   HookCommand{script.command, env, as},
                   std::chrono::duration_cast<std::chrono::microseconds>(script.timeout),
                   "timeout",
                   std::move(done)});
}

void NotifyRunner::open_fifo(const std::string &path) {
    struct stat st {};
    if (lstat(path.c_str(), &st) != 0) {
        if (errno != ENOENT) throw sys_error("notify_fifo " + path);
        if (mkfifo(path.c_str(), 0600) != 0) throw sys_error("notify_fifo: create " + path);
        info("", "notify_fifo " + path + ": created");
    } else if (!S_ISFIFO(st.st_mode)) {
        throw Error("notify_fifo " + path + " exists and is not a FIFO");
    }
    fifo_.reset(open(path.c_str(), O_RDWR | O_NONBLOCK | O_CLOEXEC));
    if (!fifo_) throw sys_error("notify_fifo: open " + path);
    fifo_path_ = path;
}

namespace {

const std::vector<std::string> *hook_for(const config::NotifyHooks &n, const std::string &state) {
    return state == "MASTER"   ? &n.master
           : state == "BACKUP" ? &n.backup
           : state == "FAULT"  ? &n.fault
           : state == "STOP"   ? &n.stop
                               : nullptr;
}

}  // namespace

void NotifyRunner::run_group(const config::SyncGroup &group, const std::string &state) {
    const auto &n = group.notify;
    if (n.master.empty() && n.backup.empty() && n.fault.empty() && n.stop.empty() && n.any.empty())
        return;
    std::optional<User> as;
    try {
        as = user(n.user, "notify");
    } catch (const std::exception &e) {
        warn(LogFields{group.name, {}, -1, {}, {}}, std::string(e.what()) + "; hooks not run");
        return;
    }
    std::vector<std::string> env = {std::string("PATH=") + kHookPath, "XVRRP_GROUP=" + group.name,
                                    "XVRRP_STATE=" + state};
    auto request = [&](std::vector<std::string> argv) {
        return Request{"notify " + argv[0],
                       {group.name, {}, -1, {}, {}},
                       HookCommand{std::move(argv), env, as},
                       std::chrono::duration_cast<std::chrono::microseconds>(n.timeout),
                       "notify.timeout",
                       {}};
    };
    const std::vector<std::string> *hook = hook_for(n, state);
    if (hook && !hook->empty()) submit(request(*hook));
    if (!n.any.empty()) {
        auto argv = n.any;
        argv.insert(argv.end(), {"GROUP", group.name, state, "0"});
        submit(request(std::move(argv)));
    }
}

void NotifyRunner::run(const config::Instance &inst, const std::string &state, int priority) {
    if (fifo_) {
        // keepalived's line; shorter than PIPE_BUF, so written whole or not at all.
        std::string line =
            "INSTANCE \"" + inst.name + "\" " + state + " " + std::to_string(priority) + "\n";
        if (write(fifo_.get(), line.data(), line.size()) != ssize_t(line.size()) &&
            fifo_dropped_++ == 0)
            warn(LogFields{inst.name, inst.name, inst.vrid, {}, {}},
                 "notify_fifo " + fifo_path_ + ": " + strerror(errno) +
                     " (nobody reads it?); this and later lines that do not fit are dropped");
    }
    const auto &n = inst.notify;
    const std::vector<std::string> *hook = hook_for(n, state);
    std::optional<User> as;
    try {
        as = user(n.user, "notify");
    } catch (const std::exception &e) {  // prepare() not called for this instance: refuse
        warn(LogFields{inst.name, inst.name, inst.vrid, {}, {}},
             std::string(e.what()) + "; hooks not run");
        return;
    }
    // The hook's whole environment: nothing of the daemon's (credentials in its environment,
    // LD_PRELOAD, a PATH that points somewhere writable) is passed on.
    std::vector<std::string> env = {std::string("PATH=") + kHookPath,
                                    "XVRRP_INSTANCE=" + inst.name,
                                    "XVRRP_STATE=" + state,
                                    "XVRRP_PRIORITY=" + std::to_string(priority),
                                    "XVRRP_INTERFACE=" + inst.interface,
                                    "XVRRP_VRID=" + std::to_string(inst.vrid)};
    auto request = [&](std::vector<std::string> argv) {
        return Request{"notify " + argv[0],
                       {inst.name, inst.name, inst.vrid, {}, {}},
                       HookCommand{std::move(argv), env, as},
                       std::chrono::duration_cast<std::chrono::microseconds>(n.timeout),
                       "notify.timeout",
                       {}};
    };
    if (hook && !hook->empty()) submit(request(*hook));
    if (!n.any.empty()) {
        auto argv = n.any;
        argv.insert(argv.end(), {"INSTANCE", inst.name, state, std::to_string(priority)});
        submit(request(std::move(argv)));
    }
}

void NotifyRunner::submit(Request r) {
    if (!started_) {
        // The thread inherits this thread's signal mask: the loop's, with the signals its
        // signalfd takes blocked (a thread that left SIGTERM unblocked would die of it).
        wake_.reset(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
        epoll_.reset(epoll_create1(EPOLL_CLOEXEC));
        timer_.reset(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
        if (!wake_ || !epoll_ || !timer_) {
            error(r.instance, std::string("notify: set up: ") + strerror(errno) + "; hook not run");
            return;
        }
        watch(epoll_.get(), wake_.get());
        watch(epoll_.get(), timer_.get());
        pthread_attr_t attr;
        pthread_attr_init(&attr);
        pthread_attr_setstacksize(&attr, kThreadStackBytes);
        // SCHED_OTHER, not the loop's real-time policy: starting hooks is never urgent.
        sched_param normal{};
        pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
        pthread_attr_setschedpolicy(&attr, SCHED_OTHER);
        pthread_attr_setschedparam(&attr, &normal);
        int err = pthread_create(&thread_, &attr, thread_main, this);
        pthread_attr_destroy(&attr);
        if (err) {
            error(r.instance,
                  std::string("notify: start its thread: ") + strerror(err) + "; hook not run");
            return;
        }
        started_ = true;
    }
    {
        std::lock_guard lock(mu_);
        queue_.push_back(std::move(r));
    }
    uint64_t one = 1;
    [[maybe_unused]] auto n = write(wake_.get(), &one, sizeof one);
}

NotifyRunner::~NotifyRunner() {
    if (!started_) return;
    {
        std::lock_guard lock(mu_);
        stopping_ = true;
    }
    uint64_t one = 1;
    [[maybe_unused]] auto n = write(wake_.get(), &one, sizeof one);
    pthread_join(thread_, nullptr);
}

void *NotifyRunner::thread_main(void *self) {
    pthread_setname_np(pthread_self(), "xvrrpd-notify");
    static_cast<NotifyRunner *>(self)->supervise();
    return nullptr;
}

void NotifyRunner::supervise() {
    bool told_waiting = false;
    while (true) {
        std::deque<Request> todo;
        bool stopping;
        {
            std::lock_guard lock(mu_);
            todo.swap(queue_);
            stopping = stopping_;
        }
        for (auto &r : todo) start(r);
        if (stopping && running_.empty()) return;
        if (stopping && !told_waiting) {
            info("", "waiting for " + std::to_string(running_.size()) +
                         " notify hook(s) to end (each at most its notify.timeout)");
            told_waiting = true;
        }
        arm_timer();
        epoll_event events[16];
        int n = epoll_wait(epoll_.get(), events, 16, -1);
        for (int i = 0; i < n; i++) {
            int fd = events[i].data.fd;
            if (fd == wake_.get()) {
                uint64_t count;
                [[maybe_unused]] auto r = read(fd, &count, sizeof count);
            } else if (fd == timer_.get()) {
                uint64_t count;
                [[maybe_unused]] auto r = read(fd, &count, sizeof count);
                kill_overdue();
            } else {
                collect(fd);
            }
        }
    }
}

void NotifyRunner::start(Request &r) {
    try {
        HookProcess p = start_hook(r.command);
        int fd = p.pidfd.get();
        watch(epoll_.get(), fd);
        running_[fd] =
            Running{r.instance, r.label,       std::move(p),     Clock::now() + r.timeout,
                    r.timeout,  r.timeout_key, std::move(r.done)};
    } catch (const std::exception &e) {
        if (r.done) {
            HookOutcome o;
            o.started = false;
            o.error = e.what();
            r.done(o);
        } else {
            warn(r.instance, r.label + ": " + e.what());
        }
    }
}

void NotifyRunner::collect(int pidfd) {
    auto it = running_.find(pidfd);
    if (it == running_.end()) return;
    siginfo_t info{};
    if (waitid(static_cast<idtype_t>(kPidfdId), static_cast<id_t>(pidfd), &info,
               WEXITED | WNOHANG) != 0 ||
        info.si_pid == 0)
        return;  // not yet
    const Running &h = it->second;
    if (h.done) {
        HookOutcome o;
        o.timed_out = h.killed;
        o.exited = info.si_code == CLD_EXITED;
        o.status = info.si_status;
        h.done(o);
    } else if (h.killed) {
        // Logged when it was killed.
    } else if (info.si_code == CLD_EXITED && info.si_status != 0) {
        warn(h.instance, h.label + " exited with status " + std::to_string(info.si_status));
    } else if (info.si_code != CLD_EXITED) {
        warn(h.instance, h.label + " killed by signal " + std::to_string(info.si_status) + " (" +
                             strsignal(info.si_status) + ")");
    }
    epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, pidfd, nullptr);
    running_.erase(it);
}

void NotifyRunner::kill_overdue() {
    auto now = Clock::now();
    for (auto &[fd, h] : running_) {
        if (h.killed || h.deadline > now) continue;
        // Its process group too: what a shell script started would otherwise run on. The
        // hook is not reaped yet, so its pid (the group's id) cannot have been reused.
        kill(-h.process.pid, SIGKILL);
        syscall(SYS_pidfd_send_signal, fd, SIGKILL, nullptr, 0);
        h.killed = true;
        if (!h.done)
            warn(h.instance, h.label + ": still running after " + seconds(h.timeout) + " (" +
                                 h.timeout_key + "): killed");
    }
}

void NotifyRunner::arm_timer() {
    std::optional<Clock::time_point> next;
    for (auto &[fd, h] : running_)
        if (!h.killed && (!next || h.deadline < *next)) next = h.deadline;
    arm_timerfd_once(timer_.get(), next);
}

}  // namespace xvrrp::daemon
