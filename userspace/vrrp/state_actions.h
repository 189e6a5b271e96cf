// What the VRRP state machine asks the daemon to do. The machine never acts itself: every input
// returns an ordered list of Actions, and the daemon carries them out in that order.
#pragma once

#include <string>
#include <variant>
#include <vector>

#include "vrrp/state_params.h"
#include "vrrp/types.h"

namespace xvrrp::vrrp {

// Send one advertisement now, carrying this priority (0 = "I stop being master", RFC 5798
// 6.4.3 Shutdown) and this interval field. The daemon adds VRID, version, addresses.
struct SendAdvert {
    uint8_t priority = 0;
    uint16_t interval_field = 0;
    bool operator==(const SendAdvert &) const = default;
};

// Broadcast gratuitous ARP (IPv4) / unsolicited Neighbor Advertisement (IPv6) for these
// addresses with the virtual router MAC (RFC 5798 6.4.1, 6.4.2 on becoming Master).
struct SendGratuitousArp {
    std::vector<IpAddress> addresses;
    // false: the announcement of a new master (the configured bursts, keepalived's
    // garp_master_*); true: one round now, to win neighbours' caches back from another router
    // that believed itself master for a moment (keepalived does the same).
    bool refresh = false;
    bool operator==(const SendGratuitousArp &) const = default;
};

// XDP answers ARP/NS for the service IPs (Master) or drops those requests (everything else,
// RFC 5798 6.4.2 "MUST NOT respond to ARP requests for the IPvX address(es)"). Emitted only on
// a change.
struct SetArpAnswering {
    bool on = false;
    bool operator==(const SetArpAnswering &) const = default;
};

// "Take over on timeout": when armed, the in-kernel master-down timer makes XDP answer ARP the
// instant it fires, before userspace runs. Armed exactly when a master-down expiry makes us
// Master without further checks: in Backup while no preempt delay holds us back. Emitted only
// on a change.
struct SetTakeoverOnTimeout {
    bool armed = false;
    bool operator==(const SetTakeoverOnTimeout &) const = default;
};

// Put the service IPs on the VIP interface (becoming Master). accept: RFC 5798 6.4.3, the Master
// accepts packets addressed to them only if it is the address owner or Accept_Mode is True;
// the daemon applies it.
struct AddVips {
    std::vector<IpAddress> addresses;
    bool accept = false;
    bool operator==(const AddVips &) const = default;
};

// Take the service IPs off the VIP interface (leaving Master; after a release hold, when it ends).
struct RemoveVips {
    std::vector<IpAddress> addresses;
    bool operator==(const RemoveVips &) const = default;
};

// Run the notify hook with the keepalived state word: "MASTER", "BACKUP", "FAULT" or "STOP".
struct RunNotify {
    std::string state;
    bool operator==(const RunNotify &) const = default;
};

// RFC 5798 6.2 Master_Down_Timer (Backup): start it now with this interval. It is not one of
// the machine's own timers: its owner (the daemon's binding of the VRID to the kernel) runs
// it, restarts it with every advert that 6.4.2 accepts (master_down_restart() in
// state_params.h says how), and calls StateMachine::master_down_expired() when it runs out.
// Emitted on entering Backup.
struct ArmMasterDown {
    Duration interval{};
    bool operator==(const ArmMasterDown &) const = default;
};

// Stop Master_Down_Timer (leaving Backup). Emitted only when it was armed.
struct DisarmMasterDown {
    bool operator==(const DisarmMasterDown &) const = default;
};

// The machine's own timers: deadlines it keeps and fires itself (timer_expired).
enum class TimerKind : uint8_t {
    Advert,        // RFC 5798 6.2 Adver_Timer (Master)
    PreemptDelay,  // end of a keepalived preempt_delay hold (Backup)
    ReleaseHold,   // a stopping Master lets go of its service IPs (StateMachine::shutdown)
};
std::string_view to_string(TimerKind kind);

// (Re)start a timer with an absolute deadline on the caller's clock. When it passes, the
// daemon calls StateMachine::timer_expired(now). StateMachine::next_deadline() is the earliest.
// A timer that expired is gone unless timer_expired() starts it again (no StopTimer for it).
struct StartTimer {
    TimerKind kind = TimerKind::Advert;
    TimePoint deadline{};
    bool operator==(const StartTimer &) const = default;
};

struct StopTimer {
    TimerKind kind = TimerKind::Advert;
    bool operator==(const StopTimer &) const = default;
};

using Action =
    std::variant<SendAdvert, SendGratuitousArp, SetArpAnswering, SetTakeoverOnTimeout, AddVips,
                 RemoveVips, RunNotify, StartTimer, StopTimer, ArmMasterDown, DisarmMasterDown>;
using Actions = std::vector<Action>;

// One line per action, for logs and test failure messages.
std::string describe(const Action &action);
std::string describe(const Actions &actions);

}  // namespace xvrrp::vrrp
