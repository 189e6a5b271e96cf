// interval_field_for() at the ends of Duration (found by fuzzing, tests/fuzz): it rounded by
// adding half a unit first, a signed overflow for an interval near the largest Duration.
#include <gtest/gtest.h>

#include <limits>

#include "vrrp/codec.h"

namespace xvrrp::vrrp {
namespace {

TEST(IntervalField, TheLargestIntervalsClampToTheLargestField) {
    const Duration largest = Duration::max();
    EXPECT_EQ(interval_field_for(3, largest), kMaxV3IntervalField);
    EXPECT_EQ(interval_field_for(2, largest), 255);
    EXPECT_EQ(interval_field_for(3, largest - Duration(1)), kMaxV3IntervalField);
}

TEST(IntervalField, NegativeAndZeroIntervalsClampToTheSmallestField) {
    EXPECT_EQ(interval_field_for(3, Duration::min()), 1);
    EXPECT_EQ(interval_field_for(2, Duration(-1)), 1);
    EXPECT_EQ(interval_field_for(3, Duration(0)), 1);
}

TEST(IntervalField, HalfAUnitRoundsUp) {
    using namespace std::chrono_literals;
    EXPECT_EQ(interval_field_for(3, 25ms - 1ns), 2);
    EXPECT_EQ(interval_field_for(3, 25ms), 3);
    EXPECT_EQ(interval_field_for(2, 1500ms - 1ns), 1);
    EXPECT_EQ(interval_field_for(2, 1500ms), 2);
}

}  // namespace
}  // namespace xvrrp::vrrp
