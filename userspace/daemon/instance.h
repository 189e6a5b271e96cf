// One VRRP instance at run time: its state machine (pure, userspace/vrrp), and the effects
// of its decisions on the host: its VRID's binding to the kernel (dataplane/vrid_binding.h),
// the advert threads, gratuitous ARP, service IPs on the VIP interface, notify hooks.
//
// Who keeps time (so that an idle backup costs no CPU): the Master_Down_Timer belongs to the
// binding, which runs it in the kernel (restarted there by every accepted advert); the loop is
// woken only by its expiry, or keeps it itself while the kernel has no timer for the VRID. In
// Master, the advert threads pace the adverts, not the loop. The loop wakes on its own timers
// only for a preempt_delay hold, for scheduled gratuitous ARP and for the end of a release
// hold.
//
// Unicast peers (unicast_peers): an advert is one frame per peer, to its address and MAC. The
// MACs come from the kernel's neighbor table, which the instance asks to resolve each peer and
// to re-validate it every second (NTF_USE, net/neighbor.h); a peer not resolved yet gets its
// frame at the broadcast MAC, and one that stops answering keeps its last known MAC, so that a
// master never goes silent (and its ARP lease never lapses) because a backup is down.
//
// Stopping (SIGTERM/SIGINT): shutdown() sends the priority-0 advert with ARP already off. A
// master then holds its service IPs on the VIP interface (releasing()) until the kernel reports
// another router's advert, plus a margin, or a deadline (StateMachine, release hold); its
// instance entry stays in the kernel, flagged RELEASING, so that those adverts are reported
// and ARP for the service IPs stays dropped (the kernel would answer for them). The kernel
// entries go when the hold ends; stop_now() ends it at once.
#pragma once

#include <atomic>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "config/config.h"
#include "daemon/election_stats.h"
#include "daemon/log.h"
#include "daemon/notify.h"
#include "dataplane/vrid_binding.h"
#include "daemon/uplink.h"
#include "net/address.h"
#include "net/neighbor.h"
#include "tx/advertiser.h"
#include "vrrp/state_machine.h"

namespace xvrrp::daemon {

using vrrp::TimePoint;

struct InstanceStatus {
    std::string name, interface, state, tx_path, xdp_mode;
    int vrid = 0, priority = 0, master_priority = 0;
    int vlan = 0;                         // the instance's 802.1Q VLAN on `interface`, 0 untagged
    int configured_priority = 0;          // [[instance]] priority
    std::optional<int> runtime_priority;  // xvrrpctl set-priority's base, until restart (Daemon)
    std::optional<std::string> master;
    uint64_t adverts_sent = 0, adverts_received = 0;
    uint64_t advert_late_wakeups = 0;         // an advert thread woke more than a period late
    double advert_max_lateness_ms = 0;        // the worst of any advert thread
    std::vector<tx::LaneStats> advert_lanes;  // per CPU
    std::string advert_spread;
    uint64_t takeovers_by_advert_thread = 0;
    uint64_t became_master = 0;  // times this instance entered MASTER since xvrrpd started
    std::optional<double> last_advert_age_ms;
    bool arp_answering = false, takeover_armed = false;
    std::vector<std::string> virtual_ips;
    dataplane::ReceiveStats kernel;  // what the kernel saw for the VRID
    // For metrics (docs/metrics.md).
    ElectionStats election;
    tx::LatenessHistogram advert_lateness;  // the advert threads' wake-ups
    uint64_t lease_renewals = 0;            // by the advert threads: one per advert sent
    // The XDP counters of the instance's interface, shared with the instances on it (Daemon).
    std::vector<std::pair<std::string_view, uint64_t>> xdp_counters;
};

class Instance {
  public:
    // vip_addresses: the VIP interface's editor, one for all instances (one netlink socket);
    // vip_interface: its name, for the log; release_hold: [daemon] release_hold, nullopt for
    // "auto"; takeover_netlink_fd: a NETLINK_ROUTE socket the advert threads add the service
    // IPs with when they see a kernel takeover first.
    Instance(const config::Instance &cfg, Uplink &uplink, net::AddressEditor &vip_addresses,
             std::string vip_interface, std::optional<vrrp::Duration> release_hold,
             NotifyRunner &notify, int takeover_netlink_fd);
    ~Instance();

    const config::Instance &config() const { return cfg_; }
    vrrp::State state() const { return sm_.state(); }
    // What this instance's log records carry: its name as their scope, INSTANCE and VRID.
    LogFields log_fields() const { return {cfg_.name, cfg_.name, cfg_.vrid, {}, {}}; }
    Uplink &uplink() { return uplink_; }

