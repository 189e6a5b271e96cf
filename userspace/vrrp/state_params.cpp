#include "vrrp/state_params.h"

#include <xvrrp/timing.h>

#include <algorithm>

namespace xvrrp::vrrp {

std::string_view to_string(State state) {
    switch (state) {
        case State::Initialize:
            return "INIT";
        case State::Backup:
            return "BACKUP";
        case State::Master:
            return "MASTER";
        case State::Fault:
            return "FAULT";
    }
    return "UNKNOWN";
}

uint16_t InstanceParams::interval_field() const {
    if (version == 2) {
        auto s = std::chrono::duration_cast<std::chrono::seconds>(advert_interval).count();
        return static_cast<uint16_t>(std::clamp<int64_t>(s, 1, 255));
    }
    if (fast_mode()) return 1;  // nearest legal value; ignored by xvrrp peers in fast mode
    // Round to the nearest centisecond (RFC 5798 5.2.7), within the 12-bit field.
    int64_t cs = (advert_interval + kCentisecond / 2) / kCentisecond;
    return static_cast<uint16_t>(std::clamp<int64_t>(cs, 1, 4095));
}

std::optional<std::string> validate(const InstanceParams &p) {
    using std::to_string;
    if (p.vrid == 0) return "vrid must be 1..255 (RFC 5798 5.2.3)";
    if (p.priority == 0) return "priority must be 1..255; 0 is reserved for a master that stops";
    if (p.version != 2 && p.version != 3)
        return "version must be 2 or 3, not " + to_string(p.version);
    if (p.advert_interval <= Duration::zero()) return "advert_interval must be positive";
    if (p.preempt_delay < Duration::zero()) return "preempt_delay must not be negative";
    if (p.release_hold < Duration::zero()) return "release_hold must not be negative";
    if (p.version == 2) {
        if (p.family() != Family::IPv4) return "VRRPv2 (RFC 3768) is IPv4 only; use version 3";
        if (p.advert_interval % std::chrono::seconds(1) != Duration::zero() ||
            p.advert_interval > std::chrono::seconds(255))
            return "VRRPv2 advert_interval must be whole seconds, 1s..255s (RFC 3768 5.3.7)";
    } else if (p.advert_interval > kMaxV3Interval) {
        return "advert_interval must be at most 40.95s (12-bit centiseconds, RFC 5798 5.2.7)";
    }
    if (p.virtual_addresses.empty())
        return "at least one virtual address is needed (RFC 5798 5.2.5)";
    for (const auto &vip : p.virtual_addresses)
        if (vip.family != p.family())
            return "virtual address " + vip.to_string() +
                   " is not in the family of the primary address " + p.primary_address.to_string() +
                   " (one instance, one family)";
    return std::nullopt;
}

Duration skew_time(uint8_t version, uint8_t priority, Duration master_adver_interval) {
    return Duration(
        int64_t(xvrrp_skew_time_ns(version, priority, uint64_t(master_adver_interval.count()))));
}

Duration master_down_interval(uint8_t version, uint8_t priority, Duration master_adver_interval) {
    return Duration(int64_t(
        xvrrp_master_down_interval_ns(version, priority, uint64_t(master_adver_interval.count()))));
}

std::optional<Duration> master_down_restart(const InstanceParams &p, uint8_t own_priority,
                                            bool discard_lower_priority,
                                            Duration master_adver_interval, const Advert &a) {
    if (a.priority == kReleasePriority)
        return skew_time(p.version, own_priority, master_adver_interval);
    Duration mai = p.fast_mode() || p.version == 2 ? p.advert_interval : a.interval();
    if (discard_lower_priority && a.priority < own_priority) return std::nullopt;
    return master_down_interval(p.version, own_priority, mai);
}

Duration late_expiry_threshold(Duration advert_interval) {
    return std::clamp<Duration>(advert_interval / 2, std::chrono::microseconds(100),
                                std::chrono::milliseconds(1));
}

Duration late_expiry_grace(uint8_t version, Duration advert_interval) {
    Duration mdi = master_down_interval(version, 1, advert_interval);
    return std::max<Duration>(mdi / 3, std::chrono::microseconds(300));
}

Duration release_margin(Duration advert_interval) {
    return std::clamp<Duration>(advert_interval, std::chrono::milliseconds(1),
                                std::chrono::seconds(1));
}

Duration auto_release_hold(uint8_t version, Duration advert_interval) {
    Duration slowest_takeover = master_down_interval(version, 1, advert_interval);
    return std::clamp<Duration>(slowest_takeover + release_margin(advert_interval),
                                std::chrono::milliseconds(100), std::chrono::seconds(3));
}

}  // namespace xvrrp::vrrp
