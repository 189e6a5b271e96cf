// One-shot arming of a relative timerfd from a steady_clock deadline.
#pragma once

#include <sys/timerfd.h>

#include <algorithm>
#include <chrono>
#include <optional>

namespace xvrrp {

// Arms the timerfd fd (CLOCK_MONOTONIC, relative) to fire once at `when`, at least 1 ns from
// now (a deadline already past fires at once); nullopt disarms it.
inline void arm_timerfd_once(int fd, std::optional<std::chrono::steady_clock::time_point> when) {
    itimerspec its{};
    if (when) {
        using std::chrono::steady_clock;
        auto ns = std::chrono::duration_cast<std::chrono::nanoseconds>(
                      std::max(*when - steady_clock::now(), steady_clock::duration(1)))
                      .count();
        its.it_value.tv_sec = ns / 1'000'000'000;
        its.it_value.tv_nsec = ns % 1'000'000'000;
    }
    timerfd_settime(fd, 0, &its, nullptr);
}

}  // namespace xvrrp
