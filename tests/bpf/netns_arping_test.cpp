// The XDP program attached in native mode to a veth inside a network namespace, answering a
// real arping from the other side, driven as the daemon drives it: a dataplane::Port and a
// VridBinding. The VIP is also a local address of the server, so if the program ever let a
// request through, the kernel would answer too and arping would count two.
#include <arpa/inet.h>
#include <gtest/gtest.h>

#include <memory>
#include <regex>
#include <thread>

#include "../common/host.h"
#include "dataplane/port.h"
#include "dataplane/vrid_binding.h"
#include "xdp_fixture.h"  // monotonic_ns()
#include "xdp_pass_peer.h"

namespace xvrrp::test {
namespace {

constexpr uint8_t kVrid = 51;

class NetnsArping : public ::testing::Test {
  protected:
    void SetUp() override {
        must("ip -n " + srv_.name() + " link add eth0 type veth peer name eth0 netns " +
             cli_.name());
        must("ip -n " + srv_.name() + " addr add 192.0.2.11/24 dev eth0");
        must("ip -n " + srv_.name() + " addr add 192.0.2.100/32 dev eth0");
        must("ip -n " + srv_.name() + " link set eth0 up");
        must("ip -n " + cli_.name() + " addr add 192.0.2.50/24 dev eth0");
        must("ip -n " + cli_.name() + " link set eth0 up");
        ASSERT_TRUE(attach_xdp_pass(cli_));
        EnterNetNs in(srv_);
        port_ = std::make_unique<dataplane::Port>("eth0", "");  // no pins
        ASSERT_EQ(port_->attachment().mode(), dataplane::XdpMode::Native);
    }

    // Binds the VRID with this lease (answering stops that long after it is renewed).
    void bind(std::chrono::nanoseconds lease) {
        EnterNetNs in(srv_);
        dataplane::VridConfig c;
        c.vrid = kVrid;
        c.advert_interval = lease;
        c.lease = lease;
        c.virtual_ips = {*vrrp::IpAddress::parse("192.0.2.100")};
        std::string mac = sh("cat /sys/class/net/eth0/address").output;
        sscanf(mac.c_str(), "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &c.answer_mac[0], &c.answer_mac[1],
               &c.answer_mac[2], &c.answer_mac[3], &c.answer_mac[4], &c.answer_mac[5]);
        binding_ = std::make_unique<dataplane::VridBinding>(*port_, c,
                                                            [](const dataplane::KernelReport &) {});
    }

    void TearDown() override {
        EnterNetNs in(srv_);
        binding_.reset();
        port_.reset();
    }

    void set_role(bool master) {
        dataplane::VridRole role;
        role.answering = master;
        role.discard_lower_priority = true;
        role.priority = 150;
        binding_->set_role(role);
    }

    // Broadcasts `probes` requests from the client; returns how many replies came back.
    int arping(int probes) {
        auto r =
            sh(cli_.exec("arping -b -c " + std::to_string(probes) + " -i 1 -I eth0 192.0.2.100"));
        std::smatch m;
        if (!std::regex_search(r.output, m, std::regex("Received (\\d+) response")))
            ADD_FAILURE() << "unexpected arping output: " << r.output;
        return m.empty() ? -1 : std::stoi(m[1]);
    }

    uint64_t replies_sent() {
        for (const auto &[name, value] : port_->counters())
            if (name == "arp_reply") return value;
        return 0;
    }

    NetNs srv_{unique_name("as")};
    NetNs cli_{unique_name("ac")};
    std::unique_ptr<dataplane::Port> port_;
    std::unique_ptr<dataplane::VridBinding> binding_;
};

TEST_F(NetnsArping, MasterWithFreshLeaseAnswersEachRequestExactlyOnce) {
    bind(std::chrono::seconds(60));
    set_role(true);
    EXPECT_EQ(arping(3), 3);
    EXPECT_EQ(replies_sent(), 3u);
}

TEST_F(NetnsArping, BackupAnswersNothingAndKeepsTheKernelFromAnswering) {
    bind(std::chrono::seconds(60));
    set_role(false);
    EXPECT_EQ(arping(3), 0);
    EXPECT_EQ(replies_sent(), 0u);
}

// The kernel's timer watches the lease: nothing renews it here (no advert thread), so ARP
// stops once it has run out, without the controller doing anything.
TEST_F(NetnsArping, AnsweringStopsWhenTheLeaseRunsOut) {
    bind(std::chrono::seconds(2));
    set_role(true);
    uint64_t expires = binding_->lease().expires();
    EXPECT_EQ(arping(2), 2);
    // Waits for the timer to have run (at most 10 s: a loaded machine cannot fail the test).
    for (int i = 0; i < 500 && (monotonic_ns() <= expires || binding_->lease().answering()); i++)
        std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_FALSE(binding_->lease().answering());
    EXPECT_EQ(arping(3), 0);
    EXPECT_EQ(replies_sent(), 2u);
}

}  // namespace
}  // namespace xvrrp::test
