// The master-down timer in the kernel (bpf/master_down.h) and the liveness lease. These use
// real milliseconds: they wait for the kernel timer to fire, and assert only on what happened,
// never on how long it took.
#include <bpf/libbpf.h>
#include <poll.h>
#include <sched.h>
#include <unistd.h>

#include <thread>

#include "xdp_fixture.h"

namespace xvrrp::test {
namespace {

using namespace std::chrono_literals;

constexpr uint64_t kMs = 1'000'000;

class MasterDownTimer : public XdpTest {
  protected:
    void SetUp() override {
        XdpTest::SetUp();
        add_vip("192.0.2.100");
    }
    // Fast mode with a 5 ms interval: Master_Down_Interval = 15 ms + skew.
    void configure(uint32_t flags, uint64_t grace_ns = 10'000 * kMs) {
        set_instance(flags | kPreempt, 3, 5 * kMs, grace_ns);
    }
    // Polls (up to 5 s, so a loaded machine cannot fail the test) until the kernel's verdict
    // for the VRID is "not answering".
    bool wait_until_not_answering() {
        for (int i = 0; i < 500 && leases_->slot(kVrid).answering(); i++)
            std::this_thread::sleep_for(10ms);
        return !leases_->slot(kVrid).answering();
    }
    // Waits (up to 5 s, so a loaded machine cannot fail the test) for an event of that type.
    std::optional<xvrrp_event> wait_for_event(uint32_t type) {
        for (int i = 0; i < 500; i++) {
            events_->poll(10);
            for (auto &e : std::exchange(received_, {}))
                if (e.type == type) return e;
        }
        return std::nullopt;
    }
};

TEST_F(MasterDownTimer, FiresWhenAdvertsStopAndReportsMasterDown) {
    configure(0);
    run(advert_frame());
    auto ev = wait_for_event(XVRRP_EV_MASTER_DOWN);
    ASSERT_TRUE(ev) << "the timer never fired";
    EXPECT_EQ(ev->vrid, kVrid);
    EXPECT_EQ(addr16(ev->src), mapped(ip("192.0.2.11")));
    auto rx = state_->rx_state(kVrid);
    EXPECT_TRUE(rx->flags & XVRRP_RX_MASTER_DOWN);
    EXPECT_FALSE(rx->flags & XVRRP_RX_TOOK_OVER);
    EXPECT_GE(rx->master_down_at_ns - rx->last_advert_ns, rx->master_down_interval_ns);
    EXPECT_EQ(rx->timer_fires, 1u);
    EXPECT_EQ(counter_delta()["timer_master_down"], 1u);
}

TEST_F(MasterDownTimer, NotArmedExpiryLeavesArpUnanswered) {
    configure(0);
    run(advert_frame());
    ASSERT_TRUE(wait_for_event(XVRRP_EV_MASTER_DOWN));
    EXPECT_EQ(run(arp_request_frame()).action, XDP_DROP);
}

TEST_F(MasterDownTimer, ArmedExpiryAnswersArpAtOnceBeforeTheController) {
    configure(kTakeoverArmed);
    run(advert_frame());
    EXPECT_EQ(run(arp_request_frame()).action, XDP_DROP) << "master alive: not ours yet";
    auto ev = wait_for_event(XVRRP_EV_TAKEOVER);
    ASSERT_TRUE(ev) << "the armed timer never fired";
    // No MASTER flag and no lease: the kernel alone decided.
    EXPECT_EQ(run(arp_request_frame()).action, XDP_TX);
    auto d = counter_delta();
    EXPECT_EQ(d["timer_takeover"], 1u);
    EXPECT_EQ(d["arp_reply"], 1u);
}

// The kernel took over on a lease of takeover_grace_ns; nobody renews it (no advert thread,
// no controller): its timer ends the answering.
TEST_F(MasterDownTimer, TakeoverLeaseRunsOutIfNobodyRenewsIt) {
    configure(kTakeoverArmed, 20 * kMs);
    run(advert_frame());
    auto ev = wait_for_event(XVRRP_EV_TAKEOVER);
    ASSERT_TRUE(ev);
    EXPECT_EQ(leases_->slot(kVrid).took_over_ns(), ev->ts_ns);
    EXPECT_EQ(leases_->expires(kVrid), ev->ts_ns + 20 * kMs);
    EXPECT_TRUE(wait_until_not_answering());
    EXPECT_EQ(run(arp_request_frame()).action, XDP_DROP);
    EXPECT_EQ(counter_delta()["lease_expired"], 1u);
}

// The advert threads renew the kernel's takeover lease as they send: ARP stays answered.
TEST_F(MasterDownTimer, TakeoverLeaseRenewedByTheAdvertThreadsKeepsAnswering) {
    configure(kTakeoverArmed, 20 * kMs);
    run(advert_frame());
    ASSERT_TRUE(wait_for_event(XVRRP_EV_TAKEOVER));
    for (int i = 0; i < 10; i++) {
        leases_->renew(kVrid, monotonic_ns() + 20 * kMs);
        std::this_thread::sleep_for(5ms);
    }
    EXPECT_TRUE(leases_->slot(kVrid).answering());
    EXPECT_EQ(run(arp_request_frame()).action, XDP_TX);
}

TEST_F(MasterDownTimer, DisarmingAfterExpiryStopsAnswering) {
    configure(kTakeoverArmed);
    run(advert_frame());
    ASSERT_TRUE(wait_for_event(XVRRP_EV_TAKEOVER));
    configure(0);  // the controller decided to stay backup
    EXPECT_EQ(run(arp_request_frame()).action, XDP_DROP);
}

TEST_F(MasterDownTimer, AcceptedAdvertAfterTakeoverStopsAnswering) {
    configure(kTakeoverArmed);
    run(advert_frame());
    ASSERT_TRUE(wait_for_event(XVRRP_EV_TAKEOVER));
    ASSERT_EQ(run(arp_request_frame()).action, XDP_TX);
    run(advert_frame());  // the master is back
    EXPECT_FALSE(state_->rx_state(kVrid)->flags & XVRRP_RX_TOOK_OVER);
    EXPECT_EQ(run(arp_request_frame()).action, XDP_DROP);
}

TEST_F(MasterDownTimer, KeepsQuietWhileAdvertsKeepComing) {
    // 100 ms interval: Master_Down_Interval is over 300 ms; adverts every 10 ms keep the timer
    // from firing unless this machine stalls for 300 ms between two of them.
    set_instance(kPreempt, 3, 100 * kMs);
    for (int i = 0; i < 40; i++) {
        run(advert_frame());
        std::this_thread::sleep_for(10ms);
    }
    auto rx = state_->rx_state(kVrid);
    EXPECT_EQ(rx->timer_fires, 0u);
    EXPECT_EQ(counter_delta()["timer_master_down"], 0u);
    // Adverts only moved the deadline; the timer woke once per interval, found it later, and
    // slept again instead of being restarted by each of the 40 adverts.
    EXPECT_GE(rx->timer_rearms, 1u);
    EXPECT_EQ(rx->master_down_deadline_ns, rx->last_advert_ns + rx->master_down_interval_ns);
}

TEST_F(MasterDownTimer, PriorityZeroAdvertMakesItFireAfterSkewTimeOnly) {
    // Standard mode, 1 s interval: a full Master_Down_Interval would be 3.6 s, Skew_Time 0.6 s.
    set_instance(kPreempt | kTakeoverArmed);
    run(advert_frame());
    VrrpFields resign;
    resign.priority = 0;
    run(advert_frame(resign));
    // The timer running for the full interval must be pulled in to the Skew_Time deadline,
    // not left to find it later.
    auto before = state_->rx_state(kVrid);
    EXPECT_EQ(before->timer_expires_ns, before->master_down_deadline_ns);
    EXPECT_EQ(before->master_down_deadline_ns,
              before->last_advert_ns + (256 - kOwnPriority) * 1'000'000'000ull / 256);
    auto ev = wait_for_event(XVRRP_EV_TAKEOVER);
    ASSERT_TRUE(ev);
    auto rx = state_->rx_state(kVrid);
    EXPECT_EQ(rx->master_down_interval_ns, (256 - kOwnPriority) * 1'000'000'000ull / 256);
    EXPECT_GE(rx->master_down_at_ns - rx->last_advert_ns, rx->master_down_interval_ns);
}

// ---- a late expiry gives the wire a grace period (bpf/master_down.h) -----------------------

class LateExpiry : public MasterDownTimer {
  protected:
    // Fast mode, 5 ms adverts: Master_Down_Interval 15 ms + skew. threshold 0: every real
    // expiry is late by something (the timer runs after its deadline), so the test does not
    // depend on this host's stalls; a huge threshold makes every expiry count as on time.
    void configure_late(uint64_t threshold_ns, uint64_t grace_ns, uint32_t role = 0) {
        Timing t;
        t.late_threshold_ns = threshold_ns;
        t.late_grace_ns = grace_ns;
        set_instance(role | kPreempt, 3, 5 * kMs, 10'000 * kMs, kVrid, t);
    }
    bool wait_for_grace() {
        for (int i = 0; i < 500; i++) {
            if (state_->rx_state(kVrid)->flags & XVRRP_RX_GRACE) return true;
            std::this_thread::sleep_for(1ms);
        }
        return false;
    }
};

TEST_F(LateExpiry, AnAdvertWithinTheGraceMeansNoTakeover) {
    configure_late(0, 2'000 * kMs, kTakeoverArmed);  // 2 s of grace: time for the test
    run(advert_frame());
    ASSERT_TRUE(wait_for_grace()) << "the late expiry never began a grace period";
    EXPECT_EQ(run(arp_request_frame()).action, XDP_DROP) << "no takeover during the grace";
    run(advert_frame());  // what the stalled host had waiting in its receive queue
    auto rx = state_->rx_state(kVrid);
    EXPECT_FALSE(rx->flags & XVRRP_RX_GRACE);
    EXPECT_EQ(rx->grace_rescued, 1u);
    EXPECT_EQ(rx->timer_fires, 0u);
    drain_events();
    std::this_thread::sleep_for(50ms);  // past where the grace would have ended
    for (const auto &e : drain_events()) EXPECT_NE(e.type, XVRRP_EV_TAKEOVER);
    auto d = counter_delta();
    EXPECT_GE(d["timer_late"], 1u);  // the next expiry (15 ms on) is "late" again, with threshold 0
    EXPECT_EQ(d["timer_grace_rescued"], 1u);
    EXPECT_EQ(d["timer_takeover"], 0u);
}

TEST_F(LateExpiry, AnExpiryOnTimeDeclaresAtOnce) {
    configure_late(10'000 * kMs, 2'000 * kMs, kTakeoverArmed);
    run(advert_frame());
    auto ev = wait_for_event(XVRRP_EV_TAKEOVER);
    ASSERT_TRUE(ev);
    EXPECT_FALSE(ev->flags & XVRRP_EVF_AFTER_GRACE);
    EXPECT_LT(ev->ts_ns - ev->deadline_ns, 2'000 * kMs) << "declared before any grace could end";
    auto rx = state_->rx_state(kVrid);
    EXPECT_EQ(rx->late_expiries, 0u);
    EXPECT_EQ(rx->timer_fires, 1u);
}

TEST_F(LateExpiry, ALateExpiryWithNoAdvertDeclaresOneGraceLater) {
    configure_late(0, 30 * kMs, kTakeoverArmed);
    run(advert_frame());
    auto ev = wait_for_event(XVRRP_EV_TAKEOVER);
    ASSERT_TRUE(ev);
    EXPECT_TRUE(ev->flags & XVRRP_EVF_AFTER_GRACE);
    EXPECT_GE(ev->ts_ns - ev->deadline_ns, 30 * kMs) << "declared before the grace ended";
    auto rx = state_->rx_state(kVrid);
    EXPECT_EQ(rx->late_expiries, 1u);
    EXPECT_EQ(rx->grace_expired, 1u);
    EXPECT_EQ(rx->timer_fires, 1u);
    EXPECT_EQ(run(arp_request_frame()).action, XDP_TX);
}

TEST_F(LateExpiry, PriorityZeroStillPullsTheTimerInToSkewTime) {
    configure_late(0, 30 * kMs);
    run(advert_frame());
    VrrpFields resign;
    resign.priority = 0;
    run(advert_frame(resign));
    auto rx = state_->rx_state(kVrid);
    uint64_t skew = (256 - kOwnPriority) * 5 * kMs / 256;
    EXPECT_EQ(rx->master_down_interval_ns, skew);
    EXPECT_EQ(rx->timer_expires_ns, rx->master_down_deadline_ns);
    EXPECT_EQ(rx->master_down_deadline_ns, rx->last_advert_ns + skew);
}

// Every expiry of the VRID's timer lands in the lateness histogram (status and bpftool show
// how late this host fires timers).
TEST_F(LateExpiry, EveryExpiryIsCountedInTheLatenessHistogram) {
    configure_late(10'000 * kMs, 0);
    for (int i = 0; i < 10; i++) {
        run(advert_frame());
        std::this_thread::sleep_for(2ms);
    }
    ASSERT_TRUE(wait_for_event(XVRRP_EV_MASTER_DOWN));
    auto rx = state_->rx_state(kVrid);
    uint64_t counted = 0;
    for (uint32_t n : rx->late_hist) counted += n;
    EXPECT_EQ(counted, rx->timer_fires + rx->timer_rearms);
    EXPECT_GE(rx->timer_fires, 1u);
}

class Lease : public XdpTest {};

// The ARP path reads no clock: the VRID's timer watches the lease and ends the answering when
// it runs out (a dead controller stops being answered within its lease plus the timer's
// lateness).
TEST_F(Lease, MasterAnswersWhileTheLeaseIsFreshAndStopsWhenItRunsOut) {
    add_vip("192.0.2.100");
    become_master(30 * kMs);
    uint64_t expires = leases_->expires(kVrid);
    ASSERT_EQ(run(arp_request_frame()).action, XDP_TX);
    for (int i = 0; i < 500 && leases_->slot(kVrid).answering(); i++)
        std::this_thread::sleep_for(10ms);
    EXPECT_FALSE(leases_->slot(kVrid).answering());
    EXPECT_GE(monotonic_ns(), expires);
    EXPECT_EQ(run(arp_request_frame()).action, XDP_DROP);
    EXPECT_EQ(counter_delta(),
              (CounterDelta{{"arp_reply", 1}, {"arp_drop_lease", 1}, {"lease_expired", 1}}));
    EXPECT_EQ(state_->rx_state(kVrid)->lease_expiries, 1u);
}

TEST_F(Lease, RenewingThroughTheMappingNeedsNoSyscallAndTakesEffectAtOnce) {
    add_vip("192.0.2.100");
    set_instance(kMaster);  // no lease yet
    leases_->renew(kVrid, 0);
    ASSERT_EQ(run(arp_request_frame()).action, XDP_DROP);
    leases_->renew(kVrid, monotonic_ns() + 60'000 * kMs);  // a plain store into the map
    EXPECT_EQ(run(arp_request_frame()).action, XDP_TX);
}

// Another CPU stalled (cpu_watch.h). The test runs on CPU 0, so the adverts, their heartbeat
// and the VRID's timer are there; CPU 1's entry is written to say what a held vCPU's would: a
// heartbeat running, last seen long ago.
class StalledCpu : public LateExpiry {
  protected:
    void SetUp() override {
        if (libbpf_num_possible_cpus() < 2 || sysconf(_SC_NPROCESSORS_ONLN) < 2)
            GTEST_SKIP() << "needs two CPUs";
        cpu_set_t one;
        CPU_ZERO(&one);
        CPU_SET(0, &one);
        sched_getaffinity(0, sizeof saved_, &saved_);
        ASSERT_EQ(sched_setaffinity(0, sizeof one, &one), 0);
        pinned_ = true;
        LateExpiry::SetUp();
    }
    void TearDown() override {
        if (pinned_) sched_setaffinity(0, sizeof saved_, &saved_);
    }
    // CPU 1 took adverts lately and its heartbeat is overdue by 100 s (or never is). The tests
    // take a late_expiry_threshold of 5 s: their expiries are on time, CPU 1's is not.
    void cpu1(bool stalled) {
        xvrrp_cpu_watch w{};
        uint64_t now = monotonic_ns();
        w.flags = XVRRP_CPU_TIMER_RUNNING;
        w.period_ns = 5 * kMs;
        w.advert_ns = now;
        w.seen_ns = stalled ? now - 100'000 * kMs : UINT64_MAX / 2;
        uint32_t key = 1;
        ASSERT_EQ(bpf_map_update_elem(dp_->maps().cpu_watch, &key, &w, BPF_ANY), 0);
    }
    xvrrp_cpu_watch cpu_entry(uint32_t cpu) {
        xvrrp_cpu_watch w{};
        EXPECT_EQ(bpf_map_lookup_elem(dp_->maps().cpu_watch, &cpu, &w), 0);
        return w;
    }
    cpu_set_t saved_;
    bool pinned_ = false;
};

TEST_F(StalledCpu, TheCpuThatTakesAnAdvertKeepsAHeartbeatUntilAdvertsStop) {
    configure_late(5'000 * kMs, 30 * kMs);
    run(advert_frame());
    auto w = cpu_entry(0);
    EXPECT_TRUE(w.flags & XVRRP_CPU_TIMER_RUNNING);
    EXPECT_EQ(w.period_ns, 5 * kMs) << "every advert interval";
    for (int i = 0; i < 500 && cpu_entry(0).beats < 2; i++) std::this_thread::sleep_for(10ms);
    EXPECT_GE(cpu_entry(0).beats, 2u);
    // A second after the last advert it stops by itself.
    for (int i = 0; i < 500 && (cpu_entry(0).flags & XVRRP_CPU_TIMER_RUNNING); i++)
        std::this_thread::sleep_for(10ms);
    EXPECT_FALSE(cpu_entry(0).flags & XVRRP_CPU_TIMER_RUNNING);
    EXPECT_EQ(cpu_entry(1).beats, 0u) << "no advert on CPU 1, no heartbeat there";
}

TEST_F(StalledCpu, TheHeartbeatGoesByTheMastersIntervalAndTakesAShorterOneAtOnce) {
    Timing t;
    t.advert_interval_ns = 2'000 * kMs;  // ours; the master's adverts say otherwise
    t.late_threshold_ns = 5'000 * kMs;
    t.late_grace_ns = 2'000 * kMs;
    set_instance(kPreempt, 3, 0, 10'000 * kMs, kVrid, t);
    VrrpFields slow;
    slow.interval = 100;  // 1 s
    run(advert_frame(slow));
    EXPECT_EQ(cpu_entry(0).period_ns, 1'000 * kMs) << "the interval the master advertises";
    VrrpFields fast;
    fast.interval = 1;  // 10 ms
    run(advert_frame(fast));
    auto w = cpu_entry(0);
    EXPECT_EQ(w.period_ns, 10 * kMs);
    EXPECT_LE(w.due_ns, w.advert_ns + 10 * kMs) << "the running heartbeat kept its 1 s beat";
    for (int i = 0; i < 50 && cpu_entry(0).beats == w.beats; i++) std::this_thread::sleep_for(10ms);
    EXPECT_GT(cpu_entry(0).beats, w.beats) << "no beat within 500 ms of a 10 ms period";
}

TEST_F(StalledCpu, AnExpiryOnTimeWaitsForAStalledCpuAndItsAdvertsMeanNoTakeover) {
    configure_late(5'000 * kMs, 2'000 * kMs, kTakeoverArmed);  // a long grace
    cpu1(true);
    run(advert_frame());
    ASSERT_TRUE(wait_for_grace()) << "the expiry did not wait for the stalled CPU";
    EXPECT_EQ(run(arp_request_frame()).action, XDP_DROP) << "no takeover during the grace";
    auto rx = state_->rx_state(kVrid);
    EXPECT_EQ(rx->stall_graces, 1u);
    EXPECT_EQ(rx->late_expiries, 0u);
    cpu1(false);
    run(advert_frame());  // what waited behind CPU 1
    rx = state_->rx_state(kVrid);
    EXPECT_FALSE(rx->flags & XVRRP_RX_GRACE);
    EXPECT_EQ(rx->grace_rescued, 1u);
    EXPECT_EQ(rx->timer_fires, 0u);
    auto d = counter_delta();
    EXPECT_EQ(d["timer_cpu_stalled"], 1u);
    EXPECT_EQ(d["timer_takeover"], 0u);
}

TEST_F(StalledCpu, ACpuThatStaysStalledDelaysTheTakeoverByOneMasterDownIntervalAtMost) {
    // A grace of 15 ms, three quarters of the MDI (19.9 ms): a second grace would end past it.
    configure_late(5'000 * kMs, 15 * kMs, kTakeoverArmed);
    cpu1(true);
    run(advert_frame());
    auto ev = wait_for_event(XVRRP_EV_TAKEOVER);
    ASSERT_TRUE(ev) << "a stalled CPU held the takeover off for good";
    EXPECT_TRUE(ev->flags & XVRRP_EVF_AFTER_GRACE);
    EXPECT_GE(ev->ts_ns - ev->deadline_ns, ev->master_down_interval_ns)
        << "the grace was extended while CPU 1 stayed stalled, up to one Master_Down_Interval";
    auto rx = state_->rx_state(kVrid);
    EXPECT_LE(rx->grace_until_ns, ev->deadline_ns + ev->master_down_interval_ns)
        << "the extended grace ran past one Master_Down_Interval after the deadline";
    EXPECT_EQ(rx->stall_graces, 1u);
    EXPECT_EQ(rx->grace_expired, 1u);
    EXPECT_GE(counter_delta()["timer_grace_extended"], 1u);
    EXPECT_EQ(run(arp_request_frame()).action, XDP_TX);
}

TEST_F(StalledCpu, AnotherCpuRunningAsItShouldDelaysNothing) {
    configure_late(5'000 * kMs, 2'000 * kMs, kTakeoverArmed);
    cpu1(false);
    run(advert_frame());
    auto ev = wait_for_event(XVRRP_EV_TAKEOVER);
    ASSERT_TRUE(ev);
    EXPECT_FALSE(ev->flags & XVRRP_EVF_AFTER_GRACE);
    EXPECT_EQ(ev->cpu, 0) << "the VRID's timer stays on the CPU that started it";
    EXPECT_EQ(state_->rx_state(kVrid)->stall_graces, 0u);
}

}  // namespace
}  // namespace xvrrp::test
