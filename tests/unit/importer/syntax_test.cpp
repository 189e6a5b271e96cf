// keepalived's configuration syntax as the importer reads it: words, blocks, comments, quotes,
// continuations, includes; and the command splitting of scripts and notify hooks.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "importer/keepalived_syntax.h"

namespace xvrrp::importer {
namespace {

std::vector<Statement> statements(std::string_view text) {
    SyntaxResult r = parse_keepalived(text, "k.conf");
    EXPECT_TRUE(r.ok()) << (r.errors.empty() ? "" : format_error(r.errors[0]));
    return r.statements;
}

std::vector<std::string> errors(std::string_view text) {
    std::vector<std::string> out;
    for (const Problem &p : parse_keepalived(text, "k.conf").errors) out.push_back(format_error(p));
    return out;
}

using Words = std::vector<std::string>;

TEST(KeepalivedSyntax, BlocksHoldOneStatementPerLineWithTheLineNumber) {
    auto top = statements("vrrp_instance VI_1 {\n  interface eth0\n\n  priority 100\n}\n");
    ASSERT_EQ(top.size(), 1u);
    EXPECT_EQ(top[0].words, (Words{"vrrp_instance", "VI_1"}));
    EXPECT_TRUE(top[0].has_block);
    ASSERT_EQ(top[0].block.size(), 2u);
    EXPECT_EQ(top[0].block[0].words, (Words{"interface", "eth0"}));
    EXPECT_EQ(top[0].block[1].where.line, 4u);
    EXPECT_EQ(top[0].block[1].where.file, "k.conf");
}

TEST(KeepalivedSyntax, HashAndBangStartCommentsAnywhereOutsideQuotes) {
    auto top = statements(
        "! a comment\n# another\nglobal_defs { # here\n  router_id x ! there\n"
        "  script_user \"a#b!c\"\n}\n");
    ASSERT_EQ(top.size(), 1u);
    ASSERT_EQ(top[0].block.size(), 2u);
    EXPECT_EQ(top[0].block[0].words, (Words{"router_id", "x"}));
    EXPECT_EQ(top[0].block[1].words, (Words{"script_user", "a#b!c"}));
}

TEST(KeepalivedSyntax, AnOpeningBraceOnTheNextLineBelongsToTheKeywordBefore) {
    auto top =
        statements("vrrp_instance VI_1\n{\n  virtual_ipaddress\n  {\n    192.0.2.1\n  }\n}\n");
    ASSERT_EQ(top.size(), 1u);
    ASSERT_EQ(top[0].block.size(), 1u);
    EXPECT_EQ(top[0].block[0].keyword(), "virtual_ipaddress");
    ASSERT_EQ(top[0].block[0].block.size(), 1u);
    EXPECT_EQ(top[0].block[0].block[0].keyword(), "192.0.2.1");
}

TEST(KeepalivedSyntax, BracesNeedNoBlanksAndABlockMayFitOnOneLine) {
    auto top = statements("track_interface{eth1 weight 2}\nvirtual_ipaddress { 192.0.2.1 }\n");
    ASSERT_EQ(top.size(), 2u);
    ASSERT_EQ(top[0].block.size(), 1u);
    EXPECT_EQ(top[0].block[0].words, (Words{"eth1", "weight", "2"}));
    EXPECT_EQ(top[1].block[0].words, (Words{"192.0.2.1"}));
}

TEST(KeepalivedSyntax, QuotesGroupBlanksAndBracesAndTheRestKeepsThemForCommands) {
    auto top = statements("notify_master \"/bin/x {a} 'b c'\" root  # hook\n");
    ASSERT_EQ(top.size(), 1u);
    EXPECT_EQ(top[0].words, (Words{"notify_master", "/bin/x {a} 'b c'", "root"}));
    EXPECT_EQ(top[0].rest, "\"/bin/x {a} 'b c'\" root");
}

TEST(KeepalivedSyntax, ABackslashAtTheEndOfALineContinuesIt) {
    auto top =
        statements("vrrp_script s {\n  script /bin/check \\\n     --fast # x\n  interval 2\n}\n");
    ASSERT_EQ(top[0].block.size(), 2u);
    EXPECT_EQ(top[0].block[0].where.line, 2u);
    EXPECT_EQ(top[0].block[0].words, (Words{"script", "/bin/check", "--fast"}));
    EXPECT_EQ(top[0].block[1].where.line, 4u);
}

TEST(KeepalivedSyntax, AnUnclosedQuoteIsAnErrorOnItsLine) {
    EXPECT_EQ(errors("global_defs {\n router_id \"x\n}\n"),
              (Words{"k.conf:2: error: a quoted string is not closed on its line (add the "
                     "closing \")"}));
}

TEST(KeepalivedSyntax, UnbalancedBracesAreErrorsWhereTheyOpenOrClose) {
    EXPECT_EQ(errors("vrrp_instance VI_1 {\n  interface eth0\n"),
              (Words{"k.conf:1: error: the block of 'vrrp_instance' is never closed (a '}' is "
                     "missing)"}));
    EXPECT_EQ(errors("global_defs {\n}\n}\n"),
              (Words{"k.conf:3: error: '}' without a matching '{'"}));
    EXPECT_EQ(errors("{\n}\n"), (Words{"k.conf:1: error: '{' without a keyword before it"}));
}

TEST(KeepalivedSyntax, ParameterSubstitutionIsRefusedAndConditionalLinesAreSkipped) {
    EXPECT_EQ(errors("$IF=eth0\n"),
              (Words{"k.conf:1: error: keepalived's $NAME parameters are not supported by the "
                     "importer; replace them by their values first"}));
    SyntaxResult r = parse_keepalived("@main router_id a\nrouter_id b\n", "k.conf");
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.statements.size(), 1u);
    EXPECT_EQ(r.statements[0].arg(1), "b");
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.warnings[0].where.line, 1u);
}

