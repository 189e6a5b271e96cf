// Crafting test frames byte by byte, independently of the daemon's codec, so a bug there
// cannot hide the same bug in the XDP program. Ethernet headers and ARP packets are written by
// bench/arp_frame.h, the builder the benchmarks' tools use too.
#pragma once

#include <arpa/inet.h>

#include <array>
#include <cstdint>
#include <cstring>
#include <initializer_list>
#include <optional>
#include <string>
#include <vector>

#include "bench/arp_frame.h"

namespace xvrrp::test {

using Bytes = std::vector<uint8_t>;
using Mac = std::array<uint8_t, 6>;

inline const Mac kBroadcast = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
inline const Mac kClientMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0xc1};
inline const Mac kServerMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x11};
inline const Mac kVrrpMcastMac = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x12};

inline uint32_t ip(const char *text) {  // network byte order
    in_addr a{};
    inet_pton(AF_INET, text, &a);
    return a.s_addr;
}

// An address of either family as the maps hold it (include/xvrrp/abi.h): 16 bytes.
using Addr16 = std::array<uint8_t, 16>;
// IPv4 as its IPv4-mapped IPv6 address ::ffff:a.b.c.d.
inline Addr16 mapped(uint32_t be) {
    Addr16 a{};
    a[10] = a[11] = 0xff;
    std::memcpy(&a[12], &be, 4);
    return a;
}
inline Addr16 ip6(const char *text) {
    Addr16 a{};
    inet_pton(AF_INET6, text, a.data());
    return a;
}
inline Addr16 addr16(const uint8_t (&a)[16]) {
    Addr16 b;
    std::memcpy(b.data(), a, 16);
    return b;
}

inline Bytes cat(std::initializer_list<Bytes> parts) {
    Bytes out;
    for (const auto &p : parts) out.insert(out.end(), p.begin(), p.end());
    return out;
}

inline void put16(Bytes &b, uint16_t v) {
    b.push_back(v >> 8);
    b.push_back(v & 0xff);
}
inline void put_be32(Bytes &b, uint32_t be) {
    auto *p = reinterpret_cast<const uint8_t *>(&be);
    b.insert(b.end(), p, p + 4);
}
inline void put_mac(Bytes &b, const Mac &m) {
    b.insert(b.end(), m.begin(), m.end());
}

// RFC 1071 over bytes, plus an optional initial sum (for pseudo-headers).
inline uint16_t inet_csum(const Bytes &b, uint32_t sum = 0) {
    for (size_t i = 0; i + 1 < b.size(); i += 2) sum += (b[i] << 8) | b[i + 1];
    if (b.size() & 1) sum += b.back() << 8;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return static_cast<uint16_t>(~sum);
}

// Ethernet header with optional VLAN tags, outermost first: each {tpid, vid}.
using Vlan = bench::VlanTag;
inline Bytes eth(const Mac &dst, const Mac &src, uint16_t ethertype,
                 std::initializer_list<Vlan> vlans = {}) {
    Bytes b;
    bench::append_ethernet(b, dst, src, ethertype, vlans);
    return b;
}

// bench::ArpFields with the tests' usual request as defaults: the client asks for the VIP.
struct ArpFields {
    uint16_t htype = 1, ptype = 0x0800;
    uint8_t hlen = 6, plen = 4;
    uint16_t op = 1;
    Mac sha = kClientMac;
    uint32_t spa = ip("192.0.2.50");
    Mac tha = {};
    uint32_t tpa = ip("192.0.2.100");
};
inline Bytes arp(const ArpFields &f) {
    Bytes b;
    bench::append_arp(b, {f.htype, f.ptype, f.hlen, f.plen, f.op, f.sha, f.spa, f.tha, f.tpa});
    return b;
}

