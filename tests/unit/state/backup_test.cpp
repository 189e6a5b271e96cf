// RFC 5798 6.4.1 Startup and 6.4.2 Backup (with the RFC 9568 text), one test per rule.
#include <gtest/gtest.h>

#include "lab.h"

namespace xvrrp::vrrp::testing {
namespace {

constexpr TimePoint kT0 = TimePoint(1s);

TEST(Rfc5798_6_4_1, OwnerBecomesMasterAtOnceWithAdvertAndGratuitousArp) {
    StateMachine sm(params(255, 1));
    auto out = sm.start(kT0);
    EXPECT_EQ(sm.state(), State::Master);
    EXPECT_EQ(only<SendAdvert>(out), (SendAdvert{255, 100}));
    EXPECT_EQ(only<SendGratuitousArp>(out).addresses, std::vector{kVip});
    EXPECT_EQ(only<AddVips>(out), (AddVips{{kVip}, true}));  // owner accepts (6.4.3)
    EXPECT_EQ(only<SetArpAnswering>(out), SetArpAnswering{true});
    EXPECT_EQ(only<StartTimer>(out), (StartTimer{TimerKind::Advert, kT0 + 1s}));
    EXPECT_EQ(only<RunNotify>(out).state, "MASTER");
    EXPECT_TRUE(sm.accepts_vip_traffic());
}

TEST(Rfc5798_6_4_1, NonOwnerBecomesBackupWithMasterDownTimer) {
    StateMachine sm(params(100, 1));
    auto out = sm.start(kT0);
    EXPECT_EQ(sm.state(), State::Backup);
    EXPECT_EQ(only<StartTimer>(out), (StartTimer{TimerKind::MasterDown, kT0 + 3609375us}));
    EXPECT_EQ(only<RunNotify>(out).state, "BACKUP");
    EXPECT_FALSE(has<SendAdvert>(out));
    EXPECT_FALSE(has<AddVips>(out));
    EXPECT_EQ(only<SetTakeoverOnTimeout>(out), SetTakeoverOnTimeout{true});
    EXPECT_EQ(only<TimingChanged>(out), (TimingChanged{1s, 3609375us}));
    EXPECT_EQ(sm.next_deadline(), kT0 + 3609375us);
}

TEST(Rfc5798_6_4_1, StartingTwiceChangesNothing) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    EXPECT_TRUE(sm.start(kT0 + 1s).empty());
}

TEST(Rfc5798_6_4_2, MasterDownTimerFiringMakesMaster) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    auto out = sm.timer_expired(kT0 + sm.master_down_interval());
    EXPECT_EQ(sm.state(), State::Master);
    EXPECT_EQ(only<SendAdvert>(out), (SendAdvert{100, 100}));
    EXPECT_TRUE(has<SendGratuitousArp>(out));
    EXPECT_EQ(only<AddVips>(out), (AddVips{{kVip}, false}));  // Accept_Mode off
    EXPECT_EQ(only<SetArpAnswering>(out), SetArpAnswering{true});
    EXPECT_EQ(only<SetTakeoverOnTimeout>(out), SetTakeoverOnTimeout{false});
    EXPECT_EQ(only<RunNotify>(out).state, "MASTER");
    EXPECT_EQ(sm.master_address(), host(1));
}

TEST(Rfc5798_6_4_2, TimerCallBeforeTheDeadlineDoesNothing) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    EXPECT_TRUE(sm.timer_expired(kT0 + 3s).empty());
    EXPECT_EQ(sm.state(), State::Backup);
}

TEST(Rfc5798_6_4_2, PriorityZeroAdvertSetsTimerToSkewTime) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    auto out = sm.advert_received(advert_from(params(0, 2)), kT0 + 1s);
    EXPECT_EQ(only<StartTimer>(out), (StartTimer{TimerKind::MasterDown, kT0 + 1s + 609375us}));
    EXPECT_EQ(sm.master_priority(), 0);
    EXPECT_EQ(sm.state(), State::Backup);
}

TEST(Rfc5798_6_4_2, HigherPriorityAdvertResetsMasterDownTimer) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    auto out = sm.advert_received(advert_from(params(200, 2)), kT0 + 2s);
    EXPECT_EQ(only<StartTimer>(out), (StartTimer{TimerKind::MasterDown, kT0 + 2s + 3609375us}));
    EXPECT_EQ(sm.master_address(), host(2));
    EXPECT_EQ(sm.master_priority(), 200);
}

TEST(Rfc5798_6_4_2, EqualPriorityAdvertResetsMasterDownTimer) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    auto out = sm.advert_received(advert_from(params(100, 2)), kT0 + 2s);
    EXPECT_EQ(only<StartTimer>(out).deadline, kT0 + 2s + 3609375us);
}

TEST(Rfc5798_6_4_2, LowerPriorityAdvertIsDiscardedWhenPreempting) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    auto deadline = sm.next_deadline();
    EXPECT_TRUE(sm.advert_received(advert_from(params(50, 2)), kT0 + 2s).empty());
    EXPECT_EQ(sm.next_deadline(), deadline);
    EXPECT_EQ(sm.master_address(), std::nullopt);
}

