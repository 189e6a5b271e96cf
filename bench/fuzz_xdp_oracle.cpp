#include "fuzz_xdp_oracle.h"

#include <arpa/inet.h>
#include <linux/bpf.h>

#include <algorithm>
#include <cstdio>
#include <cstring>

namespace xvrrp::fuzz {
namespace {

constexpr uint64_t kCentisecond = 10'000'000ull;
constexpr uint16_t kEtherArp = 0x0806, kEtherIpv4 = 0x0800, kEtherIpv6 = 0x86dd;
constexpr uint8_t kIcmpv6 = 58, kNeighborSolicit = 135, kNeighborAdvert = 136;
constexpr size_t kNdMaxBytes = 1460;  // docs/design.md: longer NS for a VIP are dropped
constexpr uint8_t kProtoVrrp = 112;
constexpr size_t kArpEthIpv4Size = 28;
constexpr uint32_t kNoVlan = 0xffff;  // two tags, or an 802.1ad one: no instance's VLAN  // RFC 826
                                      // with 6-byte hardware, 4-byte protocol addresses

uint16_t be16(const Bytes &f, size_t at) {
    return uint16_t(f[at] << 8 | f[at + 1]);
}
uint32_t addr_at(const Bytes &f, size_t at) {  // as stored: network byte order
    uint32_t a;
    std::memcpy(&a, &f[at], 4);
    return a;
}
Addr16 addr16_at(const Bytes &f, size_t at) {
    Addr16 a;
    std::memcpy(a.data(), &f[at], 16);
    return a;
}
bool group_address(const uint8_t *mac) {
    return mac[0] & 1;
}  // broadcast is a group, too

// RFC 1071: the 16-bit one's-complement sum, folded; a correct checksum makes it 0xffff.
uint32_t ones_sum(const uint8_t *p, size_t n, uint32_t sum = 0) {
    for (size_t i = 0; i + 1 < n; i += 2) sum += p[i] << 8 | p[i + 1];
    if (n & 1) sum += p[n - 1] << 8;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

std::string fmt(const char *f, auto... args) {
    char buf[256];
    snprintf(buf, sizeof buf, f, args...);
    return buf;
}

Expectation pass(Expectation e, const Bytes &f, std::string why, CounterMap counters = {}) {
    e.action = XDP_PASS;
    e.out = f;
    e.counters = std::move(counters);
    e.why += why;
    return e;
}

Expectation drop(Expectation e, std::string why, CounterMap counters) {
    e.action = XDP_DROP;
    e.out.clear();
    e.counters = std::move(counters);
    e.why += why;
    return e;
}

}  // namespace

uint64_t skew_time_ns(uint8_t version, uint8_t our_priority, uint64_t master_adver_interval_ns) {
    // RFC 5798 6.1: ((256 - Priority) * Master_Adver_Interval) / 256.
    // RFC 3768 6.1: (256 - Priority) / 256 seconds, whatever the interval.
    uint64_t base = version == 2 ? kSecond : master_adver_interval_ns;
    return (256 - uint64_t(our_priority)) * base / 256;
}

uint64_t master_down_interval_ns(uint8_t version, uint8_t our_priority,
                                 uint64_t master_adver_interval_ns) {
    return 3 * master_adver_interval_ns +
           skew_time_ns(version, our_priority, master_adver_interval_ns);
}

const VridConfig *Scenario::vrid(uint8_t id) const {
    for (const auto &v : vrids)
        if (v.vrid == id) return &v;
    return nullptr;
}

const Vip6Config *Scenario::vip6(const uint8_t *addr) const {
    for (const auto &v : vips6)
        if (std::equal(v.addr.begin(), v.addr.end(), addr)) return &v;
    return nullptr;
}

const VipConfig *Scenario::vip(uint32_t addr) const {
    for (const auto &v : vips)
        if (v.addr == addr) return &v;
    return nullptr;
}

bool Scenario::vlan_in_use(uint32_t vlan) const {
    if (vlan == 0) return true;
    for (const auto &v : vrids)
        if (v.vlan == vlan) return true;
    return false;
}

const RxModel *Oracle::model(uint8_t vrid) const {
    auto it = rx_.find(vrid);
    return it == rx_.end() ? nullptr : &it->second;
}

// docs/design.md "ARP: when does this server answer?": Master with a fresh lease, or armed
// and the kernel's timer took over (on a lease of its own).
bool Oracle::answering(uint8_t vrid) const {
    const VridConfig *c = sc_.vrid(vrid);
    const RxModel *m = model(vrid);
    if (!c || !m) return false;
    bool role = (c->role & XVRRP_ROLE_MASTER) ||
                ((c->role & XVRRP_ROLE_TAKEOVER_ARMED) && (m->flags & XVRRP_RX_TOOK_OVER));
    return role && c->lease_fresh;
}

std::vector<Expectation> Oracle::judge(const Bytes &f, Window now) const {
    Expectation e;
    // Ethernet, then at most two 802.1Q / 802.1ad tags; a third is not looked into.
    size_t type_at = 12;
    uint16_t type = be16(f, type_at);
    uint32_t vlan = 0;  // IEEE 802.1Q: VLAN id 0 is a priority tag only, the frame untagged
    for (int tags = 0; type == 0x8100 || type == 0x88a8; tags++) {
        if (tags == 2)
            return {
                pass(e, f, "three or more VLAN tags: not parsed, passed", {{"vlan_too_deep", 1}})};
        if (f.size() < type_at + 6) return {pass(e, f, "VLAN tag cut short: passed")};
        vlan = tags == 0 && type == 0x8100 ? be16(f, type_at + 2) & 0x0fff : kNoVlan;
        type_at += 4;
        type = be16(f, type_at);
    }
    size_t l3 = type_at + 2;
    const bool other_network = !sc_.vlan_in_use(vlan);
    const std::string in_vlan = vlan == kNoVlan ? "two tags or 802.1ad" : fmt("VLAN %u", vlan);
    if (type == kEtherArp) {
        if (other_network)
            return {pass(e, f, "ARP in " + in_vlan + ", no instance's: passed untouched",
                         {{"vlan_no_instance", 1}})};
        return {judge_arp(f, l3, vlan, e)};
    }
    if (type == kEtherIpv4) return judge_ipv4(f, l3, vlan, e, now);
    if (type == kEtherIpv6) return judge_ipv6(f, l3, vlan, e, now);
    return {pass(e, f, fmt("EtherType 0x%04x: not ARP or IP, passed", type))};
}

// RFC 826 and docs/design.md: a request for a service IP is answered by us or by nobody.
Expectation Oracle::judge_arp(const Bytes &f, size_t a, uint32_t vlan, Expectation e) const {
    const CounterMap malformed = {{"arp_drop_malformed", 1}};
    if (f.size() < a + kArpEthIpv4Size) return drop(e, "ARP cut short: dropped", malformed);
    uint16_t htype = be16(f, a), ptype = be16(f, a + 2), op = be16(f, a + 6);
    uint8_t hlen = f[a + 4], plen = f[a + 5];
    // arp_rcv() takes Ethernet (1) and IEEE 802 (6) hardware types on an Ethernet device.
    if ((htype != 1 && htype != 6) || ptype != kEtherIpv4 || hlen != 6 || plen != 4)
        return drop(e,
                    fmt("ARP htype %u ptype 0x%04x hlen %u plen %u: not Ethernet/IPv4, dropped",
                        htype, ptype, hlen, plen),
                    malformed);
    const uint8_t *sha = &f[a + 8];
    uint32_t spa = addr_at(f, a + 14), tpa = addr_at(f, a + 24);
    if (op != 1) return pass(e, f, fmt("ARP op %u, not a request: passed", op), {{"arp_pass", 1}});
    const VipConfig *vip = sc_.vip(tpa);
    if (!vip)
        return pass(e, f, "ARP request for " + ip_text(tpa) + ", not a service IP: passed",
                    {{"arp_pass", 1}});
    e.why = "ARP request for service IP " + ip_text(tpa) + fmt(" (VRID %u): ", vip->vrid);
    if (vip->vlan != vlan)
        return pass(e, f, fmt("its instance is in VLAN %u, the frame not: passed", vip->vlan),
                    {{"arp_pass_other_vlan", 1}});
    // Broadcast, group-addressed and to the service IP's MAC: all delivered to this host's
    // stack, which would answer for a service IP on the host. Only a frame unicast to another
    // host's MAC is not ours.
    const uint8_t *dst = &f[0];
    if (!group_address(dst) && !std::equal(dst, dst + 6, vip->mac.begin()))
        return pass(e, f, "sent to another host's MAC, passed", {{"arp_pass_other_host", 1}});
    if (spa == tpa)
        return drop(e, "gratuitous (sender IP = target IP), never answered",
                    {{"arp_drop_gratuitous", 1}});
    if (group_address(sha) || group_address(&f[6]))
        return drop(e, "group sender MAC, never answered", {{"arp_drop_bad_sender", 1}});
    const VridConfig *c = sc_.vrid(vip->vrid);
    if (!c) return drop(e, "no instance for its VRID, dropped", {{"arp_drop_no_instance", 1}});
    const RxModel *m = model(vip->vrid);
    bool took_over = m && (m->flags & XVRRP_RX_TOOK_OVER);
    if (!(c->role & XVRRP_ROLE_MASTER) && !((c->role & XVRRP_ROLE_TAKEOVER_ARMED) && took_over))
        return drop(e, std::string(c->name) + ", not master: dropped", {{"arp_drop_backup", 1}});
    if (!c->lease_fresh)
        return drop(e, std::string(c->name) + ", lease expired: dropped", {{"arp_drop_lease", 1}});

    // The reply (RFC 826): to the requester's hardware address, from the service IP's MAC,
    // sender and target swapped; VLAN tags and trailing bytes stay as they were.
    Bytes r = f;
    std::copy(sha, sha + 6, r.begin());
    std::copy(vip->mac.begin(), vip->mac.end(), r.begin() + 6);
    r[a] = 0, r[a + 1] = 1;  // hardware type: the device's, Ethernet (as the kernel's reply)
    r[a + 6] = 0, r[a + 7] = 2;
    std::copy(sha, sha + 6, r.begin() + a + 18);                     // tha = requester's MAC
    std::memcpy(&r[a + 24], &spa, 4);                                // tpa = requester's IP
    std::copy(vip->mac.begin(), vip->mac.end(), r.begin() + a + 8);  // sha = service MAC
    std::memcpy(&r[a + 14], &tpa, 4);                                // spa = service IP
    e.action = XDP_TX;
    e.out = std::move(r);
    e.counters = {{"arp_reply", 1}};
    e.why += std::string(c->name) + (took_over ? ", the kernel took over" : "") +
             ", lease fresh: answered";
    return e;
}

std::vector<Expectation> Oracle::judge_ipv4(const Bytes &f, size_t ip, uint32_t vlan, Expectation e,
                                            Window now) const {
    if (f.size() < ip + 20) return {pass(e, f, "IPv4 header cut short: passed")};
    if (f[ip + 9] != kProtoVrrp) {
        // RFC 5798 6.4.3 (docs/configuration.md, accept): the destination, in the VIP's VLAN.
        const VipConfig *vip = sc_.vip(addr_at(f, ip + 16));
        if (vip && vip->no_accept && vip->vlan == vlan)
            return {drop(e,
                         fmt("IPv4 protocol %u to a VIP of VRID %u, accept mode off: dropped",
                             f[ip + 9], vip->vrid),
                         {{"ipv4_drop_no_accept", 1}})};
        return {pass(e, f, fmt("IPv4 protocol %u: passed", f[ip + 9]))};
    }
    if (!sc_.vlan_in_use(vlan))
        return {pass(e, f, fmt("VRRP in VLAN %u, no instance's: passed untouched", vlan),
                     {{"vlan_no_instance", 1}})};
    // What ip_rcv() would check before any VRRP socket saw the packet (RFC 791).
    const CounterMap bad_ip = {{"vrrp_drop_ip_malformed", 1}};
    size_t ihl = (f[ip] & 0xf) * 4u, tot = be16(f, ip + 2);
    e.why = "IPv4 protocol 112: ";
    if (f[ip] >> 4 != 4) return {drop(e, fmt("IP version %u, dropped", f[ip] >> 4), bad_ip)};
    if (ihl < 20 || ip + ihl > f.size())
        return {drop(e, fmt("IHL %zu bytes impossible here, dropped", ihl), bad_ip)};
    if (tot < ihl || ip + tot > f.size())
        return {drop(
            e,
            fmt("total length %zu (header %zu, %zu bytes there), dropped", tot, ihl, f.size() - ip),
            bad_ip)};
    if (ones_sum(&f[ip], ihl) != 0xffff) return {drop(e, "IP header checksum wrong", bad_ip)};
    // Adverts are never fragmented; a fragment's VRID cannot be known (abi.h: all dropped).
    if (be16(f, ip + 6) & 0x3fff)
        return {drop(e, "IP fragment, dropped", {{"vrrp_drop_fragment", 1}})};
    auto instance = advert_instance(f, ip + ihl, vlan, /*ipv6=*/false, e);
    if (const auto *verdict = std::get_if<Expectation>(&instance)) return {*verdict};
    return judge_advert(f, ip, ihl, *std::get<const VridConfig *>(instance), e, now);
}

std::variant<const VridConfig *, Expectation> Oracle::advert_instance(const Bytes &f, size_t v,
                                                                      uint32_t vlan, bool ipv6,
                                                                      Expectation e) const {
    if (f.size() < v + 8)
        return drop(e, "VRRP header beyond the frame, dropped", {{"vrrp_drop_truncated", 1}});
    const VridConfig *c = sc_.vrid(f[v + 1]);
    // docs/design.md: VRIDs not configured here go to the kernel untouched (keepalived).
    if (!c)
        return pass(e, f, fmt("VRID %u not configured here: passed", f[v + 1]),
                    {{"vrrp_other_vrid", 1}});
    if (c->vlan != vlan)
        return pass(e, f,
                    fmt("VRID %u runs in VLAN %u, not this frame's: passed", c->vrid, c->vlan),
                    {{"vrrp_other_vlan", 1}});
    // docs/design.md: one VRID runs one family here; the other family's election passes.
    if (c->ipv6 != ipv6)
        return pass(e, f, fmt("VRID %u is an IPv%c instance: passed", c->vrid, c->ipv6 ? '6' : '4'),
                    {{"vrrp_other_family", 1}});
    return c;
}

// RFC 8200: the fixed header, then VRRP (next header 112, or one extension header whose next
// header is 112: RFC 5798 5.1.2 sends none, dropped), ICMPv6 right after it (RFC 4861 looks no
// further for ND), or anything else to a service IP (accept mode).
std::vector<Expectation> Oracle::judge_ipv6(const Bytes &f, size_t ip, uint32_t vlan, Expectation e,
                                            Window now) const {
    if (f.size() < ip + 40) return {pass(e, f, "IPv6 header cut short: passed")};
    if (f[ip] >> 4 != 6)
        return {pass(e, f, fmt("IP version %u in an IPv6 frame: passed", f[ip] >> 4))};
    const uint8_t next = f[ip + 6];
    const size_t l4 = ip + 40;
    const bool ext = next == 0 || next == 43 || next == 44 || next == 60;
    if (next == kProtoVrrp || (ext && f.size() > l4 && f[l4] == kProtoVrrp))
        return judge_vrrp6(f, ip, vlan, e, now);
    if (next == kIcmpv6 && f.size() > l4) {
        if (f[l4] == kNeighborSolicit) {
            if (!sc_.vlan_in_use(vlan))
                return {pass(e, f, fmt("NS in VLAN %u, no instance's: passed untouched", vlan),
                             {{"vlan_no_instance", 1}})};
            return {judge_ns(f, ip, vlan, e)};
        }
        // ND is never refused: accept mode keeps the VIP reachable.
        if (f[l4] == kNeighborAdvert) return {pass(e, f, "Neighbor Advertisement: passed")};
    }
    // RFC 5798 6.4.3 for IPv6: the destination, in the VIP's VLAN.
    const Vip6Config *vip = sc_.vip6(&f[ip + 24]);
    if (vip && vip->no_accept && vip->vlan == vlan)
        return {drop(e,
                     fmt("IPv6 next header %u to a VIP of VRID %u, accept mode off: dropped", next,
                         vip->vrid),
                     {{"ipv6_drop_no_accept", 1}})};
    return {pass(e, f, fmt("IPv6 next header %u: passed", next))};
}

// IPv6 carrying VRRP (judge_ipv6): the header's checks, then the VRID's.
std::vector<Expectation> Oracle::judge_vrrp6(const Bytes &f, size_t ip, uint32_t vlan,
                                             Expectation e, Window now) const {
    const uint8_t next = f[ip + 6];
    if (!sc_.vlan_in_use(vlan))
        return {pass(e, f, fmt("IPv6 VRRP in VLAN %u, no instance's: passed untouched", vlan),
                     {{"vlan_no_instance", 1}})};
    e.why = "IPv6 VRRP: ";
    const CounterMap bad_ip = {{"vrrp_drop_ip_malformed", 1}};
    size_t payload = be16(f, ip + 4);
    if (ip + 40 + payload > f.size())
        return {drop(e, fmt("payload length %zu beyond the frame, dropped", payload), bad_ip)};
    if (next == 44) return {drop(e, "in a fragment, dropped", {{"vrrp_drop_fragment", 1}})};
    if (next != kProtoVrrp)
        return {
            drop(e, fmt("behind extension header %u, dropped", next), {{"vrrp_drop_ipv6_ext", 1}})};
    auto instance = advert_instance(f, ip + 40, vlan, /*ipv6=*/true, e);
    if (const auto *verdict = std::get_if<Expectation>(&instance)) return {*verdict};
    return judge_advert6(f, ip, *std::get<const VridConfig *>(instance), e, now);
}

// RFC 5798 7.1 over IPv6 (5.1.2: hop limit 255, to ff02::12 from a link-local source; only
// version 3; the checksum always over the RFC 8200 8.1 pseudo-header), docs/design.md's order.
std::vector<Expectation> Oracle::judge_advert6(const Bytes &f, size_t ip, const VridConfig &c,
                                               Expectation e, Window now) const {
    const RxModel &rec = *model(c.vrid);
    const size_t v = ip + 40;
    const uint8_t version = f[v] >> 4, type = f[v] & 0xf, prio = f[v + 2], count = f[v + 3];
    e.vrid = c.vrid;
    e.next = rec;
    e.why += fmt("advert for VRID %u (%s): ", c.vrid, c.name);
    if (f[ip + 7] != 255)
        return {drop(e, fmt("hop limit %u, dropped", f[ip + 7]), {{"vrrp_drop_ttl", 1}})};
    const Addr16 src = addr16_at(f, ip + 8), dst = addr16_at(f, ip + 24);
    static const Addr16 group = test::ip6("ff02::12");
    if (c.unicast_addr6) {
        if (dst != *c.unicast_addr6)
            return {drop(e, "unicast instance, not addressed to us: dropped",
                         {{"vrrp_drop_destination", 1}})};
    } else {
        if (dst != group)
            return {drop(e, "not to ff02::12: dropped", {{"vrrp_drop_destination", 1}})};
        if (!(src[0] == 0xfe && (src[1] & 0xc0) == 0x80))
            return {drop(e, "source " + ip_text(src) + " not link-local, dropped",
                         {{"vrrp_drop_not_link_local", 1}})};
    }
    if (version != 3 || version != c.version)
        return {drop(e, fmt("version %u, dropped", version), {{"vrrp_drop_version", 1}})};
    if (type != 1) return {drop(e, fmt("type %u, dropped", type), {{"vrrp_drop_type", 1}})};
    size_t len = 8 + 16 * size_t(count), payload = be16(f, ip + 4);
    if (payload != len)
        return {drop(e, fmt("%zu bytes for %u addresses, dropped", payload, count),
                     {{"vrrp_drop_length", 1}})};
    uint16_t interval = be16(f, v + 4) & 0x0fff;
    if (interval == 0) return {drop(e, "interval 0, dropped", {{"vrrp_drop_interval", 1}})};
    uint32_t ph = ones_sum(&f[ip + 8], 32) + uint32_t(len) + kProtoVrrp;
    if (ones_sum(&f[v], len, ph) != 0xffff)
        return {drop(e, "checksum wrong, dropped", {{"vrrp_drop_checksum", 1}})};
    if (c.allowlist &&
        std::find(c.allowed_srcs6.begin(), c.allowed_srcs6.end(), src) == c.allowed_srcs6.end())
        return {
            drop(e, "source " + ip_text(src) + " not allowed, dropped", {{"vrrp_drop_source", 1}})};
    return judge_valid(f, c, e, now, src, version, prio, interval);
}

std::string Oracle::refusal(uint8_t vrid, std::string &how) const {
    const VridConfig *c = sc_.vrid(vrid);
    if (!c) {
        how = "no instance for its VRID";
        return "no_instance";
    }
    const RxModel *m = model(vrid);
    bool took_over = m && (m->flags & XVRRP_RX_TOOK_OVER);
    how = std::string(c->name) + (took_over ? ", the kernel took over" : "");
    if (!(c->role & XVRRP_ROLE_MASTER) && !((c->role & XVRRP_ROLE_TAKEOVER_ARMED) && took_over))
        return "backup";
    if (!c->lease_fresh) return "lease";
    return "";
}

// RFC 4861: an NS for a service IP is answered by us (7.2.4) or by nobody; one that fails
// 7.1.1 is nobody's.
Expectation Oracle::judge_ns(const Bytes &f, size_t ip, uint32_t vlan, Expectation e) const {
    const size_t l4 = ip + 40;
    if (f.size() < l4 + 24)
        return pass(e, f, "NS too short to name a target: passed", {{"nd_pass", 1}});
    const uint8_t *target = &f[l4 + 8];
    const Vip6Config *vip = sc_.vip6(target);
    if (!vip)
        return pass(e, f, "NS for an address that is no service IP: passed", {{"nd_pass", 1}});
    e.why = fmt("NS for an IPv6 service IP of VRID %u: ", vip->vrid);
    if (vip->vlan != vlan)
        return pass(e, f, fmt("its instance is in VLAN %u, the frame not: passed", vip->vlan),
                    {{"nd_pass_other_vlan", 1}});
    const uint8_t *dst = &f[0];
    if (!group_address(dst) && !std::equal(dst, dst + 6, vip->mac.begin()))
        return pass(e, f, "sent to another host's MAC, passed", {{"nd_pass_other_host", 1}});

    const CounterMap malformed = {{"nd_drop_malformed", 1}};
    const size_t len = be16(f, ip + 4);
    if (f[ip + 7] != 255) return drop(e, fmt("hop limit %u, dropped", f[ip + 7]), malformed);
    if (f[l4 + 1] != 0) return drop(e, fmt("code %u, dropped", f[l4 + 1]), malformed);
    if (len < 24) return drop(e, fmt("ICMPv6 length %zu, dropped", len), malformed);
    if (len > kNdMaxBytes)
        return drop(e, fmt("%zu bytes, longer than checked: dropped", len), malformed);
    if ((len - 24) % 8) return drop(e, "bytes left after the options, dropped", malformed);
    if (l4 + len > f.size()) return drop(e, "payload beyond the frame, dropped", malformed);
    uint32_t ph = uint32_t(len) + kIcmpv6;
    ph = ones_sum(&f[ip + 8], 32, ph);
    if (ones_sum(&f[l4], len, ph) != 0xffff) return drop(e, "checksum wrong, dropped", malformed);
    if (target[0] == 0xff) return drop(e, "multicast target, dropped", malformed);
    bool has_slla = false;
    Mac slla{};
    for (size_t off = l4 + 24; off < l4 + len;) {
        size_t olen = f[off + 1] * 8u;
        if (olen == 0 || off + olen > l4 + len)
            return drop(e, "option of length 0 or beyond the message, dropped", malformed);
        if (f[off] == 1 && !has_slla) {
            if (olen != 8)
                return drop(e, "source link-layer option not 8 bytes, dropped", malformed);
            std::copy(&f[off + 2], &f[off + 8], slla.begin());
            has_slla = true;
        }
        off += olen;
    }
    const uint8_t *src = &f[ip + 8], *daddr = &f[ip + 24];
    const bool dad = std::all_of(src, src + 16, [](uint8_t b) { return b == 0; });
    static const uint8_t sn_prefix[13] = {0xff, 2, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1, 0xff};
    if (dad && (!std::equal(sn_prefix, sn_prefix + 13, daddr) || has_slla))
        return drop(e, "DAD probe not to a solicited-node group, or with a source option",
                    malformed);
    if (group_address(&f[6]) || (has_slla && group_address(slla.data())) || src[0] == 0xff)
        return drop(e, "group sender, never answered", {{"nd_drop_bad_sender", 1}});
    std::string how;
    std::string no = refusal(vip->vrid, how);
    if (!no.empty()) return drop(e, how + ": dropped", {{"nd_drop_" + no, 1}});

    // RFC 4861 7.2.4: a solicited NA from the service IP, to the solicitation's source at the
    // link-layer address it gave (or it came from); a DAD probe's to all-nodes, S = 0. The
    // Ethernet header and its VLAN tags stay, the rest is the NA.
    Bytes r(f.begin(), f.begin() + ip);
    Mac to = dad ? Mac{0x33, 0x33, 0, 0, 0, 1} : has_slla ? slla : Mac{};
    if (!dad && !has_slla) std::copy(&f[6], &f[12], to.begin());
    std::copy(to.begin(), to.end(), r.begin());
    std::copy(vip->mac.begin(), vip->mac.end(), r.begin() + 6);
    test::NdIpv6Fields i;
    i.src = vip->addr;
    if (dad)
        i.dst = test::ip6("ff02::1");
    else
        std::copy(src, src + 16, i.dst.begin());
    test::NdFields na;
    na.type = kNeighborAdvert;
    na.flags = 0x20000000u | (vip->router ? 0x80000000u : 0) | (dad ? 0 : 0x40000000u);
    na.target = vip->addr;
    na.options = test::nd_lladdr_option(2, vip->mac);
    Bytes l3 = test::ipv6(i, test::nd(na, i));
    r.insert(r.end(), l3.begin(), l3.end());
    e.action = XDP_TX;
    e.out = std::move(r);
    e.counters = {{"nd_reply", 1}};
    e.why += how + ", lease fresh: answered" + (dad ? " (DAD probe: to all-nodes)" : "");
    return e;
}

// RFC 5798 7.1 (RFC 3768 7.1 for version 2) in docs/design.md's order, then 6.4.2.
std::vector<Expectation> Oracle::judge_advert(const Bytes &f, size_t ip, size_t ihl,
                                              const VridConfig &c, Expectation e,
                                              Window now) const {
    const RxModel &rec = *model(c.vrid);
    const size_t v = ip + ihl;
    const uint8_t version = f[v] >> 4, type = f[v] & 0xf, prio = f[v + 2], count = f[v + 3];
    e.vrid = c.vrid;
    e.next = rec;  // an invalid advert changes nothing
    e.why += fmt("advert for VRID %u (%s, v%u): ", c.vrid, c.name, c.version);
    if (f[ip + 8] != 255)
        return {drop(e, fmt("TTL %u, dropped", f[ip + 8]), {{"vrrp_drop_ttl", 1}})};
    if (c.unicast_addr && addr_at(f, ip + 16) != *c.unicast_addr)
        return {drop(e, "unicast instance, not addressed to us: dropped",
                     {{"vrrp_drop_destination", 1}})};
    if (version != c.version)
        return {drop(e, fmt("version %u, dropped", version), {{"vrrp_drop_version", 1}})};
    if (type != 1) return {drop(e, fmt("type %u, dropped", type), {{"vrrp_drop_type", 1}})};
    size_t len = 8 + 4 * size_t(count) + (version == 2 ? 8 : 0);
    size_t payload = be16(f, ip + 2) - ihl;
    if (payload != len)
        return {drop(e, fmt("%zu bytes for %u addresses, dropped", payload, count),
                     {{"vrrp_drop_length", 1}})};
    // v3: 4 reserved bits (ignored on reception, RFC 5798 5.2.7) and 12 bits of centiseconds;
    // v2: Auth Type, then Adver Int in seconds, which must be ours (RFC 3768 7.1).
    uint16_t interval = version == 2 ? f[v + 5] : be16(f, v + 4) & 0x0fff;
    if (interval == 0) return {drop(e, "interval 0, dropped", {{"vrrp_drop_interval", 1}})};
    if (version == 2 && interval * kSecond != c.advert_interval_ns)
        return {drop(e, fmt("v2 interval %u s, not ours, dropped", interval),
                     {{"vrrp_drop_interval", 1}})};
    uint32_t src = addr_at(f, ip + 12), dst = addr_at(f, ip + 16);
    bool csum_ok = ones_sum(&f[v], len) == 0xffff;
    if (!csum_ok && version == 3) {  // with the IPv4 pseudo-header (RFC 5798 5.2.8)
        uint32_t s = ntohl(src), d = ntohl(dst);
        uint32_t ph = (s >> 16) + (s & 0xffff) + (d >> 16) + (d & 0xffff) + kProtoVrrp + len;
        csum_ok = ones_sum(&f[v], len, ph) == 0xffff;
    }
    if (!csum_ok) return {drop(e, "checksum wrong, dropped", {{"vrrp_drop_checksum", 1}})};
    if (version == 2) {
        // RFC 3768 7.1: the Auth Type must match ours: 0, or 1 (RFC 2338 simple text) with
        // our password as the last 8 bytes.
        const uint8_t ours = c.auth_pass ? 1 : 0;
        if (f[v + 4] != ours)
            return {drop(e, fmt("v2 Auth Type %u, not ours (%u): dropped", f[v + 4], ours),
                         {{"vrrp_drop_auth", 1}})};
        if (c.auth_pass && !std::equal(c.auth_pass->begin(), c.auth_pass->end(), &f[v + len - 8]))
            return {drop(e, "v2 password not ours: dropped", {{"vrrp_drop_auth_pass", 1}})};
    }
    if (c.allowlist &&
        std::find(c.allowed_srcs.begin(), c.allowed_srcs.end(), src) == c.allowed_srcs.end())
        return {
            drop(e, "source " + ip_text(src) + " not allowed, dropped", {{"vrrp_drop_source", 1}})};
    return judge_valid(f, c, e, now, test::mapped(src), version, prio, interval);
}

std::vector<Expectation> Oracle::judge_valid(const Bytes &f, const VridConfig &c, Expectation e,
                                             Window now, const Addr16 &src, uint8_t version,
                                             uint8_t prio, uint16_t interval) const {
    const RxModel &rec = *model(c.vrid);
    // Valid. RFC 5798 6.4.2: priority 0 sets the Master_Down_Timer to Skew_Time; otherwise
    // it is restarted with Master_Down_Interval unless preempt discards a lower priority.
    uint64_t mai = c.fixed_interval_ns ? c.fixed_interval_ns
                                       : interval * (version == 2 ? kSecond : kCentisecond);
    CounterMap n = {{"vrrp_valid", 1}};
    bool accepted = true;
    uint64_t timeout = 0;
    if (prio == 0) {
        // ... from the Master_Adver_Interval learned so far: 6.4.2 learns it from accepted
        // adverts of non-zero priority; before any, it is our Advertisement_Interval (6.4.1).
        n["vrrp_prio_zero"] = 1;
        timeout = skew_time_ns(
            version, c.priority,
            rec.master_adver_interval_ns ? rec.master_adver_interval_ns : c.advert_interval_ns);
    } else if (!(c.role & XVRRP_ROLE_PREEMPT) || prio >= c.priority) {
        timeout = master_down_interval_ns(version, c.priority, mai);
    } else {
        n["vrrp_ignored_lower_prio"] = 1;
        accepted = false;
    }
    if (accepted) n["vrrp_accepted"] = 1;
    if (c.role & XVRRP_ROLE_MASTER) n["vrrp_while_master"] = 1;

    // What the election must hear (docs/design.md "Events go to the controller only when").
    uint32_t ev = 0;
    if (c.role & XVRRP_ROLE_MASTER)
        ev = XVRRP_EV_ADVERT_WHILE_MASTER;
    else if (prio == 0)
        ev = XVRRP_EV_PRIORITY_ZERO;
    else if (c.role & XVRRP_ROLE_RELEASING)
        ev = XVRRP_EV_ADVERT_WHILE_RELEASING;
    else if (!accepted)
        ev = (src != rec.master_addr || prio != rec.master_priority) ? XVRRP_EV_LOWER_PRIORITY : 0;
    else if (src != rec.master_addr)
        ev = XVRRP_EV_NEW_MASTER;
    else if (prio != rec.master_priority)
        ev = XVRRP_EV_PRIORITY_CHANGE;
    else if (interval != rec.interval_field)
        ev = XVRRP_EV_INTERVAL_CHANGE;

    RxModel next = rec;
    next.adverts++;
    next.last_advert = now;
    next.master_addr = src;
    next.master_priority = prio;
    next.version = version;
    next.interval_field = interval;
    if (accepted) {
        next.accepted++;
        if (prio != 0) next.master_adver_interval_ns = mai;
        if (rec.adverts && src == rec.master_addr) next.gaps++;  // the same master's gap
        if (rec.flags & XVRRP_RX_WATCHING) {
            next.md_interval_ns = timeout;
            next.md_deadline = now.plus(timeout);
            // The master is heard: a declaration (and a takeover not yet confirmed) ends.
            next.flags &= ~(XVRRP_RX_MASTER_DOWN | XVRRP_RX_TOOK_OVER | XVRRP_RX_GRACE);
            e.restart_timeout_ns = timeout;
        }
    }
    e.action = c.pass_adverts ? XDP_PASS : XDP_DROP;
    if (c.pass_adverts) e.out = f;
    e.why += fmt("valid, priority %u from %s, %s", prio, ip_text(src).c_str(),
                 accepted ? "accepted" : "lower priority ignored (preempt)");

    auto with_event = [&](bool sent) {
        Expectation x = e;
        x.counters = n;
        x.next = next;
        if (sent) {
            x.counters["event_sent"] = 1;
            x.next->last_event_type = ev;
            x.events.push_back({ev, c.vrid, src, prio, version, interval,
                                accepted ? timeout : rec.md_interval_ns});
            x.why += fmt(", event %u", ev);
        } else if (ev) {
            x.counters["event_rate_limited"] = 1;
            x.why += fmt(", event %u rate-limited", ev);
        }
        return x;
    };
    if (!ev) return {with_event(false)};
    // Heard while master or releasing: one event per advert interval, unless the sender or
    // its priority changed (abi.h, advert_interval_ns).
    bool limited_kind = ev == XVRRP_EV_ADVERT_WHILE_MASTER || ev == XVRRP_EV_ADVERT_WHILE_RELEASING;
    if (!limited_kind || ev != rec.last_event_type || src != rec.master_addr ||
        prio != rec.master_priority)
        return {with_event(true)};
    if (now.hi < rec.last_event_ns + c.advert_interval_ns) return {with_event(false)};
    if (now.lo >= rec.last_event_ns + c.advert_interval_ns) return {with_event(true)};
    return {with_event(true), with_event(false)};  // the interval ran out during this run
}

void Oracle::commit(const Expectation &e, uint64_t event_ts) {
    if (e.vrid < 0 || !e.next) return;
    RxModel &m = rx_[uint8_t(e.vrid)];
    m = *e.next;
    if (!e.events.empty()) m.last_event_ns = event_ts;
}

RxModel RxModel::from_kernel(const xvrrp_rx_state &rx) {
    RxModel m;
    m.flags = rx.flags & kFlagsCompared;
    m.master_addr = test::addr16(rx.master_addr);
    m.master_priority = rx.master_priority;
    m.version = rx.version;
    m.interval_field = rx.interval_field;
    m.last_event_type = rx.last_event_type;
    m.last_event_ns = rx.last_event_ns;
    m.last_advert = {rx.last_advert_ns, rx.last_advert_ns};
    m.master_adver_interval_ns = rx.master_adver_interval_ns;
    m.md_interval_ns = rx.master_down_interval_ns;
    m.md_deadline = {rx.master_down_deadline_ns, rx.master_down_deadline_ns};
    m.adverts = rx.adverts;
    m.accepted = rx.accepted;
    for (uint32_t g : rx.gap_hist) m.gaps += g;
    m.timer_fires = rx.timer_fires;
    m.master_down_at_ns = rx.master_down_at_ns;
    m.lease_expiries = rx.lease_expiries;
    m.late_expiries = rx.late_expiries;
    return m;
}

std::string RxModel::diff(const xvrrp_rx_state &rx) const {
    RxModel k = from_kernel(rx);
    std::string out;
    auto field = [&](const char *name, uint64_t want, uint64_t got) {
        if (want != got)
            out += fmt("rx_state.%s: expected %llu, is %llu\n", name, (unsigned long long)want,
                       (unsigned long long)got);
    };
    auto window = [&](const char *name, Window w, uint64_t got) {
        if (!w.contains(got))
            out += fmt("rx_state.%s: expected within [%llu, %llu], is %llu\n", name,
                       (unsigned long long)w.lo, (unsigned long long)w.hi, (unsigned long long)got);
    };
    field("flags", flags, k.flags);
    if (master_addr != k.master_addr)
        out += "rx_state.master_addr: expected " + ip_text(master_addr) + ", is " +
               ip_text(k.master_addr) + "\n";
    field("master_priority", master_priority, k.master_priority);
    field("version", version, k.version);
    field("interval_field", interval_field, k.interval_field);
    field("last_event_type", last_event_type, k.last_event_type);
    field("last_event_ns", last_event_ns, k.last_event_ns);
    window("last_advert_ns", last_advert, rx.last_advert_ns);
    field("master_adver_interval_ns", master_adver_interval_ns, k.master_adver_interval_ns);
    field("master_down_interval_ns", md_interval_ns, k.md_interval_ns);
    window("master_down_deadline_ns", md_deadline, rx.master_down_deadline_ns);
    field("adverts", adverts, k.adverts);
    field("accepted", accepted, k.accepted);
    field("sum(gap_hist)", gaps, k.gaps);
    field("timer_fires", timer_fires, k.timer_fires);
    field("master_down_at_ns", master_down_at_ns, k.master_down_at_ns);
    field("lease_expiries", lease_expiries, k.lease_expiries);
    field("late_expiries", late_expiries, k.late_expiries);
    return out;
}

std::string ip_text(uint32_t be) {
    char buf[INET_ADDRSTRLEN];
    inet_ntop(AF_INET, &be, buf, sizeof buf);
    return buf;
}

std::string ip_text(const Addr16 &a) {
    static const uint8_t prefix[12] = {0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0xff, 0xff};
    if (std::equal(prefix, prefix + 12, a.begin())) {
        uint32_t be;
        std::memcpy(&be, &a[12], 4);
        return ip_text(be);
    }
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(AF_INET6, a.data(), buf, sizeof buf);
    return buf;
}

std::string hex_dump(const Bytes &b, const char *indent) {
    std::string out;
    for (size_t i = 0; i < b.size(); i += 16) {
        out += fmt("%s%04zx ", indent, i);
        for (size_t j = i; j < i + 16 && j < b.size(); j++) out += fmt(" %02x", b[j]);
        out += "\n";
    }
    return out;
}

}  // namespace xvrrp::fuzz
