#include "fuzz_xdp_frames.h"

#include <arpa/inet.h>

#include <algorithm>
#include <cstring>

namespace xvrrp::fuzz {
namespace {

constexpr size_t kMinFrame = 14, kMaxFrame = 1514, kEthernetMinimum = 60;

using test::put16;
using test::put_be32;
using test::put_mac;

// The pseudo-header's share of a checksum (RFC 5798 5.2.8), addresses in network order.
uint32_t pseudo_sum(uint32_t src, uint32_t dst, size_t len) {
    uint32_t s = ntohl(src), d = ntohl(dst);
    return (s >> 16) + (s & 0xffff) + (d >> 16) + (d & 0xffff) + 112 + uint32_t(len);
}

// ... over IPv6 (RFC 8200 8.1): both addresses, the 32-bit length, next header 112.
uint32_t pseudo_sum6(const Bytes &f, size_t ip, size_t len) {
    uint32_t s = 0;
    for (size_t i = 0; i < 32; i += 2) s += f[ip + 8 + i] << 8 | f[ip + 9 + i];
    return s + 112 + uint32_t(len);
}

void set16(Bytes &b, size_t at, uint16_t v) {
    b[at] = v >> 8;
    b[at + 1] = v & 0xff;
}

Bytes random_bytes(Rng &rng, size_t n) {
    Bytes b(n);
    for (auto &x : b) x = rng.byte();
    return b;
}

// Repairs the ICMPv6 checksum of a mutated frame whose IPv6 payload is still all there.
void fix_icmpv6_checksum(Bytes &f, size_t ip) {
    if (f.size() < ip + 40 || f[ip + 6] != 58) return;
    size_t len = size_t(f[ip + 4] << 8 | f[ip + 5]), l4 = ip + 40;
    if (len < 4 || l4 + len > f.size()) return;
    Ip6 src, dst;
    std::copy(&f[ip + 8], &f[ip + 24], src.begin());
    std::copy(&f[ip + 24], &f[ip + 40], dst.begin());
    set16(f, l4 + 2, test::icmpv6_csum(src, dst, Bytes(f.begin() + l4, f.begin() + l4 + len)));
}

// Repairs the IPv4 header checksum and the VRRP checksum (with or without pseudo-header), or
// the ICMPv6 checksum, of a frame that may have been mutated, where the headers can still be
// found.
void fix_checksums(Bytes &f, Rng &rng) {
    size_t at = 12;
    for (int i = 0; i < 3 && at + 2 <= f.size(); i++) {
        uint16_t t = uint16_t(f[at] << 8 | f[at + 1]);
        if (t != 0x8100 && t != 0x88a8) break;
        at += 4;
    }
    if (at + 2 <= f.size() && f[at] == 0x86 && f[at + 1] == 0xdd) {
        size_t ip = at + 2, v = ip + 40;
        if (f.size() < v) return;
        if (f[ip + 6] == 58) return fix_icmpv6_checksum(f, ip);
        if (f[ip + 6] != 112) return;
        size_t len = size_t(f[ip + 4] << 8 | f[ip + 5]);
        if (len < 8 || v + len > f.size()) return;
        f[v + 6] = f[v + 7] = 0;
        Bytes msg(f.begin() + v, f.begin() + v + len);
        set16(f, v + 6, test::inet_csum(msg, pseudo_sum6(f, ip, len)));
        return;
    }
    if (at + 2 > f.size() || f[at] != 0x08 || f[at + 1] != 0x00) return;
    size_t ip = at + 2;
    if (f.size() < ip + 20) return;
    size_t ihl = (f[ip] & 0xf) * 4u;
    if (ihl < 20 || ip + ihl > f.size()) return;
    f[ip + 10] = f[ip + 11] = 0;
    set16(f, ip + 10, test::inet_csum(Bytes(f.begin() + ip, f.begin() + ip + ihl)));
    size_t tot = size_t(f[ip + 2] << 8 | f[ip + 3]);
    if (f[ip + 9] != 112 || tot < ihl + 8 || ip + tot > f.size()) return;
    size_t len = tot - ihl, v = ip + ihl;
    uint32_t src, dst;
    std::memcpy(&src, &f[ip + 12], 4);
    std::memcpy(&dst, &f[ip + 16], 4);
    f[v + 6] = f[v + 7] = 0;
    Bytes msg(f.begin() + v, f.begin() + v + len);
    set16(f, v + 6, test::inet_csum(msg, rng.percent(50) ? pseudo_sum(src, dst, len) : 0));
}

void mutate(Bytes &f, Rng &rng, std::string &kind) {
    int ops = 1 + rng.below(4);
    for (int i = 0; i < ops; i++) {
        size_t at = rng.below(uint32_t(f.size()));
        switch (rng.below(7)) {
            case 0:
                f[at] ^= uint8_t(1u << rng.below(8));
                break;
            case 1:
                f[at] = rng.byte();
                break;
            case 2:  // a 16-bit field to an edge value
                if (at + 1 < f.size())
                    set16(f, at,
                          rng.pick(std::vector<uint16_t>{0, 1, 0x7fff, 0xffff, 0x0800, 0x0806,
                                                         0x8100, 0x88a8}));
                break;
            case 3:
                f.resize(std::max(kMinFrame, at));
                break;
            case 4: {
                Bytes more = random_bytes(rng, rng.below(64));
                f.insert(f.begin() + at, more.begin(), more.end());
                break;
            }
            case 5:
                f.erase(f.begin() + at, f.begin() + std::min(f.size(), at + rng.below(8)));
                break;
            default: {  // grow to any length up to a full frame
                size_t n = kMinFrame + rng.below(kMaxFrame - kMinFrame + 1);
                if (n > f.size()) {
                    Bytes more = random_bytes(rng, n - f.size());
                    f.insert(f.end(), more.begin(), more.end());
                }
            }
        }
        if (f.size() < kMinFrame) f.resize(kMinFrame);
    }
    kind += ", mutated";
    if (rng.percent(50)) {
        fix_checksums(f, rng);
        kind += " (checksums repaired)";
    }
}

}  // namespace

void shape(Bytes &f, Rng &rng, std::string &kind) {
    if (f.size() < kEthernetMinimum && rng.percent(60)) {
        f.resize(kEthernetMinimum, 0);  // what a NIC delivers for a short frame
    } else if (rng.percent(8)) {
        Bytes tail = random_bytes(rng, rng.below(200));
        f.insert(f.end(), tail.begin(), tail.end());
        kind += ", trailing bytes";
    }
    if (rng.percent(7)) {
        f.resize(kMinFrame + rng.below(uint32_t(f.size() - kMinFrame)));
        kind += ", cut to " + std::to_string(f.size());
    }
    if (rng.percent(25)) mutate(f, rng, kind);
    f.resize(std::clamp(f.size(), kMinFrame, kMaxFrame));
}

FrameGenerator::FrameGenerator(const Scenario &sc) : sc_(sc) {
    for (const auto &v : sc.vips) vip_addrs_.push_back(v.addr);
    for (const auto &v : sc.vips6) {
        vip6_addrs_.push_back(v.addr);
        vip6_macs_.push_back(v.mac);
    }
    for (const char *a : {"192.0.2.1", "192.0.2.2", "192.0.2.3", "192.0.2.254"})
        advert_srcs_.push_back(test::ip(a));
    for (const auto &v : sc.vrids)
        advert_srcs_.insert(advert_srcs_.end(), v.allowed_srcs.begin(), v.allowed_srcs.end());
    for (const auto &v : sc.vrids) {
        if (v.auth_pass) passwords_.emplace_back(v.auth_pass->begin(), v.auth_pass->end());
        if (v.unicast_addr) unicast_addrs_.push_back(*v.unicast_addr);
        if (v.unicast_addr6) unicast_addrs6_.push_back(*v.unicast_addr6);
        advert_srcs6_.insert(advert_srcs6_.end(), v.allowed_srcs6.begin(), v.allowed_srcs6.end());
    }
    for (const char *a : {"fe80::1", "fe80::2", "febf::3", "fec0::1", "2001:db8::1", "::1"})
        advert_srcs6_.push_back(test::ip6(a));
    advert_srcs6_.push_back(test::mapped(test::ip("192.0.2.1")));
}

Frame FrameGenerator::make(Rng &rng) const {
    uint32_t r = rng.below(100);
    Frame f = r < 32   ? arp(rng)
              : r < 62 ? advert(rng)
              : r < 74 ? advert6(rng)
              : r < 81 ? other_ipv4(rng)
              : r < 86 ? ipv6(rng)
              : r < 95 ? neighbor_solicitation(rng)
                       : noise(rng);
    shape(f.bytes, rng, f.kind);
    return f;
}

Mac FrameGenerator::any_mac(Rng &rng) const {
    Mac m;
    for (auto &b : m) b = rng.byte();
    m[0] = (m[0] & 0xfc) | 0x02;  // a locally administered unicast address
    return m;
}

uint32_t FrameGenerator::any_addr(Rng &rng) const {
    if (rng.percent(50)) return test::ip("192.0.2.0") | htonl(rng.below(256));  // near the VIPs
    return uint32_t(rng.next());
}

Bytes FrameGenerator::ethernet(Rng &rng, const Mac &dst, const Mac &src, uint16_t type,
                               std::string &kind) const {
    Bytes b;
    put_mac(b, dst);
    put_mac(b, src);
    uint32_t r = rng.below(100);
    int tags = r < 65 ? 0 : r < 80 ? 1 : r < 92 ? 2 : 3;
    for (int i = 0; i < tags; i++) {
        uint32_t t = rng.below(10);
        put16(b, t < 6 ? 0x8100 : t < 9 ? 0x88a8 : 0x9100);
        // Mostly the VLANs the scenario's instances are in (and a priority tag, VLAN 0), with
        // the priority bits set at random.
        static const std::vector<uint16_t> vlans = {0, 10, 20, 30};
        uint16_t vid = rng.percent(70) ? rng.pick(vlans) : uint16_t(rng.below(4096));
        put16(b, uint16_t(rng.below(8) << 13 | vid));
    }
    put16(b, type);
    if (tags) kind += ", " + std::to_string(tags) + " VLAN tag" + (tags > 1 ? "s" : "");
    return b;
}

Frame FrameGenerator::arp(Rng &rng) const {
    static const std::vector<uint16_t> odd_ops = {0, 3, 4, 8, 9, 0x0100, 0xffff};
    Frame fr;
    test::ArpFields a;
    a.htype = rng.percent(92) ? 1 : rng.pick(std::vector<uint16_t>{6, 0, 0x0100, 0xffff});
    a.ptype = rng.percent(94) ? 0x0800 : rng.pick(std::vector<uint16_t>{0x86dd, 0, 0x0008});
    a.hlen = rng.percent(96) ? 6 : rng.byte();
    a.plen = rng.percent(96) ? 4 : rng.byte();
    uint32_t r = rng.below(100);
    a.op = r < 62 ? 1 : r < 85 ? 2 : rng.pick(odd_ops);
    fr.kind = a.op == 1   ? "ARP request"
              : a.op == 2 ? "ARP reply"
                          : "ARP op " + std::to_string(a.op);
    a.tpa = rng.percent(72) ? rng.pick(vip_addrs_) : any_addr(rng);
    r = rng.below(100);
    a.spa = r < 15 ? 0 : r < 30 ? a.tpa : r < 38 ? rng.pick(vip_addrs_) : any_addr(rng);
    if (a.spa == 0) fr.kind += " (probe)";
    if (a.spa == a.tpa) fr.kind += " (gratuitous)";
    r = rng.below(100);
    a.sha = r < 80   ? any_mac(rng)
            : r < 86 ? Mac{0x01, 0x00, 0x5e, 0x00, 0x00, 0x01}
            : r < 90 ? test::kBroadcast
            : r < 94 ? Mac{}
                     : sc_.our_mac;
    r = rng.below(100);
    a.tha = r < 60 ? Mac{} : r < 70 ? test::kBroadcast : any_mac(rng);
    r = rng.below(100);
    Mac dst = r < 60   ? test::kBroadcast
              : r < 72 ? sc_.our_mac
              : r < 80 ? any_mac(rng)
              : r < 90 ? Mac{0x01, 0x00, 0x5e, 0x00, 0x00, uint8_t(rng.below(3))}
              : r < 95 ? Mac{0x33, 0x33, 0x00, 0x00, 0x00, 0x01}
                       : any_mac(rng);
    if (r >= 95) dst[0] = rng.byte();  // anything, group bit or not
    r = rng.below(100);
    Mac src = r < 80 ? a.sha : r < 92 ? any_mac(rng) : Mac{0x03, 0x00, 0x00, 0x00, 0x00, 0x01};
    fr.bytes = test::cat({ethernet(rng, dst, src, 0x0806, fr.kind), test::arp(a)});
    return fr;
}

Frame FrameGenerator::advert(Rng &rng) const {
    Frame fr;
    const VridConfig *c = rng.percent(85) ? &rng.pick(sc_.vrids) : nullptr;
    uint8_t vrid = c ? c->vrid : rng.byte();
    uint8_t ours = c ? c->priority : 100;
    uint8_t version = rng.percent(50) ? 2 : 3;
    if (c) {  // mostly the configured version; else the other one, or any nibble
        uint32_t r = rng.below(100);
        version = r < 85 ? c->version : r < 95 ? uint8_t(5 - c->version) : uint8_t(rng.below(16));
    }
    uint8_t type = rng.percent(92) ? 1 : rng.below(16);
    std::vector<uint8_t> prios = {0,   1,   uint8_t(ours - 1), ours, uint8_t(ours + 1), 100, 150,
                                  254, 255, rng.byte()};
    uint8_t prio = rng.pick(prios);
    uint32_t r = rng.below(100);
    size_t count = r < 60   ? 1 + rng.below(3)
                   : r < 78 ? 0
                   : r < 95 ? 4 + rng.below(17)
                            : rng.below(256);
    uint16_t interval;
    if (version == 2) {
        uint64_t ours_s = c ? c->advert_interval_ns / kSecond : 1;
        interval = rng.percent(85) ? uint16_t(ours_s) : rng.byte();
    } else {
        interval = rng.pick(
            std::vector<uint16_t>{1, 2, 100, 1000, 2000, 3000, 4095, uint16_t(rng.below(4096)), 0});
        if (rng.percent(10)) interval |= uint16_t(rng.below(16) << 12);  // reserved bits
    }
    fr.kind = "VRRPv" + std::to_string(version) + " advert, VRID " + std::to_string(vrid) +
              ", priority " + std::to_string(prio);

    Bytes v = {uint8_t(version << 4 | type), vrid, prio, uint8_t(count)};
    uint8_t auth_type = 0;
    if (version == 2) {
        auth_type = rng.percent(75) ? 0 : rng.pick(std::vector<uint8_t>{1, 1, 1, 2, rng.byte()});
        v.push_back(auth_type);
        v.push_back(uint8_t(interval));
    } else {
        put16(v, interval);
    }
    put16(v, 0);
    for (size_t i = 0; i < count; i++)
        put_be32(v, rng.percent(70) ? rng.pick(vip_addrs_) : any_addr(rng));
    if (version == 2) {
        // Simple text: mostly a password of the scenario, sometimes one off by a byte.
        Bytes auth = rng.percent(90) ? Bytes(8, 0) : random_bytes(rng, 8);
        if (auth_type == 1 && !passwords_.empty() && rng.percent(80)) {
            auth = rng.pick(passwords_);
            if (rng.percent(20)) auth[rng.below(8)] ^= uint8_t(1 + rng.below(255));
        }
        v.insert(v.end(), auth.begin(), auth.end());
    }
    if (rng.percent(5)) v[3] = rng.byte();  // the count lies

    uint32_t src = rng.pick(advert_srcs_);
    uint32_t dst = rng.percent(85) ? test::ip("224.0.0.18") : any_addr(rng);
    if (!unicast_addrs_.empty() && rng.percent(10)) dst = rng.pick(unicast_addrs_);
    r = rng.below(100);
    uint32_t csum_extra = r < 55 ? pseudo_sum(src, dst, v.size()) : 0;
    set16(v, 6, test::inet_csum(v, csum_extra));
    if (r >= 90) v[6] ^= 0x5a;
    fr.kind += r < 55   ? ", pseudo-header checksum"
               : r < 90 ? ", plain checksum"
                        : ", wrong checksum";

    Bytes options;
    if (rng.percent(15)) {
        size_t words = 1 + rng.below(10);
        options = rng.percent(50) ? Bytes(words * 4, 1) : random_bytes(rng, words * 4);
        fr.kind += ", IP options";
    }
    Bytes ip = {uint8_t(0x40 | (5 + options.size() / 4)), 0xc0};
    put16(ip, uint16_t(20 + options.size() + v.size()));
    put16(ip, uint16_t(rng.next()));
    r = rng.below(100);
    uint16_t frag =
        r < 80   ? 0
        : r < 90 ? 0x4000
                 : rng.pick(std::vector<uint16_t>{0x2000, 0x2001, 0x0001, uint16_t(rng.next())});
    put16(ip, frag);
    ip.push_back(rng.percent(88) ? 255 : rng.pick(std::vector<uint8_t>{254, 64, 1, 0}));
    ip.push_back(112);
    put16(ip, 0);
    put_be32(ip, src);
    put_be32(ip, dst);
    ip.insert(ip.end(), options.begin(), options.end());
    if (rng.percent(4)) set16(ip, 2, uint16_t(ip.size() + v.size() + rng.below(9) - 4));
    if (rng.percent(3)) ip[0] = uint8_t((ip[0] & 0xf0) | rng.below(16));
    if (rng.percent(2)) ip[0] = uint8_t((rng.below(16) << 4) | (ip[0] & 0xf));
    set16(ip, 10, test::inet_csum(ip));
    if (rng.percent(4)) ip[10] ^= 0x21;

    r = rng.below(100);
    Mac edst = r < 80 ? test::kVrrpMcastMac : r < 90 ? sc_.our_mac : test::kBroadcast;
    fr.bytes = test::cat({ethernet(rng, edst, any_mac(rng), 0x0800, fr.kind), ip, v});
    return fr;
}

// VRRPv3 over IPv6 (RFC 5798 5.1.2): mostly to the scenario's IPv6 instances, from link-local
// sources, to ff02::12; every rule of judge_advert6 broken now and then.
Frame FrameGenerator::advert6(Rng &rng) const {
    Frame fr;
    std::vector<const VridConfig *> v6;
    for (const auto &c : sc_.vrids)
        if (c.ipv6) v6.push_back(&c);
    uint32_t r = rng.below(100);
    const VridConfig *c = r < 75 && !v6.empty() ? rng.pick(v6)
                          : r < 90              ? &rng.pick(sc_.vrids)
                                                : nullptr;
    uint8_t vrid = c ? c->vrid : rng.byte();
    uint8_t ours = c ? c->priority : 100;
    r = rng.below(100);
    uint8_t version = r < 88 ? 3 : r < 95 ? 2 : uint8_t(rng.below(16));
    uint8_t type = rng.percent(94) ? 1 : rng.below(16);
    std::vector<uint8_t> prios = {0,   1,   uint8_t(ours - 1), ours, uint8_t(ours + 1), 100, 150,
                                  254, 255, rng.byte()};
    uint8_t prio = rng.pick(prios);
    r = rng.below(100);
    size_t count = r < 70 ? 1 + rng.below(3) : r < 80 ? 0 : r < 97 ? 4 + rng.below(17) : 80;
    uint16_t interval =
        rng.pick(std::vector<uint16_t>{1, 100, 1000, 4095, uint16_t(rng.below(4096)), 0});
    if (rng.percent(10)) interval |= uint16_t(rng.below(16) << 12);  // reserved bits
    fr.kind = "IPv6 VRRPv" + std::to_string(version) + " advert, VRID " + std::to_string(vrid) +
              ", priority " + std::to_string(prio);

    Bytes v = {uint8_t(version << 4 | type), vrid, prio, uint8_t(count)};
    put16(v, interval);
    put16(v, 0);
    for (size_t i = 0; i < count; i++) {
        Bytes a = i == 0 && rng.percent(70) ? Bytes{0xfe, 0x80} : random_bytes(rng, 2);
        Bytes rest = random_bytes(rng, 14);
        v.insert(v.end(), a.begin(), a.end());
        v.insert(v.end(), rest.begin(), rest.end());
    }
    if (rng.percent(5)) v[3] = rng.byte();  // the count lies

    Addr16 src = rng.pick(advert_srcs6_);
    Addr16 dst = test::ip6("ff02::12");
    r = rng.below(100);
    if (r < 12 && !unicast_addrs6_.empty())
        dst = rng.pick(unicast_addrs6_);
    else if (r < 18)
        dst = test::ip6("ff02::1");
    else if (r < 22)
        dst = rng.pick(advert_srcs6_);
    Bytes ip = {0x60, 0, 0, 0};
    put16(ip, uint16_t(v.size()));
    ip.push_back(112);
    ip.push_back(rng.percent(88) ? 255 : rng.pick(std::vector<uint8_t>{254, 64, 1, 0}));
    ip.insert(ip.end(), src.begin(), src.end());
    ip.insert(ip.end(), dst.begin(), dst.end());

    r = rng.below(100);
    uint32_t csum_extra = r < 80 ? pseudo_sum6(ip, 0, v.size()) : 0;
    set16(v, 6, test::inet_csum(v, csum_extra));
    if (r >= 92) v[6] ^= 0x5a;
    fr.kind += r < 80   ? ", pseudo-header checksum"
               : r < 92 ? ", plain checksum"
                        : ", wrong checksum";

    if (rng.percent(8)) {  // an extension header before VRRP: a fragment, or another
        uint8_t ext = rng.pick(std::vector<uint8_t>{0, 43, 44, 60});
        Bytes h = {112, 0, 0, 0, 0, 0, 0, 0};
        if (ext == 44 && rng.percent(50)) h[3] = 1;  // more fragments
        ip[6] = ext;
        set16(ip, 4, uint16_t(v.size() + h.size()));
        ip.insert(ip.end(), h.begin(), h.end());
        fr.kind += ", extension header " + std::to_string(ext);
    }
    if (rng.percent(4)) set16(ip, 4, uint16_t(v.size() + rng.below(33) - 16));
    if (rng.percent(2)) ip[0] = uint8_t(rng.below(16) << 4);

    Mac edst = rng.percent(85) ? Mac{0x33, 0x33, 0, 0, 0, 0x12} : sc_.our_mac;
    fr.bytes = test::cat({ethernet(rng, edst, any_mac(rng), 0x86dd, fr.kind), ip, v});
    return fr;
}

Frame FrameGenerator::other_ipv4(Rng &rng) const {
    Frame fr;
    uint8_t proto = rng.pick(std::vector<uint8_t>{6, 17, 1, 2, 89, rng.byte()});
    fr.kind = "IPv4 protocol " + std::to_string(proto);
    Bytes options;
    if (rng.percent(20)) options = random_bytes(rng, 4 * (1 + rng.below(10)));
    Bytes payload = random_bytes(rng, rng.below(300));
    Bytes ip = {uint8_t(0x40 | (5 + options.size() / 4)), 0};
    put16(ip, uint16_t(20 + options.size() + payload.size()));
    put16(ip, uint16_t(rng.next()));
    put16(ip, rng.percent(80) ? 0 : uint16_t(rng.next()));  // fragments, too
    ip.push_back(rng.byte());
    ip.push_back(proto);
    put16(ip, 0);
    put_be32(ip, any_addr(rng));
    put_be32(ip, rng.percent(50) ? rng.pick(vip_addrs_) : any_addr(rng));
    ip.insert(ip.end(), options.begin(), options.end());
    set16(ip, 10, test::inet_csum(ip));
    Mac dst = rng.percent(70) ? sc_.our_mac : test::kBroadcast;
    // A virtual router MAC: of a VRID with the virtual MAC, of one without, of none here.
    if (rng.percent(15))
        dst = {0x00, 0x00, 0x5e,
               0x00, 0x01, rng.pick(std::vector<uint8_t>{10, 20, 30, rng.byte()})};
    fr.bytes = test::cat({ethernet(rng, dst, any_mac(rng), 0x0800, fr.kind), ip, payload});
    return fr;
}

Frame FrameGenerator::ipv6(Rng &rng) const {
    Frame fr;
    uint8_t next = rng.pick(std::vector<uint8_t>{112, 58, 6, 17, 0, rng.byte()});
    fr.kind = "IPv6 next header " + std::to_string(next);
    Bytes payload = random_bytes(rng, rng.below(200));
    if (next == 112 && payload.size() >= 8) payload[0] = 0x31;  // looks like a VRRPv3 advert
    // ICMPv6 of every type, ND's too (an NA, or an NS with a random body).
    if (next == 58 && !payload.empty() && rng.percent(50))
        payload[0] = rng.pick(std::vector<uint8_t>{128, 129, 133, 134, 135, 136, 137});
    Bytes ip = {0x60, 0, 0, 0};
    put16(ip, uint16_t(payload.size()));
    ip.push_back(next);
    ip.push_back(rng.percent(70) ? 255 : rng.byte());
    Bytes addrs = random_bytes(rng, 16);
    ip.insert(ip.end(), addrs.begin(), addrs.end());
    Ip6 to = rng.percent(40) ? rng.pick(vip6_addrs_) : any_addr6(rng);  // accept mode
    ip.insert(ip.end(), to.begin(), to.end());
    Mac dst = rng.percent(60) ? Mac{0x33, 0x33, 0, 0, 0, 0x12} : sc_.our_mac;
    fr.bytes = test::cat({ethernet(rng, dst, any_mac(rng), 0x86dd, fr.kind), ip, payload});
    return fr;
}

Ip6 FrameGenerator::any_addr6(Rng &rng) const {
    Ip6 a = test::ip6("2001:db8::");
    if (rng.percent(50)) {
        a[15] = rng.byte();  // near the VIPs
    } else {
        for (auto &b : a) b = rng.byte();
    }
    return a;
}

// RFC 4861 4.3 with every field varied: mostly for a service IP, valid or nearly so.
Frame FrameGenerator::neighbor_solicitation(Rng &rng) const {
    Frame fr;
    fr.kind = "IPv6 NS";
    size_t v = rng.below(uint32_t(vip6_addrs_.size()));
    test::NdFields n;
    n.target = rng.percent(75) ? vip6_addrs_[v] : any_addr6(rng);
    if (rng.percent(2)) n.target[0] = 0xff;  // multicast
    n.code = rng.percent(95) ? 0 : uint8_t(1 + rng.below(255));
    test::NdIpv6Fields i;
    uint32_t r = rng.below(100);
    i.src = r < 15 ? Ip6{} : r < 18 ? test::ip6("ff02::1") : any_addr6(rng);
    if (r < 15) fr.kind += " (DAD probe)";
    r = rng.below(100);
    i.dst = r < 75 ? test::solicited_node(n.target) : r < 90 ? n.target : any_addr6(rng);
    if (r >= 95) i.dst = test::ip6("ff02::1");
    i.hop_limit = rng.percent(90) ? 255 : rng.pick(std::vector<uint8_t>{254, 64, 1, 0});
    // Options: mostly a source link-layer address (none for a DAD probe), sometimes more,
    // sometimes malformed.
    n.options.clear();
    int opts = rng.below(100) < 70 ? 1 : rng.below(4);
    for (int k = 0; k < opts; k++) {
        uint32_t o = rng.below(100);
        if (o < 60) {
            uint32_t m = rng.below(100);
            Mac mac = m < 85   ? any_mac(rng)
                      : m < 92 ? test::kBroadcast
                               : Mac{0x33, 0x33, 0, 0, 0, 1};
            Bytes opt = test::nd_lladdr_option(1, mac);
            n.options.insert(n.options.end(), opt.begin(), opt.end());
        } else if (o < 85) {
            Bytes nonce = {14,         1,          rng.byte(), rng.byte(),
                           rng.byte(), rng.byte(), rng.byte(), rng.byte()};
            n.options.insert(n.options.end(), nonce.begin(), nonce.end());
        } else {
            uint8_t len = uint8_t(rng.below(3));  // 0: malformed
            Bytes opt = random_bytes(rng, len ? len * 8u : 8u);
            opt[0] = rng.percent(50) ? 1 : rng.byte();
            opt[1] = len;
            n.options.insert(n.options.end(), opt.begin(), opt.end());
        }
    }
    if (i.src == Ip6{} && rng.percent(80)) n.options.clear();
    if (rng.percent(3)) n.options.resize(n.options.size() + 1 + rng.below(7), 0);  // ragged
    n.wrong_checksum = rng.percent(6);
    if (rng.percent(4)) i.payload_len_delta = int(rng.below(17)) - 8;
    r = rng.below(100);
    Mac dst = r < 70   ? test::ipv6_multicast_mac(i.dst)
              : r < 85 ? vip6_macs_[v]
              : r < 95 ? any_mac(rng)
                       : test::kBroadcast;
    Mac src = rng.percent(92) ? any_mac(rng) : Mac{0x03, 0x00, 0x00, 0x00, 0x00, 0x01};
    Bytes msg = test::nd(n, i);
    fr.bytes = test::cat({ethernet(rng, dst, src, 0x86dd, fr.kind), test::ipv6(i, msg)});
    return fr;
}

Frame FrameGenerator::noise(Rng &rng) const {
    Frame fr;
    if (rng.percent(50)) {
        fr.kind = "random bytes";
        fr.bytes = random_bytes(rng, kMinFrame + rng.below(kMaxFrame - kMinFrame + 1));
        return fr;
    }
    uint16_t type =
        rng.pick(std::vector<uint16_t>{0x8847, 0x88cc, 0x9000, 0x0842, uint16_t(rng.next())});
    fr.kind = "EtherType " + std::to_string(type);
    Bytes payload = random_bytes(rng, rng.below(400));
    Mac dst = rng.percent(50) ? test::kBroadcast : any_mac(rng);
    if (rng.percent(10)) dst = {0x00, 0x00, 0x5e, 0x00, 0x01, 10};
    fr.bytes = test::cat({ethernet(rng, dst, any_mac(rng), type, fr.kind), payload});
    return fr;
}

}  // namespace xvrrp::fuzz
