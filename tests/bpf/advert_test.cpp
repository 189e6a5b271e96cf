// VRRP advert handling (bpf/advert.h): RFC 5798 7.1 validation, receive state, events.
#include <cstring>

#include "xdp_fixture.h"

namespace xvrrp::test {
namespace {

constexpr uint64_t kCs = 10'000'000;  // one centisecond in ns

class Advert : public XdpTest {
  protected:
    void SetUp() override {
        XdpTest::SetUp();
        set_instance(kPreempt | kTakeoverArmed);
    }
    // RFC 5798 6.1 with our priority kOwnPriority, written out (master_down_interval_test.cpp
    // checks the shared formula against the controller's).
    static uint64_t master_down_ns(uint64_t interval_ns) {
        return 3 * interval_ns + ((256 - kOwnPriority) * interval_ns) / 256;
    }
};

TEST_F(Advert, ValidV3AdvertIsConsumedRecordedAndReportedOnce) {
    VrrpFields v;  // priority 150 from 192.0.2.11, interval 100 cs
    auto r = run(advert_frame(v));
    EXPECT_EQ(r.action, XDP_DROP);  // consumed: the controller reads rx_state and events
    EXPECT_EQ(counter_delta(),
              (CounterDelta{{"vrrp_valid", 1}, {"vrrp_accepted", 1}, {"event_sent", 1}}));
    auto rx = state_->rx_state(kVrid);
    ASSERT_TRUE(rx);
    EXPECT_EQ(addr16(rx->master_addr), mapped(ip("192.0.2.11")));
    EXPECT_EQ(rx->master_priority, 150);
    EXPECT_EQ(rx->version, 3);
    EXPECT_EQ(rx->interval_field, 100);
    EXPECT_EQ(rx->adverts, 1u);
    EXPECT_EQ(rx->accepted, 1u);
    EXPECT_EQ(rx->master_down_interval_ns, master_down_ns(100 * kCs));
    EXPECT_NEAR(double(rx->last_advert_ns), double(monotonic_ns()), 1e9);
    auto ev = drain_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, XVRRP_EV_NEW_MASTER);
    EXPECT_EQ(ev[0].vrid, kVrid);
    EXPECT_EQ(addr16(ev[0].src), mapped(ip("192.0.2.11")));
    EXPECT_EQ(ev[0].priority, 150);
    EXPECT_EQ(ev[0].interval_field, 100);
    EXPECT_EQ(ev[0].master_down_interval_ns, master_down_ns(100 * kCs));
}

TEST_F(Advert, SteadyStateAdvertsFromTheSameMasterWakeNobody) {
    run(advert_frame());
    drain_events();
    for (int i = 0; i < 10; i++) run(advert_frame());
    EXPECT_TRUE(drain_events().empty());
    EXPECT_EQ(state_->rx_state(kVrid)->adverts, 11u);
    uint32_t gaps = 0;
    auto rx = state_->rx_state(kVrid);
    for (uint32_t g : rx->gap_hist) gaps += g;
    EXPECT_EQ(gaps, 10u) << "each inter-arrival gap lands in one histogram bucket";
}

TEST_F(Advert, ChecksumWithoutPseudoHeaderIsAlsoAccepted) {
    VrrpFields v;
    v.csum = Csum::Plain;  // RFC 9568 / Cisco variant
    EXPECT_EQ(run(advert_frame(v)).action, XDP_DROP);
    EXPECT_EQ(counter_delta()["vrrp_valid"], 1u);
}

TEST_F(Advert, ValidV2AdvertIsAcceptedOnAV2Instance) {
    set_instance(kPreempt, 2);
    VrrpFields v;
    v.version = 2;
    v.interval = 1;  // seconds
    v.csum = Csum::Plain;
    EXPECT_EQ(run(advert_frame(v)).action, XDP_DROP);
    EXPECT_EQ(counter_delta()["vrrp_valid"], 1u);
    // RFC 3768: Master_Down_Interval = 3 * Advertisement_Interval + (256 - Priority) / 256 s
    EXPECT_EQ(state_->rx_state(kVrid)->master_down_interval_ns,
              3'000'000'000ull + (256 - kOwnPriority) * 1'000'000'000ull / 256);
}

TEST_F(Advert, V2AdvertWithPseudoHeaderChecksumIsDropped) {
    set_instance(kPreempt, 2);
    VrrpFields v;
    v.version = 2;
    v.interval = 1;
    v.csum = Csum::PseudoHeader;  // VRRPv2 never has one (RFC 3768 5.3.8)
    expect_advert_dropped(advert_frame(v), "vrrp_drop_checksum");
}

TEST_F(Advert, AdvertIsPassedToTheStackWhenConfiguredSoTcpdumpSeesIt) {
    set_instance(kPreempt | kPassAdverts);
    auto in = advert_frame();
    auto r = run(in);
    EXPECT_EQ(r.action, XDP_PASS);
    EXPECT_EQ(r.out, in);
    EXPECT_EQ(counter_delta()["vrrp_valid"], 1u);
}

// Tagged adverts: vlan_test.cpp.

TEST_F(Advert, AdvertWithIpOptionsIsAccepted) {
    Ipv4Fields i;
    i.options = {0x94, 0x04, 0x00, 0x00};  // Router Alert
    EXPECT_EQ(run(advert_frame({}, i)).action, XDP_DROP);
    EXPECT_EQ(counter_delta()["vrrp_valid"], 1u);
}

TEST_F(Advert, AdvertForAVridNotConfiguredHereGoesToTheKernelUntouched) {
    VrrpFields v;
    v.vrid = 52;  // maybe keepalived's, on this very host
    auto in = advert_frame(v);
    auto r = run(in);
    EXPECT_EQ(r.action, XDP_PASS);
    EXPECT_EQ(r.out, in);
    EXPECT_EQ(counter_delta(), (CounterDelta{{"vrrp_other_vrid", 1}}));
}

TEST_F(Advert, TtlOtherThan255IsDropped_Rfc5798_7_1) {
    Ipv4Fields i;
    i.ttl = 254;  // routed: not from this link
    expect_advert_dropped(advert_frame({}, i), "vrrp_drop_ttl");
}

TEST_F(Advert, VersionOtherThanConfiguredIsDropped_Rfc5798_7_1) {
    VrrpFields v;
    v.version = 2;
    v.csum = Csum::Plain;
    expect_advert_dropped(advert_frame(v), "vrrp_drop_version");
}

TEST_F(Advert, UnknownVersionIsDropped) {
    VrrpFields v;
    v.version = 4;
    expect_advert_dropped(advert_frame(v), "vrrp_drop_version");
}

TEST_F(Advert, TypeOtherThanAdvertisementIsDropped_Rfc5798_7_1) {
    VrrpFields v;
    v.type = 2;
    expect_advert_dropped(advert_frame(v), "vrrp_drop_type");
}

TEST_F(Advert, CountLargerThanTheAddressesCarriedIsDropped) {
    VrrpFields v;
    v.count_override = 2;  // says two addresses, carries one
    expect_advert_dropped(advert_frame(v), "vrrp_drop_length");
}

TEST_F(Advert, CountSmallerThanTheAddressesCarriedIsDropped) {
    VrrpFields v;
    v.addrs = {ip("192.0.2.100"), ip("192.0.2.101")};
    v.count_override = 1;
    expect_advert_dropped(advert_frame(v), "vrrp_drop_length");
}

TEST_F(Advert, IpTotalLengthBeyondTheFrameIsDropped) {
    Ipv4Fields i;
    i.tot_len_delta = 8;
    expect_advert_dropped(advert_frame({}, i), "vrrp_drop_ip_malformed");
}

TEST_F(Advert, IpHeaderLengthBelowFiveWordsIsDropped) {
    Ipv4Fields i;
    i.ihl_override = 4;
    expect_advert_dropped(advert_frame({}, i), "vrrp_drop_ip_malformed");
}

TEST_F(Advert, VrrpHeaderCutShortIsDropped) {
    // IP says 4 bytes of payload and the frame ends there: no room for the VRRP header.
    Ipv4Fields i;
    auto frame = cat({eth(kVrrpMcastMac, kServerMac, 0x0800), ipv4(i, Bytes{0x31, 51, 150, 1})});
    expect_advert_dropped(frame, "vrrp_drop_truncated");
}

TEST_F(Advert, AddressesCutShortAreDroppedOnLength) {
    VrrpFields v;
    v.addrs = {ip("192.0.2.100"), ip("192.0.2.101")};
    Bytes msg = vrrp(v);
    msg.resize(msg.size() - 4);  // count says two addresses, the IP payload holds one
    expect_advert_dropped(cat({eth(kVrrpMcastMac, kServerMac, 0x0800), ipv4({}, msg)}),
                          "vrrp_drop_length");
}

TEST_F(Advert, IpHeaderChecksumWrongIsDropped) {
    auto frame = advert_frame();
    frame[14 + 10] ^= 0x01;  // the kernel's ip_rcv would drop it; so do we
    expect_advert_dropped(frame, "vrrp_drop_ip_malformed");
}

TEST_F(Advert, WrongChecksumIsDropped_Rfc5798_7_1) {
    VrrpFields v;
    v.csum = Csum::Wrong;
    expect_advert_dropped(advert_frame(v), "vrrp_drop_checksum");
}

TEST_F(Advert, ZeroIntervalIsDropped) {
    VrrpFields v;
    v.interval = 0;
    expect_advert_dropped(advert_frame(v), "vrrp_drop_interval");
}

TEST_F(Advert, FirstFragmentIsDropped) {
    Ipv4Fields i;
    i.frag = 0x2000;  // MF
    expect_advert_dropped(advert_frame({}, i), "vrrp_drop_fragment");
}

TEST_F(Advert, LaterFragmentIsDropped) {
    Ipv4Fields i;
    i.frag = 0x0010;  // offset 128
    expect_advert_dropped(advert_frame({}, i), "vrrp_drop_fragment");
}

TEST_F(Advert, SourceOutsideTheAllowListIsDropped) {
    set_instance(kPreempt | kAllowlist);
    tables_->allow_source(kVrid, addr("192.0.2.12"));
    expect_advert_dropped(advert_frame(), "vrrp_drop_source");
}

TEST_F(Advert, SourceInTheAllowListIsAccepted) {
    set_instance(kPreempt | kAllowlist);
    tables_->allow_source(kVrid, addr("192.0.2.11"));
    EXPECT_EQ(run(advert_frame()).action, XDP_DROP);
    EXPECT_EQ(counter_delta()["vrrp_valid"], 1u);
}

TEST_F(Advert, PriorityChangeOfTheMasterIsReported) {
    run(advert_frame());
    drain_events();
    VrrpFields v;
    v.priority = 200;
    run(advert_frame(v));
    auto ev = drain_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, XVRRP_EV_PRIORITY_CHANGE);
    EXPECT_EQ(ev[0].priority, 200);
}

