// One VRID's binding to the kernel: the only code that turns the election's decisions into
// ABI values (its instances, vips and allowed_srcs entries, its lease slot, the
// xvrrp_control commands) and the kernel's reports (ring-buffer events, rx_state) back into
// protocol inputs. Nothing outside userspace/dataplane/ builds or reads an ABI struct.
//
// The Master_Down_Timer has one owner: this binding. The election says when it runs
// (arm_master_down on entering Backup, disarm_master_down on leaving); the kernel restarts it
// with every accepted advert (RFC 5798 6.4.2), pulls it in to Skew_Time on a priority-0
// advert, forgives its own late expiries (a grace period, see bpf/master_down.h) and reports
// the expiry. While the kernel has no timer for the VRID (bpf_timer_init can fail for a while
// on 6.18 when memory is short), the binding keeps the same deadline itself: the loop calls
// next_wakeup()/on_wakeup(), and the deadline still moves with every advert the kernel accepts.
#pragma once

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "dataplane/tables.h"
#include "vrrp/advert.h"
#include "vrrp/codec.h"
#include "vrrp/types.h"

namespace xvrrp::dataplane {

class Port;
using vrrp::Duration;
using vrrp::TimePoint;

// An advert the XDP program validated (RFC 5798 7.1) and reported because the election must
// hear of it. Its addresses are not carried: the program checked the rest.
struct AdvertReport {
    vrrp::Advert advert;
    TimePoint at{};
    std::string why;  // "new master", "priority change", ... for the log
};

// The Master_Down_Timer expired (RFC 5798 6.4.2).
struct MasterDownReport {
    TimePoint at{};
    bool took_over = false;    // the kernel answers ARP since `at` (takeover was armed)
    Duration late{};           // how long after its deadline the timer got to run
    bool after_grace = false;  // a late expiry that gave the wire a grace period first
    bool by_kernel = true;     // false: the controller's own timer (no kernel timer)
    int timer_cpu = -1;        // the CPU the kernel's timer fired on (-1: not the kernel's)
    int advert_cpu = -1;       // ... and the one that received the last accepted advert
};

using KernelReport = std::variant<AdvertReport, MasterDownReport>;

// What the election decided about this VRID, as the kernel needs it.
struct VridRole {
    bool answering = false;               // Master: answer ARP while the lease is fresh
    bool takeover_armed = false;          // take over the moment Master_Down_Timer fires
    bool discard_lower_priority = false;  // RFC 5798 6.4.2 with preempt, no hold running
    bool releasing = false;               // a stopping master waits for its successor
    uint8_t priority = 0;                 // effective (after tracking)
    bool operator==(const VridRole &) const = default;
};

struct VridConfig {
    uint8_t vrid = 0;
    uint8_t version = 3;
    // The instance's address family: only adverts of this family count for the VRID (the
    // port's maps are keyed by VRID: one family per VRID per port). IPv6: VRRPv3 only.
    vrrp::Family family = vrrp::Family::IPv4;
    // The 802.1Q VLAN of the instance (0: untagged): only frames of this VLAN are its ARP and
    // adverts (bpf/vlan.h). The port's maps are keyed by VRID: one VLAN per VRID per port.
    uint16_t vlan = 0;
    Duration advert_interval{};
    bool fast_mode = false;  // the fixed Master_Adver_Interval is advert_interval
    Duration lease{};        // how long ARP stays answered after the last advert sent
    Duration late_threshold{}, late_grace{};  // see bpf/master_down.h; zero grace: none
    bool pass_adverts = false;
    // IPv4: the ARP responder's table (vips); IPv6: the ND responder's (vips6, bpf/nd.h).
    std::vector<vrrp::IpAddress> virtual_ips;
    // Neighbor Advertisements for the IPv6 VIPs carry the Router flag (RFC 4861 4.4), as
    // keepalived sets it: when the interface forwards IPv6 (net.ipv6.conf.IF.forwarding).
    bool nd_router = false;
    // Accept mode (RFC 5798 6.4.3): false drops IPv4 and IPv6 packets to the VIPs in XDP.
    // The address owner (priority 255) always accepts: leave it true for one.
    bool accept = true;
    // VRRPv2 simple-text authentication: adverts must carry Auth Type 1 and these 8 bytes.
    std::optional<vrrp::V2SimpleTextKey> v2_auth_pass;
    // The MAC ARP replies carry. IPv6 VIPs are answered with it too, except with use_vmac
    // (vmac_host_mac set): then with the IPv6 virtual MAC 00-00-5E-00-02-{VRID} (RFC 5798 7.3).
    vrrp::MacAddress answer_mac{};
    // use_vmac: frames to answer_mac (the virtual MAC) get this, the interface's MAC, from the
    // port's tc program (bpf/vmac.h), which the binding has the port attach.
    std::optional<vrrp::MacAddress> vmac_host_mac;
    std::vector<vrrp::IpAddress> allowed_sources;  // of `family`; empty: adverts from anyone
    // Unicast peers: adverts must be addressed to this, our own address (the peers are then
    // allowed_sources).
    std::optional<vrrp::IpAddress> unicast_self;
};

// What the kernel has seen for the VRID, for status and metrics.
struct ReceiveStats {
    uint64_t adverts = 0, accepted = 0;
    std::optional<Duration> last_advert_age;
    uint64_t master_down = 0;  // declarations
    uint64_t late_expiries = 0, grace_rescued = 0, grace_expired = 0;
    uint64_t stall_graces = 0;  // expiries on time while another CPU receiving adverts stalled
    uint64_t lease_expiries = 0;
    std::vector<uint32_t> gap_hist, late_hist;  // log2(us) buckets, see abi.h
    bool kernel_timer = false;                  // the kernel runs this VRID's timer
    bool answering = false;                     // the kernel answers ARP for its VIPs right now
};

class VridBinding {
  public:
    using ReportHandler = std::function<void(const KernelReport &)>;

