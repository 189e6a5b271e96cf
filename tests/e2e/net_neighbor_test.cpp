// The neighbor table as unicast peers use it: use() makes the kernel resolve a peer nobody has
// talked to, mac() then returns the peer's MAC; an address nobody answers for has none. And the
// interface's unicast address list, which the virtual MAC joins.
#include <gtest/gtest.h>
#include <net/if.h>

#include <chrono>
#include <thread>

#include "common/host.h"
#include "net/link.h"
#include "net/neighbor.h"

namespace xvrrp::net {
namespace {

using test::EnterNetNs;
using test::must;
using test::NetNs;
using test::unique_name;

// "near" (10.77.0.1) and "far" (10.77.0.2) on a veth pair.
class NeighborTest : public ::testing::Test {
  protected:
    NeighborTest() {
        must("ip -n " + near_.name() + " link add nb0 type veth peer name nb1 netns " +
             far_.name());
        must("ip -n " + near_.name() + " addr add 10.77.0.1/24 dev nb0");
        must("ip -n " + far_.name() + " addr add 10.77.0.2/24 dev nb1");
        must("ip -n " + near_.name() + " link set nb0 up");
        must("ip -n " + far_.name() + " link set nb1 up");
    }
    // Polls mac() for up to two seconds.
    std::optional<vrrp::MacAddress> resolve(NeighborTable &t, int ifindex, const char *addr) {
        auto ip = *vrrp::IpAddress::parse(addr);
        t.use(ifindex, ip);
        for (int i = 0; i < 200; ++i) {
            if (auto mac = t.mac(ifindex, ip)) return mac;
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        return std::nullopt;
    }
    NetNs near_{unique_name("nn")}, far_{unique_name("nf")};
};

TEST_F(NeighborTest, UseResolvesAPeerAndMacReturnsItsAddress) {
    std::string far_mac = test::sh("ip -n " + far_.name() + " -br link show nb1").output;
    EnterNetNs in(near_);
    NeighborTable table;
    const int ifindex = int(if_nametoindex("nb0"));
    ASSERT_GT(ifindex, 0);
    EXPECT_FALSE(table.mac(ifindex, *vrrp::IpAddress::parse("10.77.0.2"))) << "no entry yet";
    auto mac = resolve(table, ifindex, "10.77.0.2");
    ASSERT_TRUE(mac);
    EXPECT_NE(far_mac.find(mac_to_string(*mac)), std::string::npos) << far_mac;
    // Used again while reachable: still the same, and the lookup leaves the socket clean.
    table.use(ifindex, *vrrp::IpAddress::parse("10.77.0.2"));
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(table.mac(ifindex, *vrrp::IpAddress::parse("10.77.0.2")), mac);
}

TEST_F(NeighborTest, AnAddressNobodyAnswersForHasNoMac) {
    EnterNetNs in(near_);
    NeighborTable table;
    const int ifindex = int(if_nametoindex("nb0"));
    auto ip = *vrrp::IpAddress::parse("10.77.0.9");
    table.use(ifindex, ip);
    std::this_thread::sleep_for(std::chrono::milliseconds(300));
    EXPECT_FALSE(table.mac(ifindex, ip));
}

TEST_F(NeighborTest, AMissingInterfaceIsAnError) {
    EnterNetNs in(near_);
    NeighborTable table;
    EXPECT_THROW(table.use(999999, *vrrp::IpAddress::parse("10.77.0.2")), Error);
}

TEST_F(NeighborTest, TheVirtualMacJoinsAndLeavesTheUnicastAddressList) {
    const vrrp::MacAddress vmac = {0x00, 0x00, 0x5e, 0x00, 0x01, 0x33};
    auto listed = [&] {
        return test::sh("bridge -n " + near_.name() + " fdb show dev nb0")
                   .output.find("00:00:5e:00:01:33 self permanent") != std::string::npos;
    };
    EnterNetNs in(near_);
    const int ifindex = int(if_nametoindex("nb0"));
    add_unicast_address(ifindex, vmac);
    EXPECT_TRUE(listed());
    add_unicast_address(ifindex, vmac);  // again: no error
    remove_unicast_address(ifindex, vmac);
    EXPECT_FALSE(listed());
    remove_unicast_address(ifindex, vmac);  // again: no error
    EXPECT_THROW(add_unicast_address(999999, vmac), Error);
}

}  // namespace
}  // namespace xvrrp::net
