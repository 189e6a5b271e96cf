// Advert -> bytes: validation, header fields, round trips through decode.
#include "codec_test_util.h"

namespace xvrrp::vrrp::test {
namespace {

using namespace std::chrono_literals;

void expect_round_trip(const Advert &a, IpHeaderOptions o = {}, DecodeOptions d = {}) {
    const auto p = packet_of(a, o);
    auto r = decode_ip_packet(p, d);
    ASSERT_TRUE(r.ok()) << to_string(r.error());
    EXPECT_EQ(r->version, a.version);
    EXPECT_EQ(r->vrid, a.vrid);
    EXPECT_EQ(r->priority, a.priority);
    EXPECT_EQ(r->interval_field, a.interval_field);
    EXPECT_EQ(r->source, a.source);
    EXPECT_EQ(r->addresses, a.addresses);
}

EncodeError encode_error(const Advert &a) {
    auto r = encode_vrrp(a, vrrp_multicast_group(a.source.family));
    EXPECT_FALSE(r.ok());
    EXPECT_EQ(validate_advert(a), r.ok() ? std::nullopt : std::optional(r.error()));
    return r.ok() ? EncodeError{} : r.error();
}

TEST(Encode, RoundTripsV3Ipv4WithPseudoHeaderChecksum) {
    expect_round_trip(v3_ipv4_advert());
}

TEST(Encode, RoundTripsV3Ipv4WithoutPseudoHeaderChecksum) {
    IpHeaderOptions o;
    o.ipv4_checksum = Ipv4Checksum::WithoutPseudoHeader;
    DecodeOptions d;
    d.ipv4_checksum = Ipv4ChecksumAccept::WithoutPseudoHeader;
    expect_round_trip(v3_ipv4_advert(), o, d);
}

TEST(Encode, RoundTripsV2Ipv4) {
    expect_round_trip(v2_ipv4_advert());
}

TEST(Encode, RoundTripsV3Ipv6) {
    expect_round_trip(v3_ipv6_advert());
}

TEST(Encode, RoundTripsPriorityZeroAndOwner_Rfc5798_5_2_4) {
    Advert a = v3_ipv4_advert();
    a.priority = 0;  // master resigning
    expect_round_trip(a);
    a.priority = 255;  // address owner
    expect_round_trip(a);
}

TEST(Encode, RoundTripsLargestV3Interval) {
    Advert a = v3_ipv4_advert();
    a.interval_field = 4095;
    expect_round_trip(a);
}

TEST(Encode, RoundTripsUnicastDestination) {
    IpHeaderOptions o;
    o.destination = ip("192.0.2.2");
    expect_round_trip(v3_ipv4_advert(), o);
}

TEST(Encode, V3Ipv4PayloadLayout_Rfc5798_5_2) {
    auto p = encode_vrrp(v3_ipv4_advert(), ip("224.0.0.18")).value();
    ASSERT_EQ(p.size(), 8u + 2 * 4);
    EXPECT_EQ(p[0], 0x31);  // version 3, type 1
    EXPECT_EQ(p[1], 51);
    EXPECT_EQ(p[2], 150);
    EXPECT_EQ(p[3], 2);
    EXPECT_EQ(p[4], 0x00);  // reserved 0, interval high nibble
    EXPECT_EQ(p[5], 100);
    EXPECT_EQ((std::vector<uint8_t>(p.begin() + 8, p.end())),
              (std::vector<uint8_t>{192, 0, 2, 100, 192, 0, 2, 101}));
}

TEST(Encode, V2PayloadCarriesAuthTypeZeroAndEightZeroAuthBytes_Rfc3768_5_3) {
    auto p = encode_vrrp(v2_ipv4_advert(), ip("224.0.0.18")).value();
    ASSERT_EQ(p.size(), 8u + 2 * 4 + 8);
    EXPECT_EQ(p[0], 0x21);
    EXPECT_EQ(p[4], 0);  // auth type: no authentication
    EXPECT_EQ(p[5], 1);  // advert interval, seconds
    EXPECT_EQ(std::vector<uint8_t>(p.end() - 8, p.end()), std::vector<uint8_t>(8, 0));
}

TEST(Encode, V2PayloadWithAPasswordCarriesAuthTypeOneAndThePassword_Rfc2338_5_3_6_1) {
    const V2SimpleTextKey key = {'s', 'e', 'c', 'r', 'e', 't', 0, 0};
    auto p = encode_vrrp(v2_ipv4_advert(), ip("224.0.0.18"), Ipv4Checksum::WithPseudoHeader, key)
                 .value();
    ASSERT_EQ(p.size(), 8u + 2 * 4 + 8);
    EXPECT_EQ(p[4], 1);  // auth type: simple text password
    EXPECT_EQ(std::vector<uint8_t>(p.end() - 8, p.end()),
              std::vector<uint8_t>(key.begin(), key.end()));
    // The checksum covers the password, and the decoder takes it back with the same key only.
    IpInfo info{ip("192.0.2.11"), ip("224.0.0.18"), 255};
    DecodeOptions with_key;
    with_key.v2_simple_text_key = key;
    EXPECT_TRUE(decode_vrrp(p, info, with_key));
    EXPECT_EQ(decode_vrrp(p, info).error(), DecodeError::UnsupportedAuthType);
    with_key.v2_simple_text_key->at(0) = 'S';
    EXPECT_EQ(decode_vrrp(p, info, with_key).error(), DecodeError::AuthMismatch);
}

TEST(Encode, Ipv4HeaderAsKeepalivedSendsIt_Rfc5798_5_1_1) {
    IpHeaderOptions o;
    o.ipv4_id = 0x1234;
    const auto p = packet_of(v3_ipv4_advert(), o);
    ASSERT_EQ(p.size(), 20u + 16);
    EXPECT_EQ(p[0], 0x45);
    EXPECT_EQ(p[1], 0xc0);  // precedence 6, internetwork control
    EXPECT_EQ(p[2] << 8 | p[3], 36);
    EXPECT_EQ(p[4] << 8 | p[5], 0x1234);
    EXPECT_EQ(p[6] << 8 | p[7], 0);  // DF unset, no fragment offset
    EXPECT_EQ(p[8], 255);
    EXPECT_EQ(p[9], 112);
    EXPECT_EQ(checksum::internet_checksum(std::span(p.data(), 20)), 0);
    EXPECT_EQ((std::vector<uint8_t>(p.begin() + 12, p.begin() + 20)),
              (std::vector<uint8_t>{192, 0, 2, 1, 224, 0, 0, 18}));
}

TEST(Encode, Ipv6HeaderHopLimit255NextHeader112ToFf02_12_Rfc5798_5_1_2) {
    IpHeaderOptions o;
    o.flow_label = 0x12345;
    const auto p = packet_of(v3_ipv6_advert(), o);
    ASSERT_EQ(p.size(), 40u + 8 + 2 * 16);
    EXPECT_EQ((std::vector<uint8_t>(p.begin(), p.begin() + 8)),
              (std::vector<uint8_t>{0x6c, 0x01, 0x23, 0x45, 0, 40, 112, 255}));
    const IpAddress group = ip("ff02::12");
    EXPECT_TRUE(std::equal(group.bytes.begin(), group.bytes.end(), p.begin() + 24));
}

TEST(Encode, IpIdCounterStartsAtOneAndSkipsZero) {
    IpIdCounter c;
    EXPECT_EQ(c.next(), 1);
    EXPECT_EQ(c.next(), 2);
    for (int i = 0; i < 65533; ++i) c.next();
    EXPECT_EQ(c.next(), 1);  // 65535 was the last, 0 is never sent
}

TEST(Encode, RefusesVersionNot2Or3) {
    Advert a = v3_ipv4_advert();
    a.version = 4;
    EXPECT_EQ(encode_error(a), EncodeError::BadVersion);
}

TEST(Encode, RefusesV2OverIpv6) {
    Advert a = v3_ipv6_advert();
    a.version = 2;
    EXPECT_EQ(encode_error(a), EncodeError::Version2OverIpv6);
}

TEST(Encode, RefusesVridZero) {
    Advert a = v3_ipv4_advert();
    a.vrid = 0;
    EXPECT_EQ(encode_error(a), EncodeError::VridZero);
}

TEST(Encode, RefusesNoAddresses) {
    Advert a = v3_ipv4_advert();
    a.addresses.clear();
    EXPECT_EQ(encode_error(a), EncodeError::NoAddresses);
}

TEST(Encode, RefusesMoreAddressesThanFitAnEthernetMtu) {
    Advert a = v3_ipv6_advert();
    a.addresses.resize(90, ip("fe80::7"));  // 40 + 8 + 90 * 16 = 1488
    EXPECT_FALSE(validate_advert(a).has_value());
    a.addresses.resize(91, ip("fe80::7"));
    EXPECT_EQ(encode_error(a), EncodeError::TooManyAddresses);
    Advert b = v3_ipv4_advert();
    b.addresses.resize(256, ip("192.0.2.9"));  // Count is 8 bits
    EXPECT_EQ(encode_error(b), EncodeError::TooManyAddresses);
}

TEST(Encode, RefusesAddressOfOtherFamily) {
    Advert a = v3_ipv4_advert();
    a.addresses.push_back(ip("2001:db8::1"));
    EXPECT_EQ(encode_error(a), EncodeError::FamilyMismatch);
    EXPECT_EQ(encode_vrrp(v3_ipv4_advert(), ip("ff02::12")).error(), EncodeError::FamilyMismatch);
}

TEST(Encode, RefusesIntervalZero) {
    Advert a = v3_ipv4_advert();
    a.interval_field = 0;
    EXPECT_EQ(encode_error(a), EncodeError::IntervalZero);
}

TEST(Encode, RefusesIntervalBeyondField) {
    Advert a = v3_ipv4_advert();
    a.interval_field = 4096;
    EXPECT_EQ(encode_error(a), EncodeError::IntervalTooLarge);
    Advert b = v2_ipv4_advert();
    b.interval_field = 256;
    EXPECT_EQ(encode_error(b), EncodeError::IntervalTooLarge);
}

TEST(Encode, IntervalFieldCarriesNearestLegalValue) {
    EXPECT_EQ(interval_field_for(3, 1s), 100);
    EXPECT_EQ(interval_field_for(3, 10ms), 1);
    EXPECT_EQ(interval_field_for(3, 14ms), 1);
    EXPECT_EQ(interval_field_for(3, 15ms), 2);
    EXPECT_EQ(interval_field_for(3, 200us), 1);  // fast mode: the smallest legal value
    EXPECT_EQ(interval_field_for(3, 60s), 4095);
    EXPECT_EQ(interval_field_for(2, 1s), 1);
    EXPECT_EQ(interval_field_for(2, 100ms), 1);
    EXPECT_EQ(interval_field_for(2, 1000s), 255);
}

TEST(Encode, PayloadSizeCountsAddressesAndV2AuthBytes) {
    EXPECT_EQ(vrrp_payload_size(v3_ipv4_advert()), 16u);
    EXPECT_EQ(vrrp_payload_size(v2_ipv4_advert()), 24u);
    EXPECT_EQ(vrrp_payload_size(v3_ipv6_advert()), 40u);
}

}  // namespace
}  // namespace xvrrp::vrrp::test