    // Writes the VRID's entries (no role yet: nothing answered, no timer running). Throws
    // xvrrp::Error when the kernel refuses.
    VridBinding(Port &port, VridConfig config, ReportHandler on_report);
    // Removes every entry of the VRID from the kernel.
    ~VridBinding();
    VridBinding(const VridBinding &) = delete;
    VridBinding &operator=(const VridBinding &) = delete;

    const VridConfig &config() const { return cfg_; }

    // A reload changed these (daemon): service IPs enter and leave the ARP and ND responders'
    // tables one by one, so that the others are answered throughout; the timing goes into the
    // VRID's instance entry, its role untouched.
    void set_virtual_ips(const std::vector<vrrp::IpAddress> &vips);
    void set_timing(Duration advert_interval, bool fast_mode, Duration lease,
                    Duration late_threshold, Duration late_grace);

    // Written only on change. When answering goes off, the kernel has stopped answering by
    // the time this returns; when it goes on, the lease must have been renewed first.
    void set_role(const VridRole &role);
    const VridRole &role() const { return role_; }
    // Master_Down_Timer: runs from now, restarted by every accepted advert. interval: the
    // Master_Down_Interval to start with (the kernel computes it anew from each advert).
    void arm_master_down(Duration interval);
    void disarm_master_down();
    bool master_down_armed() const { return armed_; }
    // The last arm found a kernel timer (else the loop keeps it: next_wakeup()).
    bool master_down_in_kernel() const { return kernel_timer_; }

    // The VRID's lease slot: the advert threads renew it with every advert they send.
    LeaseSlot lease() const;
    void renew_lease(TimePoint until);

    // While the kernel has no timer for this VRID: when the loop must look (nullopt: never).
    std::optional<TimePoint> next_wakeup() const;
    // The loop's timer reached next_wakeup(): reports the master down if no advert moved the
    // deadline meanwhile.
    void on_wakeup(TimePoint now);

    ReceiveStats stats(TimePoint now) const;

  private:
    friend class Port;
    void on_event(const void *event);  // a struct xvrrp_event for this VRID, from the ring
    void write_instance();
    // One service IP into (out of) its responder's table: IPv4 the ARP responder's (vips),
    // IPv6 the ND responder's (vips6).
    void put_vip(const vrrp::IpAddress &v);
    void drop_vip(const vrrp::IpAddress &v);

    Port &port_;
    VridConfig cfg_;
    ReportHandler on_report_;
    VridRole role_;
    bool role_written_ = false;
    bool armed_ = false;
    bool kernel_timer_ = false;  // the last arm found a kernel timer
    std::optional<TimePoint> fallback_deadline_;
};

}  // namespace xvrrp::dataplane
