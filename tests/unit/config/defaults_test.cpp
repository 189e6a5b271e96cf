// Every default of docs/configuration.md, observed on a file that sets only the required keys.
#include <gtest/gtest.h>

#include "config_test_util.h"
#include "vrrp/state_params.h"

namespace xvrrp::config {
namespace {

using namespace std::chrono_literals;
using testing::instance_of;
using testing::kMinimalInstance;

TEST(ConfigDefaults, DaemonPathsDefaultToTheSystemLocations) {
    ConfigResult r = parse_config(kMinimalInstance, "x.toml");
    ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
    EXPECT_EQ(r.config->file, "x.toml");
    EXPECT_EQ(r.config->daemon.vip_interface, "dummy0");
    EXPECT_EQ(r.config->daemon.pin_dir, "/sys/fs/bpf/xvrrp");
    EXPECT_EQ(r.config->daemon.control_socket, "/run/xvrrp/xvrrpd.sock");
    EXPECT_EQ(r.config->daemon.pid_file, "/run/xvrrp/xvrrpd.pid");
}

TEST(ConfigDefaults, RequiredKeysAreRead) {
    Instance i = instance_of(kMinimalInstance);
    EXPECT_EQ(i.name, "web");
    EXPECT_EQ(i.interface, "eth0");
    EXPECT_EQ(i.vrid, 51);
    ASSERT_EQ(i.virtual_ips.size(), 1u);
    EXPECT_EQ(i.virtual_ips[0].address, IpAddress::v4(192, 0, 2, 100));
    EXPECT_EQ(i.virtual_ips[0].prefix_len, 32);
    EXPECT_EQ(i.source_line, 1u);
}

TEST(ConfigDefaults, PriorityIs100AndNotOwner) {
    Instance i = instance_of(kMinimalInstance);
    EXPECT_EQ(i.priority, 100);
    EXPECT_FALSE(i.address_owner());
}

TEST(ConfigDefaults, VersionIs3) {
    EXPECT_EQ(instance_of(kMinimalInstance).version, 3);
}

TEST(ConfigDefaults, AdvertIntervalIsOneSecondStandardMode) {
    Instance i = instance_of(kMinimalInstance);
    EXPECT_EQ(i.advert_interval, 1s);
    EXPECT_FALSE(i.fast_mode());
    EXPECT_EQ(i.advert_interval_field(), 100);  // centiseconds
}

TEST(ConfigDefaults, PreemptOnWithoutDelay) {
    Instance i = instance_of(kMinimalInstance);
    EXPECT_TRUE(i.preempt);
    EXPECT_EQ(i.preempt_delay, 0s);
}

TEST(ConfigDefaults, AcceptModeOff) {
    EXPECT_TRUE(instance_of(kMinimalInstance).accept);
}

TEST(ConfigDefaults, MulticastFromAnySource) {
    Instance i = instance_of(kMinimalInstance);
    EXPECT_TRUE(i.unicast_peers.empty());
    EXPECT_TRUE(i.allowed_sources.empty());
}

TEST(ConfigDefaults, ChecksumIncludesThePseudoHeader) {
    EXPECT_EQ(instance_of(kMinimalInstance).checksum, Checksum::WithPseudoHeader);
}

TEST(ConfigDefaults, NoVirtualMac) {
    EXPECT_FALSE(instance_of(kMinimalInstance).use_vmac);
    EXPECT_FALSE(instance_of(kMinimalInstance).pass_adverts);
}

TEST(ConfigDefaults, GratuitousArpMirrorsKeepalived) {
    Instance i = instance_of(kMinimalInstance);
    EXPECT_EQ(i.garp_delay, 5s);     // garp_master_delay
    EXPECT_EQ(i.garp_count, 5u);     // garp_master_repeat
    EXPECT_EQ(i.garp_interval, 0s);  // garp_interval
    EXPECT_EQ(i.garp_refresh, 0s);   // garp_master_refresh: off
}

TEST(ConfigDefaults, NoHooksNoTrackingAnyCpu) {
    Instance i = instance_of(kMinimalInstance);
    EXPECT_EQ(i.notify, NotifyHooks{});
    EXPECT_TRUE(i.track_interfaces.empty());
    EXPECT_EQ(i.advert_thread.sched_priority, 0);
    EXPECT_TRUE(i.advert_thread.cpus.empty());  // "auto"
    EXPECT_EQ(i.advert_thread.spread, AdvertSpread::Redundant);
}

TEST(ConfigDefaults, LateExpiryDerivesFromTheInterval) {
    Instance i = instance_of(kMinimalInstance);  // 1 s adverts
    EXPECT_EQ(i.late_expiry_threshold, vrrp::late_expiry_threshold(1s));
    EXPECT_EQ(i.late_expiry_grace, vrrp::late_expiry_grace(3, 1s));
    EXPECT_EQ(vrrp::late_expiry_threshold(200us), 100us);  // at least 100 us
    EXPECT_EQ(vrrp::late_expiry_threshold(1s), 1ms);       // at most 1 ms
    EXPECT_GE(vrrp::late_expiry_grace(3, 200us), 300us);
}

TEST(ConfigDefaults, LeaseIsThreeIntervals) {
    EXPECT_EQ(instance_of(kMinimalInstance).lease, 3s);
    EXPECT_EQ(instance_of(testing::with("advert_interval = \"10ms\"\n")).lease, 30ms);
}

TEST(ConfigDefaults, PrefixDefaultsToAHostRoute) {
    Instance v4 = instance_of(
        "[[instance]]\nname = \"v4\"\ninterface = \"eth0\"\nvrid = 1\n"
        "virtual_ips = [\"192.0.2.100\"]\n");
    ASSERT_EQ(v4.virtual_ips.size(), 1u);
    EXPECT_EQ(v4.virtual_ips[0].prefix_len, 32);
    Instance v6 = instance_of(
        "[[instance]]\nname = \"v6\"\ninterface = \"eth0\"\nvrid = 1\n"
        "virtual_ips = [\"fe80::1\", \"2001:db8::100/64\"]\n");
    ASSERT_EQ(v6.virtual_ips.size(), 2u);
    EXPECT_EQ(v6.virtual_ips[0].prefix_len, 128);
    EXPECT_EQ(v6.virtual_ips[1].prefix_len, 64);
    EXPECT_EQ(v6.family(), Family::IPv6);
}

}  // namespace
}  // namespace xvrrp::config

