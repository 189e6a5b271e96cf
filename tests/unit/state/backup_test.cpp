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
    EXPECT_EQ(only<ArmMasterDown>(out), (ArmMasterDown{3609375us}));
    EXPECT_TRUE(sm.master_down_armed());
    EXPECT_EQ(only<RunNotify>(out).state, "BACKUP");
    EXPECT_FALSE(has<SendAdvert>(out));
    EXPECT_FALSE(has<AddVips>(out));
    EXPECT_EQ(only<SetTakeoverOnTimeout>(out), SetTakeoverOnTimeout{true});
    EXPECT_FALSE(has<StartTimer>(out)) << "Master_Down_Timer is its owner's, not a machine timer";
    EXPECT_EQ(sm.next_deadline(), std::nullopt);
}

TEST(Rfc5798_6_4_1, StartingTwiceChangesNothing) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    EXPECT_TRUE(sm.start(kT0 + 1s).empty());
}

TEST(Rfc5798_6_4_2, MasterDownTimerFiringMakesMaster) {
    StateMachine sm(params(100, 1));
    sm.start(kT0);
    auto out = sm.master_down_expired(kT0 + sm.master_down_interval());
    EXPECT_EQ(sm.state(), State::Master);
    EXPECT_EQ(only<DisarmMasterDown>(out), DisarmMasterDown{});
    EXPECT_FALSE(sm.master_down_armed());
    EXPECT_EQ(only<SendAdvert>(out), (SendAdvert{100, 100}));
    EXPECT_TRUE(has<SendGratuitousArp>(out));
    EXPECT_EQ(only<AddVips>(out), (AddVips{{kVip}, false}));  // Accept_Mode off
    EXPECT_EQ(only<SetArpAnswering>(out), SetArpAnswering{true});
    EXPECT_EQ(only<SetTakeoverOnTimeout>(out), SetTakeoverOnTimeout{false});
    EXPECT_EQ(only<RunNotify>(out).state, "MASTER");
    EXPECT_EQ(sm.master_address(), host(1));
}

TEST(Rfc5798_6_4_2, MasterDownExpiryOutsideBackupDoesNothing) {
    StateMachine sm(params(100, 1));
    EXPECT_TRUE(sm.master_down_expired(kT0).empty());  // Initialize
    sm.start(kT0);
    sm.master_down_expired(kT0 + 4s);
    ASSERT_EQ(sm.state(), State::Master);
    EXPECT_TRUE(sm.master_down_expired(kT0 + 5s).empty()) << "a report that crossed our step";
}

// How adverts restart the Master_Down_Timer is a rule its owner applies (the kernel, at line
// rate); master_down_restart() states it, and tests/bpf checks the kernel against it.
TEST(Rfc5798_6_4_2, PriorityZeroAdvertSetsTimerToSkewTime) {
    auto p = params(100, 1);
    EXPECT_EQ(master_down_restart(p, 100, true, 1s, advert_from(params(0, 2))), 609375us);
    StateMachine sm(p);
    sm.start(kT0);
    auto out = sm.advert_received(advert_from(params(0, 2)), kT0 + 1s);
    EXPECT_TRUE(out.empty()) << describe(out);
    EXPECT_EQ(sm.master_priority(), 0);
    EXPECT_EQ(sm.master_address(), host(2));
    EXPECT_EQ(sm.state(), State::Backup);
}

TEST(Rfc5798_6_4_2, HigherPriorityAdvertResetsMasterDownTimer) {
    auto p = params(100, 1);
    EXPECT_EQ(master_down_restart(p, 100, true, 1s, advert_from(params(200, 2))), 3609375us);
    StateMachine sm(p);
    sm.start(kT0);
    auto out = sm.advert_received(advert_from(params(200, 2)), kT0 + 2s);
    EXPECT_FALSE(has<ArmMasterDown>(out)) << "the owner restarted it with the advert";
    EXPECT_EQ(sm.master_address(), host(2));
    EXPECT_EQ(sm.master_priority(), 200);
}

