// VRRPv3 adverts over IPv6 (bpf/advert6.h): RFC 5798 5.1.2 and 7.1 over IPv6, then the same
// receive state and events as over IPv4 (advert_test.cpp).
#include <cstring>

#include "vrrp/frames.h"
#include "xdp_fixture.h"

namespace xvrrp::test {
namespace {

constexpr uint64_t kCs = 10'000'000;  // one centisecond in ns

class Advert6 : public XdpTest {
  protected:
    void SetUp() override {
        XdpTest::SetUp();
        set_instance(kIpv6 | kPreempt | kTakeoverArmed);
    }
    // Runs a frame that is not this instance's to judge: passed untouched, counted as reason.
    void expect_passed(const Bytes &frame, const std::string &reason) {
        auto r = run(frame);
        EXPECT_EQ(r.action, XDP_PASS);
        EXPECT_EQ(r.out, frame);
        EXPECT_EQ(counter_delta(), (CounterDelta{{reason, 1}}));
        EXPECT_EQ(state_->rx_state(kVrid)->adverts, 0u);
        EXPECT_TRUE(drain_events().empty());
    }
    // Runs a valid advert: consumed, and its events taken.
    void expect_valid(const Bytes &frame) {
        EXPECT_EQ(run(frame).action, XDP_DROP);
        EXPECT_EQ(counter_delta()["vrrp_valid"], 1u);
        drain_events();
    }
    static uint64_t master_down_ns(uint64_t interval_ns) {
        return 3 * interval_ns + ((256 - kOwnPriority) * interval_ns) / 256;
    }
};

TEST_F(Advert6, ValidAdvertIsConsumedRecordedWithItsIpv6SourceAndReportedOnce) {
    auto r = run(advert6_frame());  // priority 150 from fe80::11 to ff02::12, 100 cs
    EXPECT_EQ(r.action, XDP_DROP);
    EXPECT_EQ(counter_delta(),
              (CounterDelta{{"vrrp_valid", 1}, {"vrrp_accepted", 1}, {"event_sent", 1}}));
    auto rx = state_->rx_state(kVrid);
    ASSERT_TRUE(rx);
    EXPECT_EQ(addr16(rx->master_addr), ip6("fe80::11"));
    EXPECT_EQ(rx->master_priority, 150);
    EXPECT_EQ(rx->version, 3);
    EXPECT_EQ(rx->interval_field, 100);
    EXPECT_EQ(rx->accepted, 1u);
    // The Master_Down_Timer was restarted with the advert's interval (RFC 5798 6.4.2).
    EXPECT_EQ(rx->master_down_interval_ns, master_down_ns(100 * kCs));
    EXPECT_NEAR(double(rx->master_down_deadline_ns),
                double(monotonic_ns() + master_down_ns(100 * kCs)), 1e9);
    auto ev = drain_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, XVRRP_EV_NEW_MASTER);
    EXPECT_EQ(ev[0].vrid, kVrid);
    EXPECT_EQ(addr16(ev[0].src), ip6("fe80::11"));
    EXPECT_EQ(ev[0].priority, 150);

    // Another router: a new master, told apart by all 16 bytes (the last one differs).
    Ipv6Fields other;
    other.src = ip6("fe80::12");
    run(advert6_frame({}, other));
    ev = drain_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, XVRRP_EV_NEW_MASTER);
    EXPECT_EQ(addr16(ev[0].src), ip6("fe80::12"));
    // ... and the same one again wakes nobody.
    run(advert6_frame({}, other));
    EXPECT_TRUE(drain_events().empty());
}

TEST_F(Advert6, AdvertAsTheDaemonBuildsItIsAccepted) {
    vrrp::Advert a;
    a.vrid = kVrid;
    a.priority = 200;
    a.interval_field = 100;
    a.source = *vrrp::IpAddress::parse("fe80::21");
    a.addresses = {*vrrp::IpAddress::parse("fe80::21"), *vrrp::IpAddress::parse("2001:db8::1")};
    vrrp::AdvertFrameOptions o;
    o.source_mac = kServerMac;
    auto frame = vrrp::build_advert_frame(a, o);
    ASSERT_TRUE(frame.ok());
    expect_valid(frame.value());
    EXPECT_EQ(addr16(state_->rx_state(kVrid)->master_addr), ip6("fe80::21"));
}

