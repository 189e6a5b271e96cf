// Internet checksum (RFC 1071) and the pseudo-header sums VRRP and ICMPv6 need.
// Pure: no syscalls. All 16-bit words are read big-endian, so results are host-order values
// to be written big-endian into the packet.
#pragma once

#include <cstdint>
#include <span>

#include "vrrp/types.h"

namespace xvrrp::vrrp::checksum {

// Adds `data` to a running one's complement sum (RFC 1071 4.1), 16-bit big-endian words; an odd
// trailing byte is padded with zero. Sums of several pieces are only equal to the sum of their
// concatenation when every piece but the last has an even length (true of all headers here).
uint32_t add(std::span<const uint8_t> data, uint32_t sum = 0);

// Folds the carries of a running sum and complements it: the checksum to write into a packet.
uint16_t finish(uint32_t sum);

// finish(add(data)). Over a packet that already holds a correct checksum the result is 0.
uint16_t internet_checksum(std::span<const uint8_t> data);

// IPv4 pseudo-header (RFC 768, RFC 793 3.1): source, destination, zero, protocol, length.
uint32_t ipv4_pseudo_header_sum(const IpAddress &source, const IpAddress &destination,
                                uint8_t protocol, uint16_t length);

// IPv6 pseudo-header (RFC 8200 8.1): source, destination, 32-bit upper-layer length,
// three zero bytes, next header.
uint32_t ipv6_pseudo_header_sum(const IpAddress &source, const IpAddress &destination,
                                uint8_t next_header, uint32_t length);

}  // namespace xvrrp::vrrp::checksum
