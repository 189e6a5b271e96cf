// VLANs on a trunk: on each server's eth0, an untagged instance ("web", VRID 51, 192.0.2.100,
// the lab's usual) and one in VLAN 10 ("v10", VRID 52, 198.51.100.100). The client asks for
// the service IPs in VLAN 10, in VLAN 20 and untagged, with frames it writes and reads whole
// (tests/e2e/vlan_arp.py): the lab's kernel has no 802.1Q support, so the client has no VLAN
// interface and "reaching the VIP" is its ARP answer, in the right VLAN, from the master.
#include "lab_fixture.h"

namespace xvrrp::e2e {
namespace {

const std::string kVip10 = "198.51.100.100";
const std::string kClient10 = "198.51.100.50";  // the client's address in VLAN 10
const std::string kVlanArp = kSourceDir + "/tests/e2e/vlan_arp.py";

XvrrpdOptions with_vlan_instance(int priority) {
    XvrrpdOptions o = xvrrpd_options(priority);
    o.extra =
        "\n[[instance]]\nname = \"v10\"\ninterface = \"eth0\"\nvlan = 10\nvrid = 52\n"
        "priority = " +
        std::to_string(priority) +
        "\nadvert_interval = \"10ms\"\n"
        "virtual_ips = [\"" +
        kVip10 + "/32\"]\n";
    return o;
}

// A field of one instance in `xvrrpctl status --json`, "" when it cannot be read.
std::string field(const Lab &lab, const std::string &host, const std::string &instance,
                  const std::string &key) {
    auto r = sh(kXvrrpctl + " --socket " + lab.control_socket(host) +
                " status --json | python3 -c 'import json,sys; print(next(i[\"" + key +
                "\"] for i in json.load(sys.stdin)[\"instances\"] if i[\"name\"] == \"" + instance +
                "\"))'");
    if (r.status != 0) return "";
    std::string v = r.output;
    while (!v.empty() && (v.back() == '\n' || v.back() == '\r')) v.pop_back();
    return v;
}

// The replies (one "MAC vlan N" line each, sorted, no duplicates) the client gets to an ARP
// request for `target` in `vlan` (0: untagged).
std::set<std::string> ask(const Lab &lab, int vlan, const std::string &target,
                          const std::string &sender) {
    auto r = lab.exec("cl", "python3 " + kVlanArp + " ask eth0 " + std::to_string(vlan) + " " +
                                target + " " + sender);
    std::set<std::string> replies;
    std::istringstream lines(r.output);
    for (std::string line; std::getline(lines, line);)
        if (line.rfind("reply ", 0) == 0) replies.insert(line.substr(6));
    return replies;
}

std::string from(const std::string &host, int vlan) {
    return kHostMac.at(host) + " vlan " + std::to_string(vlan);
}

TEST(FailoverVlan, TaggedAndUntaggedInstancesOnOneTrunkEachAnswerInTheirOwnVlanOnly) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab, with_vlan_instance(150), with_vlan_instance(100)));
    // s2 hears s1's tagged adverts: it stays BACKUP of s1 in VLAN 10 too.
    ASSERT_TRUE(wait_until([&] {
        return field(lab, "s1", "v10", "state") == "MASTER" &&
               field(lab, "s2", "v10", "state") == "BACKUP" &&
               field(lab, "s2", "v10", "master") == "192.0.2.11";
    })) << "s1 v10: "
        << field(lab, "s1", "v10", "state") << ", s2 v10: " << field(lab, "s2", "v10", "state")
        << "\n"
        << describe(lab);

    EXPECT_EQ(field(lab, "s1", "v10", "vlan"), "10");
    EXPECT_EQ(field(lab, "s1", "web", "vlan"), "0");

    // VLAN 10: answered by the master, in VLAN 10.
    EXPECT_EQ(ask(lab, 10, kVip10, kClient10), std::set<std::string>{from("s1", 10)});
    // The same service IP untagged or in VLAN 20: nobody (the XDP program leaves those to the
    // kernel, which xvrrpd told to answer only for the interface's own addresses).
    EXPECT_EQ(ask(lab, 0, kVip10, "192.0.2.50"), std::set<std::string>{});
    EXPECT_EQ(ask(lab, 20, kVip10, kClient10), std::set<std::string>{});
    // The untagged instance's service IP: untagged only.
    EXPECT_EQ(ask(lab, 0, kVip, "192.0.2.50"), std::set<std::string>{from("s1", 0)});
    EXPECT_EQ(ask(lab, 10, kVip, kClient10), std::set<std::string>{});

    // The trunk's receive VLAN offload is off, and the log says xvrrpd turned it off.
    for (const char *h : {"s1", "s2"}) {
        EXPECT_NE(lab.exec(h, "ethtool -k eth0").output.find("rx-vlan-offload: off"),
                  std::string::npos)
            << h;
        EXPECT_NE(lab.log(h).find("eth0: rx-vlan-offload turned off"), std::string::npos)
            << lab.log(h);
    }
    EXPECT_GT(lab.xdp_counter("s1", "arp_pass_other_vlan"), 0);
    EXPECT_GT(lab.xdp_counter("s1", "vlan_no_instance"), 0);
    EXPECT_GT(lab.xdp_counter("s2", "vrrp_valid"), 0);
}

TEST(FailoverVlan, TheTaggedInstanceFailsOverAndTheNewMasterAnnouncesItselfInItsVlan) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab, with_vlan_instance(150), with_vlan_instance(100)));
    ASSERT_TRUE(wait_until([&] { return field(lab, "s2", "v10", "master") == "192.0.2.11"; }))
        << describe(lab);
    ASSERT_EQ(ask(lab, 10, kVip10, kClient10), std::set<std::string>{from("s1", 10)});

    // The client listens while s1's cable is pulled: s2's gratuitous ARP must come tagged.
    test::CommandResult heard;
    std::thread listener([&] { heard = lab.exec("cl", "python3 " + kVlanArp + " listen eth0 6"); });
    std::this_thread::sleep_for(500ms);
    lab.cut("s1");
    bool took_over = wait_until([&] { return field(lab, "s2", "v10", "state") == "MASTER"; });
    listener.join();
    ASSERT_TRUE(took_over) << describe(lab);
    EXPECT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);  // the untagged one too

    EXPECT_NE(
        heard.output.find("arp 1 " + kVip10 + " " + kVip10 + " " + kHostMac.at("s2") + " vlan 10"),
        std::string::npos)
        << "no gratuitous ARP for " << kVip10 << " from s2 in VLAN 10; heard:\n"
        << heard.output;
    EXPECT_EQ(
        heard.output.find("arp 1 " + kVip10 + " " + kVip10 + " " + kHostMac.at("s2") + " vlan 0"),
        std::string::npos)
        << "s2 announced the VLAN 10 service IP untagged:\n"
        << heard.output;

    EXPECT_EQ(ask(lab, 10, kVip10, kClient10), std::set<std::string>{from("s2", 10)});
    EXPECT_EQ(ask(lab, 20, kVip10, kClient10), std::set<std::string>{});
    EXPECT_TRUE(lab.holds_vip("s2"));
}

}  // namespace
}  // namespace xvrrp::e2e
