// xvrrpctl maintenance: a master taken out hands over through the release path (the client
// loses nothing) and stays out of the election, even with no other router left, until it is
// put back.
#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>
#include <thread>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

const std::string kProbe = kBuildDir + "/bench/bench_outage_probe";

// `"key":NUMBER` from the prober's one-line JSON; -1 when absent.
double json_number(const std::string &json, const std::string &key) {
    std::smatch m;
    if (!std::regex_search(json, m, std::regex("\"" + key + "\":(-?[0-9.]+)"))) return -1;
    return std::stod(m[1].str());
}

TEST(Maintenance, TheMasterHandsOverLosslesslyAndStaysOutUntilOff) {
    ASSERT_EQ(access(kProbe.c_str(), X_OK), 0) << kProbe << " is not built";
    Lab lab;
    ASSERT_TRUE(start_pair(lab, xvrrpd_options(150), xvrrpd_options(100)));
    ASSERT_TRUE(lab.client_reaches_vip()) << describe(lab);

    test::CommandResult probe;
    std::thread prober([&] {
        probe = sh("ip netns exec " + lab.ns("cl") + " " + kProbe + " " + kVip +
                   " --interval-us 200 --duration 3 --json");
    });
    std::this_thread::sleep_for(1s);
    auto on = lab.ctl("s1", "maintenance web on");
    bool moved = wait_until([&] { return lab.state("s2") == "MASTER"; });
    prober.join();
    std::cout << "client during maintenance on: " << probe.output;
    RecordProperty("outage_probe", probe.output);
    EXPECT_EQ(on.status, 0) << on.output;
    EXPECT_NE(on.output.find("web: maintenance on"), std::string::npos) << on.output;
    ASSERT_TRUE(moved) << describe(lab);
    EXPECT_EQ(lab.state("s1"), "MAINTENANCE");
    ASSERT_EQ(probe.status, 0) << probe.output;
    EXPECT_GT(json_number(probe.output, "sent"), 1000) << probe.output;
    EXPECT_EQ(json_number(probe.output, "lost"), 0)
        << "the client lost echo replies across the hand-over\n"
        << probe.output << describe(lab);
    EXPECT_TRUE(wait_until([&] { return !lab.holds_vip("s1"); })) << lab.log("s1");

    // With the other router gone, an instance in maintenance still does not take over.
    ASSERT_EQ(lab.stop("s2"), 0) << lab.log("s2");
    std::this_thread::sleep_for(500ms);  // 50 advert intervals
    EXPECT_EQ(lab.state("s1"), "MAINTENANCE");
    EXPECT_FALSE(lab.holds_vip("s1"));
    EXPECT_EQ(lab.arp_responders(), std::set<std::string>{}) << describe(lab);

    auto again = lab.ctl("s1", "maintenance web on");
    EXPECT_EQ(again.output, "web: already in maintenance\n");
    auto off = lab.ctl("s1", "maintenance web off");
    EXPECT_EQ(off.status, 0) << off.output;
    EXPECT_EQ(off.output, "web: maintenance off: back in the election (it starts as BACKUP)\n");
    EXPECT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    EXPECT_TRUE(lab.client_reaches_vip()) << describe(lab);
}

TEST(Maintenance, ErrorsAndExitCodes) {
    Lab lab;
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    auto unknown = lab.ctl("s1", "maintenance db on");
    EXPECT_EQ(unknown.status, 1) << unknown.output;
    EXPECT_NE(unknown.output.find("error: no instance 'db' (there are: web)"), std::string::npos)
        << unknown.output;
    auto usage = lab.ctl("s1", "maintenance web maybe");
    EXPECT_EQ(usage.status, 2) << usage.output;
    auto not_in = lab.ctl("s1", "maintenance web off");
    EXPECT_EQ(not_in.status, 0) << not_in.output;
    EXPECT_EQ(not_in.output, "web: not in maintenance\n");
    EXPECT_EQ(lab.state("s1"), "MASTER");
}

}  // namespace
}  // namespace xvrrp::e2e
