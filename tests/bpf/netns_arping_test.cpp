// The XDP program attached in native mode to a veth inside a network namespace, answering a
// real arping from the other side. The VIP is also a local address of the server, so if the
// program ever let a request through, the kernel would answer too and arping would count two.
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <gtest/gtest.h>
#include <linux/if_link.h>
#include <net/if.h>

#include <memory>
#include <regex>
#include <thread>

#include "../common/host.h"
#include "dataplane/attach.h"
#include "dataplane/dataplane.h"
#include "dataplane/tables.h"
#include "xdp_fixture.h"  // monotonic_ns()
#include "xdp_pass.skel.h"

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
        {
            // XDP_TX towards a veth peer without a program is dropped (FACTS.md).
            EnterNetNs in(cli_);
            auto *pass = xdp_pass::open_and_load();
            ASSERT_NE(pass, nullptr);
            int err = bpf_xdp_attach(if_nametoindex("eth0"), bpf_program__fd(pass->progs.xdp_pass),
                                     XDP_FLAGS_DRV_MODE, nullptr);
            xdp_pass::destroy(pass);  // stays attached through netlink
            ASSERT_EQ(err, 0);
        }
        EnterNetNs in(srv_);
        dp_ = std::make_unique<dataplane::Dataplane>();
        attachment_ = std::make_unique<dataplane::XdpAttachment>(*dp_, "eth0", false);
        ASSERT_EQ(attachment_->mode(), dataplane::XdpMode::Native);
        tables_ = std::make_unique<dataplane::ControlTables>(dp_->maps());
        leases_ = std::make_unique<dataplane::LeaseTable>(dp_->maps().leases);

        xvrrp_vip vip{};
        std::string mac = sh("cat /sys/class/net/eth0/address").output;
        sscanf(mac.c_str(), "%hhx:%hhx:%hhx:%hhx:%hhx:%hhx", &vip.mac[0], &vip.mac[1],
               &vip.mac[2], &vip.mac[3], &vip.mac[4], &vip.mac[5]);
        vip.vrid = kVrid;
        tables_->set_vip(inet_addr("192.0.2.100"), vip);
    }

    void TearDown() override {
        EnterNetNs in(srv_);
        attachment_.reset();
    }

    void set_role(uint32_t flags) {
        xvrrp_instance inst{};
        inst.flags = flags;
        inst.version = 3;
        inst.priority = 150;
        tables_->set_instance(kVrid, inst);
    }

    // Broadcasts `probes` requests from the client; returns how many replies came back.
    int arping(int probes) {
        auto r = sh(cli_.exec("arping -b -c " + std::to_string(probes) +
                              " -i 1 -I eth0 192.0.2.100"));
        std::smatch m;
        if (!std::regex_search(r.output, m, std::regex("Received (\\d+) response")))
            ADD_FAILURE() << "unexpected arping output: " << r.output;
        return m.empty() ? -1 : std::stoi(m[1]);
    }

    uint64_t replies_sent() {
        EnterNetNs in(srv_);
        return dataplane::StateReader(dp_->maps()).counters().arp_reply;
    }

    NetNs srv_{unique_name("as")};
    NetNs cli_{unique_name("ac")};
    std::unique_ptr<dataplane::Dataplane> dp_;
    std::unique_ptr<dataplane::XdpAttachment> attachment_;
    std::unique_ptr<dataplane::ControlTables> tables_;
    std::unique_ptr<dataplane::LeaseTable> leases_;
};

TEST_F(NetnsArping, MasterWithFreshLeaseAnswersEachRequestExactlyOnce) {
    set_role(XVRRP_INST_MASTER);
    leases_->renew(kVrid, monotonic_ns() + 60'000'000'000ull);
    EXPECT_EQ(arping(3), 3);
    EXPECT_EQ(replies_sent(), 3u);
}

TEST_F(NetnsArping, BackupAnswersNothingAndKeepsTheKernelFromAnswering) {
    set_role(XVRRP_INST_PREEMPT);
    leases_->renew(kVrid, monotonic_ns() + 60'000'000'000ull);
    EXPECT_EQ(arping(3), 0);
    EXPECT_EQ(replies_sent(), 0u);
}

TEST_F(NetnsArping, AnsweringStopsWhenTheLeaseRunsOut) {
    set_role(XVRRP_INST_MASTER);
    uint64_t expires = monotonic_ns() + 2'000'000'000ull;
    leases_->renew(kVrid, expires);
    EXPECT_EQ(arping(2), 2);
    while (monotonic_ns() <= expires) std::this_thread::sleep_for(std::chrono::milliseconds(20));
    EXPECT_EQ(arping(3), 0);
    EXPECT_EQ(replies_sent(), 2u);
}

}  // namespace
}  // namespace xvrrp::test
