// Every receive check of RFC 5798 7.1 / RFC 3768 7.1 / RFC 9568 that the codec makes on the
// bytes: one test each, plus the packets that must still be accepted.
#include <set>

#include "codec_test_util.h"

namespace xvrrp::vrrp::test {
namespace {

DecodeError error_of(const std::vector<uint8_t> &p, const DecodeOptions &o = {}) {
    auto r = decode_ip_packet(p, o);
    EXPECT_FALSE(r.ok()) << "packet was accepted";
    return r.ok() ? DecodeError{} : r.error();
}

constexpr size_t kV4 = kIpv4HeaderSize;  // VRRP offset in an IPv4 packet without options
constexpr size_t kV6 = kIpv6HeaderSize;

TEST(Decode, AcceptsValidV3Ipv4) {
    auto r = decode_ip_packet(packet_of(v3_ipv4_advert()));
    ASSERT_TRUE(r.ok()) << to_string(r.error());
    EXPECT_EQ(r->vrid, 51);
    EXPECT_EQ(r->priority, 150);
    EXPECT_EQ(r->interval_field, 100);
    EXPECT_EQ(r->source, ip("192.0.2.1"));
    EXPECT_EQ(r->addresses, v3_ipv4_advert().addresses);
}

TEST(Decode, IgnoresEthernetPaddingAfterIpTotalLength) {
    auto p = packet_of(v3_ipv4_advert());
    p.resize(p.size() + 6, 0);
    EXPECT_TRUE(decode_ip_packet(p).ok());
}

TEST(Decode, IgnoresReservedBitsOfV3Interval_Rfc5798_5_2_6) {
    auto p = packet_of(v3_ipv4_advert());
    p[kV4 + 4] |= 0xf0;
    refresh_checksums(p);
    auto r = decode_ip_packet(p);
    ASSERT_TRUE(r.ok());
    EXPECT_EQ(r->interval_field, 100);
}

TEST(Decode, RejectsTruncatedIpv4Header) {
    auto p = packet_of(v3_ipv4_advert());
    p.resize(19);
    EXPECT_EQ(error_of(p), DecodeError::TruncatedIpHeader);
}

TEST(Decode, RejectsTruncatedIpv6Header) {
    auto p = packet_of(v3_ipv6_advert());
    p.resize(39);
    EXPECT_EQ(error_of(p), DecodeError::TruncatedIpHeader);
    EXPECT_EQ(error_of({}), DecodeError::TruncatedIpHeader);
}

TEST(Decode, RejectsIpVersionNot4Or6) {
    auto p = packet_of(v3_ipv4_advert());
    p[0] = 0x55;
    EXPECT_EQ(error_of(p), DecodeError::BadIpVersion);
}

TEST(Decode, RejectsIpv4HeaderLengthBelow5Words) {
    auto p = packet_of(v3_ipv4_advert());
    p[0] = 0x44;
    EXPECT_EQ(error_of(p), DecodeError::BadIpHeaderLength);
}

TEST(Decode, RejectsBadIpv4HeaderChecksum_Rfc791) {
    auto p = packet_of(v3_ipv4_advert());
    p[10] ^= 0x01;
    EXPECT_EQ(error_of(p), DecodeError::BadIpHeaderChecksum);
}

TEST(Decode, RejectsIpLengthBeyondReceivedBytes) {
    auto p = packet_of(v3_ipv4_advert());
    p.pop_back();
    EXPECT_EQ(error_of(p), DecodeError::TruncatedPacket);
    auto q = packet_of(v3_ipv6_advert());
    q.pop_back();
    EXPECT_EQ(error_of(q), DecodeError::TruncatedPacket);
}

TEST(Decode, RejectsIpv4MoreFragmentsFlag) {
    auto p = packet_of(v3_ipv4_advert());
    p[6] = 0x20;
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::Fragment);
}

TEST(Decode, RejectsIpv4FragmentOffset) {
    auto p = packet_of(v3_ipv4_advert());
    p[7] = 0x01;
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::Fragment);
}

