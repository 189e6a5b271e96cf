// vrrp_sync_group -> [[sync_group]]: the members and the group's notify hooks, read back through
// parse_config; what xvrrpd would refuse is left out, never written.
#include "import_test_util.h"

namespace xvrrp::importer {
namespace {

using namespace testing;
using Strings = std::vector<std::string>;

// A minimal instance NAME with VRID `vrid` (7 lines).
std::string instance(const std::string &name, int vrid) {
    return "vrrp_instance " + name +
           " {\n"
           "    interface eth0\n"
           "    virtual_router_id " +
           std::to_string(vrid) +
           "\n"
           "    virtual_ipaddress {\n"
           "        192.0.2." +
           std::to_string(vrid) + "\n    }\n}\n";
}

// Three instances, outside (line 1), inside (8) and dmz (15), then `groups` from line 22.
std::string with_groups(const std::string &groups) {
    return instance("outside", 51) + instance("inside", 52) + instance("dmz", 53) + groups;
}

// The sync groups the printed TOML holds, through parse_config; a test failure (and none) when
// it does not parse.
std::vector<config::SyncGroup> groups_of(const ImportResult &r) {
    config::ConfigResult c = config_of(r);
    if (!c.ok()) {
        ADD_FAILURE() << config::format_diagnostics(c.errors) << r.toml;
        return {};
    }
    return c.config->sync_groups;
}

TEST(ImportSyncGroup, TheMembersAndTheNotifyHooksCarryOver) {
    ImportResult r = convert(
        "vrrp_sync_group router {\n"
        "  group {\n"
        "    outside\n"
        "    inside\n"
        "  }\n"
        "  notify_master \"/usr/local/bin/vrrp.mast arg1 'two words'\"\n"
        "  notify_backup /usr/local/bin/vrrp.back\n"
        "  notify_fault \"/usr/local/bin/vrrp.fault arg1\" netops\n"
        "  notify_stop /usr/local/bin/vrrp.stop\n"
        "  notify /usr/bin/logger\n"
        "}\n" +
        with_groups(""));
    EXPECT_EQ(r.exit_code(), kImportComplete) << r.toml;
    EXPECT_TRUE(r.left_out.empty()) << r.left_out.front().message;
    std::vector<config::SyncGroup> groups = groups_of(r);
    ASSERT_EQ(groups.size(), 1u) << r.toml;
    const config::SyncGroup &g = groups[0];
    EXPECT_EQ(g.name, "router");
    EXPECT_EQ(g.instances, (Strings{"outside", "inside"}));
    EXPECT_EQ(g.notify.master, (Strings{"/usr/local/bin/vrrp.mast", "arg1", "two words"}));
    EXPECT_EQ(g.notify.backup, (Strings{"/usr/local/bin/vrrp.back"}));
    EXPECT_EQ(g.notify.fault, (Strings{"/usr/local/bin/vrrp.fault", "arg1"}));
    EXPECT_EQ(g.notify.stop, (Strings{"/usr/local/bin/vrrp.stop"}));
    EXPECT_EQ(g.notify.any, (Strings{"/usr/bin/logger"}));
    EXPECT_EQ(g.notify.user, "netops");
    EXPECT_NE(r.toml.find("# k.conf:1: vrrp_sync_group router\nname = \"router\"\n"
                          "instances = [\"outside\", \"inside\"]\n\n[sync_group.notify]\n"),
              std::string::npos)
        << r.toml;
}

TEST(ImportSyncGroup, MembersOnOneLineAndInstancesDefinedAfterTheGroup) {
    ImportResult r = convert("vrrp_sync_group G1 {\n  group { dmz inside }\n}\n" + with_groups(""));
    EXPECT_EQ(r.exit_code(), kImportComplete) << r.toml;
    std::vector<config::SyncGroup> groups = groups_of(r);
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].instances, (Strings{"dmz", "inside"}));
}

