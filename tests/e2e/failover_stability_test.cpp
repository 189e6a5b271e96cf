// While the master is healthy the backup never takes over, not even for one advert: a false
// master-down is a short split brain (two servers answering ARP). Watched for a few seconds
// through the backup's cumulative adverts_sent counter, which also catches flaps between polls.
//
// The fast-mode (1 ms) case is disabled: on the shared 2-core CI machines the master's advert
// thread is sometimes late by more than a Master_Down_Interval (3.6 ms), even with
// sched_priority = 50, and the backup then takes over for a moment (seen every few seconds).
// Run it on a quiet host with --gtest_also_run_disabled_tests.
#include <gtest/gtest.h>

#include <thread>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

void expect_no_false_takeover(const std::string &interval) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab, interval));
    auto before = lab.status("s2");
    ASSERT_TRUE(before) << describe(lab);
    for (int i = 0; i < 50; ++i) {
        std::this_thread::sleep_for(100ms);
        ASSERT_EQ(lab.state("s2"), "BACKUP") << describe(lab);
    }
    auto after = lab.status("s2");
    ASSERT_TRUE(after) << describe(lab);
    EXPECT_EQ(after->adverts_sent, before->adverts_sent)
        << "the backup sent adverts (was master) while the master was healthy\n"
        << describe(lab);
    EXPECT_EQ(lab.state("s1"), "MASTER") << describe(lab);
}

TEST(Stability, BackupStaysBackupWhileMasterIsHealthy10ms) {
    expect_no_false_takeover("10ms");
}

TEST(Stability, DISABLED_BackupStaysBackupWhileMasterIsHealthyFastMode1ms) {
    expect_no_false_takeover("1ms");
}

}  // namespace
}  // namespace xvrrp::e2e
