// Two and three routers in one process (lab.h): fake clock, fake wire with a 100 us delay.
// "Master" below means what the others can observe: the router answers ARP for the VIP.
#include <gtest/gtest.h>

#include <algorithm>

#include "lab.h"

namespace xvrrp::vrrp::testing {
namespace {

constexpr Duration kWire = 100us;
constexpr TimePoint at(Duration d) {
    return TimePoint(d);
}

// Master_Down_Interval at a 1 s interval, RFC 5798 6.1.
Duration mdi(uint8_t priority) {
    return master_down_interval(3, priority, 1s);
}

int times_notified(const Router &r, const std::string &word) {
    return int(std::count_if(r.notifications.begin(), r.notifications.end(),
                             [&](const auto &n) { return n.second == word; }));
}

std::optional<TimePoint> first_notified(const Router &r, const std::string &word) {
    for (const auto &[t, w] : r.notifications)
        if (w == word) return t;
    return std::nullopt;
}

TEST(TwoRouters, HigherPriorityWinsTheElection) {
    Lab lab(kWire);
    auto a = lab.add("A", params(200, 1)), b = lab.add("B", params(100, 2));
    lab.start_all();
    lab.run_for(60s);
    EXPECT_EQ(lab[a].sm.state(), State::Master);
    EXPECT_EQ(lab[b].sm.state(), State::Backup);
    EXPECT_EQ(lab[a].vips, std::set{kVip});
    EXPECT_TRUE(lab[b].vips.empty());
    EXPECT_EQ(times_notified(lab[b], "MASTER"), 0);
    EXPECT_EQ(lab[b].sm.master_address(), host(1));
    EXPECT_TRUE(lab.exactly_one_master(at(mdi(200)), lab.now()));
}

TEST(TwoRouters, BackupTakesOverWithinMasterDownIntervalWhenMasterLinkIsCut) {
    Lab lab(kWire);
    auto a = lab.add("A", params(200, 1)), b = lab.add("B", params(100, 2));
    lab.start_all();
    lab.run_until(at(20s));
    lab.cut_link(a);
    lab.run_until(at(40s));
    EXPECT_EQ(lab[a].sm.state(), State::Fault);
    EXPECT_EQ(lab[b].sm.state(), State::Master);
    auto took_over = first_notified(lab[b], "MASTER");
    ASSERT_TRUE(took_over);
    EXPECT_LE(*took_over, at(20s) + mdi(100));
    EXPECT_TRUE(lab.exactly_one_master(at(mdi(200)), lab.now(), {{at(20s), at(20s) + mdi(100)}}));
}

TEST(TwoRouters, HigherPriorityRouterPreemptsALowerMaster) {
    Lab lab(kWire);
    auto a = lab.add("A", params(200, 1)), b = lab.add("B", params(100, 2));
    lab.start(b);
    lab.run_until(at(10s));
    ASSERT_EQ(lab[b].sm.state(), State::Master);
    lab.start(a);
    lab.run_until(at(30s));
    EXPECT_EQ(lab[a].sm.state(), State::Master);
    EXPECT_EQ(lab[b].sm.state(), State::Backup);
    // A preempts when its own Master_Down_Timer fires (RFC 5798 6.4.2), B yields on its advert.
    EXPECT_EQ(first_notified(lab[a], "MASTER"), at(10s) + mdi(200));
    EXPECT_LE(lab.longest_split_brain(at(0s), lab.now()), kWire);
    EXPECT_EQ(lab.longest_outage(at(mdi(100)), lab.now()), 0s);
}

TEST(TwoRouters, PreemptDelayHoldsTheHigherRouterBack) {
    Lab lab(kWire);
    auto pa = params(200, 1);
    pa.preempt_delay = 10s;
    auto a = lab.add("A", pa), b = lab.add("B", params(100, 2));
    lab.start(b);
    lab.run_until(at(10s));
    lab.start(a);
    lab.run_until(at(20s));
    EXPECT_EQ(lab[a].sm.state(), State::Backup) << "preempted inside the delay";
    lab.run_until(at(40s));
    EXPECT_EQ(lab[a].sm.state(), State::Master);
    EXPECT_EQ(lab[b].sm.state(), State::Backup);
    auto preempted = *first_notified(lab[a], "MASTER");
    EXPECT_GE(preempted, at(20s));
    EXPECT_LE(preempted, at(20s) + mdi(200) + 1s);
    EXPECT_LE(lab.longest_split_brain(at(0s), lab.now()), kWire);
}

TEST(TwoRouters, NoPreemptionKeepsTheCurrentMaster) {
    Lab lab(kWire);
    auto pa = params(200, 1);
    pa.preempt = false;
    auto a = lab.add("A", pa), b = lab.add("B", params(100, 2));
    lab.start(b);
    lab.run_until(at(10s));
    lab.start(a);
    lab.run_until(at(120s));
    EXPECT_EQ(lab[a].sm.state(), State::Backup);
    EXPECT_EQ(lab[b].sm.state(), State::Master);
    EXPECT_TRUE(lab.exactly_one_master(at(mdi(100)), lab.now()));
}

TEST(TwoRouters, EqualPrioritiesElectTheHigherAddress) {
    Lab lab(kWire);
    auto a = lab.add("A", params(100, 1)), b = lab.add("B", params(100, 2));
    lab.start_all();  // same priority, same instant: both timers fire together
    lab.run_for(30s);
    EXPECT_EQ(lab[a].sm.state(), State::Backup);
    EXPECT_EQ(lab[b].sm.state(), State::Master);
    EXPECT_LE(lab.longest_split_brain(at(0s), lab.now()), kWire);
    EXPECT_TRUE(lab.exactly_one_master(at(mdi(100)) + kWire, lab.now()));
}

TEST(TwoRouters, FlappingMasterLinkSettlesWithOneMaster) {
    Lab lab(kWire);
    auto a = lab.add("A", params(200, 1)), b = lab.add("B", params(100, 2));
    lab.start_all();
    lab.run_until(at(20s));
    for (int i = 0; i < 10; ++i) {
        lab.cut_link(a);
        lab.run_for(200ms);
        lab.restore_link(a);
        lab.run_for(300ms);
    }
    lab.run_until(at(60s));
    EXPECT_EQ(lab[a].sm.state(), State::Master);
    EXPECT_EQ(lab[b].sm.state(), State::Backup);
    EXPECT_LE(times_notified(lab[b], "MASTER"), 1);
    EXPECT_LE(lab.longest_split_brain(at(0s), lab.now()), kWire);
    EXPECT_TRUE(lab.exactly_one_master(at(30s), lab.now()));
}

TEST(TwoRouters, OneLostAdvertDoesNotCauseAFailover) {
    Lab lab(kWire);
    auto a = lab.add("A", params(200, 1)), b = lab.add("B", params(100, 2));
    lab.start_all();
    lab.run_until(at(20s));
    lab.drop_next_adverts_from(a, 1);
    lab.run_until(at(30s));
    lab.drop_next_adverts_from(a, 2);  // even two in a row: 3 intervals + skew covers them
    lab.run_until(at(40s));
    EXPECT_EQ(times_notified(lab[b], "MASTER"), 0);
    EXPECT_EQ(lab[b].sm.state(), State::Backup);
    EXPECT_TRUE(lab.exactly_one_master(at(mdi(200)), lab.now()));
}

TEST(TwoRouters, ThreeLostAdvertsDoCauseAFailover) {
    Lab lab(kWire);
    auto a = lab.add("A", params(200, 1)), b = lab.add("B", params(100, 2));
    lab.start_all();
    lab.run_until(at(20s));
    lab.drop_next_adverts_from(a, 3);
    lab.run_until(at(30s));
    EXPECT_EQ(times_notified(lab[b], "MASTER"), 1);
    EXPECT_EQ(lab[a].sm.state(), State::Master);  // and B yields again on A's next advert
    EXPECT_EQ(lab[b].sm.state(), State::Backup);
}

TEST(TwoRouters, PriorityZeroOnShutdownHandsOverAfterSkewTimeOnly) {
    Lab lab(kWire);
    auto a = lab.add("A", params(200, 1)), b = lab.add("B", params(100, 2));
    lab.start_all();
    lab.run_until(at(20500ms));
    lab.shutdown(a);
    lab.run_until(at(30s));
    EXPECT_EQ(times_notified(lab[a], "STOP"), 1);
    EXPECT_EQ(lab[b].sm.state(), State::Master);
    // RFC 5798 6.4.2: Master_Down_Timer = Skew_Time = (256 - 100) / 256 s, not 3 s + skew.
    EXPECT_EQ(first_notified(lab[b], "MASTER"), at(20500ms) + kWire + 609375us);
    EXPECT_EQ(lab.longest_outage(at(20s), lab.now()), kWire + 609375us);
}

TEST(TwoRouters, FastModeFailsOverWithinMicroseconds) {
    constexpr Duration kFastWire = 20us;
    Lab lab(kFastWire);
    auto a = lab.add("A", params(200, 1, 200us)), b = lab.add("B", params(100, 2, 200us));
    lab.start_all();
    lab.run_until(at(1s));
    ASSERT_EQ(lab[a].sm.state(), State::Master);
    lab.cut_link(a);
    lab.run_until(at(2s));
    auto took_over = *first_notified(lab[b], "MASTER");
    Duration fast_mdi = master_down_interval(3, 100, 200us);  // 600 us + 121.875 us
    EXPECT_LE(took_over - at(1s), fast_mdi);
    EXPECT_EQ(lab[b].sm.master_adver_interval(), 200us);  // never learned 10 ms from the wire
    EXPECT_TRUE(lab.exactly_one_master(at(10ms), lab.now(), {{at(1s), at(1s) + fast_mdi}}));
}

struct ThreeRouters : ::testing::Test {
    Lab lab{kWire};
    size_t a = lab.add("A", params(150, 1));
    size_t b = lab.add("B", params(100, 2));
    size_t c = lab.add("C", params(50, 3));
};

TEST_F(ThreeRouters, HighestPriorityIsElectedAndTheNextTakesOver) {
    lab.start_all();
    lab.run_until(at(20s));
    EXPECT_EQ(lab[a].sm.state(), State::Master);
    lab.cut_link(a);
    lab.run_until(at(30s));
    // B's shorter Skew_Time makes it master first; its advert reaches C in time.
    EXPECT_EQ(lab[b].sm.state(), State::Master);
    EXPECT_EQ(lab[c].sm.state(), State::Backup);
    EXPECT_EQ(times_notified(lab[c], "MASTER"), 0);
    lab.restore_link(a);
    lab.run_until(at(50s));
    EXPECT_EQ(lab[a].sm.state(), State::Master);
    EXPECT_EQ(lab[b].sm.state(), State::Backup);
    EXPECT_TRUE(lab.exactly_one_master(
        at(mdi(150)), lab.now(),
        {{at(20s), at(20s) + mdi(100)}, {at(30s) + mdi(150), at(30s) + mdi(150) + kWire}}));
}

TEST_F(ThreeRouters, PriorityZeroShutdownIsTakenOverByTheNextBestOnly) {
    lab.start_all();
    lab.run_until(at(20s));
    lab.shutdown(a);
    lab.run_until(at(30s));
    EXPECT_EQ(first_notified(lab[b], "MASTER"), at(20s) + kWire + skew_time(3, 100, 1s));
    EXPECT_EQ(times_notified(lab[c], "MASTER"), 0);
    EXPECT_EQ(lab.longest_split_brain(at(0s), lab.now()), 0s);
}

// Routers fail and come back in turn; outside one Master_Down_Interval after each fault (and
// one wire delay when a restored higher-priority router preempts), exactly one router answers.
TEST_F(ThreeRouters, ExactlyOneMasterOutsideOneMasterDownIntervalAfterEachFault) {
    lab.start_all();
    std::vector<std::pair<TimePoint, TimePoint>> excused;
    Duration longest_mdi = mdi(50);
    TimePoint t = at(20s);
    for (int k = 0; k < 12; ++k) {
        size_t victim = size_t(k % 3);
        lab.run_until(t);
        lab.cut_link(victim);
        excused.emplace_back(t, t + longest_mdi + kWire);
        lab.run_until(t + 7s);
        lab.restore_link(victim);
        TimePoint back = t + 7s;
        excused.emplace_back(back, back + longest_mdi + kWire);
        t += 15s;
    }
    lab.run_until(t + 10s);
    EXPECT_TRUE(lab.exactly_one_master(at(mdi(150)), lab.now(), excused));
    EXPECT_LE(lab.longest_split_brain(at(0s), lab.now()), kWire);
    EXPECT_EQ(lab[a].sm.state(), State::Master);
}

}  // namespace
}  // namespace xvrrp::vrrp::testing