TEST(Decode, AcceptsIpv4DontFragmentFlag) {
    auto p = packet_of(v3_ipv4_advert());
    p[6] = 0x40;
    refresh_checksums(p);
    EXPECT_TRUE(decode_ip_packet(p).ok());
}

TEST(Decode, RejectsIpv6FragmentHeader) {
    auto p = packet_of(v3_ipv6_advert());
    p[6] = 44;
    EXPECT_EQ(error_of(p), DecodeError::Fragment);
}

TEST(Decode, RejectsIpv4ProtocolNot112_Rfc5798_5_1_1_3) {
    auto p = packet_of(v3_ipv4_advert());
    p[9] = 17;
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::WrongProtocol);
}

TEST(Decode, RejectsIpv6NextHeaderNot112_Rfc5798_5_1_2_3) {
    auto p = packet_of(v3_ipv6_advert());
    p[6] = 0;  // hop-by-hop options: VRRP is sent without extension headers
    EXPECT_EQ(error_of(p), DecodeError::WrongProtocol);
}

TEST(Decode, RejectsTtlBelow255_Rfc5798_7_1) {
    auto p = packet_of(v3_ipv4_advert());
    p[8] = 254;
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::TtlNot255);
}

TEST(Decode, RejectsHopLimitBelow255_Rfc5798_7_1) {
    auto p = packet_of(v3_ipv6_advert());
    p[7] = 64;
    EXPECT_EQ(error_of(p), DecodeError::TtlNot255);
}

TEST(Decode, RejectsV2TtlBelow255_Rfc3768_7_1) {
    auto p = packet_of(v2_ipv4_advert());
    p[8] = 1;
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::TtlNot255);
}

TEST(Decode, RejectsIpv6SourceNotLinkLocal_Rfc5798_5_1_2_1) {
    Advert a = v3_ipv6_advert();
    a.source = ip("2001:db8::1");
    auto p = packet_of(a);
    EXPECT_EQ(error_of(p), DecodeError::Ipv6SourceNotLinkLocal);
    DecodeOptions lax;
    lax.require_ipv6_link_local_source = false;
    EXPECT_TRUE(decode_ip_packet(p, lax).ok());
}

TEST(Decode, RejectsTruncatedVrrpHeader) {
    auto p = packet_of(v3_ipv4_advert());
    p.resize(kV4 + 7);
    put16(p, 2, uint16_t(p.size()));
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::TruncatedVrrp);
}

TEST(Decode, RejectsVersionNot2Or3_Rfc5798_7_1) {
    auto p = packet_of(v3_ipv4_advert());
    p[kV4] = 0x41;
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::BadVersion);
}

TEST(Decode, RejectsVersionOtherThanConfigured) {
    DecodeOptions o;
    o.expected_version = 3;
    EXPECT_EQ(error_of(packet_of(v2_ipv4_advert()), o), DecodeError::UnexpectedVersion);
    o.expected_version = 2;
    EXPECT_EQ(error_of(packet_of(v3_ipv4_advert()), o), DecodeError::UnexpectedVersion);
}

TEST(Decode, RejectsVersion2OverIpv6_Rfc5798_1_1) {
    auto p = packet_of(v3_ipv6_advert());
    p[kV6] = 0x21;
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::Version2OverIpv6);
}

TEST(Decode, RejectsTypeNotAdvertisement_Rfc5798_5_2_2) {
    auto p = packet_of(v3_ipv4_advert());
    p[kV4] = 0x32;
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::BadType);
}

TEST(Decode, RejectsVridZero_Rfc5798_5_2_3) {
    auto p = packet_of(v3_ipv4_advert());
    p[kV4 + 1] = 0;
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::VridZero);
}

TEST(Decode, RejectsVridNotConfigured_Rfc5798_7_1) {
    DecodeOptions o;
    o.expected_vrid = 52;
    EXPECT_EQ(error_of(packet_of(v3_ipv4_advert()), o), DecodeError::VridNotConfigured);
    o.expected_vrid = 51;
    EXPECT_TRUE(decode_ip_packet(packet_of(v3_ipv4_advert()), o).ok());
}

