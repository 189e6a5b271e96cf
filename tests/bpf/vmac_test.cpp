// The virtual MAC: ARP for the VIPs is answered with 00-00-5E-00-01-{VRID} (arp.h); the XDP
// program leaves other frames to it alone, and the tc ingress program (bpf/vmac.h) gives those
// of a VRID configured with it the interface's MAC while this server answers for the VRID.
// (That it also makes them PACKET_HOST shows end to end: failover_vmac_test.cpp.)
#include <linux/pkt_cls.h>

#include "xdp_fixture.h"

namespace xvrrp::test {
namespace {

constexpr Mac kVmac = {0x00, 0x00, 0x5e, 0x00, 0x01, 51};
constexpr Mac kHostMac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x11};

// A UDP datagram from the client to the VIP, sent to `dst`.
Bytes to_vip(const Mac &dst) {
    Ipv4Fields f;
    f.src = ip("192.0.2.50");
    f.dst = ip("192.0.2.100");
    f.proto = 17;
    f.ttl = 64;
    return cat({eth(dst, kClientMac, 0x0800), ipv4(f, Bytes(12, 0))});
}

class Vmac : public XdpTest {
  protected:
    void SetUp() override {
        XdpTest::SetUp();
        add_vip("192.0.2.100", kVmac);
    }
    // Master with a fresh lease by default: ARP for the VRID is answered.
    void set_vmac_instance(uint32_t role = kMaster | kPreempt) {
        if (role & kMaster) leases_->renew(kVrid, monotonic_ns() + 60 * kSecond);
        set_instance(role);
        auto inst = *tables_->instance(kVrid);
        inst.flags |= XVRRP_INST_VMAC;
        std::copy(kHostMac.begin(), kHostMac.end(), inst.host_mac);
        tables_->set_instance(kVrid, inst);
    }
    // The frame through the tc program: its verdict and the frame after it.
    Result run_tc(const Bytes &in) { return run(in, dp_->tc_prog_fd()); }
};

TEST_F(Vmac, TcGivesAFrameToTheVirtualMacTheInterfacesMac) {
    set_vmac_instance();
    auto in = to_vip(kVmac);
    auto r = run_tc(in);
    EXPECT_EQ(r.action, TC_ACT_UNSPEC);
    Bytes want = in;
    std::copy(kHostMac.begin(), kHostMac.end(), want.begin());
    EXPECT_EQ(r.out, want);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"vmac_to_host", 1}}));
}

// IPv6 service IPs are answered with the IPv6 virtual MAC (nd.h): frames to it, too.
TEST_F(Vmac, TcGivesAFrameToTheIpv6VirtualMacTheInterfacesMac) {
    set_vmac_instance();
    const Mac vmac6 = {0x00, 0x00, 0x5e, 0x00, 0x02, 51};
    NdIpv6Fields f;
    f.dst = ip6("2001:db8::100");
    f.next_header = 17;
    auto in = cat({eth(vmac6, kClientMac, 0x86dd), ipv6(f, Bytes(12, 0))});
    auto r = run_tc(in);
    EXPECT_EQ(r.action, TC_ACT_UNSPEC);
    Bytes want = in;
    std::copy(kHostMac.begin(), kHostMac.end(), want.begin());
    EXPECT_EQ(r.out, want);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"vmac_to_host", 1}}));
}

TEST_F(Vmac, XdpLeavesTheFrameAloneForTc) {
    set_vmac_instance();
    auto in = to_vip(kVmac);
    auto r = run(in);
    EXPECT_EQ(r.action, XDP_PASS);
    EXPECT_EQ(r.out, in);
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

TEST_F(Vmac, WhileNotAnsweringForTheVridTcLeavesTheFrameToTheKernel) {
    set_vmac_instance(kPreempt | kTakeoverArmed);  // a backup
    auto in = to_vip(kVmac);
    auto r = run_tc(in);
    EXPECT_EQ(r.action, TC_ACT_UNSPEC);
    EXPECT_EQ(r.out, in);
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

TEST_F(Vmac, AnotherVridsVirtualMacOrAnInstanceWithoutItIsLeftAlone) {
    set_vmac_instance();
    Mac other = kVmac;
    other[5] = 52;  // no instance
    auto in = to_vip(other);
    EXPECT_EQ(run_tc(in).out, in);
    become_master();  // VRID 51 without the virtual MAC
    in = to_vip(kVmac);
    EXPECT_EQ(run_tc(in).out, in);
    EXPECT_EQ(run_tc(to_vip(kServerMac)).out, to_vip(kServerMac));
    EXPECT_EQ(counter_delta(), CounterDelta{});
}

TEST_F(Vmac, ArpForTheVipIsAnsweredWithTheVirtualMacEvenUnicastToIt) {
    set_vmac_instance();
    ArpFields req;
    auto r = run(cat({eth(kVmac, kClientMac, 0x0806), arp(req)}));
    ASSERT_EQ(r.action, XDP_TX);
    EXPECT_EQ(Bytes(r.out.begin() + 6, r.out.begin() + 12), Bytes(kVmac.begin(), kVmac.end()));
    EXPECT_EQ(counter_delta()["arp_reply"], 1u);
}

}  // namespace
}  // namespace xvrrp::test
