#include "dataplane/vrid_binding.h"

#include <xvrrp/abi.h>

#include <algorithm>
#include <chrono>
#include <cstring>
#include <thread>

#include "common/fd.h"
#include "dataplane/events.h"
#include "dataplane/port.h"
#include "vrrp/frames.h"

namespace xvrrp::dataplane {
namespace {

uint64_t ns(Duration d) {
    return static_cast<uint64_t>(d.count());
}

TimePoint monotonic_now() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return TimePoint(int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec);
}

uint32_t role_bits(const VridRole &r) {
    uint32_t bits = 0;
    if (r.answering) bits |= XVRRP_ROLE_MASTER;
    if (r.takeover_armed) bits |= XVRRP_ROLE_TAKEOVER_ARMED;
    if (r.discard_lower_priority) bits |= XVRRP_ROLE_PREEMPT;
    if (r.releasing) bits |= XVRRP_ROLE_RELEASING;
    return bits;
}

const char *why(uint32_t type) {
    switch (type) {
        case XVRRP_EV_NEW_MASTER:
            return "new master";
        case XVRRP_EV_PRIORITY_CHANGE:
            return "priority change";
        case XVRRP_EV_PRIORITY_ZERO:
            return "priority 0";
        case XVRRP_EV_INTERVAL_CHANGE:
            return "interval change";
        case XVRRP_EV_ADVERT_WHILE_MASTER:
            return "advert while master";
        case XVRRP_EV_LOWER_PRIORITY:
            return "lower priority";
        case XVRRP_EV_ADVERT_WHILE_RELEASING:
            return "advert while releasing";
    }
    return "advert";
}

}  // namespace

VridBinding::VridBinding(Port &port, VridConfig config, ReportHandler on_report)
    : port_(port), cfg_(std::move(config)), on_report_(std::move(on_report)) {
    if (port_.bindings_.count(cfg_.vrid))
        throw Error("VRID " + std::to_string(cfg_.vrid) + " is already bound on this port");
    write_instance();
    // The ARP and ND responders' tables: this VRID's service IPs.
    for (const auto &v : cfg_.virtual_ips) put_vip(v);
    for (const auto &src : cfg_.allowed_sources) port_.tables_.allow_source(cfg_.vrid, src);
    port_.leases_.reset(cfg_.vrid);
    port_.add_vlan_binding(cfg_.vlan, +1);
    if (cfg_.vmac_host_mac) port_.attach_vmac_delivery();
    // Creates rx_state (the adverts' record) before anything can be heard for the VRID.
    set_role(VridRole{});
    port_.bindings_[cfg_.vrid] = this;
}

VridBinding::~VridBinding() {
    port_.bindings_.erase(cfg_.vrid);
    try {
        port_.leases_.renew(cfg_.vrid, 0);
        port_.tables_.remove_instance(cfg_.vrid);  // and rx_state, and its timer
        for (const auto &v : cfg_.virtual_ips) drop_vip(v);
        for (const auto &src : cfg_.allowed_sources) port_.tables_.disallow_source(cfg_.vrid, src);
        port_.leases_.reset(cfg_.vrid);
        port_.add_vlan_binding(cfg_.vlan, -1);
    } catch (const std::exception &) {
        // The maps outlive us when pinned; the next run clears them at start-up.
    }
}

// IPv4 VIPs are answered with answer_mac, IPv6 ones too except with use_vmac: then with the
// IPv6 virtual MAC. Accept mode off counts for both families (Port::add_no_accept_vips).
void VridBinding::put_vip(const vrrp::IpAddress &v) {
    xvrrp_vip vip{};
    std::memcpy(vip.mac, cfg_.answer_mac.data(), 6);
    vip.vrid = cfg_.vrid;
    vip.vlan = cfg_.vlan;
    if (!cfg_.accept) vip.flags |= XVRRP_VIP_NO_ACCEPT;
    if (v.family == vrrp::Family::IPv4) {
        port_.tables_.set_vip(v.to_be32(), vip);
    } else {
        if (cfg_.vmac_host_mac) {
            auto vmac6 = vrrp::virtual_mac(vrrp::Family::IPv6, cfg_.vrid);
            std::memcpy(vip.mac, vmac6.data(), 6);
        }
        if (cfg_.nd_router) vip.flags |= XVRRP_VIP_ND_ROUTER;
        port_.tables_.set_vip6(v, vip);
    }
    if (!cfg_.accept) port_.add_no_accept_vips(+1);
}

