// RFC 1071 Internet checksum and the IPv4/IPv6 pseudo-header sums.
#include "codec_test_util.h"

namespace xvrrp::vrrp::test {
namespace {

TEST(Checksum, MatchesRfc1071NumericalExample_Rfc1071_3) {
    // RFC 1071 3: these bytes sum to ddf2 (one's complement), so the checksum is ~ddf2.
    const std::vector<uint8_t> data{0x00, 0x01, 0xf2, 0x03, 0xf4, 0xf5, 0xf6, 0xf7};
    EXPECT_EQ(checksum::internet_checksum(data), 0x220d);
}

TEST(Checksum, PadsOddTrailingByteWithZero) {
    const std::vector<uint8_t> odd{0x12, 0x34, 0x56};
    const std::vector<uint8_t> even{0x12, 0x34, 0x56, 0x00};
    EXPECT_EQ(checksum::internet_checksum(odd), checksum::internet_checksum(even));
}

TEST(Checksum, KnownIpv4HeaderChecksum) {
    std::vector<uint8_t> h{0x45, 0x00, 0x00, 0x73, 0x00, 0x00, 0x40, 0x00, 0x40, 0x11,
                           0x00, 0x00, 0xc0, 0xa8, 0x00, 0x01, 0xc0, 0xa8, 0x00, 0xc7};
    EXPECT_EQ(checksum::internet_checksum(h), 0xb861);
    h[10] = 0xb8, h[11] = 0x61;
    EXPECT_EQ(checksum::internet_checksum(h), 0);  // verifying a correct header gives 0
}

TEST(Checksum, PieceWiseSumEqualsSumOfConcatenation) {
    const std::vector<uint8_t> a{1, 2, 3, 4}, b{0xff, 0xfe, 0x80, 0x01, 0x7f};
    std::vector<uint8_t> ab = a;
    ab.insert(ab.end(), b.begin(), b.end());
    EXPECT_EQ(checksum::finish(checksum::add(b, checksum::add(a))),
              checksum::internet_checksum(ab));
}

TEST(Checksum, LongInputDoesNotOverflow) {
    const std::vector<uint8_t> ones(200000, 0xff);
    EXPECT_EQ(checksum::internet_checksum(ones), 0);  // 0xffff words sum to 0xffff
}

TEST(Checksum, Ipv4PseudoHeaderIsSourceDestinationProtocolLength_Rfc768) {
    const std::vector<uint8_t> bytes{192, 0, 2, 1, 224, 0, 0, 18, 0, 112, 0, 16};
    EXPECT_EQ(checksum::finish(
                  checksum::ipv4_pseudo_header_sum(ip("192.0.2.1"), ip("224.0.0.18"), 112, 16)),
              checksum::internet_checksum(bytes));
}

TEST(Checksum, Ipv6PseudoHeaderIsSourceDestinationLengthNextHeader_Rfc8200_8_1) {
    std::vector<uint8_t> bytes;
    const IpAddress s = ip("fe80::1"), d = ip("ff02::12");
    bytes.insert(bytes.end(), s.bytes.begin(), s.bytes.end());
    bytes.insert(bytes.end(), d.bytes.begin(), d.bytes.end());
    for (uint8_t b : {0, 1, 0, 40, 0, 0, 0, 112}) bytes.push_back(b);  // length 65576
    EXPECT_EQ(checksum::finish(checksum::ipv6_pseudo_header_sum(s, d, 112, 65576)),
              checksum::internet_checksum(bytes));
}

}  // namespace
}  // namespace xvrrp::vrrp::test