class KeepalivedIncludes : public ::testing::Test {
  protected:
    std::filesystem::path dir;
    void SetUp() override {
        dir = std::filesystem::temp_directory_path() /
              ("xvrrp-import-" + std::to_string(getpid()) + "-" +
               ::testing::UnitTest::GetInstance()->current_test_info()->name());
        std::filesystem::create_directories(dir / "conf.d");
    }
    void TearDown() override { std::filesystem::remove_all(dir); }
    void write(const std::string &name, const std::string &text) {
        std::ofstream(dir / name) << text;
    }
};

TEST_F(KeepalivedIncludes, GlobsAreRelativeToTheIncludingFileAndReadInOrder) {
    write("keepalived.conf", "global_defs {\n}\ninclude conf.d/*.conf\n");
    write("conf.d/b.conf", "vrrp_instance B {\n}\n");
    write("conf.d/a.conf", "vrrp_instance A {\n  include ../inner.inc\n}\n");
    write("inner.inc", "priority 7\n");
    SyntaxResult r = parse_keepalived_file((dir / "keepalived.conf").string());
    ASSERT_TRUE(r.ok()) << format_error(r.errors[0]);
    ASSERT_EQ(r.statements.size(), 3u);
    EXPECT_EQ(r.statements[1].arg(1), "A");
    EXPECT_EQ(r.statements[1].where.file, (dir / "conf.d/a.conf").string());
    ASSERT_EQ(r.statements[1].block.size(), 1u);
    EXPECT_EQ(r.statements[1].block[0].words, (Words{"priority", "7"}));
    EXPECT_EQ(r.statements[1].block[0].where.file, (dir / "conf.d/../inner.inc").string());
    EXPECT_EQ(r.statements[2].arg(1), "B");
}

TEST_F(KeepalivedIncludes, APatternMatchingNothingIsAWarning) {
    write("keepalived.conf", "include nothing/*.conf\n");
    SyntaxResult r = parse_keepalived_file((dir / "keepalived.conf").string());
    ASSERT_TRUE(r.ok());
    ASSERT_EQ(r.warnings.size(), 1u);
    EXPECT_EQ(r.warnings[0].message, "include 'nothing/*.conf' matches no file; nothing included");
}

TEST_F(KeepalivedIncludes, AFileIncludingItselfStopsWithAnError) {
    write("keepalived.conf", "include keepalived.conf\n");
    SyntaxResult r = parse_keepalived_file((dir / "keepalived.conf").string());
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_NE(r.errors[0].message.find("nested more than 8 deep"), std::string::npos);
}

TEST(KeepalivedSyntax, AMissingFileIsAnErrorNamingIt) {
    SyntaxResult r = parse_keepalived_file("/nonexistent/keepalived.conf");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(format_error(r.errors[0]),
              "/nonexistent/keepalived.conf: error: cannot read the file: No such file or "
              "directory");
}

std::vector<std::string> split(std::string_view text) {
    std::string why;
    return split_quoted(text, &why).value_or(Words{"<" + why + ">"});
}

TEST(KeepalivedCommandSplit, BlanksSeparateAndQuotesAndBackslashesGroup) {
    EXPECT_EQ(split("/usr/local/bin/vrrp.sh  BACKUP   VI_1"),
              (Words{"/usr/local/bin/vrrp.sh", "BACKUP", "VI_1"}));
    EXPECT_EQ(split("/bin/x 'a \"b' \"c 'd\" e\\ f"), (Words{"/bin/x", "a \"b", "c 'd", "e f"}));
    EXPECT_EQ(split("\"a\\\"b\" 'a\\b'"), (Words{"a\"b", "a\\b"}));
    EXPECT_EQ(split("pre'quoted part'post"), (Words{"prequoted partpost"}));
    EXPECT_EQ(split(""), Words{});
}

TEST(KeepalivedCommandSplit, AnUnclosedQuoteIsRefused) {
    EXPECT_EQ(split("/bin/x 'a"), (Words{"<the single quote is not closed>"}));
    EXPECT_EQ(split("/bin/x \"a"), (Words{"<the double quote is not closed>"}));
}

}  // namespace
}  // namespace xvrrp::importer