void VridBinding::drop_vip(const vrrp::IpAddress &v) {
    if (v.family == vrrp::Family::IPv4)
        port_.tables_.remove_vip(v.to_be32());
    else
        port_.tables_.remove_vip6(v);
    if (!cfg_.accept) port_.add_no_accept_vips(-1);
}

void VridBinding::set_virtual_ips(const std::vector<vrrp::IpAddress> &vips) {
    auto has = [](const std::vector<vrrp::IpAddress> &list, const vrrp::IpAddress &a) {
        return std::find(list.begin(), list.end(), a) != list.end();
    };
    for (const auto &v : cfg_.virtual_ips)
        if (!has(vips, v)) drop_vip(v);
    for (const auto &v : vips)
        if (!has(cfg_.virtual_ips, v)) put_vip(v);
    cfg_.virtual_ips = vips;
}

void VridBinding::set_timing(Duration advert_interval, bool fast_mode, Duration lease,
                             Duration late_threshold, Duration late_grace) {
    cfg_.advert_interval = advert_interval;
    cfg_.fast_mode = fast_mode;
    cfg_.lease = lease;
    cfg_.late_threshold = late_threshold;
    cfg_.late_grace = late_grace;
    write_instance();
}

void VridBinding::write_instance() {
    xvrrp_instance e{};
    if (!cfg_.allowed_sources.empty()) e.flags |= XVRRP_INST_ALLOWLIST;
    if (cfg_.pass_adverts) e.flags |= XVRRP_INST_PASS_ADVERTS;
    if (cfg_.vmac_host_mac) {
        e.flags |= XVRRP_INST_VMAC;
        std::memcpy(e.host_mac, cfg_.vmac_host_mac->data(), sizeof e.host_mac);
    }
    if (cfg_.family == vrrp::Family::IPv6) e.flags |= XVRRP_INST_IPV6;
    if (cfg_.unicast_self) {
        e.flags |= XVRRP_INST_UNICAST;
        auto a = abi_address(*cfg_.unicast_self);
        std::memcpy(e.unicast_addr, a.data(), sizeof e.unicast_addr);
    }
    if (cfg_.v2_auth_pass) {
        e.flags |= XVRRP_INST_AUTH_PASS;
        std::memcpy(e.auth_pass, cfg_.v2_auth_pass->data(), sizeof e.auth_pass);
    }
    e.version = cfg_.version;
    e.vlan = cfg_.vlan;
    // Rewritten in place (set_timing): the role xvrrp_control last set stays as it is. Only
    // this thread writes the role, so nothing can change it between here and the update.
    if (role_written_) e.role = role_bits(role_);
    e.priority = role_.priority;
    e.fixed_interval_ns = cfg_.fast_mode ? ns(cfg_.advert_interval) : 0;
    e.advert_interval_ns = ns(cfg_.advert_interval);
    e.takeover_grace_ns = ns(cfg_.lease);
    e.late_threshold_ns = ns(cfg_.late_threshold);
    e.late_grace_ns = ns(cfg_.late_grace);
    port_.tables_.set_instance(cfg_.vrid, e);
}

void VridBinding::set_role(const VridRole &role) {
    if (role_written_ && role == role_) return;
    // The lease first: answering on needs a fresh one; answering off must not leave one that
    // the kernel's slow path could take up again.
    if (role.answering && !role_.answering) renew_lease(monotonic_now() + cfg_.lease);
    if (!role.answering) port_.leases_.renew(cfg_.vrid, 0);
    auto r = port_.control_.set_role(cfg_.vrid, role_bits(role), role.priority);
    if (r.error && r.error != -XVRRP_ENOMEM)
        throw sys_error("VRID " + std::to_string(cfg_.vrid) + ": set role in the kernel", -r.error);
    role_ = role;
    role_written_ = true;
}