namespace xvrrp::config {
namespace {

TEST(Instance, PassAdvertsLetsValidAdvertsOnToTheStackWhenSet) {
    EXPECT_TRUE(testing::instance_of(testing::with("pass_adverts = true\n")).pass_adverts);
}

}  // namespace
}  // namespace xvrrp::config

namespace xvrrp::config {
namespace {

TEST(Daemon, SchedPriorityDefaultsToSchedOtherAndTakesAFifoPriority) {
    auto plain = parse_config(testing::kMinimalInstance, "x.toml");
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain.config->daemon.sched_priority, 0);
    auto rt = parse_config(
        "[daemon]\nsched_priority = 40\n" + std::string(testing::kMinimalInstance), "x.toml");
    ASSERT_TRUE(rt.ok());
    EXPECT_EQ(rt.config->daemon.sched_priority, 40);
}

TEST(Daemon, ReleaseHoldIsAutoByDefaultAndTakesAutoOrADuration) {
    using namespace std::chrono_literals;
    auto plain = parse_config(testing::kMinimalInstance, "x.toml");
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain.config->daemon.release_hold, std::nullopt);  // auto
    auto with_hold = [](std::string_view value) {
        return parse_config("[daemon]\nrelease_hold = " + std::string(value) + "\n" +
                                std::string(testing::kMinimalInstance),
                            "x.toml");
    };
    auto a = with_hold("\"auto\"");
    ASSERT_TRUE(a.ok()) << format_diagnostics(a.errors);
    EXPECT_EQ(a.config->daemon.release_hold, std::nullopt);
    auto off = with_hold("\"0s\"");
    ASSERT_TRUE(off.ok()) << format_diagnostics(off.errors);
    EXPECT_EQ(off.config->daemon.release_hold, 0s);
    auto fixed = with_hold("\"500ms\"");
    ASSERT_TRUE(fixed.ok()) << format_diagnostics(fixed.errors);
    EXPECT_EQ(fixed.config->daemon.release_hold, 500ms);
}

