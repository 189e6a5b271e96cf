// Tracking with keepalived's meaning of the weight, end to end. track_interface: a negative
// weight lowers the priority while the tracked link is down, a positive one raises it while the
// link is up, weight 0 puts the instance in FAULT while the link is down (the tracked link is a
// veth pair inside the server's namespace, brought down and up by the test). track_script: a
// real check run by the daemon, failing while a flag file exists. track_file: a file whose
// number moves the priority.
#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <regex>
#include <thread>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

// trk0 (and its peer trk1) in the host's namespace, up.
void add_tracked_link(const Lab &lab, const std::string &host) {
    must("ip -n " + lab.ns(host) + " link add trk0 type veth peer name trk1");
    must("ip -n " + lab.ns(host) + " link set trk1 up");
    must("ip -n " + lab.ns(host) + " link set trk0 up");
}

void set_tracked_link(const Lab &lab, const std::string &host, bool up) {
    must("ip -n " + lab.ns(host) + " link set trk0 " + (up ? "up" : "down"));
}

XvrrpdOptions tracking(int priority, int weight) {
    XvrrpdOptions o = xvrrpd_options(priority);
    o.extra = "track_interface = [{ name = \"trk0\", weight = " + std::to_string(weight) + " }]\n";
    return o;
}

int priority_of(const Lab &lab, const std::string &host) {
    auto s = lab.status(host);
    return s ? s->priority : -1;
}

TEST(Track, ANegativeWeightLowersTheMastersPriorityWhileTheLinkIsDown) {
    Lab lab;
    add_tracked_link(lab, "s1");
    ASSERT_TRUE(start_pair(lab, tracking(150, -60), xvrrpd_options(100)));
    EXPECT_EQ(priority_of(lab, "s1"), 150);

    set_tracked_link(lab, "s1", false);  // 150 - 60 = 90 < 100: s2 preempts
    EXPECT_TRUE(lab.wait_states("BACKUP", "MASTER")) << describe(lab);
    EXPECT_EQ(priority_of(lab, "s1"), 90);
    EXPECT_TRUE(lab.client_reaches_vip()) << describe(lab);

    set_tracked_link(lab, "s1", true);  // 150 again: s1 preempts back
    EXPECT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    EXPECT_EQ(priority_of(lab, "s1"), 150);
}

TEST(Track, APositiveWeightRaisesThePriorityWhileTheLinkIsUp) {
    Lab lab;
    add_tracked_link(lab, "s2");
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    // s2: 100 + 60 = 160 while trk0 is up, above s1's 150: it preempts.
    lab.start_xvrrpd("s2", tracking(100, 60));
    ASSERT_TRUE(lab.wait_states("BACKUP", "MASTER")) << describe(lab);
    EXPECT_EQ(priority_of(lab, "s2"), 160);

    set_tracked_link(lab, "s2", false);  // 100 < 150: s1 preempts
    EXPECT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    EXPECT_EQ(priority_of(lab, "s2"), 100);
}

TEST(Track, WeightZeroPutsTheInstanceInFaultWhileTheLinkIsDown) {
    Lab lab;
    add_tracked_link(lab, "s1");
    ASSERT_TRUE(start_pair(lab, tracking(150, 0), xvrrpd_options(100)));
    set_tracked_link(lab, "s1", false);
    EXPECT_TRUE(lab.wait_states("FAULT", "MASTER")) << describe(lab);
    set_tracked_link(lab, "s1", true);
    EXPECT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
}

// A check that fails while `flag` exists, tracked with `weight`, run every 100 ms.
XvrrpdOptions checking(int priority, const std::string &flag, int weight, int fall = 1) {
    XvrrpdOptions o = xvrrpd_options(priority);
    o.extra = "track_script = [{ name = \"chk_flag\", weight = " + std::to_string(weight) +
              " }]\n"
              "[[script]]\n"
              "name = \"chk_flag\"\n"
              "script = [\"/bin/sh\", \"-c\", \"test ! -e " +
              flag +
              "\"]\n"
              "interval = \"100ms\"\n"
              "fall = " +
              std::to_string(fall) + "\n";
    return o;
}

