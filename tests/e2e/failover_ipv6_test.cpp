// IPv6 service addresses (VRRPv3 over IPv6, RFC 5798 5.1.2): adverts to ff02::12 from the
// uplink's link-local address, the service IP on dummy0 without DAD, Neighbor Solicitations for
// it answered by the master's XDP program, unsolicited Neighbor Advertisements on takeover. The
// client pings the IPv6 service IP across a failover, with xvrrpd on both servers and with
// keepalived 2.2.7 (a native IPv6 instance) as the peer in either role.
#include <gtest/gtest.h>

#include <regex>
#include <string>
#include <thread>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

const std::string kVip6Prefix = kVip6 + "/128";

// One round of unsolicited Neighbor Advertisements per takeover (no repeat after garp_delay):
// what the client resolves later, only the XDP program's answers to its solicitations can
// teach it.
XvrrpdOptions ipv6_options(int priority) {
    XvrrpdOptions o = xvrrpd_options(priority);
    o.virtual_ips = {kVip6Prefix};
    o.extra = "garp_delay = \"0s\"\n";
    return o;
}

// The client forgets the service IP's MAC and pings it once (its kernel solicits up to three
// times a second meanwhile): true when the echo came back.
bool client_resolves_and_pings_vip6(const Lab &lab) {
    sh("ip -n " + lab.ns("cl") + " -6 neigh flush dev eth0");
    return sh("ip netns exec " + lab.ns("cl") + " ping -6 -n -q -c 1 -W 3 " + kVip6).status == 0;
}

// The host's fe80:: address on eth0: the source of its adverts.
std::string link_local(const Lab &lab, const std::string &host) {
    auto r = sh("ip -n " + lab.ns(host) + " -o -6 addr show dev eth0 scope link");
    std::smatch m;
    if (std::regex_search(r.output, m, std::regex("inet6 (fe80::[0-9a-f:]+)/"))) return m[1];
    return "";
}

bool holds_vip6(const Lab &lab, const std::string &host, const std::string &dev = "dummy0") {
    auto r = sh("ip -n " + lab.ns(host) + " -o -6 addr show dev " + dev);
    return r.status == 0 && r.output.find(" " + kVip6 + "/") != std::string::npos;
}

bool client_pings_vip6(const Lab &lab, std::chrono::milliseconds limit = 20s) {
    return wait_until(
        [&] {
            return sh("ip netns exec " + lab.ns("cl") + " ping -6 -n -q -c 1 -W 1 " + kVip6)
                       .status == 0;
        },
        limit);
}

// The client's neighbor entry for the IPv6 service IP carries the host's MAC.
bool client_neighbor_is(const Lab &lab, const std::string &host,
                        std::chrono::milliseconds limit = 20s) {
    return wait_until(
        [&] {
            auto r = sh("ip -n " + lab.ns("cl") + " -6 neigh show " + kVip6 + " dev eth0");
            return r.output.find("lladdr " + kHostMac.at(host)) != std::string::npos;
        },
        limit);
}

// An XDP counter of the host's status (xvrrpctl status --json: "name":value); -1 if absent.
long xdp_counter(const Lab &lab, const std::string &host, const std::string &name) {
    auto r = lab.ctl(host, "status --json");
    std::smatch m;
    if (!std::regex_search(r.output, m, std::regex("\"" + name + "\":([0-9]+)"))) return -1;
    return std::stol(m[1]);
}

