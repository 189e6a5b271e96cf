// The bounds a file must keep before the TOML parser sees it (userspace/config/prescan.h):
// beyond them toml++ 3.3 overflows the stack or takes time squared. Each is refused with the
// position where it is crossed, the figures at the limit still parse, and dots or brackets
// inside strings and comments neither count nor hide the ones outside.
#include <gtest/gtest.h>

#include "config/prescan.h"
#include "config_test_util.h"

namespace xvrrp::config {
namespace {

using testing::errors_of;
using testing::with;

// "a.a.a" with n parts.
std::string dotted(size_t n, std::string_view part = "a") {
    std::string s(part);
    for (size_t i = 1; i < n; ++i) s += "." + std::string(part);
    return s;
}

// The column of part `k` (1-based) of dotted(n, part) written from column `start`.
uint32_t column_of_part(size_t k, uint32_t start = 1, size_t part_size = 1) {
    return start + static_cast<uint32_t>((k - 1) * (part_size + 1));
}

std::string too_many_parts(uint32_t line, uint32_t column) {
    return "x.toml:" + std::to_string(line) + ":" + std::to_string(column) +
           ": error: a dotted key or table header with more than 32 parts, the most xvrrp reads "
           "(its deepest key, instance.notify.master, has 3)\n";
}

std::string nested_too_deep(uint32_t line, uint32_t column) {
    return "x.toml:" + std::to_string(line) + ":" + std::to_string(column) +
           ": error: arrays and inline tables nested more than 32 deep, the most xvrrp reads "
           "(its deepest value, track_interface = [{ ... }], has 2)\n";
}

// The mutated file that crashed xvrrpd: toml++ recursed once per part and overflowed the stack.
TEST(InputBounds, DottedKeyOfFiftyThousandPartsIsRefusedNotACrash) {
    EXPECT_EQ(errors_of(with(dotted(50000) + " = 1\n")), too_many_parts(6, column_of_part(33)));
}

TEST(InputBounds, TableHeadersOfTooManyPartsAreRefused) {
    EXPECT_EQ(errors_of(with("[" + dotted(50000) + "]\n")),
              too_many_parts(6, column_of_part(33, 2)));
    EXPECT_EQ(errors_of(with("[[" + dotted(33, "bb") + "]]\n")),
              too_many_parts(6, column_of_part(33, 3, 2)));
}

TEST(InputBounds, QuotedPartsAndSpacedDotsCount) {
    std::string key = "\"a\"";
    for (int i = 1; i < 33; ++i) key += " . 'a'";
    // Part 33 starts after 32 parts of 3 characters and 32 separators " . " of 3.
    EXPECT_EQ(errors_of(with(key + " = 1\n")), too_many_parts(6, 1 + 32 * 6));
}

TEST(InputBounds, NestingTooDeepIsRefusedAtTheBracketThatCrossesIt) {
    EXPECT_EQ(errors_of(with("x = " + std::string(100000, '[') + "\n")), nested_too_deep(6, 37));
    std::string inl = "x = ";
    for (int i = 0; i < 40; ++i) inl += "{a=";
    EXPECT_EQ(errors_of(with(inl + "1\n")), nested_too_deep(6, 5 + 32 * 3));
    // Arrays spread over lines count the same.
    std::string lines = "x = [\n";
    for (int i = 0; i < 33; ++i) lines += "[\n";
    EXPECT_EQ(errors_of(with(lines)), nested_too_deep(6 + 32, 1));
}

TEST(InputBounds, TooManyTableHeadersAreRefusedAtTheOneThatCrossesTheLimit) {
    // Every header part names a table toml++ finds by linear search: their number costs time
    // squared.
    std::string text(with(""));  // its [[instance]] is one part
    const size_t headers = kMaxTableParts / 2 - 1;
    for (size_t i = 0; i < headers; ++i) text += "[t" + std::to_string(i) + ".x]\n";
    text += "[y]\n";  // 1 + 2 x 8,191 + 1: at the limit
    EXPECT_EQ(errors_of(text).find("more than 16384 parts"), std::string::npos);
    text += "[last]\n";
    EXPECT_EQ(errors_of(text),
              "x.toml:" + std::to_string(6 + headers + 1) +
                  ":2: error: more than 16384 parts in the table headers and dotted keys of the "
                  "file, the most xvrrp reads (255 instances with all their sub-tables use about "
                  "2,300)\n");
}

TEST(InputBounds, AFileLargerThanTheLimitIsRefused) {
    std::string text = with("# " + std::string(kMaxFileBytes, '.') + "\n");
    EXPECT_EQ(errors_of(text),
              "x.toml:6:" + std::to_string(kMaxFileBytes - testing::kMinimalInstance.size() + 1) +
                  ": error: the file is larger than 1 MiB (1048576 bytes), the most xvrrp "
                  "reads; is it the right file?\n");
    // Just within it, the same comment is only a comment.
    text.resize(kMaxFileBytes - 1);
    EXPECT_EQ(errors_of(text + "\n"), "");
}

// A device or a log named by mistake is read only to the limit and refused like a large file.
TEST(InputBounds, LoadingReadsNoMoreThanTheLimit) {
    ConfigResult r = load_config("/dev/zero");
    EXPECT_EQ(format_diagnostics(r.errors),
              "/dev/zero:1:" + std::to_string(kMaxFileBytes + 1) +
                  ": error: the file is larger than 1 MiB (1048576 bytes), the most xvrrp reads; "
                  "is it the right file?\n");
}

// Right at every limit, all at once, nesting the deepest tree the bounds allow: the file is
// read to its (ordinary) errors.
TEST(InputBounds, TheDeepestFileWithinTheBoundsParses) {
    std::string text = "[[" + dotted(kMaxKeyParts) + "]]\n";
    std::string value = "1";
    for (size_t i = 1; i < kMaxNesting; i += 2)
        value = "[{" + dotted(kMaxKeyParts, "k") + " = " + value + "}]";
    text += dotted(kMaxKeyParts, "v") + " = " + value + "\n";
    EXPECT_EQ(errors_of(text),
              "x.toml:1: error: no [[instance]] in the file; add at least one, e.g. [[instance]] "
              "with name, interface, vrid, virtual_ips\n"
              "x.toml:1:3: error: unknown key 'a' in the top level; docs/configuration.md lists "
              "the keys\n");
}

// Strings and comments are skipped as TOML reads them: what they hold does not count, and
// they end where TOML ends them, so that what follows them counts again.
TEST(InputBounds, DotsAndBracketsInStringsAndCommentsDoNotCount) {
    const std::string many_dots = dotted(100);
    const std::string brackets(100, '[');
    for (const std::string &line : {
             "\"" + many_dots + "\" = 1\n",             // a quoted key is one part
             "'" + many_dots + "' = 1\n",               // literal
             "x = \"" + many_dots + brackets + "\"\n",  // basic string value
             "x = '" + many_dots + brackets + "'\n",    // literal string value
             "x = \"\"\"\n" + many_dots + "\n" + brackets + "\n\"\"\"\n",  // multi-line basic
             "x = '''\n" + many_dots + "\n" + brackets + "'''\n",          // multi-line literal
             "# " + many_dots + brackets + "\n",                           // comment
             "x = 1 # " + many_dots + brackets + "\n",                     // comment after a value
         }) {
        std::string errors = errors_of(with(line));
        EXPECT_EQ(errors.find("the most xvrrp reads"), std::string::npos) << line << errors;
    }
}

TEST(InputBounds, AStringEndsWhereTomlEndsIt) {
    const std::string key = dotted(33) + " = 1\n";
    for (const std::string &before : {
             std::string("x = \"a\\\"b\"\n"),         // escaped quote
             std::string("x = \"a\\\\\"\n"),          // escaped backslash, then the end
             std::string("x = \"\"\"a\"\"\"\"\"\n"),  // two quotes of its own, then """
             std::string("x = '''a'''''\n"),          // the same, literal
             std::string("x = \"\"\"a\\\"\"\"\"\n"),  // escaped quote before the end
             std::string("x = '''a\\'''\n"),          // no escapes in literal strings
             std::string("x = 'a\\'\n"),              // the same, single line
             std::string("x = \"\"\n"),               // empty strings
             std::string("x = ''\n"),                 //
             std::string("x = \"unterminated\n"),     // toml++ stops at the line's end
         }) {
        EXPECT_EQ(errors_of(with(before + key)), too_many_parts(7, column_of_part(33))) << before;
    }
}

TEST(InputBounds, AHeaderIsOnlyABracketThatStartsALine) {
    // Inside a multi-line array, a bracket at the start of a line opens a nested array.
    std::string text = "x = [\n";
    for (int i = 0; i < 32; ++i) text += "  [\n";
    EXPECT_EQ(errors_of(with(text)), nested_too_deep(6 + 32, 3));
}

// toml++ 3.3 tests the character after a key or value, and the first one after a line-ending
// backslash, for non-ASCII whitespace, with undefined behaviour for U+00A1-U+049A and
// U+FBC6-U+FEFE (found by fuzzing, tests/fuzz). Outside strings and comments TOML allows only
// ASCII: such a character is refused before toml++ sees it.
TEST(InputBounds, NonAsciiOutsideStringsAndCommentsIsRefused) {
    EXPECT_EQ(errors_of(with("[daemo\u0410]\n")),
              "x.toml:6:7: error: '\u0410' (U+0410) outside a string or comment; TOML keys and "
              "bare values are ASCII\n");
    EXPECT_EQ(errors_of(with("priority = 1\u00e9\n")),
              "x.toml:6:13: error: '\u00e9' (U+00E9) outside a string or comment; TOML keys and "
              "bare values are ASCII\n");
    EXPECT_EQ(errors_of(with("\xff = 1\n")),
              "x.toml:6:1: error: \\xff outside a string or comment; TOML keys and bare values "
              "are ASCII\n");
    // In strings and comments it is text like any other.
    EXPECT_EQ(errors_of("# dur\u00e9e, \u0434\u043e\u043c\n" +
                        std::string(testing::kMinimalInstance)
                            .replace(testing::kMinimalInstance.find("\"web\""), 5, "\"w\u00e9b\"")),
              "");
}

// toml++ reads a bare value (a number, a date) on to the next space, ']', '}', ',' or '#',
// through quotes and brackets: what looks like a string there is not one.
TEST(InputBounds, NonAsciiInABareValueIsRefusedEvenAfterAQuote) {
    EXPECT_EQ(errors_of(with("x = [-\"38\u014d\"]\n")),
              "x.toml:6:10: error: '\u014d' (U+014D) outside a string or comment; TOML keys and "
              "bare values are ASCII\n");
    EXPECT_EQ(errors_of(with("x = 1979-05-27 07:32[\"\u00e9\"]\n")),
              "x.toml:6:23: error: '\u00e9' (U+00E9) outside a string or comment; TOML keys and "
              "bare values are ASCII\n");
    // A key is read only to its end: a string may follow it without a space.
    std::string tight(testing::kMinimalInstance);
    tight.replace(tight.find("name = \"web\""), 12, "name=\"w\u00e9b\"");
    EXPECT_EQ(errors_of(tight), "");
    EXPECT_EQ(errors_of(with("notify={master=[\"/bin/\u00e9\"]}\n")), "");
}

TEST(InputBounds, NonAsciiFirstAfterALineEndingBackslashIsRefused) {
    EXPECT_EQ(errors_of(with("x = \"\"\"a \\\n   \u00e9\"\"\"\n")),
              "x.toml:7:4: error: '\u00e9' (U+00E9) first after a line-ending backslash in a "
              "multi-line string, which toml++ 3.3 misreads; start the line with an ASCII "
              "character or do without the backslash\n");
    EXPECT_EQ(errors_of(with("x = \"\"\"\\\u00e9\"\"\"\n")),
              "x.toml:6:9: error: '\u00e9' (U+00E9) after a backslash in a multi-line string, "
              "which toml++ 3.3 misreads; start the line with an ASCII character or do without "
              "the backslash\n");
    // Anywhere else in a multi-line string it is fine.
    EXPECT_EQ(errors_of(with("x = \"\"\"\u00e9 \\\n  a\u00e9\"\"\"\n")).find("misreads"),
              std::string::npos);
}

TEST(InputBounds, AByteOrderMarkIsSkippedAsTomlSkipsIt) {
    EXPECT_EQ(errors_of("\xef\xbb\xbf" + with("")), "");
    EXPECT_EQ(errors_of("\xef\xbb\xbf" + dotted(33) + " = 1\n"),
              too_many_parts(1, column_of_part(33)));
}

}  // namespace
}  // namespace xvrrp::config
