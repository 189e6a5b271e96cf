// The classic two-server setup parses to what it says, and every example in
// docs/configuration.md does what the page claims.
#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "config_test_util.h"

namespace xvrrp::config {
namespace {

using namespace std::chrono_literals;

std::string server(std::string_view self, std::string_view peer, int priority) {
    return "[daemon]\n"
           "vip_interface = \"dummy0\"\n"
           "pin_dir = \"/sys/fs/bpf/xvrrp\"\n"
           "control_socket = \"/run/xvrrp/xvrrpd.sock\"\n"
           "\n"
           "[[instance]]\n"
           "name = \"web\"\n"
           "interface = \"eth0\"\n"
           "vrid = 51\n"
           "priority = " +
           std::to_string(priority) +
           "\n"
           "advert_interval = \"10ms\"\n"
           "preempt = true\n"
           "preempt_delay = \"2s\"\n"
           "virtual_ips = [\"192.0.2.100/32\"]\n"
           "allowed_sources = [\"" +
           std::string(peer) + "\", \"" + std::string(self) +
           "\"]\n"
           "garp_refresh = \"60s\"\n"
           "track_interface = [{ name = \"eth1\", weight = -60 }, { name = \"eth2\" }]\n"
           "\n"
           "[instance.notify]\n"
           "master = [\"/usr/local/sbin/vip-notify\", \"master\", \"web\"]\n"
           "any = [\"/usr/bin/logger\", \"-t\", \"xvrrp\", \"state change\"]\n"
           "\n"
           "[instance.advert_thread]\n"
           "sched_priority = 50\n"
           "cpus = [0, 1]\n";
}

TEST(TwoServerExample, Server1ParsesToTheExpectedValues) {
    ConfigResult r = parse_config(server("192.0.2.11", "192.0.2.12", 150), "server-1.toml");
    ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
    const Config &c = *r.config;
    EXPECT_EQ(c.daemon.vip_interface, "dummy0");
    EXPECT_EQ(c.daemon.pid_file, "/run/xvrrp/xvrrpd.pid");
    ASSERT_EQ(c.instances.size(), 1u);
    const Instance &i = c.instances[0];
    EXPECT_EQ(i.name, "web");
    EXPECT_EQ(i.interface, "eth0");
    EXPECT_EQ(i.vrid, 51);
    EXPECT_EQ(i.priority, 150);
    EXPECT_EQ(i.version, 3);
    EXPECT_EQ(i.advert_interval, 10ms);
    EXPECT_FALSE(i.fast_mode());
    EXPECT_EQ(i.advert_interval_field(), 1);
    EXPECT_EQ(i.lease, 30ms);
    EXPECT_TRUE(i.preempt);
    EXPECT_EQ(i.preempt_delay, 2s);
    EXPECT_EQ(i.virtual_ips, (std::vector<VirtualIp>{{IpAddress::v4(192, 0, 2, 100), 32}}));
    EXPECT_EQ(i.family(), Family::IPv4);
    EXPECT_TRUE(i.unicast_peers.empty());
    EXPECT_EQ(i.allowed_sources,
              (std::vector<IpAddress>{IpAddress::v4(192, 0, 2, 12), IpAddress::v4(192, 0, 2, 11)}));
    EXPECT_EQ(i.garp_refresh, 60s);
    EXPECT_EQ(i.track_interfaces, (std::vector<TrackInterface>{{"eth1", -60}, {"eth2", 0}}));
    EXPECT_EQ(i.notify.master,
              (std::vector<std::string>{"/usr/local/sbin/vip-notify", "master", "web"}));
    EXPECT_TRUE(i.notify.backup.empty());
    EXPECT_EQ(i.notify.any.size(), 4u);
    EXPECT_EQ(i.advert_thread, (AdvertThread{50, {0, 1}, AdvertSpread::Redundant}));
    EXPECT_EQ(i.source_line, 6u);
}

TEST(TwoServerExample, Server2DiffersOnlyInPriorityAndPeer) {
    ConfigResult r = parse_config(server("192.0.2.12", "192.0.2.11", 100), "server-2.toml");
    ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
    EXPECT_EQ(r.config->instances[0].priority, 100);
    EXPECT_EQ(r.config->instances[0].allowed_sources[0], IpAddress::v4(192, 0, 2, 11));
}

TEST(FastMode, BelowTenMillisecondsCarriesOneCentisecond) {
    Instance i = testing::instance_of(testing::with("advert_interval = \"500us\"\n"));
    EXPECT_TRUE(i.fast_mode());
    EXPECT_EQ(i.advert_interval, 500us);
    EXPECT_EQ(i.advert_interval_field(), 1);
    EXPECT_EQ(i.lease, 1500us);
}

// Fenced ```toml blocks of the page, in order. A block whose first line is "# bad.toml" must
// fail with exactly the text of the ```text block that follows it; every other must parse.
TEST(DocsExamples, EveryTomlBlockDoesWhatThePageSays) {
    std::ifstream in(XVRRP_TEST_DATA_DIR "/../../../docs/configuration.md");
    ASSERT_TRUE(in) << "docs/configuration.md not found";
    std::vector<std::pair<std::string, std::string>> blocks;  // language, body
    std::string line, lang, body;
    bool inside = false;
    while (std::getline(in, line)) {
        if (line.rfind("```", 0) == 0) {
            if (inside) blocks.emplace_back(lang, body);
            inside = !inside, lang = line.substr(3), body.clear();
        } else if (inside) {
            body += line + '\n';
        }
    }
    int checked = 0;
    for (size_t b = 0; b < blocks.size(); ++b) {
        if (blocks[b].first != "toml") continue;
        const std::string &text = blocks[b].second;
        ConfigResult r = parse_config(text, "bad.toml");
        if (text.rfind("# bad.toml", 0) == 0) {
            ASSERT_LT(b + 1, blocks.size());
            EXPECT_EQ(format_diagnostics(r.errors), blocks[b + 1].second);
        } else if (text.find("[[instance]]") != std::string::npos) {
            EXPECT_TRUE(r.ok()) << text << format_diagnostics(r.errors);
        } else {
            continue;  // a fragment
        }
        ++checked;
    }
    EXPECT_GE(checked, 3);
}

}  // namespace
}  // namespace xvrrp::config
