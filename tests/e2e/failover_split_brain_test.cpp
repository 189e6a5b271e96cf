// No split brain: at every sampled moment outside a failover, exactly one server answers ARP
// for the service IP (arping from the client, counted by replying MAC) and only a server that
// reports MASTER holds it on dummy0. A failover window starts at the fault and ends when both
// daemons report the new states (at least one Master_Down_Interval later); nothing is sampled
// inside it. Faults: the master's switch port goes down and comes back; the master's daemon is
// frozen (SIGSTOP) and resumed.
#include <gtest/gtest.h>

#include <string>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

constexpr int kSamples = 4;

// Samples the network a few times: the client gets ARP replies from `master` only, `master`
// holds the service IP, and any other server that holds it reports MASTER (an isolated server
// may still believe it is master; its ARP replies cannot reach anybody). `frozen` is a host
// whose daemon cannot clean up: its dummy0 is not looked at.
void expect_one_master(const Lab &lab, const std::string &master, const std::string &frozen = "") {
    for (int i = 0; i < kSamples; ++i) {
        SCOPED_TRACE("sample " + std::to_string(i) + ", expected master " + master);
        EXPECT_EQ(lab.arp_responders(), std::set<std::string>{master}) << describe(lab);
        EXPECT_TRUE(lab.holds_vip(master)) << describe(lab);
        for (const char *other : {"s1", "s2"}) {
            if (other == master || other == frozen) continue;
            if (lab.holds_vip(other)) {
                EXPECT_EQ(lab.state(other), "MASTER")
                    << other << " holds the VIP on dummy0 without being master\n"
                    << describe(lab);
            }
        }
    }
}

TEST(SplitBrain, ExactlyOneServerAnswersArpAndHoldsTheVipOutsideFailover) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    expect_one_master(lab, "s1");

    // Fault 1: the master's port goes down; s2 takes over.
    lab.cut("s1");
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    expect_one_master(lab, "s2");

    // Recovery: s1 preempts back.
    lab.restore("s1");
    ASSERT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    expect_one_master(lab, "s1");

    // Fault 2: the master's controller freezes; its lease runs out, s2 takes over.
    lab.send_signal("s1", SIGSTOP);
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    expect_one_master(lab, "s2", /*frozen=*/"s1");

    // Recovery: s1 resumes, sees a lower-priority master and preempts back.
    lab.send_signal("s1", SIGCONT);
    ASSERT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    expect_one_master(lab, "s1");
}

// A partition that the master does not notice: s1's switch port stops forwarding with its link
// up, so s1 stays MASTER while s2 also becomes MASTER and the client follows s2's gratuitous ARP.
// When the partition heals s2 steps back (s1's priority is higher) and s1, still MASTER, hears a
// lower-priority master: it must announce itself again, or the client keeps sending to s2, which
// no longer serves the IP. (The same happens when a backup takes over by mistake for a moment,
// e.g. when the master's adverts are late in fast mode.)
TEST(SplitBrain, ClientFollowsTheMasterAfterAPartitionHeals) {
    Lab lab;
    // No second gratuitous-ARP burst (garp_delay): it could land after the partition by chance
    // and hide whether s1 reacts to the other master.
    XvrrpdOptions s1 = xvrrpd_options(150), s2 = xvrrpd_options(100);
    s1.extra = s2.extra = "garp_delay = \"0s\"\n";
    lab.start_xvrrpd("s1", s1);
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    lab.start_xvrrpd("s2", s2);
    ASSERT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    ASSERT_TRUE(lab.client_reaches_vip()) << describe(lab);
    ASSERT_TRUE(lab.client_arp_points_to("s1")) << lab.client_neighbor();

    lab.isolate("s1");
    ASSERT_TRUE(lab.wait_states("MASTER", "MASTER")) << describe(lab);
    ASSERT_TRUE(lab.client_arp_points_to("s2")) << lab.client_neighbor() << describe(lab);

    lab.rejoin("s1");
    ASSERT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    EXPECT_TRUE(lab.client_arp_points_to("s1"))
        << "s1 did not announce itself after the partition; the client still sends to s2: "
        << lab.client_neighbor() << describe(lab);
    EXPECT_TRUE(lab.client_reaches_vip()) << describe(lab);
}

}  // namespace
}  // namespace xvrrp::e2e
