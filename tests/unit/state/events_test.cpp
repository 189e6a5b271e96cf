// Inputs beyond the RFC text: Fault on link down (keepalived), the in-kernel master-down timer,
// tracked priority changes, and keepalived's preempt_delay.
#include <gtest/gtest.h>

#include "lab.h"

namespace xvrrp::vrrp::testing {
namespace {

constexpr TimePoint kT0 = TimePoint(1s);

StateMachine started_master(InstanceParams p) {
    StateMachine sm(std::move(p));
    sm.start(kT0);
    sm.timer_expired(*sm.next_deadline());
    return sm;
}

TEST(Fault, LinkDownInMasterReleasesEverythingWithoutAdvert) {
    auto sm = started_master(params(100, 1));
    auto out = sm.link_down(kT0 + 10s);
    EXPECT_EQ(sm.state(), State::Fault);
    EXPECT_FALSE(has<SendAdvert>(out));
    EXPECT_EQ(only<RemoveVips>(out).addresses, std::vector{kVip});
    EXPECT_EQ(only<SetArpAnswering>(out), SetArpAnswering{false});
    EXPECT_EQ(only<StopTimer>(out), StopTimer{TimerKind::Advert});
    EXPECT_EQ(only<RunNotify>(out).state, "FAULT");
    EXPECT_EQ(sm.next_deadline(), std::nullopt);
}

TEST(Fault, LinkDownInBackupDisarmsTakeover) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    auto out = sm.link_down(kT0 + 1s);
    EXPECT_EQ(sm.state(), State::Fault);
    EXPECT_EQ(only<SetTakeoverOnTimeout>(out), SetTakeoverOnTimeout{false});
    EXPECT_EQ(only<StopTimer>(out), StopTimer{TimerKind::MasterDown});
    EXPECT_EQ(only<RunNotify>(out).state, "FAULT");
}

TEST(Fault, AdvertsAndKernelEventsAreIgnored) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    sm.link_down(kT0);
    EXPECT_TRUE(sm.advert_received(advert_from(params(200, 2)), kT0 + 1s).empty());
    EXPECT_TRUE(sm.kernel_master_down(kT0 + 1s).empty());
    EXPECT_TRUE(sm.timer_expired(kT0 + 100s).empty());
    EXPECT_EQ(sm.state(), State::Fault);
}

TEST(Fault, LinkUpRunsStartupAgain) {
    auto sm = started_master(params(100, 1));
    sm.link_down(kT0 + 10s);
    auto out = sm.link_up(kT0 + 20s);
    EXPECT_EQ(sm.state(), State::Backup);  // RFC 5798 6.4.1 for a non-owner
    EXPECT_EQ(only<StartTimer>(out), (StartTimer{TimerKind::MasterDown, kT0 + 20s + 3609375us}));
    EXPECT_EQ(only<RunNotify>(out).state, "BACKUP");
}

TEST(Fault, OwnerBecomesMasterAgainOnLinkUp) {
    StateMachine sm(params(255, 1));
    sm.start(kT0);
    sm.link_down(kT0 + 1s);
    sm.link_up(kT0 + 2s);
    EXPECT_EQ(sm.state(), State::Master);
}

TEST(Fault, StartingWithLinkDownIsFaultUntilLinkUp) {
    StateMachine sm(params(100, 1));
    sm.link_down(kT0);
    auto out = sm.start(kT0);
    EXPECT_EQ(sm.state(), State::Fault);
    EXPECT_EQ(only<RunNotify>(out).state, "FAULT");
    sm.link_up(kT0 + 1s);
    EXPECT_EQ(sm.state(), State::Backup);
}

TEST(Fault, ShutdownFromFaultNotifiesStop) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    sm.link_down(kT0);
    auto out = sm.shutdown(kT0 + 1s);
    EXPECT_EQ(only<RunNotify>(out).state, "STOP");
    EXPECT_EQ(sm.state(), State::Initialize);
}

TEST(KernelMasterDown, MakesBackupMasterLikeTheTimer) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    auto out = sm.kernel_master_down(kT0 + 3s);
    EXPECT_EQ(sm.state(), State::Master);
    EXPECT_TRUE(has<SendAdvert>(out));
    EXPECT_TRUE(has<SendGratuitousArp>(out));
    EXPECT_EQ(sm.deadline(TimerKind::MasterDown), std::nullopt);
}

TEST(KernelMasterDown, IsIdempotentWithTheUserspaceTimer) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    sm.timer_expired(*sm.next_deadline());
    ASSERT_EQ(sm.state(), State::Master);
    EXPECT_TRUE(sm.kernel_master_down(kT0 + 4s).empty());

    StateMachine other(params(100, 1));
    other.start(kT0);
    auto deadline = *other.next_deadline();
    other.kernel_master_down(deadline - 1us);
    auto out = other.timer_expired(deadline);  // the userspace timer was stopped
    EXPECT_FALSE(has<SendGratuitousArp>(out));
    EXPECT_FALSE(has<RunNotify>(out));
}