TEST(ImportSyncGroup, GroupTrackingAndEmailAreLeftOutTheGroupConverted) {
    ImportResult r =
        convert(with_groups("vrrp_script chk {\n  script /bin/true\n}\n"  // 22-24
                            "vrrp_sync_group G1 {\n"                      // 25
                            "  group {\n    outside\n    inside\n  }\n"   // 26-29
                            "  track_interface {\n    eth1\n  }\n"        // 30-32
                            "  track_script {\n    chk\n  }\n"            // 33-35
                            "  smtp_alert\n"                              // 36
                            "  notify_deleted /bin/deleted\n"             // 37
                            "  sync_group_tracking_weight\n"              // 38
                            "}\n"));
    EXPECT_EQ(r.exit_code(), kImportPartial);
    EXPECT_EQ(warnings_of(r),
              (Strings{"30: vrrp_sync_group G1: 'track_interface {...}': xvrrp tracks per "
                       "instance: add it to each member (weight 0 takes the whole group to FAULT)",
                       "33: vrrp_sync_group G1: 'track_script {...}': xvrrp tracks per instance: "
                       "add it to each member (weight 0 takes the whole group to FAULT)",
                       "36: vrrp_sync_group G1: 'smtp_alert': xvrrp sends no e-mail",
                       "37: vrrp_sync_group G1: 'notify_deleted /bin/deleted': no xvrrp hook for "
                       "this event"}));
    std::vector<config::SyncGroup> groups = groups_of(r);
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].instances, (Strings{"outside", "inside"}));
    EXPECT_NE(r.toml.find("# NOT CONVERTED k.conf:36: vrrp_sync_group G1: 'smtp_alert'"),
              std::string::npos);
    EXPECT_NE(r.toml.find("# k.conf:38: keepalived 'sync_group_tracking_weight': the members' "
                          "tracking weights are converted as written"),
              std::string::npos)
        << r.toml;
}

TEST(ImportSyncGroup, AnUnknownMemberIsLeftOutAndTheOthersKept) {
    ImportResult r =
        convert(with_groups("vrrp_sync_group G1 {\n  group {\n    outside\n    VI_9\n    inside\n"
                            "    inside\n  }\n}\n"));
    EXPECT_EQ(r.exit_code(), kImportPartial);
    EXPECT_EQ(warnings_of(r),
              (Strings{"25: vrrp_sync_group G1: 'VI_9': there is no vrrp_instance of that name",
                       "27: vrrp_sync_group G1: 'inside': the instance is listed already "
                       "(k.conf:26)"}));
    std::vector<config::SyncGroup> groups = groups_of(r);
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].instances, (Strings{"outside", "inside"}));
}

TEST(ImportSyncGroup, AnInstanceInASecondGroupIsLeftOutAndSoIsAGroupLeftWithOneMember) {
    ImportResult r = convert(
        with_groups("vrrp_sync_group G1 {\n  group {\n    outside\n    inside\n  }\n}\n"  // 22-27
                    "vrrp_sync_group G2 {\n  group {\n    inside\n    dmz\n  }\n"         // 28-32
                    "  notify_master /bin/m\n}\n"));                                      // 33-34
    EXPECT_EQ(r.exit_code(), kImportPartial);
    EXPECT_EQ(warnings_of(r),
              (Strings{"28: 'vrrp_sync_group G2': xvrrp needs 2 or more instances in a group (a "
                       "group of one changes nothing), and 1 of its instances can be members",
                       "30: vrrp_sync_group G2: 'inside': the instance is in vrrp_sync_group G1 "
                       "(k.conf:22) already: an instance belongs to one group at most"}));
    std::vector<config::SyncGroup> groups = groups_of(r);
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].name, "G1");
    EXPECT_EQ(r.toml.find("\"G2\""), std::string::npos) << r.toml;
    EXPECT_EQ(r.toml.find("/bin/m"), std::string::npos) << r.toml;
}