    void start(TimePoint now, bool link_up);
    // Both idempotent: shutdown() may leave a release hold running; stop_now() ends it (or
    // shuts down without one) and leaves nothing of this instance in the kernel.
    void shutdown(TimePoint now);
    void stop_now(TimePoint now, const std::string &why);
    bool releasing() const { return sm_.releasing(); }
    bool stopped() const { return stopped_; }  // shutdown() ran (a stop, or a reload removed it)
    // A reload changed only what takes effect without a new binding (daemon.cpp compare()):
    // the configured priority, hooks, tracking, gratuitous ARP settings, the service IPs, the
    // advert interval and the timing that follows from it. The state stays; a master keeps
    // answering for the service IPs that stay. The caller then applies the tracking, which
    // moves the effective priority. Throws (nothing changed) if the election refuses them.
    void reconfigure(const config::Instance &cfg, TimePoint now);
    void on_link(bool up, TimePoint now);
    // What the priority tracks changed (tracking.h): the caller computed the new one.
    void on_priority(uint8_t priority, TimePoint now);
    // A sync group ([[sync_group]], Daemon::sync_groups): a Master steps down to Backup because
    // another member did (`why` names it); a Backup holds back from preempting while another
    // member follows a better master (StateMachine::set_group_hold).
    void step_down(TimePoint now, const std::string &why);
    void set_group_hold(bool held, TimePoint now);
    bool follows_better_master(TimePoint now) const { return sm_.follows_better_master(now); }
    // Whether this instance went from MASTER to BACKUP on its own (not by step_down()) since
    // the last call; the call clears it.
    bool take_lost_mastership() { return std::exchange(lost_mastership_, false); }
    // garp_budget: gratuitous ARP frames this instance may still send in this turn of the
    // loop (it takes whole rounds); what does not fit stays due.
    void on_wakeup(TimePoint now, size_t &garp_budget);
    bool garps_due(TimePoint now) const;
    std::optional<TimePoint> next_wakeup() const;
    InstanceStatus status(TimePoint now) const;

  private:
    void on_kernel_report(const dataplane::KernelReport &report);
    void apply(const vrrp::Actions &actions, TimePoint now, const std::string &why);
    void sync_role(TimePoint now);
    // The advert's frames: one to the group, or one per unicast peer.
    std::vector<std::vector<uint8_t>> advert_frames(uint8_t priority) const;
    std::vector<uint8_t> advert_frame(uint8_t priority, const vrrp::IpAddress *peer,
                                      const vrrp::MacAddress &peer_mac) const;
    // Asks the kernel for the peers' MACs (and to keep them fresh); new frames when one moved.
    void check_peers(TimePoint now);
    void set_advert_frame(uint8_t priority);  // the frame the advert threads send
    std::vector<std::vector<uint8_t>> garp_frames() const;
    tx::TakeoverPlan takeover_plan() const;
    void set_timing(const config::Instance &cfg);  // reconfigure()
    void set_virtual_ips(const std::vector<config::VirtualIp> &vips, TimePoint now);
    void send_advert(uint8_t priority);
    void stop_adverts();
    void send_garps();
    void win_back(TimePoint now);
    void schedule_garps(TimePoint now);
    void send_due_garps(TimePoint now, size_t &budget);
    void set_vips(bool present);
    std::string vip_list() const;
    void clean_up_after_stop();
    // What ARP is answered with and frames are sent from: the virtual MAC or the uplink's.
    vrrp::MacAddress mac() const;
    void unlist_vmac();  // the virtual MAC leaves the uplink's unicast address list
    void log_release() const;

    config::Instance cfg_;
    Uplink &uplink_;
    net::AddressEditor &vip_addresses_;
    std::string vip_interface_;
    NotifyRunner &notify_;
    const int takeover_netlink_fd_;
    const bool nd_router_;  // IPv6: Neighbor Advertisements carry the Router flag
    const std::optional<vrrp::Duration> release_hold_;  // [daemon] release_hold; nullopt: auto
    // How long an advert renews the lease for: read by the advert threads after each advert.
    std::shared_ptr<std::atomic<uint64_t>> lease_ns_ = std::make_shared<std::atomic<uint64_t>>(0);
    vrrp::StateMachine sm_;
    std::unique_ptr<dataplane::VridBinding> binding_;
    std::unique_ptr<tx::Advertiser> advertiser_;
    std::vector<TimePoint> garp_due_;                // sorted: the bursts after becoming master
    std::optional<TimePoint> refresh_at_;            // next garp_refresh round while master
    std::unique_ptr<net::NeighborTable> neighbors_;  // unicast peers only
    std::vector<std::optional<vrrp::MacAddress>> peer_macs_;  // by unicast_peers index
    std::optional<TimePoint> peers_check_at_;
    vrrp::State last_state_ = vrrp::State::Initialize;
    bool stopped_ = false;  // shutdown() ran
    bool said_no_kernel_timer_ = false;
    bool cleaned_up_ = false;   // and nothing of this instance is left in the kernel
    bool vmac_listed_ = false;  // the virtual MAC is in the uplink's unicast address list
    std::string release_cut_;   // why a release hold was ended early, for the log
    int frame_priority_ = -1;   // the priority of the frame the advertiser holds
    // While a kernel takeover that an advert thread claimed first is applied: its stamp.
    uint64_t lane_took_over_ = 0;
    // Metrics: the election's history, and why the next Backup -> Master would happen.
    ElectionStats election_;
    std::string_view master_down_cause_ = "master_down";
    bool heard_lower_priority_ = false;  // a discarded lower-priority advert (preempt)
    bool lost_mastership_ = false;       // take_lost_mastership()
    bool stepping_down_ = false;         // in step_down()
};

}  // namespace xvrrp::daemon
