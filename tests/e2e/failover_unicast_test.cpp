// Unicast peers (unicast_peers): two xvrrpd that advertise to each other's address instead of
// the group. Adverts reach only the peer (the client, a third port of the switch, sees none),
// failover works both ways, and adverts forged by a third host on the segment, addressed to a
// server and claiming its VRID, are dropped in XDP because their source is not a peer.
// keepalived as the peer: interop_keepalived_test.cpp.
#include <gtest/gtest.h>

#include <cstdio>

#include "e2e/lab_fixture.h"
#include "vrrp/frames.h"

namespace xvrrp::e2e {
namespace {

XvrrpdOptions unicast_to(int priority, const std::string &peer) {
    XvrrpdOptions o = xvrrpd_options(priority);
    o.extra = "unicast_peers = [\"" + kHostAddress.at(peer) + "\"]\n";
    return o;
}

::testing::AssertionResult start_unicast_pair(Lab &lab) {
    return start_pair(lab, unicast_to(150, "s2"), unicast_to(100, "s1"));
}

vrrp::MacAddress mac_of(const std::string &host) {
    vrrp::MacAddress m{};
    unsigned b[6];
    std::sscanf(kHostMac.at(host).c_str(), "%x:%x:%x:%x:%x:%x", &b[0], &b[1], &b[2], &b[3], &b[4],
                &b[5]);
    for (int i = 0; i < 6; i++) m[size_t(i)] = uint8_t(b[i]);
    return m;
}

// An advert for VRID 51 from the client's address, to `to`'s address and MAC.
std::vector<uint8_t> forged_advert(const std::string &to, uint8_t priority) {
    vrrp::Advert a;
    a.vrid = 51;
    a.priority = priority;
    a.interval_field = 1;
    a.source = *vrrp::IpAddress::parse(kHostAddress.at("cl"));
    a.addresses = {*vrrp::IpAddress::parse(kVip)};
    vrrp::AdvertFrameOptions o;
    o.source_mac = mac_of("cl");
    o.ip.destination = *vrrp::IpAddress::parse(kHostAddress.at(to));
    o.destination_mac = mac_of(to);
    return vrrp::build_advert_frame(a, o).value();
}

TEST(Unicast, PeersAdvertToEachOtherOnlyAndFailOverBothWays) {
    Lab lab;
    ASSERT_TRUE(start_unicast_pair(lab));
    EXPECT_EQ(lab.adverts_seen_by_client(1), "") << describe(lab);
    EXPECT_TRUE(lab.client_reaches_vip()) << describe(lab);
    EXPECT_GT(lab.xdp_counter("s2", "vrrp_accepted"), 0) << describe(lab);

    lab.cut("s1");
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    EXPECT_TRUE(lab.client_reaches_vip()) << describe(lab);
    lab.restore("s1");  // s1 hears s2, preempts, and s2 follows it again
    ASSERT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    EXPECT_TRUE(lab.wait_follows("s2", "192.0.2.11")) << describe(lab);
    EXPECT_EQ(lab.arp_responders(), std::set<std::string>{"s1"}) << describe(lab);
}

TEST(Unicast, AThirdHostsForgedAdvertsAreDroppedAndChangeNothing) {
    Lab lab;
    ASSERT_TRUE(start_unicast_pair(lab));
    // Priority 254 to the master would make it step down; priority 0 to the backup would make
    // it take over at once. Neither is from a peer.
    lab.send_from_client(forged_advert("s1", 254), 100);
    lab.send_from_client(forged_advert("s2", 0), 100);
    EXPECT_GE(lab.xdp_counter("s1", "vrrp_drop_source"), 100) << describe(lab);
    EXPECT_GE(lab.xdp_counter("s2", "vrrp_drop_source"), 100) << describe(lab);
    EXPECT_EQ(lab.state("s1"), "MASTER") << describe(lab);
    EXPECT_EQ(lab.state("s2"), "BACKUP") << describe(lab);
    auto s1 = lab.status("s1");
    ASSERT_TRUE(s1);
    EXPECT_EQ(s1->became_master, 1) << s1->raw;
}

}  // namespace
}  // namespace xvrrp::e2e
