// ip_nonlocal_bind is set per network namespace, never in the root one by accident.
#include <gtest/gtest.h>

#include "common/fd.h"
#include "common/host.h"
#include "net/sysctl.h"

namespace xvrrp::net {
namespace {

using test::EnterNetNs;
using test::NetNs;
using test::sh;
using test::unique_name;

std::string root_value(std::string_view name) {
    return read_sysctl(name);
}

TEST(Sysctl, PathFollowsTheDottedName) {
    EXPECT_EQ(sysctl_path("net.ipv4.ip_nonlocal_bind"), "/proc/sys/net/ipv4/ip_nonlocal_bind");
}

TEST(Sysctl, NonlocalBindIsSetInTheNamespaceOnly) {
    const std::string root4 = root_value(kIpv4NonlocalBind);
    const std::string root6 = root_value(kIpv6NonlocalBind);
    NetNs ns(unique_name("sy"));
    {
        EnterNetNs in(ns);
        // A fresh namespace starts with the default, 0.
        auto before = check_nonlocal_bind();
        ASSERT_EQ(before.size(), 2u);
        for (auto &s : before) {
            EXPECT_FALSE(s.ok) << s.text;
            EXPECT_EQ(s.before, "0");
            EXPECT_NE(s.text.find("would set 1"), std::string::npos) << s.text;
        }
        EXPECT_EQ(read_sysctl(kIpv4NonlocalBind), "0") << "check must not write";

        for (auto &s : ensure_nonlocal_bind()) {
            EXPECT_TRUE(s.ok);
            EXPECT_TRUE(s.changed);
            EXPECT_EQ(s.text, s.name + ": 0 -> 1");
        }
        EXPECT_EQ(read_sysctl(kIpv4NonlocalBind), "1");
        EXPECT_EQ(read_sysctl(kIpv6NonlocalBind), "1");

        for (auto &s : ensure_nonlocal_bind()) {
            EXPECT_TRUE(s.ok);
            EXPECT_FALSE(s.changed) << "second run changes nothing";
        }
        for (auto &s : check_nonlocal_bind()) EXPECT_TRUE(s.ok) << s.text;
    }
    // Seen from outside, the namespace has it and the root namespace is untouched.
    EXPECT_EQ(sh(ns.exec("sysctl -n net.ipv4.ip_nonlocal_bind")).output, "1\n");
    EXPECT_EQ(root_value(kIpv4NonlocalBind), root4);
    EXPECT_EQ(root_value(kIpv6NonlocalBind), root6);
}

TEST(Sysctl, MissingSysctlIsReportedNotThrownByCheck) {
    auto s = check_sysctl("net.ipv4.no_such_knob", "1");
    EXPECT_FALSE(s.ok);
    EXPECT_NE(s.text.find("/proc/sys/net/ipv4/no_such_knob"), std::string::npos) << s.text;
    EXPECT_THROW(ensure_sysctl("net.ipv4.no_such_knob", "1"), Error);
}

}  // namespace
}  // namespace xvrrp::net