TEST_F(Advert, IntervalChangeOfTheMasterIsReportedAndRelearned_Rfc5798_6_4_2) {
    run(advert_frame());
    drain_events();
    VrrpFields v;
    v.interval = 5;
    run(advert_frame(v));
    auto ev = drain_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, XVRRP_EV_INTERVAL_CHANGE);
    EXPECT_EQ(state_->rx_state(kVrid)->master_down_interval_ns, master_down_ns(5 * kCs));
}

TEST_F(Advert, FastModeUsesTheConfiguredIntervalNotTheField) {
    set_instance(kPreempt, 3, 1'000'000);  // 1 ms between xvrrp peers
    VrrpFields v;
    v.interval = 1;  // nearest legal value on the wire
    run(advert_frame(v));
    EXPECT_EQ(state_->rx_state(kVrid)->master_down_interval_ns, master_down_ns(1'000'000));
}

TEST_F(Advert, NewSourceIsReportedAsNewMaster) {
    run(advert_frame());
    drain_events();
    Ipv4Fields i;
    i.src = ip("192.0.2.13");
    run(advert_frame({}, i));
    auto ev = drain_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, XVRRP_EV_NEW_MASTER);
    EXPECT_EQ(addr16(ev[0].src), mapped(ip("192.0.2.13")));
}