struct Ipv4Fields {
    uint32_t src = ip("192.0.2.11");
    uint32_t dst = ip("224.0.0.18");
    uint8_t proto = 112;
    uint8_t ttl = 255;
    uint16_t frag = 0;      // flags + offset as on the wire
    Bytes options;          // multiple of 4
    int tot_len_delta = 0;  // lie about the total length
    int ihl_override = -1;
};
inline Bytes ipv4(const Ipv4Fields &f, const Bytes &payload) {
    Bytes b;
    uint8_t ihl = f.ihl_override >= 0 ? f.ihl_override : 5 + f.options.size() / 4;
    b.push_back(0x40 | (ihl & 0xf));
    b.push_back(0xc0);
    put16(b, 20 + f.options.size() + payload.size() + f.tot_len_delta);
    put16(b, 0);
    put16(b, f.frag);
    b.push_back(f.ttl);
    b.push_back(f.proto);
    put16(b, 0);
    put_be32(b, f.src);
    put_be32(b, f.dst);
    b.insert(b.end(), f.options.begin(), f.options.end());
    uint16_t c = inet_csum(b);
    b[10] = c >> 8, b[11] = c & 0xff;
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

enum class Csum { PseudoHeader, Plain, Wrong };
struct VrrpFields {
    uint8_t version = 3, type = 1, vrid = 51, priority = 150;
    uint16_t interval = 100;  // v3 centiseconds, v2 seconds
    std::vector<uint32_t> addrs = {ip("192.0.2.100")};
    int count_override = -1;
    Csum csum = Csum::PseudoHeader;
    uint8_t auth_type = 0;  // v2 only: 0 none, 1 simple text, 2 IP AH (RFC 3768 5.3.6)
    std::array<uint8_t, 8> auth_data = {};  // v2 only: after the addresses (RFC 3768 5.3.10)
};
// The VRRP message; checksum over it (and the pseudo-header from ip if asked).
inline Bytes vrrp(const VrrpFields &f, const Ipv4Fields &ipf = {}) {
    Bytes b;
    b.push_back((f.version << 4) | f.type);
    b.push_back(f.vrid);
    b.push_back(f.priority);
    b.push_back(f.count_override >= 0 ? f.count_override : f.addrs.size());
    if (f.version == 2) {
        b.push_back(f.auth_type);
        b.push_back(f.interval & 0xff);
    } else {
        put16(b, f.interval & 0x0fff);
    }
    put16(b, 0);
    for (uint32_t a : f.addrs) put_be32(b, a);
    if (f.version == 2) b.insert(b.end(), f.auth_data.begin(), f.auth_data.end());
    uint32_t ph = 0;
    if (f.csum == Csum::PseudoHeader) {
        auto *s = reinterpret_cast<const uint8_t *>(&ipf.src);
        auto *d = reinterpret_cast<const uint8_t *>(&ipf.dst);
        ph += (s[0] << 8 | s[1]) + (s[2] << 8 | s[3]) + (d[0] << 8 | d[1]) + (d[2] << 8 | d[3]);
        ph += 112 + b.size();
    }
    uint16_t c = inet_csum(b, ph);
    if (f.csum == Csum::Wrong) c ^= 0x0101;
    b[6] = c >> 8, b[7] = c & 0xff;
    return b;
}

// A whole advert frame, as a master sends it.
inline Bytes advert_frame(const VrrpFields &v = {}, const Ipv4Fields &i = {},
                          std::initializer_list<Vlan> vlans = {}) {
    return cat({eth(kVrrpMcastMac, kServerMac, 0x0800, vlans), ipv4(i, vrrp(v, i))});
}

// IPv6 (RFC 8200 3) carrying VRRP, with what a test may break.
inline const Mac kVrrp6McastMac = {0x33, 0x33, 0x00, 0x00, 0x00, 0x12};
struct Ipv6Fields {
    Addr16 src = ip6("fe80::11");
    Addr16 dst = ip6("ff02::12");
    uint8_t hop_limit = 255;
    uint8_t version = 6;
    uint8_t next = 112;     // the header's Next Header
    Bytes ext;              // an extension header put before the payload (its next header first)
    int payload_delta = 0;  // lie about the payload length
};
inline Bytes ipv6(const Ipv6Fields &f, const Bytes &payload) {
    Bytes b = {uint8_t(f.version << 4), 0, 0, 0};
    put16(b, uint16_t(f.ext.size() + payload.size() + f.payload_delta));
    b.push_back(f.next);
    b.push_back(f.hop_limit);
    b.insert(b.end(), f.src.begin(), f.src.end());
    b.insert(b.end(), f.dst.begin(), f.dst.end());
    b.insert(b.end(), f.ext.begin(), f.ext.end());
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

// Over IPv6 the checksum covers the RFC 8200 8.1 pseudo-header (RFC 5798 5.2.8). Ipv4Style:
// what a sender that took the addresses' last 32 bits as IPv4 ones would compute.
enum class Csum6 { PseudoHeader, Plain, Ipv4Style, Wrong };
struct Vrrp6Fields {
    uint8_t version = 3, type = 1, vrid = 51, priority = 150;
    uint16_t interval = 100;  // centiseconds
    std::vector<Addr16> addrs = {ip6("fe80::11")};
    int count_override = -1;
    Csum6 csum = Csum6::PseudoHeader;
};
inline Bytes vrrp6(const Vrrp6Fields &f, const Ipv6Fields &ipf = {}) {
    Bytes b;
    b.push_back((f.version << 4) | f.type);
    b.push_back(f.vrid);
    b.push_back(f.priority);
    b.push_back(f.count_override >= 0 ? f.count_override : f.addrs.size());
    put16(b, f.interval & 0x0fff);
    put16(b, 0);
    for (const auto &a : f.addrs) b.insert(b.end(), a.begin(), a.end());
    uint32_t ph = 0;
    auto word = [](const Addr16 &a, size_t i) { return uint32_t(a[i] << 8 | a[i + 1]); };
    if (f.csum == Csum6::PseudoHeader || f.csum == Csum6::Wrong) {
        for (size_t i = 0; i < 16; i += 2) ph += word(ipf.src, i) + word(ipf.dst, i);
        ph += 112 + b.size();  // 32-bit length and next header: the high words are zero
    } else if (f.csum == Csum6::Ipv4Style) {
        ph += word(ipf.src, 12) + word(ipf.src, 14) + word(ipf.dst, 12) + word(ipf.dst, 14);
        ph += 112 + b.size();
    }
    uint16_t c = inet_csum(b, ph);
    if (f.csum == Csum6::Wrong) c ^= 0x0101;
    b[6] = c >> 8, b[7] = c & 0xff;
    return b;
}

inline Bytes advert6_frame(const Vrrp6Fields &v = {}, const Ipv6Fields &i = {},
                           std::initializer_list<Vlan> vlans = {}) {
    return cat({eth(kVrrp6McastMac, kServerMac, 0x86dd, vlans), ipv6(i, vrrp6(v, i))});
}

inline Bytes arp_request_frame(const ArpFields &a = {}, std::initializer_list<Vlan> vlans = {},
                               const Mac &eth_src = kClientMac) {
    return cat({eth(kBroadcast, eth_src, 0x0806, vlans), arp(a)});
}

// ---- IPv6 and Neighbor Discovery (RFC 8200, RFC 4861) ----------------------------------

using Ip6 = Addr16;  // ip6() above
// ff02::1:ffXX:XXXX of an address (RFC 4291 2.7.1) and its MAC 33-33-ff-XX-XX-XX (RFC 2464 7).
inline Ip6 solicited_node(const Ip6 &a) {
    Ip6 s = ip6("ff02::1:ff00:0");
    s[13] = a[13], s[14] = a[14], s[15] = a[15];
    return s;
}
inline Mac ipv6_multicast_mac(const Ip6 &group) {
    return {0x33, 0x33, group[12], group[13], group[14], group[15]};
}

// The IPv6 header of an ND message (or, in the accept tests, of other traffic to a VIP): its
// own defaults, an NS from a global address to a VIP's solicited-node group (Ipv6Fields above
// is VRRP's).
struct NdIpv6Fields {
    Ip6 src = ip6("2001:db8::50");
    Ip6 dst = solicited_node(ip6("2001:db8::100"));
    uint8_t next_header = 58;
    uint8_t hop_limit = 255;
    int payload_len_delta = 0;  // lie about the payload length
};
inline Bytes ipv6(const NdIpv6Fields &f, const Bytes &payload) {
    Bytes b = {0x60, 0, 0, 0};
    put16(b, uint16_t(payload.size() + f.payload_len_delta));
    b.push_back(f.next_header);
    b.push_back(f.hop_limit);
    b.insert(b.end(), f.src.begin(), f.src.end());
    b.insert(b.end(), f.dst.begin(), f.dst.end());
    b.insert(b.end(), payload.begin(), payload.end());
    return b;
}

// The ICMPv6 checksum (RFC 8200 8.1 pseudo-header) of msg, its checksum field taken as zero.
inline uint16_t icmpv6_csum(const Ip6 &src, const Ip6 &dst, Bytes msg) {
    msg[2] = msg[3] = 0;
    uint32_t ph = 0;
    for (size_t i = 0; i < 16; i += 2)
        ph += (src[i] << 8 | src[i + 1]) + (dst[i] << 8 | dst[i + 1]);
    ph += uint32_t(msg.size()) + 58;
    return inet_csum(msg, ph);
}

// A link-layer address option (RFC 4861 4.6.1): 1 source, 2 target.
inline Bytes nd_lladdr_option(uint8_t type, const Mac &mac) {
    Bytes b = {type, 1};
    put_mac(b, mac);
    return b;
}

// A Neighbor Solicitation (type 135) or Advertisement (136): header, target, options.
struct NdFields {
    uint8_t type = 135, code = 0;
    uint32_t flags = 0;  // NA: R 0x80000000, S 0x40000000, O 0x20000000
    Ip6 target = ip6("2001:db8::100");
    Bytes options = nd_lladdr_option(1, kClientMac);
    bool wrong_checksum = false;
};
inline Bytes nd(const NdFields &f, const NdIpv6Fields &ipf) {
    Bytes b = {f.type, f.code, 0, 0};
    put16(b, uint16_t(f.flags >> 16));
    put16(b, uint16_t(f.flags));
    b.insert(b.end(), f.target.begin(), f.target.end());
    b.insert(b.end(), f.options.begin(), f.options.end());
    uint16_t c = icmpv6_csum(ipf.src, ipf.dst, b);
    if (f.wrong_checksum) c ^= 0x0101;
    b[2] = c >> 8, b[3] = c & 0xff;
    return b;
}

// A whole NS frame as a client sends it: to the target's solicited-node group by default.
inline Bytes ns_frame(const NdFields &n = {}, const NdIpv6Fields &i = {},
                      std::initializer_list<Vlan> vlans = {},
                      std::optional<Mac> eth_dst = std::nullopt, const Mac &eth_src = kClientMac) {
    return cat({eth(eth_dst ? *eth_dst : ipv6_multicast_mac(i.dst), eth_src, 0x86dd, vlans),
                ipv6(i, nd(n, i))});
}

}  // namespace xvrrp::test
