// VLANs on a trunk (bpf/vlan.h): an instance belongs to one 802.1Q VLAN (0: untagged). Only
// ARP and adverts of its own VLAN are its; those of any other VLAN go to the kernel untouched.
#include "xdp_fixture.h"

namespace xvrrp::test {
namespace {

constexpr uint16_t kVlan = 10;
constexpr uint8_t kOtherVrid = 52;

class Vlan : public XdpTest {
  protected:
    // VRID 51 in VLAN 10 with 192.0.2.100; VRID 52 untagged with 192.0.2.101.
    void SetUp() override {
        XdpTest::SetUp();
        use_vlan(kVlan);
        add_vip("192.0.2.100");
        use_vlan(0);
        add_vip("192.0.2.101", kServerMac, kOtherVrid);
    }
    void tagged_master() {
        use_vlan(kVlan);
        become_master();
    }
    // Runs `in` and checks it went to the kernel unchanged, moving only `counter`.
    void expect_untouched(const Bytes &in, const std::string &counter) {
        auto r = run(in);
        EXPECT_EQ(r.action, XDP_PASS);
        EXPECT_EQ(r.out, in);
        EXPECT_EQ(counter_delta(), (CounterDelta{{counter, 1}}));
        EXPECT_TRUE(drain_events().empty());
    }
    static Bytes reply_to(const ArpFields &req, std::initializer_list<test::Vlan> vlans) {
        ArpFields rep;
        rep.op = 2;
        rep.sha = kServerMac;
        rep.spa = req.tpa;
        rep.tha = req.sha;
        rep.tpa = req.spa;
        return cat({eth(req.sha, kServerMac, 0x0806, vlans), arp(rep)});
    }
};

TEST_F(Vlan, ArpRequestInTheInstancesVlanIsAnsweredWithTheTagKept) {
    tagged_master();
    ArpFields req;
    auto r = run(arp_request_frame(req, {{0x8100, kVlan}}));
    EXPECT_EQ(r.action, XDP_TX);
    EXPECT_EQ(r.out, reply_to(req, {{0x8100, kVlan}}));
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_reply", 1}}));
}

TEST_F(Vlan, TheTagsPriorityBitsAreKeptInTheReplyToo) {
    tagged_master();
    ArpFields req;
    const uint16_t tci = 5 << 13 | kVlan;  // PCP 5
    auto r = run(arp_request_frame(req, {{0x8100, tci}}));
    EXPECT_EQ(r.action, XDP_TX);
    EXPECT_EQ(r.out, reply_to(req, {{0x8100, tci}}));
}

TEST_F(Vlan, ArpForTheTaggedVipUntaggedPassesUntouched) {
    tagged_master();
    expect_untouched(arp_request_frame(), "arp_pass_other_vlan");
}

TEST_F(Vlan, ArpForTheTaggedVipInAnotherVlanWithAnInstancePassesUntouched) {
    tagged_master();
    use_vlan(20);  // an instance of VLAN 20 elsewhere on the trunk
    expect_untouched(arp_request_frame({}, {{0x8100, 20}}), "arp_pass_other_vlan");
}

TEST_F(Vlan, TaggedArpOfAVlanWithoutInstancePassesUnparsedEvenMalformed) {
    tagged_master();
    ArpFields bad;
    bad.hlen = 4;  // in our VLAN this is dropped as malformed
    expect_untouched(arp_request_frame(bad, {{0x8100, 30}}), "vlan_no_instance");
    expect_untouched(arp_request_frame({}, {{0x8100, 30}}), "vlan_no_instance");
}

TEST_F(Vlan, AnUntaggedInstanceIgnoresArpForItsVipInAVlan) {
    set_instance(kMaster | kPreempt, 3, 0, 50'000'000, kOtherVrid);
    leases_->renew(kOtherVrid, monotonic_ns() + 60 * kSecond);
    ArpFields req;
    req.tpa = ip("192.0.2.101");
    expect_untouched(arp_request_frame(req, {{0x8100, kVlan}}), "arp_pass_other_vlan");
    // and still answers it untagged
    EXPECT_EQ(run(arp_request_frame(req)).action, XDP_TX);
}

TEST_F(Vlan, APriorityTaggedFrameIsUntagged) {
    // 802.1Q: VLAN id 0 carries only a priority; the frame belongs to the untagged network.
    set_instance(kMaster | kPreempt, 3, 0, 50'000'000, kOtherVrid);
    leases_->renew(kOtherVrid, monotonic_ns() + 60 * kSecond);
    ArpFields req;
    req.tpa = ip("192.0.2.101");
    EXPECT_EQ(run(arp_request_frame(req, {{0x8100, 3 << 13}})).action, XDP_TX);
}

TEST_F(Vlan, QinQFramesBelongToNoInstanceAndPassUntouched) {
    tagged_master();
    expect_untouched(arp_request_frame({}, {{0x88a8, 7}, {0x8100, kVlan}}), "vlan_no_instance");
    expect_untouched(arp_request_frame({}, {{0x8100, kVlan}, {0x8100, kVlan}}), "vlan_no_instance");
}

TEST_F(Vlan, AnAdvertInTheInstancesVlanIsAcceptedAndConsumed) {
    use_vlan(kVlan);
    set_instance(kPreempt | kTakeoverArmed);
    EXPECT_EQ(run(advert_frame({}, {}, {{0x8100, kVlan}})).action, XDP_DROP);
    auto d = counter_delta();
    EXPECT_EQ(d["vrrp_valid"], 1u);
    EXPECT_EQ(d["vrrp_accepted"], 1u);
    auto rx = state_->rx_state(kVrid);
    ASSERT_TRUE(rx);
    EXPECT_EQ(rx->adverts, 1u);
}

TEST_F(Vlan, AnAdvertForTheVridUntaggedOrInAnotherVlanPassesUntouched) {
    use_vlan(kVlan);
    set_instance(kPreempt | kTakeoverArmed);
    use_vlan(20);
    expect_untouched(advert_frame(), "vrrp_other_vlan");
    expect_untouched(advert_frame({}, {}, {{0x8100, 20}}), "vrrp_other_vlan");
    auto rx = state_->rx_state(kVrid);
    ASSERT_TRUE(rx);
    EXPECT_EQ(rx->adverts, 0u) << "another VLAN's advert was recorded";
}

TEST_F(Vlan, AnAdvertOfAVlanWithoutInstancePassesUnparsedEvenInvalid) {
    use_vlan(kVlan);
    set_instance(kPreempt | kTakeoverArmed);
    Ipv4Fields i;
    i.ttl = 1;  // in our VLAN: vrrp_drop_ttl
    expect_untouched(advert_frame({}, i, {{0x8100, 30}}), "vlan_no_instance");
}

TEST_F(Vlan, AnUntaggedInstanceIgnoresTaggedAdverts) {
    set_instance(kPreempt | kTakeoverArmed);  // VRID 51, untagged
    use_vlan(kVlan);                          // VLAN 10 has an instance (another VRID)
    expect_untouched(advert_frame({}, {}, {{0x8100, kVlan}}), "vrrp_other_vlan");
    EXPECT_EQ(run(advert_frame()).action, XDP_DROP);
    EXPECT_EQ(counter_delta()["vrrp_valid"], 1u);
}

TEST_F(Vlan, AcceptModeOffDropsPacketsToTheVipInItsVlanOnly) {
    use_vlan(kVlan);
    add_vip("192.0.2.100", kServerMac, kVrid, XVRRP_VIP_NO_ACCEPT);
    tables_->set_no_accept_vips(1);
    become_master();
    Ipv4Fields f;
    f.src = ip("192.0.2.50");
    f.dst = ip("192.0.2.100");
    f.proto = 17;
    f.ttl = 64;
    Bytes udp = {0x30, 0x39, 0x00, 0x35, 0x00, 0x0c, 0x00, 0x00, 'p', 'i', 'n', 'g'};
    auto frame = [&](std::initializer_list<test::Vlan> vlans) {
        return cat({eth(kServerMac, kClientMac, 0x0800, vlans), ipv4(f, udp)});
    };
    EXPECT_EQ(run(frame({{0x8100, kVlan}})).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"ipv4_drop_no_accept", 1}}));
    auto other = frame({{0x8100, 20}});
    auto r = run(other);
    EXPECT_EQ(r.action, XDP_PASS);
    EXPECT_EQ(r.out, other);
}

}  // namespace
}  // namespace xvrrp::test
