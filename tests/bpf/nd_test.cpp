// The Neighbor Discovery responder (bpf/nd.h): which Neighbor Solicitations for IPv6 service
// IPs are answered (RFC 4861 7.2.3, 7.2.4), how, and what is never answered (7.1.1).

#include "vrrp/checksum.h"
#include "xdp_fixture.h"

namespace xvrrp::test {
namespace {

constexpr uint32_t kRouter = 0x80000000, kSolicited = 0x40000000, kOverride = 0x20000000;
const char *const kVip6 = "2001:db8::100";

class Nd : public XdpTest {
  protected:
    void SetUp() override {
        XdpTest::SetUp();
        add_vip6(kVip6);
    }

    // The NA a correct responder sends: from the VIP (and vip_mac), target the VIP, one
    // Target Link-Layer Address option, hop limit 255, 32 bytes of ICMPv6.
    static Bytes expected_na(const Ip6 &dst, const Mac &eth_dst, uint32_t flags,
                             const Mac &vip_mac = kServerMac,
                             std::initializer_list<Vlan> vlans = {}) {
        NdIpv6Fields i;
        i.src = ip6(kVip6);
        i.dst = dst;
        NdFields n;
        n.type = 136;
        n.flags = flags;
        n.target = ip6(kVip6);
        n.options = nd_lladdr_option(2, vip_mac);
        return cat({eth(eth_dst, vip_mac, 0x86dd, vlans), ipv6(i, nd(n, i))});
    }

    // The ICMPv6 checksum of a frame, checked with the daemon's checksum code (not packets.h).
    static void expect_valid_icmpv6_checksum(const Bytes &f, size_t l3 = 14) {
        ASSERT_GE(f.size(), l3 + 40);
        std::array<uint8_t, 16> src, dst;
        std::copy_n(f.begin() + l3 + 8, 16, src.begin());
        std::copy_n(f.begin() + l3 + 24, 16, dst.begin());
        size_t len = f.size() - l3 - 40;
        uint32_t sum = vrrp::checksum::ipv6_pseudo_header_sum(
            vrrp::IpAddress::v6(src), vrrp::IpAddress::v6(dst), 58, uint32_t(len));
        EXPECT_EQ(vrrp::checksum::finish(vrrp::checksum::add({f.data() + l3 + 40, len}, sum)), 0)
            << "ICMPv6 checksum wrong";
    }

    void expect_dropped_as(const Bytes &in, const char *counter) {
        EXPECT_EQ(run(in).action, XDP_DROP);
        EXPECT_EQ(counter_delta(), (CounterDelta{{counter, 1}}));
    }
};

TEST_F(Nd, SolicitationForVipWhileMasterIsAnsweredWithASolicitedAdvertisement) {
    become_master();
    auto r = run(ns_frame());
    ASSERT_EQ(r.action, XDP_TX);
    EXPECT_EQ(r.out, expected_na(ip6("2001:db8::50"), kClientMac, kSolicited | kOverride));
    // The fields one by one, as a reader of RFC 4861 4.4 would check them.
    ASSERT_EQ(r.out.size(), 14u + 40 + 32);
    EXPECT_EQ(Bytes(r.out.begin(), r.out.begin() + 6), Bytes(kClientMac.begin(), kClientMac.end()));
    EXPECT_EQ(Bytes(r.out.begin() + 6, r.out.begin() + 12),
              Bytes(kServerMac.begin(), kServerMac.end()));
    EXPECT_EQ(r.out[14 + 4] << 8 | r.out[14 + 5], 32) << "payload length";
    EXPECT_EQ(r.out[14 + 6], 58) << "next header";
    EXPECT_EQ(r.out[14 + 7], 255) << "hop limit";
    const Ip6 vip = ip6(kVip6);
    EXPECT_EQ(Bytes(r.out.begin() + 22, r.out.begin() + 38), Bytes(vip.begin(), vip.end()));
    EXPECT_EQ(Bytes(r.out.begin() + 62, r.out.begin() + 78), Bytes(vip.begin(), vip.end()))
        << "target";
    EXPECT_EQ(Bytes(r.out.begin() + 78, r.out.end()),
              cat({{2, 1}, Bytes(kServerMac.begin(), kServerMac.end())}))
        << "one Target Link-Layer Address option: the VIP's MAC";
    EXPECT_EQ(r.out[54], 136) << "type";
    EXPECT_EQ(r.out[55], 0) << "code";
    EXPECT_EQ(r.out[58], 0x60) << "flags: S and O, not R";
    expect_valid_icmpv6_checksum(r.out);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"nd_reply", 1}}));
}