TEST(Track, AFailingScriptOnTheMasterMovesTheVipAndTheClientBarelyNotices) {
    ASSERT_EQ(access(kOutageProbe.c_str(), X_OK), 0) << kOutageProbe << " is not built";
    Lab lab;
    const std::string flag = lab.dir("s1") + "/check-fails";
    ASSERT_TRUE(start_pair(lab, checking(150, flag, -60, 2), xvrrpd_options(100)));
    EXPECT_EQ(priority_of(lab, "s1"), 150);
    ASSERT_TRUE(lab.client_reaches_vip()) << describe(lab);

    // The check starts failing while the client probes.
    ProbeRun run = probe_vip_while(lab, [&] {
        std::ofstream(flag) << "1\n";  // 150 - 60 = 90 < 100: s2 preempts
        return lab.wait_states("BACKUP", "MASTER");
    });
    std::cout << "client while the master's check failed: " << run.probe.output;
    RecordProperty("outage_probe", run.probe.output);
    ASSERT_TRUE(run.acted) << describe(lab);
    EXPECT_EQ(priority_of(lab, "s1"), 90);
    EXPECT_NE(lab.log("s1").find("script chk_flag: FAILED (exit status 1; 2 failure(s) in a row)"),
              std::string::npos)
        << lab.log("s1");
    EXPECT_TRUE(lab.client_arp_points_to("s2")) << lab.client_neighbor() << describe(lab);
    ASSERT_EQ(run.probe.status, 0) << run.probe.output;
    EXPECT_GT(run.number("sent"), 1000) << run.probe.output;

    std::filesystem::remove(flag);  // 150 again: s1 preempts back
    EXPECT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    EXPECT_EQ(priority_of(lab, "s1"), 150);
    EXPECT_NE(lab.log("s1").find("script chk_flag: OK"), std::string::npos) << lab.log("s1");
}

TEST(Track, AScriptWithWeightZeroPutsTheInstanceInFaultWhileItFails) {
    Lab lab;
    const std::string flag = lab.dir("s1") + "/check-fails";
    ASSERT_TRUE(start_pair(lab, checking(150, flag, 0), xvrrpd_options(100)));
    std::ofstream(flag) << "1\n";
    EXPECT_TRUE(lab.wait_states("FAULT", "MASTER")) << describe(lab);
    std::filesystem::remove(flag);
    EXPECT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
}

TEST(Track, ATrackedFileMovesThePriorityByWeightTimesItsNumber) {
    Lab lab;
    const std::string file = lab.dir("s1") + "/weight";
    std::ofstream(file) << "0\n";
    XvrrpdOptions s1 = xvrrpd_options(150);
    s1.extra = "track_file = [{ path = \"" + file + "\", weight = -10 }]\n";
    ASSERT_TRUE(start_pair(lab, s1, xvrrpd_options(100)));
    EXPECT_EQ(priority_of(lab, "s1"), 150);

    // Written in place, then replaced by a rename: both are seen.
    std::ofstream(file) << "3\n";  // 150 - 30 = 120: still above s2
    for (int i = 0; i < 100 && priority_of(lab, "s1") != 120; i++)
        std::this_thread::sleep_for(50ms);
    EXPECT_EQ(priority_of(lab, "s1"), 120);
    EXPECT_EQ(lab.state("s1"), "MASTER");
    std::ofstream(file + ".new") << "6\n";  // 150 - 60 = 90 < 100: s2 preempts
    std::filesystem::rename(file + ".new", file);
    EXPECT_TRUE(lab.wait_states("BACKUP", "MASTER")) << describe(lab);
    EXPECT_EQ(priority_of(lab, "s1"), 90);

    std::ofstream(file) << "26\n";  // -260: FAULT
    EXPECT_TRUE(lab.wait_state("s1", "FAULT")) << describe(lab);
    std::filesystem::remove(file);  // a missing file counts as 0: 150, s1 preempts back
    EXPECT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
}

}  // namespace
}  // namespace xvrrp::e2e
