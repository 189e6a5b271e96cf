// Whole Ethernet frames the daemon transmits: VRRP adverts, gratuitous ARP, unsolicited
// IPv6 Neighbor Advertisements. Byte layouts follow what keepalived 2.2.7 sends (see the
// captured vectors in tests/unit/data/). Pure: no syscalls, no I/O.
#pragma once

#include <cstdint>
#include <optional>
#include <vector>

#include "vrrp/advert.h"
#include "vrrp/codec.h"
#include "vrrp/types.h"

namespace xvrrp::vrrp {

inline constexpr size_t kEthernetHeaderSize = 14;
inline constexpr uint16_t kEtherTypeIpv4 = 0x0800;
inline constexpr uint16_t kEtherTypeArp = 0x0806;
inline constexpr uint16_t kEtherTypeIpv6 = 0x86dd;

inline constexpr MacAddress kBroadcastMac{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
// RFC 1112 6.4 mapping of 224.0.0.18, RFC 2464 7 mapping of ff02::12 and ff02::1.
inline constexpr MacAddress kVrrpMulticastMacV4{0x01, 0x00, 0x5e, 0x00, 0x00, 0x12};
inline constexpr MacAddress kVrrpMulticastMacV6{0x33, 0x33, 0x00, 0x00, 0x00, 0x12};
inline constexpr MacAddress kAllNodesMacV6{0x33, 0x33, 0x00, 0x00, 0x00, 0x01};

// The virtual router MAC: 00-00-5E-00-01-{VRID} for IPv4, 00-00-5E-00-02-{VRID} for IPv6
// (RFC 5798 7.3).
MacAddress virtual_mac(Family family, uint8_t vrid);

// Ethernet II header: destination, source, EtherType.
void append_ethernet_header(std::vector<uint8_t> &frame, const MacAddress &destination,
                            const MacAddress &source, uint16_t ether_type);

// Inserts an IEEE 802.1Q tag (TPID 0x8100, priority 0, the VLAN id) after the MAC addresses of
// an Ethernet frame, for an instance on a trunk (config `vlan`). 0 leaves the frame untagged.
void add_vlan_tag(std::vector<uint8_t> &frame, uint16_t vlan);

struct AdvertFrameOptions {
    // The interface's MAC, or virtual_mac(...) when the instance uses the virtual MAC.
    MacAddress source_mac{};
    // IP header fields (destination defaults to 224.0.0.18 / ff02::12, TOS 0xc0, IPv4 ID).
    IpHeaderOptions ip;
    // Destination MAC; derived from the destination group when unset (required for unicast).
    std::optional<MacAddress> destination_mac;
    // VRRPv2 simple-text authentication (codec.h); none when unset.
    std::optional<V2SimpleTextKey> v2_simple_text_key;
};

// Ethernet + IPv4/IPv6 + VRRP advert, checksums filled in (RFC 5798 5.1, 5.2).
Result<std::vector<uint8_t>, EncodeError> build_advert_frame(const Advert &advert,
                                                             const AdvertFrameOptions &options);

// Gratuitous ARP as keepalived sends it for an IPv4 service address (RFC 5798 6.4.2; RFC 5227
// 3): broadcast, ARP request, sender = target = the service address, target hardware address
// ff:ff:ff:ff:ff:ff. 42 bytes; the NIC pads to the Ethernet minimum.
std::vector<uint8_t> build_gratuitous_arp(const MacAddress &sender_mac, const IpAddress &address);

// Unsolicited Neighbor Advertisement (RFC 4861 4.4, 7.2.6) for an IPv6 service address:
// to ff02::1 (33:33:00:00:00:01), hop limit 255, ICMPv6 type 136 with the Override flag (and
// the Router flag when `router`: keepalived sets it when the interface forwards IPv6), a
// Target Link-Layer Address option, checksum over the IPv6 pseudo-header. The IPv6 source is
// `source` when given, else the target itself (what keepalived 2.2.7 sends).
std::vector<uint8_t> build_unsolicited_na(const MacAddress &sender_mac, const IpAddress &target,
                                          const std::optional<IpAddress> &source = std::nullopt,
                                          bool router = false);

}  // namespace xvrrp::vrrp