TEST_F(Nd, RouterFlagIsSetOnlyForVipsMarkedAsRouters) {
    add_vip6(kVip6, kServerMac, kVrid, XVRRP_VIP_ND_ROUTER);
    become_master();
    auto r = run(ns_frame());
    ASSERT_EQ(r.action, XDP_TX);
    EXPECT_EQ(r.out,
              expected_na(ip6("2001:db8::50"), kClientMac, kRouter | kSolicited | kOverride));
    expect_valid_icmpv6_checksum(r.out);
}

TEST_F(Nd, WithoutSourceLinkLayerOptionTheEthernetSourceIsAnswered) {
    become_master();
    NdFields n;
    n.options = {};  // 24 bytes of ICMPv6: the frame grows for the NA's option
    const Mac sender = {0x02, 0x00, 0x00, 0x00, 0x00, 0x77};
    auto r = run(ns_frame(n, {}, {}, std::nullopt, sender));
    ASSERT_EQ(r.action, XDP_TX);
    EXPECT_EQ(r.out, expected_na(ip6("2001:db8::50"), sender, kSolicited | kOverride));
    expect_valid_icmpv6_checksum(r.out);
}

// RFC 4861 7.2.4: the link-layer address from the option, not the frame's source.
TEST_F(Nd, TheSourceLinkLayerOptionWinsOverTheEthernetSource) {
    become_master();
    const Mac relayed = {0x02, 0x00, 0x00, 0x00, 0x00, 0x88};
    auto r = run(ns_frame({}, {}, {}, std::nullopt, relayed));
    ASSERT_EQ(r.action, XDP_TX);
    EXPECT_EQ(r.out, expected_na(ip6("2001:db8::50"), kClientMac, kSolicited | kOverride));
}

// RFC 4861 7.2.4 / RFC 4862 5.4: a DAD probe is answered to all-nodes, S = 0: the VIP is
// defended, the prober does not take it.
TEST_F(Nd, DuplicateAddressDetectionProbeGetsAnAdvertisementToAllNodes) {
    become_master();
    NdFields n;
    n.options = {};
    NdIpv6Fields i;
    i.src = ip6("::");
    auto r = run(ns_frame(n, i));
    ASSERT_EQ(r.action, XDP_TX);
    EXPECT_EQ(r.out, expected_na(ip6("ff02::1"), {0x33, 0x33, 0, 0, 0, 1}, kOverride));
    expect_valid_icmpv6_checksum(r.out);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"nd_reply", 1}}));
}

// RFC 4861 7.3.1: a neighbour confirms reachability with a unicast NS to the cached MAC.
TEST_F(Nd, UnicastSolicitationToTheVipsMacIsAnswered) {
    become_master();
    NdIpv6Fields i;
    i.dst = ip6(kVip6);
    auto r = run(ns_frame({}, i, {}, kServerMac));
    ASSERT_EQ(r.action, XDP_TX);
    EXPECT_EQ(r.out, expected_na(ip6("2001:db8::50"), kClientMac, kSolicited | kOverride));
}

TEST_F(Nd, ASolicitationWithSeveralOptionsShrinksToTheAdvertisement) {
    become_master();
    NdFields n;
    n.options = cat({nd_lladdr_option(1, kClientMac), {14, 1, 1, 2, 3, 4, 5, 6}});  // + nonce
    auto in = ns_frame(n);
    in.insert(in.end(), 10, 0xee);  // and bytes beyond the IPv6 payload
    auto r = run(in);
    ASSERT_EQ(r.action, XDP_TX);
    EXPECT_EQ(r.out, expected_na(ip6("2001:db8::50"), kClientMac, kSolicited | kOverride));
}

TEST_F(Nd, TheVirtualMacIsAnsweredForAVipThatUsesIt) {
    const Mac vmac6 = {0x00, 0x00, 0x5e, 0x00, 0x02, kVrid};
    add_vip6(kVip6, vmac6);
    become_master();
    auto r = run(ns_frame());
    ASSERT_EQ(r.action, XDP_TX);
    EXPECT_EQ(r.out, expected_na(ip6("2001:db8::50"), kClientMac, kSolicited | kOverride, vmac6));
}

TEST_F(Nd, TaggedSolicitationInTheInstancesVlanIsAnsweredWithTheTag) {
    use_vlan(42);
    add_vip6(kVip6);
    become_master();
    auto r = run(ns_frame({}, {}, {{0x8100, 42}}));
    ASSERT_EQ(r.action, XDP_TX);
    EXPECT_EQ(r.out, expected_na(ip6("2001:db8::50"), kClientMac, kSolicited | kOverride,
                                 kServerMac, {{0x8100, 42}}));
    expect_valid_icmpv6_checksum(r.out, 18);
}

TEST_F(Nd, SolicitationForVipOfAnotherVlanIsPassed) {
    become_master();
    tables_->set_vlan_in_use(42, true);  // another instance's VLAN; the VIP is untagged
    auto in = ns_frame({}, {}, {{0x8100, 42}});
    auto r = run(in);
    EXPECT_EQ(r.action, XDP_PASS);
    EXPECT_EQ(r.out, in);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"nd_pass_other_vlan", 1}}));
}

