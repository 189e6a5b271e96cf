// The ARP responder (bpf/arp.h): which requests are answered, how, and what is never answered.
#include "xdp_fixture.h"

namespace xvrrp::test {
namespace {

class Arp : public XdpTest {
  protected:
    void SetUp() override {
        XdpTest::SetUp();
        add_vip("192.0.2.100");
    }
    // What a correct reply to arp_request_frame(req) from kServerMac looks like.
    static Bytes expected_reply(const ArpFields &req, std::initializer_list<Vlan> vlans = {},
                                const Mac &vip_mac = kServerMac) {
        ArpFields rep;
        rep.op = 2;
        rep.sha = vip_mac;
        rep.spa = req.tpa;
        rep.tha = req.sha;
        rep.tpa = req.spa;
        return cat({eth(req.sha, vip_mac, 0x0806, vlans), arp(rep)});
    }
};

TEST_F(Arp, RequestForVipWhileMasterIsAnsweredInPlace) {
    become_master();
    ArpFields req;
    auto r = run(arp_request_frame(req));
    EXPECT_EQ(r.action, XDP_TX);
    EXPECT_EQ(r.out, expected_reply(req));
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_reply", 1}}));
}

TEST_F(Arp, ReplyCarriesTheVipsConfiguredMacSuchAsTheVirtualMac) {
    const Mac vmac = {0x00, 0x00, 0x5e, 0x00, 0x01, kVrid};
    add_vip("192.0.2.100", vmac);
    become_master();
    ArpFields req;
    auto r = run(arp_request_frame(req));
    EXPECT_EQ(r.action, XDP_TX);
    EXPECT_EQ(r.out, expected_reply(req, {}, vmac));
}

// Tagged requests: vlan_test.cpp. An untagged instance's VIP is not answered in a VLAN.
TEST_F(Arp, RequestBehindOneVlanTagIsNotTheUntaggedInstancesAndPassesUntouched) {
    become_master();
    auto in = arp_request_frame({}, {{0x8100, 42}});
    auto r = run(in);
    EXPECT_EQ(r.action, XDP_PASS);
    EXPECT_EQ(r.out, in);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"vlan_no_instance", 1}}));
}

TEST_F(Arp, ProbeWithZeroSenderIpIsAnsweredToTheProber) {
    become_master();
    ArpFields req;
    req.spa = 0;  // RFC 5227 probe: "is anyone using this address?"
    auto r = run(arp_request_frame(req));
    EXPECT_EQ(r.action, XDP_TX);
    EXPECT_EQ(r.out, expected_reply(req));
}

