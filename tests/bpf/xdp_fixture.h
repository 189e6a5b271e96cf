// Fixture in the style of katran's BPF tests: load the real XDP program through its
// skeleton, fill the maps, run a crafted frame with BPF_PROG_TEST_RUN, then assert the
// action, the exact output bytes, and exactly which counters moved.
#pragma once

#include <bpf/bpf.h>
#include <gtest/gtest.h>
#include <linux/bpf.h>
#include <time.h>

#include <array>
#include <cstring>
#include <map>
#include <set>
#include <memory>
#include <string>
#include <vector>

#include "dataplane/control.h"
#include "dataplane/dataplane.h"
#include "dataplane/events.h"
#include "dataplane/tables.h"
#include "packets.h"

namespace xvrrp::test {

using CounterDelta = std::map<std::string, uint64_t>;

inline uint64_t monotonic_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000ull + ts.tv_nsec;
}

// What set_instance() configures: the role bits (enum xvrrp_role_flags, written through
// xvrrp_control) and configuration bits of the instances entry, in one word for the tests.
enum TestFlags : uint32_t {
    kMaster = XVRRP_ROLE_MASTER,
    kTakeoverArmed = XVRRP_ROLE_TAKEOVER_ARMED,
    kPreempt = XVRRP_ROLE_PREEMPT,
    kReleasing = XVRRP_ROLE_RELEASING,
    kAllowlist = 1u << 16,
    kPassAdverts = 1u << 17,
    // Leave the Master_Down_Timer unarmed (by default a VRID that is not master watches: the
    // controller arms it on entering Backup, and only then do adverts restart it).
    kNotWatching = 1u << 18,
    // VRRPv2 simple-text authentication with kAuthPassword.
    kAuthPass = 1u << 19,
    // Unicast peers: adverts must be addressed to kUnicastAddr (with kAllowlist: from peers).
    kUnicast = 1u << 20,
    // The instance runs VRRPv3 over IPv6 (XVRRP_INST_IPV6); with kUnicast: kUnicastAddr6.
    kIpv6 = 1u << 21,
};

// This server's address, where unicast peers send their adverts.
inline const uint32_t kUnicastAddr = ip("192.0.2.12");
// ... over IPv6 (kIpv6 | kUnicast).
inline const Addr16 kUnicastAddr6 = ip6("2001:db8::12");

// An address as the controller's binding gives it (allow-list entries).
inline vrrp::IpAddress addr(const char *text) {
    return *vrrp::IpAddress::parse(text);
}

// The password of kAuthPass, zero-padded to its 8 bytes on the wire.
inline constexpr std::array<uint8_t, 8> kAuthPassword = {'h', 'u', 'n', 't', 'e', 'r', '2', 0};

// The instance's timing, as the controller configures it.
struct Timing {
    uint64_t advert_interval_ns = 1'000'000'000;  // ours: rate of master/releasing events, v2
    uint64_t late_threshold_ns = 0;
    uint64_t late_grace_ns = 0;  // 0: a late expiry gets no grace
};

class XdpTest : public ::testing::Test {
  protected:
    static constexpr uint8_t kVrid = 51;
    static constexpr uint8_t kOwnPriority = 100;
    static constexpr uint64_t kSecond = 1'000'000'000ull;

    void SetUp() override {
        dp_ = std::make_unique<dataplane::Dataplane>();
        dp_->load();
        auto fds = dp_->maps();
        tables_ = std::make_unique<dataplane::ControlTables>(fds);
        state_ = std::make_unique<dataplane::StateReader>(fds);
        leases_ = std::make_unique<dataplane::LeaseTable>(fds.leases);
        events_ = std::make_unique<dataplane::EventRing>(
            fds.events, [this](const xvrrp_event &e) { received_.push_back(e); });
        control_ = std::make_unique<dataplane::ControlProgram>(dp_->control_prog_fd());
        baseline_ = state_->counters();
    }

    struct Result {
        int action = -1;
        Bytes out;
    };