TEST(Rfc5798_6_4_2, LowerPriorityAdvertResetsTimerWhenPreemptIsOff) {
    auto p = params(100, 1);
    p.preempt = false;
    StateMachine sm(p);
    sm.start(kT0);
    auto out = sm.advert_received(advert_from(params(50, 2)), kT0 + 2s);
    EXPECT_EQ(only<StartTimer>(out).deadline, kT0 + 2s + 3609375us);
    EXPECT_EQ(sm.master_priority(), 50);
}

TEST(Rfc5798_6_4_2, BackupLearnsMasterAdverIntervalFromAdvert) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    auto a = advert_from(params(200, 2, 2s));
    auto out = sm.advert_received(a, kT0);
    EXPECT_EQ(sm.master_adver_interval(), 2s);
    EXPECT_EQ(sm.skew_time(), 1218750us);  // recomputed from the learned interval
    EXPECT_EQ(sm.master_down_interval(), 6s + 1218750us);
    EXPECT_EQ(only<TimingChanged>(out), (TimingChanged{2s, 7218750us}));
    EXPECT_EQ(only<StartTimer>(out).deadline, kT0 + 7218750us);
}

TEST(Rfc5798_6_4_2, PriorityZeroAdvertDoesNotChangeLearnedInterval) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    sm.advert_received(advert_from(params(0, 2, 3s)), kT0);
    EXPECT_EQ(sm.master_adver_interval(), 1s);
}

TEST(Rfc5798_6_4_2, BackupNeverAnswersArpNorHoldsVips) {
    StateMachine sm(params(100, 1));
    Actions out = sm.start(kT0);
    for (auto a : sm.advert_received(advert_from(params(200, 2)), kT0 + 1s)) out.push_back(a);
    EXPECT_FALSE(has<SetArpAnswering>(out));
    EXPECT_FALSE(has<AddVips>(out));
    EXPECT_FALSE(sm.arp_answering());
    EXPECT_FALSE(sm.accepts_vip_traffic());
}

TEST(Rfc5798_6_4_2, ShutdownStopsTimersWithoutAdvert) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    auto out = sm.shutdown(kT0 + 1s);
    EXPECT_EQ(sm.state(), State::Initialize);
    EXPECT_EQ(only<StopTimer>(out), StopTimer{TimerKind::MasterDown});
    EXPECT_FALSE(has<SendAdvert>(out));
    EXPECT_EQ(only<SetTakeoverOnTimeout>(out), SetTakeoverOnTimeout{false});
    EXPECT_EQ(only<RunNotify>(out).state, "STOP");
    EXPECT_EQ(sm.next_deadline(), std::nullopt);
}

TEST(Rfc5798_7_1, AdvertsOfAnotherVridVersionOrFromOurselvesAreIgnored) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    auto other_vrid = advert_from(params(200, 2));
    other_vrid.vrid = 52;
    auto other_version = advert_from(params(200, 2));
    other_version.version = 2;
    auto echo = advert_from(params(200, 1));
    for (const auto &a : {other_vrid, other_version, echo})
        EXPECT_TRUE(sm.advert_received(a, kT0 + 1s).empty());
    EXPECT_EQ(sm.master_address(), std::nullopt);
}

TEST(Rfc3768_7_1, V2AdvertWithAnotherIntervalIsDiscarded) {
    auto p = params(100, 1);
    p.version = 2;
    StateMachine sm(p);
    sm.start(kT0);
    auto theirs = params(200, 2, 2s);
    theirs.version = 2;
    EXPECT_TRUE(sm.advert_received(advert_from(theirs), kT0 + 1s).empty());
    theirs.advert_interval = 1s;
    EXPECT_TRUE(has<StartTimer>(sm.advert_received(advert_from(theirs), kT0 + 1s)));
    EXPECT_EQ(sm.master_down_interval(), 3s + 609375us);
}

TEST(FastMode, ReceivedIntervalFieldIsIgnored) {
    StateMachine sm(params(100, 1, 200us));
    sm.start(kT0);
    EXPECT_EQ(sm.master_down_interval(), 600us + 121875ns);  // skew 156/256 * 200 us
    auto out = sm.advert_received(advert_from(params(200, 2, 200us)), kT0);  // field = 1 cs
    EXPECT_EQ(sm.master_adver_interval(), 200us);
    EXPECT_EQ(only<StartTimer>(out).deadline, kT0 + 600us + 121875ns);
    EXPECT_FALSE(has<TimingChanged>(out));
}

TEST(Rfc5798_6_4_2, InvalidZeroIntervalFieldIsNotLearned) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    auto a = advert_from(params(200, 2));
    a.interval_field = 0;
    sm.advert_received(a, kT0);
    EXPECT_EQ(sm.master_adver_interval(), 1s);
}

}  // namespace
}  // namespace xvrrp::vrrp::testing
