#include "daemon/tracking.h"

#include <fcntl.h>
#include <sys/eventfd.h>
#include <sys/inotify.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <charconv>
#include <cstring>
#include <optional>

#include <sys/timerfd.h>
#include "common/timerfd.h"
#include "daemon/log.h"

namespace xvrrp::daemon {

namespace {

// Far beyond any priority: weight x value cannot overflow, and the result still clamps.
constexpr long long kValueBound = 1'000'000;

std::string describe(const HookOutcome &o, const config::Script &s) {
    if (!o.started) return "could not start: " + o.error;
    if (o.timed_out) return "still running after its timeout, killed";
    if (!o.exited)
        return std::string("killed by signal ") + std::to_string(o.status) + " (" +
               strsignal(o.status) + ")";
    (void)s;
    return "exit status " + std::to_string(o.status);
}

std::string directory_of(const std::string &path) {
    size_t slash = path.rfind('/');
    return slash == 0 ? "/" : path.substr(0, slash);
}

}  // namespace

Tracking tracking(const config::Instance &inst, const TrackedState &state,
                  std::optional<int> runtime_base) {
    Tracking t;
    long long prio = runtime_base.value_or(inst.priority);
    auto apply = [&](int weight, bool good) {
        if (weight == 0 && !good) t.fault = true;
        if (weight > 0 && good) prio += weight;
        if (weight < 0 && !good) prio += weight;
    };
    for (const auto &tr : inst.track_interfaces) {
        auto it = state.link_up.find(tr.name);
        apply(tr.weight, it != state.link_up.end() && it->second);
    }
    for (const auto &tr : inst.track_scripts) {
        auto it = state.script_ok.find(tr.name);
        apply(tr.weight, it == state.script_ok.end() || it->second);
    }
    for (const auto &tf : inst.track_files) {
        auto it = state.file_value.find(tf.path);
        long long value = it == state.file_value.end() ? 0 : it->second;
        if (tf.weight == 0) {
            if (value != 0) t.fault = true;
            continue;
        }
        long long delta = std::clamp(value, -kValueBound, kValueBound) * tf.weight;
        if (delta <= -254) t.fault = true;
        prio += delta;
    }
    int top = inst.priority == 255 ? 255 : 254;
    t.priority = static_cast<int>(std::clamp<long long>(prio, 1, top));
    return t;
}

ScriptChecks::ScriptChecks(const config::Config &cfg, NotifyRunner &runner)
    : runner_(runner), inbox_(std::make_shared<Inbox>()) {
    for (const auto &s : cfg.scripts) {
        bool tracked = std::any_of(cfg.instances.begin(), cfg.instances.end(), [&](const auto &i) {
            return std::any_of(i.track_scripts.begin(), i.track_scripts.end(),
                               [&](const auto &t) { return t.name == s.name; });
        });
        if (tracked)
            checks_.push_back(Check{&s, {}});
        else
            info("", "script " + s.name + ": no instance tracks it; not run");
    }
    if (checks_.empty()) return;
    inbox_->event.reset(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    timer_.reset(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!inbox_->event || !timer_) throw sys_error("set up the script checks");
}

void ScriptChecks::seed(const std::map<std::string, bool> &ok) {
    for (auto &c : checks_)
        if (auto it = ok.find(c.script->name); it != ok.end()) c.ok = it->second;
}

void ScriptChecks::start() {
    auto now = Clock::now();
    for (size_t i = 0; i < checks_.size(); i++) {
        checks_[i].next = now;
        run(i);
    }
    arm();
}

void ScriptChecks::run(size_t i) {
    Check &c = checks_[i];
    c.running = true;
    c.next += std::chrono::duration_cast<Clock::duration>(c.script->interval);
    std::shared_ptr<Inbox> inbox = inbox_;
    runner_.run_check(*c.script, [inbox, i](const HookOutcome &o) {
        {
            std::lock_guard lock(inbox->mu);
            inbox->results.emplace_back(i, o);
        }
        uint64_t one = 1;
        [[maybe_unused]] auto n = write(inbox->event.get(), &one, sizeof one);
    });
}

void ScriptChecks::on_timer() {
    uint64_t count;
    [[maybe_unused]] auto r = read(timer_.get(), &count, sizeof count);
    if (stopped_) return;
    auto now = Clock::now();
    for (size_t i = 0; i < checks_.size(); i++)
        if (!checks_[i].running && checks_[i].next <= now) run(i);
    arm();
}

bool ScriptChecks::on_results(std::map<std::string, bool> &ok) {
    uint64_t count;
    [[maybe_unused]] auto r = read(inbox_->event.get(), &count, sizeof count);
    std::vector<std::pair<size_t, HookOutcome>> results;
    {
        std::lock_guard lock(inbox_->mu);
        results.swap(inbox_->results);
    }
    bool changed = false;
    auto now = Clock::now();
    for (const auto &[i, o] : results) {
        Check &c = checks_[i];
        const config::Script &s = *c.script;
        c.running = false;
        if (o.success()) {
            c.failures = 0;
            c.successes++;
            if (!c.ok && c.successes >= s.rise) {
                c.ok = true;
                changed = true;
                ok[s.name] = true;
                notice("", "script " + s.name + ": OK (" + std::to_string(c.successes) +
                               " success(es) in a row)");
            }
        } else {
            c.successes = 0;
            c.failures++;
            if (c.ok && c.failures >= s.fall) {
                c.ok = false;
                changed = true;
                ok[s.name] = false;
                warn("", "script " + s.name + ": FAILED (" + describe(o, s) + "; " +
                             std::to_string(c.failures) + " failure(s) in a row)");
            } else if (!o.started && c.failures == 1) {
                warn("", "script " + s.name + ": " + describe(o, s));
            }
        }
        // A run that took longer than the interval is followed by the next one at once.
        if (c.next < now) c.next = now;
    }
    if (!stopped_) arm();
    return changed;
}

void ScriptChecks::arm() {
    std::optional<Clock::time_point> next;
    for (const auto &c : checks_)
        if (!c.running && (!next || c.next < *next)) next = c.next;
    arm_timerfd_once(timer_.get(), next);
}

std::optional<long long> parse_track_file(std::string_view text) {
    auto blank = [](char c) { return c == ' ' || c == '\t' || c == '\n' || c == '\r'; };
    while (!text.empty() && blank(text.front())) text.remove_prefix(1);
    while (!text.empty() && blank(text.back())) text.remove_suffix(1);
    if (!text.empty() && text.front() == '+') text.remove_prefix(1);
    if (text.empty()) return std::nullopt;
    long long v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec == std::errc::result_out_of_range)
        return text.front() == '-' ? -kValueBound : kValueBound;
    if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
    return std::clamp(v, -kValueBound, kValueBound);
}

TrackFiles::TrackFiles(const config::Config &cfg) {
    for (const auto &inst : cfg.instances)
        for (const auto &tf : inst.track_files)
            if (std::find(paths_.begin(), paths_.end(), tf.path) == paths_.end())
                paths_.push_back(tf.path);
    if (paths_.empty()) return;
    inotify_.reset(inotify_init1(IN_NONBLOCK | IN_CLOEXEC));
    if (!inotify_) throw sys_error("inotify_init1 for track_file");
    std::vector<std::string> dirs;
    for (const auto &p : paths_) {
        std::string dir = directory_of(p);
        if (std::find(dirs.begin(), dirs.end(), dir) != dirs.end()) continue;
        dirs.push_back(dir);
        // Not IN_MODIFY: every write() to any file of the directory (a log beside the tracked
        // file) would wake the loop. A writer that closes the file, a rename over it, its
        // creation and its removal are what change it.
        int wd = inotify_add_watch(
            inotify_.get(), dir.c_str(),
            IN_CLOSE_WRITE | IN_MOVED_TO | IN_MOVED_FROM | IN_CREATE | IN_DELETE | IN_ONLYDIR);
        if (wd < 0) throw sys_error("track_file: watch " + dir + " (it must be a directory)");
        dirs_[wd] = dir;
    }
}

bool TrackFiles::read(const std::string &path, std::map<std::string, long long> &values) {
    std::string problem;
    long long value = 0;
    int fd = open(path.c_str(), O_RDONLY | O_CLOEXEC | O_NONBLOCK);
    if (fd < 0) {
        problem = std::string(strerror(errno));
    } else {
        char buf[64];
        ssize_t n = ::read(fd, buf, sizeof buf);
        close(fd);
        if (n < 0) {
            problem = std::string(strerror(errno));
        } else if (n == sizeof buf) {
            problem = "more than a number";
        } else if (auto v = parse_track_file(std::string_view(buf, size_t(n)))) {
            value = *v;
        } else {
            problem = "does not hold an integer";
        }
    }
    std::string &last = problems_[path];
    if (!problem.empty() && problem != last)
        warn("", "track_file " + path + ": " + problem + "; counted as 0");
    last = problem;
    auto it = values.find(path);
    bool changed = it == values.end() || it->second != value;
    if (changed) info("", "track_file " + path + ": " + std::to_string(value));
    values[path] = value;
    return changed;
}

void TrackFiles::read_all(std::map<std::string, long long> &values) {
    for (const auto &p : paths_) read(p, values);
}

bool TrackFiles::on_event(std::map<std::string, long long> &values) {
    alignas(inotify_event) char buf[4096];
    std::vector<std::string> touched;
    while (true) {
        ssize_t n = ::read(inotify_.get(), buf, sizeof buf);
        if (n <= 0) break;
        for (char *p = buf; p < buf + n;) {
            auto *ev = reinterpret_cast<inotify_event *>(p);
            p += sizeof(inotify_event) + ev->len;
            auto dir = dirs_.find(ev->wd);
            if (dir == dirs_.end()) continue;
            if (ev->mask & IN_Q_OVERFLOW) {
                touched = paths_;
                continue;
            }
            if (!ev->len) continue;
            std::string base = dir->second == "/" ? "/" : dir->second + "/";
            touched.push_back(base + ev->name);
        }
    }
    bool changed = false;
    for (const auto &p : paths_)
        if (std::find(touched.begin(), touched.end(), p) != touched.end())
            changed = read(p, values) || changed;
    return changed;
}

}  // namespace xvrrp::daemon
