// The ND responder (bpf/nd.h) attached in native mode to a veth inside a network namespace,
// answering the kernel's own Neighbor Discovery from the other side, driven as the daemon
// drives it: a dataplane::Port and a VridBinding with an IPv6 service IP. The VIP is also a
// local address of the server, so if the program ever let a solicitation through, the kernel
// would answer it: on a backup the client must find no neighbour at all.
#include <gtest/gtest.h>

#include <memory>
#include <thread>

#include "../common/host.h"
#include "dataplane/port.h"
#include "dataplane/vrid_binding.h"
#include "xdp_pass_peer.h"

namespace xvrrp::test {
namespace {

constexpr uint8_t kVrid = 51;
const std::string kVip = "2001:db8::100";

class NetnsNd : public ::testing::Test {
  protected:
    void SetUp() override {
        // nodad: the addresses are usable at once (DAD itself is a test below).
        must("ip -n " + srv_.name() + " link add eth0 type veth peer name eth0 netns " +
             cli_.name());
        must("ip -n " + srv_.name() + " addr add 2001:db8::11/64 dev eth0 nodad");
        must("ip -n " + srv_.name() + " addr add " + kVip + "/128 dev eth0 nodad");
        must("ip -n " + srv_.name() + " link set eth0 up");
        must("ip -n " + cli_.name() + " addr add 2001:db8::50/64 dev eth0 nodad");
        must("ip -n " + cli_.name() + " link set eth0 up");
        srv_mac_ = sh("ip netns exec " + srv_.name() + " cat /sys/class/net/eth0/address").output;
        while (!srv_mac_.empty() && isspace(uint8_t(srv_mac_.back()))) srv_mac_.pop_back();
        ASSERT_TRUE(attach_xdp_pass(cli_));
        EnterNetNs in(srv_);
        port_ = std::make_unique<dataplane::Port>("eth0", "");  // no pins
        ASSERT_EQ(port_->attachment().mode(), dataplane::XdpMode::Native);
        dataplane::VridConfig c;
        c.vrid = kVrid;
        c.advert_interval = std::chrono::seconds(60);
        c.lease = std::chrono::seconds(60);
        c.virtual_ips = {*vrrp::IpAddress::parse(kVip)};
        sscanf(srv_mac_.c_str(), "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &c.answer_mac[0],
               &c.answer_mac[1], &c.answer_mac[2], &c.answer_mac[3], &c.answer_mac[4],
               &c.answer_mac[5]);
        binding_ = std::make_unique<dataplane::VridBinding>(*port_, c,
                                                            [](const dataplane::KernelReport &) {});
    }

    void TearDown() override {
        EnterNetNs in(srv_);
        binding_.reset();
        port_.reset();
    }

    void set_role(bool master) {
        EnterNetNs in(srv_);
        dataplane::VridRole role;
        role.answering = master;
        role.discard_lower_priority = true;
        role.priority = 150;
        binding_->set_role(role);
    }

    uint64_t counter(const std::string &name) {
        for (const auto &[n, value] : port_->counters())
            if (n == name) return value;
        return 0;
    }

    // The client's neighbour entry for the VIP, as `ip -6 neigh` prints it ("" if none).
    std::string client_neighbour() {
        return sh("ip -n " + cli_.name() + " -6 neigh show " + kVip + " dev eth0").output;
    }

    NetNs srv_{unique_name("ns")};
    NetNs cli_{unique_name("nc")};
    std::string srv_mac_;
    std::unique_ptr<dataplane::Port> port_;
    std::unique_ptr<dataplane::VridBinding> binding_;
};

TEST_F(NetnsNd, MasterAnswersTheKernelsNeighborDiscoveryForTheVip) {
    set_role(true);
    auto r = sh(cli_.exec("ping -6 -c 1 -W 5 " + kVip));
    EXPECT_EQ(r.status, 0) << r.output;
    std::string neigh = client_neighbour();
    EXPECT_NE(neigh.find("lladdr " + srv_mac_), std::string::npos) << neigh;
    EXPECT_EQ(neigh.find("FAILED"), std::string::npos) << neigh;
    EXPECT_GE(counter("nd_reply"), 1u);
    EXPECT_EQ(counter("nd_drop_malformed"), 0u);
}

TEST_F(NetnsNd, BackupAnswersNothingAndKeepsTheKernelFromAnswering) {
    set_role(false);
    auto r = sh(cli_.exec("ping -6 -c 1 -W 5 " + kVip));
    EXPECT_NE(r.status, 0) << "the VIP answered on a backup: " << r.output;
    std::string neigh = client_neighbour();
    EXPECT_EQ(neigh.find("lladdr"), std::string::npos) << neigh;
    EXPECT_EQ(counter("nd_reply"), 0u);
    EXPECT_GE(counter("nd_drop_backup"), 1u);
}

// RFC 4862 5.4: a client that tries to take the VIP as its own address hears the master's NA
// to its DAD probe and gives the address up (the kernel marks it dadfailed).
TEST_F(NetnsNd, MasterDefendsTheVipAgainstDuplicateAddressDetection) {
    set_role(true);
    must("ip -n " + cli_.name() + " addr add " + kVip + "/64 dev eth0");  // with DAD
    std::string addr;
    // DAD takes about a second; up to 20 s so that a loaded machine cannot fail the test.
    for (int i = 0; i < 200; i++) {
        addr = sh("ip -n " + cli_.name() + " -6 addr show dev eth0").output;
        if (addr.find("dadfailed") != std::string::npos) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100));
    }
    EXPECT_NE(addr.find("dadfailed"), std::string::npos) << addr;
    EXPECT_GE(counter("nd_reply"), 1u);
}

}  // namespace
}  // namespace xvrrp::test
