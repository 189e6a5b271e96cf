// xvrrpd and keepalived 2.2.7 in one virtual router (VRID 51), at 10 ms and 100 ms adverts, and
// in VRRPv2 at 1 s with and without a simple-text password (keepalived's auth_type PASS): each
// can be master with the other as backup, and the backup takes over when the master's switch
// port goes down, so that the client reaches the service IP again. With passwords that differ,
// neither accepts the other's adverts. With unicast peers (keepalived's unicast_src_ip and
// unicast_peer) the same holds, and the client, a third port of the switch, sees no advert.
//
// keepalived holds the service IP on eth0 (it must manage the interface it puts it on);
// xvrrpd holds it on dummy0 and answers ARP for it from XDP.
#include <gtest/gtest.h>

#include <functional>
#include <ostream>
#include <string>
#include <thread>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

struct InteropCase {
    const char *name;
    bool keepalived_is_master;
    const char *xvrrpd_interval;      // xvrrpd advert_interval
    const char *keepalived_interval;  // keepalived advert_int, seconds
    int version = 3;
    const char *auth_pass = "";  // VRRPv2 simple-text password, both sides
    bool unicast = false;        // each side's only peer is the other
};

std::string other(const std::string &host) {
    return host == "s1" ? "s2" : "s1";
}

// A Master_Down_Interval and more at the case's interval: how long a backup that rejected the
// master's adverts would take to show it.
std::chrono::milliseconds watch_for(const InteropCase &c) {
    return c.version == 2 ? 5s : 1s;
}

KeepalivedOptions keepalived_for(const InteropCase &c, const std::string &host, int priority) {
    KeepalivedOptions o = keepalived_options(priority, c.keepalived_interval);
    o.version = c.version;
    o.auth_pass = c.auth_pass;
    if (c.unicast) {
        o.unicast_src = kHostAddress.at(host);
        o.unicast_peers = {kHostAddress.at(other(host))};
    }
    return o;
}

XvrrpdOptions xvrrpd_for(const InteropCase &c, const std::string &host, int priority) {
    XvrrpdOptions o = xvrrpd_options(priority, c.xvrrpd_interval);
    if (c.version == 2) o.extra += "version = 2\n";
    if (*c.auth_pass) o.extra += "auth_pass = \"" + std::string(c.auth_pass) + "\"\n";
    if (c.unicast) o.extra += "unicast_peers = [\"" + kHostAddress.at(other(host)) + "\"]\n";
    return o;
}

void PrintTo(const InteropCase &c, std::ostream *os) {
    *os << c.name;
}

class KeepalivedInterop : public ::testing::TestWithParam<InteropCase> {};

// True when the host's daemon acts as master: keepalived puts the VIP on eth0, xvrrpd reports
// MASTER and has it on dummy0.
bool is_master(const Lab &lab, const std::string &host, bool keepalived) {
    if (keepalived) return lab.holds_vip(host, "eth0");
    return lab.state(host) == "MASTER" && lab.holds_vip(host, "dummy0");
}

bool is_backup(const Lab &lab, const std::string &host, bool keepalived) {
    if (keepalived) return !lab.holds_vip(host, "eth0");
    // BACKUP is reported from start-up on: wait until it has heard the master too.
    auto s = lab.status(host);
    return s && s->state == "BACKUP" && !s->master.empty() && !lab.holds_vip(host, "dummy0");
}

// keepalived has no status command: wait for its "Startup complete", then watch it for `watch`
// (more than a Master_Down_Interval) not taking the VIP while `master` keeps serving. A
// keepalived that did not accept the master's adverts would time out and take the VIP.
::testing::AssertionResult keepalived_stays_backup(const Lab &lab, const std::string &host,
                                                   const std::function<bool()> &master_serves,
                                                   std::chrono::milliseconds watch = 1s) {
    if (!wait_until([&] { return lab.log(host).find("Startup complete") != std::string::npos; }))
        return ::testing::AssertionFailure() << "keepalived on " << host << " did not start\n"
                                             << lab.logs();
    for (auto end = std::chrono::steady_clock::now() + watch;
         std::chrono::steady_clock::now() < end;) {
        std::this_thread::sleep_for(50ms);
        if (lab.holds_vip(host, "eth0") || !master_serves())
            return ::testing::AssertionFailure()
                   << "keepalived on " << host << " took the VIP from the master\n"
                   << describe(lab);
    }
    return ::testing::AssertionSuccess();
}

