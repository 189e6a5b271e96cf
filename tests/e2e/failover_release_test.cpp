// A planned stop of the master is hitless: on SIGTERM it stops answering ARP and sends its
// priority-0 advert at once, but keeps the service IP on dummy0 until the backup has taken over
// (its advert, and with it its gratuitous ARP), so that packets clients still send to the old
// master's MAC are answered. With no backup it lets go at a deadline; a second SIGTERM, or
// release_hold = "0s", makes it let go at once.
#include <gtest/gtest.h>

#include <regex>
#include <thread>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

// Nothing of the daemon is left on the host: no service IP, no XDP program, no socket, no pins.
void expect_cleaned_up(const Lab &lab, const std::string &host) {
    EXPECT_FALSE(lab.holds_vip(host)) << sh("ip -n " + lab.ns(host) + " addr").output;
    EXPECT_FALSE(lab.has_xdp(host));
    EXPECT_FALSE(std::filesystem::exists(lab.control_socket(host)));
    EXPECT_TRUE(!std::filesystem::exists(lab.pin_dir(host)) ||
                std::filesystem::is_empty(lab.pin_dir(host)));
}

XvrrpdOptions with_release_hold(XvrrpdOptions o, const std::string &hold) {
    o.daemon_extra = "release_hold = \"" + hold + "\"\n";
    return o;
}

TEST(Release, StoppedMasterKeepsTheVipUntilTheBackupTookOverAndTheClientLosesNothing) {
    ASSERT_EQ(access(kOutageProbe.c_str(), X_OK), 0) << kOutageProbe << " is not built";
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    ASSERT_TRUE(lab.client_reaches_vip()) << describe(lab);
    ASSERT_TRUE(lab.client_arp_points_to("s1")) << lab.client_neighbor() << describe(lab);

    // s1 is stopped while the client probes.
    int code = -1;
    ProbeRun run = probe_vip_while(lab, [&] {
        lab.send_signal("s1", SIGTERM);
        bool took_over = lab.wait_state("s2", "MASTER");
        code = lab.wait_exit("s1");
        return took_over;
    });
    std::cout << "client during the release: " << run.probe.output;
    RecordProperty("outage_probe", run.probe.output);

    ASSERT_TRUE(run.acted) << describe(lab);
    EXPECT_EQ(code, 0) << lab.log("s1");
    // s1 let go of the service IP only after it had heard s2 advertise.
    EXPECT_NE(lab.log("s1").find("kept 192.0.2.100/32 until 192.0.2.12 took over"),
              std::string::npos)
        << lab.log("s1");
    expect_cleaned_up(lab, "s1");
    EXPECT_TRUE(lab.client_arp_points_to("s2")) << lab.client_neighbor() << describe(lab);
    EXPECT_EQ(lab.arp_responders(), std::set<std::string>{"s2"}) << describe(lab);

    ASSERT_EQ(run.probe.status, 0) << run.probe.output;
    EXPECT_GT(run.number("sent"), 1000) << run.probe.output;
    EXPECT_EQ(run.number("lost"), 0) << "the client lost echo replies across the planned release\n"
                                     << run.probe.output << describe(lab);
}

TEST(Release, LoneMasterLetsGoAtItsDeadlineAndExitsCleanly) {
    Lab lab;
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    ASSERT_TRUE(wait_until([&] { return lab.holds_vip("s1"); })) << describe(lab);

    lab.send_signal("s1", SIGTERM);
    EXPECT_EQ(lab.wait_exit("s1"), 0) << lab.log("s1");
    // release_hold "auto" at 10 ms adverts: 3 x 10 ms + skew at priority 1 + 10 ms, raised to
    // 100 ms; the daemon reports how long it waited.
    std::smatch m;
    std::string log = lab.log("s1");
    ASSERT_TRUE(std::regex_search(log, m,
                                  std::regex("kept 192\\.0\\.2\\.100/32, removed: no other router "
                                             "took over within ([0-9.]+) ms")))
        << log;
    EXPECT_GE(std::stod(m[1].str()), 100.0) << log;
    expect_cleaned_up(lab, "s1");
}

