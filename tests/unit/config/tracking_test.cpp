// track_script with its [[script]] tables, and track_file: values, defaults, every error.
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace xvrrp::config {
namespace {

using namespace std::chrono_literals;
using testing::errors_of;
using testing::kMinimalInstance;

// [[script]] tables first (lines 1..), then the minimal instance, then `extra`.
std::string file(std::string_view scripts, std::string_view extra) {
    return std::string(scripts) + std::string(kMinimalInstance) + std::string(extra);
}

constexpr std::string_view kCheck =
    "[[script]]\n"
    "name = \"chk_web\"\n"
    "script = [\"/usr/bin/curl\", \"-fs\", \"http://127.0.0.1/\"]\n";

TEST(ConfigTracking, ScriptDefaultsAreKeepalivedsAndTheInstanceTakesItsWeight) {
    auto r = parse_config(file(kCheck, "track_script = [{ name = \"chk_web\" }]\n"), "x.toml");
    ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
    ASSERT_EQ(r.config->scripts.size(), 1u);
    const Script &s = r.config->scripts[0];
    EXPECT_EQ(s.name, "chk_web");
    EXPECT_EQ(s.command, (std::vector<std::string>{"/usr/bin/curl", "-fs", "http://127.0.0.1/"}));
    EXPECT_EQ(s.interval, 1s);
    EXPECT_EQ(s.timeout, 1s);
    EXPECT_EQ(s.weight, 0);
    EXPECT_EQ(s.rise, 1u);
    EXPECT_EQ(s.fall, 1u);
    EXPECT_EQ(s.user, "");
    EXPECT_EQ(s.source_line, 1u);
    EXPECT_EQ(r.config->instances[0].track_scripts, (std::vector<TrackScript>{{"chk_web", 0}}));
    EXPECT_EQ(r.config->script("chk_web"), &s);
    EXPECT_EQ(r.config->script("other"), nullptr);
}

TEST(ConfigTracking, AScriptMayBeOneStringAsInKeepalived) {
    auto r =
        parse_config(file("[[script]]\nname = \"chk\"\nscript = \"/usr/bin/killall -0 haproxy\"\n",
                          "track_script = [{ name = \"chk\" }]\n"),
                     "x.toml");
    ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
    EXPECT_EQ(r.config->scripts[0].command,
              (std::vector<std::string>{"/usr/bin/killall", "-0", "haproxy"}));
}

TEST(ConfigTracking, ScriptValuesAndAnInstanceWeightThatOverridesTheScripts) {
    auto r = parse_config(
        file(std::string(kCheck) + "interval = \"2s\"\nweight = -20\nrise = 3\nfall = 2\n"
                                   "user = \"nobody\"\n"
                                   "[[script]]\nname = \"chk_db\"\nscript = [\"/bin/true\"]\n"
                                   "interval = \"500ms\"\ntimeout = \"200ms\"\nweight = 5\n",
             "track_script = [{ name = \"chk_web\" }, "
             "{ name = \"chk_db\", weight = 0 }]\n"),
        "x.toml");
    ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
    const Script &web = r.config->scripts[0], &db = r.config->scripts[1];
    EXPECT_EQ(web.interval, 2s);
    EXPECT_EQ(web.timeout, 2s);  // the interval, when not given
    EXPECT_EQ(web.weight, -20);
    EXPECT_EQ(web.rise, 3u);
    EXPECT_EQ(web.fall, 2u);
    EXPECT_EQ(web.user, "nobody");
    EXPECT_EQ(db.interval, 500ms);
    EXPECT_EQ(db.timeout, 200ms);
    EXPECT_EQ(r.config->instances[0].track_scripts,
              (std::vector<TrackScript>{{"chk_web", -20}, {"chk_db", 0}}));
}

TEST(ConfigTracking, ScriptErrors) {
    EXPECT_EQ(errors_of(file("[[script]]\nname = \"a\"\n", "")),
              "x.toml:1:1: error: missing required key 'script' in [[script]]\n");
    EXPECT_EQ(errors_of(file("[[script]]\nname = \"a\"\nscript = [\"true\"]\n", "")),
              "x.toml:3:11: error: 'script': \"true\" is not an absolute path; scripts run with "
              "execve, without a shell or PATH lookup\n");
    EXPECT_EQ(errors_of(file("[[script]]\nname = \"a\"\nscript = 1\n", "")),
              "x.toml:3:10: error: 'script' must be an array of strings (the program's absolute "
              "path and its arguments) or one string that holds them, got integer\n");
    EXPECT_EQ(
        errors_of(file("[[script]]\nname = \"a\"\nscript = [\"/bin/true\"]\n"
                       "interval = \"10ms\"\nweight = 300\nrise = 0\nbogus = 1\n",
                       "")),
        "x.toml:4:12: error: 'interval' must be from 100ms to 3600s, got 10ms\n"
        "x.toml:5:10: error: 'weight' must be -254..254 (0: fault while the check "
        "fails), got 300\n"
        "x.toml:6:8: error: 'rise' must be 1..1000, got 0\n"
        "x.toml:7:1: error: unknown key 'bogus' in [[script]]; docs/configuration.md lists the "
        "keys\n");
    EXPECT_EQ(errors_of(file(std::string(kCheck) + std::string(kCheck), "")),
              "x.toml:5:8: error: script name 'chk_web' is already used by the [[script]] at "
              "line 1; names must be unique\n");
    EXPECT_EQ(errors_of(file("script = 1\n", "")),
              "x.toml:1:10: error: 'script' must be an array of tables, written [[script]], got "
              "integer\n");
}

TEST(ConfigTracking, TrackScriptErrors) {
    EXPECT_EQ(errors_of(file(kCheck, "track_script = [{ name = \"chk_nope\" }]\n")),
              "x.toml:9:26: error: 'track_script' names 'chk_nope', which no [[script]] of the "
              "file defines\n");
    EXPECT_EQ(errors_of(file(kCheck,
                             "track_script = [{ name = \"chk_web\" }, "
                             "{ name = \"chk_web\", weight = 2 }]\n")),
              "x.toml:9:48: error: 'track_script' names 'chk_web' twice; track a script once\n");
    EXPECT_EQ(errors_of(file(kCheck, "track_script = [\"chk_web\"]\n")),
              "x.toml:9:17: error: 'track_script' must hold tables such as { name = \"chk_web\" } "
              "or { name = \"chk_web\", weight = -20 }, got string\n");
    EXPECT_EQ(errors_of(file(kCheck, "track_script = [{ name = \"chk_web\", weight = -255 }]\n")),
              "x.toml:9:46: error: 'track_script.weight' must be -254..254 (0: fault while the "
              "check fails), got -255\n");
}

TEST(ConfigTracking, TrackFileValuesAndErrors) {
    auto r = parse_config(file("",
                               "track_file = [{ path = \"/run/w\" }, "
                               "{ path = \"/etc/xvrrp/web.weight\", weight = -10 }]\n"),
                          "x.toml");
    ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
    EXPECT_EQ(r.config->instances[0].track_files,
              (std::vector<TrackFile>{{"/run/w", 1}, {"/etc/xvrrp/web.weight", -10}}));
    EXPECT_EQ(errors_of(file("", "track_file = [{ path = \"w\" }]\n")),
              "x.toml:6:24: error: 'track_file.path' = \"w\" must be the absolute path of a "
              "file\n");
    EXPECT_EQ(errors_of(file("", "track_file = [{ path = \"/run/\" }]\n")),
              "x.toml:6:24: error: 'track_file.path' = \"/run/\" must be the absolute path of a "
              "file\n");
    EXPECT_EQ(errors_of(file("", "track_file = [{ weight = 2 }]\n")),
              "x.toml:6:15: error: missing required key 'track_file.path' in 'track_file' entry\n");
}

}  // namespace
}  // namespace xvrrp::config
