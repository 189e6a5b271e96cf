// Whole Ethernet frames the daemon transmits, checked byte for byte.
#include "codec_test_util.h"
#include "vrrp/frames.h"

namespace xvrrp::vrrp::test {
namespace {

constexpr MacAddress kIfMac{0x52, 0x54, 0x00, 0x12, 0x34, 0x56};

std::vector<uint8_t> bytes(std::initializer_list<int> list) {
    std::vector<uint8_t> v;
    for (int b : list) v.push_back(uint8_t(b));
    return v;
}

TEST(Frames, AVlanTagGoesAfterTheMacsWithPriorityZero_Ieee802_1Q) {
    auto frame = build_gratuitous_arp(kIfMac, IpAddress::v4(192, 0, 2, 100));
    auto tagged = frame;
    add_vlan_tag(tagged, 4094);
    ASSERT_EQ(tagged.size(), frame.size() + 4);
    EXPECT_EQ(std::vector<uint8_t>(tagged.begin(), tagged.begin() + 12),
              std::vector<uint8_t>(frame.begin(), frame.begin() + 12));
    EXPECT_EQ(std::vector<uint8_t>(tagged.begin() + 12, tagged.begin() + 16),
              bytes({0x81, 0x00, 0x0f, 0xfe}));
    EXPECT_EQ(std::vector<uint8_t>(tagged.begin() + 16, tagged.end()),
              std::vector<uint8_t>(frame.begin() + 12, frame.end()));
    auto untagged = frame;
    add_vlan_tag(untagged, 0);
    EXPECT_EQ(untagged, frame);
}

TEST(Frames, VirtualMacIsIanaPrefixPlusVrid_Rfc5798_7_3) {
    EXPECT_EQ(virtual_mac(Family::IPv4, 51), (MacAddress{0x00, 0x00, 0x5e, 0x00, 0x01, 51}));
    EXPECT_EQ(virtual_mac(Family::IPv6, 7), (MacAddress{0x00, 0x00, 0x5e, 0x00, 0x02, 7}));
}

TEST(Frames, Ipv4AdvertFrameByteForByte) {
    Advert a;
    a.vrid = 51, a.priority = 150, a.interval_field = 100;
    a.source = ip("192.0.2.1");
    a.addresses = {ip("192.0.2.100")};
    AdvertFrameOptions o;
    o.source_mac = virtual_mac(Family::IPv4, 51);
    o.ip.ipv4_id = 7;
    auto f = build_advert_frame(a, o);
    ASSERT_TRUE(f.ok()) << to_string(f.error());
    const auto expected = bytes({
        0x01, 0x00, 0x5e, 0x00, 0x00, 0x12, 0x00, 0x00, 0x5e, 0x00, 0x01, 0x33, 0x08, 0x00,  //
        0x45, 0xc0, 0x00, 0x20, 0x00, 0x07, 0x00, 0x00, 0xff, 0x70, 0x18, 0x93,              //
        192,  0,    2,    1,    224,  0,    0,    18,                                        //
        0x31, 0x33, 0x96, 0x01, 0x00, 0x64, 0x00, 0x00, 192,  0,    2,    100,               //
    });
    ASSERT_EQ(f->size(), expected.size());
    // VRRP checksum: computed independently below, then the whole frame must match.
    auto e = expected;
    std::vector<uint8_t> vrrp(e.begin() + 34, e.end());
    const uint16_t c = checksum::finish(
        checksum::add(vrrp, checksum::ipv4_pseudo_header_sum(a.source, ip("224.0.0.18"), 112, 12)));
    e[40] = uint8_t(c >> 8), e[41] = uint8_t(c);
    EXPECT_EQ(checksum::internet_checksum(std::span(e.data() + 14, 20)), 0);
    EXPECT_EQ(f.value(), e);
}

TEST(Frames, Ipv6AdvertFrameGoesToFf02_12AndItsMac) {
    Advert a = v3_ipv6_advert();
    AdvertFrameOptions o;
    o.source_mac = virtual_mac(Family::IPv6, a.vrid);
    auto f = build_advert_frame(a, o);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ((std::vector<uint8_t>(f->begin(), f->begin() + 14)),
              bytes({0x33, 0x33, 0, 0, 0, 0x12, 0, 0, 0x5e, 0, 0x02, 7, 0x86, 0xdd}));
    auto r = decode_ip_packet(std::span(*f).subspan(14));
    ASSERT_TRUE(r.ok()) << to_string(r.error());
    EXPECT_EQ(r->addresses, a.addresses);
}

TEST(Frames, UnicastAdvertNeedsExplicitDestinationMac) {
    AdvertFrameOptions o;
    o.source_mac = kIfMac;
    o.ip.destination = ip("192.0.2.2");
    auto f = build_advert_frame(v3_ipv4_advert(), o);
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error(), EncodeError::MissingDestinationMac);
    o.destination_mac = MacAddress{2, 0, 0, 0, 0, 2};
    f = build_advert_frame(v3_ipv4_advert(), o);
    ASSERT_TRUE(f.ok());
    EXPECT_EQ((std::vector<uint8_t>(f->begin(), f->begin() + 6)), bytes({2, 0, 0, 0, 0, 2}));
}

TEST(Frames, AdvertFramePropagatesEncodeError) {
    Advert a = v3_ipv4_advert();
    a.vrid = 0;
    auto f = build_advert_frame(a, {});
    ASSERT_FALSE(f.ok());
    EXPECT_EQ(f.error(), EncodeError::VridZero);
}

TEST(Frames, GratuitousArpByteForByte_Rfc5227_3) {
    EXPECT_EQ(build_gratuitous_arp(kIfMac, ip("192.0.2.100")),
              bytes({
                  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 0x52, 0x54, 0x00, 0x12, 0x34, 0x56,  //
                  0x08, 0x06, 0x00, 0x01, 0x08, 0x00, 6,    4,    0x00, 0x01,              //
                  0x52, 0x54, 0x00, 0x12, 0x34, 0x56, 192,  0,    2,    100,               //
                  0xff, 0xff, 0xff, 0xff, 0xff, 0xff, 192,  0,    2,    100,               //
              }));
}

TEST(Frames, UnsolicitedNeighborAdvertisementByteForByte_Rfc4861_4_4) {
    const IpAddress target = ip("2001:db8::100");
    const IpAddress source = ip("fe80::1");
    const auto f = build_unsolicited_na(kIfMac, target, source);
    auto expected =
        bytes({
            0x33, 0x33, 0,    0,    0,    1,    0x52, 0x54,
            0x00, 0x12, 0x34, 0x56, 0x86, 0xdd,             // Ethernet
            0x60, 0,    0,    0,    0,    32,   58,   255,  // IPv6
            0xfe, 0x80, 0,    0,    0,    0,    0,    0,
            0,    0,    0,    0,    0,    0,    0,    1,  // source
            0xff, 0x02, 0,    0,    0,    0,    0,    0,
            0,    0,    0,    0,    0,    0,    0,    1,  // ff02::1
            136,  0,    0,    0,    0x20, 0,    0,    0,  // NA, O flag
            0x20, 0x01, 0x0d, 0xb8, 0,    0,    0,    0,
            0,    0,    0,    0,    0,    0,    0x01, 0x00,  // target
            2,    1,    0x52, 0x54, 0x00, 0x12, 0x34, 0x56,  // TLLA option
        });
    ASSERT_EQ(f.size(), expected.size());
    // RFC 4443 2.3: a correct checksum makes the sum over pseudo-header + message verify to 0.
    std::span<const uint8_t> icmp(f.data() + 54, 32);
    EXPECT_EQ(checksum::finish(checksum::add(
                  icmp, checksum::ipv6_pseudo_header_sum(source, ip("ff02::1"), 58, 32))),
              0);
    expected[56] = f[56], expected[57] = f[57];
    EXPECT_EQ(f, expected);
}

TEST(Frames, UnsolicitedNeighborAdvertisementDefaultsSourceToTarget) {
    const auto f = build_unsolicited_na(kIfMac, ip("2001:db8::100"));
    const IpAddress target = ip("2001:db8::100");
    EXPECT_TRUE(std::equal(target.bytes.begin(), target.bytes.end(), f.begin() + 22));
}

TEST(Frames, UnsolicitedNeighborAdvertisementOfARouterCarriesTheRouterFlag) {
    const IpAddress target = ip("2001:db8::100");
    const auto f = build_unsolicited_na(kIfMac, target, std::nullopt, /*router=*/true);
    EXPECT_EQ(f[58], 0xa0);  // R and O (RFC 4861 4.4)
    std::span<const uint8_t> icmp(f.data() + 54, 32);
    EXPECT_EQ(checksum::finish(checksum::add(
                  icmp, checksum::ipv6_pseudo_header_sum(target, ip("ff02::1"), 58, 32))),
              0);
}

}  // namespace
}  // namespace xvrrp::vrrp::test
