// Service addresses: adding twice and removing twice are both fine; IPv6 is usable at once.
#include <gtest/gtest.h>

#include <algorithm>

#include "common/fd.h"
#include "common/host.h"
#include "net/address.h"
#include "net/link.h"

namespace xvrrp::net {
namespace {

using test::EnterNetNs;
using test::must;
using test::NetNs;
using test::sh;
using test::unique_name;

AddressPrefix prefix(const char *text, uint8_t len) {
    return {*vrrp::IpAddress::parse(text), len};
}

std::string ip_addr_show(const NetNs &ns, const std::string &dev) {
    return sh("ip -n " + ns.name() + " addr show dev " + dev).output;
}

bool listed(const std::vector<InterfaceAddress> &all, const AddressPrefix &p) {
    return std::any_of(all.begin(), all.end(),
                       [&](const InterfaceAddress &a) { return a.prefix == p; });
}

// A bridge with no ports: up and running on every kernel, like dummy0 would be.
class AddressTest : public ::testing::Test {
  protected:
    AddressTest() : ns_(unique_name("ad")) {
        must("ip -n " + ns_.name() + " link add vip0 type bridge");
        must("ip -n " + ns_.name() + " link set vip0 up");
    }
    NetNs ns_;
};

TEST_F(AddressTest, Ipv4AddAndRemoveAreIdempotent) {
    EnterNetNs in(ns_);
    auto vip = prefix("192.0.2.100", 32);
    EXPECT_TRUE(add_address("vip0", vip));
    EXPECT_FALSE(add_address("vip0", vip)) << "already there is success, not an error";
    EXPECT_NE(ip_addr_show(ns_, "vip0").find("inet 192.0.2.100/32"), std::string::npos);
    EXPECT_TRUE(listed(list_addresses("vip0"), vip));

    EXPECT_TRUE(remove_address("vip0", vip));
    EXPECT_FALSE(remove_address("vip0", vip)) << "already gone is success, not an error";
    EXPECT_EQ(ip_addr_show(ns_, "vip0").find("192.0.2.100"), std::string::npos);
    EXPECT_FALSE(listed(list_addresses("vip0"), vip));
}

TEST_F(AddressTest, EditorOnOneSocketIsIdempotentAndFollowsARecreatedInterface) {
    EnterNetNs in(ns_);
    auto vip = prefix("192.0.2.100", 32);
    AddressEditor editor("vip0");
    EXPECT_TRUE(editor.add(vip));
    EXPECT_FALSE(editor.add(vip));
    EXPECT_TRUE(listed(list_addresses("vip0"), vip));
    EXPECT_TRUE(editor.remove(vip));
    EXPECT_FALSE(editor.remove(vip));
    EXPECT_FALSE(listed(list_addresses("vip0"), vip));

    // Someone deletes and recreates the interface: a new ifindex under the same name.
    must("ip -n " + ns_.name() + " link del vip0");
    must("ip -n " + ns_.name() + " link add vip0 type bridge");
    must("ip -n " + ns_.name() + " link set vip0 up");
    EXPECT_TRUE(editor.add(vip));
    EXPECT_NE(ip_addr_show(ns_, "vip0").find("inet 192.0.2.100/32"), std::string::npos);
    EXPECT_TRUE(editor.remove(vip));
    EXPECT_EQ(ip_addr_show(ns_, "vip0").find("192.0.2.100"), std::string::npos);
}

// Many addresses (more than one message train) over the editor's socket at once: each is
// reported on its own, one already there and one already gone are not errors, and add/remove
// of single addresses still get their own answers afterwards.
TEST_F(AddressTest, EditorAddsAndRemovesManyInOneExchange) {
    EnterNetNs in(ns_);
    std::vector<AddressPrefix> vips;
    for (int i = 0; i < int(AddressEditor::kBatch) * 2 + 10; ++i) {
        std::string a = "10.20." + std::to_string(i / 250) + "." + std::to_string(i % 250 + 1);
        vips.push_back(prefix(a.c_str(), 32));
    }
    AddressEditor editor("vip0");
    ASSERT_TRUE(editor.add(vips[70]));  // in the second train

    auto added = editor.add_all(vips);
    ASSERT_EQ(added.size(), vips.size());
    auto all = list_addresses("vip0");
    for (size_t i = 0; i < vips.size(); ++i) {
        EXPECT_EQ(added[i].changed, i != 70) << i;
        EXPECT_EQ(added[i].error, "") << i;
        EXPECT_TRUE(listed(all, vips[i])) << vips[i].to_string();
    }
    EXPECT_FALSE(editor.add(vips[3]));  // its own answer, not a left-over of the trains
    EXPECT_TRUE(editor.remove(vips[3]));

    auto removed = editor.remove_all(vips);
    ASSERT_EQ(removed.size(), vips.size());
    all = list_addresses("vip0");
    for (size_t i = 0; i < vips.size(); ++i) {
        EXPECT_EQ(removed[i].changed, i != 3) << i;
        EXPECT_EQ(removed[i].error, "") << i;
        EXPECT_FALSE(listed(all, vips[i])) << vips[i].to_string();
    }
    EXPECT_TRUE(editor.add(vips[0]));
    EXPECT_TRUE(editor.remove(vips[0]));
}

TEST_F(AddressTest, EditorAddsManyToARecreatedInterface) {
    EnterNetNs in(ns_);
    std::vector<AddressPrefix> vips = {prefix("192.0.2.100", 32), prefix("192.0.2.101", 32)};
    AddressEditor editor("vip0");
    must("ip -n " + ns_.name() + " link del vip0");
    must("ip -n " + ns_.name() + " link add vip0 type bridge");
    must("ip -n " + ns_.name() + " link set vip0 up");
    for (const auto &r : editor.add_all(vips)) {
        EXPECT_TRUE(r.changed);
        EXPECT_EQ(r.error, "");
    }
    auto all = list_addresses("vip0");
    EXPECT_TRUE(listed(all, vips[0]));
    EXPECT_TRUE(listed(all, vips[1]));
    for (const auto &r : editor.remove_all(vips)) EXPECT_EQ(r.error, "");
    EXPECT_EQ(ip_addr_show(ns_, "vip0").find("192.0.2.10"), std::string::npos);
}

TEST_F(AddressTest, Ipv6AddressIsNodadAndNotTentative) {
    EnterNetNs in(ns_);
    auto vip = prefix("2001:db8::100", 128);
    EXPECT_TRUE(add_address("vip0", vip));
    EXPECT_FALSE(add_address("vip0", vip));

    auto shown = ip_addr_show(ns_, "vip0");
    auto line = shown.substr(shown.find("inet6 2001:db8::100/128"));
    line = line.substr(0, line.find('\n'));
    EXPECT_NE(line.find("nodad"), std::string::npos) << shown;
    EXPECT_EQ(line.find("tentative"), std::string::npos) << shown;

    auto all = list_addresses("vip0");
    auto it = std::find_if(all.begin(), all.end(),
                           [&](const InterfaceAddress &a) { return a.prefix == vip; });
    ASSERT_NE(it, all.end());
    EXPECT_FALSE(it->tentative());
    EXPECT_FALSE(it->dad_failed());

    EXPECT_TRUE(remove_address("vip0", vip));
    EXPECT_FALSE(remove_address("vip0", vip));
    EXPECT_EQ(ip_addr_show(ns_, "vip0").find("2001:db8::100"), std::string::npos);
}

TEST_F(AddressTest, ListShowsBothFamiliesWithPrefixLengths) {
    must("ip -n " + ns_.name() + " addr add 198.51.100.7/24 dev vip0");
    EnterNetNs in(ns_);
    ASSERT_TRUE(add_address("vip0", prefix("2001:db8:1::7", 64)));
    auto all = list_addresses("vip0");
    EXPECT_TRUE(listed(all, prefix("198.51.100.7", 24)));
    EXPECT_TRUE(listed(all, prefix("2001:db8:1::7", 64)));
    EXPECT_FALSE(listed(all, prefix("198.51.100.7", 32)));
}

TEST_F(AddressTest, MissingInterfaceIsAnErrorForAddAndNothingToDoForRemove) {
    EnterNetNs in(ns_);
    try {
        add_address("nosuch0", prefix("192.0.2.1", 32));
        FAIL() << "adding to a missing interface must fail";
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find("nosuch0: no such interface"), std::string::npos)
            << e.what();
    }
    EXPECT_FALSE(remove_address("nosuch0", prefix("192.0.2.1", 32)));
}

}  // namespace
}  // namespace xvrrp::net
