// Beyond the RFC: the release hold of a Master that shuts down (StateMachine::shutdown with
// release_hold > 0). ARP off and the priority-0 advert at once, as RFC 5798 6.4.3 says; the
// service IPs stay on the host until the next master is heard, plus a margin, or a deadline.
#include <gtest/gtest.h>

#include "lab.h"

namespace xvrrp::vrrp::testing {
namespace {

constexpr TimePoint kT0 = TimePoint(1s);
constexpr Duration kHold = 3s;

InstanceParams holding(uint8_t priority, uint8_t host_byte, Duration interval = 1s) {
    auto p = params(priority, host_byte, interval);
    p.release_hold = kHold;
    return p;
}

// A non-owner with a release hold that became Master at kT0 + MDI, and is shut down at `stop`.
struct ReleaseFixture : ::testing::Test {
    StateMachine sm{holding(100, 5)};
    TimePoint stop;
    Actions shutdown_out;
    void SetUp() override {
        sm.start(kT0);
        sm.master_down_expired(kT0 + sm.master_down_interval());
        ASSERT_EQ(sm.state(), State::Master);
        stop = *sm.next_deadline() + 300ms;
        shutdown_out = sm.shutdown(stop);
    }
};

TEST_F(ReleaseFixture, ShutdownTurnsArpOffAndSendsPriorityZeroButKeepsTheVips) {
    EXPECT_EQ(sm.state(), State::Initialize);
    EXPECT_EQ(only<SendAdvert>(shutdown_out), (SendAdvert{0, 100}));
    EXPECT_EQ(only<SetArpAnswering>(shutdown_out), SetArpAnswering{false});
    EXPECT_FALSE(has<RemoveVips>(shutdown_out)) << describe(shutdown_out);
    EXPECT_EQ(only<StartTimer>(shutdown_out), (StartTimer{TimerKind::ReleaseHold, stop + kHold}));
    EXPECT_EQ(only<RunNotify>(shutdown_out).state, "STOP");
    EXPECT_TRUE(sm.releasing());
    EXPECT_FALSE(sm.arp_answering());
    EXPECT_FALSE(sm.takeover_armed());
    EXPECT_EQ(sm.next_deadline(), stop + kHold);
}

TEST_F(ReleaseFixture, ArpIsOffBeforeThePriorityZeroAdvertGoesOut) {
    // The backup may take over as soon as the advert reaches it: never two ARP answerers.
    auto arp_off = std::find_if(shutdown_out.begin(), shutdown_out.end(), [](const Action &a) {
        return std::holds_alternative<SetArpAnswering>(a);
    });
    auto advert = std::find_if(shutdown_out.begin(), shutdown_out.end(), [](const Action &a) {
        return std::holds_alternative<SendAdvert>(a);
    });
    EXPECT_LT(arp_off, advert) << describe(shutdown_out);
}

TEST_F(ReleaseFixture, TheNextMastersAdvertEndsTheHoldOneMarginLater) {
    TimePoint seen = stop + 609375us + 200us;  // a backup at 100 took over after Skew_Time
    auto out = sm.advert_received(advert_from(params(100, 2)), seen);
    EXPECT_EQ(only<StartTimer>(out), (StartTimer{TimerKind::ReleaseHold, seen + 1s}));
    EXPECT_FALSE(has<RemoveVips>(out));
    EXPECT_TRUE(sm.timer_expired(seen + 999ms).empty());
    out = sm.timer_expired(seen + 1s);
    EXPECT_EQ(only<RemoveVips>(out).addresses, std::vector{kVip});
    EXPECT_FALSE(sm.releasing());
    ASSERT_TRUE(sm.release());
    EXPECT_EQ(sm.release()->started, stop);
    EXPECT_EQ(sm.release()->successor, host(2));
    EXPECT_EQ(sm.release()->successor_at, seen);
    EXPECT_EQ(sm.release()->ended, seen + 1s);
    EXPECT_EQ(sm.next_deadline(), std::nullopt);
}

TEST_F(ReleaseFixture, LaterAdvertsDoNotMoveTheEnd) {
    TimePoint seen = stop + 700ms;
    sm.advert_received(advert_from(params(100, 2)), seen);
    auto out = sm.advert_received(advert_from(params(100, 2)), seen + 500ms);
    EXPECT_TRUE(out.empty()) << describe(out);
    EXPECT_EQ(sm.next_deadline(), seen + 1s);
}

TEST_F(ReleaseFixture, TheMarginNeverRunsPastTheDeadline) {
    TimePoint seen = stop + kHold - 100ms;
    sm.advert_received(advert_from(params(1, 2)), seen);
    EXPECT_EQ(sm.next_deadline(), stop + kHold);
}

TEST_F(ReleaseFixture, PriorityZeroOurOwnAndOtherVridAdvertsDoNotEndTheHold) {
    EXPECT_TRUE(sm.advert_received(advert_from(params(0, 2)), stop + 1ms).empty());
    EXPECT_TRUE(sm.advert_received(advert_from(params(100, 5)), stop + 2ms).empty());
    auto other_vrid = params(100, 2);
    other_vrid.vrid = 52;
    EXPECT_TRUE(sm.advert_received(advert_from(other_vrid), stop + 3ms).empty());
    EXPECT_TRUE(sm.releasing());
    EXPECT_FALSE(sm.release()->successor);
    EXPECT_EQ(sm.next_deadline(), stop + kHold);
}

TEST_F(ReleaseFixture, WithNoOtherRouterTheVipsGoAtTheDeadline) {
    EXPECT_TRUE(sm.timer_expired(stop + kHold - 1us).empty());
    auto out = sm.timer_expired(stop + kHold);
    EXPECT_EQ(only<RemoveVips>(out).addresses, std::vector{kVip});
    EXPECT_FALSE(sm.releasing());
    EXPECT_FALSE(sm.release()->successor);
    EXPECT_EQ(sm.release()->ended, stop + kHold);
}

TEST_F(ReleaseFixture, EndReleaseRemovesTheVipsAtOnce) {
    auto out = sm.end_release(stop + 5ms);
    EXPECT_EQ(only<RemoveVips>(out).addresses, std::vector{kVip});
    EXPECT_EQ(only<StopTimer>(out), StopTimer{TimerKind::ReleaseHold});
    EXPECT_FALSE(sm.releasing());
    EXPECT_EQ(sm.next_deadline(), std::nullopt);
    EXPECT_TRUE(sm.end_release(stop + 6ms).empty());  // once
    EXPECT_TRUE(sm.shutdown(stop + 7ms).empty());
}

TEST_F(ReleaseFixture, StartingAgainEndsTheHoldFirst) {
    auto out = sm.start(stop + 10ms);
    EXPECT_EQ(only<RemoveVips>(out).addresses, std::vector{kVip});
    EXPECT_EQ(sm.state(), State::Backup);
    EXPECT_FALSE(sm.releasing());
}

TEST(ReleaseHold, ABackupHasNothingToHold) {
    StateMachine sm{holding(100, 5)};
    sm.start(kT0);
    auto out = sm.shutdown(kT0 + 1s);
    EXPECT_FALSE(has<SendAdvert>(out));
    EXPECT_FALSE(sm.releasing());
    EXPECT_FALSE(sm.release());
    EXPECT_EQ(sm.next_deadline(), std::nullopt);
}

TEST(ReleaseHold, ZeroHoldRemovesTheVipsWithThePriorityZeroAdvert_Rfc5798_6_4_3) {
    StateMachine sm{params(100, 5)};  // release_hold 0
    sm.start(kT0);
    sm.master_down_expired(kT0 + sm.master_down_interval());
    auto out = sm.shutdown(kT0 + 10s);
    EXPECT_EQ(only<SendAdvert>(out), (SendAdvert{0, 100}));
    EXPECT_EQ(only<RemoveVips>(out).addresses, std::vector{kVip});
    EXPECT_FALSE(sm.releasing());
    EXPECT_EQ(sm.next_deadline(), std::nullopt);
}

TEST(ReleaseHold, MarginIsOneIntervalFromOneMillisecondToOneSecond) {
    EXPECT_EQ(release_margin(200us), 1ms);
    EXPECT_EQ(release_margin(1ms), 1ms);
    EXPECT_EQ(release_margin(10ms), 10ms);
    EXPECT_EQ(release_margin(1s), 1s);
    EXPECT_EQ(release_margin(10s), 1s);
}

TEST(ReleaseHold, AutoIsTheSlowestBackupsTakeoverPlusMarginWithin100msAnd3s) {
    // 3 x 100 ms + (255 x 100 ms) / 256 + 100 ms
    EXPECT_EQ(auto_release_hold(3, 100ms), 300ms + 99609375ns + 100ms);
    EXPECT_EQ(auto_release_hold(3, 1ms), 100ms);   // 3 ms + 0.996 ms + 1 ms: the floor
    EXPECT_EQ(auto_release_hold(3, 10ms), 100ms);  // 49.96 ms: the floor
    EXPECT_EQ(auto_release_hold(3, 1s), 3s);       // 5 s: the cap
    EXPECT_EQ(auto_release_hold(2, 1s), 3s);
}

TEST(ReleaseHold, NegativeHoldIsRefused) {
    auto p = params(100, 5);
    p.release_hold = -1ms;
    EXPECT_EQ(validate(p), "release_hold must not be negative");
}

// The whole point, on the fake wire: A stops; at every instant some router holds the VIP, and
// never do two answer ARP. A lets go one margin after B's first advert reached it.
TEST(ReleaseHoldScenario, TheVipIsHeldSomewhereAtEveryInstantAndArpHasOneAnswerer) {
    constexpr Duration kWire = 100us;
    Lab lab(kWire);
    auto a = lab.add("A", holding(200, 1, 10ms)), b = lab.add("B", params(100, 2, 10ms));
    lab.start_all();
    lab.run_until(TimePoint(2s));
    ASSERT_EQ(lab[a].sm.state(), State::Master);
    lab.shutdown(a);
    TimePoint stop = lab.now();
    TimePoint b_master = stop + kWire + skew_time(3, 100, 10ms);
    lab.run_until(b_master + kWire);  // B's first advert has just reached A
    EXPECT_EQ(lab[b].sm.state(), State::Master);
    EXPECT_EQ(lab[a].vips, std::set{kVip});
    lab.run_until(b_master + kWire + 10ms);
    EXPECT_TRUE(lab[a].vips.empty());
    EXPECT_EQ(lab[a].sm.release()->successor, host(2));
    EXPECT_EQ(lab[a].sm.release()->ended, b_master + kWire + 10ms);
    lab.run_for(1s);
    EXPECT_EQ(lab.longest_without_vips(TimePoint(1s), lab.now()), 0s);
    EXPECT_EQ(lab.longest_split_brain(TimePoint(1s), lab.now()), 0s);
    // The clients' view: nobody answers ARP between A's advert and B's takeover; those who
    // cached A's MAC are still answered by A meanwhile (above).
    EXPECT_EQ(lab.longest_outage(stop, lab.now()), kWire + skew_time(3, 100, 10ms));
}

}  // namespace
}  // namespace xvrrp::vrrp::testing