TEST_F(Advert, PriorityZeroSetsTheTimerToSkewTimeAndIsReported_Rfc5798_6_4_2) {
    run(advert_frame());
    drain_events();
    counter_delta();
    VrrpFields v;
    v.priority = 0;
    run(advert_frame(v));
    EXPECT_EQ(
        counter_delta(),
        (CounterDelta{
            {"vrrp_valid", 1}, {"vrrp_accepted", 1}, {"vrrp_prio_zero", 1}, {"event_sent", 1}}));
    auto ev = drain_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, XVRRP_EV_PRIORITY_ZERO);
    EXPECT_EQ(state_->rx_state(kVrid)->master_down_interval_ns,
              (256 - kOwnPriority) * 100 * kCs / 256);
}

// Master_Adver_Interval is learned from accepted adverts of non-zero priority: the resigning
// master's own interval field (here 40 s) cannot stretch Skew_Time.
TEST_F(Advert, PriorityZeroTakesSkewTimeFromTheLearnedInterval_Rfc5798_6_4_2) {
    VrrpFields v;
    v.interval = 20;  // 200 ms, learned
    run(advert_frame(v));
    ASSERT_EQ(state_->rx_state(kVrid)->master_adver_interval_ns, 20 * kCs);
    v.priority = 0;
    v.interval = 4000;
    run(advert_frame(v));
    auto rx = state_->rx_state(kVrid);
    EXPECT_EQ(rx->master_down_interval_ns, (256 - kOwnPriority) * 20 * kCs / 256);
    EXPECT_EQ(rx->master_adver_interval_ns, 20 * kCs) << "not learned from priority 0";
}

