// dummy0 at start-up: created (kind dummy, or a sink-like fallback on kernels without it),
// reused when it exists, removed on exit only when we created it.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include <gtest/gtest.h>

#include "common/fd.h"
#include "common/host.h"
#include "net/address.h"
#include "net/link.h"
#include "net/vip_interface.h"

namespace xvrrp::net {
namespace {

using test::EnterNetNs;
using test::NetNs;
using test::sh;
using test::unique_name;

AddressPrefix prefix(const char *text, uint8_t len) {
    return {*vrrp::IpAddress::parse(text), len};
}

// Listens on ip:port, connects from the same namespace, exchanges one byte.
void expect_tcp_roundtrip(const char *ip, uint16_t port) {
    sockaddr_in sa{};
    sa.sin_family = AF_INET;
    sa.sin_port = htons(port);
    ASSERT_EQ(inet_pton(AF_INET, ip, &sa.sin_addr), 1);
    auto *addr = reinterpret_cast<sockaddr *>(&sa);

    UniqueFd server(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_TRUE(server);
    ASSERT_EQ(bind(server.get(), addr, sizeof sa), 0) << strerror(errno);
    ASSERT_EQ(listen(server.get(), 1), 0);
    UniqueFd client(socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0));
    ASSERT_EQ(connect(client.get(), addr, sizeof sa), 0) << strerror(errno);
    UniqueFd conn(accept(server.get(), nullptr, nullptr));
    ASSERT_TRUE(conn) << strerror(errno);
    ASSERT_EQ(write(client.get(), "x", 1), 1);
    char c = 0;
    ASSERT_EQ(read(conn.get(), &c, 1), 1);
    EXPECT_EQ(c, 'x');
}

TEST(VipInterface, CreatesDummyOrLogsFallbackAndHoldsAReachableServiceIp) {
    NetNs ns(unique_name("vc"));
    // Does this kernel have the dummy link type? Ask the same way an operator would.
    bool has_dummy = sh(ns.exec("ip link add xvprobe0 type dummy")).status == 0;
    sh(ns.exec("ip link del xvprobe0"));

    EnterNetNs in(ns);
    auto plan = VipInterface::check("dummy0");
    EXPECT_EQ(find_link("dummy0"), std::nullopt) << "check() must not create anything";

    auto vip = VipInterface::ensure("dummy0");
    std::cerr << "  " << vip.description() << "\n  (check said: " << plan.text << ")\n";
    EXPECT_TRUE(vip.created());
    if (has_dummy) {
        EXPECT_EQ(vip.origin(), VipInterfaceOrigin::CreatedDummy);
        EXPECT_EQ(vip.description(), "dummy0: created (kind dummy)");
    } else {
        EXPECT_EQ(vip.origin(), VipInterfaceOrigin::CreatedFallback);
        EXPECT_EQ(plan.origin, VipInterfaceOrigin::CreatedFallback);
        EXPECT_NE(vip.description().find("kernel has no dummy link type; created kind "),
                  std::string::npos)
            << vip.description();
        EXPECT_NE(vip.kind(), "dummy");
    }

    auto info = link_info("dummy0");
    EXPECT_EQ(info.ifindex, vip.ifindex());
    EXPECT_EQ(info.kind, vip.kind());
    EXPECT_TRUE(info.up);
    EXPECT_TRUE(info.running) << "a sink-like VIP interface has carrier, as dummy does";
    auto shown = sh("ip -n " + ns.name() + " -d link show dummy0").output;
    EXPECT_NE(shown.find("UP"), std::string::npos) << shown;

    ASSERT_TRUE(add_address("dummy0", prefix("192.0.2.100", 32)));
    expect_tcp_roundtrip("192.0.2.100", 8080);
}

TEST(VipInterface, ReusesAnExistingInterfaceAndNeverRemovesIt) {
    NetNs ns(unique_name("ve"));
    test::must("ip -n " + ns.name() + " link add dummy0 type bridge");  // down, not ours
    EnterNetNs in(ns);

    auto plan = VipInterface::check("dummy0");
    EXPECT_EQ(plan.origin, VipInterfaceOrigin::Existing);
    EXPECT_TRUE(plan.would_set_up);
    EXPECT_FALSE(link_info("dummy0").up) << "check() must not set it up";

    auto before = link_info("dummy0");
    auto vip = VipInterface::ensure("dummy0");
    EXPECT_EQ(vip.origin(), VipInterfaceOrigin::Existing);
    EXPECT_FALSE(vip.created());
    EXPECT_EQ(vip.ifindex(), before.ifindex);
    EXPECT_EQ(vip.description(), "dummy0: exists (kind bridge), using it; was down, set it up");
    EXPECT_TRUE(link_info("dummy0").up);

    EXPECT_FALSE(vip.remove_if_created());
    EXPECT_NE(find_link("dummy0"), std::nullopt);
}

TEST(VipInterface, RemoveIfCreatedRemovesOnlyWhatWeCreated) {
    NetNs ns(unique_name("vr"));
    EnterNetNs in(ns);
    auto vip = VipInterface::ensure("xvip0");
    ASSERT_TRUE(vip.created());
    EXPECT_TRUE(vip.remove_if_created());
    EXPECT_EQ(find_link("xvip0"), std::nullopt);
    EXPECT_FALSE(vip.remove_if_created()) << "second call is a no-op";

    // Someone else's link with the same name, created after ours went away, stays.
    auto again = VipInterface::ensure("xvip0");
    ASSERT_TRUE(again.created());
    ASSERT_TRUE(delete_link("xvip0"));
    test::must("ip -n " + ns.name() + " link add xvip0 type bridge");
    EXPECT_FALSE(again.remove_if_created());
    EXPECT_NE(find_link("xvip0"), std::nullopt);
}

TEST(VipInterface, OneLeftByAKilledDaemonIsAdoptedAndRemovedOnExit) {
    NetNs ns(unique_name("vk"));
    EnterNetNs in(ns);
    {
        auto crashed = VipInterface::ensure("xvip0");  // the daemon is killed: no clean-up
        ASSERT_TRUE(crashed.created());
    }
    auto next = VipInterface::ensure("xvip0");
    EXPECT_TRUE(next.created()) << next.description();
    EXPECT_NE(next.description().find("left by an earlier xvrrpd"), std::string::npos)
        << next.description();
    EXPECT_TRUE(next.remove_if_created());
    EXPECT_EQ(find_link("xvip0"), std::nullopt);
}

TEST(VipInterface, ErrorsNameTheInterfaceAndTheCause) {
    NetNs ns(unique_name("vx"));
    EnterNetNs in(ns);
    try {
        VipInterface::ensure("this-name-is-far-too-long");
        FAIL() << "an invalid interface name must be refused";
    } catch (const Error &e) {
        EXPECT_NE(
            std::string(e.what()).find("\"this-name-is-far-too-long\": not a valid interface name"),
            std::string::npos)
            << e.what();
    }
}

}  // namespace
}  // namespace xvrrp::net
