// The VRIDs the fuzzer configures: each role the controller gives a VRID, VRRPv2 and v3, fast
// mode, an allow-list, accept mode off, a VRRPv2 password, unicast peers, the virtual MAC, IPv6
// service IPs (some with the ND Router flag), and the kernel's own takeover, instances in VLANs
// 10 and 20 beside untagged ones, IPv6 instances (VRRPv3 over IPv6). The data plane does not
// tie a VIP's family to its instance's, so IPv4 instances carry IPv6 VIPs too, for every
// verdict. Leases a day ahead or long past, timers armed for a day: no verdict depends on when
// a frame runs.
#include "fuzz_xdp_oracle.h"

namespace xvrrp::fuzz {

Scenario default_scenario() {
    using test::ip;
    const Mac mac = test::kServerMac;  // the uplink's MAC: what the controller answers with
    Scenario sc{mac, {}, {}, {}};
    constexpr uint32_t M = XVRRP_ROLE_MASTER, A = XVRRP_ROLE_TAKEOVER_ARMED, P = XVRRP_ROLE_PREEMPT,
                       R = XVRRP_ROLE_RELEASING;
    // IPv4 and IPv6 service IPs; router: their NAs carry the Router flag.
    auto add = [&](VridConfig c, std::initializer_list<const char *> vips,
                   std::initializer_list<const char *> vips6 = {}, bool router = false) {
        // With the virtual MAC, ARP for the VIPs is answered with it, ND with the IPv6 one
        // (RFC 5798 7.3).
        const Mac answer = c.vmac ? Mac{0x00, 0x00, 0x5e, 0x00, 0x01, c.vrid} : mac;
        const Mac answer6 = c.vmac ? Mac{0x00, 0x00, 0x5e, 0x00, 0x02, c.vrid} : mac;
        for (const char *v : vips) sc.vips.push_back({ip(v), c.vrid, answer, !c.accept, c.vlan});
        for (const char *v : vips6)
            sc.vips6.push_back({test::ip6(v), c.vrid, answer6, !c.accept, c.vlan, router});
        sc.vrids.push_back(std::move(c));
    };
    add({.vrid = 10,
         .name = "master with the virtual MAC",
         .role = M | P,
         .lease_fresh = true,
         .vmac = true},
        {"192.0.2.10", "192.0.2.11"}, {"2001:db8::10"});
    add({.vrid = 20,
         .name = "master in fast mode, in VLAN 10",
         .priority = 200,
         .role = M | P,
         .fixed_interval_ns = 500'000,
         .advert_interval_ns = 500'000,
         .lease_fresh = true,
         .vlan = 10},
        {"192.0.2.20"}, {"2001:db8::20"}, true);
    add({.vrid = 30,
         .name = "backup with the virtual MAC and accept mode off",
         .role = A | P,
         .watching = true,
         .accept = false,
         .vmac = true},
        {"192.0.2.30"}, {"2001:db8::30"});
    add({.vrid = 40,
         .name = "master with accept mode off",
         .priority = 150,
         .role = M | P,
         .lease_fresh = false,
         .accept = false},
        {"192.0.2.40"}, {"2001:db8::40", "2001:db8:0:1::40"});
    add({.vrid = 50, .name = "releasing", .role = R | P, .lease_fresh = true},
        {"192.0.2.50", "192.0.2.51"}, {"2001:db8::50"});
    add({.vrid = 60,
         .name = "backup with an allow-list, in VLAN 20",
         .priority = 50,
         .role = A,
         .allowlist = true,
         .watching = true,
         .allowed_srcs = {ip("192.0.2.61"), ip("192.0.2.62")},
         .vlan = 20},
        {"192.0.2.60"});
    add({.vrid = 70,
         .name = "VRRPv2 master",
         .version = 2,
         .role = M,
         .pass_adverts = true,
         .lease_fresh = true},
        {"192.0.2.70"});
    add({.vrid = 80,
         .name = "VRRPv2 backup with a password",
         .version = 2,
         .priority = 254,
         .role = A | P,
         .advert_interval_ns = 100 * kSecond,
         .watching = true,
         .auth_pass = std::array<uint8_t, 8>{'f', 'u', 'z', 'z', 'p', 'a', 's', 0}},
        {"192.0.2.80"});
    add({.vrid = 90,
         .name = "armed backup (disarmed after its takeover)",
         .role = A | P,
         .lease_fresh = true,
         .took_over = true,
         .disarm_after_takeover = true},
        {"192.0.2.90"}, {"2001:db8::90"});
    add({.vrid = 100,
         .name = "armed backup (still watching after its takeover)",
         .priority = 1,
         .role = A | P,
         .lease_fresh = true,
         .watching = true,
         .took_over = true},
        {"192.0.2.100"}, {"fe80::100"}, true);
    add({.vrid = 110,
         .name = "backup with unicast peers",
         .role = A | P,
         .allowlist = true,
         .watching = true,
         .allowed_srcs = {ip("192.0.2.111"), ip("192.0.2.112")},
         .unicast_addr = ip("192.0.2.110")},
        {"192.0.2.113"});
    // VRRPv3 over IPv6, with IPv6 service IPs only.
    using test::ip6;
    add({.vrid = 120, .name = "IPv6 backup", .role = A | P, .watching = true, .ipv6 = true}, {},
        {"2001:db8::120"});
    add({.vrid = 130,
         .name = "IPv6 backup with unicast peers",
         .role = A | P,
         .allowlist = true,
         .watching = true,
         .ipv6 = true,
         .allowed_srcs6 = {ip6("2001:db8::131"), ip6("fe80::132")},
         .unicast_addr6 = ip6("2001:db8::130")},
        {}, {"2001:db8::133"});
    add({.vrid = 140,
         .name = "IPv6 master with an allow-list, in VLAN 10",
         .priority = 200,
         .role = M | P,
         .allowlist = true,
         .lease_fresh = true,
         .vlan = 10,
         .ipv6 = true,
         .allowed_srcs6 = {ip6("fe80::141"), ip6("fe80::1")}},
        {}, {"2001:db8::140", "2001:db8::141"}, true);
    sc.vips.push_back({ip("192.0.2.200"), 200, mac});  // a service IP whose VRID is gone
    sc.vips6.push_back({test::ip6("2001:db8::200"), 200, mac});
    return sc;
}

}  // namespace xvrrp::fuzz
