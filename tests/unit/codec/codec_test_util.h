// Helpers shared by the codec tests: sample adverts, packet surgery, vector files.
#pragma once

#include <cctype>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include <gtest/gtest.h>

#include "vrrp/checksum.h"
#include "vrrp/codec.h"

namespace xvrrp::vrrp::test {

inline IpAddress ip(const char *text) {
    return *IpAddress::parse(text);
}

inline Advert v3_ipv4_advert() {
    Advert a;
    a.version = 3;
    a.vrid = 51;
    a.priority = 150;
    a.interval_field = 100;
    a.source = ip("192.0.2.1");
    a.addresses = {ip("192.0.2.100"), ip("192.0.2.101")};
    return a;
}

inline Advert v2_ipv4_advert() {
    Advert a = v3_ipv4_advert();
    a.version = 2;
    a.interval_field = 1;
    return a;
}

inline Advert v3_ipv6_advert() {
    Advert a;
    a.version = 3;
    a.vrid = 7;
    a.priority = 200;
    a.interval_field = 1;
    a.source = ip("fe80::1");
    a.addresses = {ip("fe80::7"), ip("2001:db8::7")};
    return a;
}

inline std::vector<uint8_t> packet_of(const Advert &a, IpHeaderOptions o = {}) {
    auto r = encode_ip_packet(a, o);
    EXPECT_TRUE(r.ok()) << to_string(r.error());
    return r.ok() ? r.value() : std::vector<uint8_t>{};
}

inline size_t ip_header_len(const std::vector<uint8_t> &p) {
    return (p[0] >> 4) == 4 ? size_t(p[0] & 0x0f) * 4 : kIpv6HeaderSize;
}

inline void put16(std::vector<uint8_t> &p, size_t off, uint16_t v) {
    p[off] = uint8_t(v >> 8);
    p[off + 1] = uint8_t(v);
}

// Recomputes the IPv4 header checksum and the VRRP checksum after a test edited the bytes, so
// that the check under test, not a checksum, is what rejects the packet.
inline void refresh_checksums(std::vector<uint8_t> &p, bool ipv4_pseudo_header = true) {
    const bool v4 = (p[0] >> 4) == 4;
    const size_t hl = ip_header_len(p);
    IpAddress src, dst;
    if (v4) {
        put16(p, 10, 0);
        put16(p, 10, checksum::internet_checksum(std::span(p.data(), hl)));
        src = IpAddress::v4(p[12], p[13], p[14], p[15]);
        dst = IpAddress::v4(p[16], p[17], p[18], p[19]);
    } else {
        src.family = dst.family = Family::IPv6;
        std::copy_n(&p[8], 16, src.bytes.begin());
        std::copy_n(&p[24], 16, dst.bytes.begin());
    }
    if (p.size() < hl + 8) return;
    std::span<uint8_t> vrrp(p.data() + hl, p.size() - hl);
    vrrp[6] = vrrp[7] = 0;
    uint32_t sum = checksum::add(vrrp);
    if ((vrrp[0] >> 4) != 2) {
        if (!v4)
            sum += checksum::ipv6_pseudo_header_sum(src, dst, 112, uint32_t(vrrp.size()));
        else if (ipv4_pseudo_header)
            sum += checksum::ipv4_pseudo_header_sum(src, dst, 112, uint16_t(vrrp.size()));
    }
    const uint16_t c = checksum::finish(sum);
    vrrp[6] = uint8_t(c >> 8);
    vrrp[7] = uint8_t(c);
}

// Reads a captured vector: '#' lines are comments, the rest is hex.
inline std::vector<uint8_t> read_hex_vector(const std::string &name) {
    std::ifstream in(std::string(XVRRP_TEST_DATA_DIR) + "/" + name);
    EXPECT_TRUE(in) << "cannot open " << name;
    std::string line, hex;
    while (std::getline(in, line)) {
        if (line.empty() || line[0] == '#') continue;
        for (char c : line)
            if (std::isxdigit(static_cast<unsigned char>(c))) hex += c;
    }
    std::vector<uint8_t> bytes;
    for (size_t i = 0; i + 1 < hex.size(); i += 2)
        bytes.push_back(uint8_t(std::stoul(hex.substr(i, 2), nullptr, 16)));
    return bytes;
}

}  // namespace xvrrp::vrrp::test
