// How much one configuration may hold: what fits one advert, and what the XDP program's maps
// hold per interface (include/xvrrp/abi.h). The full scale, 255 VRIDs and 4096 service IPs on
// one interface, must parse.
#include <gtest/gtest.h>
#include <xvrrp/abi.h>

#include <algorithm>

#include "config_test_util.h"

namespace xvrrp::config {
namespace {

using testing::errors_of;

// The k-th IPv4 service IP (k from 0): 10.20.0.1 ... 250 per /24, no .0 or .255.
std::string vip(size_t k) {
    return "10.20." + std::to_string(k / 250) + "." + std::to_string(k % 250 + 1);
}

// One [[instance]] with one address per line: its first address is on line first_line + 5.
struct Builder {
    std::string text;
    uint32_t lines = 0;

    // Returns the line of the instance's first service IP.
    uint32_t add(int vrid, const std::string &ifname, size_t first_vip, size_t count,
                 const std::string &extra = "", bool ipv6 = false) {
        std::string s = "[[instance]]\nname = \"v" + ifname + std::to_string(vrid) +
                        "\"\ninterface = \"" + ifname + "\"\nvrid = " + std::to_string(vrid) +
                        "\n" + extra + "virtual_ips = [\n";
        const uint32_t first_line =
            lines + 5 + static_cast<uint32_t>(std::count(extra.begin(), extra.end(), '\n'));
        for (size_t k = first_vip; k < first_vip + count; ++k) {
            std::string addr = ipv6 ? "2001:db8::" + std::to_string(k + 1) : vip(k);
            s += "  \"" + addr + "\",\n";
        }
        s += "]\n";
        text += s;
        lines += static_cast<uint32_t>(std::count(s.begin(), s.end(), '\n'));
        return first_line + 1;
    }
};

TEST(Limits, EveryVridWith4096ServiceIpsOnOneInterfaceParses) {
    ASSERT_EQ(XVRRP_MAX_INSTANCES, 255);
    ASSERT_GE(XVRRP_MAX_VIPS, 4096);
    Builder b;
    size_t next = 0;
    for (int vrid = 1; vrid <= 255; ++vrid) {
        size_t count = 4096 / 255 + (vrid <= 4096 % 255 ? 1 : 0);  // 16 or 17
        b.add(vrid, "eth0", next, count);
        next += count;
    }
    ASSERT_EQ(next, 4096u);
    ConfigResult r = parse_config(b.text, "x.toml");
    ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
    EXPECT_EQ(r.config->instances.size(), 255u);
}

TEST(Limits, OneServiceIpMoreThanTheInterfaceHoldsIsAnErrorAtThatAddress) {
    Builder b;
    b.add(1, "eth0", 0, 255);
    size_t next = 255;
    uint32_t line = 0;
    for (int vrid = 2; next < XVRRP_MAX_VIPS + 1; ++vrid) {
        size_t count = std::min<size_t>(255, XVRRP_MAX_VIPS + 1 - next);
        line = b.add(vrid, "eth0", next, count) + static_cast<uint32_t>(count) - 1;
        next += count;
    }
    EXPECT_EQ(errors_of(b.text),
              "x.toml:" + std::to_string(line) + ":3: error: service IP " + vip(XVRRP_MAX_VIPS) +
                  " is one more than eth0 can hold: xvrrp answers ARP for at most " +
                  std::to_string(XVRRP_MAX_VIPS) + " IPv4 service IPs per interface\n");
}

TEST(Limits, TheServiceIpLimitIsPerInterface) {
    Builder b;
    size_t next = 0;
    for (int vrid = 1; next < XVRRP_MAX_VIPS; ++vrid) {
        size_t count = std::min<size_t>(255, XVRRP_MAX_VIPS - next);
        b.add(vrid, "eth0", next, count);
        next += count;
    }
    b.add(1, "eth1", next, 10);
    EXPECT_EQ(errors_of(b.text), "");
}

TEST(Limits, AnAdvertCarriesAtMost255Ipv4Addresses) {
    Builder ok;
    ok.add(1, "eth0", 0, 255);
    EXPECT_EQ(errors_of(ok.text), "");
    Builder b;
    uint32_t first = b.add(1, "eth0", 0, 256);
    EXPECT_EQ(errors_of(b.text),
              "x.toml:" + std::to_string(first + 255) +
                  ":3: error: 'virtual_ips' holds 256 addresses; one VRRP advert carries at "
                  "most 255 (Count IPvX Addr is 8 bits, RFC 5798 5.2.5); spread them over "
                  "several instances (VRIDs)\n");
}

TEST(Limits, AnIpv6AdvertFitsA1500ByteMtu) {
    Builder ok;
    ok.add(1, "eth0", 0, 90, "", true);
    EXPECT_EQ(errors_of(ok.text), "");
    Builder b;
    uint32_t first = b.add(1, "eth0", 0, 91, "", true);
    EXPECT_EQ(errors_of(b.text),
              "x.toml:" + std::to_string(first + 90) +
                  ":3: error: 'virtual_ips' holds 91 addresses; one VRRPv3 advert carries at "
                  "most 90 IPv6 addresses in a 1500-byte packet; spread them over several "
                  "instances (VRIDs)\n");
}

// allowed_sources = ["192.0.2.1", ... n of them], one line.
std::string sources(int n) {
    std::string s = "allowed_sources = [";
    for (int i = 1; i <= n; ++i)
        s += (i > 1 ? ", " : "") + ("\"192.0.2." + std::to_string(i)) + "\"";
    return s + "]\n";
}

TEST(Limits, AllowedSourcesPerInterfaceFitTheMap) {
    ASSERT_EQ(XVRRP_MAX_ALLOWED_SRCS, 254 * 16 + 32);
    // One (VRID, source) pair per entry: 254 VRIDs with 16 sources and one with 32 fill it.
    auto config = [](int last_sources, uint32_t *last_header) {
        Builder b;
        for (int vrid = 1; vrid <= 254; ++vrid) b.add(vrid, "eth0", size_t(vrid), 1, sources(16));
        *last_header = b.lines + 1;
        b.add(255, "eth0", 255, 1, sources(last_sources));
        b.add(1, "eth1", 300, 1, sources(16));  // another interface has maps of its own
        return b.text;
    };
    uint32_t header = 0;
    EXPECT_EQ(errors_of(config(32, &header)), "");
    EXPECT_EQ(errors_of(config(33, &header)),
              "x.toml:" + std::to_string(header) +
                  ": error: 'allowed_sources' or 'unicast_peers' of instance 'veth0255' bring eth0 "
                  "to 4097 (VRID, "
                  "source) pairs; xvrrp holds at most 4096 per interface\n");
}

}  // namespace
}  // namespace xvrrp::config
