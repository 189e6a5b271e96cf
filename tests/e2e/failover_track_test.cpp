// track_interface with keepalived's meaning of the weight, end to end: a negative weight lowers
// the priority while the tracked link is down, a positive one raises it while the link is up,
// weight 0 puts the instance in FAULT while the link is down. The tracked link is a veth pair
// inside the server's namespace, brought down and up by the test.
#include <gtest/gtest.h>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

// trk0 (and its peer trk1) in the host's namespace, up.
void add_tracked_link(const Lab &lab, const std::string &host) {
    must("ip -n " + lab.ns(host) + " link add trk0 type veth peer name trk1");
    must("ip -n " + lab.ns(host) + " link set trk1 up");
    must("ip -n " + lab.ns(host) + " link set trk0 up");
}

void set_tracked_link(const Lab &lab, const std::string &host, bool up) {
    must("ip -n " + lab.ns(host) + " link set trk0 " + (up ? "up" : "down"));
}

XvrrpdOptions tracking(int priority, int weight) {
    XvrrpdOptions o = xvrrpd_options(priority);
    o.extra = "track_interface = [{ name = \"trk0\", weight = " + std::to_string(weight) + " }]\n";
    return o;
}

int priority_of(const Lab &lab, const std::string &host) {
    auto s = lab.status(host);
    return s ? s->priority : -1;
}

TEST(Track, ANegativeWeightLowersTheMastersPriorityWhileTheLinkIsDown) {
    Lab lab;
    add_tracked_link(lab, "s1");
    ASSERT_TRUE(start_pair(lab, tracking(150, -60), xvrrpd_options(100)));
    EXPECT_EQ(priority_of(lab, "s1"), 150);

    set_tracked_link(lab, "s1", false);  // 150 - 60 = 90 < 100: s2 preempts
    EXPECT_TRUE(lab.wait_states("BACKUP", "MASTER")) << describe(lab);
    EXPECT_EQ(priority_of(lab, "s1"), 90);
    EXPECT_TRUE(lab.client_reaches_vip()) << describe(lab);

    set_tracked_link(lab, "s1", true);  // 150 again: s1 preempts back
    EXPECT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    EXPECT_EQ(priority_of(lab, "s1"), 150);
}

TEST(Track, APositiveWeightRaisesThePriorityWhileTheLinkIsUp) {
    Lab lab;
    add_tracked_link(lab, "s2");
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    // s2: 100 + 60 = 160 while trk0 is up, above s1's 150: it preempts.
    lab.start_xvrrpd("s2", tracking(100, 60));
    ASSERT_TRUE(lab.wait_states("BACKUP", "MASTER")) << describe(lab);
    EXPECT_EQ(priority_of(lab, "s2"), 160);

    set_tracked_link(lab, "s2", false);  // 100 < 150: s1 preempts
    EXPECT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    EXPECT_EQ(priority_of(lab, "s2"), 100);
}

TEST(Track, WeightZeroPutsTheInstanceInFaultWhileTheLinkIsDown) {
    Lab lab;
    add_tracked_link(lab, "s1");
    ASSERT_TRUE(start_pair(lab, tracking(150, 0), xvrrpd_options(100)));
    set_tracked_link(lab, "s1", false);
    EXPECT_TRUE(lab.wait_states("FAULT", "MASTER")) << describe(lab);
    set_tracked_link(lab, "s1", true);
    EXPECT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
}

}  // namespace
}  // namespace xvrrp::e2e
