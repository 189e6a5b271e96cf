// vrrp_script / track_script and vrrp_track_file / track_file -> [[script]] and the instance's
// track_script and track_file, read back with toml++ for the exact keys and through
// parse_config for a configuration xvrrpd accepts.
#include "import_test_util.h"

namespace xvrrp::importer {
namespace {

using namespace testing;
using Strings = std::vector<std::string>;

Strings strings(const toml::node_view<const toml::node> &n) {
    Strings out;
    if (const toml::array *a = n.as_array())
        for (const toml::node &e : *a) out.push_back(e.value_or(std::string("<not a string>")));
    return out;
}

TEST(ImportScripts, AVrrpScriptBecomesAScriptTableWithEveryKey) {
    ImportResult r = convert(
        "vrrp_script chk_haproxy {\n"
        "    script \"/usr/bin/killall -0 haproxy\"\n"
        "    interval 2\n    timeout 1.5\n    weight -20\n    rise 2\n    fall 3\n"
        "    user nobody\n}\n" +
        instance_with("    track_script {\n        chk_haproxy\n    }\n"));
    EXPECT_EQ(r.exit_code(), kImportComplete) << r.toml;
    toml::table t = toml_of(r);
    expect_accepted(r);
    const toml::table &script = *t["script"][0].as_table();
    EXPECT_EQ(script["name"].value_or(""), std::string("chk_haproxy"));
    EXPECT_EQ(strings(script["script"]), (Strings{"/usr/bin/killall", "-0", "haproxy"}));
    EXPECT_EQ(script["interval"].value_or(""), std::string("2s"));
    EXPECT_EQ(script["timeout"].value_or(""), std::string("1500ms"));
    EXPECT_EQ(script["weight"].value_or(0), -20);
    EXPECT_EQ(script["rise"].value_or(0), 2);
    EXPECT_EQ(script["fall"].value_or(0), 3);
    EXPECT_EQ(script["user"].value_or(""), std::string("nobody"));
    const toml::array &track = *t["instance"][0]["track_script"].as_array();
    ASSERT_EQ(track.size(), 1u);
    EXPECT_EQ(track[0].as_table()->size(), 1u);  // no weight: the script's
    EXPECT_EQ((*track[0].as_table())["name"].value_or(""), std::string("chk_haproxy"));
}

TEST(ImportScripts, AWeightOnTheTrackingLineOverridesTheScripts) {
    ImportResult r = convert(
        "vrrp_script a {\n  script /bin/a\n  weight 5\n}\n"
        "vrrp_script b {\n  script /bin/b\n}\n" +
        instance_with("    track_script {\n        a weight 10\n"
                      "        b weight 0\n    }\n"));
    EXPECT_EQ(r.exit_code(), kImportComplete);
    expect_accepted(r);
    EXPECT_NE(r.toml.find("track_script = [{ name = \"a\", weight = 10 }, { name = \"b\", "
                          "weight = 0 }]"),
              std::string::npos)
        << r.toml;
}

TEST(ImportScripts, ScriptUserFromGlobalDefsIsEachScriptsDefaultUser) {
    ImportResult r = convert(
        "global_defs {\n  script_user checker\n}\n"
        "vrrp_script a {\n  script /bin/a\n}\n"
        "vrrp_script b {\n  script /bin/b\n  user root\n}\n" +
        instance_with("    track_script {\n        a\n        b\n    }\n"));
    toml::table t = toml_of(r);
    expect_accepted(r);
    EXPECT_EQ(t["script"][0]["user"].value_or(""), std::string("checker"));
    EXPECT_EQ(t["script"][1]["user"].value_or(""), std::string("root"));
}

TEST(ImportScripts, AScriptThatCannotBeConvertedTakesItsTrackingLinesWithIt) {
    ImportResult r = convert(
        "vrrp_script rel {\n  script \"killall -0 sshd\"\n}\n"
        "vrrp_script rev {\n  script /bin/x\n  weight 4 reverse\n"
        "  init_fail\n}\n" +
        instance_with("    track_script {\n        rel\n        rev\n"
                      "        missing\n    }\n"));
    EXPECT_EQ(r.exit_code(), kImportPartial);
    EXPECT_EQ(warnings_of(r),
              (Strings{"2: vrrp_script rel: 'script \"killall -0 sshd\"': 'killall' is not an "
                       "absolute path: xvrrp runs scripts with execve, without a shell or PATH "
                       "lookup; give the full path of a program",
                       "6: vrrp_script rev: 'weight 4 reverse': xvrrp has no reversed weights",
                       "7: vrrp_script rev: 'init_fail': no xvrrp equivalent",
                       "16: vrrp_instance VI_1: 'rel': its vrrp_script (k.conf:1) is not "
                       "converted",
                       "17: vrrp_instance VI_1: 'rev': its vrrp_script (k.conf:4) is not "
                       "converted",
                       "18: vrrp_instance VI_1: 'missing': there is no vrrp_script of that name"}));
    toml::table t = toml_of(r);
    EXPECT_FALSE(t.contains("script"));
    EXPECT_FALSE(t["instance"][0].as_table()->contains("track_script"));
    expect_accepted(r);
}

// Values xvrrpd's configuration parser refuses are listed, the script left out with its
// tracking: what is printed is accepted.
TEST(ImportScripts, IntervalsTimeoutsAndCountsOutOfXvrrpsRangesLeaveTheScriptOut) {
    ImportResult r = convert(
        "vrrp_script fast {\n  script /bin/a\n  interval 0.05\n}\n"
        "vrrp_script slow {\n  script /bin/b\n  interval 2\n  timeout 0.001\n  rise 5000\n}\n"
        "vrrp_script ok {\n  script /bin/c\n  interval 0.1\n  timeout 3600\n  fall 1000\n}\n" +
        instance_with("    track_script {\n        fast\n        slow\n        ok\n    }\n"));
    EXPECT_EQ(warnings_of(r),
              (Strings{"3: vrrp_script fast: 'interval 0.05': xvrrp runs a check every 0.1 to "
                       "3600 seconds",
                       "8: vrrp_script slow: 'timeout 0.001': xvrrp's script timeout is 0.01 to "
                       "3600 seconds",
                       "9: vrrp_script slow: 'rise 5000': not a count 1-1000",
                       "24: vrrp_instance VI_1: 'fast': its vrrp_script (k.conf:1) is not "
                       "converted",
                       "25: vrrp_instance VI_1: 'slow': its vrrp_script (k.conf:5) is not "
                       "converted"}));
    EXPECT_NE(r.toml.find("name = \"ok\"\nscript = [\"/bin/c\"]\ninterval = \"100ms\"\n"
                          "timeout = \"3600s\"\nfall = 1000\n"),
              std::string::npos)
        << r.toml;
    expect_accepted(r);
}

// parse_config refuses a script tracked twice by one instance: the second line is listed.
TEST(ImportScripts, AScriptTrackedTwiceByAnInstanceIsListedTheSecondTime) {
    ImportResult r = convert("vrrp_script a {\n  script /bin/a\n}\n" +
                             instance_with("    track_script {\n        a weight 1 reverse\n"
                                           "        a\n        a weight 2\n    }\n"));
    EXPECT_EQ(
        warnings_of(r),
        (Strings{"11: vrrp_instance VI_1: 'a weight 1 reverse': xvrrp has no reversed weights",
                 "13: vrrp_instance VI_1: 'a weight 2': the script is tracked already "
                 "(k.conf:12): xvrrp tracks a script once per instance"}));
    EXPECT_NE(r.toml.find("track_script = [{ name = \"a\" }]"), std::string::npos) << r.toml;
    expect_accepted(r);
}

TEST(ImportScripts, ATrackFileIsInlinedWithTheInstancesWeightElseTheFilesElseOne) {
    ImportResult r = convert(
        "vrrp_track_file web {\n  file /etc/xvrrp/web.weight\n}\n"
        "vrrp_track_file db {\n  file \"/run/db weight\"\n  weight -3\n}\n" +
        instance_with("    track_file {\n        web\n        db\n        web weight 7\n    }\n"));
    EXPECT_EQ(r.exit_code(), kImportComplete) << r.toml;
    EXPECT_NE(r.toml.find("track_file = [{ path = \"/etc/xvrrp/web.weight\" }, { path = \"/run/db "
                          "weight\", weight = -3 }, { path = \"/etc/xvrrp/web.weight\", weight = "
                          "7 }]"),
              std::string::npos)
        << r.toml;
    expect_accepted(r);
}

TEST(ImportScripts, TrackFilesWithReversedWeightsOrInitFileAreListed) {
    ImportResult r = convert(
        "vrrp_track_file f {\n  file /run/f\n  weight 2 reverse\n}\n"
        "vrrp_track_file g {\n  file /run/g\n  init_file 0 overwrite\n}\n" +
        instance_with("    track_file {\n        f\n        g\n        h\n    }\n"));
    EXPECT_EQ(warnings_of(r),
              (Strings{"3: vrrp_track_file f: 'weight 2 reverse': xvrrp has no reversed weights",
                       "7: vrrp_track_file g: 'init_file 0 overwrite': no xvrrp equivalent",
                       "16: vrrp_instance VI_1: 'f': its vrrp_track_file (k.conf:1) is not "
                       "converted",
                       "18: vrrp_instance VI_1: 'h': there is no vrrp_track_file of that name"}));
    EXPECT_NE(r.toml.find("track_file = [{ path = \"/run/g\" }]"), std::string::npos) << r.toml;
    expect_accepted(r);
}

}  // namespace
}  // namespace xvrrp::importer
