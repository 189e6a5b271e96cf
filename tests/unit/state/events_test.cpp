// Inputs beyond the RFC text: Fault on link down (keepalived), the Master_Down_Timer's owner
// reporting its expiry, tracked priority changes, and keepalived's preempt_delay.
#include <gtest/gtest.h>

#include "lab.h"

namespace xvrrp::vrrp::testing {
namespace {

constexpr TimePoint kT0 = TimePoint(1s);

StateMachine started_master(InstanceParams p) {
    StateMachine sm(std::move(p));
    sm.start(kT0);
    sm.master_down_expired(kT0 + sm.master_down_interval());
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
    EXPECT_EQ(only<DisarmMasterDown>(out), DisarmMasterDown{});
    EXPECT_EQ(only<RunNotify>(out).state, "FAULT");
}

TEST(Fault, AdvertsAndKernelEventsAreIgnored) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    sm.link_down(kT0);
    EXPECT_TRUE(sm.advert_received(advert_from(params(200, 2)), kT0 + 1s).empty());
    EXPECT_TRUE(sm.master_down_expired(kT0 + 1s).empty());
    EXPECT_TRUE(sm.timer_expired(kT0 + 100s).empty());
    EXPECT_EQ(sm.state(), State::Fault);
}

TEST(Fault, LinkUpRunsStartupAgain) {
    auto sm = started_master(params(100, 1));
    sm.link_down(kT0 + 10s);
    auto out = sm.link_up(kT0 + 20s);
    EXPECT_EQ(sm.state(), State::Backup);  // RFC 5798 6.4.1 for a non-owner
    EXPECT_EQ(only<ArmMasterDown>(out), (ArmMasterDown{3609375us}));
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

TEST(MasterDownExpired, MakesBackupMasterAndDisarmsTheTimer) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    auto out = sm.master_down_expired(kT0 + 3s);
    EXPECT_EQ(sm.state(), State::Master);
    EXPECT_TRUE(has<SendAdvert>(out));
    EXPECT_TRUE(has<SendGratuitousArp>(out));
    EXPECT_EQ(only<DisarmMasterDown>(out), DisarmMasterDown{});
    EXPECT_FALSE(sm.master_down_armed());
}

TEST(MasterDownExpired, ASecondReportChangesNothing) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    sm.master_down_expired(kT0 + 4s);
    ASSERT_EQ(sm.state(), State::Master);
    EXPECT_TRUE(sm.master_down_expired(kT0 + 4s).empty());
}

// Arm on entering Backup, disarm on leaving it, never twice either way.
TEST(MasterDownExpired, ArmAndDisarmAlternate) {
    StateMachine sm(params(100, 2));
    Actions all = sm.start(kT0);
    for (auto a : sm.master_down_expired(kT0 + 4s)) all.push_back(a);  // Backup -> Master
    for (auto a : sm.advert_received(advert_from(params(200, 3)), kT0 + 5s)) all.push_back(a);
    for (auto a : sm.link_down(kT0 + 6s)) all.push_back(a);
    for (auto a : sm.link_up(kT0 + 7s)) all.push_back(a);
    for (auto a : sm.shutdown(kT0 + 8s)) all.push_back(a);
    std::string seq;
    for (const auto &a : all) {
        if (std::holds_alternative<ArmMasterDown>(a)) seq += "A";
        if (std::holds_alternative<DisarmMasterDown>(a)) seq += "D";
    }
    EXPECT_EQ(seq, "ADADAD");
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
    sm.set_priority(200, kT0);
    EXPECT_EQ(sm.skew_time(), 218750us);  // (256 - 200) / 256 s, RFC 5798 6.1
    EXPECT_EQ(sm.master_down_interval(), 3218750us);
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
    EXPECT_EQ(master_down_restart(params(200, 1), 200, true, 1s, advert_from(params(150, 2))),
              std::nullopt);  // so nothing restarts the timer: it fires
    sm.master_down_expired(kT0 + 5s);
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
    EXPECT_FALSE(sm.discards_lower_priority(kT0 + 2s));  // the owner restarts on them
    sm.advert_received(advert_from(params(100, 2)), kT0 + 2s);
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
    EXPECT_TRUE(sm.discards_lower_priority(kT0 + 10s));
    EXPECT_TRUE(sm.advert_received(advert_from(params(100, 2)), kT0 + 10s).empty());
    sm.master_down_expired(kT0 + 14s);
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
    sm.master_down_expired(kT0 + 1s + sm.master_down_interval());
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
