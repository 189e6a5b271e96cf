// The benchmarks' ARP frame builder (bench/arp_frame.h), which the BPF tests build their ARP
// frames with too: RFC 826 bytes on the wire, checked byte for byte, and read back.
#include "bench/arp_frame.h"

#include <gtest/gtest.h>

namespace xvrrp::bench {
namespace {

constexpr Mac kClient{0x02, 0x00, 0x00, 0x00, 0x00, 0x50};
constexpr Mac kServer{0x02, 0x00, 0x00, 0x00, 0x00, 0x11};

uint32_t ip(const char *text) {
    in_addr a{};
    inet_pton(AF_INET, text, &a);
    return a.s_addr;
}

Bytes bytes(std::initializer_list<int> list) {
    Bytes v;
    for (int b : list) v.push_back(uint8_t(b));
    return v;
}

TEST(ArpFrame, RequestByteForByte_Rfc826) {
    Bytes f = arp_frame(kBroadcastMac, kClient,
                        arp_request(kClient, ip("192.0.2.50"), ip("192.0.2.100")));
    // clang-format off
    EXPECT_EQ(f, bytes({
                     0xff, 0xff, 0xff, 0xff, 0xff, 0xff,  // destination: broadcast
                     0x02, 0x00, 0x00, 0x00, 0x00, 0x50,  // source
                     0x08, 0x06,                          // ARP
                     0x00, 0x01, 0x08, 0x00, 6, 4,        // Ethernet, IPv4, 6, 4
                     0x00, 0x01,                          // request
                     0x02, 0x00, 0x00, 0x00, 0x00, 0x50,  // sender MAC
                     192, 0, 2, 50,                       // sender IP
                     0, 0, 0, 0, 0, 0,                    // target MAC: unknown
                     192, 0, 2, 100,                      // target IP
                 }));
    // clang-format on
    EXPECT_EQ(f.size(), kArpFrameLen);
}

TEST(ArpFrame, ReplyAnswersTheRequesterFromTheTargetAddress) {
    ArpFields req = arp_request(kClient, ip("192.0.2.50"), ip("192.0.2.100"));
    ArpFields rep = arp_reply_to(req, kServer);
    EXPECT_EQ(rep.op, kArpReply);
    EXPECT_EQ(rep.sha, kServer);
    EXPECT_EQ(rep.spa, ip("192.0.2.100"));
    EXPECT_EQ(rep.tha, kClient);
    EXPECT_EQ(rep.tpa, ip("192.0.2.50"));
    EXPECT_TRUE(is_ethernet_ipv4(rep));
}

TEST(ArpFrame, PaddedToTheEthernetMinimumWithZeros) {
    Bytes f = arp_frame(kBroadcastMac, kClient, arp_request(kClient, 1, 2), {}, kEthernetMinLen);
    ASSERT_EQ(f.size(), kEthernetMinLen);
    for (size_t i = kArpFrameLen; i < f.size(); ++i) EXPECT_EQ(f[i], 0) << i;
}

TEST(ArpFrame, VlanTagsGoOutermostFirstBeforeTheEthertype) {
    Bytes f = arp_frame(kBroadcastMac, kClient, ArpFields{}, {{0x88a8, 7}, {0x8100, 42}});
    ASSERT_EQ(f.size(), kArpFrameLen + 8);
    EXPECT_EQ(Bytes(f.begin() + 12, f.begin() + 22),
              bytes({0x88, 0xa8, 0x00, 7, 0x81, 0x00, 0x00, 42, 0x08, 0x06}));
}

TEST(ArpFrame, EveryFieldIsWrittenAsGivenEvenWhenMalformed) {
    ArpFields a{.htype = 6, .ptype = 0x86dd, .hlen = 8, .plen = 16, .op = 0xffff};
    Bytes f = arp_frame(kBroadcastMac, kClient, a);
    EXPECT_EQ(Bytes(f.begin() + 14, f.begin() + 22),
              bytes({0x00, 6, 0x86, 0xdd, 8, 16, 0xff, 0xff}));
    EXPECT_FALSE(is_ethernet_ipv4(a));
}

TEST(ArpFrame, ReadsBackWhatItWrote) {
    ArpFields rep =
        arp_reply_to(arp_request(kClient, ip("192.0.2.50"), ip("192.0.2.100")), kServer);
    Bytes f = arp_frame(kClient, kServer, rep, {}, kEthernetMinLen);
    auto parsed = parse_arp_frame(f.data(), f.size());
    ASSERT_TRUE(parsed);
    EXPECT_EQ(parsed->dst, kClient);
    EXPECT_EQ(parsed->src, kServer);
    EXPECT_EQ(parsed->arp.op, kArpReply);
    EXPECT_EQ(parsed->arp.sha, kServer);
    EXPECT_EQ(parsed->arp.spa, ip("192.0.2.100"));
    EXPECT_EQ(parsed->arp.tha, kClient);
    EXPECT_EQ(parsed->arp.tpa, ip("192.0.2.50"));
}

TEST(ArpFrame, RefusesToReadShortFramesAndOtherEthertypes) {
    Bytes f = arp_frame(kBroadcastMac, kClient, arp_request(kClient, 1, 2));
    EXPECT_FALSE(parse_arp_frame(f.data(), kArpFrameLen - 1));
    f[13] = 0x00;  // 0x0800: IPv4
    EXPECT_FALSE(parse_arp_frame(f.data(), f.size()));
}

}  // namespace
}  // namespace xvrrp::bench
