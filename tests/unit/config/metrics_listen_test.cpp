// [daemon] metrics_listen: off by default, a numeric IPv4 or [IPv6] address with a port, and
// every wrong spelling refused with its position.
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace xvrrp::config {
namespace {

using testing::errors_of;
using testing::with;

std::optional<ListenAddress> listen_of(const std::string &value) {
    ConfigResult r =
        parse_config("[daemon]\nmetrics_listen = " + value + "\n" + with(""), "x.toml");
    if (!r.ok()) return std::nullopt;
    return r.config->daemon.metrics_listen;
}

TEST(MetricsListen, OffByDefault) {
    ConfigResult r = parse_config(with(""), "x.toml");
    ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
    EXPECT_FALSE(r.config->daemon.metrics_listen);
}

TEST(MetricsListen, OffIsSpelledOff) {
    ConfigResult r = parse_config("[daemon]\nmetrics_listen = \"off\"\n" + with(""), "x.toml");
    ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
    EXPECT_FALSE(r.config->daemon.metrics_listen);
}

TEST(MetricsListen, Ipv4AddressAndPort) {
    auto a = listen_of("\"127.0.0.1:9650\"");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->address, IpAddress::v4(127, 0, 0, 1));
    EXPECT_EQ(a->port, 9650);
    EXPECT_EQ(a->to_string(), "127.0.0.1:9650");
    EXPECT_EQ(listen_of("\"0.0.0.0:1\"")->port, 1);
    EXPECT_EQ(listen_of("\"0.0.0.0:65535\"")->port, 65535);
}

TEST(MetricsListen, Ipv6AddressInBrackets) {
    auto a = listen_of("\"[::1]:9650\"");
    ASSERT_TRUE(a);
    EXPECT_EQ(a->address, *IpAddress::parse("::1"));
    EXPECT_EQ(a->port, 9650);
    EXPECT_EQ(a->to_string(), "[::1]:9650");
    EXPECT_TRUE(listen_of("\"[2001:db8::5]:80\""));
}

TEST(MetricsListen, WrongSpellingsAreRefusedWithTheirPosition) {
    const std::string message =
        "x.toml:2:18: error: 'metrics_listen' must be \"off\" or a numeric address and port such "
        "as \"127.0.0.1:9650\" or \"[::1]:9650\" (port 1-65535, no host names), got ";
    for (const char *bad :
         {"localhost:9650", "127.0.0.1", "127.0.0.1:", "127.0.0.1:0", "127.0.0.1:65536",
          "127.0.0.1:09650", "127.0.0.1:96x0", ":9650", "::1:9650", "[127.0.0.1]:9650", "[::1]",
          "[::1]9650", "", "on", "127.0.0.1:-1", "127.0.0.1:123456"}) {
        EXPECT_EQ(errors_of("[daemon]\nmetrics_listen = \"" + std::string(bad) + "\"\n" + with("")),
                  message + "\"" + bad + "\"\n")
            << bad;
    }
}

TEST(MetricsListen, AddressesThatCanNeverBeBoundAreRefusedWithTheReason) {
    const std::string at = "x.toml:2:18: error: 'metrics_listen' \"";
    EXPECT_EQ(errors_of("[daemon]\nmetrics_listen = \"224.0.0.18:9650\"\n" + with("")),
              at + "224.0.0.18:9650\": a multicast address cannot be listened on\n");
    EXPECT_EQ(errors_of("[daemon]\nmetrics_listen = \"255.255.255.255:9650\"\n" + with("")),
              at + "255.255.255.255:9650\": the broadcast address cannot be listened on\n");
    EXPECT_EQ(errors_of("[daemon]\nmetrics_listen = \"[ff02::12]:9650\"\n" + with("")),
              at + "[ff02::12]:9650\": a multicast address cannot be listened on\n");
    EXPECT_EQ(errors_of("[daemon]\nmetrics_listen = \"[fe80::1]:9650\"\n" + with("")),
              at + "[fe80::1]:9650\": a link-local address needs an interface, which " +
                  "metrics_listen cannot name; use a global or loopback address\n");
    EXPECT_EQ(errors_of("[daemon]\nmetrics_listen = \"[::ffff:127.0.0.1]:9650\"\n" + with("")),
              at + "[::ffff:127.0.0.1]:9650\": an IPv4-mapped address: write the IPv4 address " +
                  "itself (\"127.0.0.1:9650\")\n");
    // Their neighbours are fine.
    EXPECT_TRUE(listen_of("\"223.255.255.255:9650\""));
    EXPECT_TRUE(listen_of("\"[fec0::1]:9650\""));
    EXPECT_TRUE(listen_of("\"[::fffe:7f00:1]:9650\""));
}

TEST(MetricsListen, MustBeAString) {
    EXPECT_EQ(errors_of("[daemon]\nmetrics_listen = 9650\n" + with(""))
                  .rfind("x.toml:2:18: error: 'metrics_listen'", 0),
              0u);
}

}  // namespace
}  // namespace xvrrp::config