TEST(Ipv6, TheBackupTakesOverAndTheClientFollowsItsNeighborAdvertisement) {
    Lab lab(LabOptions{.ipv6 = true});
    const std::string s1_ll = link_local(lab, "s1");
    ASSERT_FALSE(s1_ll.empty()) << sh("ip -n " + lab.ns("s1") + " -6 addr").output;

    lab.start_xvrrpd("s1", ipv6_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    lab.start_xvrrpd("s2", ipv6_options(100));
    ASSERT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    // s2 heard s1's adverts: from its link-local address, accepted by its XDP program.
    ASSERT_TRUE(lab.wait_follows("s2", s1_ll)) << describe(lab);
    EXPECT_TRUE(holds_vip6(lab, "s1"));
    EXPECT_FALSE(holds_vip6(lab, "s2"));

    // The client resolves the service IP with Neighbor Discovery: s1's XDP program answers.
    ASSERT_TRUE(client_pings_vip6(lab)) << describe(lab);
    const long replies = xdp_counter(lab, "s1", "nd_reply");
    EXPECT_TRUE(client_resolves_and_pings_vip6(lab)) << describe(lab);
    EXPECT_TRUE(client_neighbor_is(lab, "s1")) << describe(lab);
    EXPECT_GT(xdp_counter(lab, "s1", "nd_reply"), replies) << lab.ctl("s1", "status --json").output;
    EXPECT_EQ(xdp_counter(lab, "s2", "nd_reply"), 0) << lab.ctl("s2", "status --json").output;

    // s1's cable is pulled: s2 takes over, its unsolicited Neighbor Advertisement (override)
    // moves the client's entry, and the client reaches the service IP through s2.
    lab.cut("s1");
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    EXPECT_TRUE(holds_vip6(lab, "s2"));
    EXPECT_TRUE(client_neighbor_is(lab, "s2")) << describe(lab);
    EXPECT_TRUE(client_pings_vip6(lab)) << describe(lab);
    EXPECT_TRUE(client_resolves_and_pings_vip6(lab)) << describe(lab);

    // Back: s1 (priority 150) preempts, and the client follows it again.
    lab.restore("s1");
    ASSERT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    EXPECT_TRUE(wait_until([&] { return !holds_vip6(lab, "s2"); })) << describe(lab);
    EXPECT_TRUE(client_neighbor_is(lab, "s1")) << describe(lab);
    EXPECT_TRUE(client_pings_vip6(lab)) << describe(lab);
}

// use_vmac with IPv6: the service IP resolves to 00-00-5E-00-02-{VRID} (RFC 5798 7.3) on
// whichever server is master, and the client keeps it across the failover.
TEST(Ipv6, TheVirtualMacIsTheIpv6OneAndSurvivesTheFailover) {
    Lab lab(LabOptions{.ipv6 = true});
    XvrrpdOptions s1 = ipv6_options(150), s2 = ipv6_options(100);
    s1.extra += "use_vmac = true\n";
    s2.extra += "use_vmac = true\n";
    lab.start_xvrrpd("s1", s1);
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    lab.start_xvrrpd("s2", s2);
    ASSERT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    const std::string vmac = "00:00:5e:00:02:33";  // VRID 51
    auto neighbor_is_vmac = [&] {
        return wait_until([&] {
            auto r = sh("ip -n " + lab.ns("cl") + " -6 neigh show " + kVip6 + " dev eth0");
            return r.output.find("lladdr " + vmac) != std::string::npos;
        });
    };
    ASSERT_TRUE(client_resolves_and_pings_vip6(lab)) << describe(lab);
    EXPECT_TRUE(neighbor_is_vmac()) << describe(lab);

    lab.cut("s1");
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    EXPECT_TRUE(client_pings_vip6(lab)) << describe(lab);
    EXPECT_TRUE(neighbor_is_vmac()) << describe(lab);
}

// A host whose new interfaces get no IPv6 (net.ipv6.conf.default.disable_ipv6 = 1): xvrrpd
// creates dummy0 that way and turns IPv6 on for it, so that its takeover can put the service
// IP there.
TEST(Ipv6, AVipInterfaceCreatedWithoutIpv6GetsItTurnedOn) {
    Lab lab(LabOptions{.ipv6 = true});
    lab.exec("s1", "sysctl -qw net.ipv6.conf.default.disable_ipv6=1");
    lab.start_xvrrpd("s1", ipv6_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    EXPECT_EQ(lab.exec("s1", "cat /proc/sys/net/ipv6/conf/dummy0/disable_ipv6").output, "0\n");
    EXPECT_TRUE(wait_until([&] { return holds_vip6(lab, "s1"); })) << lab.log("s1");
    EXPECT_TRUE(client_resolves_and_pings_vip6(lab)) << describe(lab);
}

KeepalivedOptions keepalived_ipv6(int priority) {
    KeepalivedOptions o = keepalived_options(priority);
    o.virtual_ip = kVip6Prefix;
    return o;
}

// keepalived (IPv6) master on s2, xvrrpd backup on s1; then the other way round after s2's
// cable is pulled: xvrrpd takes over and the client follows.
TEST(Ipv6KeepalivedInterop, XvrrpdFollowsAKeepalivedMasterAndTakesOverFromIt) {
    Lab lab(LabOptions{.ipv6 = true});
    const std::string s2_ll = link_local(lab, "s2");
    lab.start_keepalived("s2", keepalived_ipv6(200));
    ASSERT_TRUE(wait_until([&] { return holds_vip6(lab, "s2", "eth0"); })) << describe(lab);
    lab.start_xvrrpd("s1", ipv6_options(100));
    ASSERT_TRUE(lab.wait_follows("s1", s2_ll)) << describe(lab);
    EXPECT_EQ(lab.state("s1"), "BACKUP");
    EXPECT_FALSE(holds_vip6(lab, "s1"));
    ASSERT_TRUE(client_pings_vip6(lab)) << describe(lab);

    lab.cut("s2");
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    EXPECT_TRUE(client_neighbor_is(lab, "s1")) << describe(lab);
    EXPECT_TRUE(client_pings_vip6(lab)) << describe(lab);
}

TEST(Ipv6KeepalivedInterop, KeepalivedFollowsAnXvrrpdMasterAndTakesOverFromIt) {
    Lab lab(LabOptions{.ipv6 = true});
    lab.start_xvrrpd("s1", ipv6_options(200));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    lab.start_keepalived("s2", keepalived_ipv6(100));
    ASSERT_TRUE(wait_until([&] {
        return lab.log("s2").find("Entering BACKUP STATE") != std::string::npos;
    })) << describe(lab);
    // keepalived accepts xvrrpd's IPv6 adverts: it stays backup for more than its
    // Master_Down_Interval (3 x 10 ms + skew).
    std::this_thread::sleep_for(1s);
    EXPECT_FALSE(holds_vip6(lab, "s2", "eth0")) << describe(lab);
    EXPECT_EQ(lab.state("s1"), "MASTER");
    ASSERT_TRUE(client_pings_vip6(lab)) << describe(lab);
    EXPECT_TRUE(client_neighbor_is(lab, "s1")) << describe(lab);

    lab.cut("s1");
    ASSERT_TRUE(wait_until([&] { return holds_vip6(lab, "s2", "eth0"); })) << describe(lab);
    EXPECT_TRUE(client_neighbor_is(lab, "s2")) << describe(lab);
    EXPECT_TRUE(client_pings_vip6(lab)) << describe(lab);
}

}  // namespace
}  // namespace xvrrp::e2e