TEST_F(Advert6, HopLimitOtherThan255IsDropped) {
    Ipv6Fields i;
    i.hop_limit = 254;  // routed: not from this link (RFC 5798 7.1)
    expect_advert_dropped(advert6_frame({}, i), "vrrp_drop_ttl");
}

TEST_F(Advert6, WrongChecksumIsDropped) {
    Vrrp6Fields v;
    v.csum = Csum6::Wrong;
    expect_advert_dropped(advert6_frame(v), "vrrp_drop_checksum");
}

TEST_F(Advert6, ChecksumWithoutTheIpv6PseudoHeaderIsDropped) {
    // RFC 5798 5.2.8: over IPv6 the pseudo-header is always included; the IPv4 leniency
    // (RFC 9568's note) has no IPv6 counterpart.
    Vrrp6Fields v;
    v.csum = Csum6::Plain;
    expect_advert_dropped(advert6_frame(v), "vrrp_drop_checksum");
    v.csum = Csum6::Ipv4Style;
    expect_advert_dropped(advert6_frame(v), "vrrp_drop_checksum");
}

TEST_F(Advert6, MulticastAdvertNotToFf02_12IsDropped) {
    Ipv6Fields i;
    i.dst = ip6("ff02::1");
    expect_advert_dropped(advert6_frame({}, i), "vrrp_drop_destination");
    i.dst = kUnicastAddr6;
    expect_advert_dropped(advert6_frame({}, i), "vrrp_drop_destination");
}

TEST_F(Advert6, MulticastAdvertFromANonLinkLocalSourceIsDropped) {
    Ipv6Fields i;
    i.src = ip6("2001:db8::11");  // RFC 5798 5.1.2.1: the interface's link-local address
    expect_advert_dropped(advert6_frame({}, i), "vrrp_drop_not_link_local");
    i.src = ip6("fec0::11");  // site-local, just past fe80::/10
    expect_advert_dropped(advert6_frame({}, i), "vrrp_drop_not_link_local");
    i.src = ip6("febf::11");  // the top of fe80::/10
    expect_valid(advert6_frame({}, i));
}

TEST_F(Advert6, UnicastAdvertToUsFromAnAllowedGlobalSourceIsAccepted) {
    set_instance(kIpv6 | kPreempt | kUnicast | kAllowlist);
    tables_->allow_source(kVrid, addr("2001:db8::11"));
    Ipv6Fields i;
    i.src = ip6("2001:db8::11");
    i.dst = kUnicastAddr6;
    expect_valid(advert6_frame({}, i));
    EXPECT_EQ(addr16(state_->rx_state(kVrid)->master_addr), ip6("2001:db8::11"));

    Ipv6Fields to_group = i;  // to ff02::12: not for a unicast instance (as over IPv4)
    to_group.dst = ip6("ff02::12");
    expect_advert_dropped(advert6_frame({}, to_group), "vrrp_drop_destination");
    Ipv6Fields elsewhere = i;
    elsewhere.dst = ip6("2001:db8::99");
    expect_advert_dropped(advert6_frame({}, elsewhere), "vrrp_drop_destination");
    Ipv6Fields stranger = i;
    stranger.src = ip6("2001:db8::66");
    expect_advert_dropped(advert6_frame({}, stranger), "vrrp_drop_source");
}

TEST_F(Advert6, AllowListTakesTheWhole16ByteSource) {
    set_instance(kIpv6 | kPreempt | kAllowlist);
    tables_->allow_source(kVrid, addr("fe80::12"));
    expect_advert_dropped(advert6_frame(), "vrrp_drop_source");  // from fe80::11
    tables_->allow_source(kVrid, addr("fe80::11"));
    expect_valid(advert6_frame());
    tables_->disallow_source(kVrid, addr("fe80::11"));
    expect_advert_dropped(advert6_frame(), "vrrp_drop_source");
}

TEST_F(Advert6, AdvertInAFragmentIsDropped) {
    Ipv6Fields i;
    i.next = 44;
    i.ext = {112, 0, 0x00, 0x01, 0, 0, 0, 1};  // RFC 8200 4.5: offset 0, more fragments
    expect_advert_dropped(advert6_frame({}, i), "vrrp_drop_fragment");
}

TEST_F(Advert6, AdvertBehindAnotherExtensionHeaderIsDropped) {
    Ipv6Fields i;
    i.next = 0;  // hop-by-hop options: PadN
    i.ext = {112, 0, 1, 4, 0, 0, 0, 0};
    expect_advert_dropped(advert6_frame({}, i), "vrrp_drop_ipv6_ext");
}

