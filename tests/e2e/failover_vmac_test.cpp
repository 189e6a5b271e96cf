// The virtual MAC (use_vmac): the master answers ARP for the service IP with 00-00-5E-00-01-33
// (VRID 51) and sends from it, so when the backup takes over, the client's ARP entry is already
// right: it never re-learns a MAC. While xvrrpd runs, the NIC's unicast address list holds the
// virtual MAC and a tc ingress program hands frames to it to the stack; neither is left after.
#include <gtest/gtest.h>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

const std::string kVmac = "00:00:5e:00:01:33";

XvrrpdOptions with_vmac(int priority) {
    XvrrpdOptions o = xvrrpd_options(priority);
    o.extra = "use_vmac = true\n";
    return o;
}

// The NIC's unicast address list holds the virtual MAC, the tc program is on ingress, and the
// kernel's ARP requests carry the interface's address (arp_announce = 2).
bool vmac_listed(const Lab &lab, const std::string &host) {
    return sh("bridge -n " + lab.ns(host) + " fdb show dev eth0").output.find(kVmac + " self") !=
           std::string::npos;
}
bool tc_attached(const Lab &lab, const std::string &host) {
    return sh("tc -n " + lab.ns(host) + " filter show dev eth0 ingress").output.find("xvrrp_tc") !=
           std::string::npos;
}
std::string arp_announce(const Lab &lab, const std::string &host) {
    return sh("ip netns exec " + lab.ns(host) + " sysctl -n net.ipv4.conf.eth0.arp_announce")
        .output;
}

TEST(VirtualMac, TheClientKeepsOneMacForTheVipAcrossAFailover) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab, with_vmac(150), with_vmac(100)));
    for (const char *host : {"s1", "s2"}) {
        EXPECT_TRUE(vmac_listed(lab, host)) << host;
        EXPECT_TRUE(tc_attached(lab, host)) << host;
        EXPECT_EQ(arp_announce(lab, host), "2\n") << host;
    }

    // Only the master answers, with the virtual MAC, and traffic to it reaches the master.
    EXPECT_EQ(lab.arp_responders(), std::set<std::string>{kVmac}) << describe(lab);
    ASSERT_TRUE(lab.client_reaches_vip()) << describe(lab);
    EXPECT_NE(lab.client_neighbor().find(kVmac), std::string::npos) << lab.client_neighbor();
    EXPECT_GT(lab.xdp_counter("s1", "vmac_to_host"), 0) << describe(lab);

    lab.cut("s1");
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    EXPECT_TRUE(lab.client_reaches_vip()) << describe(lab);
    EXPECT_NE(lab.client_neighbor().find(kVmac), std::string::npos) << lab.client_neighbor();
    EXPECT_GT(lab.xdp_counter("s2", "vmac_to_host"), 0) << describe(lab);

    EXPECT_EQ(lab.stop("s2"), 0) << describe(lab);
    EXPECT_FALSE(vmac_listed(lab, "s2")) << "the virtual MAC stayed in s2's address list";
    EXPECT_FALSE(tc_attached(lab, "s2")) << "the tc program stayed on s2's eth0";
    EXPECT_EQ(sh("tc -n " + lab.ns("s2") + " qdisc show dev eth0").output.find("clsact"),
              std::string::npos);
}

TEST(VirtualMac, WithoutItTheClientLearnsEachServersOwnMac) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    EXPECT_EQ(lab.arp_responders(), std::set<std::string>{"s1"}) << describe(lab);
    EXPECT_FALSE(vmac_listed(lab, "s1")) << describe(lab);
    EXPECT_FALSE(tc_attached(lab, "s1")) << describe(lab);
}

}  // namespace
}  // namespace xvrrp::e2e
