// The two inputs a [[sync_group]] gives a member (docs/configuration.md): step_down() and
// set_group_hold(). Beyond RFC 5798.
#include <gtest/gtest.h>

#include "lab.h"

namespace xvrrp::vrrp::testing {
namespace {

constexpr TimePoint kT0 = TimePoint(1s);

struct SyncGroupMember : ::testing::Test {
    StateMachine sm{params(100, 5)};
    TimePoint t;
    void become_master() {
        sm.start(kT0);
        t = kT0 + sm.master_down_interval();
        sm.master_down_expired(t);
        ASSERT_EQ(sm.state(), State::Master);
    }
};

TEST_F(SyncGroupMember, StepDownGoesBackupWithAPriorityZeroAdvertAndNoServiceIps) {
    become_master();
    auto out = sm.step_down(t + 100ms);
    EXPECT_EQ(sm.state(), State::Backup);
    EXPECT_EQ(only<SendAdvert>(out).priority, 0);  // the best backup takes over at Skew_Time
    EXPECT_EQ(only<RemoveVips>(out).addresses, std::vector{kVip});
    EXPECT_EQ(only<SetArpAnswering>(out), SetArpAnswering{false});
    EXPECT_EQ(only<RunNotify>(out).state, "BACKUP");
    EXPECT_EQ(all<ArmMasterDown>(out).size(), 1u);
    EXPECT_EQ(sm.deadline(TimerKind::Advert), std::nullopt);
}

TEST_F(SyncGroupMember, StepDownOutsideMasterChangesNothing) {
    sm.start(kT0);
    EXPECT_TRUE(sm.step_down(kT0 + 100ms).empty());
    EXPECT_EQ(sm.state(), State::Backup);
}

TEST_F(SyncGroupMember, AHeldBackupFollowsALowerPriorityMasterInsteadOfPreempting) {
    sm.start(kT0);
    EXPECT_TRUE(sm.discards_lower_priority(kT0));
    sm.set_group_hold(true, kT0 + 10ms);
    EXPECT_FALSE(sm.discards_lower_priority(kT0 + 10ms));
    sm.advert_received(advert_from(params(50, 9)), kT0 + 20ms);
    EXPECT_EQ(sm.master_address(), host(9));             // accepted: its timer restarts
    EXPECT_FALSE(sm.follows_better_master(kT0 + 20ms));  // it would preempt, but for the group
    sm.set_group_hold(false, kT0 + 30ms);
    EXPECT_TRUE(sm.discards_lower_priority(kT0 + 30ms));
}

TEST_F(SyncGroupMember, FollowsABetterMasterOnlyWhenItsPriorityIsNotBelowOurs) {
    sm.start(kT0);
    EXPECT_FALSE(sm.follows_better_master(kT0));  // no master heard yet
    sm.advert_received(advert_from(params(200, 9)), kT0 + 10ms);
    EXPECT_TRUE(sm.follows_better_master(kT0 + 10ms));
    sm.set_priority(250, kT0 + 20ms);
    EXPECT_FALSE(sm.follows_better_master(kT0 + 20ms));
}

}  // namespace
}  // namespace xvrrp::vrrp::testing
