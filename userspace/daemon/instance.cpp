#include "daemon/instance.h"

#include <algorithm>
#include <atomic>
#include <cstdio>
#include <cstring>
#include <ctime>
#include <thread>

#include "daemon/log.h"
#include "net/address.h"
#include "net/link.h"
#include "net/sysctl.h"
#include "vrrp/codec.h"
#include "vrrp/frames.h"

namespace xvrrp::daemon {
namespace {

template <class... Ts>
struct overloaded : Ts... {
    using Ts::operator()...;
};

uint64_t ns(vrrp::Duration d) {
    return static_cast<uint64_t>(d.count());
}

TimePoint monotonic_now() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return TimePoint(int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec);
}

// The service IPs as the election, the kernel's tables and the adverts take them (no prefix).
std::vector<vrrp::IpAddress> addresses_of(const std::vector<config::VirtualIp> &vips) {
    std::vector<vrrp::IpAddress> out;
    for (const auto &v : vips) out.push_back(v.address);
    return out;
}

vrrp::InstanceParams params_of(const config::Instance &c, const vrrp::IpAddress &primary,
                               std::optional<vrrp::Duration> release_hold) {
    vrrp::InstanceParams p;
    p.vrid = c.vrid;
    p.priority = c.priority;
    p.version = c.version;
    p.advert_interval = c.advert_interval;
    p.preempt = c.preempt;
    p.preempt_delay = c.preempt_delay;
    p.accept_mode = c.accept;
    p.primary_address = primary;
    p.virtual_addresses = addresses_of(c.virtual_ips);
    p.release_hold = release_hold.value_or(vrrp::auto_release_hold(c.version, c.advert_interval));
    return p;
}

// Whether the interface forwards IPv6 (a router): the Router flag of the Neighbor
// Advertisements for its service IPs says so, as keepalived's do.
bool forwards_ipv6(const std::string &ifname) {
    try {
        return net::read_sysctl("net.ipv6.conf." + ifname + ".forwarding") == "1";
    } catch (const std::exception &) {
        return false;
    }
}

net::AddressPrefix prefix_of(const config::VirtualIp &v) {
    return {v.address, v.prefix_len};
}

// As vip_interface holds them.
std::vector<net::AddressPrefix> prefixes_of(const std::vector<config::VirtualIp> &vips) {
    std::vector<net::AddressPrefix> out;
    for (const auto &v : vips) out.push_back(prefix_of(v));
    return out;
}

// "0.72 ms", "48.1 ms": enough digits to read a fast-mode release.
std::string ms(vrrp::Duration d) {
    double v = double(d.count()) / 1e6;
    char buf[32];
    snprintf(buf, sizeof buf, v < 10 ? "%.2f ms" : "%.1f ms", v);
    return buf;
}

// auth_pass as the 8 bytes VRRPv2 carries, zero-padded; none without it.
std::optional<vrrp::V2SimpleTextKey> v2_key(const config::Instance &c) {
    if (c.auth_pass.empty()) return std::nullopt;
    vrrp::V2SimpleTextKey key{};
    std::copy_n(c.auth_pass.begin(), std::min(c.auth_pass.size(), key.size()), key.begin());
    return key;
}

// What the VRID answers ARP (or ND) with and sends from: the virtual MAC 00-00-5E-00-01-{VRID}
// (IPv6: 00-00-5E-00-02-{VRID}, RFC 5798 7.3) with use_vmac, else the interface's own.
vrrp::MacAddress own_mac(const config::Instance &c, const vrrp::MacAddress &interface_mac) {
    return c.use_vmac ? vrrp::virtual_mac(c.family(), c.vrid) : interface_mac;
}

dataplane::VridConfig binding_config(const config::Instance &c, const vrrp::MacAddress &mac,
                                     const vrrp::IpAddress &self, bool nd_router) {
    dataplane::VridConfig b;
    b.vrid = c.vrid;
    b.vlan = c.vlan;
    b.version = c.version;
    b.family = c.family();
    b.advert_interval = c.advert_interval;
    b.fast_mode = c.fast_mode();
    b.lease = c.lease;
    b.late_threshold = c.late_expiry_threshold;
    b.late_grace = c.late_expiry_grace;
    b.pass_adverts = c.pass_adverts;
    b.accept = c.accept || c.priority == 255;  // the address owner always accepts (6.4.3)
    b.v2_auth_pass = v2_key(c);
    b.virtual_ips = addresses_of(c.virtual_ips);
    b.answer_mac = own_mac(c, mac);
    b.nd_router = nd_router;
    if (c.use_vmac) b.vmac_host_mac = mac;
    b.allowed_sources = c.allowed_sources;
    // Unicast: adverts come to our own address, from the peers only.
    if (!c.unicast_peers.empty()) {
        b.unicast_self = self;
        b.allowed_sources = c.unicast_peers;
    }
    return b;
}

}  // namespace