    // Through the XDP program, or another of the object (the tc program: dp_->tc_prog_fd()).
    Result run(const Bytes &in, int prog_fd = -1) {
        Result r;
        r.out.resize(in.size() + 256);
        LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in.data(), .data_out = r.out.data(),
                    .data_size_in = (__u32)in.size(), .data_size_out = (__u32)r.out.size(),
                    .repeat = 1);
        int err = bpf_prog_test_run_opts(prog_fd < 0 ? dp_->prog_fd() : prog_fd, &opts);
        EXPECT_EQ(err, 0) << "bpf_prog_test_run_opts: " << strerror(-err);
        r.action = static_cast<int>(opts.retval);
        r.out.resize(opts.data_size_out);
        return r;
    }

    // Counters that moved since the last call (or SetUp), by name.
    CounterDelta counter_delta() {
        xvrrp_counters now = state_->counters();
        CounterDelta d;
        for (const auto &c : dataplane::counter_infos())
            if (now.*c.field != baseline_.*c.field)
                d[std::string(c.name)] = now.*c.field - baseline_.*c.field;
        baseline_ = now;
        return d;
    }

    std::vector<xvrrp_event> drain_events() {
        while (events_->poll(0) > 0) {
        }
        return std::exchange(received_, {});
    }

    // Runs an invalid advert and checks it was dropped for exactly `reason`, leaving the
    // receive state of kVrid as it was.
    void expect_advert_dropped(const Bytes &frame, const std::string &reason) {
        auto before = state_->rx_state(kVrid);
        ASSERT_TRUE(before);
        EXPECT_EQ(run(frame).action, XDP_DROP);
        EXPECT_EQ(counter_delta(), (CounterDelta{{reason, 1}}));
        auto after = state_->rx_state(kVrid);
        ASSERT_TRUE(after);
        // The timer's bytes are the kernel's; everything else must be untouched.
        EXPECT_EQ(std::memcmp(reinterpret_cast<const char *>(&*before) + 16,
                              reinterpret_cast<const char *>(&*after) + 16, sizeof *after - 16),
                  0)
            << "an invalid advert changed rx_state";
        EXPECT_TRUE(drain_events().empty());
    }

    // The instances entry (configuration) and the role, as the controller writes them; a VRID
    // that is not master gets its Master_Down_Timer armed (once, with a long interval that
    // the first accepted advert replaces) unless kNotWatching.
    void set_instance(uint32_t flags, uint8_t version = 3, uint64_t fixed_interval_ns = 0,
                      uint64_t grace_ns = 50'000'000, uint8_t vrid = kVrid, Timing timing = {}) {
        xvrrp_instance inst{};
        if (flags & kAllowlist) inst.flags |= XVRRP_INST_ALLOWLIST;
        if (flags & kPassAdverts) inst.flags |= XVRRP_INST_PASS_ADVERTS;
        if (flags & kIpv6) inst.flags |= XVRRP_INST_IPV6;
        if (flags & kUnicast) {
            inst.flags |= XVRRP_INST_UNICAST;
            Addr16 a = (flags & kIpv6) ? kUnicastAddr6 : mapped(kUnicastAddr);
            std::copy(a.begin(), a.end(), inst.unicast_addr);
        }
        if (flags & kAuthPass) {
            inst.flags |= XVRRP_INST_AUTH_PASS;
            std::copy(kAuthPassword.begin(), kAuthPassword.end(), inst.auth_pass);
        }
        inst.version = version;
        inst.vlan = vlan_;
        inst.priority = kOwnPriority;
        inst.fixed_interval_ns = fixed_interval_ns;
        inst.advert_interval_ns = fixed_interval_ns ? fixed_interval_ns : timing.advert_interval_ns;
        inst.takeover_grace_ns = grace_ns;
        inst.late_threshold_ns = timing.late_threshold_ns;
        inst.late_grace_ns = timing.late_grace_ns;
        tables_->set_instance(vrid, inst);
        set_role(flags, vrid);
        if (!(flags & (kMaster | kNotWatching)) && !armed_.count(vrid)) arm(60 * kSecond, vrid);
    }

    dataplane::ControlProgram::Result set_role(uint32_t flags, uint8_t vrid = kVrid) {
        auto r = control_->set_role(vrid, flags & 0xffff, kOwnPriority);
        // -ENOMEM: no timer to watch the lease (seen with 255 masters at once on 6.18); the
        // ARP path then checks the lease against the clock.
        EXPECT_TRUE(r.error == 0 || r.error == -ENOMEM) << "set role of VRID " << int(vrid);
        return r;
    }
    dataplane::ControlProgram::Result arm(uint64_t interval_ns, uint8_t vrid = kVrid) {
        armed_.insert(vrid);
        return control_->arm_master_down(vrid, interval_ns);
    }
    void disarm(uint8_t vrid = kVrid) {
        armed_.erase(vrid);
        control_->disarm_master_down(vrid);
    }

    void add_vip(const char *addr, const Mac &mac = kServerMac, uint8_t vrid = kVrid,
                 uint8_t flags = 0) {
        tables_->set_vip(ip(addr), vip_entry(mac, vrid, flags));
    }

    void add_vip6(const char *addr, const Mac &mac = kServerMac, uint8_t vrid = kVrid,
                  uint8_t flags = 0) {
        tables_->set_vip6(vrrp::IpAddress::v6(ip6(addr)), vip_entry(mac, vrid, flags));
    }

    // A vips/vips6 value, in the fixture's VLAN.
    xvrrp_vip vip_entry(const Mac &mac, uint8_t vrid, uint8_t flags) const {
        xvrrp_vip vip{};
        std::copy(mac.begin(), mac.end(), vip.mac);
        vip.vrid = vrid;
        vip.flags = flags;
        vip.vlan = vlan_;
        return vip;
    }

    // Master with a lease that stays fresh for the test (or a given number of ns).
    void become_master(uint64_t lease_ns = 60'000'000'000ull) {
        leases_->renew(kVrid, monotonic_ns() + lease_ns);  // the lease first, then the role
        set_instance(kMaster | kPreempt);
    }

    // Instances and VIPs configured from now on belong to this 802.1Q VLAN (0: untagged), as
    // the controller's binding writes them; the VLAN is marked in use in meta.
    void use_vlan(uint16_t vlan) {
        vlan_ = vlan;
        if (vlan) tables_->set_vlan_in_use(vlan, true);
    }

    uint16_t vlan_ = 0;
    std::unique_ptr<dataplane::Dataplane> dp_;
    std::unique_ptr<dataplane::ControlTables> tables_;
    std::unique_ptr<dataplane::StateReader> state_;
    std::unique_ptr<dataplane::LeaseTable> leases_;
    std::unique_ptr<dataplane::EventRing> events_;
    std::unique_ptr<dataplane::ControlProgram> control_;
    std::set<uint8_t> armed_;
    std::vector<xvrrp_event> received_;
    xvrrp_counters baseline_{};
};

}  // namespace xvrrp::test
