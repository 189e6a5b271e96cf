// What the metrics count of one instance's election (docs/metrics.md): its state transitions,
// its takeovers (becoming Master) by cause, and when it last changed state. Kept by Instance
// on the loop's thread, read there by status().
#pragma once

#include <time.h>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "vrrp/state_params.h"

namespace xvrrp::daemon {

// Why an instance became Master, as far as the daemon knows it:
//   owner            priority 255 at start-up or link up (RFC 5798 6.4.1)
//   master_down      Master_Down_Timer fired with no advert heard (the master went silent)
//   master_resigned  ... after the master's priority-0 advert (6.4.2: Skew_Time)
//   preempt          ... while the master advertised a lower priority, discarded (6.4.2)
inline constexpr std::array<std::string_view, 4> kTakeoverCauses = {"owner", "master_down",
                                                                    "master_resigned", "preempt"};

struct ElectionStats {
    std::map<std::pair<std::string, std::string>, uint64_t> transitions;  // (from, to) states
    std::map<std::string, uint64_t, std::less<>> takeovers;               // by cause
    std::optional<double> last_transition_unix;                           // CLOCK_REALTIME, seconds

    // Entries into Master, whatever their cause (status --json: became_master).
    uint64_t became_master() const {
        uint64_t n = 0;
        for (const auto &[cause, count] : takeovers) n += count;
        return n;
    }

    void record(vrrp::State from, vrrp::State to, std::string_view cause) {
        transitions[{std::string(vrrp::to_string(from)), std::string(vrrp::to_string(to))}]++;
        if (to == vrrp::State::Master) takeovers[std::string(cause)]++;
        timespec ts{};
        clock_gettime(CLOCK_REALTIME, &ts);
        last_transition_unix = double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
    }
};

}  // namespace xvrrp::daemon