TEST(Decode, RejectsAddressCountZero_Rfc5798_5_2_5) {
    auto p = packet_of(v3_ipv4_advert());
    p[kV4 + 3] = 0;
    p.resize(kV4 + 8);
    put16(p, 2, uint16_t(p.size()));
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::NoAddresses);
}

TEST(Decode, RejectsIpv4CountLengthMismatch_Rfc5798_7_1) {
    auto p = packet_of(v3_ipv4_advert());
    p[kV4 + 3] = 3;  // 2 addresses carried
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::LengthMismatch);
}

TEST(Decode, RejectsIpv6CountLengthMismatch_Rfc5798_7_1) {
    auto p = packet_of(v3_ipv6_advert());
    p[kV6 + 3] = 1;
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::LengthMismatch);
}

TEST(Decode, RejectsV2WithoutAuthBytes_Rfc3768_7_1) {
    auto p = packet_of(v2_ipv4_advert());
    p.resize(p.size() - 8);
    put16(p, 2, uint16_t(p.size()));
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::LengthMismatch);
}

TEST(Decode, RejectsBadChecksumIpv4_Rfc5798_7_1) {
    auto p = packet_of(v3_ipv4_advert());
    p[kV4 + 6] ^= 0x80;
    EXPECT_EQ(error_of(p), DecodeError::BadChecksum);
}

TEST(Decode, RejectsBadChecksumIpv6_Rfc5798_7_1) {
    auto p = packet_of(v3_ipv6_advert());
    p.back() ^= 0x01;  // an address byte
    EXPECT_EQ(error_of(p), DecodeError::BadChecksum);
}

TEST(Decode, RejectsBadChecksumV2_Rfc3768_7_1) {
    auto p = packet_of(v2_ipv4_advert());
    p[kV4 + 2] ^= 0x01;  // priority
    EXPECT_EQ(error_of(p), DecodeError::BadChecksum);
}

TEST(Decode, Ipv4ChecksumModeIsHonouredOnReceive) {
    IpHeaderOptions without;
    without.ipv4_checksum = Ipv4Checksum::WithoutPseudoHeader;
    const auto with_pkt = packet_of(v3_ipv4_advert());
    const auto without_pkt = packet_of(v3_ipv4_advert(), without);
    DecodeOptions o;
    EXPECT_TRUE(decode_ip_packet(with_pkt, o).ok());
    EXPECT_EQ(error_of(without_pkt, o), DecodeError::BadChecksum);
    o.ipv4_checksum = Ipv4ChecksumAccept::WithoutPseudoHeader;
    EXPECT_TRUE(decode_ip_packet(without_pkt, o).ok());
    EXPECT_EQ(error_of(with_pkt, o), DecodeError::BadChecksum);
    o.ipv4_checksum = Ipv4ChecksumAccept::Either;
    EXPECT_TRUE(decode_ip_packet(with_pkt, o).ok());
    EXPECT_TRUE(decode_ip_packet(without_pkt, o).ok());
}

TEST(Decode, V2ChecksumNeverCoversPseudoHeader_Rfc3768_5_3_8) {
    auto p = packet_of(v2_ipv4_advert());
    refresh_checksums(p, /*ipv4_pseudo_header=*/true);  // helper skips the pseudo-header for v2
    DecodeOptions o;
    o.ipv4_checksum = Ipv4ChecksumAccept::WithPseudoHeader;
    EXPECT_TRUE(decode_ip_packet(p, o).ok());
    // A v2 checksum computed with the pseudo-header is wrong whatever the v3 mode says.
    std::span<uint8_t> vrrp(p.data() + kV4, p.size() - kV4);
    vrrp[6] = vrrp[7] = 0;
    const uint16_t c = checksum::finish(
        checksum::add(vrrp, checksum::ipv4_pseudo_header_sum(ip("192.0.2.1"), ip("224.0.0.18"), 112,
                                                             uint16_t(vrrp.size()))));
    vrrp[6] = uint8_t(c >> 8), vrrp[7] = uint8_t(c);
    o.ipv4_checksum = Ipv4ChecksumAccept::Either;
    EXPECT_EQ(error_of(p, o), DecodeError::BadChecksum);
}