TEST_F(Arp, RequestForVipWhileBackupIsDroppedSoTheKernelCannotAnswer) {
    set_instance(kPreempt);
    auto in = arp_request_frame();
    auto r = run(in);
    EXPECT_EQ(r.action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_drop_backup", 1}}));
}

TEST_F(Arp, RequestForVipWhileReleasingIsDroppedThoughTheVipIsStillOnTheHost) {
    // A stopping master keeps the VIP on dummy0 (the kernel would answer for it) and its VIP
    // entry here, so that this drop, not the kernel, decides: the next master answers alone.
    set_instance(kReleasing | kPreempt);
    leases_->renew(kVrid, monotonic_ns() + 60'000'000'000ull);  // even with a lease left over
    EXPECT_EQ(run(arp_request_frame()).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_drop_backup", 1}}));
}

TEST_F(Arp, RequestForVipWhileArmedButTimerNotFiredIsDropped) {
    set_instance(kTakeoverArmed);
    EXPECT_EQ(run(arp_request_frame()).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_drop_backup", 1}}));
}

TEST_F(Arp, RequestForVipWhileMasterWithExpiredLeaseIsDropped) {
    set_instance(kMaster);
    leases_->renew(kVrid, monotonic_ns() - 1);
    EXPECT_EQ(run(arp_request_frame()).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_drop_lease", 1}}));
}

// Linux confirms a cached neighbour with a unicast request to the MAC it has cached.
TEST_F(Arp, UnicastRequestToTheVipsMacIsAnswered) {
    become_master();
    ArpFields req;
    auto r = run(cat({eth(kServerMac, kClientMac, 0x0806), arp(req)}));
    EXPECT_EQ(r.action, XDP_TX);
    EXPECT_EQ(r.out, expected_reply(req));
}

// Seen in promiscuous mode or as a bridge port: another host's business. Passed, so that the
// kernel drops it (or a bridge forwards it) as it would without us.
TEST_F(Arp, RequestSentToAnotherHostsMacIsPassedUnanswered) {
    become_master();
    const Mac other = {0x02, 0x00, 0x00, 0x00, 0x00, 0x99};
    auto in = cat({eth(other, kClientMac, 0x0806), arp(ArpFields{})});
    auto r = run(in);
    EXPECT_EQ(r.action, XDP_PASS);
    EXPECT_EQ(r.out, in);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_pass_other_host", 1}}));
}

// A request to a multicast MAC reaches the kernel's stack as one to broadcast does, and the
// kernel would answer it for an address of its own: it is ours to answer, or nobody's.
TEST_F(Arp, RequestToAMulticastMacIsAnsweredLikeABroadcastOne) {
    become_master();
    ArpFields req;
    const Mac group = {0x01, 0x00, 0x5e, 0x00, 0x00, 0x01};
    auto r = run(cat({eth(group, kClientMac, 0x0806), arp(req)}));
    EXPECT_EQ(r.action, XDP_TX);
    EXPECT_EQ(r.out, expected_reply(req));
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_reply", 1}}));
}

TEST_F(Arp, RequestToAMulticastMacIsNotPassedToTheBackupsKernel) {
    set_instance(kPreempt);
    ArpFields req;
    const Mac group = {0x33, 0x33, 0x00, 0x00, 0x00, 0x01};
    EXPECT_EQ(run(cat({eth(group, kClientMac, 0x0806), arp(req)})).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_drop_backup", 1}}));
}

// An advert thread that stalled longer than the lease renews it late: the kernel had stopped
// answering (and stopped watching the lease); the next request finds the fresh lease.
TEST_F(Arp, ALeaseRenewedAfterItRanOutIsAnsweredAgain) {
    become_master(1);  // runs out at once
    EXPECT_EQ(run(arp_request_frame()).action, XDP_DROP);
    leases_->renew(kVrid, monotonic_ns() + 60 * kSecond);
    EXPECT_EQ(run(arp_request_frame()).action, XDP_TX);
    EXPECT_TRUE(leases_->slot(kVrid).answering()) << "the fast path answers the next one";
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_drop_lease", 1}, {"arp_reply", 1}}));
}

TEST_F(Arp, RequestForVipWhoseVridHasNoInstanceIsDropped) {
    EXPECT_EQ(run(arp_request_frame()).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_drop_no_instance", 1}}));
}

TEST_F(Arp, RequestForAnotherAddressIsPassedToTheKernelUnchanged) {
    become_master();
    ArpFields req;
    req.tpa = ip("192.0.2.12");
    auto in = arp_request_frame(req);
    auto r = run(in);
    EXPECT_EQ(r.action, XDP_PASS);
    EXPECT_EQ(r.out, in);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_pass", 1}}));
}

TEST_F(Arp, ReplyAboutVipIsPassedNeverAnswered) {
    become_master();
    ArpFields rep;
    rep.op = 2;
    rep.tha = kServerMac;
    auto in = cat({eth(kServerMac, kClientMac, 0x0806), arp(rep)});
    auto r = run(in);
    EXPECT_EQ(r.action, XDP_PASS);
    EXPECT_EQ(r.out, in);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_pass", 1}}));
}

TEST_F(Arp, GratuitousRequestForVipIsDroppedNeverAnswered) {
    become_master();
    ArpFields garp;
    garp.spa = garp.tpa;  // another server announcing the VIP
    EXPECT_EQ(run(arp_request_frame(garp)).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_drop_gratuitous", 1}}));
}

TEST_F(Arp, RequestWithBroadcastSenderMacIsDropped) {
    become_master();
    ArpFields req;
    req.sha = kBroadcast;
    EXPECT_EQ(run(arp_request_frame(req)).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_drop_bad_sender", 1}}));
}

TEST_F(Arp, RequestWithMulticastSenderMacIsDropped) {
    become_master();
    ArpFields req;
    req.sha = {0x01, 0x00, 0x5e, 0x01, 0x02, 0x03};
    EXPECT_EQ(run(arp_request_frame(req)).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_drop_bad_sender", 1}}));
}

TEST_F(Arp, RequestFromMulticastEthernetSourceIsDropped) {
    become_master();
    EXPECT_EQ(run(arp_request_frame({}, {}, {0x03, 0, 0, 0, 0, 1})).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_drop_bad_sender", 1}}));
}

// arp_rcv() takes hardware types 1 (Ethernet) and 6 (IEEE 802) on an Ethernet device, and
// answers with its own type, Ethernet: so do we.
TEST_F(Arp, Ieee802HardwareTypeIsAnsweredAsTheKernelWould) {
    become_master();
    ArpFields req;
    req.htype = 6;
    auto r = run(arp_request_frame(req));
    EXPECT_EQ(r.action, XDP_TX);
    req.htype = 1;
    EXPECT_EQ(r.out, expected_reply(req));
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_reply", 1}}));
}

TEST_F(Arp, OtherHardwareTypesAreDroppedAsMalformed) {
    become_master();
    for (uint16_t htype : {0, 2, 7, 0x0100}) {
        ArpFields req;
        req.htype = htype;
        EXPECT_EQ(run(arp_request_frame(req)).action, XDP_DROP) << htype;
    }
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_drop_malformed", 4}}));
}

TEST_F(Arp, NonIpv4ProtocolTypeIsDroppedAsMalformed) {
    become_master();
    ArpFields req;
    req.ptype = 0x86dd;
    EXPECT_EQ(run(arp_request_frame(req)).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_drop_malformed", 1}}));
}

TEST_F(Arp, WrongHardwareLengthIsDroppedAsMalformed) {
    become_master();
    ArpFields req;
    req.hlen = 8;
    EXPECT_EQ(run(arp_request_frame(req)).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_drop_malformed", 1}}));
}

TEST_F(Arp, WrongProtocolLengthIsDroppedAsMalformed) {
    become_master();
    ArpFields req;
    req.plen = 16;
    EXPECT_EQ(run(arp_request_frame(req)).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_drop_malformed", 1}}));
}

TEST_F(Arp, TruncatedRequestIsDroppedNeverAnswered) {
    become_master();
    auto in = arp_request_frame();
    in.resize(in.size() - 1);  // target address cut short
    EXPECT_EQ(run(in).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_drop_malformed", 1}}));
}

TEST_F(Arp, RequestBehindThreeVlanTagsIsPassedUnparsed) {
    become_master();
    auto in = arp_request_frame({}, {{0x88a8, 1}, {0x8100, 2}, {0x8100, 3}});
    EXPECT_EQ(run(in).action, XDP_PASS);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"vlan_too_deep", 1}}));
}

TEST_F(Arp, ForeignTcpPacketIsPassedWithoutTouchingAnyCounter) {
    become_master();
    Ipv4Fields f;
    f.proto = 6;
    f.ttl = 64;
    f.dst = ip("192.0.2.100");
    auto in = cat({eth(kServerMac, kClientMac, 0x0800), ipv4(f, Bytes(20, 0))});
    auto r = run(in);
    EXPECT_EQ(r.action, XDP_PASS);
    EXPECT_EQ(r.out, in);
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

TEST_F(Arp, ClearingTheControlTablesForgetsEveryVip) {
    become_master();
    tables_->allow_source(kVrid, addr("192.0.2.11"));
    EXPECT_EQ(tables_->clear(), 4u);  // the instance, its receive state, the VIP, the source
    auto in = arp_request_frame();
    EXPECT_EQ(run(in).action, XDP_PASS) << "no longer a service IP: the kernel decides";
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_pass", 1}}));
}

TEST_F(Arp, Ipv6PacketIsPassed) {
    auto in = cat({eth(kServerMac, kClientMac, 0x86dd), Bytes(60, 0)});
    EXPECT_EQ(run(in).action, XDP_PASS);
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

}  // namespace
}  // namespace xvrrp::test
