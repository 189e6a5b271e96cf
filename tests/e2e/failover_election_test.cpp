// Who becomes master: the higher priority (RFC 5798 6.4.3), and between equal priorities the
// higher primary address. Observed as an operator would: xvrrpctl states, the service IP on
// dummy0, the ARP replies the client gets, and ping.
#include <gtest/gtest.h>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

TEST(Election, HigherPriorityBecomesMasterAndOnlyItServesTheVip) {
    Lab lab;
    // The lower priority starts first and is master for a while: s1 must still win.
    lab.start_xvrrpd("s2", xvrrpd_options(100));
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);

    auto s1 = lab.status("s1"), s2 = lab.status("s2");
    ASSERT_TRUE(s1 && s2) << describe(lab);
    EXPECT_EQ(s1->priority, 150) << s1->raw;
    EXPECT_EQ(s2->priority, 100) << s2->raw;
    EXPECT_EQ(s2->master, "192.0.2.11") << s2->raw;
    EXPECT_TRUE(wait_until([&] { return lab.holds_vip("s1") && !lab.holds_vip("s2"); }))
        << describe(lab);
    EXPECT_EQ(lab.arp_responders(), std::set<std::string>{"s1"}) << describe(lab);
    EXPECT_TRUE(lab.client_reaches_vip()) << describe(lab);
}

TEST(Election, EqualPrioritiesElectTheHigherAddress) {
    Lab lab;
    // Both become master while the switch does not forward s1's port; when it does again, the
    // two masters hear each other and s1 (192.0.2.11 < 192.0.2.12) must step down.
    lab.isolate("s1");
    lab.start_xvrrpd("s1", xvrrpd_options(100));
    lab.start_xvrrpd("s2", xvrrpd_options(100));
    ASSERT_TRUE(lab.wait_states("MASTER", "MASTER")) << describe(lab);
    lab.rejoin("s1");
    ASSERT_TRUE(lab.wait_states("BACKUP", "MASTER")) << describe(lab);

    auto s1 = lab.status("s1");
    ASSERT_TRUE(s1) << describe(lab);
    EXPECT_EQ(s1->master, "192.0.2.12") << s1->raw;
    EXPECT_TRUE(wait_until([&] { return lab.holds_vip("s2") && !lab.holds_vip("s1"); }))
        << describe(lab);
    EXPECT_EQ(lab.arp_responders(), std::set<std::string>{"s2"}) << describe(lab);
}

TEST(Election, StatusReportsBothSidesOfTheElection) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    // Adverts flow: the master sends, the backup receives.
    EXPECT_TRUE(wait_until([&] {
        auto s1 = lab.status("s1"), s2 = lab.status("s2");
        return s1 && s2 && s1->adverts_sent > 10 && s2->adverts_received > 10;
    })) << describe(lab);
    auto table = sh(kXvrrpctl + " --socket " + lab.control_socket("s2") + " status");
    EXPECT_EQ(table.status, 0) << table.output;
    EXPECT_NE(table.output.find("BACKUP"), std::string::npos) << table.output;
}

}  // namespace
}  // namespace xvrrp::e2e
