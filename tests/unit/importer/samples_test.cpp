// keepalived's own sample configurations, as the Debian package installs them
// (XVRRP_KEEPALIVED_SAMPLES, /usr/share/doc/keepalived/samples; scripts/deps makes sure they are
// there), and ours (tests/data/keepalived/), converted by the real `xvrrpd import-keepalived`:
// its exit code, what it lists as left out on stderr, and a TOML that xvrrpd's configuration
// parser accepts.
#include <sys/wait.h>
#include <unistd.h>

#include <cstdio>
#include <filesystem>
#include <fstream>
#include <regex>
#include <sstream>

#include "import_test_util.h"

namespace xvrrp::importer {
namespace {

using namespace testing;
using Strings = std::vector<std::string>;

struct ImportRun {
    int exit_code = -1;
    std::string out;
    Strings left_out;  // "LINE 'statement'" of each warning, in order
    Strings err;       // every stderr line
};

// `xvrrpd import-keepalived FILE` run in `dir`, so that messages name FILE as given.
ImportRun import(const std::string &file, const std::string &dir = XVRRP_KEEPALIVED_SAMPLES) {
    // Per process: ctest -j runs tests of this file side by side.
    std::string err_path =
        ::testing::TempDir() + "import-stderr-" + std::to_string(getpid()) + ".txt";
    std::string command = "cd '" + dir + "' && '" + XVRRPD_BINARY + "' import-keepalived '" + file +
                          "' 2>'" + err_path + "'";
    ImportRun run;
    FILE *p = popen(command.c_str(), "r");
    if (!p) return run;
    char buf[4096];
    size_t n;
    while ((n = fread(buf, 1, sizeof buf, p)) > 0) run.out.append(buf, n);
    int status = pclose(p);
    run.exit_code = WIFEXITED(status) ? WEXITSTATUS(status) : -1;
    std::ifstream err(err_path);
    std::regex warning("^" + file + ":([0-9]+): warning: [^']*'([^']*)'.*");
    for (std::string line; std::getline(err, line);) {
        run.err.push_back(line);
        std::smatch m;
        if (std::regex_match(line, m, warning))
            run.left_out.push_back(m[1].str() + " " + m[2].str());
    }
    std::remove(err_path.c_str());
    return run;
}

// The printed TOML must be a configuration xvrrpd accepts: parse_config is what `xvrrpd --check`
// runs before it looks at the host, whose interfaces these samples name.
void expect_valid(const ImportRun &run, size_t instances) {
    ImportResult r;
    r.toml = run.out;
    toml::table t = toml_of(r);
    const toml::array *a = t["instance"].as_array();
    EXPECT_EQ(a ? a->size() : 0, instances);
    config::ConfigResult c = config_of(r);
    EXPECT_TRUE(c.ok()) << config::format_diagnostics(c.errors) << run.out;
}

// keepalived's samples come with its package, not with xvrrp: a missing directory fails every
// test that needs it, saying how to get it.
class KeepalivedSamples : public ::testing::Test {
  protected:
    void SetUp() override {
        const std::string dir = XVRRP_KEEPALIVED_SAMPLES;
        if (!std::filesystem::is_regular_file(dir + "/keepalived.conf.vrrp"))
            GTEST_FAIL() << "keepalived's sample configurations are not in " << dir
                         << ": run scripts/deps as root (it installs keepalived and, where dpkg "
                            "leaves /usr/share/doc out, extracts them from its package), or "
                            "configure with -DXVRRP_KEEPALIVED_SAMPLES=DIR";
    }
};

TEST_F(KeepalivedSamples, VrrpLeavesOutEmailTheRouterIdAndALabel) {
    ImportRun run = import("keepalived.conf.vrrp");
    EXPECT_EQ(run.exit_code, kImportPartial);
    EXPECT_EQ(run.left_out,
              (Strings{"4 notification_email {...}",
                       "7 notification_email_from "
                       "Alexandre.Cassen@firewall.loc",
                       "8 smtp_server 192.168.200.1", "9 smtp_connect_timeout 30",
                       "10 router_id LVS_DEVEL", "17 smtp_alert", "32 192.168.200.18 label eth0:1",
                       "38 smtp_alert", "52 smtp_alert", "69 smtp_alert"}));
    EXPECT_EQ(run.err.back(),
              "xvrrpd: 10 keepalived settings not converted (listed above and as "
              "\"# NOT CONVERTED\" in the output)");
    expect_valid(run, 4);
    EXPECT_NE(run.out.find("auth_pass = \"1111\""), std::string::npos);
    EXPECT_NE(run.out.find("garp_delay = \"10s\""), std::string::npos);
}

TEST_F(KeepalivedSamples, LocalcheckLeavesOutScriptsWithoutAnAbsolutePathAndTheirTracking) {
    ImportRun run = import("keepalived.conf.vrrp.localcheck");
    EXPECT_EQ(run.exit_code, kImportPartial);
    EXPECT_EQ(run.left_out,
              (Strings{"12 script \"killall -0 sshd\"", "20 script \"killall -0 haproxy\"",
                       "25 script </dev/tcp/127.0.0.1/80", "31 script </dev/tcp/127.0.0.1/443",
                       "37 script </dev/tcp/127.0.0.1/25", "56 chk_sshd", "57 chk_haproxy weight 2",
                       "58 chk_http_port", "59 chk_https_port", "60 chk_smtp_port",
                       "78 chk_haproxy weight 2", "79 chk_http_port", "80 chk_https_port",
                       "81 chk_smtp_port"}));
    expect_valid(run, 9);
    EXPECT_NE(run.out.find("track_interface = [{ name = \"eth1\", weight = 2 }, { name = \"eth2\", "
                           "weight = -2 }, { name = \"eth3\" }]"),
              std::string::npos);
}

TEST_F(KeepalivedSamples, SyncConvertsBothSyncGroupsWithTheirNotifyHooks) {
    ImportRun run = import("keepalived.conf.vrrp.sync");
    EXPECT_EQ(run.exit_code, kImportComplete);
    EXPECT_TRUE(run.err.empty()) << run.err.front();
    expect_valid(run, 9);
    ImportResult r;
    r.toml = run.out;
    config::ConfigResult c = config_of(r);
    ASSERT_TRUE(c.ok()) << config::format_diagnostics(c.errors) << run.out;
    ASSERT_EQ(c.config->sync_groups.size(), 2u);
    const config::SyncGroup &g1 = c.config->sync_groups[0];
    EXPECT_EQ(g1.name, "G1");
    EXPECT_EQ(g1.instances, (Strings{"VI_1", "VI_2", "VI_5", "VI_6", "VI_7", "VI_8", "VI_9"}));
    EXPECT_EQ(g1.notify.master, (Strings{"/usr/local/bin/vrrp.mast", "arg1", "arg2"}));
    EXPECT_EQ(g1.notify.backup, (Strings{"/usr/local/bin/vrrp.back", "arg1", "arg2"}));
    EXPECT_EQ(g1.notify.fault, (Strings{"/usr/local/bin/vrrp.fault", "arg1", "arg2"}));
    EXPECT_EQ(c.config->sync_groups[1].name, "G2");
    EXPECT_EQ(c.config->sync_groups[1].instances, (Strings{"VI_3", "VI_4"}));
}

TEST_F(KeepalivedSamples, TrackInterfaceLeavesOutRoutesAndAddressesOnOtherDevices) {
    ImportRun run = import("keepalived.conf.track_interface");
    EXPECT_EQ(run.exit_code, kImportPartial);
    EXPECT_EQ(run.left_out, (Strings{"4 router_id LVS_DEVEL", "7 static_routes {...}",
                                     "25 192.168.200.17 dev eth1", "26 192.168.200.18 dev eth2",
                                     "28 virtual_routes {...}"}));
    expect_valid(run, 1);
    EXPECT_NE(run.out.find("interface = \"eth0.1\""), std::string::npos);
}

TEST_F(KeepalivedSamples, ScriptsConvertsTheNotifyHooksOfTheInstancesAndOfTheSyncGroup) {
    ImportRun run = import("keepalived.conf.vrrp.scripts");
    EXPECT_EQ(run.exit_code, kImportPartial);
    EXPECT_EQ(run.left_out, (Strings{"19 smtp_alert"}));
    expect_valid(run, 3);
    EXPECT_NE(run.out.find("master = [\"/usr/local/bin/vrrp.sh\", \"MASTER\", \"VI_1\"]"),
              std::string::npos);
    EXPECT_NE(run.out.find("name = \"G1\"\ninstances = [\"VI_2\", \"VI_3\"]\n\n"
                           "[sync_group.notify]\n"
                           "backup = [\"/usr/local/bin/vrrp.back\", \"arg1\", \"arg2\"]\n"),
              std::string::npos)
        << run.out;
}

TEST_F(KeepalivedSamples, SampleLeavesOutTheVirtualServerAsOneWarning) {
    ImportRun run = import("keepalived.conf.sample");
    EXPECT_EQ(run.exit_code, kImportPartial);
    EXPECT_EQ(run.left_out,
              (Strings{"4 notification_email {...}",
                       "7 notification_email_from "
                       "Alexandre.Cassen@firewall.loc",
                       "8 smtp_server 192.168.200.1", "9 smtp_connect_timeout 30",
                       "10 router_id LVS_DEVEL", "26 virtual_server 10.10.10.2 1358 {...}"}));
    expect_valid(run, 1);
    EXPECT_NE(run.out.find("preempt = false"), std::string::npos);
}

// Only keepalived's load balancer, over IPv6: nothing xvrrpd could run, so no TOML.
TEST_F(KeepalivedSamples, IPv6HasNoVrrpInstanceAndExitsTwoWithTheListButNoOutput) {
    ImportRun run = import("keepalived.conf.IPv6");
    EXPECT_EQ(run.exit_code, kImportFailed);
    EXPECT_TRUE(run.out.empty()) << run.out;
    EXPECT_EQ(run.left_out,
              (Strings{"4 router_id LVS_DEVEL", "7 virtual_server_group IPv6_group {...}",
                       "13 virtual_server ae00::1 80 {...}"}));
    EXPECT_EQ(run.err.back(),
              "keepalived.conf.IPv6: error: no vrrp_instance to convert: xvrrpd needs at least "
              "one [[instance]]");
}

TEST_F(KeepalivedSamples, RoutesLeavesOutStaticAndVirtualRoutes) {
    ImportRun run = import("keepalived.conf.vrrp.routes");
    EXPECT_EQ(run.exit_code, kImportPartial);
    EXPECT_EQ(run.left_out, (Strings{"4 router_id LVS_DEVEL", "7 static_routes {...}",
                                     "22 192.168.200.17 dev eth1", "23 192.168.200.18 dev eth2",
                                     "25 virtual_routes {...}"}));
    expect_valid(run, 1);
    EXPECT_NE(run.out.find("virtual_ips = [\"192.168.200.16/32\", \"192.168.200.17/32\", "
                           "\"192.168.200.18/32\"]"),
              std::string::npos)
        << run.out;
}

TEST_F(KeepalivedSamples, RulesLeavesOutStaticAndVirtualRules) {
    ImportRun run = import("keepalived.conf.vrrp.rules");
    EXPECT_EQ(run.exit_code, kImportPartial);
    EXPECT_EQ(run.left_out, (Strings{"6 router_id LVS_DEVEL", "9 static_rules {...}",
                                     "21 192.168.200.17 dev eth1", "22 192.168.200.18 dev eth2",
                                     "24 virtual_rules {...}"}));
    expect_valid(run, 1);
}

TEST_F(KeepalivedSamples, StaticIpaddressLeavesOutTheStaticAddressesAndRoutes) {
    ImportRun run = import("keepalived.conf.vrrp.static_ipaddress");
    EXPECT_EQ(run.exit_code, kImportPartial);
    EXPECT_EQ(run.left_out, (Strings{"4 router_id LVS_DEVEL", "7 static_ipaddress {...}",
                                     "21 virtual_routes {...}"}));
    expect_valid(run, 1);
    EXPECT_NE(run.out.find("virtual_ips = [\"192.168.200.20/32\"]"), std::string::npos);
}

// Its sync group names the instances without keepalived's `group { ... }`: keepalived reads no
// member there, so the group is left out, with each name.
TEST_F(KeepalivedSamples, LvsSyncdLeavesOutTheSyncGroupWithoutAGroupBlockAndTheLoadBalancer) {
    ImportRun run = import("keepalived.conf.vrrp.lvs_syncd");
    EXPECT_EQ(run.exit_code, kImportPartial);
    EXPECT_EQ(run.left_out, (Strings{"3 vrrp_sync_group VG1", "4 VI_2", "5 VI_3",
                                     "11 lvs_sync_daemon_interface eth1",
                                     "50 virtual_server 192.168.200.19 80 {...}"}));
    expect_valid(run, 3);
    EXPECT_EQ(run.out.find("[[sync_group]]"), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("auth_pass = \"grr02\""), std::string::npos);
}

// Without `keepalived -i NAME`, keepalived skips the @NAME lines; so does the importer, which
// leaves the script with no command, and its tracking.
TEST_F(KeepalivedSamples, ConditionalConfSkipsTheConditionalLinesAndTheScriptWithoutOne) {
    ImportRun run = import("keepalived.conf.conditional_conf");
    EXPECT_EQ(run.exit_code, kImportPartial);
    EXPECT_EQ(run.left_out, (Strings{"3 @high", "4 @low", "6 vrrp_script check_VI_0 {...}",
                                     "7 @high", "8 @low", "19 @high", "20 @low", "25 check_VI_0"}));
    expect_valid(run, 1);
    EXPECT_NE(run.out.find("track_interface = [{ name = \"eth3\" }, { name = \"eth2\", weight = "
                           "20 }]"),
              std::string::npos)
        << run.out;
    EXPECT_EQ(run.out.find("[[script]]"), std::string::npos) << run.out;
}

// Every sample the package installs, load-balancer-only ones included: either no vrrp_instance
// (exit code 2, no TOML) or a configuration xvrrpd accepts.
TEST_F(KeepalivedSamples, EverySampleConvertsToAnAcceptedConfigurationOrNone) {
    size_t files = 0, converted = 0;
    for (const auto &entry : std::filesystem::directory_iterator(XVRRP_KEEPALIVED_SAMPLES)) {
        if (!entry.path().filename().string().starts_with("keepalived.conf.")) continue;
        files++;
        ImportResult r = import_keepalived_file(entry.path().string());
        SCOPED_TRACE(entry.path().string());
        if (r.exit_code() == kImportFailed) {
            EXPECT_TRUE(r.toml.empty());
            ASSERT_EQ(r.errors.size(), 1u);
            EXPECT_NE(r.errors[0].message.find("no vrrp_instance"), std::string::npos);
            continue;
        }
        converted++;
        expect_accepted(r);
    }
    EXPECT_GE(files, 12u);
    EXPECT_GE(converted, 12u);
}

// Written for these tests: includes, scripts, a tracked file, unicast, every notify hook.
TEST(KeepalivedImport, AMigrationWithIncludesConvertsCompletely) {
    ImportRun run = import("migration/keepalived.conf", XVRRP_IMPORT_TEST_DATA);
    EXPECT_EQ(run.exit_code, kImportComplete) << run.out;
    EXPECT_TRUE(run.err.empty()) << run.err.front();
    expect_valid(run, 2);
    std::string expected_web =
        "name = \"web\"\n"
        "interface = \"eth0\"\n"
        "vrid = 51\n"
        "priority = 150\n"
        "version = 3\n"
        "advert_interval = \"100ms\"\n"
        "preempt = false\n"
        "preempt_delay = \"30s\"\n"
        "accept = false\n"
        "use_vmac = true\n"
        "virtual_ips = [\"192.0.2.100/24\", \"192.0.2.101/32\"]\n"
        "unicast_peers = [\"192.0.2.12\"]\n"
        "garp_delay = \"2s\"\n"
        "garp_count = 3\n"
        "garp_interval = \"10ms\"\n"
        "garp_refresh = \"60s\"\n"
        "track_interface = [{ name = \"eth1\", weight = -60 }, { name = \"eth2\" }]\n"
        "track_script = [{ name = \"chk_haproxy\" }, { name = \"chk_db\", weight = 10 }]\n"
        "track_file = [{ path = \"/etc/keepalived/maintenance.weight\", weight = -1 }]\n"
        "\n"
        "[instance.notify]\n"
        "master = [\"/usr/local/sbin/vip-notify\", \"master\", \"web\"]\n"
        "backup = [\"/usr/local/sbin/vip-notify\", \"backup\", \"web\"]\n"
        "fault = [\"/usr/local/sbin/vip-notify\", \"fault\", \"web\"]\n"
        "stop = [\"/usr/local/sbin/vip-notify\", \"stop\", \"web\"]\n"
        "any = [\"/usr/bin/logger\", \"-t\", \"keepalived\"]\n"
        "user = \"keepalived_script\"\n";
    EXPECT_NE(run.out.find(expected_web), std::string::npos) << run.out;
    EXPECT_NE(run.out.find("script = [\"/usr/local/libexec/check-db\", \"--host\", \"127.0.0.1\", "
                           "\"select 1\"]\ninterval = \"5s\"\nuser = \"postgres\"\n"),
              std::string::npos)
        << run.out;
    // The password instance keeps version 2 against the global vrrp_version 3.
    EXPECT_NE(run.out.find("version = 2\nadvert_interval = \"1s\"\n"
                           "virtual_ips = [\"198.51.100.1/24\"]\nauth_pass = \"s3cret\"\n"
                           "garp_delay = \"0s\"\n"),
              std::string::npos)
        << run.out;
}

TEST(KeepalivedImport, AFileThatCannotBeReadExitsTwoWithNoOutput) {
    ImportRun run = import("no-such-keepalived.conf", XVRRP_IMPORT_TEST_DATA);
    EXPECT_EQ(run.exit_code, kImportFailed);
    EXPECT_TRUE(run.out.empty());
    EXPECT_EQ(run.err, (Strings{"no-such-keepalived.conf: error: cannot read the file: No such "
                                "file or directory"}));
}

TEST(KeepalivedImport, WrongArgumentsPrintTheUsageAndExitTwo) {
    ImportRun run = import("", XVRRP_IMPORT_TEST_DATA);
    EXPECT_EQ(run.exit_code, kImportFailed);
}

}  // namespace
}  // namespace xvrrp::importer
