// Link facts by name, and the link monitor, which reports a veth going down and up, and a link
// being deleted.
#include <poll.h>

#include <gtest/gtest.h>

#include <chrono>

#include "common/host.h"
#include "net/link.h"
#include "net/link_monitor.h"

namespace xvrrp::net {
namespace {

using test::EnterNetNs;
using test::must;
using test::NetNs;
using test::sh;
using test::unique_name;

TEST(LinkInfo, ReportsIndexMacKindAndState) {
    NetNs ns_(unique_name("li"));
    must("ip -n " + ns_.name() + " link add vip0 type bridge");
    must("ip -n " + ns_.name() + " link set vip0 up");
    auto shown = sh("ip -n " + ns_.name() + " -o link show vip0").output;
    EnterNetNs in(ns_);
    auto info = link_info("vip0");
    EXPECT_EQ(info.name, "vip0");
    EXPECT_EQ(info.kind, "bridge");
    EXPECT_EQ(shown.substr(0, shown.find(':')), std::to_string(info.ifindex));
    ASSERT_TRUE(info.has_mac);
    EXPECT_NE(shown.find("link/ether " + mac_to_string(info.mac)), std::string::npos) << shown;
    EXPECT_TRUE(info.up);
    EXPECT_TRUE(info.running);

    auto lo = link_info("lo");
    EXPECT_EQ(lo.ifindex, 1);
    EXPECT_FALSE(lo.has_mac);
    EXPECT_EQ(find_link("nosuch0"), std::nullopt);
}

// Waits (up to 2 s) until a change for `name` matching `pred` arrives.
template <typename Pred>
std::optional<LinkChange> wait_for(LinkMonitor &mon, const std::string &name, Pred pred) {
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (std::chrono::steady_clock::now() < deadline) {
        pollfd p{mon.fd(), POLLIN, 0};
        poll(&p, 1, 100);
        for (auto &c : mon.drain().changes)
            if (c.name == name && pred(c)) return c;
    }
    return std::nullopt;
}

TEST(LinkMonitor, SeesVethGoDownAndUpAndGetDeleted) {
    NetNs ns(unique_name("lm"));
    std::string ip = "ip -n " + ns.name() + " ";
    must(ip + "link add xva type veth peer name xvb");
    must(ip + "link set xvb up");
    must(ip + "link set xva up");

    EnterNetNs in(ns);
    LinkMonitor mon;  // subscribes in the namespace the thread is in
    int ifindex = link_info("xva").ifindex;

    must(ip + "link set xva down");
    auto down = wait_for(mon, "xva", [](const LinkChange &c) { return !c.up; });
    ASSERT_TRUE(down) << "no down notification for xva";
    EXPECT_EQ(down->ifindex, ifindex);
    EXPECT_FALSE(down->up_and_running());

    must(ip + "link set xva up");
    auto up = wait_for(mon, "xva", [](const LinkChange &c) { return c.up_and_running(); });
    ASSERT_TRUE(up) << "no up+running notification for xva";
    EXPECT_EQ(up->ifindex, ifindex);

    // Cutting the peer takes the carrier away: up, but not running.
    must(ip + "link set xvb down");
    auto no_carrier = wait_for(mon, "xva", [](const LinkChange &c) { return c.up && !c.running; });
    ASSERT_TRUE(no_carrier) << "no carrier-loss notification for xva";

    must(ip + "link del xva");
    auto gone = wait_for(mon, "xva", [](const LinkChange &c) { return c.removed; });
    ASSERT_TRUE(gone) << "no delete notification for xva";
    EXPECT_FALSE(gone->up_and_running());
}

TEST(LinkMonitor, DrainOnAQuietSocketReturnsAtOnce) {
    NetNs ns(unique_name("lq"));
    EnterNetNs in(ns);
    LinkMonitor mon;
    auto start = std::chrono::steady_clock::now();
    auto got = mon.drain();
    EXPECT_TRUE(got.changes.empty());
    EXPECT_FALSE(got.overrun);
    EXPECT_LT(std::chrono::steady_clock::now() - start, std::chrono::milliseconds(50));
}

}  // namespace
}  // namespace xvrrp::net
