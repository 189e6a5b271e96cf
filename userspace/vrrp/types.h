// Value types shared by the protocol core (codec, state machine) and the configuration.
// Pure: no syscalls, no clocks. Time is passed in by the caller as a TimePoint.
#pragma once

#include <array>
#include <chrono>
#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xvrrp::vrrp {

// Durations and instants are nanoseconds. A TimePoint is an instant on the caller's monotonic
// clock (CLOCK_MONOTONIC in the daemon, the same clock as bpf_ktime_get_ns; a fake in tests).
using Duration = std::chrono::nanoseconds;
using TimePoint = std::chrono::nanoseconds;

enum class Family : uint8_t { IPv4 = 4, IPv6 = 6 };

// An IPv4 or IPv6 address in network byte order. Ordered by family then bytes, which is the
// numeric order the RFC 5798 6.4.3 tie-break ("higher primary IP address") uses.
struct IpAddress {
    Family family = Family::IPv4;
    std::array<uint8_t, 16> bytes{};  // IPv4 uses bytes[0..3], the rest stays zero

    static IpAddress v4(uint8_t a, uint8_t b, uint8_t c, uint8_t d) {
        IpAddress ip;
        ip.bytes[0] = a, ip.bytes[1] = b, ip.bytes[2] = c, ip.bytes[3] = d;
        return ip;
    }
    static IpAddress v4_from_be32(uint32_t be);  // value exactly as it sits in a packet
    static IpAddress v6(const std::array<uint8_t, 16> &b) {
        IpAddress ip;
        ip.family = Family::IPv6;
        ip.bytes = b;
        return ip;
    }
    // Parses dotted-quad IPv4 or RFC 4291 text IPv6; nullopt when it is neither.
    static std::optional<IpAddress> parse(std::string_view text);

    size_t size() const { return family == Family::IPv4 ? 4 : 16; }
    uint32_t to_be32() const;  // IPv4 only: network-order value as it sits in a packet
    bool is_ipv6_link_local() const {
        return family == Family::IPv6 && bytes[0] == 0xfe && (bytes[1] & 0xc0) == 0x80;
    }
    std::string to_string() const;

    auto operator<=>(const IpAddress &) const = default;
    bool operator==(const IpAddress &) const = default;
};

using MacAddress = std::array<uint8_t, 6>;

}  // namespace xvrrp::vrrp
