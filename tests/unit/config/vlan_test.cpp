// `vlan`: the 802.1Q VLAN of an instance on a trunk (docs/configuration.md), and what it
// cannot be combined with yet.
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace xvrrp::config {
namespace {

using testing::errors_of;
using testing::instance_of;
using testing::with;

std::string instance(std::string_view name, int vrid, int vlan, std::string_view vip) {
    return "[[instance]]\nname = \"" + std::string(name) +
           "\"\ninterface = \"eth0\"\nvrid = " + std::to_string(vrid) +
           "\nvlan = " + std::to_string(vlan) + "\nvirtual_ips = [\"" + std::string(vip) + "\"]\n";
}

TEST(Vlan, UntaggedByDefaultAndOneToFourThousandNinetyFour) {
    EXPECT_EQ(instance_of(testing::kMinimalInstance).vlan, 0);
    EXPECT_EQ(instance_of(with("vlan = 10\n")).vlan, 10);
    EXPECT_EQ(instance_of(with("vlan = 4094\n")).vlan, 4094);
    EXPECT_EQ(instance_of(with("vlan = 0\n")).vlan, 0);
    EXPECT_EQ(errors_of(with("vlan = 4095\n")),
              "x.toml:6:8: error: 'vlan' must be 0-4094 (0: untagged), got 4095\n");
    EXPECT_EQ(errors_of(with("vlan = -1\n")),
              "x.toml:6:8: error: 'vlan' must be 0-4094 (0: untagged), got -1\n");
}

TEST(Vlan, ATaggedAndAnUntaggedInstanceShareTheTrunkWithTheirOwnVrids) {
    EXPECT_EQ(errors_of(instance("a", 51, 0, "192.0.2.1") + instance("b", 52, 10, "192.0.2.2") +
                        instance("c", 53, 20, "192.0.2.3")),
              "");
}

TEST(Vlan, TheSameVridInTwoVlansOfOneTrunkIsRefusedWithTheReason) {
    EXPECT_EQ(errors_of(instance("a", 51, 10, "192.0.2.1") + instance("b", 51, 20, "192.0.2.2")),
              "x.toml:10:8: error: VRID 51 is already used on eth0 (VLAN 10) by instance 'a' "
              "(line 1); xvrrp keeps one kernel state per VRID and interface, so a VRID serves "
              "one VLAN of a trunk: give this one another VRID\n");
    EXPECT_EQ(errors_of(instance("a", 51, 0, "192.0.2.1") + instance("b", 51, 20, "192.0.2.2")),
              "x.toml:10:8: error: VRID 51 is already used on eth0 (untagged) by instance 'a' "
              "(line 1); xvrrp keeps one kernel state per VRID and interface, so a VRID serves "
              "one VLAN of a trunk: give this one another VRID\n");
}

TEST(Vlan, NotYetWithTheVirtualMacOrUnicastPeers) {
    EXPECT_EQ(errors_of(with("vlan = 10\nuse_vmac = true\n")),
              "x.toml:7:12: error: 'use_vmac' with 'vlan' is not supported yet (the program that "
              "hands frames to the virtual MAC to the stack does not look at VLANs); remove one "
              "of them\n");
    EXPECT_EQ(errors_of(with("vlan = 10\nunicast_peers = [\"192.0.2.12\"]\n")),
              "x.toml:7:17: error: 'unicast_peers' with 'vlan' is not supported yet (peers' MACs "
              "are resolved on the interface itself, which is the untagged network); remove one "
              "of them\n");
}

}  // namespace
}  // namespace xvrrp::config
