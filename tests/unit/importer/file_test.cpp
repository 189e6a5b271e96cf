// The file as a whole: global_defs, top-level blocks xvrrp has no equivalent for, the order of
// the warnings, and the exit codes.
#include "import_test_util.h"

namespace xvrrp::importer {
namespace {

using namespace testing;
using Strings = std::vector<std::string>;

TEST(ImportFile, GlobalDefsWithoutEquivalentAreListedAtTheTop) {
    ImportResult r = convert(
        "global_defs {\n  router_id lb1\n  notification_email {\n    a@b\n  }\n"
        "  vrrp_strict\n  script_user nobody nogroup\n  notify_fifo /run/keepalived.fifo\n}\n" +
        instance_with(""));
    EXPECT_EQ(r.exit_code(), kImportPartial);
    EXPECT_EQ(warnings_of(r),
              (Strings{"2: global_defs: 'router_id lb1': xvrrp has no router id (keepalived names "
                       "itself with it in e-mail and SNMP)",
                       "3: global_defs: 'notification_email {...}': xvrrp sends no e-mail",
                       "6: global_defs: 'vrrp_strict': xvrrp has no strict mode; set accept = "
                       "false and leave auth_pass out where RFC conformance matters",
                       "7: global_defs: 'script_user group nogroup': xvrrp runs hooks and scripts "
                       "with the user's own groups",
                       "8: global_defs: 'notify_fifo /run/keepalived.fifo': set [daemon] "
                       "notify_fifo to the same path by hand: xvrrp writes keepalived's line "
                       "format there, and runs no notify_fifo_script"}));
    size_t first_note = r.toml.find("# NOT CONVERTED k.conf:2: global_defs: 'router_id lb1'");
    ASSERT_NE(first_note, std::string::npos);
    EXPECT_LT(first_note, r.toml.find("[[instance]]"));
}

TEST(ImportFile, AGroupOfOneAndEachLoadBalancerBlockAreOneWarningEach) {
    ImportResult r =
        convert("vrrp_sync_group G1 {\n  group {\n    VI_1\n  }\n  notify_master /bin/m\n}\n" +
                instance_with("") +
                "virtual_server 10.0.0.1 80 {\n  real_server 10.0.0.2 80 {\n    weight 1\n  }\n}\n"
                "virtual_server_group g {\n  10.0.0.1 80\n}\nstatic_ipaddress {\n  10.1.1.1/24 dev "
                "eth0\n}\n");
    EXPECT_EQ(warnings_of(r),
              (Strings{"1: 'vrrp_sync_group G1': xvrrp needs 2 or more instances in a group "
                       "(a group of one changes nothing), and 1 of its instances can be members",
                       "14: 'virtual_server 10.0.0.1 80 {...}': keepalived's load balancer (LVS) "
                       "is out of xvrrp's scope",
                       "19: 'virtual_server_group g {...}': keepalived's load balancer (LVS) is "
                       "out of xvrrp's scope",
                       "22: 'static_ipaddress {...}': no xvrrp equivalent"}));
    instance_of(r);
}

TEST(ImportFile, AFileWithEverythingConvertedExitsZeroAndOneThatLeavesOutExitsOne) {
    EXPECT_EQ(convert(instance_with("")).exit_code(), kImportComplete);
    EXPECT_EQ(convert(instance_with("    smtp_alert\n")).exit_code(), kImportPartial);
    ImportResult bad = convert(instance_with("    priority \"100\n"));
    EXPECT_EQ(bad.exit_code(), kImportFailed);
    EXPECT_TRUE(bad.toml.empty());
    ASSERT_EQ(bad.errors.size(), 1u);
    EXPECT_EQ(format_error(bad.errors[0]),
              "k.conf:7: error: a quoted string is not closed on its line (add the closing \")");
}

// xvrrpd refuses a configuration without an instance: no TOML, an error, and the list.
TEST(ImportFile, AFileWithNoVrrpInstanceIsAnErrorWithNoOutput) {
    ImportResult empty = convert("! nothing here\n");
    EXPECT_EQ(empty.exit_code(), kImportFailed);
    EXPECT_TRUE(empty.toml.empty());
    ASSERT_EQ(empty.errors.size(), 1u);
    EXPECT_EQ(format_error(empty.errors[0]),
              "k.conf: error: no vrrp_instance to convert: xvrrpd needs at least one [[instance]]");

    ImportResult lvs = convert("virtual_server 192.0.2.1 80 {\n  lb_algo rr\n}\n");
    EXPECT_EQ(lvs.exit_code(), kImportFailed);
    EXPECT_TRUE(lvs.toml.empty());
    EXPECT_EQ(warnings_of(lvs),
              (std::vector<std::string>{"1: 'virtual_server 192.0.2.1 80 {...}': keepalived's load "
                                        "balancer (LVS) is out of xvrrp's scope"}));
}

TEST(ImportFile, ValuesThatAreNotNumbersAreListedNotGuessed) {
    ImportResult r =
        convert(instance_with("    priority high\n    advert_int -1\n"
                              "    virtual_router_id 300\n"));
    EXPECT_EQ(warnings_of(r),
              (Strings{"7: vrrp_instance VI_1: 'priority high': the priority must be 1-255",
                       "8: vrrp_instance VI_1: 'advert_int -1': not a number of seconds",
                       "9: vrrp_instance VI_1: 'virtual_router_id 300': the VRID must be 1-255"}));
    EXPECT_EQ(instance_of(r).vrid, 51);  // the earlier, valid line
}

TEST(ImportFile, ABlockKeywordWithoutItsBlockIsListedNotIgnored) {
    ImportResult r =
        convert(instance_with("    track_interface eth1\n    unicast_peer 192.0.2.2\n"));
    EXPECT_EQ(warnings_of(r),
              (Strings{"7: vrrp_instance VI_1: 'track_interface eth1': keepalived expects a block "
                       "in braces here",
                       "8: vrrp_instance VI_1: 'unicast_peer 192.0.2.2': keepalived expects a "
                       "block in braces here"}));
}

TEST(ImportFile, NamesAndCommandsAreWrittenAsValidTomlStrings) {
    ImportResult r = convert(
        "vrrp_instance \"web \\\"one\\\"\" {\n interface eth0\n"
        " virtual_router_id 1\n virtual_ipaddress {\n  192.0.2.1\n }\n"
        " notify \"/bin/x 'a\\\\b'\"\n}\n");
    EXPECT_EQ(r.exit_code(), kImportComplete) << r.toml;
    config::Instance i = instance_of(r);
    EXPECT_EQ(i.name, "web \"one\"");
    EXPECT_EQ(i.notify.any, (Strings{"/bin/x", "a\\b"}));
}

}  // namespace
}  // namespace xvrrp::importer