Instance::Instance(const config::Instance &cfg, Uplink &uplink, net::AddressEditor &vip_addresses,
                   std::string vip_interface, std::optional<vrrp::Duration> release_hold,
                   NotifyRunner &notify, int takeover_netlink_fd)
    : cfg_(cfg),
      uplink_(uplink),
      vip_addresses_(vip_addresses),
      vip_interface_(std::move(vip_interface)),
      notify_(notify),
      takeover_netlink_fd_(takeover_netlink_fd),
      nd_router_(cfg.family() == vrrp::Family::IPv6 && forwards_ipv6(cfg.interface)),
      release_hold_(release_hold),
      sm_(params_of(cfg, uplink.source_address(cfg.family()), release_hold)) {
    // The VRID in the kernel: its service IPs (answered with the uplink's MAC, or the virtual
    // MAC), allow-list and lease slot; no role yet, nothing answered.
    binding_ = std::make_unique<dataplane::VridBinding>(
        uplink_.port(),
        binding_config(cfg_, uplink_.mac(), uplink_.source_address(cfg_.family()), nd_router_),
        [this](const dataplane::KernelReport &r) { on_kernel_report(r); });

    tx::AdvertiserOptions opts;
    lease_ns_->store(ns(cfg_.lease));
    const dataplane::LeaseSlot slot = binding_->lease();
    // Runs on an advert thread after each advert: a plain store into the mmap'ed lease (the
    // lease's length is an atomic only because a reload may change it).
    opts.on_sent = [slot, lease = lease_ns_](uint64_t now_ns) {
        slot.renew_until(now_ns + lease->load(std::memory_order_relaxed));
    };
    opts.spread = cfg_.advert_thread.spread == config::AdvertSpread::Staggered
                      ? tx::Spread::Staggered
                      : tx::Spread::Redundant;
    opts.max_frames = std::max<size_t>(1, cfg_.unicast_peers.size());
    if (!cfg_.unicast_peers.empty()) {
        neighbors_ = std::make_unique<net::NeighborTable>();
        peer_macs_.resize(cfg_.unicast_peers.size());
        check_peers(monotonic_now());
    }
    // The threads send the adverts of every instance of the uplink (scheduled alike), one per
    // CPU: a thread per instance cost a context switch per advert, a whole vCPU for 255
    // instances at 10 ms. They exist from the start, and the advertiser is parked (no CPU)
    // while not master: a takeover only wakes it. Creating a thread then cost over a
    // millisecond (and this fails early here if SCHED_FIFO is not allowed).
    advertiser_ = std::make_unique<tx::Advertiser>(
        uplink_.advert_threads(cfg_.advert_thread.sched_priority, cfg_.advert_thread.cpus), opts);

    advertiser_->set_takeover(takeover_plan());
    set_advert_frame(sm_.priority());
    advertiser_->start(cfg_.advert_interval, /*parked=*/true);
    // Last, so that nothing can throw after it: the NIC receives frames to the virtual MAC
    // (the port's tc program then hands them to the stack as the interface's own).
    if (cfg_.use_vmac) {
        net::add_unicast_address(uplink_.ifindex(), mac());
        vmac_listed_ = true;
    }
}

Instance::~Instance() {
    advertiser_->stop();
    unlist_vmac();
}

vrrp::MacAddress Instance::mac() const {
    return own_mac(cfg_, uplink_.mac());
}

void Instance::unlist_vmac() {
    if (!vmac_listed_) return;
    vmac_listed_ = false;
    try {
        net::remove_unicast_address(uplink_.ifindex(), mac());
    } catch (const std::exception &e) {
        warn(log_fields(), e.what());
    }
}

void Instance::start(TimePoint now, bool link_up) {
    if (!link_up) apply(sm_.link_down(now), now, cfg_.interface + " is down");
    apply(sm_.start(now), now, "start-up");
}