TEST_F(Advert6, OtherIpv6PassesUntouched) {
    Ipv6Fields i;
    i.next = 58;  // ICMPv6
    auto in = advert6_frame({}, i);
    auto r = run(in);
    EXPECT_EQ(r.action, XDP_PASS);
    EXPECT_EQ(r.out, in);
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

TEST_F(Advert6, PayloadLengthBeyondTheFrameIsDropped) {
    Ipv6Fields i;
    i.payload_delta = 4;
    expect_advert_dropped(advert6_frame({}, i), "vrrp_drop_ip_malformed");
}

// Not IPv6 at all: the one parse of the header (parse_ipv6hdr) leaves it to the kernel.
TEST_F(Advert6, WrongIpVersionPassesUntouched) {
    Ipv6Fields i;
    i.version = 4;
    auto in = advert6_frame({}, i);
    auto r = run(in);
    EXPECT_EQ(r.action, XDP_PASS);
    EXPECT_EQ(r.out, in);
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

TEST_F(Advert6, VrrpHeaderCutShortIsDropped) {
    auto frame = advert6_frame();
    frame.resize(14 + 40 + 4);  // half a VRRP header, the payload length saying so
    frame[14 + 4] = 0, frame[14 + 5] = 4;
    expect_advert_dropped(frame, "vrrp_drop_truncated");
}

TEST_F(Advert6, LengthNotMatchingTheAddressCountIsDropped) {
    Vrrp6Fields v;
    v.count_override = 2;  // one IPv6 address carried
    expect_advert_dropped(advert6_frame(v), "vrrp_drop_length");
    Vrrp6Fields four_bytes;
    four_bytes.addrs.clear();
    four_bytes.count_override = 1;  // as if the address were IPv4: 12 bytes, not 24
    auto frame = advert6_frame(four_bytes);
    Bytes extra = {192, 0, 2, 1};
    frame.insert(frame.end(), extra.begin(), extra.end());
    frame[14 + 5] += 4;
    expect_advert_dropped(frame, "vrrp_drop_length");
}

TEST_F(Advert6, Vrrpv2OverIpv6IsDropped) {
    Vrrp6Fields v;
    v.version = 2;  // VRRPv2 has no IPv6 (RFC 3768)
    expect_advert_dropped(advert6_frame(v), "vrrp_drop_version");
}

TEST_F(Advert6, WrongTypeAndZeroIntervalAreDropped) {
    Vrrp6Fields v;
    v.type = 2;
    expect_advert_dropped(advert6_frame(v), "vrrp_drop_type");
    Vrrp6Fields z;
    z.interval = 0;
    expect_advert_dropped(advert6_frame(z), "vrrp_drop_interval");
}

TEST_F(Advert6, Ipv4AdvertForAnIpv6InstancesVridIsPassedToTheKernel) {
    expect_passed(advert_frame(), "vrrp_other_family");
}

TEST_F(Advert6, Ipv6AdvertForAnIpv4InstancesVridIsPassedToTheKernel) {
    set_instance(kPreempt | kTakeoverArmed);  // the same VRID, now IPv4
    expect_passed(advert6_frame(), "vrrp_other_family");
}

TEST_F(Advert6, Ipv6AdvertForAnUnconfiguredVridIsPassedToTheKernel) {
    Vrrp6Fields v;
    v.vrid = 52;
    auto in = advert6_frame(v);
    auto r = run(in);
    EXPECT_EQ(r.action, XDP_PASS);
    EXPECT_EQ(r.out, in);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"vrrp_other_vrid", 1}}));
}

TEST_F(Advert6, TaggedAdvertCountsForTheInstanceOfItsVlan) {
    use_vlan(10);
    set_instance(kIpv6 | kPreempt | kTakeoverArmed);
    expect_valid(advert6_frame({}, {}, {{0x8100, 10}}));
    EXPECT_EQ(addr16(state_->rx_state(kVrid)->master_addr), ip6("fe80::11"));
    auto in = advert6_frame();  // untagged: another network's election
    auto r = run(in);
    EXPECT_EQ(r.action, XDP_PASS);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"vrrp_other_vlan", 1}}));
}

}  // namespace
}  // namespace xvrrp::test
