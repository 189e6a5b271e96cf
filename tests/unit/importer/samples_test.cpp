// keepalived's own sample configurations (tests/data/keepalived/, README.md there says where
// they come from), converted by the real `xvrrpd import-keepalived`: its exit code, what it
// lists as left out on stderr, and a TOML that parses.
#include <sys/wait.h>

#include <cstdio>
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

// `xvrrpd import-keepalived FILE` run in the samples directory, so that messages name FILE as
// given.
ImportRun import(const std::string &file) {
    std::string err_path = ::testing::TempDir() + "import-stderr.txt";
    std::string command = std::string("cd '") + XVRRP_KEEPALIVED_SAMPLES + "' && '" +
                          XVRRPD_BINARY + "' import-keepalived '" + file + "' 2>'" + err_path + "'";
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
    return run;
}

// The printed TOML must be TOML, and, unless it uses the keys of scripts and tracked files that
// this branch's parse_config does not know yet, a configuration xvrrpd accepts (parse_config is
// what `xvrrpd --check` runs before it looks at the host, whose interfaces these samples name).
// When parse_config learns [[script]], track_script and track_file, drop `uses_script_keys`:
// every sample must then pass it.
void expect_valid(const ImportRun &run, size_t instances) {
    ImportResult r;
    r.toml = run.out;
    toml::table t = toml_of(r);
    const toml::array *a = t["instance"].as_array();
    EXPECT_EQ(a ? a->size() : 0, instances);
    if (uses_script_keys(t)) return;
    config::ConfigResult c = config_of(r);
    EXPECT_TRUE(c.ok()) << config::format_diagnostics(c.errors) << run.out;
}

TEST(KeepalivedSamples, VrrpLeavesOutEmailAndTheRouterId) {
    ImportRun run = import("keepalived.conf.vrrp");
    EXPECT_EQ(run.exit_code, kImportPartial);
    EXPECT_EQ(run.left_out, (Strings{"4 notification_email {...}",
                                     "7 notification_email_from "
                                     "Alexandre.Cassen@firewall.loc",
                                     "8 smtp_server 192.168.200.1", "9 smtp_connect_timeout 30",
                                     "10 router_id LVS_DEVEL", "18 smtp_alert", "35 smtp_alert",
                                     "49 smtp_alert", "66 smtp_alert"}));
    EXPECT_EQ(run.err.back(),
              "xvrrpd: 9 keepalived settings not converted (listed above and as "
              "\"# NOT CONVERTED\" in the output)");
    expect_valid(run, 4);
    EXPECT_NE(run.out.find("auth_pass = \"1111\""), std::string::npos);
    EXPECT_NE(run.out.find("garp_delay = \"10s\""), std::string::npos);
}

TEST(KeepalivedSamples, LocalcheckLeavesOutScriptsWithoutAnAbsolutePathAndTheirTracking) {
    ImportRun run = import("keepalived.conf.vrrp.localcheck");
    EXPECT_EQ(run.exit_code, kImportPartial);
    EXPECT_EQ(run.left_out,
              (Strings{"4 script \"killall -0 sshd\"", "10 script \"killall -0 haproxy\"",
                       "15 script </dev/tcp/127.0.0.1/80", "21 script </dev/tcp/127.0.0.1/443",
                       "27 script </dev/tcp/127.0.0.1/25", "46 chk_sshd", "47 chk_haproxy weight 2",
                       "48 chk_http_port", "49 chk_https_port", "50 chk_smtp_port",
                       "68 chk_haproxy weight 2", "69 chk_http_port", "70 chk_https_port",
                       "71 chk_smtp_port"}));
    expect_valid(run, 9);
    EXPECT_NE(run.out.find("track_interface = [{ name = \"eth1\", weight = 2 }, { name = \"eth2\", "
                           "weight = -2 }, { name = \"eth3\" }]"),
              std::string::npos);
}

TEST(KeepalivedSamples, SyncLeavesOutBothSyncGroups) {
    ImportRun run = import("keepalived.conf.vrrp.sync");
    EXPECT_EQ(run.exit_code, kImportPartial);
    EXPECT_EQ(run.left_out, (Strings{"3 vrrp_sync_group G1 {...}", "18 vrrp_sync_group G2 {...}"}));
    expect_valid(run, 9);
}

TEST(KeepalivedSamples, TrackInterfaceLeavesOutRoutesAndAddressesOnOtherDevices) {
    ImportRun run = import("keepalived.conf.track_interface");
    EXPECT_EQ(run.exit_code, kImportPartial);
    EXPECT_EQ(run.left_out, (Strings{"4 router_id LVS_DEVEL", "7 static_route {...}",
                                     "25 192.168.200.17 dev eth1", "26 192.168.200.18 dev eth2",
                                     "28 virtual_routes {...}"}));
    expect_valid(run, 1);
    EXPECT_NE(run.out.find("interface = \"eth0.1\""), std::string::npos);
}

TEST(KeepalivedSamples, ScriptsConvertsTheInstancesNotifyHooksNotTheSyncGroups) {
    ImportRun run = import("keepalived.conf.vrrp.scripts");
    EXPECT_EQ(run.exit_code, kImportPartial);
    EXPECT_EQ(run.left_out, (Strings{"6 vrrp_sync_group G1 {...}", "19 smtp_alert"}));
    expect_valid(run, 3);
    EXPECT_NE(run.out.find("master = [\"/usr/local/bin/vrrp.sh\", \"MASTER\", \"VI_1\"]"),
              std::string::npos);
}

TEST(KeepalivedSamples, SampleLeavesOutTheVirtualServerAsOneWarning) {
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

// Written for these tests: includes, scripts, a tracked file, unicast, every notify hook.
TEST(KeepalivedSamples, AMigrationWithIncludesConvertsCompletely) {
    ImportRun run = import("migration/keepalived.conf");
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

TEST(KeepalivedSamples, AFileThatCannotBeReadExitsTwoWithNoOutput) {
    ImportRun run = import("no-such-keepalived.conf");
    EXPECT_EQ(run.exit_code, kImportFailed);
    EXPECT_TRUE(run.out.empty());
    EXPECT_EQ(run.err, (Strings{"no-such-keepalived.conf: error: cannot read the file: No such "
                                "file or directory"}));
}

TEST(KeepalivedSamples, WrongArgumentsPrintTheUsageAndExitTwo) {
    ImportRun run = import("");
    EXPECT_EQ(run.exit_code, kImportFailed);
}

}  // namespace
}  // namespace xvrrp::importer