void Instance::shutdown(TimePoint now) {
    if (stopped_) return;
    stopped_ = true;
    apply(sm_.shutdown(now), now, "shutting down");  // cleans up at once unless it holds
    if (sm_.releasing())
        info(log_fields(), "priority-0 advert sent, ARP off; keeping " + vip_list() + " on " +
                               vip_interface_ + " until another router takes over, at most " +
                               ms(sm_.release()->deadline - now));
}

// What an advert thread sends if it is the first to see the kernel take over: the service IPs,
// an advert (the frame is kept ready at our priority), one round of gratuitous ARP.
tx::TakeoverPlan Instance::takeover_plan() const {
    tx::TakeoverPlan plan;
    plan.kernel_stamp = [slot = binding_->lease()] { return slot.took_over_ns(); };
    plan.garp_frames = garp_frames();
    plan.netlink_request = vip_addresses_.add_request(prefixes_of(cfg_.virtual_ips));
    plan.netlink_fd = takeover_netlink_fd_;
    return plan;
}

void Instance::reconfigure(const config::Instance &cfg, TimePoint now) {
    const bool timing = cfg.advert_interval != cfg_.advert_interval || cfg.lease != cfg_.lease ||
                        cfg.late_expiry_threshold != cfg_.late_expiry_threshold ||
                        cfg.late_expiry_grace != cfg_.late_expiry_grace;
    const bool addresses = cfg.virtual_ips != cfg_.virtual_ips;
    if (timing || addresses) {
        // The election first: it refuses what it cannot run with, before anything changed.
        sm_.reconfigure(
            cfg.advert_interval,
            release_hold_.value_or(vrrp::auto_release_hold(cfg.version, cfg.advert_interval)),
            addresses_of(cfg.virtual_ips));
    }
    if (timing) set_timing(cfg);
    if (addresses) set_virtual_ips(cfg.virtual_ips, now);
    if (timing || addresses) {
        // The adverts carry both: the next one (the threads' frames) has the new ones.
        const int priority = std::exchange(frame_priority_, -1);
        if (priority >= 0) set_advert_frame(uint8_t(priority));
    }
    cfg_.priority = cfg.priority;
    cfg_.notify = cfg.notify;
    cfg_.track_interfaces = cfg.track_interfaces;
    cfg_.track_scripts = cfg.track_scripts;
    cfg_.track_files = cfg.track_files;
    cfg_.garp_delay = cfg.garp_delay;
    cfg_.garp_count = cfg.garp_count;
    cfg_.garp_interval = cfg.garp_interval;
    cfg_.garp_refresh = cfg.garp_refresh;
    cfg_.source_line = cfg.source_line;
}

// advert_interval and what follows from it: the advert threads' pace (from their next
// deadline), the lease each advert renews, the kernel's timing for the VRID.
void Instance::set_timing(const config::Instance &cfg) {
    cfg_.advert_interval = cfg.advert_interval;
    cfg_.lease = cfg.lease;
    cfg_.late_expiry_threshold = cfg.late_expiry_threshold;
    cfg_.late_expiry_grace = cfg.late_expiry_grace;
    lease_ns_->store(ns(cfg_.lease));
    binding_->set_timing(cfg_.advert_interval, cfg_.fast_mode(), cfg_.lease,
                         cfg_.late_expiry_threshold, cfg_.late_expiry_grace);
    advertiser_->set_interval(cfg_.advert_interval);
}