void VridBinding::arm_master_down(Duration interval) {
    auto r = port_.control_.arm_master_down(cfg_.vrid, ns(interval));
    // bpf_timer_init allocates without sleeping: with hundreds of VRIDs armed at once it can
    // find no memory for a moment (-ENOMEM, seen with 255 VRIDs on 6.18). Try again shortly
    // before the loop keeps the timer instead (at most 0.2 ms of the loop's time per VRID).
    for (int i = 0; r.error == -XVRRP_ENOMEM && i < 2; i++) {
        std::this_thread::sleep_for(std::chrono::microseconds(100));
        r = port_.control_.arm_master_down(cfg_.vrid, ns(interval));
    }
    armed_ = true;
    kernel_timer_ = r.error == 0;
    // No kernel timer: the same deadline, kept by the loop (on_wakeup reads where adverts
    // moved it).
    fallback_deadline_.reset();
    if (!kernel_timer_) fallback_deadline_ = TimePoint(int64_t(r.now_ns)) + interval;
}

void VridBinding::disarm_master_down() {
    if (!armed_) return;
    port_.control_.disarm_master_down(cfg_.vrid);
    armed_ = false;
    fallback_deadline_.reset();
}

LeaseSlot VridBinding::lease() const {
    return port_.leases_.slot(cfg_.vrid);
}

void VridBinding::renew_lease(TimePoint until) {
    port_.leases_.renew(cfg_.vrid, ns(until));
}

std::optional<TimePoint> VridBinding::next_wakeup() const {
    return fallback_deadline_;
}

void VridBinding::on_wakeup(TimePoint now) {
    if (!fallback_deadline_ || now < *fallback_deadline_) return;
    auto rx = port_.state_.rx_state(cfg_.vrid);
    if (rx && rx->master_down_deadline_ns > uint64_t(now.count())) {
        fallback_deadline_ = TimePoint(int64_t(rx->master_down_deadline_ns));
        return;
    }
    MasterDownReport down;
    down.at = now;
    down.late = now - *fallback_deadline_;
    down.by_kernel = false;
    fallback_deadline_.reset();
    on_report_(down);
}

void VridBinding::on_event(const void *event) {
    const auto &ev = *static_cast<const xvrrp_event *>(event);
    if (ev.type == XVRRP_EV_MASTER_DOWN || ev.type == XVRRP_EV_TAKEOVER) {
        MasterDownReport down;
        down.at = TimePoint(int64_t(ev.ts_ns));
        down.took_over = ev.type == XVRRP_EV_TAKEOVER;
        down.late = ev.ts_ns > ev.deadline_ns ? Duration(int64_t(ev.ts_ns - ev.deadline_ns))
                                              : Duration::zero();
        down.after_grace = ev.flags & XVRRP_EVF_AFTER_GRACE;
        down.timer_cpu = ev.cpu;
        down.advert_cpu = ev.advert_cpu;
        fallback_deadline_.reset();
        on_report_(down);
        return;
    }
    AdvertReport a;
    a.advert.version = ev.version;
    a.advert.vrid = cfg_.vrid;
    a.advert.priority = ev.priority;
    a.advert.interval_field = ev.interval_field;
    a.advert.source = from_abi_address(ev.src, cfg_.family);
    a.at = TimePoint(int64_t(ev.ts_ns));
    a.why = why(ev.type);
    on_report_(a);
}

ReceiveStats VridBinding::stats(TimePoint now) const {
    ReceiveStats s;
    s.kernel_timer = kernel_timer_;
    s.answering = lease().answering();
    auto rx = port_.state_.rx_state(cfg_.vrid);
    if (!rx) return s;
    s.adverts = rx->adverts;
    s.accepted = rx->accepted;
    if (rx->last_advert_ns && uint64_t(now.count()) >= rx->last_advert_ns)
        s.last_advert_age = Duration(int64_t(uint64_t(now.count()) - rx->last_advert_ns));
    s.master_down = rx->timer_fires;
    s.late_expiries = rx->late_expiries;
    s.stall_graces = rx->stall_graces;
    s.grace_rescued = rx->grace_rescued;
    s.grace_expired = rx->grace_expired;
    s.lease_expiries = rx->lease_expiries;
    s.gap_hist.assign(std::begin(rx->gap_hist), std::end(rx->gap_hist));
    s.late_hist.assign(std::begin(rx->late_hist), std::end(rx->late_hist));
    if (rx->flags & XVRRP_RX_TIMER_READY) s.kernel_timer = true;
    return s;
}

}  // namespace xvrrp::dataplane
