// vrrp_instance -> [[instance]]: each keepalived keyword, read back through parse_config so that
// the test asserts what xvrrpd would run with.
#include "import_test_util.h"

namespace xvrrp::importer {
namespace {

using namespace std::chrono_literals;
using namespace testing;
using Strings = std::vector<std::string>;
using vrrp::IpAddress;

TEST(ImportInstance, TheBasicsCarryOverAndKeepalivedsDefaultVersion2IsWritten) {
    ImportResult r = convert(instance_with("    priority 150\n    advert_int 2\n"));
    EXPECT_EQ(r.exit_code(), kImportComplete) << r.toml;
    config::Instance i = instance_of(r);
    EXPECT_EQ(i.name, "VI_1");
    EXPECT_EQ(i.interface, "eth0");
    EXPECT_EQ(i.vrid, 51);
    EXPECT_EQ(i.priority, 150);
    EXPECT_EQ(i.version, 2);
    EXPECT_EQ(i.advert_interval, 2s);
    EXPECT_EQ(i.virtual_ips, (std::vector<config::VirtualIp>{{IpAddress::v4(192, 0, 2, 100), 32}}));
    EXPECT_NE(r.toml.find("# keepalived's default vrrp_version is 2"), std::string::npos);
}

TEST(ImportInstance, VersionComesFromTheInstanceThenGlobalDefs) {
    EXPECT_EQ(instance_of(convert(instance_with("    version 3\n    advert_int 0.05\n"))).version,
              3);
    config::Instance i = instance_of(
        convert("global_defs {\n  vrrp_version 3\n}\n" + instance_with("    advert_int 0.01\n")));
    EXPECT_EQ(i.version, 3);
    EXPECT_EQ(i.advert_interval, 10ms);
    EXPECT_EQ(instance_of(convert("global_defs {\n  vrrp_version 3\n}\n" +
                                  instance_with("    vrrp_version 2\n")))
                  .version,
              2);
}

TEST(ImportInstance, IPv6ServiceAddressesMakeVrrpv3AsKeepalivedDoes) {
    ImportResult r = convert(
        "vrrp_instance V6 {\n interface eth0\n virtual_router_id 7\n"
        " virtual_ipaddress {\n  2001:db8::1\n  2001:db8::2/64\n }\n}\n");
    EXPECT_EQ(r.exit_code(), kImportComplete);
    config::Instance i = instance_of(r);
    EXPECT_EQ(i.version, 3);
    ASSERT_EQ(i.virtual_ips.size(), 2u);
    EXPECT_EQ(i.virtual_ips[0].prefix_len, 128);
    EXPECT_EQ(i.virtual_ips[1].prefix_len, 64);
}

TEST(ImportInstance, StateMasterIsACommentAndWithoutPriorityMakesAnAddressOwner) {
    ImportResult r = convert(instance_with("    state MASTER\n"));
    EXPECT_EQ(r.exit_code(), kImportComplete);
    EXPECT_NE(r.toml.find("k.conf:7: keepalived 'state MASTER': xvrrp has no initial state"),
              std::string::npos);
    EXPECT_EQ(instance_of(r).priority, 255);
    EXPECT_EQ(instance_of(convert(instance_with("    state BACKUP\n"))).priority, 100);
    EXPECT_EQ(instance_of(convert(instance_with("    state MASTER\n    priority 101\n"))).priority,
              101);
}

TEST(ImportInstance, PreemptionAcceptAndVmac) {
    config::Instance i = instance_of(convert(
        instance_with("    nopreempt\n    preempt_delay 2.5\n    no_accept\n    use_vmac\n")));
    EXPECT_FALSE(i.preempt);
    EXPECT_EQ(i.preempt_delay, 2500ms);
    EXPECT_FALSE(i.accept);
    EXPECT_TRUE(i.use_vmac);
    EXPECT_TRUE(instance_of(convert(instance_with("    accept\n"))).accept);
}

TEST(ImportInstance, AVmacInterfaceNameIsLeftOut) {
    ImportResult r = convert(instance_with("    use_vmac vrrp.51\n"));
    EXPECT_EQ(r.exit_code(), kImportPartial);
    EXPECT_EQ(warnings_of(r),
              (Strings{"7: vrrp_instance VI_1: 'use_vmac vrrp.51': xvrrp creates no macvlan "
                       "interface: it puts the virtual MAC on the interface itself "
                       "(docs/design.md), so there is no interface 'vrrp.51'"}));
    EXPECT_TRUE(instance_of(r).use_vmac);
}

TEST(ImportInstance, GratuitousArpFromTheInstanceOverridesGlobalDefs) {
    ImportResult r = convert(
        "global_defs {\n vrrp_garp_master_delay 3\n vrrp_garp_master_repeat 2\n"
        " vrrp_garp_interval 0.001\n vrrp_garp_master_refresh 60\n"
        " vrrp_garp_master_refresh_repeat 1\n}\n" +
        instance_with("    garp_master_delay 0\n    garp_master_repeat 4\n"));
    EXPECT_EQ(r.exit_code(), kImportComplete) << r.toml;
    config::Instance i = instance_of(r);
    EXPECT_EQ(i.garp_delay, 0s);
    EXPECT_EQ(i.garp_count, 4u);
    EXPECT_EQ(i.garp_interval, 1ms);
    EXPECT_EQ(i.garp_refresh, 60s);
    ImportResult refresh =
        convert(instance_with("    garp_master_refresh 30\n"
                              "    garp_master_refresh_repeat 2\n"
                              "    garp_interval 0.2\n"));
    EXPECT_EQ(warnings_of(refresh),
              (Strings{"8: vrrp_instance VI_1: 'garp_master_refresh_repeat 2': xvrrp sends one "
                       "round of gratuitous ARP per refresh"}));
    EXPECT_EQ(instance_of(refresh).garp_interval, 200ms);
}

TEST(ImportInstance, AddressOptionsOtherThanTheInstancesOwnDeviceAreLeftOut) {
    ImportResult r = convert(
        "vrrp_instance VI_1 {\n interface eth0\n virtual_router_id 51\n virtual_ipaddress {\n"
        "  192.0.2.1/24 dev eth0\n  192.0.2.2 dev eth1 label eth1:vip\n  not-an-address\n"
        "  192.0.2.3/33\n }\n}\n");
    EXPECT_EQ(warnings_of(r),
              (Strings{"6: vrrp_instance VI_1: '192.0.2.2 dev eth1 label eth1:vip': the address "
                       "is converted, not 'dev eth1 label eth1:vip': xvrrp puts every service IP "
                       "on [daemon] vip_interface and answers ARP for it on the instance's "
                       "interface",
                       "7: vrrp_instance VI_1: 'not-an-address': not an IP address",
                       "8: vrrp_instance VI_1: '192.0.2.3/33': the prefix length must be 1-32"}));
    EXPECT_EQ(instance_of(r).virtual_ips,
              (std::vector<config::VirtualIp>{{IpAddress::v4(192, 0, 2, 1), 24},
                                              {IpAddress::v4(192, 0, 2, 2), 32}}));
}

// keepalived adds virtual_ipaddress_excluded with the others but leaves them out of its
// adverts. xvrrp has no such list: an address of the instance's family becomes a service IP
// (the host must hold it) with a warning that the adverts now list it, which keepalived peers
// refuse; one of the other family cannot be in the instance at all.
TEST(ImportInstance, ExcludedAddressesOfTheFamilyBecomeServiceIpsWithAWarning) {
    ImportResult r = convert(instance_with(
        "    virtual_ipaddress_excluded {\n        192.0.2.200\n        2001:db8::1\n    }\n"));
    EXPECT_EQ(warnings_of(r),
              (Strings{"8: vrrp_instance VI_1: 'virtual_ipaddress_excluded 192.0.2.200': "
                       "converted as a service IP, which xvrrp's adverts list and keepalived's "
                       "do not: a keepalived router of this VRID drops adverts with another "
                       "address count (unless skip_check_adv_addr), so move all of them to "
                       "xvrrp together",
                       "9: vrrp_instance VI_1: '2001:db8::1': an xvrrp instance holds addresses "
                       "of one family: put them in a second instance (it may have the same "
                       "vrid)"}));
    EXPECT_EQ(instance_of(r).virtual_ips.size(), 2u);
}

TEST(ImportInstance, TheInstancesOwnDeviceIsKnownWhereverInterfaceIsInTheBlock) {
    ImportResult r = convert(
        "vrrp_instance VI_1 {\n virtual_ipaddress {\n  192.0.2.1 dev eth7\n }\n"
        " virtual_router_id 51\n interface eth7\n}\n");
    EXPECT_EQ(r.exit_code(), kImportComplete) << r.toml;
    EXPECT_EQ(instance_of(r).interface, "eth7");
}

// keepalived ignores an address listed twice (its sample keepalived.conf.vrrp lists one again
// with a label); xvrrp refuses it, so the second line is listed and the address kept once.
TEST(ImportInstance, AnAddressOrPeerListedTwiceIsKeptOnceAndTheSecondLineListed) {
    ImportResult r =
        convert(instance_with("    virtual_ipaddress {\n        192.0.2.100/24 label eth0:1\n"
                              "        192.0.2.101\n    }\n"
                              "    unicast_peer {\n        192.0.2.12\n        192.0.2.12\n"
                              "    }\n"));
    EXPECT_EQ(warnings_of(r),
              (Strings{"8: vrrp_instance VI_1: '192.0.2.100/24 label eth0:1': the address is "
                       "listed already (k.conf:5): xvrrp lists each address once",
                       "13: vrrp_instance VI_1: '192.0.2.12': the address is listed already "
                       "(k.conf:12): xvrrp lists each address once"}));
    EXPECT_EQ(instance_of(r).virtual_ips,
              (std::vector<config::VirtualIp>{{IpAddress::v4(192, 0, 2, 100), 32},
                                              {IpAddress::v4(192, 0, 2, 101), 32}}));
    EXPECT_EQ(instance_of(r).unicast_peers, (std::vector<IpAddress>{IpAddress::v4(192, 0, 2, 12)}));
}

// parse_config refuses a peer of the other family; the service IPs may come after the peers.
TEST(ImportInstance, APeerOfTheOtherFamilyIsListed) {
    ImportResult r = convert(
        "vrrp_instance VI_1 {\n    interface eth0\n    virtual_router_id 51\n"
        "    unicast_peer {\n        2001:db8::1\n        192.0.2.12\n    }\n"
        "    virtual_ipaddress {\n        192.0.2.100\n    }\n}\n");
    EXPECT_EQ(warnings_of(r),
              (Strings{"5: vrrp_instance VI_1: '2001:db8::1': a peer of the other family than the "
                       "instance's service IPs: put it in an instance of its family"}));
    EXPECT_EQ(instance_of(r).unicast_peers, (std::vector<IpAddress>{IpAddress::v4(192, 0, 2, 12)}));
}

TEST(ImportInstance, UnicastPeersConvertAndTheSourceIsAComment) {
    ImportResult r =
        convert(instance_with("    unicast_src_ip 192.0.2.11\n"
                              "    unicast_peer {\n        192.0.2.12\n"
                              "        192.0.2.13 min_ttl 250\n    }\n"));
    EXPECT_EQ(warnings_of(r),
              (Strings{"10: vrrp_instance VI_1: 'min_ttl 250': xvrrp adverts keep TTL 255 and "
                       "peers must be on the link"}));
    EXPECT_NE(r.toml.find("k.conf:7: keepalived 'unicast_src_ip 192.0.2.11': xvrrp sends "
                          "unicast adverts from the interface's primary address"),
              std::string::npos);
    EXPECT_EQ(instance_of(r).unicast_peers,
              (std::vector<IpAddress>{IpAddress::v4(192, 0, 2, 12), IpAddress::v4(192, 0, 2, 13)}));
}

TEST(ImportInstance, TrackInterfaceWeightsConvertReversedOnesAreLeftOut) {
    ImportResult r =
        convert(instance_with("    track_interface {\n        eth1 weight 2\n"
                              "        eth2 weight -20\n        eth3\n"
                              "        eth4 weight 5 reverse\n    }\n"));
    EXPECT_EQ(warnings_of(r), (Strings{"11: vrrp_instance VI_1: 'eth4 weight 5 reverse': xvrrp has "
                                       "no reversed weights"}));
    EXPECT_EQ(instance_of(r).track_interfaces,
              (std::vector<config::TrackInterface>{{"eth1", 2}, {"eth2", -20}, {"eth3", 0}}));
}

TEST(ImportInstance, PassAuthenticationIsVersion2OnlyAndAhIsLeftOut) {
    std::string pass =
        "    authentication {\n        auth_type PASS\n        auth_pass s3cret\n    }\n";
    EXPECT_EQ(instance_of(convert(instance_with(pass))).auth_pass, "s3cret");
    ImportResult v3 = convert(instance_with("    version 3\n" + pass));
    EXPECT_EQ(v3.exit_code(), kImportComplete);
    EXPECT_EQ(instance_of(v3).auth_pass, "");
    EXPECT_NE(v3.toml.find("authentication: VRRPv3 has none"), std::string::npos);
    ImportResult ah = convert(
        instance_with("    authentication {\n        auth_type AH\n        auth_pass x\n    }\n"));
    EXPECT_EQ(warnings_of(ah), (Strings{"8: vrrp_instance VI_1: 'auth_type AH': xvrrp has "
                                        "simple-text authentication (PASS) only"}));
    // keepalived sends the first 8 characters of a longer password, and none without a type.
    EXPECT_EQ(instance_of(convert(instance_with("    authentication {\n        auth_type PASS\n"
                                                "        auth_pass 0123456789\n    }\n")))
                  .auth_pass,
              "01234567");
    ImportResult untyped =
        convert(instance_with("    authentication {\n        auth_pass 0123\n    }\n"));
    EXPECT_EQ(untyped.exit_code(), kImportComplete);
    EXPECT_EQ(instance_of(untyped).auth_pass, "");
}

TEST(ImportInstance, NotifyCommandsSplitAsKeepalivedSplitsThem) {
    ImportResult r =
        convert(instance_with("    notify_master \"/usr/local/bin/vrrp.sh  MASTER  'VI 1'\"\n"
                              "    notify_backup /usr/local/bin/backup.sh\n"
                              "    notify_fault \"/bin/fault \\\"x y\\\"\" hooks\n"
                              "    notify_stop \"/bin/stop\"\n"
                              "    notify \"/usr/bin/logger -t vrrp\"\n"));
    EXPECT_EQ(r.exit_code(), kImportComplete) << r.toml;
    config::Instance i = instance_of(r);
    EXPECT_EQ(i.notify.master, (Strings{"/usr/local/bin/vrrp.sh", "MASTER", "VI 1"}));
    EXPECT_EQ(i.notify.backup, (Strings{"/usr/local/bin/backup.sh"}));
    EXPECT_EQ(i.notify.fault, (Strings{"/bin/fault", "x y"}));
    EXPECT_EQ(i.notify.stop, (Strings{"/bin/stop"}));
    EXPECT_EQ(i.notify.any, (Strings{"/usr/bin/logger", "-t", "vrrp"}));
    EXPECT_EQ(i.notify.user, "hooks");
}

TEST(ImportInstance, NotifyWithARelativePathAGroupOrTwoUsersIsLeftOut) {
    ImportResult r =
        convert(instance_with("    notify_master \"vrrp.sh master\"\n"
                              "    notify_backup \"/bin/b\" alice staff\n"
                              "    notify_fault \"/bin/f\" bob\n"
                              "    notify_master_rx_lower_pri /bin/x\n"));
    EXPECT_EQ(warnings_of(r),
              (Strings{"7: vrrp_instance VI_1: 'notify_master \"vrrp.sh master\"': 'vrrp.sh' is "
                       "not an absolute path: xvrrp runs hooks with execve, without a shell or "
                       "PATH lookup; give the full path of a program",
                       "8: vrrp_instance VI_1: 'group staff': xvrrp runs hooks with the user's "
                       "own groups",
                       "9: vrrp_instance VI_1: 'user bob': xvrrp runs every hook of an instance "
                       "as one user ('alice')",
                       "10: vrrp_instance VI_1: 'notify_master_rx_lower_pri /bin/x': no xvrrp "
                       "hook for this event"}));
    config::Instance i = instance_of(r);
    EXPECT_TRUE(i.notify.master.empty());
    EXPECT_EQ(i.notify.user, "alice");
}

TEST(ImportInstance, ScriptUserFromGlobalDefsRunsTheHooks) {
    ImportResult r =
        convert("global_defs {\n  script_user vrrp\n}\n" + instance_with("    notify /bin/n\n"));
    EXPECT_EQ(r.exit_code(), kImportComplete);
    EXPECT_EQ(instance_of(r).notify.user, "vrrp");
}

TEST(ImportInstance, KeywordsWithoutEquivalentAreListedWithTheirLine) {
    ImportResult r =
        convert(instance_with("    smtp_alert\n    virtual_routes {\n"
                              "        10.0.0.0/8 via 192.0.2.1\n    }\n"
                              "    lvs_sync_daemon_interface eth1\n"));
    EXPECT_EQ(r.exit_code(), kImportPartial);
    EXPECT_EQ(warnings_of(r),
              (Strings{"7: vrrp_instance VI_1: 'smtp_alert': xvrrp sends no e-mail",
                       "8: vrrp_instance VI_1: 'virtual_routes {...}': xvrrp adds no routes or "
                       "rules on becoming master; a notify hook can",
                       "11: vrrp_instance VI_1: 'lvs_sync_daemon_interface eth1': no xvrrp "
                       "equivalent"}));
    EXPECT_NE(r.toml.find("# NOT CONVERTED k.conf:7: vrrp_instance VI_1: 'smtp_alert'"),
              std::string::npos);
    instance_of(r);  // still a valid configuration
}

TEST(ImportInstance, AnInstanceMissingWhatXvrrpRequiresSaysWhatToAdd) {
    ImportResult r = convert("vrrp_instance bare {\n}\n");
    EXPECT_EQ(warnings_of(r),
              (Strings{"1: 'vrrp_instance bare': it has no interface; add interface = \"...\"",
                       "1: 'vrrp_instance bare': it has no virtual_router_id; add vrid = 1-255",
                       "1: 'vrrp_instance bare': it has no virtual_ipaddress; xvrrp needs at least "
                       "one service IP"}));
    // The default_interface of global_defs fills the first gap.
    ImportResult d = convert(
        "global_defs {\n default_interface eth9\n}\n"
        "vrrp_instance d {\n virtual_router_id 9\n"
        " virtual_ipaddress {\n  192.0.2.9\n }\n}\n");
    EXPECT_EQ(d.exit_code(), kImportComplete);
    EXPECT_EQ(instance_of(d).interface, "eth9");
}

}  // namespace
}  // namespace xvrrp::importer