// Service IPs added and removed while the others stay answered. A master (or a backup whose
// takeover an advert thread may send) gets them in the same order as at a takeover: the kernel's
// table, the VIP interface, then gratuitous ARP for all of them; a removed one leaves the VIP
// interface before the table, so that the kernel never answers ARP for it on its own.
void Instance::set_virtual_ips(const std::vector<config::VirtualIp> &vips, TimePoint now) {
    // What `from` has and `to` has not.
    auto only_in = [](const std::vector<config::VirtualIp> &from,
                      const std::vector<config::VirtualIp> &to) {
        std::vector<net::AddressPrefix> out;
        for (const auto &v : from)
            if (std::find(to.begin(), to.end(), v) == to.end()) out.push_back(prefix_of(v));
        return out;
    };
    const std::vector<net::AddressPrefix> gone = only_in(cfg_.virtual_ips, vips),
                                          added = only_in(vips, cfg_.virtual_ips);
    const bool holding = sm_.state() == vrrp::State::Master;
    cfg_.virtual_ips = vips;  // what the frames and the takeover plan are built from
    try {
        if (holding && !gone.empty())
            for (const auto &d : vip_addresses_.remove_all(gone))
                if (!d.error.empty()) error(log_fields(), d.error);
        binding_->set_virtual_ips(addresses_of(vips));
        advertiser_->set_takeover(takeover_plan());
        if (holding && !added.empty())
            for (const auto &d : vip_addresses_.add_all(added))
                if (!d.error.empty()) error(log_fields(), d.error);
    } catch (const std::exception &e) {
        error(log_fields(), std::string("reload: service IPs: ") + e.what());
    }
    if (holding && !added.empty()) schedule_garps(now);
}

void Instance::stop_now(TimePoint now, const std::string &why) {
    shutdown(now);
    if (!sm_.releasing()) return;
    release_cut_ = why;
    apply(sm_.end_release(now), now, why);
}

// The service IPs are gone (with the priority-0 advert, or at the end of a release hold):
// nothing of this instance stays in the kernel. An ARP request for them now goes to the kernel,
// which no longer has them either.
void Instance::clean_up_after_stop() {
    if (sm_.release()) log_release();
    advertiser_->stop();
    binding_.reset();  // every entry of the VRID leaves the kernel
    unlist_vmac();
    cleaned_up_ = true;
}

// One line that says whether the hold did its job: the next master's advert came (and when,
// counted from our priority-0 advert), or nobody's did.
void Instance::log_release() const {
    const vrrp::Release &r = *sm_.release();
    TimePoint ended = r.ended.value_or(r.deadline);
    std::string kept = "kept " + vip_list();
    if (r.successor) {
        info(log_fields(), kept + " until " + r.successor->to_string() + " took over (" +
                               ms(*r.successor_at - r.started) + "), removed " +
                               ms(ended - *r.successor_at) + " later" +
                               (release_cut_.empty() ? "" : " (" + release_cut_ + ")"));
    } else if (!release_cut_.empty()) {
        info(log_fields(), kept + " for " + ms(ended - r.started) + ", removed now (" +
                               release_cut_ + "): no other router had taken over");
    } else {
        info(log_fields(),
             kept + ", removed: no other router took over within " + ms(ended - r.started));
    }
}

void Instance::on_kernel_report(const dataplane::KernelReport &report) {
    if (cleaned_up_) return;
    TimePoint now = monotonic_now();
    if (const auto *down = std::get_if<dataplane::MasterDownReport>(&report)) {
        std::string why =
            down->by_kernel ? "kernel master-down timer fired" : "master-down timer fired";
        if (down->took_over) {
            why += "; XDP answering ARP since then";
            // Whoever saw the takeover first sent its first frames: us, or an advert thread.
            const uint64_t stamp = uint64_t(down->at.count());
            if (!advertiser_->claim_takeover(stamp)) {
                lane_took_over_ = stamp;
                why += ", an advert thread sent the first adverts";
                if (advertiser_->takeover_garp_sent(stamp)) why += " and gratuitous ARP";
            }
        }
        double react_us = double((now - down->at).count()) / 1000.0;
        why += " (" + std::to_string(int(react_us)) + " us ago";
        if (down->after_grace)
            why += "; " + ms(down->late) + " late, after a grace period with no advert";
        if (down->timer_cpu >= 0)
            why += "; timer on CPU " + std::to_string(down->timer_cpu) +
                   ", last advert received on CPU " + std::to_string(down->advert_cpu);
        why += ")";
        // Why a takeover would happen now (metrics): what the last adverts heard said.
        master_down_cause_ = sm_.master_address() && sm_.master_priority() == 0 ? "master_resigned"
                             : heard_lower_priority_                            ? "preempt"
                                                                                : "master_down";
        apply(sm_.master_down_expired(now), now, why);
        if (lane_took_over_ && sm_.state() != vrrp::State::Master) {
            // The election did not follow (it left Backup as the kernel fired): what the advert
            // thread did is undone (its adverts are parked by apply()).
            set_vips(false);
        }
        lane_took_over_ = 0;
        return;
    }
    const auto &a = std::get<dataplane::AdvertReport>(report);
    // The kernel reports the first of a run of discarded lower-priority adverts, and any change
    // of master after it.
    if (sm_.state() == vrrp::State::Backup)
        heard_lower_priority_ = a.advert.priority != 0 && a.advert.priority < sm_.priority() &&
                                sm_.discards_lower_priority(now);
    apply(sm_.advert_received(a.advert, now), now,
          a.why + ": advert from " + a.advert.source.to_string() + " priority " +
              std::to_string(a.advert.priority));
}