TEST(Release, DuringTheHoldTheVipStaysButNobodyAnswersArpAndASecondSigtermEndsIt) {
    Lab lab;
    // A hold far longer than the test would wait for the exit: only the second signal ends it.
    lab.start_xvrrpd("s1", with_release_hold(xvrrpd_options(150), "60s"));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    ASSERT_TRUE(wait_until([&] { return lab.holds_vip("s1"); })) << describe(lab);
    ASSERT_EQ(lab.arp_responders(), std::set<std::string>{"s1"}) << describe(lab);

    lab.send_signal("s1", SIGTERM);
    ASSERT_TRUE(wait_until([&] {
        return lab.log("s1").find("keeping 192.0.2.100/32 on dummy0") != std::string::npos;
    })) << lab.log("s1");
    EXPECT_TRUE(lab.running("s1"));
    EXPECT_TRUE(lab.holds_vip("s1")) << sh("ip -n " + lab.ns("s1") + " addr").output;
    // ARP is off from the priority-0 advert on; the XDP program drops the requests, so the
    // kernel, which has the address on dummy0, does not answer either.
    EXPECT_EQ(lab.arp_responders(), std::set<std::string>{}) << describe(lab);

    lab.send_signal("s1", SIGTERM);
    EXPECT_EQ(lab.wait_exit("s1", 20s), 0) << lab.log("s1");
    EXPECT_NE(lab.log("s1").find("removed now (a second Terminated): no other router had taken "
                                 "over"),
              std::string::npos)
        << lab.log("s1");
    expect_cleaned_up(lab, "s1");
}

TEST(Release, EveryMasterInstanceHoldsAtTheSameTimeNotOneAfterTheOther) {
    Lab lab;
    // A second virtual router on the same link, with its own service IP and a longer hold
    // (auto at 100 ms adverts: about 500 ms).
    XvrrpdOptions o = xvrrpd_options(150);
    o.extra =
        "\n[[instance]]\nname = \"db\"\ninterface = \"eth0\"\nvrid = 52\n"
        "priority = 150\nadvert_interval = \"100ms\"\n"
        "virtual_ips = [\"192.0.2.101/32\"]\n";
    lab.start_xvrrpd("s1", o);
    ASSERT_TRUE(wait_until([&] {
        auto addrs = sh("ip -n " + lab.ns("s1") + " -o -4 addr show dev dummy0").output;
        return addrs.find(" 192.0.2.100/") != std::string::npos &&
               addrs.find(" 192.0.2.101/") != std::string::npos;
    })) << describe(lab);

    lab.send_signal("s1", SIGTERM);
    EXPECT_EQ(lab.wait_exit("s1"), 0) << lab.log("s1");
    std::string log = lab.log("s1");
    auto web_holds = log.find("[web] priority-0 advert sent"),
         db_holds = log.find("[db] priority-0 advert sent");
    auto web_done = log.find("[web] kept 192.0.2.100/32, removed: no other router"),
         db_done = log.find("[db] kept 192.0.2.101/32, removed: no other router");
    ASSERT_NE(web_holds, std::string::npos) << log;
    ASSERT_NE(db_holds, std::string::npos) << log;
    ASSERT_NE(web_done, std::string::npos) << log;
    ASSERT_NE(db_done, std::string::npos) << log;
    // Both holds started before either ended; the shorter one ended first.
    EXPECT_LT(std::max(web_holds, db_holds), std::min(web_done, db_done)) << log;
    EXPECT_LT(web_done, db_done) << log;
    EXPECT_EQ(sh("ip -n " + lab.ns("s1") + " -o addr").output.find("192.0.2.101"),
              std::string::npos);
    expect_cleaned_up(lab, "s1");
}

TEST(Release, ZeroReleaseHoldRemovesTheVipWithThePriorityZeroAdvert) {
    Lab lab;
    lab.start_xvrrpd("s1", with_release_hold(xvrrpd_options(150), "0s"));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    lab.send_signal("s1", SIGTERM);
    EXPECT_EQ(lab.wait_exit("s1"), 0) << lab.log("s1");
    EXPECT_EQ(lab.log("s1").find("kept"), std::string::npos) << lab.log("s1");
    expect_cleaned_up(lab, "s1");
}

}  // namespace
}  // namespace xvrrp::e2e
