// Golden vectors captured from keepalived 2.2.7 (tests/unit/data/capture-keepalived-vectors.sh):
// decode every field, then rebuild the same frame from those fields and compare byte for byte.
#include "codec_test_util.h"
#include "vrrp/frames.h"

namespace xvrrp::vrrp::test {
namespace {

constexpr MacAddress kKeepalivedMac{0x02, 0x00, 0x00, 0x00, 0x0a, 0x01};

std::span<const uint8_t> ip_part(const std::vector<uint8_t> &frame) {
    return std::span(frame).subspan(kEthernetHeaderSize);
}

TEST(KeepalivedVectors, V3Ipv4DecodesEveryField) {
    const auto frame = read_hex_vector("keepalived-v3-ipv4.hex");
    ASSERT_EQ(frame.size(), 50u);
    auto r = decode_ip_packet(ip_part(frame));
    ASSERT_TRUE(r.ok()) << to_string(r.error());
    EXPECT_EQ(r->version, 3);
    EXPECT_EQ(r->vrid, 52);
    EXPECT_EQ(r->priority, 200);
    EXPECT_EQ(r->interval_field, 100);  // advert_int 1 = 100 centiseconds
    EXPECT_EQ(r->interval(), std::chrono::seconds(1));
    EXPECT_EQ(r->source, ip("192.0.2.1"));
    EXPECT_EQ(r->addresses, (std::vector{ip("192.0.2.52"), ip("192.0.2.152")}));
}

TEST(KeepalivedVectors, V3Ipv4DefaultChecksumCoversPseudoHeader) {
    const auto frame = read_hex_vector("keepalived-v3-ipv4.hex");
    DecodeOptions o;
    o.ipv4_checksum = Ipv4ChecksumAccept::WithoutPseudoHeader;
    auto r = decode_ip_packet(ip_part(frame), o);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), DecodeError::BadChecksum);
}

TEST(KeepalivedVectors, V3Ipv4RebuiltByteForByte) {
    const auto frame = read_hex_vector("keepalived-v3-ipv4.hex");
    const Advert a = decode_ip_packet(ip_part(frame)).value();
    AdvertFrameOptions o;
    o.source_mac = kKeepalivedMac;
    o.ip.ipv4_id = IpIdCounter().next();  // keepalived's first advert carries ID 1
    auto built = build_advert_frame(a, o);
    ASSERT_TRUE(built.ok()) << to_string(built.error());
    EXPECT_EQ(built.value(), frame);
}

TEST(KeepalivedVectors, V2Ipv4DecodesEveryField) {
    const auto frame = read_hex_vector("keepalived-v2-ipv4.hex");
    ASSERT_EQ(frame.size(), 54u);
    auto r = decode_ip_packet(ip_part(frame));
    ASSERT_TRUE(r.ok()) << to_string(r.error());
    EXPECT_EQ(r->version, 2);
    EXPECT_EQ(r->vrid, 51);
    EXPECT_EQ(r->priority, 150);
    EXPECT_EQ(r->interval_field, 1);  // seconds
    EXPECT_EQ(r->interval(), std::chrono::seconds(1));
    EXPECT_EQ(r->source, ip("192.0.2.1"));
    EXPECT_EQ(r->addresses, std::vector{ip("192.0.2.51")});
}

TEST(KeepalivedVectors, V2Ipv4RebuiltByteForByte) {
    const auto frame = read_hex_vector("keepalived-v2-ipv4.hex");
    const Advert a = decode_ip_packet(ip_part(frame)).value();
    AdvertFrameOptions o;
    o.source_mac = kKeepalivedMac;
    o.ip.ipv4_id = 1;
    auto built = build_advert_frame(a, o);
    ASSERT_TRUE(built.ok()) << to_string(built.error());
    EXPECT_EQ(built.value(), frame);
}

TEST(KeepalivedVectors, V3Ipv6DecodesEveryField) {
    const auto frame = read_hex_vector("keepalived-v3-ipv6.hex");
    ASSERT_EQ(frame.size(), 78u);
    auto r = decode_ip_packet(ip_part(frame));
    ASSERT_TRUE(r.ok()) << to_string(r.error());
    EXPECT_EQ(r->version, 3);
    EXPECT_EQ(r->vrid, 53);
    EXPECT_EQ(r->priority, 100);
    EXPECT_EQ(r->interval_field, 100);
    EXPECT_EQ(r->source, ip("fe80::a1"));
    EXPECT_EQ(r->addresses, std::vector{ip("2001:db8::53")});
}

TEST(KeepalivedVectors, V3Ipv6FirstAddressIsNotLinkLocal_DeviatesFromRfc5798_5_2_9) {
    const auto frame = read_hex_vector("keepalived-v3-ipv6.hex");
    DecodeOptions strict;
    strict.require_link_local_first_address = true;
    auto r = decode_ip_packet(ip_part(frame), strict);
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(r.error(), DecodeError::FirstAddressNotLinkLocal);
}

TEST(KeepalivedVectors, V3Ipv6RebuiltByteForByte) {
    const auto frame = read_hex_vector("keepalived-v3-ipv6.hex");
    const Advert a = decode_ip_packet(ip_part(frame)).value();
    AdvertFrameOptions o;
    o.source_mac = kKeepalivedMac;
    // The kernel chose keepalived's flow label (auto flow labels); it is the one field not
    // derived from the advert.
    o.ip.flow_label = uint32_t(frame[15] & 0x0f) << 16 | uint32_t(frame[16]) << 8 | frame[17];
    auto built = build_advert_frame(a, o);
    ASSERT_TRUE(built.ok()) << to_string(built.error());
    EXPECT_EQ(built.value(), frame);
}

TEST(KeepalivedVectors, GratuitousArpRebuiltByteForByte) {
    const auto frame = read_hex_vector("keepalived-garp.hex");
    ASSERT_EQ(frame.size(), 42u);
    EXPECT_EQ(build_gratuitous_arp(kKeepalivedMac, ip("192.0.2.52")), frame);
}

TEST(KeepalivedVectors, UnsolicitedNeighborAdvertisementRebuiltByteForByte) {
    const auto frame = read_hex_vector("keepalived-na.hex");
    ASSERT_EQ(frame.size(), 86u);
    EXPECT_EQ(build_unsolicited_na(kKeepalivedMac, ip("2001:db8::53")), frame);
}

}  // namespace
}  // namespace xvrrp::vrrp::test