void Instance::on_link(bool up, TimePoint now) {
    apply(up ? sm_.link_up(now) : sm_.link_down(now), now,
          cfg_.interface + (up ? " is up" : " is down"));
}

void Instance::on_priority(uint8_t priority, TimePoint now) {
    if (priority == sm_.priority()) return;
    apply(sm_.set_priority(priority, now), now, "tracking: priority " + std::to_string(priority));
}

void Instance::step_down(TimePoint now, const std::string &why) {
    stepping_down_ = true;
    apply(sm_.step_down(now), now, why);
    stepping_down_ = false;
}

void Instance::set_group_hold(bool held, TimePoint now) {
    if (held == sm_.group_held()) return;
    apply(sm_.set_group_hold(held, now), now, held ? "sync group holds back" : "sync group free");
}

std::optional<TimePoint> Instance::next_wakeup() const {
    std::optional<TimePoint> next = sm_.deadline(vrrp::TimerKind::PreemptDelay);
    auto consider = [&](std::optional<TimePoint> t) {
        if (t && (!next || *t < *next)) next = t;
    };
    consider(sm_.deadline(vrrp::TimerKind::ReleaseHold));
    if (binding_) consider(binding_->next_wakeup());  // Master_Down_Timer without a kernel timer
    if (!garp_due_.empty()) consider(garp_due_.front());
    consider(refresh_at_);
    consider(peers_check_at_);
    return next;
}

void Instance::on_wakeup(TimePoint now, size_t &garp_budget) {
    if (sm_.state() == vrrp::State::Master) send_due_garps(now, garp_budget);
    auto due = [&](vrrp::TimerKind k) {
        auto d = sm_.deadline(k);
        return d && *d <= now;
    };
    if (due(vrrp::TimerKind::ReleaseHold)) {
        apply(sm_.timer_expired(now), now, "release hold ended");
        return;
    }
    if (due(vrrp::TimerKind::PreemptDelay))
        apply(sm_.timer_expired(now), now, "preempt_delay ended");
    if (binding_) binding_->on_wakeup(now);  // may report the master down
    if (neighbors_ && !cleaned_up_ && peers_check_at_ && *peers_check_at_ <= now) check_peers(now);
}

void Instance::apply(const vrrp::Actions &actions, TimePoint now, const std::string &why) {
    for (const auto &action : actions) {
        std::visit(
            overloaded{
                [&](const vrrp::SendAdvert &a) { send_advert(a.priority); },
                [&](const vrrp::SendGratuitousArp &g) {
                    if (g.refresh)
                        win_back(now);
                    else
                        schedule_garps(now);
                },
                [&](const vrrp::SetArpAnswering &a) {
                    // Off: no advert (and no lease renewal with it) may follow.
                    if (!a.on) stop_adverts();
                    sync_role(now);  // now, before the actions that follow (adverts, VIPs)
                },
                [&](const vrrp::SetTakeoverOnTimeout &) { sync_role(now); },
                [&](const vrrp::AddVips &) { set_vips(true); },
                [&](const vrrp::RemoveVips &) { set_vips(false); },
                [&](const vrrp::RunNotify &n) { notify_.run(cfg_, n.state, sm_.priority()); },
                [&](const vrrp::StopTimer &t) {
                    if (t.kind == vrrp::TimerKind::Advert) stop_adverts();
                },
                [&](const vrrp::StartTimer &) {},  // next_wakeup() reads deadlines
                [&](const vrrp::ArmMasterDown &m) {
                    sync_role(now);  // the priority the kernel computes with comes first
                    binding_->arm_master_down(m.interval);
                    if (!binding_->master_down_in_kernel() && !said_no_kernel_timer_) {
                        said_no_kernel_timer_ = true;
                        warn(log_fields(),
                             "no kernel timer for Master_Down_Timer (bpf_timer_init "
                             "failed; counter timer_error): the event loop keeps it, "
                             "and a takeover waits for the loop");
                    }
                },
                [&](const vrrp::DisarmMasterDown &) { binding_->disarm_master_down(); },
            },
            action);
    }
    if (sm_.state() != vrrp::State::Master) {
        stop_adverts();
        garp_due_.clear();
        refresh_at_.reset();
    }
    sync_role(now);
    if (sm_.state() != last_state_) {
        LogFields change = log_fields();
        change.state = vrrp::to_string(sm_.state());
        change.reason = why;
        notice(change, std::string(vrrp::to_string(last_state_)) + " -> " + change.state + " (" +
                           why + ")");
        election_.record(last_state_, sm_.state(),
                         last_state_ == vrrp::State::Backup ? master_down_cause_ : "owner");
        if (last_state_ == vrrp::State::Backup) heard_lower_priority_ = false;
        if (last_state_ == vrrp::State::Master && sm_.state() == vrrp::State::Backup &&
            !stepping_down_)
            lost_mastership_ = true;
        last_state_ = sm_.state();
    }
    if (stopped_ && !cleaned_up_ && !sm_.releasing()) clean_up_after_stop();
}

