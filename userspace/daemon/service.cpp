#include "daemon/service.h"

#include <time.h>

#include <sys/timerfd.h>
#include <systemd/sd-daemon.h>
#include <unistd.h>

#include <cstdlib>
#include <cstring>
#include <map>

#include "daemon/log.h"

namespace xvrrp::daemon {
namespace {

constexpr size_t kListed = 8;

void notify(const std::string &state) {
    // 0: NOTIFY_SOCKET stays in the environment, for the next message. (Notify hooks get a
    // fresh environment of their own, never this one.)
    if (int rc = sd_notify(0, state.c_str()); rc < 0)
        debug("", "sd_notify: " + std::string(strerror(-rc)));
}

}  // namespace

std::string status_summary(const std::vector<std::pair<std::string, std::string_view>> &states) {
    std::string out =
        std::to_string(states.size()) + (states.size() == 1 ? " instance: " : " instances: ");
    if (states.size() <= kListed) {
        for (size_t i = 0; i < states.size(); i++)
            out += (i ? ", " : "") + states[i].first + " " + std::string(states[i].second);
        return out;
    }
    std::map<std::string_view, size_t> count;
    for (const auto &[name, state] : states) count[state]++;
    bool first = true;
    for (std::string_view state : {"MASTER", "BACKUP", "FAULT", "INIT"}) {
        if (!count.count(state)) continue;
        out += (first ? "" : ", ") + std::to_string(count[state]) + " " + std::string(state);
        first = false;
    }
    return out;
}

ServiceNotifier::ServiceNotifier() {
    enabled_ = getenv("NOTIFY_SOCKET") != nullptr;
    uint64_t usec = 0;
    if (!enabled_ || sd_watchdog_enabled(0, &usec) <= 0 || usec == 0) return;
    // sd_watchdog_enabled(3): send at half the interval, so one late turn does not count.
    watchdog_.reset(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!watchdog_) {
        warn("", sys_error("systemd watchdog: timerfd").what() + std::string("; not sent"));
        return;
    }
    uint64_t half = usec / 2;
    itimerspec its{};
    its.it_value.tv_sec = its.it_interval.tv_sec = static_cast<time_t>(half / 1'000'000);
    its.it_value.tv_nsec = its.it_interval.tv_nsec = static_cast<long>(half % 1'000'000) * 1000;
    if (half == 0) its.it_value.tv_nsec = its.it_interval.tv_nsec = 1000;
    if (timerfd_settime(watchdog_.get(), 0, &its, nullptr) != 0) {
        warn("", sys_error("systemd watchdog: timerfd").what() + std::string("; not sent"));
        watchdog_.reset();
        return;
    }
    info("", "systemd watchdog: WATCHDOG=1 every " + std::to_string(half / 1000) + " ms");
}

void ServiceNotifier::on_watchdog_timer() {
    uint64_t expirations;
    [[maybe_unused]] auto r = read(watchdog_.get(), &expirations, sizeof expirations);
    notify("WATCHDOG=1");
}

void ServiceNotifier::update(const std::vector<std::pair<std::string, std::string_view>> &states) {
    if (!enabled_ || stopping_) return;
    std::string status = status_summary(states);
    bool all_decided = true;
    for (const auto &[name, state] : states)
        if (state == "INIT") all_decided = false;
    bool ready_now = all_decided && !ready_;
    if (status == status_ && !ready_now) return;
    status_ = status;
    // One datagram: the summary systemd shows at READY is the one that made it ready.
    notify((ready_now ? "READY=1\n" : "") + std::string("STATUS=") + status);
    ready_ = ready_ || ready_now;
}

void ServiceNotifier::stopping() {
    if (!enabled_ || stopping_) return;
    stopping_ = true;
    notify("STOPPING=1\nSTATUS=stopping: releasing " + status_);
}

void ServiceNotifier::reloading(bool started) {
    if (!enabled_ || stopping_) return;
    if (!started) {
        notify("READY=1");
        return;
    }
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    uint64_t usec = uint64_t(ts.tv_sec) * 1'000'000 + uint64_t(ts.tv_nsec) / 1000;
    notify("RELOADING=1\nMONOTONIC_USEC=" + std::to_string(usec));
}

void ServiceNotifier::failed(const std::string &error) {
    if (!enabled_) return;
    std::string line = error;
    for (auto &c : line)
        if (c == '\n') c = ' ';
    notify("STATUS=failed: " + line);
}

}  // namespace xvrrp::daemon
