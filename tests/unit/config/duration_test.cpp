#include "config/duration.h"

#include <gtest/gtest.h>

namespace xvrrp::config {
namespace {

using namespace std::chrono_literals;

Duration parse_ok(std::string_view text) {
    std::string error;
    auto d = parse_duration(text, &error);
    EXPECT_TRUE(d.has_value()) << text << ": " << error;
    return d.value_or(Duration{-1});
}

std::string parse_error(std::string_view text) {
    std::string error;
    EXPECT_FALSE(parse_duration(text, &error).has_value()) << text;
    return error;
}

TEST(Duration, AcceptsEachUnit) {
    EXPECT_EQ(parse_ok("200us"), 200us);
    EXPECT_EQ(parse_ok("10ms"), 10ms);
    EXPECT_EQ(parse_ok("1s"), 1s);
    EXPECT_EQ(parse_ok("0s"), 0s);
}

TEST(Duration, AcceptsFractionsThatAreWholeMicroseconds) {
    EXPECT_EQ(parse_ok("1.5s"), 1500ms);
    EXPECT_EQ(parse_ok("0.25ms"), 250us);
    EXPECT_EQ(parse_ok(".5s"), 500ms);
    EXPECT_EQ(parse_ok("0.000001s"), 1us);
    EXPECT_EQ(parse_ok("2.5000000000s"), 2500ms);
}

TEST(Duration, RejectsSubMicrosecondPrecision) {
    EXPECT_EQ(parse_error("1.5us"), "is finer than 1us, the resolution of xvrrp timers");
    EXPECT_EQ(parse_error("0.0000001s"), "is finer than 1us, the resolution of xvrrp timers");
}

TEST(Duration, MissingUnitSaysWhichUnitsExist) {
    EXPECT_EQ(parse_error("10"), "has no unit; add a unit: us, ms or s");
    EXPECT_EQ(parse_error("1.5"), "has no unit; add a unit: us, ms or s");
}

TEST(Duration, RejectsUnknownUnitsAndGarbage) {
    EXPECT_EQ(parse_error("10m"), "has unknown unit 'm'; use us, ms or s");
    EXPECT_EQ(parse_error("10 ms"), "has unknown unit ' ms'; use us, ms or s");
    EXPECT_EQ(parse_error("fast"),
              "is not a duration; write a number and a unit (us, ms or s), e.g. \"1s\"");
    EXPECT_EQ(parse_error("-1s"),
              "is not a duration; write a number and a unit (us, ms or s), e.g. \"1s\"");
    EXPECT_EQ(parse_error(""),
              "is not a duration; write a number and a unit (us, ms or s), e.g. \"1s\"");
    EXPECT_EQ(parse_error("99999999999s"), "is too long");
}

TEST(Duration, FormatsInTheLargestExactUnit) {
    EXPECT_EQ(format_duration(1s), "1s");
    EXPECT_EQ(format_duration(1500ms), "1500ms");
    EXPECT_EQ(format_duration(250us), "250us");
    EXPECT_EQ(format_duration(0s), "0s");
    EXPECT_EQ(format_duration(40950ms), "40950ms");
}

}  // namespace
}  // namespace xvrrp::config