// Mirrors the election into the VRID's role in the kernel; the binding writes only changes.
void Instance::sync_role(TimePoint now) {
    if (cleaned_up_) return;  // a late event after the stop must not bring the entry back
    dataplane::VridRole role;
    role.answering = sm_.arp_answering();
    role.takeover_armed = sm_.takeover_armed();
    role.discard_lower_priority = sm_.discards_lower_priority(now);
    role.releasing = sm_.releasing();
    role.priority = sm_.priority();
    binding_->set_role(role);
    advertiser_->arm_takeover(role.takeover_armed);
    // The advert a takeover sends at once carries our priority of the moment.
    if (!sm_.releasing() && sm_.state() != vrrp::State::Initialize)
        set_advert_frame(sm_.priority());
}

std::vector<std::vector<uint8_t>> Instance::advert_frames(uint8_t priority) const {
    if (cfg_.unicast_peers.empty()) return {advert_frame(priority, nullptr, {})};
    std::vector<std::vector<uint8_t>> frames;
    for (size_t i = 0; i < cfg_.unicast_peers.size(); i++)
        frames.push_back(advert_frame(priority, &cfg_.unicast_peers[i],
                                      peer_macs_[i].value_or(vrrp::kBroadcastMac)));
    return frames;
}

// Until the kernel has a peer's MAC (and then every second), ask it; a few tries at start-up so
// that the first adverts already go to the peers' own MACs.
void Instance::check_peers(TimePoint now) {
    bool moved = false, all = true;
    for (int attempt = 0; attempt < (peers_check_at_ ? 1 : 5); attempt++) {
        all = true;
        for (size_t i = 0; i < cfg_.unicast_peers.size(); i++) {
            const auto &peer = cfg_.unicast_peers[i];
            try {
                neighbors_->use(uplink_.ifindex(), peer);
                auto mac = neighbors_->mac(uplink_.ifindex(), peer);
                if (mac && mac != peer_macs_[i]) {
                    info(log_fields(), "unicast peer " + peer.to_string() + " is at " +
                                           net::mac_to_string(*mac) + " on " + uplink_.name());
                    peer_macs_[i] = mac;
                    moved = true;
                }
                all = all && mac;
            } catch (const std::exception &e) {
                all = false;
                if (!peers_check_at_) warn(log_fields(), e.what());
            }
        }
        if (all) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(2));
    }
    if (!peers_check_at_ && !all)
        warn(log_fields(),
             "a unicast peer has no ARP entry yet: its adverts go to the broadcast MAC until it "
             "answers");
    peers_check_at_ = now + (all ? std::chrono::seconds(1) : std::chrono::milliseconds(100));
    if (moved && frame_priority_ >= 0) {
        const int p = frame_priority_;
        frame_priority_ = -1;
        set_advert_frame(uint8_t(p));
    }
}

