// The backup takes over whatever happens to the master: its switch port goes down, its daemon
// is killed (the liveness lease must stop the master's XDP program answering ARP by itself),
// frozen, or stopped cleanly (a priority-0 advert hands over without waiting for the
// Master_Down_Interval, RFC 5798 6.4.3).
#include <gtest/gtest.h>

#include <thread>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

// s2 is master, holds the service IP, and is the one server the client reaches.
void expect_s2_serves(const Lab &lab) {
    EXPECT_TRUE(wait_until([&] { return lab.holds_vip("s2"); })) << describe(lab);
    EXPECT_TRUE(lab.client_reaches_vip()) << describe(lab);
    EXPECT_EQ(lab.arp_responders(), std::set<std::string>{"s2"}) << describe(lab);
}

TEST(Fault, BackupTakesOverWhenMasterPortGoesDown) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    ASSERT_TRUE(lab.client_reaches_vip()) << describe(lab);
    lab.cut("s1");
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    expect_s2_serves(lab);
}

TEST(Fault, BackupTakesOverWhenMasterDaemonIsKilledAndTheLeaseStopsItsArp) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    ASSERT_TRUE(lab.has_xdp("s1")) << describe(lab);
    lab.send_signal("s1", SIGKILL);
    EXPECT_EQ(lab.wait_exit("s1"), -1);
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    // Nobody cleaned up on s1: its XDP program is still attached and the service IP may still
    // be on dummy0. Only the lease keeps s1 from answering ARP: sample a few times.
    for (int i = 0; i < 3; ++i)
        EXPECT_EQ(lab.arp_responders(), std::set<std::string>{"s2"})
            << "s1 xdp attached: " << lab.has_xdp("s1") << "\n"
            << describe(lab);
    expect_s2_serves(lab);
}

TEST(Fault, BackupTakesOverWhenMasterDaemonIsStoppedAndMasterReturnsOnContinue) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    lab.send_signal("s1", SIGSTOP);
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    // The frozen controller no longer refreshes its lease: s1's XDP must not answer.
    expect_s2_serves(lab);

    // The client now sends to s2's MAC. When s1 resumes and s2 steps back, s1 must announce
    // itself (gratuitous ARP), or the client keeps a stale entry pointing at a backup.
    ASSERT_TRUE(lab.client_arp_points_to("s2")) << lab.client_neighbor() << describe(lab);
    lab.send_signal("s1", SIGCONT);
    ASSERT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    EXPECT_TRUE(lab.client_arp_points_to("s1"))
        << "the client's ARP entry still points at the backup: " << lab.client_neighbor()
        << describe(lab);
    EXPECT_TRUE(wait_until([&] { return lab.holds_vip("s1") && !lab.holds_vip("s2"); }))
        << describe(lab);
    EXPECT_EQ(lab.arp_responders(), std::set<std::string>{"s1"}) << describe(lab);
}

TEST(Fault, MasterReleasesWithPriorityZeroAndCleansUpOnSigterm) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    // Capture, on the client, the advert with priority 0 from s1 (ip[22] is the VRRP priority
    // byte behind a 20-byte IPv4 header).
    std::string pcap = lab.dir("cl") + "/release.pcap";
    test::CommandResult capture;
    std::thread tcpdump([&] {
        capture =
            sh("ip netns exec " + lab.ns("cl") + " timeout 20 tcpdump -i eth0 -n -c 1 -U -w " +
               pcap + " 'ip proto 112 and src 192.0.2.11 and ip[22] = 0'");
    });
    std::this_thread::sleep_for(1s);  // tcpdump opens its socket

    auto t0 = std::chrono::steady_clock::now();
    lab.send_signal("s1", SIGTERM);
    bool took_over = lab.wait_state("s2", "MASTER");
    auto took = std::chrono::duration<double, std::milli>(std::chrono::steady_clock::now() - t0);
    int code = lab.wait_exit("s1");
    tcpdump.join();

    ASSERT_TRUE(took_over) << describe(lab);
    RecordProperty("sigterm_to_backup_master_ms", std::to_string(took.count()));
    std::cout << "s2 reported MASTER " << took.count() << " ms after SIGTERM to s1\n";
    EXPECT_EQ(code, 0) << lab.log("s1");
    EXPECT_EQ(capture.status, 0) << "no priority-0 advert from s1 on the wire: " << capture.output;
    // Clean exit: no service IP, no XDP program, no pins, no control socket left on s1.
    EXPECT_FALSE(lab.holds_vip("s1")) << sh("ip -n " + lab.ns("s1") + " addr").output;
    EXPECT_FALSE(lab.has_xdp("s1")) << sh("ip -n " + lab.ns("s1") + " -d link show eth0").output;
    EXPECT_FALSE(std::filesystem::exists(lab.control_socket("s1")));
    EXPECT_TRUE(!std::filesystem::exists(lab.pin_dir("s1")) ||
                std::filesystem::is_empty(lab.pin_dir("s1")));
    expect_s2_serves(lab);
}

}  // namespace
}  // namespace xvrrp::e2e