// Before any advert was accepted, Master_Adver_Interval is our Advertisement_Interval (6.4.1);
// a master forgets what it learned as backup.
TEST_F(Advert, PriorityZeroBeforeAnyAdvertUsesOurInterval_Rfc5798_6_4_1) {
    run(advert_frame());  // learned: 1 s
    set_role(kMaster | kPreempt);
    EXPECT_EQ(state_->rx_state(kVrid)->master_adver_interval_ns, 0u);
    set_role(kPreempt | kTakeoverArmed);
    arm(3'600 * kSecond);
    VrrpFields v;
    v.priority = 0;
    v.interval = 4000;
    run(advert_frame(v));
    EXPECT_EQ(state_->rx_state(kVrid)->master_down_interval_ns,
              (256 - kOwnPriority) * kSecond / 256);  // ours: 1 s
}

TEST_F(Advert, V2AdvertWithAnAuthTypeIsDropped_Rfc3768_7_1) {
    set_instance(kPreempt, 2);
    for (uint8_t auth : {1, 2, 255}) {
        VrrpFields v;
        v.version = 2;
        v.interval = 1;
        v.csum = Csum::Plain;
        v.auth_type = auth;
        expect_advert_dropped(advert_frame(v), "vrrp_drop_auth");
    }
}

// Unicast peers (keepalived's unicast_peer): only adverts addressed to us count.
TEST_F(Advert, UnicastInstanceAcceptsAnAdvertAddressedToUs) {
    set_instance(kPreempt | kTakeoverArmed | kUnicast);
    Ipv4Fields i;
    i.dst = kUnicastAddr;
    run(advert_frame({}, i));
    auto d = counter_delta();
    EXPECT_EQ(d["vrrp_valid"], 1u);
    EXPECT_EQ(d["vrrp_accepted"], 1u);
}

TEST_F(Advert, UnicastInstanceDropsAdvertsToTheGroupOrToAnotherAddress) {
    set_instance(kPreempt | kTakeoverArmed | kUnicast);
    for (const char *dst : {"224.0.0.18", "192.0.2.13"}) {
        Ipv4Fields i;
        i.dst = ip(dst);
        expect_advert_dropped(advert_frame({}, i), "vrrp_drop_destination");
    }
}

TEST_F(Advert, UnicastInstanceTakesAdvertsFromItsPeersOnly) {
    // The daemon makes the peers the allow-list.
    set_instance(kPreempt | kTakeoverArmed | kUnicast | kAllowlist);
    tables_->allow_source(kVrid, addr("192.0.2.11"));
    Ipv4Fields forged;
    forged.src = ip("192.0.2.66");
    forged.dst = kUnicastAddr;
    expect_advert_dropped(advert_frame({}, forged), "vrrp_drop_source");
    Ipv4Fields peer;
    peer.dst = kUnicastAddr;
    run(advert_frame({}, peer));
    EXPECT_EQ(counter_delta()["vrrp_accepted"], 1u);
}

TEST_F(Advert, MulticastInstanceStillAcceptsAnAdvertToTheGroup) {
    set_instance(kPreempt | kTakeoverArmed);
    run(advert_frame());
    EXPECT_EQ(counter_delta()["vrrp_accepted"], 1u);
}

// A VRRPv2 advert as keepalived's `authentication { auth_type PASS }` sends it.
VrrpFields v2_with_password(const std::array<uint8_t, 8> &password) {
    VrrpFields v;
    v.version = 2;
    v.interval = 1;
    v.csum = Csum::Plain;
    v.auth_type = 1;
    v.auth_data = password;
    return v;
}

TEST_F(Advert, V2AdvertWithTheConfiguredPasswordIsValid_Rfc2338_5_3_6_1) {
    set_instance(kPreempt | kAuthPass, 2);
    EXPECT_EQ(run(advert_frame(v2_with_password(kAuthPassword))).action, XDP_DROP);  // consumed
    auto d = counter_delta();
    EXPECT_EQ(d["vrrp_valid"], 1u);
    EXPECT_EQ(d["vrrp_accepted"], 1u);
}

TEST_F(Advert, V2AdvertWithAnotherPasswordIsDropped) {
    set_instance(kPreempt | kAuthPass, 2);
    auto other = kAuthPassword;
    other[7] = '!';  // the last byte differs
    expect_advert_dropped(advert_frame(v2_with_password(other)), "vrrp_drop_auth_pass");
    other = {};  // no password at all, but Auth Type 1
    expect_advert_dropped(advert_frame(v2_with_password(other)), "vrrp_drop_auth_pass");
}

TEST_F(Advert, V2AdvertWithoutAuthIsDroppedWhenAPasswordIsConfigured_Rfc3768_7_1) {
    set_instance(kPreempt | kAuthPass, 2);
    for (uint8_t auth : {0, 2}) {
        VrrpFields v = v2_with_password(kAuthPassword);
        v.auth_type = auth;
        expect_advert_dropped(advert_frame(v), "vrrp_drop_auth");
    }
}

TEST_F(Advert, V2PasswordIsReadAfterEveryAddress) {
    set_instance(kPreempt | kAuthPass, 2);
    VrrpFields v = v2_with_password(kAuthPassword);
    v.addrs.clear();
    for (uint32_t i = 0; i < 255; ++i) v.addrs.push_back(ip("198.51.100.0") + htonl(i));
    run(advert_frame(v));
    EXPECT_EQ(counter_delta()["vrrp_valid"], 1u);
}

TEST_F(Advert, LowerPriorityWithPreemptDoesNotRearmTheTimer_Rfc5798_6_4_2) {
    VrrpFields v;
    v.priority = 50;  // below our 100
    run(advert_frame(v));
    EXPECT_EQ(counter_delta(),
              (CounterDelta{{"vrrp_valid", 1}, {"vrrp_ignored_lower_prio", 1}, {"event_sent", 1}}));
    EXPECT_EQ(state_->rx_state(kVrid)->accepted, 0u);
    auto ev = drain_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, XVRRP_EV_LOWER_PRIORITY);
    run(advert_frame(v));
    EXPECT_TRUE(drain_events().empty()) << "reported once, not per advert";
}

