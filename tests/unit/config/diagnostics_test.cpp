#include "config/diagnostics.h"

#include <gtest/gtest.h>

namespace xvrrp::config {
namespace {

TEST(Diagnostics, FormatsFileLineColumnLikeACompiler) {
    EXPECT_EQ(format_diagnostic({"a.toml", {4, 8}, "boom"}), "a.toml:4:8: error: boom");
    EXPECT_EQ(format_diagnostic({"a.toml", {4, 0}, "boom"}), "a.toml:4: error: boom");
    EXPECT_EQ(format_diagnostic({"a.toml", {0, 0}, "boom"}), "a.toml: error: boom");
    EXPECT_EQ(format_diagnostics({{"a", {1, 1}, "x"}, {"a", {2, 0}, "y"}}),
              "a:1:1: error: x\na:2: error: y\n");
}

TEST(Diagnostics, SuggestsTheNearestNameForATypo) {
    std::vector<std::string_view> known = {"priority", "preempt", "preempt_delay", "vrid"};
    EXPECT_EQ(nearest_name("prority", known), "priority");
    EXPECT_EQ(nearest_name("prioirty", known), "priority");  // a swap is one edit
    EXPECT_EQ(nearest_name("preemt", known), "preempt");
    EXPECT_EQ(nearest_name("vird", known), "vrid");
    EXPECT_EQ(nearest_name("colour", known), "");
}

}  // namespace
}  // namespace xvrrp::config
