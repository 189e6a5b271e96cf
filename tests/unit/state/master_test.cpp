// RFC 5798 6.4.3 Master (with the RFC 9568 changes), one test per rule.
#include <gtest/gtest.h>

#include "lab.h"

namespace xvrrp::vrrp::testing {
namespace {

constexpr TimePoint kT0 = TimePoint(1s);

// A non-owner that became Master through its Master_Down_Timer at kT0 + MDI.
struct MasterFixture : ::testing::Test {
    StateMachine sm{params(100, 5)};
    TimePoint t;
    void SetUp() override {
        sm.start(kT0);
        t = kT0 + sm.master_down_interval();
        sm.master_down_expired(t);
        ASSERT_EQ(sm.state(), State::Master);
    }
};

using Rfc5798_6_4_3 = MasterFixture;
using Rfc9568_6_4_3 = MasterFixture;

TEST_F(Rfc5798_6_4_3, AdverTimerSendsAdvertAndRestarts) {
    EXPECT_EQ(sm.deadline(TimerKind::Advert), t + 1s);
    auto out = sm.timer_expired(t + 1s);
    EXPECT_EQ(only<SendAdvert>(out), (SendAdvert{100, 100}));
    EXPECT_EQ(only<StartTimer>(out), (StartTimer{TimerKind::Advert, t + 2s}));
    EXPECT_EQ(sm.state(), State::Master);
}

TEST_F(Rfc5798_6_4_3, LateAdverTimerSendsOneAdvertAndRestartsFromNow) {
    auto out = sm.timer_expired(t + 4500ms);
    EXPECT_EQ(all<SendAdvert>(out).size(), 1u);
    EXPECT_EQ(sm.deadline(TimerKind::Advert), t + 5500ms);
}

TEST_F(Rfc5798_6_4_3, PriorityZeroAdvertSendsAdvertAtOnceAndRestartsTimer) {
    auto out = sm.advert_received(advert_from(params(0, 9)), t + 300ms);
    EXPECT_EQ(only<SendAdvert>(out).priority, 100);
    EXPECT_EQ(only<StartTimer>(out), (StartTimer{TimerKind::Advert, t + 1300ms}));
    EXPECT_EQ(sm.state(), State::Master);
}

TEST_F(Rfc5798_6_4_3, HigherPriorityAdvertMakesBackup) {
    auto out = sm.advert_received(advert_from(params(200, 2, 2s)), t + 300ms);
    EXPECT_EQ(sm.state(), State::Backup);
    EXPECT_EQ(only<StopTimer>(out), StopTimer{TimerKind::Advert});
    EXPECT_EQ(only<RemoveVips>(out).addresses, std::vector{kVip});
    EXPECT_EQ(only<SetArpAnswering>(out), SetArpAnswering{false});
    EXPECT_EQ(only<SetTakeoverOnTimeout>(out), SetTakeoverOnTimeout{true});
    // Master_Adver_Interval learned (2 s), Master_Down_Timer armed from it.
    EXPECT_EQ(sm.master_adver_interval(), 2s);
    EXPECT_EQ(only<ArmMasterDown>(out), (ArmMasterDown{7218750us}));
    EXPECT_EQ(only<RunNotify>(out).state, "BACKUP");
    // One last advert at our priority: the new master may not have heard that we were master
    // (a healed partition) and answers it with gratuitous ARP (see master_receive).
    EXPECT_EQ(only<SendAdvert>(out), (SendAdvert{100, 100}));
    EXPECT_EQ(sm.master_address(), host(2));
}

TEST_F(Rfc5798_6_4_3, EqualPriorityAndHigherAddressMakesBackup) {
    sm.advert_received(advert_from(params(100, 9)), t + 300ms);
    EXPECT_EQ(sm.state(), State::Backup);
}

TEST_F(Rfc5798_6_4_3, EqualPriorityAndLowerAddressStaysMaster) {
    auto out = sm.advert_received(advert_from(params(100, 2)), t + 300ms);
    EXPECT_EQ(sm.state(), State::Master);
    EXPECT_EQ(only<SendAdvert>(out).priority, 100);
}

TEST_F(Rfc9568_6_4_3, LowerPriorityAdvertIsAnsweredWithAnAdvertAtOnce) {
    auto out = sm.advert_received(advert_from(params(50, 9)), t + 300ms);
    EXPECT_EQ(sm.state(), State::Master);
    EXPECT_EQ(only<SendAdvert>(out), (SendAdvert{100, 100}));
    // The other router thought it was master and may have moved the clients: win them back.
    EXPECT_EQ(only<SendGratuitousArp>(out), (SendGratuitousArp{{kVip}, true}));
    EXPECT_EQ(sm.deadline(TimerKind::Advert), t + 1s);  // cadence unchanged
}

TEST_F(Rfc5798_6_4_3, ShutdownSendsPriorityZeroAdvertAndReleasesVips) {
    auto out = sm.shutdown(t + 300ms);
    EXPECT_EQ(sm.state(), State::Initialize);
    EXPECT_EQ(only<SendAdvert>(out), (SendAdvert{0, 100}));
    EXPECT_EQ(only<StopTimer>(out), StopTimer{TimerKind::Advert});
    EXPECT_EQ(only<RemoveVips>(out).addresses, std::vector{kVip});
    EXPECT_EQ(only<SetArpAnswering>(out), SetArpAnswering{false});
    EXPECT_EQ(only<RunNotify>(out).state, "STOP");
    EXPECT_EQ(sm.next_deadline(), std::nullopt);
}

TEST_F(Rfc5798_6_4_3, MasterReportsItselfAsMaster) {
    EXPECT_EQ(sm.master_address(), host(5));
    EXPECT_EQ(sm.master_priority(), 100);
    EXPECT_TRUE(sm.arp_answering());
    EXPECT_FALSE(sm.accepts_vip_traffic());  // not owner, Accept_Mode off
}

TEST(Rfc5798_6_1, AcceptModeIsReportedWhenBecomingMaster) {
    auto p = params(100, 5);
    p.accept_mode = true;
    StateMachine sm(p);
    sm.start(kT0);
    auto out = sm.master_down_expired(kT0 + sm.master_down_interval());
    EXPECT_TRUE(only<AddVips>(out).accept);
    EXPECT_TRUE(sm.accepts_vip_traffic());
}

TEST(Rfc9568_6_4_1, NewMasterAdvertisesItsConfiguredInterval) {
    StateMachine sm(params(100, 5, 500ms));
    sm.start(kT0);
    sm.advert_received(advert_from(params(200, 2, 2s)), kT0);  // learned 2 s as Backup
    auto out = sm.master_down_expired(kT0 + sm.master_down_interval());
    EXPECT_EQ(only<SendAdvert>(out).interval_field, 50);
    EXPECT_EQ(sm.master_adver_interval(), 500ms);
}

// A reload (daemon) changes the interval and the addresses in place: the Master advertises the
// new interval from its next advert and keeps its state; a reload the election cannot run with
// changes nothing.
TEST_F(MasterFixture, ReconfigureAdvertisesTheNewIntervalAndKeepsMaster) {
    const IpAddress second = IpAddress::v4(192, 0, 2, 101);
    sm.reconfigure(2s, 0s, {kVip, second});
    EXPECT_EQ(sm.state(), State::Master);
    EXPECT_EQ(sm.master_adver_interval(), 2s);
    EXPECT_EQ(sm.params().advert_interval, 2s);
    EXPECT_EQ(sm.params().virtual_addresses, (std::vector{kVip, second}));
    auto out = sm.timer_expired(t + 1s);
    EXPECT_EQ(only<StartTimer>(out), (StartTimer{TimerKind::Advert, t + 3s}));

    EXPECT_THROW(sm.reconfigure(1s, 0s, {}), std::invalid_argument);
    EXPECT_EQ(sm.params().advert_interval, 2s);
    EXPECT_EQ(sm.params().virtual_addresses.size(), 2u);
}

TEST(Reconfigure, AStandardBackupKeepsTheIntervalItLearnedFromItsMaster) {
    StateMachine sm{params(100, 5)};
    sm.start(kT0);
    sm.advert_received(advert_from(params(200, 2, 2s)), kT0 + 10ms);
    ASSERT_EQ(sm.master_adver_interval(), 2s);
    sm.reconfigure(3s, 0s, {kVip});
    EXPECT_EQ(sm.master_adver_interval(), 2s);  // the master's, learned (RFC 5798 6.4.2)
    EXPECT_EQ(sm.state(), State::Backup);
}

}  // namespace
}  // namespace xvrrp::vrrp::testing
