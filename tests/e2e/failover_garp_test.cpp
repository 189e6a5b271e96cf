// Gratuitous ARP on the wire: the master keeps refreshing its neighbours' caches every
// garp_refresh (keepalived's garp_master_refresh), not only right after it took over.
#include <gtest/gtest.h>

#include <thread>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

TEST(Garp, MasterRefreshesEveryGarpRefreshAfterItsBursts) {
    Lab lab;
    XvrrpdOptions s1 = xvrrpd_options(150);
    // One gratuitous ARP on taking over, no second burst, then one every 200 ms.
    s1.extra = "garp_count = 1\ngarp_delay = \"0s\"\ngarp_refresh = \"200ms\"\n";
    lab.start_xvrrpd("s1", s1);
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    std::this_thread::sleep_for(500ms);  // the take-over gratuitous ARP is behind us

    // Count gratuitous ARP (sender IP = target IP = the service IP) seen by the client in 2 s:
    // about ten refreshes. The take-over burst alone would be none.
    auto r = sh("ip netns exec " + lab.ns("cl") +
                " timeout 2 tcpdump -i eth0 -n -l 'arp and arp[14:4] = 0xc0000264 and "
                "arp[24:4] = 0xc0000264' 2>/dev/null | grep -c 'who-has 192.0.2.100'");
    int seen = std::atoi(r.output.c_str());
    EXPECT_GE(seen, 3) << "refresh rounds seen in 2 s: " << r.output << describe(lab);
}

// A takeover burst larger than the loop sends in one turn (it paces gratuitous ARP so that a
// burst for thousands of service IPs does not keep the advert thread off the CPU) still goes
// out whole: 2 instances x 200 service IPs x garp_count 3 = 1200 frames, 256 per turn.
TEST(Garp, ABurstLargerThanOneTurnGoesOutWhole) {
    Lab lab;
    std::string config = lab.xvrrpd_config("s1", xvrrpd_options(150));
    for (int vrid : {61, 62}) {
        config += "\n[[instance]]\nname = \"many" + std::to_string(vrid) +
                  "\"\ninterface = \"eth0\"\nvrid = " + std::to_string(vrid) +
                  "\npriority = 150\ngarp_count = 3\ngarp_delay = \"0s\"\nvirtual_ips = [";
        for (int i = 0; i < 200; ++i)
            config += std::string(i ? ", " : "") + "\"10.20." + std::to_string(vrid) + "." +
                      std::to_string(i + 1) + "/32\"";
        config += "]\n";
    }
    Lab::write_file(lab.config_path("s1"), config);
    const std::string capture = lab.dir("cl") + "/garp.txt";
    // In the background, detached from sh()'s pipe (which would wait for it otherwise).
    sh("(ip netns exec " + lab.ns("cl") + " sh -c 'timeout 6 tcpdump -i eth0 -n -l arp " +
       "2>/dev/null | grep -c \"who-has 10.20\" > " + capture + "') > /dev/null 2>&1 &");
    std::this_thread::sleep_for(1s);  // tcpdump is listening
    lab.start_xvrrpd_with("s1", lab.config_path("s1"));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    ASSERT_TRUE(wait_until([&] { return !Lab::read_file(capture).empty(); }, 20s));
    EXPECT_EQ(std::atoi(Lab::read_file(capture).c_str()), 1200) << describe(lab);
}

}  // namespace
}  // namespace xvrrp::e2e
