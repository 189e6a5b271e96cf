// Reload (SIGHUP) without a flap: the file is read again; an error keeps the running
// configuration whole; otherwise instances that did not change keep their state (a master keeps
// answering and advertising throughout), changed priorities and hooks are applied in place, new
// instances start and removed ones stop as at SIGTERM.
#include <gtest/gtest.h>
#include <unistd.h>

#include <regex>
#include <thread>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

const std::string kSecondVip = "192.0.2.101";

// A second instance, "api", VRID 52, holding kSecondVip.
std::string api_instance(int priority) {
    return "[[instance]]\n"
           "name = \"api\"\n"
           "interface = \"eth0\"\n"
           "vrid = 52\n"
           "priority = " +
           std::to_string(priority) +
           "\n"
           "advert_interval = \"10ms\"\n"
           "virtual_ips = [\"" +
           kSecondVip + "/32\"]\n";
}

bool holds(const Lab &lab, const std::string &host, const std::string &ip) {
    auto r = sh("ip -n " + lab.ns(host) + " -o -4 addr show dev dummy0");
    return r.status == 0 && r.output.find(" " + ip + "/") != std::string::npos;
}

bool client_reaches(const Lab &lab, const std::string &ip) {
    return wait_until([&] {
        return sh("ip netns exec " + lab.ns("cl") + " ping -n -q -c 1 -W 1 " + ip).status == 0;
    });
}

// Rewrites the host's file and sends SIGHUP; waits for the reload's log line (the n-th one).
bool reload(Lab &lab, const std::string &host, const std::string &text, size_t n = 1,
            const std::string &done = "reloaded:") {
    Lab::write_file(lab.config_path(host), text);
    lab.send_signal(host, SIGHUP);
    return wait_until([&] {
        std::string log = lab.log(host);
        size_t count = 0;
        for (size_t at = log.find(done); at != std::string::npos; at = log.find(done, at + 1))
            count++;
        return count >= n;
    });
}

// s1 reloads with `s1` while the client probes the unchanged service IP (the probe's line is
// printed and recorded).
ProbeRun reload_while_probing(Lab &lab, const XvrrpdOptions &s1) {
    ProbeRun run =
        probe_vip_while(lab, [&] { return reload(lab, "s1", lab.xvrrpd_config("s1", s1)); });
    std::cout << "client during the reload: " << run.probe.output;
    ::testing::Test::RecordProperty("outage_probe", run.probe.output);
    return run;
}

// What a reload must cost the unchanged service IP: s1 never left MASTER, and the client's
// probe lost nothing.
::testing::AssertionResult master_kept_serving(const Lab &lab, const ProbeRun &run) {
    if (lab.state("s1") != "MASTER")
        return ::testing::AssertionFailure() << "s1 is " << lab.state("s1") << "\n"
                                             << lab.log("s1");
    if (lab.log("s1").find("MASTER -> ") != std::string::npos)
        return ::testing::AssertionFailure() << "s1 left MASTER\n" << lab.log("s1");
    if (run.probe.status != 0) return ::testing::AssertionFailure() << run.probe.output;
    if (!(run.number("sent") > 1000))
        return ::testing::AssertionFailure() << "the probe sent too few\n" << run.probe.output;
    if (run.number("lost") != 0)
        return ::testing::AssertionFailure()
               << "the client lost echo replies from the unchanged service IP across the reload\n"
               << run.probe.output << describe(lab);
    return ::testing::AssertionSuccess();
}

TEST(Reload, AddingAnInstanceAndAServiceIpCostsTheUnchangedVipNothing) {
    ASSERT_EQ(access(kOutageProbe.c_str(), X_OK), 0) << kOutageProbe << " is not built";
    Lab lab;
    XvrrpdOptions s1 = xvrrpd_options(150);
    ASSERT_TRUE(start_pair(lab, s1, xvrrpd_options(100)));
    ASSERT_TRUE(lab.client_reaches_vip()) << describe(lab);
    const uint64_t sent_before = lab.status("s1")->adverts_sent;

    // s1 reloads while the client probes the unchanged service IP.
    s1.extra = api_instance(150);
    ProbeRun run = reload_while_probing(lab, s1);
    ASSERT_TRUE(run.acted) << lab.log("s1");

    EXPECT_NE(lab.log("s1").find("reloaded: unchanged web; updated none; added api; recreated "
                                 "none; removed none"),
              std::string::npos)
        << lab.log("s1");
    // web never left MASTER, and kept advertising.
    ASSERT_TRUE(master_kept_serving(lab, run));
    EXPECT_GT(lab.status("s1")->adverts_sent, sent_before);
    // The new instance runs (s2 does not have it: s1 becomes its master).
    EXPECT_TRUE(wait_until([&] { return holds(lab, "s1", kSecondVip); })) << lab.log("s1");
    EXPECT_TRUE(client_reaches(lab, kSecondVip)) << describe(lab);
}

