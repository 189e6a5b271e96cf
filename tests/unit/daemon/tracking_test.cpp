// tracking(): the priority and FAULT an instance's tracked links, checks and files make; the
// tracked file's number; ScriptChecks running real programs through the notify runner.
#include "daemon/tracking.h"

#include <gtest/gtest.h>
#include <poll.h>
#include <sys/stat.h>

#include <chrono>
#include <fstream>

namespace xvrrp::daemon {
namespace {

using namespace std::chrono_literals;

config::Instance instance(int priority) {
    config::Instance i;
    i.name = "web";
    i.priority = static_cast<uint8_t>(priority);
    return i;
}

TEST(Tracking, ScriptWeightsFollowKeepalived) {
    auto i = instance(100);
    i.track_scripts = {{"up", 10}, {"down", -30}, {"gate", 0}};
    TrackedState s;  // no result yet: every check counts as OK
    EXPECT_EQ(tracking(i, s).priority, 110);
    EXPECT_FALSE(tracking(i, s).fault);
    s.script_ok = {{"up", false}, {"down", true}, {"gate", true}};
    EXPECT_EQ(tracking(i, s).priority, 100);
    s.script_ok = {{"up", true}, {"down", false}, {"gate", true}};
    EXPECT_EQ(tracking(i, s).priority, 80);
    s.script_ok["gate"] = false;
    EXPECT_TRUE(tracking(i, s).fault);
}

// xvrrpctl set-priority: the runtime base replaces the configured priority, and the tracked
// weights apply on top of it.
TEST(Tracking, ARuntimeBaseReplacesTheConfiguredPriorityUnderTheWeights) {
    auto i = instance(150);
    i.track_interfaces = {{"eth1", -30}};
    TrackedState s;
    s.link_up["eth1"] = true;
    EXPECT_EQ(tracking(i, s, 50).priority, 50);
    s.link_up["eth1"] = false;
    EXPECT_EQ(tracking(i, s, 50).priority, 20);
    EXPECT_EQ(tracking(i, s).priority, 120);
    EXPECT_EQ(tracking(i, s, 10).priority, 1);  // clamped as always
}

TEST(Tracking, FileWeightTimesItsNumber) {
    auto i = instance(100);
    i.track_files = {{"/a", 1}, {"/b", -2}};
    TrackedState s;  // unread files count as 0
    EXPECT_EQ(tracking(i, s).priority, 100);
    s.file_value = {{"/a", 40}, {"/b", 5}};
    EXPECT_EQ(tracking(i, s).priority, 130);
    s.file_value = {{"/a", 0}, {"/b", 127}};  // -254: FAULT
    EXPECT_TRUE(tracking(i, s).fault);
    EXPECT_EQ(tracking(i, s).priority, 1);
    s.file_value = {{"/a", 0}, {"/b", 126}};  // -252: the lowest priority, not FAULT
    EXPECT_FALSE(tracking(i, s).fault);
    i.track_files = {{"/z", 0}};
    s.file_value = {{"/z", 0}};
    EXPECT_FALSE(tracking(i, s).fault);
    s.file_value = {{"/z", -1}};
    EXPECT_TRUE(tracking(i, s).fault);
    EXPECT_EQ(tracking(i, s).priority, 100);
}

TEST(Tracking, ClampedToOneAndTwoFiftyFourExceptTheOwner) {
    auto i = instance(250);
    i.track_scripts = {{"a", 50}};
    EXPECT_EQ(tracking(i, {}).priority, 254);
    i = instance(255);
    i.track_scripts = {{"a", -50}};
    TrackedState s;
    EXPECT_EQ(tracking(i, s).priority, 255);
    s.script_ok = {{"a", false}};
    EXPECT_EQ(tracking(i, s).priority, 205);
    i = instance(10);
    i.track_interfaces = {{"eth1", -50}};
    EXPECT_EQ(tracking(i, s).priority, 1);  // eth1 unknown: down
}

TEST(Tracking, TrackFileNumbers) {
    EXPECT_EQ(parse_track_file("42\n"), 42);
    EXPECT_EQ(parse_track_file("  -7 \r\n"), -7);
    EXPECT_EQ(parse_track_file("+3"), 3);
    EXPECT_EQ(parse_track_file("99999999999999999999999"), 1'000'000);
    EXPECT_EQ(parse_track_file("-99999999999999999999999"), -1'000'000);
    for (const char *bad : {"", "\n", "4 2", "0x10", "one", "--1", "1.5"})
        EXPECT_EQ(parse_track_file(bad), std::nullopt) << bad;
}

// Waits for the checks' next result; false after 10 s without one.
bool next_result(ScriptChecks &checks, std::map<std::string, bool> &ok, bool *changed) {
    pollfd p{checks.result_fd(), POLLIN, 0};
    pollfd t{checks.timer_fd(), POLLIN, 0};
    auto end = std::chrono::steady_clock::now() + 10s;
    while (std::chrono::steady_clock::now() < end) {
        pollfd fds[2] = {p, t};
        if (poll(fds, 2, 100) < 0) return false;
        if (fds[1].revents & POLLIN) checks.on_timer();
        if (fds[0].revents & POLLIN) {
            *changed = checks.on_results(ok);
            return true;
        }
    }
    return false;
}

config::Config checks_config(const std::string &flag) {
    config::Config cfg;
    config::Script s;
    s.name = "chk";
    // Fails while the flag file exists.
    s.command = {"/bin/sh", "-c", "test ! -e " + flag};
    s.interval = 100ms;
    s.timeout = 2s;
    s.fall = 2;
    s.rise = 3;
    cfg.scripts.push_back(s);
    auto i = instance(100);
    i.track_scripts = {{"chk", -10}};
    cfg.instances.push_back(i);
    return cfg;
}

TEST(Tracking, ScriptChecksFallAfterFallFailuresAndRiseAfterRiseSuccesses) {
    std::string flag = ::testing::TempDir() + "xvrrp-track-flag-" + std::to_string(getpid());
    std::remove(flag.c_str());
    NotifyRunner runner;
    auto cfg = checks_config(flag);
    ScriptChecks checks(cfg, runner);
    ASSERT_FALSE(checks.empty());
    std::map<std::string, bool> ok;
    bool changed = false;
    checks.start();
    ASSERT_TRUE(next_result(checks, ok, &changed));
    EXPECT_FALSE(changed);  // OK from the start: a success changes nothing
    std::ofstream(flag) << "fail\n";
    // The first failure is not enough (fall = 2); the second is.
    std::vector<bool> changes;
    while (changes.size() < 2) {
        ASSERT_TRUE(next_result(checks, ok, &changed));
        changes.push_back(changed);
    }
    EXPECT_EQ(changes, (std::vector<bool>{false, true}));
    EXPECT_EQ(ok, (std::map<std::string, bool>{{"chk", false}}));
    std::remove(flag.c_str());
    changes.clear();
    while (changes.size() < 3) {
        ASSERT_TRUE(next_result(checks, ok, &changed));
        changes.push_back(changed);
    }
    EXPECT_EQ(changes, (std::vector<bool>{false, false, true}));
    EXPECT_EQ(ok, (std::map<std::string, bool>{{"chk", true}}));
}

TEST(Tracking, ScriptThatHangsIsKilledAtItsTimeoutAndCountsAsAFailure) {
    NotifyRunner runner;
    config::Config cfg;
    config::Script s;
    s.name = "hang";
    s.command = {"/bin/sleep", "30"};
    s.interval = 100ms;
    s.timeout = 200ms;
    cfg.scripts.push_back(s);
    auto i = instance(100);
    i.track_scripts = {{"hang", 0}};
    cfg.instances.push_back(i);
    ScriptChecks checks(cfg, runner);
    std::map<std::string, bool> ok;
    bool changed = false;
    auto start = std::chrono::steady_clock::now();
    checks.start();
    ASSERT_TRUE(next_result(checks, ok, &changed));
    EXPECT_TRUE(changed);
    EXPECT_EQ(ok, (std::map<std::string, bool>{{"hang", false}}));
    // Killed, not waited for: well before sleep's 30 s.
    EXPECT_LT(std::chrono::steady_clock::now() - start, 20s);
    checks.stop();
}

TEST(Tracking, ScriptThatCannotStartIsAFailureAndAnUntrackedScriptIsNotRun) {
    NotifyRunner runner;
    config::Config cfg;
    config::Script s;
    s.name = "missing";
    s.command = {"/nonexistent/xvrrp-check"};
    s.interval = 100ms;
    s.timeout = 1s;
    cfg.scripts.push_back(s);
    s.name = "unused";
    cfg.scripts.push_back(s);
    auto i = instance(100);
    i.track_scripts = {{"missing", 0}};
    cfg.instances.push_back(i);
    ScriptChecks checks(cfg, runner);
    std::map<std::string, bool> ok;
    bool changed = false;
    checks.start();
    ASSERT_TRUE(next_result(checks, ok, &changed));
    EXPECT_EQ(ok, (std::map<std::string, bool>{{"missing", false}}));
}

TEST(Tracking, TrackFilesFollowWritesRenamesAndRemovals) {
    std::string dir = ::testing::TempDir() + "xvrrp-track-" + std::to_string(getpid());
    mkdir(dir.c_str(), 0755);
    std::string path = dir + "/weight";
    std::ofstream(path) << "5\n";
    config::Config cfg;
    auto i = instance(100);
    i.track_files = {{path, 2}};
    cfg.instances.push_back(i);
    TrackFiles files(cfg);
    std::map<std::string, long long> values;
    files.read_all(values);
    EXPECT_EQ(values[path], 5);
    auto wait_change = [&] {
        pollfd p{files.fd(), POLLIN, 0};
        for (int n = 0; n < 100; n++) {
            if (poll(&p, 1, 100) > 0 && files.on_event(values)) return true;
        }
        return false;
    };
    std::ofstream(path) << "-3\n";
    ASSERT_TRUE(wait_change());
    EXPECT_EQ(values[path], -3);
    std::ofstream(dir + "/new") << "9\n";  // replaced by a rename, as editors and scripts do
    std::rename((dir + "/new").c_str(), path.c_str());
    ASSERT_TRUE(wait_change());
    EXPECT_EQ(values[path], 9);
    std::remove(path.c_str());
    ASSERT_TRUE(wait_change());
    EXPECT_EQ(values[path], 0);
    rmdir(dir.c_str());
}

}  // namespace
}  // namespace xvrrp::daemon