std::vector<uint8_t> Instance::advert_frame(uint8_t priority, const vrrp::IpAddress *peer,
                                            const vrrp::MacAddress &peer_mac) const {
    vrrp::Advert a;
    a.version = cfg_.version;
    a.vrid = cfg_.vrid;
    a.priority = priority;
    a.interval_field = cfg_.advert_interval_field();
    a.source = uplink_.source_address(cfg_.family());
    a.addresses = addresses_of(cfg_.virtual_ips);
    vrrp::AdvertFrameOptions o;
    o.source_mac = mac();
    o.ip.ipv4_checksum = cfg_.checksum == config::Checksum::WithPseudoHeader
                             ? vrrp::Ipv4Checksum::WithPseudoHeader
                             : vrrp::Ipv4Checksum::WithoutPseudoHeader;
    o.ip.ipv4_id = 1;  // one frame, sent again and again; adverts are never fragmented
    o.v2_simple_text_key = v2_key(cfg_);
    if (peer) {
        o.ip.destination = *peer;
        o.destination_mac = peer_mac;
    }
    auto frame = vrrp::build_advert_frame(a, o);
    if (!frame)
        throw Error(cfg_.name +
                    ": cannot encode advert: " + std::string(vrrp::to_string(frame.error())));
    std::vector<uint8_t> bytes = *frame;
    vrrp::add_vlan_tag(bytes, cfg_.vlan);  // on a trunk: in the instance's VLAN
    return bytes;
}

void Instance::send_advert(uint8_t priority) {
    if (priority == 0 || sm_.state() != vrrp::State::Master) {
        auto frames = advert_frames(priority);
        // A last advert on the way out: priority 0 on shutdown (RFC 5798 6.4.3), or ours when
        // stepping down. Sent here and now, before the advert thread is parked for good.
        stop_adverts();
        for (const auto &frame : frames)
            if (int err = uplink_.oneoff_sender().send(frame))
                warn(log_fields(),
                     "last advert (priority " + std::to_string(priority) + "): " + strerror(err));
        return;
    }
    set_advert_frame(priority);
    if (advertiser_->parked())
        advertiser_->resume();  // the first advert goes out at once, then one per interval
    else if (!lane_took_over_)  // a lane's takeover sent one from every lane already
        advertiser_->send_now();
}

void Instance::set_advert_frame(uint8_t priority) {
    if (frame_priority_ == priority) return;
    advertiser_->set_frames(advert_frames(priority));
    frame_priority_ = priority;
}

std::vector<std::vector<uint8_t>> Instance::garp_frames() const {
    std::vector<std::vector<uint8_t>> frames;
    for (const auto &v : cfg_.virtual_ips)
        frames.push_back(
            v.address.family == vrrp::Family::IPv4
                ? vrrp::build_gratuitous_arp(mac(), v.address)
                : vrrp::build_unsolicited_na(mac(), v.address, std::nullopt, nd_router_));
    for (auto &f : frames) vrrp::add_vlan_tag(f, cfg_.vlan);
    return frames;
}

void Instance::stop_adverts() {
    if (!advertiser_->parked()) advertiser_->park();  // returns once no advert can follow
}

// keepalived's garp_master_*: garp_count now (garp_interval apart), the same again after
// garp_delay, and one round every garp_refresh while master.
void Instance::schedule_garps(TimePoint now) {
    garp_due_.clear();
    for (unsigned i = 0; i < cfg_.garp_count; i++) {
        garp_due_.push_back(now + i * cfg_.garp_interval);
        if (cfg_.garp_delay > vrrp::Duration::zero())
            garp_due_.push_back(now + cfg_.garp_delay + i * cfg_.garp_interval);
    }
    std::sort(garp_due_.begin(), garp_due_.end());
    refresh_at_.reset();
    if (cfg_.garp_refresh > vrrp::Duration::zero()) refresh_at_ = now + cfg_.garp_refresh;
    // The first round is what moves the clients: now, not via the loop. The rest of the burst
    // goes through the loop even when it is due now (garp_interval 0): when many instances
    // take over at once (255 VRIDs whose master died), every instance's first round then goes
    // out before any instance's repeats.
    if (!garp_due_.empty()) {
        garp_due_.erase(garp_due_.begin());
        if (!(lane_took_over_ && advertiser_->takeover_garp_sent(lane_took_over_))) send_garps();
    }
}