TEST_F(Advert, LowerPriorityWithoutPreemptIsAccepted_Rfc5798_6_4_2) {
    set_instance(0);
    VrrpFields v;
    v.priority = 50;
    run(advert_frame(v));
    EXPECT_EQ(state_->rx_state(kVrid)->accepted, 1u);
}

// A flood of adverts while master must not become a flood of wake-ups: the controller's answer
// is the same each time. Reported once per advert interval (1 s here), at once when the
// sender or its priority changes.
TEST_F(Advert, AdvertsWhileMasterAreReportedOncePerIntervalUnlessTheSenderChanges) {
    become_master();
    run(advert_frame());
    auto ev = drain_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, XVRRP_EV_ADVERT_WHILE_MASTER);
    for (int i = 0; i < 100; i++) run(advert_frame());
    EXPECT_TRUE(drain_events().empty());
    Ipv4Fields other;
    other.src = ip("192.0.2.13");
    run(advert_frame({}, other));
    ev = drain_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(addr16(ev[0].src), mapped(ip("192.0.2.13")));
    VrrpFields higher;
    higher.priority = 200;
    run(advert_frame(higher, other));
    EXPECT_EQ(drain_events().size(), 1u) << "a new priority is news at once";
    auto d = counter_delta();
    EXPECT_EQ(d["vrrp_while_master"], 103u);
    EXPECT_EQ(d["event_rate_limited"], 100u);
}

