// One test per kind of wrong value: the exact message and where it points.
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace xvrrp::config {
namespace {

using namespace std::chrono_literals;
using testing::errors_of;
using testing::instance_of;
using testing::with;

// The minimal instance with its line `old` (e.g. "vrid = 51") replaced by `line`.
std::string replacing(std::string_view old, std::string_view line) {
    std::string s(testing::kMinimalInstance);
    s.replace(s.find(old), old.size(), line);
    return s;
}

TEST(ValueErrors, VridOutOfRange) {
    EXPECT_EQ(errors_of(replacing("vrid = 51", "vrid = 0")),
              "x.toml:4:8: error: 'vrid' must be 1-255, got 0\n");
    EXPECT_EQ(errors_of(replacing("vrid = 51", "vrid = 256")),
              "x.toml:4:8: error: 'vrid' must be 1-255, got 256\n");
}

TEST(ValueErrors, PriorityOutOfRange) {
    EXPECT_EQ(errors_of(with("priority = 0\n")),
              "x.toml:6:12: error: 'priority' must be 1-255 (255: address owner), got 0\n");
    EXPECT_TRUE(instance_of(with("priority = 255\n")).address_owner());
}

TEST(ValueErrors, VersionIsTwoOrThree) {
    EXPECT_EQ(errors_of(with("version = 4\n")),
              "x.toml:6:11: error: 'version' must be 2 or 3, got 4\n");
}

TEST(ValueErrors, AuthPassIsOneToEightPrintableCharactersForVersionTwoOnly) {
    EXPECT_EQ(instance_of(with("version = 2\nadvert_interval = \"1s\"\nauth_pass = \"s3cret\"\n"))
                  .auth_pass,
              "s3cret");
    EXPECT_EQ(instance_of(testing::kMinimalInstance).auth_pass, "");
    EXPECT_EQ(errors_of(with("auth_pass = \"s3cret\"\n")),
              "x.toml:6:13: error: 'auth_pass' needs version = 2: VRRPv3 has no authentication "
              "(RFC 5798 9); remove it, or set version = 2 for VRRPv2 peers that send it\n");
    EXPECT_EQ(errors_of(with("version = 2\nadvert_interval = \"1s\"\nauth_pass = "
                             "\"0123456789\"\n")),
              "x.toml:8:13: error: 'auth_pass' must be 1 to 8 characters (VRRPv2 carries 8 bytes, "
              "RFC 2338 5.3.6.1), got 10; keepalived sends only the first 8: \"01234567\"\n");
    EXPECT_EQ(errors_of(with("version = 2\nadvert_interval = \"1s\"\nauth_pass = \"\"\n")),
              "x.toml:8:13: error: 'auth_pass' must be 1 to 8 characters (VRRPv2 carries 8 bytes, "
              "RFC 2338 5.3.6.1), got 0\n");
    for (const char *bad : {"a\\tb", "a b"})
        EXPECT_EQ(errors_of(with("version = 2\nadvert_interval = \"1s\"\nauth_pass = \"" +
                                 std::string(bad) + "\"\n")),
                  "x.toml:8:13: error: 'auth_pass' must be printable ASCII without spaces "
                  "(keepalived reads it as one word)\n");
}

TEST(ValueErrors, WrongTypeNamesBothTypes) {
    EXPECT_EQ(errors_of(replacing("vrid = 51", "vrid = \"51\"")),
              "x.toml:4:8: error: 'vrid' must be an integer, got string\n");
    EXPECT_EQ(errors_of(with("preempt = \"yes\"\n")),
              "x.toml:6:11: error: 'preempt' must be a boolean (true or false), got string\n");
    EXPECT_EQ(errors_of(replacing("name = \"web\"", "name = 7")),
              "x.toml:2:8: error: 'name' must be a string, got integer\n");
    EXPECT_EQ(errors_of(with("unicast_peers = \"192.0.2.12\"\n")),
              "x.toml:6:17: error: 'unicast_peers' must be an array, got string\n");
}

TEST(ValueErrors, DurationWithoutUnit) {
    EXPECT_EQ(errors_of(with("advert_interval = 10\n")),
              "x.toml:6:19: error: 'advert_interval' = 10 has no unit; add a unit: us, ms or s "
              "(e.g. \"10ms\" or \"10s\")\n");
    EXPECT_EQ(errors_of(with("preempt_delay = \"10\"\n")),
              "x.toml:6:17: error: 'preempt_delay' = \"10\" has no unit; add a unit: us, ms or "
              "s\n");
    EXPECT_EQ(errors_of(with("garp_delay = true\n")),
              "x.toml:6:14: error: 'garp_delay' must be a duration string such as \"1s\", got "
              "boolean\n");
}

TEST(ValueErrors, DurationOutOfRange) {
    EXPECT_EQ(errors_of(with("preempt_delay = \"2h\"\n")),
              "x.toml:6:17: error: 'preempt_delay' = \"2h\" has unknown unit 'h'; use us, ms or "
              "s\n");
    EXPECT_EQ(errors_of(with("preempt_delay = \"3601s\"\n")),
              "x.toml:6:17: error: 'preempt_delay' must be from 0s to 3600s, got 3601s\n");
}

TEST(ValueErrors, StandardIntervalMustBeWholeCentiseconds) {
    EXPECT_EQ(errors_of(with("advert_interval = \"15ms\"\n")),
              "x.toml:6:19: error: 'advert_interval' = \"15ms\" is not a multiple of 10ms (VRRPv3 "
              "carries centiseconds, RFC 5798 5.2.7); use \"10ms\" or \"20ms\", or an interval "
              "below 10ms for fast mode\n");
    EXPECT_EQ(errors_of(with("advert_interval = \"1.005s\"\n")),
              "x.toml:6:19: error: 'advert_interval' = \"1.005s\" is not a multiple of 10ms "
              "(VRRPv3 carries centiseconds, RFC 5798 5.2.7); use \"1s\" or \"1010ms\", or an "
              "interval below 10ms for fast mode\n");
}

TEST(ValueErrors, StandardIntervalAtMost4095Centiseconds) {
    EXPECT_EQ(instance_of(with("advert_interval = \"40.95s\"\n")).advert_interval, 40950ms);
    EXPECT_EQ(errors_of(with("advert_interval = \"41s\"\n")),
              "x.toml:6:19: error: 'advert_interval' = \"41s\" is above 40.95s, the VRRPv3 "
              "maximum (RFC 5798 5.2.7)\n");
}

TEST(ValueErrors, FastIntervalAtLeast100us) {
    EXPECT_EQ(errors_of(with("advert_interval = \"99us\"\n")),
              "x.toml:6:19: error: 'advert_interval' = \"99us\" is below 100us, the shortest "
              "interval xvrrp supports (fast mode)\n");
}

TEST(ValueErrors, Version2IntervalIsWholeSeconds) {
    EXPECT_EQ(errors_of(with("version = 2\nadvert_interval = \"1500ms\"\n")),
              "x.toml:7:19: error: 'advert_interval' = \"1500ms\" is not a VRRPv2 interval: use "
              "whole seconds from 1s to 255s (RFC 3768 5.3.7)\n");
    EXPECT_EQ(errors_of(with("version = 2\nadvert_interval = \"10ms\"\n")),
              "x.toml:7:19: error: 'advert_interval' = \"10ms\" is not a VRRPv2 interval: use "
              "whole seconds from 1s to 255s (RFC 3768 5.3.7)\n");
    Instance v2 = instance_of(with("version = 2\nadvert_interval = \"255s\"\n"));
    EXPECT_EQ(v2.advert_interval, 255s);
    EXPECT_EQ(v2.advert_interval_field(), 255);
}

TEST(ValueErrors, LeaseBetweenOneAndThreeIntervals) {
    EXPECT_EQ(instance_of(with("lease = \"2s\"\n")).lease, 2s);
    EXPECT_EQ(errors_of(with("lease = \"1s\"\n")),
              "x.toml:6:9: error: 'lease' = \"1s\" must be longer than advert_interval (1s) and "
              "at most 3 x advert_interval (3s)\n");
    EXPECT_EQ(errors_of(with("advert_interval = \"10ms\"\nlease = \"31ms\"\n")),
              "x.toml:7:9: error: 'lease' = \"31ms\" must be longer than advert_interval (10ms) "
              "and at most 3 x advert_interval (30ms)\n");
}

TEST(ValueErrors, ChecksumNames) {
    EXPECT_EQ(instance_of(with("checksum = \"without_pseudo_header\"\n")).checksum,
              Checksum::WithoutPseudoHeader);
    EXPECT_EQ(errors_of(with("checksum = \"none\"\n")),
              "x.toml:6:12: error: 'checksum' must be \"with_pseudo_header\" or "
              "\"without_pseudo_header\", got \"none\"\n");
    EXPECT_EQ(errors_of(with("version = 2\nchecksum = \"without_pseudo_header\"\n")),
              "x.toml:7:12: error: 'checksum' = \"without_pseudo_header\" applies to IPv4 VRRPv3 "
              "only; remove it\n");
}

TEST(ValueErrors, GratuitousArpLimits) {
    EXPECT_EQ(errors_of(with("garp_count = 256\n")),
              "x.toml:6:14: error: 'garp_count' must be 0..255 (0: no gratuitous ARP), got "
              "256\n");
    EXPECT_EQ(errors_of(with("garp_interval = \"11s\"\n")),
              "x.toml:6:17: error: 'garp_interval' must be from 0s to 10s, got 11s\n");
}

TEST(ValueErrors, InterfaceNameMustFitTheKernel) {
    EXPECT_EQ(errors_of(replacing("\"eth0\"", "\"a-very-long-ifname\"")),
              "x.toml:3:13: error: 'interface' = \"a-very-long-ifname\" is not an interface name "
              "(1 to 15 characters, no '/', ':', spaces or control characters)\n");
    // The kernel refuses ':' (its old alias syntax) as it does '/' and spaces.
    for (const char *bad : {"eth0:1", "a/b", "a b", "..", "", "eth\\u001b0"})
        EXPECT_NE(errors_of(replacing("\"eth0\"", "\"" + std::string(bad) + "\"")), "") << bad;
    EXPECT_EQ(errors_of(replacing("\"eth0\"", "\"fifteen-chars-x\"")), "");
}

// Every value that names an interface is checked alike when the file is read: a bad
// vip_interface used to pass and then throw from the host checks, aborting `xvrrpd --check`
// and failing `xvrrpd` only after it had written its pid file.
TEST(ValueErrors, VipInterfaceMustBeAnInterfaceName) {
    EXPECT_EQ(errors_of("[daemon]\nvip_interface = \"dummy0-for-the-vips\"\n" + with("")),
              "x.toml:2:17: error: 'vip_interface' = \"dummy0-for-the-vips\" is not an "
              "interface name (1 to 15 characters, no '/', ':', spaces or control characters)\n");
    EXPECT_NE(errors_of("[daemon]\nvip_interface = \"a/b\"\n" + with("")), "");
    EXPECT_NE(errors_of("[daemon]\nvip_interface = \"\"\n" + with("")), "");
    ConfigResult r = parse_config("[daemon]\nvip_interface = \"vips\"\n" + with(""), "x.toml");
    ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
    EXPECT_EQ(r.config->daemon.vip_interface, "vips");
}

TEST(ValueErrors, TrackedInterfaceMustBeAnInterfaceName) {
    EXPECT_EQ(errors_of(with("track_interface = [{ name = \"eth1:0\" }]\n")),
              "x.toml:6:29: error: 'track_interface.name' = \"eth1:0\" is not an interface name "
              "(1 to 15 characters, no '/', ':', spaces or control characters)\n");
}

// The name starts the daemon's log lines and xvrrpctl's rows; paths appear in its log.
TEST(ValueErrors, NamesAndPathsHoldNoControlCharacters) {
    EXPECT_EQ(errors_of(replacing("\"web\"", "\"web\\nxvrrpd: master\"")),
              "x.toml:2:8: error: 'name' = \"web\\nxvrrpd: master\" holds a control character; "
              "use a plain label\n");
    EXPECT_EQ(errors_of("[daemon]\npid_file = \"/run/x\\u001b[2J.pid\"\n" + with("")),
              "x.toml:2:12: error: 'pid_file' = \"/run/x\\x1b[2J.pid\" holds a control "
              "character; write the path alone\n");
    EXPECT_EQ(errors_of(replacing("\"web\"", "\"wéb\"")), "");  // not ASCII, still a label
}

TEST(ValueErrors, AdvertThreadLimits) {
    EXPECT_EQ(errors_of(with("advert_thread = { sched_priority = 100, cpu = -2 }\n")),
              "x.toml:6:36: error: 'advert_thread.sched_priority' must be 0..99 (0: SCHED_OTHER, "
              "1..99: SCHED_FIFO), got 100\n"
              "x.toml:6:47: error: 'advert_thread.cpu' must be a CPU number 0..1023 or -1 (any), "
              "got -2\n");
    Instance i = instance_of(with("advert_thread = { sched_priority = 50, cpu = 2 }\n"));
    EXPECT_EQ(i.advert_thread, (AdvertThread{50, {2}, AdvertSpread::Redundant}));
}

TEST(ValueErrors, AdvertThreadCpusAndSpread) {
    Instance i = instance_of(with("advert_thread = { cpus = [1, 0], spread = \"staggered\" }\n"));
    EXPECT_EQ(i.advert_thread, (AdvertThread{0, {1, 0}, AdvertSpread::Staggered}));
    EXPECT_TRUE(
        instance_of(with("advert_thread = { cpus = \"auto\" }\n")).advert_thread.cpus.empty());
    EXPECT_EQ(errors_of(with("advert_thread = { cpus = [0, 0] }\n")),
              "x.toml:6:30: error: 'advert_thread.cpus': CPU 0 is listed twice\n");
    EXPECT_EQ(errors_of(with("advert_thread = { cpus = [] }\n")),
              "x.toml:6:26: error: 'advert_thread.cpus' must not be empty; \"auto\" picks two "
              "CPUs\n");
    EXPECT_EQ(errors_of(with("advert_thread = { cpus = \"all\" }\n")),
              "x.toml:6:26: error: 'advert_thread.cpus' must be \"auto\" or a list of CPU numbers "
              "such as [0, 1], got \"all\"\n");
    EXPECT_EQ(errors_of(with("advert_thread = { cpu = 1, cpus = [0] }\n")),
              "x.toml:6:25: error: give either 'advert_thread.cpu' or 'advert_thread.cpus', not "
              "both\n");
    EXPECT_EQ(errors_of(with("advert_thread = { spread = \"both\" }\n")),
              "x.toml:6:28: error: 'advert_thread.spread' must be \"redundant\" or "
              "\"staggered\", got \"both\"\n");
}

TEST(ValueErrors, LateExpiryThresholdAndGrace) {
    Instance i =
        instance_of(with("late_expiry_threshold = \"150us\"\nlate_expiry_grace = \"0s\"\n"));
    EXPECT_EQ(i.late_expiry_threshold, 150us);
    EXPECT_EQ(i.late_expiry_grace, 0s);
    EXPECT_EQ(errors_of(with("late_expiry_grace = \"soon\"\n")),
              "x.toml:6:21: error: 'late_expiry_grace' must be \"auto\" or a duration such as "
              "\"500us\" (\"0s\": no grace), got \"soon\"\n");
    EXPECT_EQ(errors_of(with("late_expiry_threshold = \"5us\"\n")),
              "x.toml:6:25: error: 'late_expiry_threshold' must be from 10us to 60s, got 5us\n");
}

TEST(ValueErrors, TrackInterfaceWeight) {
    EXPECT_EQ(errors_of(with("track_interface = [{ name = \"eth1\", weight = -255 }]\n")),
              "x.toml:6:46: error: 'track_interface.weight' must be -254..254 (0: fault while "
              "down), got -255\n");
    EXPECT_EQ(errors_of(with("track_interface = [{ weight = 10 }]\n")),
              "x.toml:6:20: error: missing required key 'track_interface.name' in "
              "'track_interface' entry\n");
}

}  // namespace
}  // namespace xvrrp::config
