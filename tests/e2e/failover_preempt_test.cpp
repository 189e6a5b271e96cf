// Preemption (RFC 5798 6.4.2): a recovered higher-priority server takes the service IP back,
// unless preempt = false, in which case the lower-priority master keeps it.
#include <gtest/gtest.h>

#include <thread>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

// s1 serves again, and announced it: the client's ARP entry, which pointed at s2, now points at
// s1 without the client asking.
void expect_s1_serves_again(const Lab &lab) {
    EXPECT_TRUE(lab.client_arp_points_to("s1")) << lab.client_neighbor() << describe(lab);
    EXPECT_TRUE(wait_until([&] { return lab.holds_vip("s1") && !lab.holds_vip("s2"); }))
        << describe(lab);
    EXPECT_EQ(lab.arp_responders(), std::set<std::string>{"s1"}) << describe(lab);
    EXPECT_TRUE(lab.client_reaches_vip()) << describe(lab);
}

TEST(Preempt, MasterTakesBackTheVipWhenItsPortIsRestored) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    lab.cut("s1");
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    ASSERT_TRUE(lab.client_reaches_vip()) << describe(lab);  // the client's ARP entry: s2
    lab.restore("s1");
    ASSERT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    expect_s1_serves_again(lab);
}

TEST(Preempt, MasterTakesBackTheVipWhenItsDaemonRestarts) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    ASSERT_EQ(lab.stop("s1"), 0) << lab.log("s1");
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    ASSERT_TRUE(lab.client_reaches_vip()) << describe(lab);  // the client's ARP entry: s2
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    expect_s1_serves_again(lab);
}

TEST(Preempt, NoPreemptionWhenPreemptIsFalse) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab, "10ms", /*preempt=*/false));
    ASSERT_EQ(lab.stop("s1"), 0) << lab.log("s1");
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);

    XvrrpdOptions s1 = xvrrpd_options(150);
    s1.preempt = false;
    lab.start_xvrrpd("s1", s1);
    ASSERT_TRUE(lab.wait_state("s1", "BACKUP")) << describe(lab);
    // Watch for a while (hundreds of advert intervals, far beyond a Master_Down_Interval): s1
    // hears s2 and stays BACKUP although its priority is higher.
    for (int i = 0; i < 20; ++i) {
        std::this_thread::sleep_for(100ms);
        ASSERT_EQ(lab.state("s1"), "BACKUP") << describe(lab);
        ASSERT_EQ(lab.state("s2"), "MASTER") << describe(lab);
    }
    auto s1_status = lab.status("s1");
    ASSERT_TRUE(s1_status);
    EXPECT_EQ(s1_status->master, "192.0.2.12") << s1_status->raw;
    EXPECT_TRUE(lab.holds_vip("s2") && !lab.holds_vip("s1")) << describe(lab);
    EXPECT_EQ(lab.arp_responders(), std::set<std::string>{"s2"}) << describe(lab);
}

}  // namespace
}  // namespace xvrrp::e2e
