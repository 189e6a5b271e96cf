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

TEST(Maintenance, TheMasterHandsOverLosslesslyAndStaysOutUntilOff) {
    ASSERT_EQ(access(kOutageProbe.c_str(), X_OK), 0) << kOutageProbe << " is not built";
    Lab lab;
    ASSERT_TRUE(start_pair(lab, xvrrpd_options(150), xvrrpd_options(100)));
    ASSERT_TRUE(lab.client_reaches_vip()) << describe(lab);

    test::CommandResult on;
    ProbeRun run = probe_vip_while(lab, [&] {
        on = lab.ctl("s1", "maintenance web on");
        return wait_until([&] { return lab.state("s2") == "MASTER"; });
    });
    std::cout << "client during maintenance on: " << run.probe.output;
    RecordProperty("outage_probe", run.probe.output);
    EXPECT_EQ(on.status, 0) << on.output;
    EXPECT_NE(on.output.find("web: maintenance on"), std::string::npos) << on.output;
    ASSERT_TRUE(run.acted) << describe(lab);
    EXPECT_EQ(lab.state("s1"), "MAINTENANCE");
    ASSERT_EQ(run.probe.status, 0) << run.probe.output;
    EXPECT_GT(run.number("sent"), 1000) << run.probe.output;
    EXPECT_EQ(run.number("lost"), 0) << "the client lost echo replies across the hand-over\n"
                                     << run.probe.output << describe(lab);
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