TEST_P(KeepalivedInterop, BackupTakesOverWhenMasterPortGoesDownAndClientReachesVip) {
    const InteropCase &c = GetParam();
    Lab lab;
    // s1 (priority 150) is the master, s2 (priority 100) the backup; the case says which of
    // them is keepalived. The master starts first so that there is no preemption on the way.
    const bool ka_s1 = c.keepalived_is_master, ka_s2 = !c.keepalived_is_master;
    auto start = [&](const std::string &host, bool keepalived, int priority) {
        if (keepalived)
            lab.start_keepalived(host, keepalived_for(c, host, priority));
        else
            lab.start_xvrrpd(host, xvrrpd_for(c, host, priority));
    };
    start("s1", ka_s1, 150);
    ASSERT_TRUE(wait_until([&] { return is_master(lab, "s1", ka_s1); })) << describe(lab);
    start("s2", ka_s2, 100);
    ASSERT_TRUE(wait_until([&] {
        return is_backup(lab, "s2", ka_s2) && is_master(lab, "s1", ka_s1);
    })) << "s2 should settle as backup of s1\n"
        << describe(lab);
    if (ka_s2) {
        ASSERT_TRUE(keepalived_stays_backup(
            lab, "s2", [&] { return is_master(lab, "s1", ka_s1); }, watch_for(c)));
    } else {
        auto s2 = lab.status("s2");
        ASSERT_TRUE(s2);
        EXPECT_EQ(s2->master, "192.0.2.11") << s2->raw;
    }
    ASSERT_TRUE(lab.client_reaches_vip()) << "client cannot ping the VIP on s1\n" << describe(lab);
    // Adverts to the group reach every port of the switch; unicast ones only the peer. (At
    // 1 s, VRRPv2 may send none within the second.)
    if (c.unicast) {
        EXPECT_EQ(lab.adverts_seen_by_client(1), "") << "adverts reached a third port\n"
                                                     << describe(lab);
    } else if (c.version == 3) {
        EXPECT_NE(lab.adverts_seen_by_client(1), "") << describe(lab);
    }

    lab.cut("s1");
    ASSERT_TRUE(wait_until([&] { return is_master(lab, "s2", ka_s2); }))
        << "s2 did not take over after s1's port went down\n"
        << describe(lab);
    EXPECT_TRUE(lab.client_reaches_vip()) << "client cannot ping the VIP on s2\n" << describe(lab);
    EXPECT_EQ(lab.arp_responders(), std::set<std::string>{"s2"}) << describe(lab);
}

INSTANTIATE_TEST_SUITE_P(
    Xvrrpd, KeepalivedInterop,
    ::testing::Values(
        InteropCase{"KeepalivedMasterXvrrpdBackup10ms", true, "10ms", "0.01"},
        InteropCase{"XvrrpdMasterKeepalivedBackup10ms", false, "10ms", "0.01"},
        InteropCase{"KeepalivedMasterXvrrpdBackup100ms", true, "100ms", "0.1"},
        InteropCase{"XvrrpdMasterKeepalivedBackup100ms", false, "100ms", "0.1"},
        InteropCase{"V2KeepalivedMasterXvrrpdBackup", true, "1s", "1", 2},
        InteropCase{"V2XvrrpdMasterKeepalivedBackup", false, "1s", "1", 2},
        InteropCase{"V2PasswordKeepalivedMasterXvrrpdBackup", true, "1s", "1", 2, "s3cret"},
        InteropCase{"V2PasswordXvrrpdMasterKeepalivedBackup", false, "1s", "1", 2, "s3cret"},
        InteropCase{"UnicastKeepalivedMasterXvrrpdBackup10ms", true, "10ms", "0.01", 3, "", true},
        InteropCase{"UnicastXvrrpdMasterKeepalivedBackup10ms", false, "10ms", "0.01", 3, "", true}),
    [](const ::testing::TestParamInfo<InteropCase> &info) { return std::string(info.param.name); });

// Passwords that differ keep the two apart, as RFC 3768 7.1 asks: xvrrpd drops keepalived's
// adverts in XDP (counted as vrrp_drop_auth_pass) and becomes master beside it.
TEST(KeepalivedInteropV2, AnotherPasswordIsNotAcceptedFromKeepalived) {
    Lab lab;
    KeepalivedOptions ka = keepalived_options(150, "1");
    ka.version = 2;
    ka.auth_pass = "s3cret";
    lab.start_keepalived("s1", ka);
    ASSERT_TRUE(wait_until([&] { return lab.holds_vip("s1", "eth0"); })) << describe(lab);
    XvrrpdOptions x = xvrrpd_options(100, "1s");
    x.extra = "version = 2\nauth_pass = \"other\"\n";
    lab.start_xvrrpd("s2", x);
    EXPECT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    EXPECT_GT(lab.xdp_counter("s2", "vrrp_drop_auth_pass"), 0) << describe(lab);
    EXPECT_EQ(lab.xdp_counter("s2", "vrrp_valid"), 0) << describe(lab);
}

// The lab and harness on their own, with keepalived on both servers: the baseline the xvrrpd
// tests compare with. Prints the outage the client saw (bench_outage_probe), asserts none.
TEST(KeepalivedBaseline, KeepalivedPairFailsOverWhenMasterPortGoesDown) {
    Lab lab;
    lab.start_keepalived("s1", keepalived_options(150));
    ASSERT_TRUE(wait_until([&] { return lab.holds_vip("s1", "eth0"); })) << lab.logs();
    lab.start_keepalived("s2", keepalived_options(100));
    ASSERT_TRUE(keepalived_stays_backup(lab, "s2", [&] { return lab.holds_vip("s1", "eth0"); }));
    ASSERT_TRUE(lab.client_reaches_vip()) << lab.logs();

    const std::string probe = kBuildDir + "/bench/bench_outage_probe";
    const bool have_probe = access(probe.c_str(), X_OK) == 0;
    std::thread prober;
    test::CommandResult outage;
    if (have_probe)
        prober = std::thread([&] {
            outage = sh("ip netns exec " + lab.ns("cl") + " " + probe + " " + kVip +
                        " --duration 3 --json");
        });
    std::this_thread::sleep_for(1s);
    lab.cut("s1");
    EXPECT_TRUE(wait_until([&] { return lab.holds_vip("s2", "eth0"); })) << lab.logs();
    if (have_probe) {
        prober.join();
        std::cout << "client-visible outage (keepalived, advert_int 0.01): " << outage.output;
        RecordProperty("outage_probe", outage.output);
    }
    EXPECT_TRUE(lab.client_reaches_vip()) << lab.logs();
    EXPECT_EQ(lab.arp_responders(), std::set<std::string>{"s2"}) << lab.logs();
}

}  // namespace
}  // namespace xvrrp::e2e