TEST(Reload, AFileWithAnErrorKeepsTheRunningConfiguration) {
    Lab lab;
    XvrrpdOptions s1 = xvrrpd_options(150);
    ASSERT_TRUE(start_pair(lab, s1, xvrrpd_options(100)));
    s1.extra = "garp_count = 999\n";
    ASSERT_TRUE(reload(lab, "s1", lab.xvrrpd_config("s1", s1), 1,
                       "still running the previous configuration"))
        << lab.log("s1");
    std::string log = lab.log("s1");
    EXPECT_TRUE(std::regex_search(
        log, std::regex("xvrrpd\\.toml:[0-9]+:[0-9]+: error: 'garp_count' must be 0..255")))
        << log;
    EXPECT_EQ(lab.state("s1"), "MASTER");
    EXPECT_EQ(lab.status("s1")->priority, 150);
    EXPECT_TRUE(lab.client_reaches_vip()) << describe(lab);
}

TEST(Reload, APriorityChangeIsAppliedInPlaceAndMovesTheVip) {
    Lab lab;
    XvrrpdOptions s1 = xvrrpd_options(150);
    ASSERT_TRUE(start_pair(lab, s1, xvrrpd_options(100)));
    s1.priority = 50;  // below s2's 100: s2 preempts
    ASSERT_TRUE(reload(lab, "s1", lab.xvrrpd_config("s1", s1))) << lab.log("s1");
    EXPECT_NE(lab.log("s1").find("reloaded: unchanged none; updated web;"), std::string::npos)
        << lab.log("s1");
    EXPECT_TRUE(lab.wait_states("BACKUP", "MASTER")) << describe(lab);
    EXPECT_EQ(lab.status("s1")->priority, 50);
    EXPECT_TRUE(lab.client_reaches_vip()) << describe(lab);
}

// Adverts s1 sent in `window` (every lane counted).
uint64_t adverts_in(Lab &lab, std::chrono::milliseconds window) {
    const uint64_t before = lab.status("s1")->adverts_sent;
    std::this_thread::sleep_for(window);
    return lab.status("s1")->adverts_sent - before;
}

TEST(Reload, ServiceIpsAndTheIntervalChangeInPlaceWhileTheOtherVipStaysAnswered) {
    ASSERT_EQ(access(kOutageProbe.c_str(), X_OK), 0) << kOutageProbe << " is not built";
    Lab lab;
    XvrrpdOptions s1 = xvrrpd_options(150);
    ASSERT_TRUE(start_pair(lab, s1, xvrrpd_options(100)));
    ASSERT_TRUE(lab.client_reaches_vip()) << describe(lab);
    const uint64_t rate_10ms = adverts_in(lab, std::chrono::milliseconds(1000));

    // A second service IP on the same instance, and half the advert rate, while the client
    // probes the first.
    s1.virtual_ips = {kVip + "/32", kSecondVip + "/32"};
    s1.advert_interval = "20ms";
    ProbeRun run = reload_while_probing(lab, s1);
    ASSERT_TRUE(run.acted) << lab.log("s1");
    EXPECT_NE(lab.log("s1").find("reloaded: unchanged none; updated web; added none; recreated "
                                 "none; removed none"),
              std::string::npos)
        << lab.log("s1");
    ASSERT_TRUE(master_kept_serving(lab, run));
    EXPECT_TRUE(wait_until([&] { return holds(lab, "s1", kSecondVip); })) << lab.log("s1");
    EXPECT_TRUE(client_reaches(lab, kSecondVip)) << describe(lab);
    EXPECT_TRUE(lab.client_arp_points_to("s1")) << describe(lab);
    // The new interval reached the advert threads (side by side: the same second's length).
    const uint64_t rate_20ms = adverts_in(lab, std::chrono::milliseconds(1000));
    EXPECT_LT(double(rate_20ms), 0.75 * double(rate_10ms))
        << "adverts per second at 10ms " << rate_10ms << ", after the reload to 20ms " << rate_20ms;
    EXPECT_GT(double(rate_20ms), 0.25 * double(rate_10ms));
    EXPECT_EQ(lab.state("s2"), "BACKUP") << describe(lab);

    // The first service IP goes: off dummy0, no longer answered; the second stays.
    s1.virtual_ips = {kSecondVip + "/32"};
    ASSERT_TRUE(reload(lab, "s1", lab.xvrrpd_config("s1", s1), 2)) << lab.log("s1");
    EXPECT_TRUE(wait_until([&] { return !holds(lab, "s1", kVip); })) << lab.log("s1");
    EXPECT_TRUE(holds(lab, "s1", kSecondVip));
    EXPECT_EQ(lab.state("s1"), "MASTER");
    EXPECT_TRUE(client_reaches(lab, kSecondVip)) << describe(lab);
    EXPECT_FALSE(lab.client_reaches_vip(std::chrono::seconds(2))) << describe(lab);
}