TEST_F(Nd, SolicitationInAVlanWithoutInstanceIsPassedUnparsed) {
    become_master();
    auto in = ns_frame({}, {}, {{0x8100, 43}});
    EXPECT_EQ(run(in).action, XDP_PASS);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"vlan_no_instance", 1}}));
}

TEST_F(Nd, SolicitationForVipWhileBackupIsDroppedSoTheKernelCannotAnswer) {
    set_instance(kPreempt);
    EXPECT_EQ(run(ns_frame()).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"nd_drop_backup", 1}}));
}

TEST_F(Nd, SolicitationForVipWhileReleasingIsDropped) {
    set_instance(kReleasing | kPreempt);
    leases_->renew(kVrid, monotonic_ns() + 60 * kSecond);
    EXPECT_EQ(run(ns_frame()).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"nd_drop_backup", 1}}));
}

TEST_F(Nd, SolicitationForVipWhileMasterWithExpiredLeaseIsDropped) {
    set_instance(kMaster);
    leases_->renew(kVrid, monotonic_ns() - 1);
    EXPECT_EQ(run(ns_frame()).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"nd_drop_lease", 1}}));
}

TEST_F(Nd, SolicitationForVipWhoseVridHasNoInstanceIsDropped) {
    EXPECT_EQ(run(ns_frame()).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"nd_drop_no_instance", 1}}));
}

// The kernel's own takeover (the master-down timer fired while armed) answers ND at once, as
// it answers ARP; before it fires, nothing is answered.
TEST_F(Nd, ArmedTakeoverAnswersBeforeTheController) {
    set_instance(kTakeoverArmed | kPreempt, 3, 5'000'000, 10 * kSecond);  // 5 ms adverts
    run(advert_frame());
    EXPECT_EQ(run(ns_frame()).action, XDP_DROP) << "master alive: not ours yet";
    bool took_over = false;
    for (int i = 0; i < 500 && !took_over; i++) {  // up to 5 s: a loaded machine cannot fail it
        events_->poll(10);
        for (const auto &e : std::exchange(received_, {})) took_over |= e.type == XVRRP_EV_TAKEOVER;
    }
    ASSERT_TRUE(took_over) << "the armed timer never fired";
    auto r = run(ns_frame());
    EXPECT_EQ(r.action, XDP_TX);
    EXPECT_EQ(r.out, expected_na(ip6("2001:db8::50"), kClientMac, kSolicited | kOverride));
    EXPECT_EQ(counter_delta()["nd_reply"], 1u);
}

TEST_F(Nd, SolicitationForAnotherAddressIsPassedUnchanged) {
    become_master();
    NdFields n;
    n.target = ip6("2001:db8::12");
    NdIpv6Fields i;
    i.dst = solicited_node(n.target);
    auto in = ns_frame(n, i);
    auto r = run(in);
    EXPECT_EQ(r.action, XDP_PASS);
    EXPECT_EQ(r.out, in);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"nd_pass", 1}}));
}

TEST_F(Nd, SolicitationSentToAnotherHostsMacIsPassedUnanswered) {
    become_master();
    NdIpv6Fields i;
    i.dst = ip6(kVip6);
    auto in = ns_frame({}, i, {}, Mac{0x02, 0, 0, 0, 0, 0x99});
    auto r = run(in);
    EXPECT_EQ(r.action, XDP_PASS);
    EXPECT_EQ(r.out, in);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"nd_pass_other_host", 1}}));
}

