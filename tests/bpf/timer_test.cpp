// The master-down timer in the kernel (bpf/master_down.h) and the liveness lease. These use
// real milliseconds: they wait for the kernel timer to fire, and assert only on what happened,
// never on how long it took.
#include <poll.h>

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
        set_instance(flags | XVRRP_INST_PREEMPT, 3, 5 * kMs, grace_ns);
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
    EXPECT_EQ(ev->src, ip("192.0.2.11"));
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
    configure(XVRRP_INST_TAKEOVER_ARMED);
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

TEST_F(MasterDownTimer, TakeoverGraceRunsOutIfTheControllerNeverConfirms) {
    configure(XVRRP_INST_TAKEOVER_ARMED, 20 * kMs);
    run(advert_frame());
    ASSERT_TRUE(wait_for_event(XVRRP_EV_TAKEOVER));
    auto rx = state_->rx_state(kVrid);
    while (monotonic_ns() < rx->takeover_until_ns) std::this_thread::sleep_for(1ms);
    EXPECT_EQ(run(arp_request_frame()).action, XDP_DROP);
}

TEST_F(MasterDownTimer, DisarmingAfterExpiryStopsAnswering) {
    configure(XVRRP_INST_TAKEOVER_ARMED);
    run(advert_frame());
    ASSERT_TRUE(wait_for_event(XVRRP_EV_TAKEOVER));
    configure(0);  // the controller decided to stay backup
    EXPECT_EQ(run(arp_request_frame()).action, XDP_DROP);
}

TEST_F(MasterDownTimer, AcceptedAdvertAfterTakeoverStopsAnswering) {
    configure(XVRRP_INST_TAKEOVER_ARMED);
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
    set_instance(XVRRP_INST_PREEMPT, 3, 100 * kMs);
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
    set_instance(XVRRP_INST_PREEMPT | XVRRP_INST_TAKEOVER_ARMED);
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

class Lease : public XdpTest {};

TEST_F(Lease, MasterAnswersWhileTheLeaseIsFreshAndStopsWhenItRunsOut) {
    add_vip("192.0.2.100");
    become_master(30 * kMs);
    uint64_t expires = leases_->expires(kVrid);
    ASSERT_EQ(run(arp_request_frame()).action, XDP_TX);
    while (monotonic_ns() <= expires) std::this_thread::sleep_for(1ms);
    EXPECT_EQ(run(arp_request_frame()).action, XDP_DROP);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"arp_reply", 1}, {"arp_drop_lease", 1}}));
}

TEST_F(Lease, RenewingThroughTheMappingNeedsNoSyscallAndTakesEffectAtOnce) {
    add_vip("192.0.2.100");
    set_instance(XVRRP_INST_MASTER);
    leases_->renew(kVrid, 0);
    ASSERT_EQ(run(arp_request_frame()).action, XDP_DROP);
    leases_->renew(kVrid, monotonic_ns() + 60'000 * kMs);  // a plain store into the map
    EXPECT_EQ(run(arp_request_frame()).action, XDP_TX);
}

}  // namespace
}  // namespace xvrrp::test