TEST(Reload, ARemovedInstanceStopsAndTheVirtualMacRecreatesItsInstance) {
    Lab lab;
    XvrrpdOptions s1 = xvrrpd_options(150);
    s1.extra = api_instance(150);
    ASSERT_TRUE(start_pair(lab, s1, xvrrpd_options(100)));
    ASSERT_TRUE(wait_until([&] { return holds(lab, "s1", kSecondVip); })) << lab.log("s1");

    s1.extra = "";
    ASSERT_TRUE(reload(lab, "s1", lab.xvrrpd_config("s1", s1))) << lab.log("s1");
    EXPECT_NE(lab.log("s1").find("removed api"), std::string::npos) << lab.log("s1");
    EXPECT_TRUE(wait_until([&] { return !holds(lab, "s1", kSecondVip); })) << lab.log("s1");
    EXPECT_EQ(lab.state("s1"), "MASTER");

    // The virtual MAC: a new binding. The recreated instance starts as backup, then takes the
    // VIP back (priority 150).
    s1.extra = "use_vmac = true\n";
    ASSERT_TRUE(reload(lab, "s1", lab.xvrrpd_config("s1", s1), 2)) << lab.log("s1");
    EXPECT_NE(lab.log("s1").find("recreated web"), std::string::npos) << lab.log("s1");
    EXPECT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    EXPECT_TRUE(lab.client_reaches_vip()) << describe(lab);
}

TEST(Reload, XvrrpctlReloadSaysWhatItDidAndExitsOneWhenTheFileIsRefused) {
    Lab lab;
    XvrrpdOptions s1 = xvrrpd_options(150);
    ASSERT_TRUE(start_pair(lab, s1, xvrrpd_options(100)));

    s1.extra = api_instance(150);
    Lab::write_file(lab.config_path("s1"), lab.xvrrpd_config("s1", s1));
    auto done = lab.ctl("s1", "reload");
    EXPECT_EQ(done.status, 0) << done.output;
    EXPECT_EQ(done.output,
              "reloaded: unchanged web; updated none; added api; recreated none; removed none\n");
    EXPECT_TRUE(wait_until([&] { return holds(lab, "s1", kSecondVip); })) << lab.log("s1");

    // The same file again: nothing to do.
    done = lab.ctl("s1", "reload");
    EXPECT_EQ(done.output,
              "reloaded: unchanged web, api; updated none; added none; recreated none; removed "
              "none\n");

    s1.extra += "bogus_key = 1\n";
    Lab::write_file(lab.config_path("s1"), lab.xvrrpd_config("s1", s1));
    auto refused = lab.ctl("s1", "reload");
    EXPECT_EQ(refused.status, 1) << refused.output;
    EXPECT_NE(refused.output.find("has errors (logged); still running the previous configuration"),
              std::string::npos)
        << refused.output;
    EXPECT_TRUE(
        std::regex_search(lab.log("s1"), std::regex("xvrrpd\\.toml:[0-9]+:1: error: unknown key "
                                                    "'bogus_key'")))
        << lab.log("s1");
    EXPECT_TRUE(holds(lab, "s1", kSecondVip));
    EXPECT_EQ(lab.state("s1"), "MASTER");

    // api removed, and back at once: its successor binds the VRID its release hold still held.
    XvrrpdOptions without = s1, with = s1;
    without.extra = "";
    with.extra = api_instance(150);
    Lab::write_file(lab.config_path("s1"), lab.xvrrpd_config("s1", without));
    EXPECT_NE(lab.ctl("s1", "reload").output.find("removed api"), std::string::npos);
    Lab::write_file(lab.config_path("s1"), lab.xvrrpd_config("s1", with));
    auto back = lab.ctl("s1", "reload");
    EXPECT_EQ(back.output,
              "reloaded: unchanged web; updated none; added api; recreated none; removed none\n")
        << lab.log("s1");
    EXPECT_EQ(lab.log("s1").find("reload: instance api"), std::string::npos) << lab.log("s1");
    EXPECT_TRUE(wait_until([&] { return holds(lab, "s1", kSecondVip); })) << lab.log("s1");
    EXPECT_TRUE(client_reaches(lab, kSecondVip)) << describe(lab);
}

}  // namespace
}  // namespace xvrrp::e2e