TEST(ImportSyncGroup, AGroupOfOneASecondGroupOfANameAndOneWithoutAGroupBlockAreLeftOut) {
    ImportResult r = convert(
        with_groups("vrrp_sync_group G1 {\n  group {\n    outside\n  }\n}\n"              // 22-26
                    "vrrp_sync_group G2 {\n  group {\n    outside\n    inside\n  }\n}\n"  // 27-32
                    "vrrp_sync_group G2 {\n  group {\n    dmz\n  }\n}\n"                  // 33-37
                    "vrrp_sync_group G3 {\n  dmz\n}\n"));                                 // 38-40
    EXPECT_EQ(r.exit_code(), kImportPartial);
    EXPECT_EQ(warnings_of(r),
              (Strings{"22: 'vrrp_sync_group G1': xvrrp needs 2 or more instances in a group (a "
                       "group of one changes nothing), and 1 of its instances can be members",
                       "33: 'vrrp_sync_group G2': a vrrp_sync_group of that name is converted "
                       "already (k.conf:27)",
                       "38: 'vrrp_sync_group G3': it has no group block naming its instances",
                       "39: vrrp_sync_group G3: 'dmz': an instance named outside 'group { ... }', "
                       "where keepalived reads the members"}));
    std::vector<config::SyncGroup> groups = groups_of(r);
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_EQ(groups[0].name, "G2");
    EXPECT_EQ(groups[0].instances, (Strings{"outside", "inside"}));
}

TEST(ImportSyncGroup, AGroupWithoutANameOrABlockIsLeftOut) {
    ImportResult r = convert(with_groups(
        "vrrp_sync_group {\n  group {\n    outside\n    inside\n  }\n}\nvrrp_sync_group G1\n"));
    EXPECT_EQ(r.exit_code(), kImportPartial);
    EXPECT_EQ(warnings_of(r),
              (Strings{"22: 'vrrp_sync_group {...}': a group needs a name",
                       "28: 'vrrp_sync_group G1': it has no group block naming its instances"}));
    EXPECT_TRUE(groups_of(r).empty()) << r.toml;
}

TEST(ImportSyncGroup, AHookThatIsNotAnAbsolutePathIsLeftOutAsAnInstancesIs) {
    ImportResult r =
        convert(with_groups("vrrp_sync_group G1 {\n  group {\n    outside\n    inside\n  }\n"
                            "  notify_master \"vrrp.mast arg1\"\n  notify_backup /bin/b root\n"
                            "  notify_fault /bin/f nobody\n}\n"));
    EXPECT_EQ(r.exit_code(), kImportPartial);
    EXPECT_EQ(warnings_of(r),
              (Strings{"27: vrrp_sync_group G1: 'notify_master \"vrrp.mast arg1\"': 'vrrp.mast' "
                       "is not an absolute path: xvrrp runs hooks with execve, without a shell or "
                       "PATH lookup; give the full path of a program",
                       "29: vrrp_sync_group G1: 'user nobody': xvrrp runs every hook of a group "
                       "as one user ('root')"}));
    std::vector<config::SyncGroup> groups = groups_of(r);
    ASSERT_EQ(groups.size(), 1u);
    EXPECT_TRUE(groups[0].notify.master.empty());
    EXPECT_EQ(groups[0].notify.backup, (Strings{"/bin/b"}));
    EXPECT_EQ(groups[0].notify.user, "root");
}

