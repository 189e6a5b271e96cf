// IPv6 adverts through the whole data plane as the daemon drives it: the XDP program attached
// in native mode to a veth inside a network namespace, a dataplane::Port and a VridBinding of
// each family, adverts built by the daemon's own builder (vrrp/frames.h) sent from the other
// side. What the binding reports is what the election gets: the advert's source in its
// family, from the 16 bytes of the kernel's event.
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <gtest/gtest.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <sys/socket.h>

#include <memory>
#include <thread>

#include "../common/host.h"
#include "common/fd.h"
#include "dataplane/port.h"
#include "dataplane/vrid_binding.h"
#include "vrrp/frames.h"

namespace xvrrp::test {
namespace {

constexpr uint8_t kVrid = 51;

vrrp::IpAddress addr(const char *text) {
    return *vrrp::IpAddress::parse(text);
}

class NetnsAdvert6 : public ::testing::Test {
  protected:
    void SetUp() override {
        must("ip -n " + srv_.name() + " link add eth0 type veth peer name eth0 netns " +
             cli_.name());
        must("ip -n " + srv_.name() + " link set eth0 up");
        must("ip -n " + cli_.name() + " link set eth0 up");
        EnterNetNs in(srv_);
        port_ = std::make_unique<dataplane::Port>("eth0", "");  // no pins
        ASSERT_EQ(port_->attachment().mode(), dataplane::XdpMode::Native);
    }

    void TearDown() override {
        EnterNetNs in(srv_);
        binding_.reset();
        port_.reset();
    }

    // A backup of this configuration, its Master_Down_Timer armed: adverts restart it.
    void bind(dataplane::VridConfig c) {
        EnterNetNs in(srv_);
        c.vrid = kVrid;
        c.advert_interval = std::chrono::seconds(1);
        c.lease = std::chrono::seconds(1);
        binding_ = std::make_unique<dataplane::VridBinding>(
            *port_, c, [this](const dataplane::KernelReport &r) {
                if (auto *a = std::get_if<dataplane::AdvertReport>(&r)) adverts_.push_back(*a);
            });
        dataplane::VridRole role;
        role.priority = 100;
        binding_->set_role(role);
        binding_->arm_master_down(std::chrono::seconds(60));
    }

    // An advert from `source` (priority 150, 1 s) as xvrrpd builds it, sent on the client's
    // side of the veth.
    void send_advert(const vrrp::IpAddress &source,
                     std::optional<vrrp::IpAddress> destination = std::nullopt) {
        vrrp::Advert a;
        a.vrid = kVrid;
        a.priority = 150;
        a.interval_field = 100;
        a.source = source;
        a.addresses = {source};
        vrrp::AdvertFrameOptions o;
        o.source_mac = {0x02, 0, 0, 0, 0, 0xc1};
        o.ip.destination = destination;
        if (destination) o.destination_mac = vrrp::MacAddress{0x02, 0, 0, 0, 0, 0x11};
        auto frame = vrrp::build_advert_frame(a, o);
        ASSERT_TRUE(frame.ok());
        EnterNetNs in(cli_);
        UniqueFd fd(socket(AF_PACKET, SOCK_RAW, 0));
        ASSERT_TRUE(fd);
        sockaddr_ll to{};
        to.sll_family = AF_PACKET;
        to.sll_ifindex = int(if_nametoindex("eth0"));
        to.sll_halen = 6;
        ASSERT_EQ(sendto(fd.get(), frame.value().data(), frame.value().size(), 0,
                         reinterpret_cast<sockaddr *>(&to), sizeof to),
                  ssize_t(frame.value().size()));
    }

    // Takes the port's events until `n` advert reports came (at most 10 s: a loaded machine
    // cannot fail the test) or the counter `why` moved.
    void wait_for(size_t n, const std::string &why = "") {
        for (int i = 0; i < 1000 && adverts_.size() < n && (why.empty() || !counter(why)); i++) {
            port_->poll_events();
            std::this_thread::sleep_for(std::chrono::milliseconds(10));
        }
        port_->poll_events();
    }

    uint64_t counter(const std::string &name) {
        for (const auto &[n, value] : port_->counters())
            if (n == name) return value;
        return 0;
    }

    NetNs srv_{unique_name("6s")};
    NetNs cli_{unique_name("6c")};
    std::unique_ptr<dataplane::Port> port_;
    std::unique_ptr<dataplane::VridBinding> binding_;
    std::vector<dataplane::AdvertReport> adverts_;
};

TEST_F(NetnsAdvert6, Ipv6BindingReportsTheAdvertWithItsIpv6Source) {
    dataplane::VridConfig c;
    c.family = vrrp::Family::IPv6;
    c.virtual_ips = {addr("2001:db8::100")};
    bind(c);
    send_advert(addr("fe80::c1"));
    wait_for(1);
    ASSERT_EQ(adverts_.size(), 1u);
    EXPECT_EQ(adverts_[0].advert.source, addr("fe80::c1"));
    EXPECT_EQ(adverts_[0].advert.priority, 150);
    EXPECT_EQ(adverts_[0].why, "new master");
    EXPECT_EQ(counter("vrrp_accepted"), 1u);
    EXPECT_EQ(binding_->stats(vrrp::TimePoint{}).accepted, 1u);
}

TEST_F(NetnsAdvert6, Ipv6UnicastBindingTakesAdvertsToItsAddressFromItsPeersOnly) {
    dataplane::VridConfig c;
    c.family = vrrp::Family::IPv6;
    c.virtual_ips = {addr("2001:db8::100")};
    c.unicast_self = addr("2001:db8::11");
    c.allowed_sources = {addr("2001:db8::50")};
    bind(c);
    send_advert(addr("2001:db8::66"), addr("2001:db8::11"));  // not a peer
    wait_for(1, "vrrp_drop_source");
    EXPECT_EQ(counter("vrrp_drop_source"), 1u);
    send_advert(addr("2001:db8::50"), addr("2001:db8::11"));
    wait_for(1);
    ASSERT_EQ(adverts_.size(), 1u);
    EXPECT_EQ(adverts_[0].advert.source, addr("2001:db8::50"));
}

TEST_F(NetnsAdvert6, Ipv4BindingReportsIpv4SourcesAndLeavesIpv6AdvertsToTheKernel) {
    dataplane::VridConfig c;
    c.virtual_ips = {addr("192.0.2.100")};
    bind(c);
    send_advert(addr("fe80::c1"));  // VRID 51 over IPv6: another election
    wait_for(1, "vrrp_other_family");
    EXPECT_EQ(counter("vrrp_other_family"), 1u);
    send_advert(addr("192.0.2.11"));
    wait_for(1);
    ASSERT_EQ(adverts_.size(), 1u);
    EXPECT_EQ(adverts_[0].advert.source, addr("192.0.2.11"));
    EXPECT_EQ(adverts_[0].advert.source.family, vrrp::Family::IPv4);
}

}  // namespace
}  // namespace xvrrp::test