TEST(Daemon, ReleaseHoldThatIsNeitherAutoNorADurationUpTo60sIsAnError) {
    auto errors = [](std::string_view value) {
        return format_diagnostics(parse_config("[daemon]\nrelease_hold = " + std::string(value) +
                                                   "\n" + std::string(testing::kMinimalInstance),
                                               "x.toml")
                                      .errors);
    };
    EXPECT_EQ(errors("\"always\""),
              "x.toml:2:16: error: 'release_hold' must be \"auto\" or a duration such as "
              "\"500ms\" (\"0s\": no hold), got \"always\"\n");
    EXPECT_EQ(errors("\"2min\""),
              "x.toml:2:16: error: 'release_hold' must be \"auto\" or a duration such as "
              "\"500ms\" (\"0s\": no hold), got \"2min\"\n");
    EXPECT_EQ(errors("\"61s\""),
              "x.toml:2:16: error: 'release_hold' must be from 0s to 60s, got 61s\n");
    EXPECT_EQ(errors("1"),
              "x.toml:2:16: error: 'release_hold' = 1 has no unit; add a unit: us, ms or s "
              "(e.g. \"1ms\" or \"1s\")\n");
    EXPECT_EQ(errors("true"),
              "x.toml:2:16: error: 'release_hold' must be a duration string such as \"1s\", "
              "got boolean\n");
}

TEST(Daemon, SchedPriorityOutOfRangeIsAnError) {
    auto r = parse_config(
        "[daemon]\nsched_priority = 100\n" + std::string(testing::kMinimalInstance), "x.toml");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(format_diagnostics(r.errors),
              "x.toml:2:18: error: 'sched_priority' must be 0..99 (0: SCHED_OTHER, 1..99: "
              "SCHED_FIFO), got 100\n");
}

TEST(Daemon, LogLevelIsInfoByDefaultAndTakesTheSyslogNames) {
    auto plain = parse_config(testing::kMinimalInstance, "x.toml");
    ASSERT_TRUE(plain.ok());
    EXPECT_EQ(plain.config->daemon.log_level, LogLevel::Info);
    for (auto [word, level] : {std::pair{"error", LogLevel::Error},
                               {"warning", LogLevel::Warning},
                               {"notice", LogLevel::Notice},
                               {"info", LogLevel::Info},
                               {"debug", LogLevel::Debug}}) {
        auto r = parse_config("[daemon]\nlog_level = \"" + std::string(word) + "\"\n" +
                                  std::string(testing::kMinimalInstance),
                              "x.toml");
        ASSERT_TRUE(r.ok()) << word;
        EXPECT_EQ(r.config->daemon.log_level, level) << word;
    }
}

TEST(Daemon, LogLevelOtherThanTheFiveNamesIsAnError) {
    auto errors = [](std::string_view value) {
        return format_diagnostics(parse_config("[daemon]\nlog_level = " + std::string(value) +
                                                   "\n" + std::string(testing::kMinimalInstance),
                                               "x.toml")
                                      .errors);
    };
    EXPECT_EQ(errors("\"verbose\""),
              "x.toml:2:13: error: 'log_level' must be \"error\", \"warning\", \"notice\", "
              "\"info\" or \"debug\", got \"verbose\"\n");
    EXPECT_EQ(errors("\"INFO\""),
              "x.toml:2:13: error: 'log_level' must be \"error\", \"warning\", \"notice\", "
              "\"info\" or \"debug\", got \"INFO\"\n");
    EXPECT_EQ(errors("3"), "x.toml:2:13: error: 'log_level' must be a string, got integer\n");
}

}  // namespace
}  // namespace xvrrp::config