TEST(Rfc5798_6_4_2, EqualPriorityAdvertResetsMasterDownTimer) {
    EXPECT_EQ(master_down_restart(params(100, 1), 100, true, 1s, advert_from(params(100, 2))),
              3609375us);
}

TEST(Rfc5798_6_4_2, LowerPriorityAdvertIsDiscardedWhenPreempting) {
    auto p = params(100, 1);
    EXPECT_EQ(master_down_restart(p, 100, true, 1s, advert_from(params(50, 2))), std::nullopt);
    StateMachine sm(p);
    sm.start(kT0);
    EXPECT_TRUE(sm.discards_lower_priority(kT0 + 2s));
    EXPECT_TRUE(sm.advert_received(advert_from(params(50, 2)), kT0 + 2s).empty());
    EXPECT_EQ(sm.master_address(), std::nullopt);
}

TEST(Rfc5798_6_4_2, LowerPriorityAdvertResetsTimerWhenPreemptIsOff) {
    auto p = params(100, 1);
    p.preempt = false;
    EXPECT_EQ(master_down_restart(p, 100, false, 1s, advert_from(params(50, 2))), 3609375us);
    StateMachine sm(p);
    sm.start(kT0);
    EXPECT_FALSE(sm.discards_lower_priority(kT0 + 2s));
    sm.advert_received(advert_from(params(50, 2)), kT0 + 2s);
    EXPECT_EQ(sm.master_priority(), 50);
}

TEST(Rfc5798_6_4_2, BackupLearnsMasterAdverIntervalFromAdvert) {
    auto p = params(100, 1);
    auto a = advert_from(params(200, 2, 2s));
    EXPECT_EQ(master_down_restart(p, 100, true, 1s, a), 7218750us);  // from the advert's interval
    StateMachine sm(p);
    sm.start(kT0);
    sm.advert_received(a, kT0);
    EXPECT_EQ(sm.master_adver_interval(), 2s);
    EXPECT_EQ(sm.skew_time(), 1218750us);  // recomputed from the learned interval
    EXPECT_EQ(sm.master_down_interval(), 6s + 1218750us);
}

// 6.4.2 learns Master_Adver_Interval from accepted adverts of non-zero priority only: the
// resigning master's Skew_Time is computed from what was learned before, so a priority 0
// advert carrying a long interval cannot delay the takeover.
TEST(Rfc5798_6_4_2, PriorityZeroAdvertUsesTheLearnedInterval) {
    auto p = params(100, 1);
    StateMachine sm(p);
    sm.start(kT0);
    sm.advert_received(advert_from(params(200, 2)), kT0);
    ASSERT_EQ(sm.master_adver_interval(), 1s);
    auto resign = advert_from(params(0, 2, 40s));
    sm.advert_received(resign, kT0 + 1s);
    EXPECT_EQ(sm.master_adver_interval(), 1s) << "not learned from priority 0";
    EXPECT_EQ(master_down_restart(p, 100, true, sm.master_adver_interval(), resign), 609375us);
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
    EXPECT_EQ(only<DisarmMasterDown>(out), DisarmMasterDown{});
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
    EXPECT_EQ(sm.master_address(), std::nullopt);
    theirs.advert_interval = 1s;
    sm.advert_received(advert_from(theirs), kT0 + 1s);
    EXPECT_EQ(sm.master_address(), host(2));
    EXPECT_EQ(sm.master_down_interval(), 3s + 609375us);
}

TEST(FastMode, ReceivedIntervalFieldIsIgnored) {
    StateMachine sm(params(100, 1, 200us));
    sm.start(kT0);
    EXPECT_EQ(sm.master_down_interval(), 600us + 121875ns);  // skew 156/256 * 200 us
    auto a = advert_from(params(200, 2, 200us));             // field = 1 cs
    sm.advert_received(a, kT0);
    EXPECT_EQ(sm.master_adver_interval(), 200us);
    EXPECT_EQ(master_down_restart(params(100, 1, 200us), 100, true, 200us, a), 600us + 121875ns);
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
