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

}  // namespace
}  // namespace xvrrp::e2e
