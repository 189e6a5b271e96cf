#include "vrrp/frames.h"

#include <algorithm>

#include "vrrp/checksum.h"

namespace xvrrp::vrrp {
namespace {

constexpr uint8_t kIpProtoIcmpv6 = 58;
constexpr uint8_t kIcmpv6NeighborAdvertisement = 136;  // RFC 4861 4.4
constexpr uint8_t kNaFlagOverride = 0x20;              // RFC 4861 4.4: R=0x80, S=0x40, O=0x20
constexpr uint8_t kNaFlagRouter = 0x80;
constexpr uint8_t kNdOptTargetLinkLayerAddress = 2;  // RFC 4861 4.6.1
constexpr uint16_t kArpHardwareEthernet = 1;
constexpr uint16_t kArpOpRequest = 1;

void append16(std::vector<uint8_t> &v, uint16_t x) {
    v.push_back(uint8_t(x >> 8));
    v.push_back(uint8_t(x));
}

void append_bytes(std::vector<uint8_t> &v, const uint8_t *p, size_t n) {
    v.insert(v.end(), p, p + n);
}

// RFC 1112 6.4 (01:00:5e + low 23 bits) and RFC 2464 7 (33:33 + low 32 bits).
std::optional<MacAddress> multicast_mac(const IpAddress &ip) {
    const auto &b = ip.bytes;
    if (ip.family == Family::IPv4) {
        if ((b[0] & 0xf0) != 0xe0) return std::nullopt;
        return MacAddress{0x01, 0x00, 0x5e, uint8_t(b[1] & 0x7f), b[2], b[3]};
    }
    if (b[0] != 0xff) return std::nullopt;
    return MacAddress{0x33, 0x33, b[12], b[13], b[14], b[15]};
}

}  // namespace

MacAddress virtual_mac(Family family, uint8_t vrid) {
    return {0x00, 0x00, 0x5e, 0x00, uint8_t(family == Family::IPv4 ? 0x01 : 0x02), vrid};
}

void append_ethernet_header(std::vector<uint8_t> &frame, const MacAddress &destination,
                            const MacAddress &source, uint16_t ether_type) {
    append_bytes(frame, destination.data(), destination.size());
    append_bytes(frame, source.data(), source.size());
    append16(frame, ether_type);
}

void add_vlan_tag(std::vector<uint8_t> &frame, uint16_t vlan) {
    if (vlan == 0 || frame.size() < 12) return;
    const uint8_t tag[4] = {0x81, 0x00, uint8_t((vlan >> 8) & 0x0f), uint8_t(vlan & 0xff)};
    frame.insert(frame.begin() + 12, tag, tag + 4);
}

Result<std::vector<uint8_t>, EncodeError> build_advert_frame(const Advert &advert,
                                                             const AdvertFrameOptions &options) {
    auto packet = encode_ip_packet(advert, options.ip, options.v2_simple_text_key);
    if (!packet) return packet.error();
    const Family family = advert.source.family;
    std::optional<MacAddress> dst_mac = options.destination_mac;
    if (!dst_mac)
        dst_mac = multicast_mac(options.ip.destination.value_or(vrrp_multicast_group(family)));
    if (!dst_mac) return EncodeError::MissingDestinationMac;
    std::vector<uint8_t> frame;
    frame.reserve(kEthernetHeaderSize + packet->size());
    append_ethernet_header(frame, *dst_mac, options.source_mac,
                           family == Family::IPv4 ? kEtherTypeIpv4 : kEtherTypeIpv6);
    frame.insert(frame.end(), packet->begin(), packet->end());
    return frame;
}

std::vector<uint8_t> build_gratuitous_arp(const MacAddress &sender_mac, const IpAddress &address) {
    std::vector<uint8_t> f;
    f.reserve(kEthernetHeaderSize + 28);
    append_ethernet_header(f, kBroadcastMac, sender_mac, kEtherTypeArp);
    // RFC 826 packet format, Ethernet/IPv4.
    append16(f, kArpHardwareEthernet);
    append16(f, kEtherTypeIpv4);
    f.push_back(6);  // hardware address length
    f.push_back(4);  // protocol address length
    append16(f, kArpOpRequest);
    append_bytes(f, sender_mac.data(), 6);
    append_bytes(f, address.bytes.data(), 4);
    append_bytes(f, kBroadcastMac.data(), 6);  // keepalived: ff:ff:ff:ff:ff:ff, not zeros
    append_bytes(f, address.bytes.data(), 4);
    return f;
}

std::vector<uint8_t> build_unsolicited_na(const MacAddress &sender_mac, const IpAddress &target,
                                          const std::optional<IpAddress> &source, bool router) {
    const IpAddress src = source.value_or(target);
    const IpAddress all_nodes =
        IpAddress::v6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x01});
    constexpr size_t kIcmpSize = 4 + 4 + 16 + 8;  // header, flags, target, TLLA option

    std::vector<uint8_t> f;
    f.reserve(kEthernetHeaderSize + kIpv6HeaderSize + kIcmpSize);
    append_ethernet_header(f, kAllNodesMacV6, sender_mac, kEtherTypeIpv6);
    // IPv6 header (RFC 8200 3): traffic class 0, flow label 0, hop limit 255 (RFC 4861 7.1.2).
    append16(f, 0x6000);
    append16(f, 0);
    append16(f, uint16_t(kIcmpSize));
    f.push_back(kIpProtoIcmpv6);
    f.push_back(255);
    append_bytes(f, src.bytes.data(), 16);
    append_bytes(f, all_nodes.bytes.data(), 16);

    const size_t icmp = f.size();
    f.push_back(kIcmpv6NeighborAdvertisement);
    f.push_back(0);  // code
    append16(f, 0);  // checksum, below
    f.push_back(uint8_t(kNaFlagOverride | (router ? kNaFlagRouter : 0)));
    f.insert(f.end(), 3, 0);
    append_bytes(f, target.bytes.data(), 16);
    f.push_back(kNdOptTargetLinkLayerAddress);
    f.push_back(1);  // option length in units of 8 bytes
    append_bytes(f, sender_mac.data(), 6);

    // RFC 4443 2.3: ICMPv6 checksum includes the IPv6 pseudo-header.
    const std::span<const uint8_t> body(f.data() + icmp, kIcmpSize);
    const uint16_t sum = checksum::finish(checksum::add(
        body, checksum::ipv6_pseudo_header_sum(src, all_nodes, kIpProtoIcmpv6, kIcmpSize)));
    f[icmp + 2] = uint8_t(sum >> 8);
    f[icmp + 3] = uint8_t(sum);
    return f;
}

}  // namespace xvrrp::vrrp
