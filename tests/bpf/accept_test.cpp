// Accept mode (bpf/accept.h, RFC 5798 6.4.3): with it off, IPv4 and IPv6 packets addressed to a
// VIP are dropped in XDP whatever the role, while ARP and ND for the VIP are answered as ever;
// with it on (the default) they pass to the kernel.
#include "xdp_fixture.h"

namespace xvrrp::test {
namespace {

constexpr Mac kClientMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x99};

// A UDP datagram from the client to `dst` (the payload does not matter to XDP).
Bytes udp_frame(const char *dst, std::initializer_list<Vlan> vlans = {}) {
    Ipv4Fields f;
    f.src = ip("192.0.2.50");
    f.dst = ip(dst);
    f.proto = 17;
    f.ttl = 64;
    Bytes udp = {0x30, 0x39, 0x00, 0x35, 0x00, 0x0c, 0x00, 0x00, 'p', 'i', 'n', 'g'};
    return cat({eth(kServerMac, kClientMac, 0x0800, vlans), ipv4(f, udp)});
}

class Accept : public XdpTest {
  protected:
    // 192.0.2.100 refuses traffic (accept mode off), 192.0.2.101 of another VRID accepts it;
    // meta counts one refusing VIP, as the controller writes it.
    void SetUp() override {
        XdpTest::SetUp();
        add_vip("192.0.2.100", kServerMac, kVrid, XVRRP_VIP_NO_ACCEPT);
        add_vip("192.0.2.101", kServerMac, kVrid + 1);
        tables_->set_no_accept_vips(1);
    }
};

TEST_F(Accept, WithAcceptModeOffAPacketToTheVipIsDroppedOnTheMaster) {
    become_master();
    auto r = run(udp_frame("192.0.2.100"));
    EXPECT_EQ(r.action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"ipv4_drop_no_accept", 1}}));
}

TEST_F(Accept, WithAcceptModeOffAPacketToTheVipIsDroppedOnTheBackupToo) {
    set_instance(kPreempt);
    EXPECT_EQ(run(udp_frame("192.0.2.100")).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"ipv4_drop_no_accept", 1}}));
}

TEST_F(Accept, WithAcceptModeOffArpForTheVipIsStillAnswered) {
    become_master();
    ArpFields req;
    EXPECT_EQ(run(arp_request_frame(req)).action, XDP_TX);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_reply", 1}}));
}

TEST_F(Accept, InAVlanThePacketIsNotTheUntaggedVipsAndPasses) {
    become_master();
    EXPECT_EQ(run(udp_frame("192.0.2.100", {{0x8100, 42}})).action, XDP_PASS);
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

TEST_F(Accept, APacketToAVipThatAcceptsPasses) {
    become_master();
    EXPECT_EQ(run(udp_frame("192.0.2.101")).action, XDP_PASS);
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

TEST_F(Accept, APacketToAnAddressThatIsNoVipPasses) {
    become_master();
    EXPECT_EQ(run(udp_frame("192.0.2.11")).action, XDP_PASS);
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

TEST_F(Accept, WhileMetaCountsNoRefusingVipTheVipsAreNotLookedUp) {
    // The controller keeps the count; 0 means no VIP refuses anything, and the program trusts it.
    tables_->set_no_accept_vips(0);
    become_master();
    EXPECT_EQ(run(udp_frame("192.0.2.100")).action, XDP_PASS);
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

TEST_F(Accept, AFrameThatEndsInsideTheIpHeaderPassesToTheKernelUnjudged) {
    become_master();
    Bytes f = udp_frame("192.0.2.100");
    f.resize(14 + 16);
    EXPECT_EQ(run(f).action, XDP_PASS);
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

// ---- IPv6 VIPs (vips6): the same, except that Neighbor Discovery always goes on ----------

// A UDP datagram over IPv6 from the client to `dst`, or any other next header.
Bytes udp6_frame(const char *dst, uint8_t next_header = 17,
                 std::initializer_list<Vlan> vlans = {}) {
    NdIpv6Fields f;
    f.dst = ip6(dst);
    f.next_header = next_header;
    f.hop_limit = 64;
    Bytes udp = {0x30, 0x39, 0x00, 0x35, 0x00, 0x0c, 0x00, 0x00, 'p', 'i', 'n', 'g'};
    return cat({eth(kServerMac, kClientMac, 0x86dd, vlans), ipv6(f, udp)});
}

class Accept6 : public XdpTest {
  protected:
    // 2001:db8::100 refuses traffic, 2001:db8::101 of another VRID accepts it.
    void SetUp() override {
        XdpTest::SetUp();
        add_vip6("2001:db8::100", kServerMac, kVrid, XVRRP_VIP_NO_ACCEPT);
        add_vip6("2001:db8::101", kServerMac, kVrid + 1);
        tables_->set_no_accept_vips(1);
    }
};

TEST_F(Accept6, WithAcceptModeOffAPacketToTheVipIsDroppedOnTheMaster) {
    become_master();
    EXPECT_EQ(run(udp6_frame("2001:db8::100")).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"ipv6_drop_no_accept", 1}}));
}

TEST_F(Accept6, WithAcceptModeOffAPacketToTheVipIsDroppedOnTheBackupToo) {
    set_instance(kPreempt);
    EXPECT_EQ(run(udp6_frame("2001:db8::100")).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"ipv6_drop_no_accept", 1}}));
}

