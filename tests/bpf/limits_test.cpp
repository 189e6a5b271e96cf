// The maps hold what include/xvrrp/abi.h promises per interface: every VRID, 4096 service IPs
// answered, and 255 master-down timers running at once.
#include <bpf/bpf.h>

#include <unistd.h>

#include <string>

#include "xdp_fixture.h"

namespace xvrrp::test {
namespace {

// The k-th service IP (k from 0): 10.20.0.1 ... 250 per /24.
uint32_t vip_be(size_t k) {
    std::string text = "10.20." + std::to_string(k / 250) + "." + std::to_string(k % 250 + 1);
    return ip(text.c_str());
}

uint8_t vrid_of(size_t k) {
    return static_cast<uint8_t>(k % XVRRP_MAX_INSTANCES + 1);
}

class Limits : public XdpTest {
  protected:
    void fill_vips(size_t count) {
        for (size_t k = 0; k < count; ++k) {
            xvrrp_vip vip{};
            std::copy(kServerMac.begin(), kServerMac.end(), vip.mac);
            vip.vrid = vrid_of(k);
            tables_->set_vip(vip_be(k), vip);
        }
    }
    uint32_t max_entries(int fd) {
        bpf_map_info info{};
        uint32_t len = sizeof info;
        EXPECT_EQ(bpf_obj_get_info_by_fd(fd, &info, &len), 0);
        return info.max_entries;
    }
};

TEST_F(Limits, MapsAreSizedAsTheAbiSays) {
    auto fds = dp_->maps();
    EXPECT_EQ(max_entries(fds.instances), XVRRP_MAX_INSTANCES);
    EXPECT_EQ(max_entries(fds.rx_state), XVRRP_MAX_INSTANCES);
    EXPECT_EQ(max_entries(fds.vips), XVRRP_MAX_VIPS);
    EXPECT_EQ(max_entries(fds.allowed_srcs), XVRRP_MAX_ALLOWED_SRCS);
    EXPECT_EQ(max_entries(fds.leases), XVRRP_LEASE_SLOTS);
    EXPECT_GE(XVRRP_MAX_VIPS, 4096);  // 255 VRIDs x 16 service IPs, and then some
}

TEST_F(Limits, AFullVipMapAnswersItsLastServiceIpAndStillTakesUpdates) {
    for (int vrid = 1; vrid <= XVRRP_MAX_INSTANCES; ++vrid) {
        set_instance(kMaster | kPreempt, 3, 0, 50'000'000, static_cast<uint8_t>(vrid));
        leases_->renew(static_cast<uint8_t>(vrid), monotonic_ns() + 60'000'000'000ull);
    }
    fill_vips(XVRRP_MAX_VIPS);
    // One more is refused (E2BIG): the configuration check keeps xvrrpd from trying.
    xvrrp_vip extra{};
    extra.vrid = 1;
    EXPECT_THROW(tables_->set_vip(vip_be(XVRRP_MAX_VIPS), extra), std::exception);
    // Rewriting an entry of the full map works (the kernel keeps spare elements for it).
    xvrrp_vip moved{};
    std::copy(kClientMac.begin(), kClientMac.end(), moved.mac);
    moved.vrid = vrid_of(0);
    EXPECT_NO_THROW(tables_->set_vip(vip_be(0), moved));

    for (size_t k : {size_t{0}, size_t{XVRRP_MAX_VIPS / 2}, size_t{XVRRP_MAX_VIPS - 1}}) {
        ArpFields req;
        req.tpa = vip_be(k);
        auto r = run(arp_request_frame(req));
        EXPECT_EQ(r.action, XDP_TX) << "service IP #" << k;
    }
    auto d = counter_delta();
    d.erase("timer_error");  // masters whose lease timer could not be created: clock-checked
    EXPECT_EQ(d, (CounterDelta{{"arp_reply", 3}}));
}

// An ordinary allocation of kernel memory by this process (a pipe, opened and closed).
void allocate_some_kernel_memory() {
    for (int i = 0; i < 64; ++i) {
        int p[2];
        if (pipe(p) == 0) close(p[0]), close(p[1]);
    }
}

// bpf_timer_init() allocates with kmalloc_nolock() on 6.18, which has been seen to fail
// (ENOMEM) when many VRIDs got their timer at once, and to keep failing in a process that does
// nothing else until an ordinary allocation refills the per-CPU caches. The controller creates
// each VRID's timer when it arms the Master_Down_Timer (xvrrp_control, in process context); a
// VRID whose timer could not be created reports the error, keeps its deadline for the
// controller to watch, and gets its timer when the controller arms it again.
TEST_F(Limits, EveryVridGetsItsOwnMasterDownTimer) {
    const uint32_t running = XVRRP_RX_TIMER_READY | XVRRP_RX_TIMER_RUNNING;
    auto timer_of = [&](int vrid) {
        auto rx = state_->rx_state(static_cast<uint8_t>(vrid));
        return rx ? rx->flags & running : 0u;
    };
    for (int vrid = 1; vrid <= XVRRP_MAX_INSTANCES; ++vrid)
        set_instance(kPreempt | kNotWatching, 3, 0, 50'000'000, static_cast<uint8_t>(vrid));
    int rounds = 0, missing = XVRRP_MAX_INSTANCES, first_missing = -1;
    for (; rounds < 300 && missing > 0; ++rounds) {
        if (rounds > 0) {
            usleep(10'000);
            allocate_some_kernel_memory();
        }
        missing = 0;
        for (int vrid = 1; vrid <= XVRRP_MAX_INSTANCES; ++vrid) {
            if (timer_of(vrid) == running) continue;
            auto r = arm(3'600 * kSecond, static_cast<uint8_t>(vrid));
            EXPECT_TRUE(r.error == 0 || r.error == -ENOMEM) << "VRID " << vrid << ": " << r.error;
            auto rx = state_->rx_state(static_cast<uint8_t>(vrid));
            ASSERT_TRUE(rx);
            EXPECT_TRUE(rx->flags & XVRRP_RX_WATCHING) << "armed, with a timer or without";
            EXPECT_EQ(rx->master_down_deadline_ns, r.now_ns + 3'600 * kSecond);
            if (timer_of(vrid) != running) ++missing;
        }
        if (first_missing < 0) first_missing = missing;
    }
    EXPECT_EQ(missing, 0) << "VRIDs without a running timer after " << rounds << " rounds";
    RecordProperty("vrids_without_timer_at_first", first_missing);
}

// 255 events at once (every VRID's first advert): one poll() hands out at most kMaxPerPoll,
// the ring keeps the rest for the next, and nothing is lost.
TEST_F(Limits, AStormOfEventsIsHandedOutInBoundedBatches) {
    for (int vrid = 1; vrid <= XVRRP_MAX_INSTANCES; ++vrid) {
        set_instance(kPreempt, 3, 0, 50'000'000, static_cast<uint8_t>(vrid));
        VrrpFields v;
        v.vrid = static_cast<uint8_t>(vrid);
        v.interval = 4095;
        run(advert_frame(v));
    }
    EXPECT_EQ(events_->poll(0), dataplane::EventRing::kMaxPerPoll);
    EXPECT_EQ(received_.size(), size_t(dataplane::EventRing::kMaxPerPoll));
    int polls = 1;
    while (events_->poll(0) > 0) ++polls;
    EXPECT_EQ(polls, (XVRRP_MAX_INSTANCES + dataplane::EventRing::kMaxPerPoll - 1) /
                         dataplane::EventRing::kMaxPerPoll);
    ASSERT_EQ(received_.size(), size_t{XVRRP_MAX_INSTANCES});
    for (size_t i = 0; i < received_.size(); ++i) EXPECT_EQ(received_[i].vrid, i + 1);
}

}  // namespace
}  // namespace xvrrp::test
