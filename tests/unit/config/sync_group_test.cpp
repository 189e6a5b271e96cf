// [[sync_group]]: values, and every error (names that no instance has, an instance in two
// groups, a group of one, a name used twice, keys xvrrp does not know).
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace xvrrp::config {
namespace {

using testing::errors_of;

// Three instances, lines 1-15; groups from line 16.
constexpr std::string_view kInstances =
    "[[instance]]\nname = \"outside\"\ninterface = \"eth0\"\nvrid = 1\n"
    "virtual_ips = [\"192.0.2.1/32\"]\n"
    "[[instance]]\nname = \"inside\"\ninterface = \"eth1\"\nvrid = 2\n"
    "virtual_ips = [\"198.51.100.1/32\"]\n"
    "[[instance]]\nname = \"dmz\"\ninterface = \"eth2\"\nvrid = 3\n"
    "virtual_ips = [\"203.0.113.1/32\"]\n";

std::string file(std::string_view groups) {
    return std::string(kInstances) + std::string(groups);
}

TEST(ConfigSyncGroup, NamesItsInstancesAndTakesTheNotifyKeysOfAnInstance) {
    auto r = parse_config(file("[[sync_group]]\nname = \"router\"\n"
                               "instances = [\"outside\", \"inside\"]\n"
                               "[sync_group.notify]\n"
                               "master = [\"/usr/local/sbin/router-notify\", \"master\"]\n"
                               "any = [\"/usr/local/sbin/router-any\"]\n"
                               "timeout = \"2s\"\nuser = \"nobody\"\n"),
                          "x.toml");
    ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
    ASSERT_EQ(r.config->sync_groups.size(), 1u);
    const SyncGroup &g = r.config->sync_groups[0];
    EXPECT_EQ(g.name, "router");
    EXPECT_EQ(g.instances, (std::vector<std::string>{"outside", "inside"}));
    EXPECT_EQ(g.notify.master,
              (std::vector<std::string>{"/usr/local/sbin/router-notify", "master"}));
    EXPECT_EQ(g.notify.any, (std::vector<std::string>{"/usr/local/sbin/router-any"}));
    EXPECT_EQ(g.notify.timeout, std::chrono::seconds(2));
    EXPECT_EQ(g.notify.user, "nobody");
    EXPECT_EQ(g.source_line, 16u);
    EXPECT_EQ(r.config->sync_group_of("inside"), &g);
    EXPECT_EQ(r.config->sync_group_of("dmz"), nullptr);
}

TEST(ConfigSyncGroup, IsOptional) {
    auto r = parse_config(kInstances, "x.toml");
    ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
    EXPECT_TRUE(r.config->sync_groups.empty());
}

TEST(ConfigSyncGroup, AnInstanceNoneDefinesIsAnError) {
    EXPECT_EQ(errors_of(file("[[sync_group]]\nname = \"router\"\n"
                             "instances = [\"outside\", \"insde\"]\n")),
              "x.toml:18:25: error: 'instances' names 'insde', which no [[instance]] of the "
              "file defines\n");
}

TEST(ConfigSyncGroup, AnInstanceInTwoGroupsIsAnError) {
    EXPECT_EQ(errors_of(file("[[sync_group]]\nname = \"a\"\ninstances = [\"outside\", \"inside\"]\n"
                             "[[sync_group]]\nname = \"b\"\ninstances = [\"dmz\", \"inside\"]\n")),
              "x.toml:21:21: error: instance 'inside' is already in the [[sync_group]] at line "
              "16; an instance belongs to one group at most\n");
}

TEST(ConfigSyncGroup, AnInstanceTwiceInOneGroupIsAnError) {
    EXPECT_EQ(errors_of(file("[[sync_group]]\nname = \"a\"\n"
                             "instances = [\"outside\", \"outside\"]\n")),
              "x.toml:18:25: error: instance 'outside' is already in the [[sync_group]] at "
              "line 16; an instance belongs to one group at most\n");
}

TEST(ConfigSyncGroup, FewerThanTwoInstancesIsAnError) {
    EXPECT_EQ(errors_of(file("[[sync_group]]\nname = \"a\"\ninstances = [\"outside\"]\n")),
              "x.toml:18:13: error: 'instances' must name at least 2 instances; a group of one "
              "changes nothing, remove it\n");
}

TEST(ConfigSyncGroup, ADuplicateNameIsAnError) {
    EXPECT_EQ(errors_of(file("[[sync_group]]\nname = \"a\"\ninstances = [\"outside\", \"inside\"]\n"
                             "[[sync_group]]\nname = \"a\"\ninstances = [\"dmz\"]\n")),
              "x.toml:20:8: error: sync group name 'a' is already used by the [[sync_group]] at "
              "line 16; names must be unique\n"
              "x.toml:21:13: error: 'instances' must name at least 2 instances; a group of one "
              "changes nothing, remove it\n");
}

TEST(ConfigSyncGroup, MissingKeysAndUnknownKeysAreErrors) {
    EXPECT_EQ(errors_of(file("[[sync_group]]\ngroup = [\"outside\", \"inside\"]\n"
                             "[sync_group.notify]\nmaster_script = [\"/bin/true\"]\n")),
              "x.toml:16:1: error: missing required key 'name' in [[sync_group]]\n"
              "x.toml:16:1: error: missing required key 'instances' in [[sync_group]]\n"
              "x.toml:17:1: error: unknown key 'group' in [[sync_group]]; docs/configuration.md "
              "lists the keys\n"
              "x.toml:19:1: error: unknown key 'master_script' in [sync_group.notify]; did you "
              "mean 'master'?\n");
}

}  // namespace
}  // namespace xvrrp::config
