// Ethernet ARP frames (RFC 826, IPv4 over Ethernet) built from named fields, and read back.
// The one builder of the benchmarks' tools (the flood's requests, the user-space responder's
// replies, the soak's malformed frames) and of the BPF tests' frames (tests/bpf/packets.h).
// Header-only; written byte by byte, independently of the daemon's codec.
#pragma once

#include <arpa/inet.h>

#include <algorithm>
#include <array>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <vector>

namespace xvrrp::bench {

using Bytes = std::vector<uint8_t>;
using Mac = std::array<uint8_t, 6>;

inline constexpr Mac kBroadcastMac = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
inline constexpr uint16_t kEthertypeArp = 0x0806;
inline constexpr uint16_t kArpRequest = 1, kArpReply = 2;
inline constexpr size_t kEthernetHeaderLen = 14;
inline constexpr size_t kArpLen = 28;                                 // IPv4 over Ethernet
inline constexpr size_t kArpFrameLen = kEthernetHeaderLen + kArpLen;  // 42, untagged
inline constexpr size_t kEthernetMinLen = 60;  // what a NIC pads a short frame to (no FCS)

// An 802.1Q / 802.1ad tag: {tpid, vid}, outermost first.
struct VlanTag {
    uint16_t tpid;
    uint16_t vid;
};

// The ARP packet. Addresses are in network byte order (in_addr::s_addr); every field can be
// set, so that a malformed packet (another htype, a wrong hlen) is as easy to write.
struct ArpFields {
    uint16_t htype = 1, ptype = 0x0800;
    uint8_t hlen = 6, plen = 4;
    uint16_t op = kArpRequest;
    Mac sha{};
    uint32_t spa = 0;
    Mac tha{};
    uint32_t tpa = 0;
};

// Who has tpa? Tell spa (at sha).
inline ArpFields arp_request(const Mac &sha, uint32_t spa, uint32_t tpa) {
    return {.op = kArpRequest, .sha = sha, .spa = spa, .tha = {}, .tpa = tpa};
}

// The answer to `request` from the holder of its target address, at `mac`.
inline ArpFields arp_reply_to(const ArpFields &request, const Mac &mac) {
    return {
        .op = kArpReply, .sha = mac, .spa = request.tpa, .tha = request.sha, .tpa = request.spa};
}

namespace detail {
inline void put16(Bytes &b, uint16_t v) {
    b.push_back(uint8_t(v >> 8));
    b.push_back(uint8_t(v));
}
inline void put_be32(Bytes &b, uint32_t network_order) {
    const auto *p = reinterpret_cast<const uint8_t *>(&network_order);
    b.insert(b.end(), p, p + 4);
}
inline uint16_t get16(const uint8_t *p) {
    return uint16_t(p[0] << 8 | p[1]);
}
}  // namespace detail

// The Ethernet header, with VLAN tags before the ethertype.
inline void append_ethernet(Bytes &out, const Mac &dst, const Mac &src, uint16_t ethertype,
                            std::initializer_list<VlanTag> vlans = {}) {
    out.insert(out.end(), dst.begin(), dst.end());
    out.insert(out.end(), src.begin(), src.end());
    for (const auto &v : vlans) {
        detail::put16(out, v.tpid);
        detail::put16(out, v.vid);
    }
    detail::put16(out, ethertype);
}

// The 28 bytes of the ARP packet.
inline void append_arp(Bytes &out, const ArpFields &f) {
    detail::put16(out, f.htype);
    detail::put16(out, f.ptype);
    out.push_back(f.hlen);
    out.push_back(f.plen);
    detail::put16(out, f.op);
    out.insert(out.end(), f.sha.begin(), f.sha.end());
    detail::put_be32(out, f.spa);
    out.insert(out.end(), f.tha.begin(), f.tha.end());
    detail::put_be32(out, f.tpa);
}

// A whole frame; pad_to: zero bytes after the packet up to this length (kEthernetMinLen as a
// NIC sends it; 0 for none).
inline Bytes arp_frame(const Mac &dst, const Mac &src, const ArpFields &f,
                       std::initializer_list<VlanTag> vlans = {}, size_t pad_to = 0) {
    Bytes b;
    b.reserve(std::max(pad_to, kArpFrameLen + 4 * vlans.size()));
    append_ethernet(b, dst, src, kEthertypeArp, vlans);
    append_arp(b, f);
    if (b.size() < pad_to) b.resize(pad_to, 0);
    return b;
}

// An untagged Ethernet ARP frame read back: nullopt when it is shorter than kArpFrameLen or
// its ethertype is not ARP. The fields are as on the wire, checked by the caller.
struct ParsedArpFrame {
    Mac dst{}, src{};
    ArpFields arp;
};
inline std::optional<ParsedArpFrame> parse_arp_frame(const uint8_t *frame, size_t len) {
    if (len < kArpFrameLen || detail::get16(frame + 12) != kEthertypeArp) return std::nullopt;
    ParsedArpFrame out;
    std::memcpy(out.dst.data(), frame, 6);
    std::memcpy(out.src.data(), frame + 6, 6);
    const uint8_t *a = frame + kEthernetHeaderLen;
    out.arp.htype = detail::get16(a);
    out.arp.ptype = detail::get16(a + 2);
    out.arp.hlen = a[4];
    out.arp.plen = a[5];
    out.arp.op = detail::get16(a + 6);
    std::memcpy(out.arp.sha.data(), a + 8, 6);
    std::memcpy(&out.arp.spa, a + 14, 4);
    std::memcpy(out.arp.tha.data(), a + 18, 6);
    std::memcpy(&out.arp.tpa, a + 24, 4);
    return out;
}

// IPv4 over Ethernet, the only kind the responders answer.
inline bool is_ethernet_ipv4(const ArpFields &f) {
    return f.htype == 1 && f.ptype == 0x0800 && f.hlen == 6 && f.plen == 4;
}

}  // namespace xvrrp::bench