TEST(Decode, RejectsMaxAdvertIntervalZero) {
    auto p = packet_of(v3_ipv4_advert());
    put16(p, kV4 + 4, 0xf000);  // reserved bits set, interval 0
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::IntervalZero);
}

TEST(Decode, RejectsV2AdvertIntervalZero) {
    auto p = packet_of(v2_ipv4_advert());
    p[kV4 + 5] = 0;
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::IntervalZero);
}

TEST(Decode, RejectsFirstIpv6AddressNotLinkLocalWhenRequired_Rfc5798_5_2_9) {
    Advert a = v3_ipv6_advert();
    std::swap(a.addresses[0], a.addresses[1]);
    const auto p = packet_of(a);
    EXPECT_TRUE(decode_ip_packet(p).ok());  // off by default: keepalived does not comply
    DecodeOptions strict;
    strict.require_link_local_first_address = true;
    EXPECT_EQ(error_of(p, strict), DecodeError::FirstAddressNotLinkLocal);
    EXPECT_TRUE(decode_ip_packet(packet_of(v3_ipv6_advert()), strict).ok());
}

TEST(Decode, RejectsV2UnknownAuthType_Rfc3768_5_3_6) {
    auto p = packet_of(v2_ipv4_advert());
    p[kV4 + 4] = 2;  // IP Authentication Header: not supported
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::UnsupportedAuthType);
    p[kV4 + 4] = 1;  // simple text, refused unless a key is configured
    refresh_checksums(p);
    EXPECT_EQ(error_of(p), DecodeError::UnsupportedAuthType);
}

TEST(Decode, V2SimpleTextAuthAcceptedOnlyWithMatchingKey_Rfc3768_7_1) {
    auto p = packet_of(v2_ipv4_advert());
    p[kV4 + 4] = 1;
    const std::array<uint8_t, 8> key{'s', 'e', 'c', 'r', 'e', 't', 0, 0};
    std::copy(key.begin(), key.end(), p.end() - 8);
    refresh_checksums(p);
    DecodeOptions o;
    o.v2_simple_text_key = key;
    EXPECT_TRUE(decode_ip_packet(p, o).ok());
    p[p.size() - 8] = 'S';
    refresh_checksums(p);
    EXPECT_EQ(error_of(p, o), DecodeError::AuthMismatch);
    // Configured for simple text, received type 0: the auth types differ.
    EXPECT_EQ(error_of(packet_of(v2_ipv4_advert()), o), DecodeError::AuthMismatch);
}

TEST(Decode, DecodeVrrpTakesTtlAndAddressesFromCaller) {
    const auto p = packet_of(v3_ipv6_advert());
    std::span<const uint8_t> payload(p.data() + kV6, p.size() - kV6);
    IpInfo info{ip("fe80::1"), ip("ff02::12"), 255};
    EXPECT_TRUE(decode_vrrp(payload, info).ok());
    info.ttl = 254;
    EXPECT_EQ(decode_vrrp(payload, info).error(), DecodeError::TtlNot255);
    info.ttl = 255;
    info.destination = ip("ff02::1");  // pseudo-header differs
    EXPECT_EQ(decode_vrrp(payload, info).error(), DecodeError::BadChecksum);
}

TEST(Decode, EveryErrorHasItsOwnText) {
    std::set<std::string_view> texts;
    const int last = int(DecodeError::AuthMismatch);
    for (int e = 0; e <= last; ++e) texts.insert(to_string(DecodeError(e)));
    EXPECT_EQ(texts.size(), size_t(last + 1));
    EXPECT_EQ(texts.count("unknown decode error"), 0u);
}

}  // namespace
}  // namespace xvrrp::vrrp::test