// Scripts and files, then two members (outside, tracking all of them, from line 15; inside), then
// the group from line 41 with `group_extra` in it.
std::string tracking_members(const std::string &group_extra) {
    return "vrrp_script chk_w {\n  script /bin/true\n  weight 10\n}\n"               // 1-4
           "vrrp_script chk_0 {\n  script /bin/true\n}\n"                            // 5-7
           "vrrp_track_file tf {\n  file /run/tf\n}\n"                               // 8-10
           "vrrp_track_file tf5 {\n  file /run/tf5\n  weight 5\n}\n"                 // 11-14
           "vrrp_instance outside {\n"                                               // 15
           "    interface eth0\n    virtual_router_id 51\n"                          // 16-17
           "    virtual_ipaddress {\n        192.0.2.51\n    }\n"                    // 18-20
           "    track_interface {\n      eth1 weight 20\n      eth2\n    }\n"        // 21-24
           "    track_script {\n      chk_w\n      chk_0\n    }\n"                   // 25-28
           "    track_file {\n      tf\n      tf5\n    }\n"                          // 29-32
           "}\n"                                                                     // 33
           "vrrp_instance inside {\n    interface eth1\n    virtual_router_id 52\n"  // 34-36
           "    virtual_ipaddress {\n        198.51.100.1\n    }\n}\n"               // 37-40
           "vrrp_sync_group G1 {\n  group {\n    outside\n    inside\n  }\n"         // 41-45
           + group_extra + "}\n";
}

// The one instance `name` of the printed TOML, through parse_config.
config::Instance member(const ImportResult &r, const std::string &name) {
    config::ConfigResult c = config_of(r);
    if (c.ok())
        for (const config::Instance &i : c.config->instances)
            if (i.name == name) return i;
    ADD_FAILURE() << "no valid instance " << name << ":\n"
                  << config::format_diagnostics(c.errors) << r.toml;
    return {};
}

// keepalived's vrrp_complete_instance(): in a member of a group without
// sync_group_tracking_weight, a weighted interface or a file of weight 1 is tracked with weight
// 0 (FAULT), a weighted script or a file of another weight is not tracked.
TEST(ImportSyncGroup, AMembersTrackingWeightsAreIgnoredAsKeepalivedIgnoresThem) {
    ImportResult r = convert(tracking_members(""));
    EXPECT_EQ(r.exit_code(), kImportPartial);
    const std::string why =
        "a member of vrrp_sync_group G1 (k.conf:41), which has no sync_group_tracking_weight; "
        "track it with weight 0 (the group goes to FAULT) if that is meant";
    EXPECT_EQ(warnings_of(r),
              (Strings{"26: vrrp_instance outside: 'chk_w': keepalived does not track it with a "
                       "weight in " +
                           why,
                       "31: vrrp_instance outside: 'tf5': keepalived does not track it with a "
                       "weight in " +
                           why}));
    config::Instance i = member(r, "outside");
    EXPECT_EQ(i.track_interfaces, (std::vector<config::TrackInterface>{{"eth1", 0}, {"eth2", 0}}));
    ASSERT_EQ(i.track_scripts.size(), 1u);
    EXPECT_EQ(i.track_scripts[0].name, "chk_0");
    EXPECT_EQ(i.track_scripts[0].weight, 0);
    EXPECT_EQ(i.track_files, (std::vector<config::TrackFile>{{"/run/tf", 0}}));
    EXPECT_NE(r.toml.find("# k.conf:22: keepalived 'eth1 weight 20': weight 0 (FAULT on "
                          "failure) in a member of vrrp_sync_group G1 (k.conf:41)"),
              std::string::npos)
        << r.toml;
}

TEST(ImportSyncGroup, WithSyncGroupTrackingWeightTheMembersKeepTheirWeights) {
    ImportResult r = convert(tracking_members("  sync_group_tracking_weight\n"));
    EXPECT_EQ(r.exit_code(), kImportComplete) << r.left_out.front().message;
    config::Instance i = member(r, "outside");
    EXPECT_EQ(i.track_interfaces, (std::vector<config::TrackInterface>{{"eth1", 20}, {"eth2", 0}}));
    ASSERT_EQ(i.track_scripts.size(), 2u);
    EXPECT_EQ(i.track_scripts[0].weight, 10);
    EXPECT_EQ(i.track_files, (std::vector<config::TrackFile>{{"/run/tf", 1}, {"/run/tf5", 5}}));
}

}  // namespace
}  // namespace xvrrp::importer
