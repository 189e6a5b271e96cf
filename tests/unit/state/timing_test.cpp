// RFC 5798 6.1 / RFC 3768 6.1 timing formulas, the interval field (RFC 5798 5.2.7), fast mode,
// and parameter validation.
#include <gtest/gtest.h>

#include "lab.h"

namespace xvrrp::vrrp::testing {
namespace {

TEST(Rfc5798_6_1, SkewTimeIsScaledByLocalPriority) {
    // ((256 - 100) * 1 s) / 256 = 609.375 ms
    EXPECT_EQ(skew_time(3, 100, 1s), 609375us);
    EXPECT_EQ(skew_time(3, 255, 1s), 3906250ns);
    EXPECT_EQ(skew_time(3, 1, 1s), 996093750ns);
}

TEST(Rfc5798_6_1, MasterDownIntervalIsThreeIntervalsPlusSkewTime) {
    EXPECT_EQ(master_down_interval(3, 100, 1s), 3s + 609375us);
    EXPECT_EQ(master_down_interval(3, 200, 10ms), 30ms + 2187500ns);
}

TEST(Rfc3768_6_1, V2SkewTimeIsInSecondsWhateverTheInterval) {
    EXPECT_EQ(skew_time(2, 100, 5s), 609375us);
    EXPECT_EQ(master_down_interval(2, 100, 5s), 15s + 609375us);
}

TEST(Rfc5798_6_1, HigherPriorityBackupHasShorterMasterDownInterval) {
    EXPECT_LT(master_down_interval(3, 200, 1s), master_down_interval(3, 100, 1s));
}

TEST(Rfc5798_5_2_7, IntervalFieldIsCentisecondsRoundedToNearest) {
    auto p = params(100, 1);
    EXPECT_EQ(p.interval_field(), 100);
    p.advert_interval = 15ms;
    EXPECT_EQ(p.interval_field(), 2);
    p.advert_interval = 14ms;
    EXPECT_EQ(p.interval_field(), 1);
    p.advert_interval = kMaxV3Interval;
    EXPECT_EQ(p.interval_field(), 4095);
    EXPECT_FALSE(p.fast_mode());
}

TEST(Rfc3768_5_3_7, V2IntervalFieldIsSeconds) {
    auto p = params(100, 1, 3s);
    p.version = 2;
    EXPECT_EQ(p.interval_field(), 3);
}

TEST(FastMode, IntervalBelowTenMillisecondsIsFastAndCarriesOneCentisecond) {
    auto p = params(100, 1, 200us);
    EXPECT_TRUE(p.fast_mode());
    EXPECT_EQ(p.interval_field(), 1);
    p.advert_interval = 10ms;
    EXPECT_FALSE(p.fast_mode());
    p.advert_interval = 9999us;
    EXPECT_TRUE(p.fast_mode());
}

TEST(Validate, AcceptsATypicalInstance) {
    EXPECT_EQ(validate(params(100, 1)), std::nullopt);
}

TEST(Validate, RejectsVridZero) {
    auto p = params(100, 1);
    p.vrid = 0;
    EXPECT_NE(validate(p), std::nullopt);
}

TEST(Validate, RejectsPriorityZero) {
    EXPECT_NE(validate(params(0, 1)), std::nullopt);
    EXPECT_THROW(StateMachine{params(0, 1)}, std::invalid_argument);
}

TEST(Validate, RejectsVersionOtherThanTwoOrThree) {
    auto p = params(100, 1);
    p.version = 4;
    EXPECT_NE(validate(p), std::nullopt);
}

TEST(Validate, RejectsIntervalAbove4095Centiseconds) {
    EXPECT_NE(validate(params(100, 1, 41s)), std::nullopt);
    EXPECT_NE(validate(params(100, 1, 0s)), std::nullopt);
}

TEST(Validate, RejectsV2WithIpv6OrSubSecondInterval) {
    auto p = params(100, 1, 1500ms);
    p.version = 2;
    EXPECT_NE(validate(p), std::nullopt);
    p.advert_interval = 1s;
    EXPECT_EQ(validate(p), std::nullopt);
    p.primary_address = *IpAddress::parse("fe80::1");
    p.virtual_addresses = {*IpAddress::parse("2001:db8::100")};
    EXPECT_NE(validate(p), std::nullopt);
}

TEST(Validate, RejectsVirtualAddressOfAnotherFamily) {
    auto p = params(100, 1);
    p.virtual_addresses.push_back(*IpAddress::parse("2001:db8::100"));
    auto error = validate(p);
    ASSERT_NE(error, std::nullopt);
    EXPECT_NE(error->find("2001:db8::100"), std::string::npos) << *error;
}

TEST(Validate, RejectsInstanceWithoutVirtualAddress) {
    auto p = params(100, 1);
    p.virtual_addresses.clear();
    EXPECT_NE(validate(p), std::nullopt);
}

TEST(States, NamesAreKeepalivedWords) {
    EXPECT_EQ(to_string(State::Master), "MASTER");
    EXPECT_EQ(to_string(State::Backup), "BACKUP");
    EXPECT_EQ(to_string(State::Fault), "FAULT");
    EXPECT_EQ(to_string(State::Initialize), "INIT");
}

}  // namespace
}  // namespace xvrrp::vrrp::testing
