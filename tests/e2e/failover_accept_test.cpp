// Accept mode (RFC 5798 6.4.3) as a client meets it: with `accept = false` the master answers
// ARP for the service IP but what the client sends to it is dropped in XDP (counted as
// ipv4_drop_no_accept, read with bpftool as an operator would); the address owner (priority
// 255) and the default (accepting, as keepalived) let it through.
#include <gtest/gtest.h>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

long no_accept_drops(const Lab &lab, const std::string &host) {
    return lab.xdp_counter(host, "ipv4_drop_no_accept");
}

// One echo request from the client to the service IP: answered or not.
bool one_ping_answered(const Lab &lab) {
    return sh("ip netns exec " + lab.ns("cl") + " ping -n -q -c 1 -W 1 " + kVip).status == 0;
}

::testing::AssertionResult start_pair_with(Lab &lab, int s1_priority, const std::string &extra) {
    XvrrpdOptions s1 = xvrrpd_options(s1_priority), s2 = xvrrpd_options(100);
    s1.extra = s2.extra = extra;
    return start_pair(lab, s1, s2);
}

TEST(AcceptMode, WithAcceptOffTheMasterAnswersArpButDropsWhatIsSentToTheVip) {
    Lab lab;
    ASSERT_TRUE(start_pair_with(lab, 150, "accept = false\n"));
    ASSERT_TRUE(wait_until([&] { return lab.holds_vip("s1"); })) << describe(lab);
    EXPECT_EQ(lab.arp_responders(), std::set<std::string>{"s1"}) << describe(lab);
    const long before = no_accept_drops(lab, "s1");
    ASSERT_GE(before, 0) << describe(lab);
    for (int i = 0; i < 3; ++i) EXPECT_FALSE(one_ping_answered(lab)) << describe(lab);
    EXPECT_GE(no_accept_drops(lab, "s1") - before, 3) << describe(lab);
    // The client resolved the service IP to the master: ARP works, only traffic is refused.
    EXPECT_TRUE(lab.client_arp_points_to("s1")) << lab.client_neighbor();
}

TEST(AcceptMode, TheBackupThatTakesOverRefusesTrafficToo) {
    Lab lab;
    ASSERT_TRUE(start_pair_with(lab, 150, "accept = false\n"));
    lab.cut("s1");
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    ASSERT_TRUE(wait_until([&] { return lab.arp_responders() == std::set<std::string>{"s2"}; }))
        << describe(lab);
    const long before = no_accept_drops(lab, "s2");
    EXPECT_FALSE(one_ping_answered(lab)) << describe(lab);
    EXPECT_GE(no_accept_drops(lab, "s2") - before, 1) << describe(lab);
}

TEST(AcceptMode, TheAddressOwnerAcceptsWhateverAcceptSays) {
    Lab lab;
    ASSERT_TRUE(start_pair_with(lab, 255, "accept = false\n"));
    EXPECT_TRUE(lab.client_reaches_vip()) << describe(lab);
    EXPECT_EQ(no_accept_drops(lab, "s1"), 0) << describe(lab);
}

TEST(AcceptMode, ByDefaultTheMasterAcceptsTrafficToTheVip) {
    Lab lab;
    ASSERT_TRUE(start_pair_with(lab, 150, ""));
    EXPECT_TRUE(lab.client_reaches_vip()) << describe(lab);
    EXPECT_EQ(no_accept_drops(lab, "s1"), 0) << describe(lab);
}

}  // namespace
}  // namespace xvrrp::e2e