TEST_F(Advert, AdvertsWhileMasterAreReportedAgainAfterAnInterval) {
    set_instance(kMaster | kPreempt, 3, 0, 50'000'000, kVrid,
                 Timing{.advert_interval_ns = 1'000'000});
    leases_->renew(kVrid, monotonic_ns() + 60 * kSecond);
    run(advert_frame());
    EXPECT_EQ(drain_events().size(), 1u);
    uint64_t t0 = monotonic_ns();
    while (monotonic_ns() < t0 + 2'000'000) {
    }
    run(advert_frame());
    EXPECT_EQ(drain_events().size(), 1u);
}

TEST_F(Advert, TheNextMastersFirstAdvertIsReportedWhileReleasing) {
    run(advert_frame());  // 192.0.2.11 at 150, already known as the master: no news
    drain_events();
    set_instance(kReleasing | kPreempt);
    run(advert_frame());
    auto ev = drain_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, XVRRP_EV_ADVERT_WHILE_RELEASING);
    EXPECT_EQ(addr16(ev[0].src), mapped(ip("192.0.2.11")));
    EXPECT_EQ(ev[0].priority, 150);
    run(advert_frame());
    EXPECT_TRUE(drain_events().empty()) << "once per interval";
    VrrpFields zero;
    zero.priority = 0;
    run(advert_frame(zero));
    ev = drain_events();
    ASSERT_EQ(ev.size(), 1u);
    EXPECT_EQ(ev[0].type, XVRRP_EV_PRIORITY_ZERO);
}

TEST_F(Advert, V2AdvertWithAnotherIntervalIsDropped_Rfc3768_7_1) {
    set_instance(kPreempt, 2);  // ours: 1 s
    VrrpFields v;
    v.version = 2;
    v.interval = 2;
    v.csum = Csum::Plain;
    expect_advert_dropped(advert_frame(v), "vrrp_drop_interval");
}

// Master_Down_Timer runs only between the controller's arm and disarm (Backup): an advert
// heard meanwhile restarts it, one heard otherwise is recorded and restarts nothing.
TEST_F(Advert, AdvertsRestartTheMasterDownTimerOnlyWhileItIsArmed) {
    disarm();
    run(advert_frame());
    auto rx = state_->rx_state(kVrid);
    EXPECT_EQ(rx->accepted, 1u);
    EXPECT_FALSE(rx->flags & XVRRP_RX_WATCHING);
    uint64_t deadline = rx->master_down_deadline_ns;
    run(advert_frame());
    EXPECT_EQ(state_->rx_state(kVrid)->master_down_deadline_ns, deadline);
    arm(60 * kSecond);
    run(advert_frame());
    rx = state_->rx_state(kVrid);
    EXPECT_TRUE(rx->flags & XVRRP_RX_WATCHING);
    EXPECT_EQ(rx->master_down_deadline_ns, rx->last_advert_ns + master_down_ns(100 * kCs));
}

TEST_F(Advert, FullRingBufferIsCountedAndNeverBlocks) {
    // Every advert alternates the priority, so each one is an event nobody consumes.
    uint64_t sent = 0;
    for (int i = 0; i < 8000; i++) {
        VrrpFields v;
        v.priority = 150 + (i & 1);
        EXPECT_EQ(run(advert_frame(v)).action, XDP_DROP);
    }
    auto d = counter_delta();
    sent = d["event_sent"];
    EXPECT_GT(d["event_dropped"], 0u);
    EXPECT_EQ(sent + d["event_dropped"], 8000u);
    EXPECT_EQ(d["vrrp_valid"], 8000u);
}

}  // namespace
}  // namespace xvrrp::test