// Rounds that do not fit the budget stay due: the loop comes back for them after a pause.
void Instance::send_due_garps(TimePoint now, size_t &budget) {
    const size_t round = cfg_.virtual_ips.size();
    while (!garp_due_.empty() && garp_due_.front() <= now && budget >= round) {
        garp_due_.erase(garp_due_.begin());
        send_garps();
        budget -= round;
    }
    if (refresh_at_ && *refresh_at_ <= now && budget >= round) {
        send_garps();
        budget -= round;
        while (*refresh_at_ <= now) *refresh_at_ += cfg_.garp_refresh;  // keep the cadence
    }
}

// Another router believed itself master for a moment (it advertised a lower priority, or
// stopped): one round of gratuitous ARP now wins the neighbours' caches back, and one more a
// little later, after the rounds that router's own takeover may still send before our advert
// steps it down (seen: a false takeover's later rounds landed after our one round, and the
// clients stayed on the wrong MAC for a second).
void Instance::win_back(TimePoint now) {
    send_garps();
    TimePoint again = now + vrrp::release_margin(cfg_.advert_interval);
    garp_due_.insert(std::upper_bound(garp_due_.begin(), garp_due_.end(), again), again);
}

bool Instance::garps_due(TimePoint now) const {
    if (sm_.state() != vrrp::State::Master) return false;
    return (!garp_due_.empty() && garp_due_.front() <= now) || (refresh_at_ && *refresh_at_ <= now);
}

void Instance::send_garps() {
    auto frames = garp_frames();
    for (size_t i = 0; i < frames.size(); i++)
        if (int err = uplink_.oneoff_sender().send(frames[i]))
            warn(log_fields(), "gratuitous ARP for " + cfg_.virtual_ips[i].address.to_string() +
                                   ": " + strerror(err));
}

void Instance::set_vips(bool present) {
    const auto prefixes = prefixes_of(cfg_.virtual_ips);
    try {
        // All of them in one exchange with the kernel: at a mass takeover (255 VRIDs, 4096
        // service IPs) the loop spends most of its time here.
        auto done =
            present ? vip_addresses_.add_all(prefixes) : vip_addresses_.remove_all(prefixes);
        for (const auto &d : done)
            if (!d.error.empty()) error(log_fields(), d.error);
    } catch (const std::exception &e) {
        error(log_fields(), std::string(present ? "add" : "remove") + " service IPs: " + e.what());
    }
}

std::string Instance::vip_list() const {
    std::string out;
    for (const auto &v : cfg_.virtual_ips)
        out += (out.empty() ? "" : ", ") + prefix_of(v).to_string();
    return out;
}

InstanceStatus Instance::status(TimePoint now) const {
    InstanceStatus s;
    s.name = cfg_.name;
    s.interface = cfg_.interface;
    s.vlan = cfg_.vlan;
    s.vrid = cfg_.vrid;
    s.state = std::string(vrrp::to_string(sm_.state()));
    s.priority = sm_.priority();
    s.configured_priority = cfg_.priority;
    if (auto m = sm_.master_address()) s.master = m->to_string();
    s.master_priority = sm_.master_priority();
    auto sent = advertiser_->stats();  // cumulative over every run of the thread
    s.adverts_sent = sent.sent;
    s.advert_late_wakeups = sent.late_wakeups;
    s.advert_max_lateness_ms = double(sent.max_lateness_ns) / 1e6;
    s.advert_lanes = sent.lanes;
    s.advert_spread =
        cfg_.advert_thread.spread == config::AdvertSpread::Staggered ? "staggered" : "redundant";
    s.takeovers_by_advert_thread = sent.takeovers_by_lane;
    s.became_master = election_.became_master();
    s.advert_lateness = sent.lateness;
    s.lease_renewals = sent.sent;  // on_sent renews the lease after every advert sent
    s.election = election_;
    if (binding_) {
        s.kernel = binding_->stats(now);
        s.adverts_received = s.kernel.adverts;
        if (s.kernel.last_advert_age)
            s.last_advert_age_ms = double(s.kernel.last_advert_age->count()) / 1e6;
    }
    s.tx_path = std::string(advertiser_->sender_name());
    s.xdp_mode = uplink_.xdp_mode();
    s.arp_answering = binding_ ? s.kernel.answering : false;  // the kernel's own verdict
    s.takeover_armed = sm_.takeover_armed();
    for (const auto &v : cfg_.virtual_ips)
        s.virtual_ips.push_back(v.address.to_string() + "/" + std::to_string(v.prefix_len));
    return s;
}

}  // namespace xvrrp::daemon
