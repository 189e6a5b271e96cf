// The daemon's JSON strings (userspace/common/json.h: the json log format, status --json):
// every line must parse, whatever bytes an interface name or a library message carries.
#include <gtest/gtest.h>

#include <string>

#include "common/json.h"

using xvrrp::json_string;

TEST(LogJson, EscapesQuotesBackslashesAndControlCharacters) {
    EXPECT_EQ(json_string(""), "\"\"");
    EXPECT_EQ(json_string("a \"b\" \\c"), "\"a \\\"b\\\" \\\\c\"");
    EXPECT_EQ(json_string("1\n2\t3"), "\"1\\n2\\t3\"");
    EXPECT_EQ(json_string(std::string("\x01\x1f\x7f", 3)), "\"\\u0001\\u001f\\u007f\"");
    EXPECT_EQ(json_string(std::string("a\0b", 3)), "\"a\\u0000b\"");
}

TEST(LogJson, KeepsValidUtf8) {
    // 2, 3 and 4 bytes: é, €, U+1F600.
    const std::string text = "caf\xc3\xa9 \xe2\x82\xac \xf0\x9f\x98\x80";
    EXPECT_EQ(json_string(text), "\"" + text + "\"");
}

TEST(LogJson, WritesEachByteThatIsNotUtf8AsTheReplacementCharacter) {
    EXPECT_EQ(json_string("eth\xff"), "\"eth\\ufffd\"");
    // A sequence cut short (a message truncated mid-character), then more text.
    EXPECT_EQ(json_string("x\xe2\x82"), "\"x\\ufffd\\ufffd\"");
    EXPECT_EQ(json_string("\xe2\x82y"), "\"\\ufffd\\ufffdy\"");
    // A lone continuation byte, an overlong '/', a UTF-16 surrogate, above U+10FFFF.
    EXPECT_EQ(json_string("\x80"), "\"\\ufffd\"");
    EXPECT_EQ(json_string("\xc0\xaf"), "\"\\ufffd\\ufffd\"");
    EXPECT_EQ(json_string("\xed\xa0\x80"), "\"\\ufffd\\ufffd\\ufffd\"");
    EXPECT_EQ(json_string("\xf4\x90\x80\x80"), "\"\\ufffd\\ufffd\\ufffd\\ufffd\"");
}
