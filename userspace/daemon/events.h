// What `xvrrpctl events` prints: one JSON object per line, each about one instance.
//
//   {"event":"state","time":...,"instance":"web","vrid":51,"interface":"eth0",
//    "state":"BACKUP","previous":"MASTER","priority":50,"master":"192.0.2.12",
//    "master_priority":100}
//       the instance changed state; "previous" is null in the lines that say what the state is
//       when the events start
//   {"event":"priority",...,"priority":50,"previous":150,"runtime_priority":50}
//       its effective priority moved (set-priority, tracking)
//   {"event":"master",...,"master":"192.0.2.12","previous":null,"master_priority":100}
//       the master it hears (or its priority) changed, its own state did not
//   {"event":"counter",...,"counter":"stall_graces","value":3,"delta":1}
//       one of kWatchedCounters went up
// "time" is Unix time in seconds (CLOCK_REALTIME, milliseconds). Every line carries "instance",
// "vrid" and "interface".
//
// EventFeed is pure: statuses in, lines out. The daemon feeds it on the loop (daemon.cpp).
#pragma once

#include <array>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/instance.h"

namespace xvrrp::daemon {

// The counters a "counter" event reports: the stall and lateness figures of the VRID's timer
// and advert threads (names as in status --json's "kernel"), and the XDP counters of its
// interface that say something went wrong (prefixed "xdp_").
inline constexpr std::array<std::string_view, 11> kWatchedCounters = {
    "late_expiries",   "stall_graces",        "grace_rescued",      "grace_expired",
    "lease_expiries",  "advert_late_wakeups", "advert_send_errors", "xdp_event_dropped",
    "xdp_timer_error", "xdp_lease_expired",   "xdp_arp_drop_lease"};

class EventFeed {
  public:
    // Each instance's state now as "state" events (previous: null).
    static std::string current(const std::vector<InstanceStatus> &instances, double unix_time);
    // The same, and the baseline for changes() from now on.
    std::string snapshot(const std::vector<InstanceStatus> &instances, double unix_time);
    // The events since the last snapshot() or changes(); the baseline moves on.
    std::string changes(const std::vector<InstanceStatus> &instances, double unix_time);

  private:
    struct Seen {
        std::string state;
        int priority = 0, master_priority = 0;
        std::optional<std::string> master;
        std::map<std::string_view, uint64_t> counters;
    };
    static Seen seen(const InstanceStatus &s);
    std::map<std::string, Seen> seen_;  // by instance name
};

// The value of a watched counter in a status.
uint64_t watched_counter(const InstanceStatus &s, std::string_view name);

}  // namespace xvrrp::daemon
