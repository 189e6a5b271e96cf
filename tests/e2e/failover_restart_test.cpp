// A restart after a crash never answers the service IP twice. The master's xvrrpd is killed
// (SIGKILL: nothing cleaned up: its XDP program stays attached, the service IP stays on
// dummy0), the backup takes over, and the killed one is started again with the same file while
// a client asks for the service IP a few thousand times a second. The restarted daemon
// replaces the leftover program without a gap (the kernel, which still has the address, would
// answer ARP for it in one) and removes the leftover address before anything else; it stays
// backup (preempt off), so not one ARP reply may leave it.
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <gtest/gtest.h>
#include <net/if.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <future>
#include <thread>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

const std::string kFlood = kBuildDir + "/bench/bench_arp_flood";

// Watches the XDP program id on the host's eth0 from a thread of its own inside the host's
// namespace, as often as netlink answers: did it ever see no program at all?
class XdpGapWatch {
  public:
    XdpGapWatch(const Lab &lab, const std::string &host)
        : thread_([this, ns = "/run/netns/" + lab.ns(host)] {
              int fd = open(ns.c_str(), O_RDONLY | O_CLOEXEC);
              if (fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
                  failed_ = true;
                  return;
              }
              close(fd);
              int ifindex = int(if_nametoindex("eth0"));
              while (!stop_) {
                  uint32_t id = 0;
                  if (bpf_xdp_query_id(ifindex, 0, &id) == 0) {
                      ++queries_;
                      if (id == 0) ++gaps_;
                  }
              }
          }) {}
    ~XdpGapWatch() { finish(); }
    void finish() {
        stop_ = true;
        if (thread_.joinable()) thread_.join();
    }
    uint64_t gaps() const { return gaps_; }
    uint64_t queries() const { return queries_; }
    bool failed() const { return failed_; }

  private:
    std::atomic<bool> stop_{false}, failed_{false};
    std::atomic<uint64_t> gaps_{0}, queries_{0};
    std::thread thread_;
};

TEST(Restart, AfterACrashTheRestartedServerNeverAnswersTheServiceIp) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab, "10ms", /*preempt=*/false));
    ASSERT_TRUE(lab.holds_vip("s1"));
    lab.stop("s1", SIGKILL);
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    ASSERT_TRUE(lab.has_xdp("s1")) << "the killed daemon's program is left attached";
    ASSERT_TRUE(lab.holds_vip("s1")) << "and its service IP on dummy0";

    // Every ARP reply s1 sends for the service IP, seen on its switch port.
    auto capture = std::async(std::launch::async, [&] {
        return sh("timeout 6 ip netns exec " + lab.ns("sw") +
                  " tcpdump -i s1 -n -l -Q in 'arp and arp[6:2] = 2 and ether src " +
                  kHostMac.at("s1") + "'")
            .output;
    });
    std::this_thread::sleep_for(500ms);  // tcpdump is listening
    auto flood = std::async(std::launch::async, [&] {
        return sh("ip netns exec " + lab.ns("cl") + " " + kFlood + " " + kVip +
                  " --duration 4 --rate 3000")
            .output;
    });
    std::this_thread::sleep_for(300ms);
    {
        XdpGapWatch watch(lab, "s1");
        lab.start_xvrrpd_with("s1", lab.config_path("s1"));
        EXPECT_TRUE(lab.wait_follows("s1", "192.0.2.12")) << describe(lab);
        watch.finish();
        ASSERT_FALSE(watch.failed());
        EXPECT_GT(watch.queries(), 10u);
        EXPECT_EQ(watch.gaps(), 0u) << "the program was detached before the new one was attached";
    }
    std::string flood_out = flood.get();
    std::string capture_out = capture.get();
    size_t replies = 0;
    for (size_t pos = 0; (pos = capture_out.find("ARP, Reply", pos)) != std::string::npos; ++pos)
        ++replies;
    EXPECT_NE(capture_out.find("listening on s1"), std::string::npos) << capture_out;
    EXPECT_EQ(replies, 0u) << "s1 answered ARP for the service IP while s2 was master:\n"
                           << capture_out << "\nflood: " << flood_out << describe(lab);
    EXPECT_NE(flood_out.find("replies"), std::string::npos) << flood_out;
    EXPECT_FALSE(lab.holds_vip("s1")) << "the leftover service IP stayed on the backup";
    EXPECT_EQ(lab.state("s1"), "BACKUP");
    EXPECT_EQ(lab.state("s2"), "MASTER");
    auto log = lab.log("s1");
    EXPECT_NE(log.find("replaced the XDP program an earlier xvrrpd left"), std::string::npos)
        << log;
    EXPECT_NE(log.find("service IP(s) an earlier run left"), std::string::npos) << log;
    EXPECT_EQ(lab.arp_responders(), (std::set<std::string>{"s2"}));
}

}  // namespace
}  // namespace xvrrp::e2e
