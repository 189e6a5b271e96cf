// One CPU stalls while the other runs (a vCPU descheduled by its hypervisor, an interrupt
// storm): injected as a SCHED_FIFO 99 busy loop pinned to the CPU for 20 ms, which keeps every
// thread pinned there (the master's advert thread among them) off it. With an advert thread on
// each CPU the backup never hears a gap: no takeover, at 1 ms adverts. With one advert thread,
// on the stalled CPU, the same stall is a takeover: the stall is real, and the test can fail.
// A real failure (the master's port cut) still fails over. Asserts on what happened, never on
// how fast.
//
// The claim is about one stalled CPU. On a shared host the hypervisor sometimes holds the other
// vCPU too, for milliseconds, in the middle of a stall the test injects: then both CPUs are
// stalled and a takeover is the right answer. A watcher on the other CPU measures how late it
// wakes while each stall lasts; a round in which it was held longer than kOtherCpuHeld is not
// counted and is run again, and the test needs kCleanRounds counted rounds.
#include <gtest/gtest.h>
#include <pthread.h>
#include <sched.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <fstream>
#include <iostream>
#include <thread>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

// RT throttling off while the test runs (a SCHED_FIFO busy loop is what the test wants), and
// back as it was afterwards, even when the test fails.
class RtThrottlingOff {
  public:
    RtThrottlingOff() {
        std::ifstream(kPath) >> before_;
        std::ofstream(kPath) << -1;
    }
    ~RtThrottlingOff() { std::ofstream(kPath) << before_; }

  private:
    static constexpr const char *kPath = "/proc/sys/kernel/sched_rt_runtime_us";
    long before_ = 950000;
};

// Pins the calling thread to `cpu` at SCHED_FIFO `priority`.
void pin_fifo(int cpu, int priority) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    sched_param p{};
    p.sched_priority = priority;
    pthread_setschedparam(pthread_self(), SCHED_FIFO, &p);
}

// Holds `cpu` with a SCHED_FIFO 99 busy loop for `length`.
void stall_cpu(int cpu, std::chrono::milliseconds length) {
    std::thread t([&] {
        pin_fifo(cpu, 99);
        auto end = std::chrono::steady_clock::now() + length;
        while (std::chrono::steady_clock::now() < end) {
        }
    });
    t.join();
}

// While it lives, a SCHED_FIFO 98 thread on `cpu` wakes every 100 us and records the latest it
// woke: how long the host held that CPU.
class CpuWatcher {
  public:
    explicit CpuWatcher(int cpu)
        : thread_([this, cpu] {
              pin_fifo(cpu, 98);
              using clock = std::chrono::steady_clock;
              auto next = clock::now();
              while (!stop_.load(std::memory_order_relaxed)) {
                  next += std::chrono::microseconds(100);
                  std::this_thread::sleep_until(next);
                  auto now = clock::now();
                  worst_ = std::max(worst_, now - next);
                  if (now > next) next = now;
              }
          }) {}
    // Stops the watcher and returns the worst lateness it saw.
    std::chrono::nanoseconds stop() {
        stop_ = true;
        thread_.join();
        return worst_;
    }

  private:
    std::atomic<bool> stop_{false};
    std::chrono::nanoseconds worst_{0};
    std::thread thread_;
};

// s1 (150) master, s2 (100) backup at 1 ms, real-time as a low-latency pair runs them; s1's
// advert threads on `s1_cpus`.
::testing::AssertionResult start_fast_pair(Lab &lab, const std::string &s1_cpus) {
    XvrrpdOptions s1 = xvrrpd_options(150, "1ms"), s2 = xvrrpd_options(100, "1ms");
    s1.daemon_extra = s2.daemon_extra = "sched_priority = 50\n";
    s1.extra = "advert_thread = { sched_priority = 50, cpus = " + s1_cpus + " }\n";
    s2.extra = "advert_thread = { sched_priority = 50, cpus = [0, 1] }\n";
    return start_pair(lab, s1, s2);
}

// Times s2 became master since it started.
size_t takeovers(const Lab &lab) {
    std::string log = lab.log("s2");
    size_t n = 0;
    for (size_t pos = 0; (pos = log.find("BACKUP -> MASTER", pos)) != std::string::npos; ++pos) ++n;
    return n;
}

TEST(CpuStall, OneStalledCpuIsNoTakeoverWithAnAdvertThreadOnEachCpu) {
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2) GTEST_SKIP() << "needs two CPUs";
    // The master-down interval at 1 ms adverts is above 3 ms; a hold of the other CPU shorter
    // than this leaves the master's other advert thread time to be heard.
    constexpr auto kOtherCpuHeld = std::chrono::milliseconds(1);
    constexpr int kCleanRounds = 10, kMaxRounds = 30;
    RtThrottlingOff rt;
    Lab lab;
    ASSERT_TRUE(start_fast_pair(lab, "[0, 1]"));
    int clean = 0, voided = 0;
    for (int round = 0; round < kMaxRounds && clean < kCleanRounds; ++round) {
        const int cpu = round % 2;
        const size_t before = takeovers(lab);
        CpuWatcher other(1 - cpu);
        stall_cpu(cpu, std::chrono::milliseconds(20));
        std::this_thread::sleep_for(std::chrono::milliseconds(30));
        const auto held = other.stop();
        std::this_thread::sleep_for(std::chrono::milliseconds(20));  // its log line, if any
        const size_t after = takeovers(lab);
        if (held > kOtherCpuHeld) {
            ++voided;
            std::cout << "round " << round << ": CPU " << 1 - cpu << " was held "
                      << std::chrono::duration<double, std::milli>(held).count() << " ms while CPU "
                      << cpu << " stalled; not counted (" << after - before << " takeover(s))\n";
            if (after != before) {
                ASSERT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
            }
            continue;
        }
        ++clean;
        ASSERT_EQ(after, before) << "a stall of CPU " << cpu
                                 << " alone made the backup take over (CPU " << 1 - cpu
                                 << " held at most "
                                 << std::chrono::duration<double, std::micro>(held).count()
                                 << " us)\n"
                                 << describe(lab);
    }
    std::cout << clean << " rounds counted, " << voided << " not counted\n";
    if (clean < kCleanRounds)
        GTEST_SKIP() << "the host held the other CPU too in " << voided << " of " << clean + voided
                     << " rounds: no stall of one CPU alone to test";
    EXPECT_EQ(lab.state("s1"), "MASTER");
    // A real failure still fails over.
    lab.cut("s1");
    EXPECT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
}

TEST(CpuStall, WithOneAdvertThreadOnTheStalledCpuTheSameStallIsATakeover) {
    if (sysconf(_SC_NPROCESSORS_ONLN) < 2) GTEST_SKIP() << "needs two CPUs";
    RtThrottlingOff rt;
    Lab lab;
    ASSERT_TRUE(start_fast_pair(lab, "[0]"));
    const size_t before = takeovers(lab);
    for (int round = 0; round < 5 && takeovers(lab) == before; ++round) {
        stall_cpu(0, std::chrono::milliseconds(20));
        wait_until([&] { return takeovers(lab) > before; }, std::chrono::milliseconds(200));
    }
    EXPECT_GT(takeovers(lab), before) << "20 ms without adverts did not look like a dead master\n"
                                      << describe(lab);
}

}  // namespace
}  // namespace xvrrp::e2e
