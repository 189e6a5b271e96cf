// Configuration of one VRRP instance (one VRID, one address family) as the state machine sees
// it, the state names, and the RFC timing formulas. Pure: no syscalls, no clocks.
//
// Timing (RFC 5798 6.1, RFC 3768 6.1):
//   VRRPv3: Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256
//           Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time
//   VRRPv2: Skew_Time = (256 - Priority) / 256 seconds
//           Master_Down_Interval = 3 * Advertisement_Interval + Skew_Time
// Priority is always the LOCAL (effective) priority.
//
// Fast mode (xvrrp extension, VRRPv3 only): a configured advert_interval below 10 ms.
//   - Sending: the 12-bit Max Adver Int field carries 1 (one centisecond, the nearest legal
//     value), so the advert still parses as valid VRRPv3 everywhere.
//   - Receiving: the interval field is IGNORED; Master_Adver_Interval stays the configured
//     interval (RFC 5798 6.4.2 "learn the interval" does not apply).
//   - Hence every xvrrp peer of a fast-mode instance must be configured with the same interval.
//     A standard peer (keepalived, a router) sees a master advertising every 10 ms and computes
//     its Master_Down_Interval from 10 ms: it stays backup as long as our adverts arrive.
// Any interval of 10 ms or more is standard mode: the field carries the interval rounded to the
// nearest centisecond and a Backup learns Master_Adver_Interval from what it receives.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "vrrp/advert.h"
#include "vrrp/types.h"

namespace xvrrp::vrrp {

// RFC 5798 6.4 states, plus Fault (as in keepalived): the interface is down; no adverts are
// sent or processed, ARP answering is off; link up re-runs the Startup logic (RFC 5798 6.4.1).
enum class State : uint8_t { Initialize, Backup, Master, Fault };

// "INIT", "BACKUP", "MASTER", "FAULT".
std::string_view to_string(State state);

inline constexpr uint8_t kOwnerPriority = 255;  // RFC 5798 5.2.4: the address owner
inline constexpr uint8_t kReleasePriority = 0;  // RFC 5798 5.2.4: master stops
inline constexpr Duration kCentisecond = std::chrono::milliseconds(10);
inline constexpr Duration kMaxV3Interval = 4095 * kCentisecond;  // 12-bit field, 40.95 s

struct InstanceParams {
    uint8_t vrid = 1;                                    // 1..255
    uint8_t priority = 100;                              // 1..255, 255 = address owner
    uint8_t version = 3;                                 // 3 (RFC 5798) or 2 (RFC 3768, IPv4 only)
    Duration advert_interval = std::chrono::seconds(1);  // v2: whole seconds 1..255
    bool preempt = true;                                 // RFC 5798 6.1 Preempt_Mode
    // keepalived preempt_delay: after startup (and after first seeing a lower-priority master
    // once a higher one was seen), a Backup keeps following a lower-priority master for this
    // long before it preempts. Zero: preempt as soon as RFC 5798 6.4.2 allows.
    Duration preempt_delay{0};
    bool accept_mode = false;   // RFC 5798 6.1 Accept_Mode; reported in AddVips, daemon applies
    IpAddress primary_address;  // ours, for the RFC 5798 6.4.3 tie-break
    std::vector<IpAddress> virtual_addresses;  // RFC 5798 6.1 IPvX_Address(es)
    // Beyond the RFC: a Master that shuts down keeps its service IPs on the host (ARP off, no
    // more adverts) until another router advertises for the VRID, then release_margin() more,
    // and at most this long (see StateMachine::shutdown). Zero: they go with the priority-0
    // advert, as RFC 5798 6.4.3 has it.
    Duration release_hold{0};

    Family family() const { return primary_address.family; }
    bool owner() const { return priority == kOwnerPriority; }
    // Fast mode: see the header comment.
    bool fast_mode() const { return version == 3 && advert_interval < kCentisecond; }
    // The interval field we put on the wire: v3 centiseconds (1 in fast mode), v2 seconds.
    uint16_t interval_field() const;
};

// nullopt when the parameters are usable; otherwise what is wrong, in words a user can act on.
std::optional<std::string> validate(const InstanceParams &params);

// RFC 5798 6.1 (v3) / RFC 3768 6.1 (v2): the formula of include/xvrrp/timing.h, which the XDP
// program uses too.
Duration skew_time(uint8_t version, uint8_t priority, Duration master_adver_interval);
Duration master_down_interval(uint8_t version, uint8_t priority, Duration master_adver_interval);

// RFC 5798 6.4.2: what an advert received in Backup does to the Master_Down_Timer. Priority 0
// sets it to Skew_Time, computed from the Master_Adver_Interval learned so far
// (master_adver_interval: the resigning advert's own interval is not learned); an advert that is
// accepted (no discarding of lower priorities, or a priority not below ours) restarts it with
// Master_Down_Interval; one of lower priority under preempt leaves it running (nullopt).
// Master_Adver_Interval is the advert's in standard VRRPv3, our configured interval in fast mode
// and in VRRPv2 (whose adverts of another interval are discarded, RFC 3768 7.1). The kernel
// implements this rule at line rate (bpf/advert.h); tests/bpf/master_down_interval_test.cpp checks
// it against this function.
std::optional<Duration> master_down_restart(const InstanceParams &params, uint8_t own_priority,
                                            bool discard_lower_priority,
                                            Duration master_adver_interval, const Advert &advert);

// A Master_Down_Timer expiry later than this after its deadline says the host stalled (see
// bpf/master_down.h): half an advert interval, at least 100 us, at most 1 ms. An expiry on
// time is rarely more than tens of microseconds late; a stall long enough to hide adverts is
// longer than an interval.
Duration late_expiry_threshold(Duration advert_interval);
// What such an expiry gives the wire to deliver the adverts that queued: a third of the
// longest Master_Down_Interval (priority 1), about one advert interval, at least 300 us.
Duration late_expiry_grace(uint8_t version, Duration advert_interval);

// How long a stopping Master keeps its service IPs after the next master's first advert: for
// that master's gratuitous ARP (sent with the advert) to reach the clients and move their ARP
// caches, and for packets already on their way to us to arrive. One advert interval, at least
// 1 ms, at most 1 s.
Duration release_margin(Duration advert_interval);

// release_hold = "auto": the Master_Down_Interval of a backup at priority 1 (the latest any
// backup takes over, even one that missed the priority-0 advert) plus release_margin(); at
// least 100 ms, because the takeover runs in the other router's controller, which a busy host
// can delay by more than a fast-mode interval; at most 3 s, so that a lone master stops soon.
Duration auto_release_hold(uint8_t version, Duration advert_interval);

}  // namespace xvrrp::vrrp
