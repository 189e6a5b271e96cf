// Keys, values and the file name echoed in a message are shown with their control characters
// escaped and cut to a sane length: a file cannot forge log lines (a newline, then text that
// looks like another message), color or clear the terminal, or bury the message in megabytes.
#include <gtest/gtest.h>

#include <algorithm>

#include "config_test_util.h"

namespace xvrrp::config {
namespace {

using testing::errors_of;
using testing::with;

// One line per error, nothing below a space in it, none longer than `max`.
::testing::AssertionResult one_clean_line_each(const std::string &errors, size_t max = 400) {
    size_t start = 0;
    while (start < errors.size()) {
        size_t end = errors.find('\n', start);
        if (end == std::string::npos) return ::testing::AssertionFailure() << "no final newline";
        std::string_view line(errors.data() + start, end - start);
        if (line.size() > max)
            return ::testing::AssertionFailure()
                   << line.size() << "-byte line: " << line.substr(0, 200);
        if (std::any_of(line.begin(), line.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
            return ::testing::AssertionFailure() << "control character in: " << line;
        if (line.find(": error: ") == std::string::npos)
            return ::testing::AssertionFailure() << "not a diagnostic: " << line;
        start = end + 1;
    }
    return ::testing::AssertionSuccess();
}

TEST(EchoedText, AnUnknownKeyCannotForgeALogLine) {
    std::string errors = errors_of(with("\"x\\nxvrrpd[1]: web: MASTER\" = 1\n"));
    EXPECT_EQ(errors,
              "x.toml:6:1: error: unknown key 'x\\nxvrrpd[1]: web: MASTER' in [[instance]]; "
              "docs/configuration.md lists the keys\n");
    EXPECT_TRUE(one_clean_line_each(errors));
}

TEST(EchoedText, TerminalEscapesInValuesAreShownNotSent) {
    std::string errors =
        errors_of(with("checksum = \"\\u001b[2J\\u001b[31mx\"\n"
                       "advert_interval = \"1\\u001bs\"\n"
                       "unicast_peers = [\"\\u001b]0;title\\u0007\"]\n"));
    EXPECT_NE(errors.find("got \"\\x1b[2J\\x1b[31mx\""), std::string::npos) << errors;
    EXPECT_NE(errors.find("\"1\\x1bs\""), std::string::npos) << errors;
    EXPECT_NE(errors.find("\"\\x1b]0;title\\x07\""), std::string::npos) << errors;
    EXPECT_TRUE(one_clean_line_each(errors));
}

TEST(EchoedText, EveryEchoingMessageEscapes) {
    const std::string esc = "\\u001b[31m";
    std::string no_vips(testing::kMinimalInstance);
    no_vips.resize(no_vips.find("virtual_ips"));
    for (const std::string &vips : {"[\"" + esc + "\"]", "[\"192.0.2.1/" + esc + "\"]"}) {
        std::string errors = errors_of(no_vips + "virtual_ips = " + vips + "\n");
        EXPECT_NE(errors.find("\\x1b[31m"), std::string::npos) << vips << errors;
        EXPECT_TRUE(one_clean_line_each(errors)) << vips;
    }
    for (const std::string &line : {
             "preempt_delay = \"" + esc + "s\"\n",
             "garp_delay = \"5" + esc + "\"\n",
             "allowed_sources = [\"" + esc + "\"]\n",
             "track_interface = [{ name = \"" + esc + "\" }]\n",
             "notify = { master = [\"" + esc + "\"] }\n",
             "\"" + esc + "\" = 1\n",
             "notify = { \"" + esc + "\" = [\"/bin/true\"] }\n",
         }) {
        std::string errors = errors_of(with(line));
        EXPECT_NE(errors.find("\\x1b[31m"), std::string::npos) << line << errors;
        EXPECT_TRUE(one_clean_line_each(errors)) << line;
    }
    for (const std::string &daemon : {
             "[daemon]\nrelease_hold = \"" + esc + "\"\n",
             "[daemon]\nvip_interface = \"" + esc + "\"\n",
         }) {
        std::string errors = errors_of(daemon + with(""));
        EXPECT_NE(errors.find("\\x1b[31m"), std::string::npos) << daemon << errors;
        EXPECT_TRUE(one_clean_line_each(errors)) << daemon;
    }
}

TEST(EchoedText, ALongDuplicateNameIsCut) {
    const std::string name(1000, 'n');
    std::string two = "[[instance]]\nname = \"" + name +
                      "\"\ninterface = \"eth0\"\nvrid = 1\n"
                      "virtual_ips = [\"192.0.2.1\"]\n"
                      "[[instance]]\nname = \"" +
                      name +
                      "\"\ninterface = \"eth0\"\nvrid = 2\n"
                      "virtual_ips = [\"192.0.2.2\"]\n";
    EXPECT_EQ(errors_of(two), "x.toml:7:8: error: instance name '" + name.substr(0, kMaxShown) +
                                  "...' is already used by the [[instance]] at line 1; names "
                                  "must be unique\n");
}

// The mutated file behind this took 14 s and 672 MB to suggest a name for a 4 MB key, then
// printed the key whole.
TEST(EchoedText, AHugeKeyIsCutAndCheapToReport) {
    std::string errors = errors_of(with(std::string(kMaxShown * 10000, 'p') + " = 1\n"));
    EXPECT_EQ(errors, "x.toml:6:1: error: unknown key '" + std::string(kMaxShown, 'p') +
                          "...' in [[instance]]; docs/configuration.md lists the keys\n");
}

TEST(EchoedText, AHugeValueIsCut) {
    std::string errors = errors_of(with("checksum = \"" + std::string(500000, 'c') + "\"\n"));
    EXPECT_TRUE(one_clean_line_each(errors)) << errors.substr(0, 300);
}

// A megabyte of unknown keys is one mistake: 100 errors are shown, then how many more there are.
TEST(EchoedText, AtMostAHundredErrorsAreShown) {
    std::string text = with("");
    for (int i = 0; i < 5000; ++i) text += "k" + std::to_string(i) + " = 1\n";
    ConfigResult r = parse_config(text, "x.toml");
    ASSERT_EQ(r.errors.size(), kMaxErrors + 1);
    EXPECT_EQ(format_diagnostic(r.errors[kMaxErrors - 1]),
              "x.toml:105:1: error: unknown key 'k99' in [[instance]]; docs/configuration.md "
              "lists the keys");
    EXPECT_EQ(format_diagnostic(r.errors[kMaxErrors]),
              "x.toml:106:1: error: 4900 more errors from here on, not shown; fix these first");
    // 100 errors and no more: nothing left out, nothing said.
    text = with("");
    for (int i = 0; i < 100; ++i) text += "k" + std::to_string(i) + " = 1\n";
    EXPECT_EQ(parse_config(text, "x.toml").errors.size(), kMaxErrors);
}

TEST(EchoedText, TheFileNameIsEscaped) {
    std::string errors =
        format_diagnostics(parse_config("vrid = 1\n", "evil\n.toml\x1b[2J").errors);
    EXPECT_EQ(errors.substr(0, 20), "evil\\n.toml\\x1b[2J:1");
    EXPECT_TRUE(one_clean_line_each(errors));
}

TEST(EchoedText, TomlSyntaxErrorsAreEscapedToo) {
    for (const std::string &bad :
         {std::string("a = \x01\n"), std::string("a = \"\x1b\"\n"), std::string("[a]\n[a]\n"),
          "[" + std::string(5000, 'k') + "]\n[" + std::string(5000, 'k') + "]\n"}) {
        std::string errors = errors_of(bad);
        EXPECT_NE(errors.find("invalid TOML"), std::string::npos) << errors;
        EXPECT_TRUE(one_clean_line_each(errors)) << errors.substr(0, 300);
    }
}

}  // namespace
}  // namespace xvrrp::config