TEST_F(Nd, AdvertisementsAndOtherIcmpv6ArePassedUntouched) {
    become_master();
    NdFields na;
    na.type = 136;
    na.flags = kOverride;
    na.options = nd_lladdr_option(2, kClientMac);
    NdFields echo;
    echo.type = 128;
    for (const auto &n : {na, echo}) {
        auto in = ns_frame(n);
        auto r = run(in);
        EXPECT_EQ(r.action, XDP_PASS) << int(n.type);
        EXPECT_EQ(r.out, in);
    }
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

// RFC 4861 7.1.1 asks for ICMPv6 right after the IPv6 header only in that the kernel finds it
// there; behind an extension header it is the kernel's to parse.
TEST_F(Nd, SolicitationBehindAnExtensionHeaderIsPassed) {
    become_master();
    NdIpv6Fields i;
    i.next_header = 0;  // hop-by-hop options, then ICMPv6
    Bytes hbh = {58, 0, 1, 4, 0, 0, 0, 0};
    auto in =
        cat({eth(ipv6_multicast_mac(i.dst), kClientMac, 0x86dd), ipv6(i, cat({hbh, nd({}, i)}))});
    EXPECT_EQ(run(in).action, XDP_PASS);
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

// ---- RFC 4861 7.1.1: a malformed solicitation for a VIP is dropped, never answered ------

TEST_F(Nd, HopLimitOtherThan255IsDropped) {
    become_master();
    NdIpv6Fields i;
    i.hop_limit = 254;  // routed: not from this link
    expect_dropped_as(ns_frame({}, i), "nd_drop_malformed");
}

TEST_F(Nd, WrongChecksumIsDropped) {
    become_master();
    NdFields n;
    n.wrong_checksum = true;
    expect_dropped_as(ns_frame(n), "nd_drop_malformed");
}

TEST_F(Nd, IcmpCodeOtherThanZeroIsDropped) {
    become_master();
    NdFields n;
    n.code = 1;
    expect_dropped_as(ns_frame(n), "nd_drop_malformed");
}

TEST_F(Nd, IcmpLengthBelow24BytesIsDropped) {
    become_master();
    NdFields n;
    n.options = {};
    NdIpv6Fields i;
    i.payload_len_delta = -4;  // the frame still holds the target
    expect_dropped_as(ns_frame(n, i), "nd_drop_malformed");
}

TEST_F(Nd, PayloadLongerThanTheFrameIsDropped) {
    become_master();
    NdIpv6Fields i;
    i.payload_len_delta = 8;
    expect_dropped_as(ns_frame({}, i), "nd_drop_malformed");
}

TEST_F(Nd, MulticastTargetIsDropped) {
    add_vip6("ff02::1:2");  // the controller writes no such VIP; the check holds regardless
    become_master();
    NdFields n;
    n.target = ip6("ff02::1:2");
    expect_dropped_as(ns_frame(n), "nd_drop_malformed");
}

TEST_F(Nd, ZeroLengthOptionIsDropped) {
    become_master();
    NdFields n;
    n.options = {1, 0, 0, 0, 0, 0, 0, 0};
    expect_dropped_as(ns_frame(n), "nd_drop_malformed");
}

TEST_F(Nd, OptionLongerThanTheMessageIsDropped) {
    become_master();
    NdFields n;
    n.options = cat({nd_lladdr_option(1, kClientMac), {14, 2, 0, 0, 0, 0, 0, 0}});
    expect_dropped_as(ns_frame(n), "nd_drop_malformed");
}

TEST_F(Nd, SourceLinkLayerOptionOfAnotherLengthIsDropped) {
    become_master();
    NdFields n;
    n.options = {1, 2, 2, 0, 0, 0, 0, 0xc1, 0, 0, 0, 0, 0, 0, 0, 0};
    expect_dropped_as(ns_frame(n), "nd_drop_malformed");
}

TEST_F(Nd, UnspecifiedSourceWithSourceLinkLayerOptionIsDropped) {
    become_master();
    NdIpv6Fields i;
    i.src = ip6("::");
    expect_dropped_as(ns_frame({}, i), "nd_drop_malformed");
}

TEST_F(Nd, UnspecifiedSourceNotToTheSolicitedNodeGroupIsDropped) {
    become_master();
    NdFields n;
    n.options = {};
    NdIpv6Fields i;
    i.src = ip6("::");
    i.dst = ip6(kVip6);
    expect_dropped_as(ns_frame(n, i, {}, kServerMac), "nd_drop_malformed");
}

TEST_F(Nd, MulticastEthernetSourceIsDropped) {
    become_master();
    expect_dropped_as(ns_frame({}, {}, {}, std::nullopt, {0x03, 0, 0, 0, 0, 1}),
                      "nd_drop_bad_sender");
}

TEST_F(Nd, MulticastSourceLinkLayerAddressIsDropped) {
    become_master();
    NdFields n;
    n.options = nd_lladdr_option(1, kBroadcast);
    expect_dropped_as(ns_frame(n), "nd_drop_bad_sender");
}

TEST_F(Nd, MulticastIpv6SourceIsDropped) {
    become_master();
    NdIpv6Fields i;
    i.src = ip6("ff02::1");
    expect_dropped_as(ns_frame({}, i), "nd_drop_bad_sender");
}

TEST_F(Nd, MalformedSolicitationIsDroppedOnABackupToo) {
    set_instance(kPreempt);
    NdFields n;
    n.wrong_checksum = true;
    expect_dropped_as(ns_frame(n), "nd_drop_malformed");
}

TEST_F(Nd, ClearingTheControlTablesForgetsIpv6Vips) {
    become_master();
    EXPECT_EQ(tables_->clear(), 3u);  // the instance, its receive state, the IPv6 VIP
    auto in = ns_frame();
    EXPECT_EQ(run(in).action, XDP_PASS) << "no longer a service IP: the kernel decides";
    EXPECT_EQ(counter_delta(), (CounterDelta{{"nd_pass", 1}}));
}

}  // namespace
}  // namespace xvrrp::test