TEST_F(Accept6, OtherIcmpv6ToTheVipSuchAsAnEchoRequestIsDropped) {
    become_master();
    NdIpv6Fields i;
    i.dst = ip6("2001:db8::100");
    NdFields echo;
    echo.type = 128;
    echo.options = {};
    EXPECT_EQ(run(ns_frame(echo, i, {}, kServerMac)).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"ipv6_drop_no_accept", 1}}));
}

// A unicast NS confirms reachability (RFC 4861 7.3.1); an NA answers the host's own NS.
TEST_F(Accept6, WithAcceptModeOffNeighborDiscoveryToTheVipStillWorks) {
    become_master();
    NdIpv6Fields i;
    i.dst = ip6("2001:db8::100");
    NdFields ns;
    ns.target = i.dst;
    EXPECT_EQ(run(ns_frame(ns, i, {}, kServerMac)).action, XDP_TX);
    NdFields na;
    na.type = 136;
    na.target = ip6("2001:db8::50");
    na.flags = 0x60000000;
    na.options = nd_lladdr_option(2, kClientMac);
    EXPECT_EQ(run(ns_frame(na, i, {}, kServerMac)).action, XDP_PASS);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"nd_reply", 1}}));
}

TEST_F(Accept6, InAVlanThePacketIsNotTheUntaggedVipsAndPasses) {
    become_master();
    EXPECT_EQ(run(udp6_frame("2001:db8::100", 17, {{0x8100, 42}})).action, XDP_PASS);
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

TEST_F(Accept6, APacketToAVipThatAcceptsPasses) {
    become_master();
    EXPECT_EQ(run(udp6_frame("2001:db8::101")).action, XDP_PASS);
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

TEST_F(Accept6, APacketToAnAddressThatIsNoVipPasses) {
    become_master();
    EXPECT_EQ(run(udp6_frame("2001:db8::11")).action, XDP_PASS);
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

TEST_F(Accept6, AnExtensionHeaderFirstDoesNotHideTheDestination) {
    become_master();
    EXPECT_EQ(run(udp6_frame("2001:db8::100", 0)).action, XDP_DROP);  // hop-by-hop first
    EXPECT_EQ(counter_delta(), (CounterDelta{{"ipv6_drop_no_accept", 1}}));
}

TEST_F(Accept6, WhileMetaCountsNoRefusingVipTheVipsAreNotLookedUp) {
    tables_->set_no_accept_vips(0);
    become_master();
    EXPECT_EQ(run(udp6_frame("2001:db8::100")).action, XDP_PASS);
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

TEST_F(Accept6, AFrameThatEndsInsideTheIpv6HeaderPassesToTheKernelUnjudged) {
    become_master();
    Bytes f = udp6_frame("2001:db8::100");
    f.resize(14 + 36);
    EXPECT_EQ(run(f).action, XDP_PASS);
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

}  // namespace
}  // namespace xvrrp::test
