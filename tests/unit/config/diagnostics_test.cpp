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

TEST(Diagnostics, SuggestsNothingForAKeyFarLongerThanAnyName) {
    std::vector<std::string_view> known = {"priority", "preempt", "vrid"};
    EXPECT_EQ(nearest_name(std::string(4 << 20, 'q'), known), "");
    EXPECT_EQ(nearest_name("priority" + std::string(4 << 20, 'q'), known), "priority");
    EXPECT_EQ(nearest_name("priorityy", known), "priority");
}

TEST(Diagnostics, PrintableEscapesControlCharacters) {
    EXPECT_EQ(printable("a\nb\tc\rd"), "a\\nb\\tc\\rd");
    EXPECT_EQ(printable("\x1b[31mred\x1b[0m"), "\\x1b[31mred\\x1b[0m");
    EXPECT_EQ(printable(std::string("nul\0", 4) + "\x7f"), "nul\\x00\\x7f");
    EXPECT_EQ(printable("plain, w\u00e9b, \\ and \""), "plain, w\u00e9b, \\ and \"");
    // C1 controls, bidirectional overrides, bytes that are not UTF-8.
    EXPECT_EQ(printable("\u009b2J"), "\\xc2\\x9b2J");
    EXPECT_EQ(printable("ab\u202edc"), "ab\\xe2\\x80\\xaedc");
    EXPECT_EQ(printable("\xff\xc3"), "\\xff\\xc3");
    // Escaping what is escaped already changes nothing.
    EXPECT_EQ(printable(printable("a\n\x1b")), printable("a\n\x1b"));
}

TEST(Diagnostics, PrintableCutsLongTextAtACharacterBoundary) {
    EXPECT_EQ(printable(std::string(1000, 'k')), std::string(kMaxShown, 'k') + "...");
    EXPECT_EQ(printable("\u00e9\u00e9\u00e9", 5), "\u00e9\u00e9...");
    EXPECT_EQ(printable("ab\ncd", 3), "ab...");  // never half an escape
    EXPECT_EQ(printable("abcd", 4), "abcd");
}

TEST(Diagnostics, FormattedDiagnosticIsOneLineWhateverItHolds) {
    EXPECT_EQ(format_diagnostic({"a\nb.toml", {1, 2}, "x\ny\x1b"}),
              "a\\nb.toml:1:2: error: x\\ny\\x1b");
}

}  // namespace
}  // namespace xvrrp::config