TEST(TrackedPriority, MasterAdvertisesANewPriorityAtOnce) {
    auto sm = started_master(params(100, 1));
    auto out = sm.set_priority(50, kT0 + 10s);
    EXPECT_EQ(only<SendAdvert>(out).priority, 50);
    EXPECT_EQ(sm.master_priority(), 50);
    EXPECT_EQ(sm.state(), State::Master);
}

TEST(TrackedPriority, ChangeRecomputesSkewTime) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    auto out = sm.set_priority(200, kT0);
    EXPECT_EQ(sm.skew_time(), 218750us);  // (256 - 200) / 256 s, RFC 5798 6.1
    EXPECT_EQ(only<TimingChanged>(out), (TimingChanged{1s, 3218750us}));
}

TEST(TrackedPriority, NonOwnerIsClampedTo1Through254) {
    StateMachine sm(params(100, 1));
    sm.set_priority(255, kT0);
    EXPECT_EQ(sm.priority(), 254);
    sm.set_priority(0, kT0);
    EXPECT_EQ(sm.priority(), 1);
}

TEST(TrackedPriority, BackupRaisedAboveMasterPreemptsOnItsTimer) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    sm.advert_received(advert_from(params(150, 2)), kT0 + 1s);
    sm.set_priority(200, kT0 + 1500ms);
    EXPECT_TRUE(sm.advert_received(advert_from(params(150, 2)), kT0 + 2s).empty());  // discarded
    sm.timer_expired(*sm.next_deadline());
    EXPECT_EQ(sm.state(), State::Master);
}

// keepalived preempt_delay, 10 s.
InstanceParams delayed(uint8_t priority, uint8_t host_byte) {
    auto p = params(priority, host_byte);
    p.preempt_delay = 10s;
    return p;
}

TEST(PreemptDelay, BackupFollowsLowerPriorityMasterDuringHoldAfterStartup) {
    StateMachine sm(delayed(200, 1));
    auto out = sm.start(kT0);
    EXPECT_EQ(sm.deadline(TimerKind::PreemptDelay), kT0 + 10s);
    EXPECT_FALSE(sm.takeover_armed());
    EXPECT_FALSE(has<SetTakeoverOnTimeout>(out));
    out = sm.advert_received(advert_from(params(100, 2)), kT0 + 2s);
    EXPECT_EQ(only<StartTimer>(out).deadline, kT0 + 2s + sm.master_down_interval());
    EXPECT_EQ(sm.master_priority(), 100);
}

TEST(PreemptDelay, HoldEndRearmsTakeoverAndLowerAdvertsAreThenDiscarded) {
    StateMachine sm(delayed(200, 1));
    sm.start(kT0);
    for (auto t = kT0 + 1s; t < kT0 + 10s; t += 1s)
        sm.advert_received(advert_from(params(100, 2)), t);
    auto out = sm.timer_expired(kT0 + 10s);
    EXPECT_EQ(only<SetTakeoverOnTimeout>(out), SetTakeoverOnTimeout{true});
    EXPECT_EQ(sm.state(), State::Backup);
    EXPECT_TRUE(sm.advert_received(advert_from(params(100, 2)), kT0 + 10s).empty());
    sm.timer_expired(*sm.next_deadline());
    EXPECT_EQ(sm.state(), State::Master);
}

TEST(PreemptDelay, HigherPriorityAdvertClearsTheHold) {
    StateMachine sm(delayed(150, 1));
    sm.start(kT0);
    auto out = sm.advert_received(advert_from(params(200, 2)), kT0 + 1s);
    EXPECT_EQ(only<StopTimer>(out), StopTimer{TimerKind::PreemptDelay});
    EXPECT_EQ(only<SetTakeoverOnTimeout>(out), SetTakeoverOnTimeout{true});
}

TEST(PreemptDelay, FirstLowerPriorityAdvertAfterAClearedHoldStartsANewOne) {
    StateMachine sm(delayed(150, 1));
    sm.start(kT0);
    sm.advert_received(advert_from(params(200, 2)), kT0 + 1s);
    auto out = sm.advert_received(advert_from(params(100, 3)), kT0 + 5s);
    EXPECT_EQ(sm.deadline(TimerKind::PreemptDelay), kT0 + 15s);
    EXPECT_EQ(only<SetTakeoverOnTimeout>(out), SetTakeoverOnTimeout{false});
    EXPECT_EQ(sm.master_address(), host(3));
}

TEST(PreemptDelay, DeadMasterDuringHoldStillFailsOver) {
    StateMachine sm(delayed(200, 1));
    sm.start(kT0);
    sm.advert_received(advert_from(params(100, 2)), kT0 + 1s);
    sm.timer_expired(kT0 + 1s + sm.master_down_interval());
    EXPECT_EQ(sm.state(), State::Master);
}

TEST(Describe, ActionsReadAsOneLineEachForLogs) {
    StateMachine sm(params(255, 1));
    auto text = describe(sm.start(kT0));
    EXPECT_NE(text.find("SendAdvert(priority=255, interval_field=100)\n"), std::string::npos);
    EXPECT_NE(text.find("AddVips(192.0.2.100, accept)\n"), std::string::npos);
    EXPECT_NE(text.find("RunNotify(MASTER)\n"), std::string::npos);
}

}  // namespace
}  // namespace xvrrp::vrrp::testing
