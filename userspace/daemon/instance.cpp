#include "daemon/instance.h"

#include <algorithm>
#include <cstdio>
#include <cstring>

#include "daemon/log.h"
#include "net/address.h"
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
    for (const auto &v : c.virtual_ips) p.virtual_addresses.push_back(v.address);
    p.release_hold = release_hold.value_or(vrrp::auto_release_hold(c.version, c.advert_interval));
    return p;
}

net::AddressPrefix prefix_of(const config::VirtualIp &v) {
    return {v.address, v.prefix_len};
}

// "0.72 ms", "48.1 ms": enough digits to read a fast-mode release.
std::string ms(vrrp::Duration d) {
    double v = double(d.count()) / 1e6;
    char buf[32];
    snprintf(buf, sizeof buf, v < 10 ? "%.2f ms" : "%.1f ms", v);
    return buf;
}

}  // namespace

Instance::Instance(const config::Instance &cfg, Uplink &uplink, net::AddressEditor &vip_addresses,
                   std::string vip_interface, std::optional<vrrp::Duration> release_hold,
                   NotifyRunner &notify)
    : cfg_(cfg),
      uplink_(uplink),
      vip_addresses_(vip_addresses),
      vip_interface_(std::move(vip_interface)),
      notify_(notify),
      sm_(params_of(cfg, uplink.primary_address(), release_hold)) {
    tx::AdvertiserOptions opts;
    const uint8_t vrid = cfg_.vrid;
    const uint64_t lease = ns(cfg_.lease);
    auto *leases = &uplink_.leases();
    // Runs on the advert thread after each advert: a plain store into the mmap'ed lease.
    opts.on_sent = [leases, vrid, lease](uint64_t now_ns) { leases->renew(vrid, now_ns + lease); };
    // One thread sends the adverts of every instance of the uplink (scheduled alike): a
    // thread per instance cost a context switch per advert, a whole vCPU for 255 instances at
    // 10 ms. It exists from the start, and the advertiser is parked (no CPU) while not master:
    // a takeover only wakes it. Creating a thread then cost over a millisecond (and this fails
    // early here if SCHED_FIFO is not allowed).
    advertiser_ = std::make_unique<tx::Advertiser>(
        uplink_.advert_thread(cfg_.advert_thread.sched_priority, cfg_.advert_thread.cpu), opts);
    advertiser_->start(cfg_.advert_interval, /*parked=*/true);

    // The ARP responder's table: this instance's service IPs, answered with the uplink's MAC.
    xvrrp_vip vip{};
    std::memcpy(vip.mac, uplink_.mac().data(), 6);
    vip.vrid = vrid;
    for (const auto &v : cfg_.virtual_ips) uplink_.tables().set_vip(v.address.to_be32(), vip);
    for (const auto &src : cfg_.allowed_sources) uplink_.tables().allow_source(vrid, src.to_be32());
    uplink_.leases().renew(vrid, 0);
}

Instance::~Instance() {
    advertiser_->stop();
    uplink_.leases().renew(cfg_.vrid, 0);
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
        info(cfg_.name, "priority-0 advert sent, ARP off; keeping " + vip_list() + " on " +
                            vip_interface_ + " until another router takes over, at most " +
                            ms(sm_.release()->deadline - now));
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
    uplink_.leases().renew(cfg_.vrid, 0);
    uplink_.tables().remove_instance(cfg_.vrid);
    written_.reset();
    for (const auto &v : cfg_.virtual_ips) uplink_.tables().remove_vip(v.address.to_be32());
    cleaned_up_ = true;
}

// One line that says whether the hold did its job: the next master's advert came (and when,
// counted from our priority-0 advert), or nobody's did.
void Instance::log_release() const {
    const vrrp::Release &r = *sm_.release();
    TimePoint ended = r.ended.value_or(r.deadline);
    std::string kept = "kept " + vip_list();
    if (r.successor) {
        info(cfg_.name, kept + " until " + r.successor->to_string() + " took over (" +
                            ms(*r.successor_at - r.started) + "), removed " +
                            ms(ended - *r.successor_at) + " later" +
                            (release_cut_.empty() ? "" : " (" + release_cut_ + ")"));
    } else if (!release_cut_.empty()) {
        info(cfg_.name, kept + " for " + ms(ended - r.started) + ", removed now (" + release_cut_ +
                            "): no other router had taken over");
    } else {
        info(cfg_.name,
             kept + ", removed: no other router took over within " + ms(ended - r.started));
    }
}

void Instance::on_kernel_event(const xvrrp_event &ev, TimePoint now) {
    if (ev.type == XVRRP_EV_MASTER_DOWN || ev.type == XVRRP_EV_TAKEOVER) {
        double react_us = (double(now.count()) - double(ev.ts_ns)) / 1000.0;
        std::string why = ev.type == XVRRP_EV_TAKEOVER
                              ? "kernel master-down timer fired; XDP answering ARP since then"
                              : "kernel master-down timer fired";
        apply(sm_.kernel_master_down(now), now,
              why + " (" + std::to_string(int(react_us)) + " us ago)");
        return;
    }
    auto a = kernel_advert(ev.version, ev.priority, ev.interval_field, ev.src);
    apply(sm_.advert_received(a, now), now,
          std::string(dataplane::event_type_name(ev.type)) + ": advert from " +
              a.source.to_string() + " priority " + std::to_string(a.priority));
}

// An advert as the XDP program recorded it (it validated the packet; the state machine needs
// only these fields), for this instance's VRID and addresses.
vrrp::Advert Instance::kernel_advert(uint8_t version, uint8_t priority, uint16_t interval_field,
                                     uint32_t src_be) const {
    vrrp::Advert a;
    a.version = version;
    a.vrid = cfg_.vrid;
    a.priority = priority;
    a.interval_field = interval_field;
    a.source = vrrp::IpAddress::v4_from_be32(src_be);
    for (const auto &v : cfg_.virtual_ips) a.addresses.push_back(v.address);
    return a;
}

void Instance::on_link(bool up, TimePoint now) {
    apply(up ? sm_.link_up(now) : sm_.link_down(now), now,
          cfg_.interface + (up ? " is up" : " is down"));
}

void Instance::on_priority(uint8_t priority, TimePoint now) {
    if (priority == sm_.priority()) return;
    apply(sm_.set_priority(priority, now), now,
          "tracked interfaces: priority " + std::to_string(priority));
}

// The kernel has an accepted master and its timer watches it: it will say when it dies.
bool Instance::kernel_timer_watches(const xvrrp_rx_state &rx) {
    return rx.accepted > 0 && (rx.flags & XVRRP_RX_TIMER_READY) &&
           !(rx.flags & XVRRP_RX_MASTER_DOWN);
}

std::optional<xvrrp_rx_state> Instance::live_kernel_master(TimePoint now) const {
    auto rx = uplink_.state().rx_state(cfg_.vrid);
    if (!rx) return std::nullopt;
    if (kernel_timer_watches(*rx)) return rx;
    // Adverts are accepted but the kernel has no timer for them: bpf_timer_init() failed
    // (ENOMEM: on 6.18 it allocates with kmalloc_nolock, which fails for a while when many
    // VRIDs hear their first advert at once; every later advert tries again). The master is
    // alive while the kernel heard it within Master_Down_Interval; the loop's own timer keeps
    // checking meanwhile (next_wakeup), so a death is noticed within two intervals instead of
    // one, and a live master is never declared dead for want of a kernel timer.
    if (rx->accepted > 0 && !(rx->flags & (XVRRP_RX_MASTER_DOWN | XVRRP_RX_TIMER_READY)) &&
        rx->last_advert_ns + ns(sm_.master_down_interval()) > uint64_t(now.count()))
        return rx;
    return std::nullopt;
}

std::optional<TimePoint> Instance::next_wakeup() const {
    std::optional<TimePoint> next = sm_.deadline(vrrp::TimerKind::PreemptDelay);
    auto consider = [&](std::optional<TimePoint> t) {
        if (t && (!next || *t < *next)) next = t;
    };
    auto rx =
        sm_.state() == vrrp::State::Backup ? uplink_.state().rx_state(cfg_.vrid) : std::nullopt;
    if (sm_.state() == vrrp::State::Backup && !(rx && kernel_timer_watches(*rx)))
        consider(sm_.deadline(vrrp::TimerKind::MasterDown));
    consider(sm_.deadline(vrrp::TimerKind::ReleaseHold));
    if (!garp_due_.empty()) consider(garp_due_.front());
    consider(refresh_at_);
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
    bool master_down_due = sm_.state() == vrrp::State::Backup && due(vrrp::TimerKind::MasterDown);
    if (!due(vrrp::TimerKind::PreemptDelay) && !master_down_due) return;
    auto rx = sm_.state() == vrrp::State::Backup ? live_kernel_master(now) : std::nullopt;
    if (rx) {
        // The kernel heard the master within Master_Down_Interval: tell the state machine, so
        // its own timer (which no steady advert reached) does not fire.
        auto a =
            kernel_advert(rx->version, rx->master_priority, rx->interval_field, rx->master_addr);
        apply(sm_.advert_received(a, now), now, "master alive per kernel");
    }
    apply(
        sm_.timer_expired(now), now,
        master_down_due ? "no acceptable advert for Master_Down_Interval" : "preempt_delay ended");
}

void Instance::apply(const vrrp::Actions &actions, TimePoint now, const std::string &why) {
    for (const auto &action : actions) {
        std::visit(
            overloaded{
                [&](const vrrp::SendAdvert &a) { send_advert(a.priority); },
                [&](const vrrp::SendGratuitousArp &g) {
                    if (g.refresh)
                        send_garps();  // one round: win back caches, no new bursts
                    else
                        schedule_garps(now);
                },
                [&](const vrrp::SetArpAnswering &a) {
                    if (a.on) {
                        uplink_.leases().renew(cfg_.vrid, ns(now + cfg_.lease));
                    } else {
                        stop_adverts();
                        uplink_.leases().renew(cfg_.vrid, 0);
                    }
                    sync_kernel(now);
                },
                [&](const vrrp::SetTakeoverOnTimeout &) { sync_kernel(now); },
                [&](const vrrp::AddVips &) { set_vips(true); },
                [&](const vrrp::RemoveVips &) { set_vips(false); },
                [&](const vrrp::RunNotify &n) { notify_.run(cfg_, n.state, sm_.priority()); },
                [&](const vrrp::StopTimer &t) {
                    if (t.kind == vrrp::TimerKind::Advert) stop_adverts();
                },
                [&](const vrrp::StartTimer &) {},     // next_wakeup() reads deadlines
                [&](const vrrp::TimingChanged &) {},  // the kernel learns on its own
            },
            action);
    }
    if (sm_.state() != vrrp::State::Master) {
        stop_adverts();
        garp_due_.clear();
        refresh_at_.reset();
    }
    sync_kernel(now);
    if (sm_.state() != last_state_) {
        info(cfg_.name, std::string(vrrp::to_string(last_state_)) + " -> " +
                            std::string(vrrp::to_string(sm_.state())) + " (" + why + ")");
        last_state_ = sm_.state();
    }
    if (stopped_ && !cleaned_up_ && !sm_.releasing()) clean_up_after_stop();
}

// Mirrors the state machine into the kernel's instance entry; writes only on change.
void Instance::sync_kernel(TimePoint now) {
    if (cleaned_up_) return;  // a late event after the stop must not bring the entry back
    xvrrp_instance e{};
    if (sm_.arp_answering()) e.flags |= XVRRP_INST_MASTER;
    if (sm_.releasing()) e.flags |= XVRRP_INST_RELEASING;
    if (sm_.takeover_armed()) e.flags |= XVRRP_INST_TAKEOVER_ARMED;
    if (sm_.discards_lower_priority(now)) e.flags |= XVRRP_INST_PREEMPT;
    if (!cfg_.allowed_sources.empty()) e.flags |= XVRRP_INST_ALLOWLIST;
    if (cfg_.pass_adverts) e.flags |= XVRRP_INST_PASS_ADVERTS;
    e.version = cfg_.version;
    e.priority = sm_.priority();
    e.fixed_interval_ns = cfg_.fast_mode() ? ns(cfg_.advert_interval) : 0;
    e.takeover_grace_ns = ns(cfg_.lease);
    if (written_ && std::memcmp(&*written_, &e, sizeof e) == 0) return;
    uplink_.tables().set_instance(cfg_.vrid, e);
    written_ = e;
}

std::vector<uint8_t> Instance::advert_frame(uint8_t priority) const {
    vrrp::Advert a;
    a.version = cfg_.version;
    a.vrid = cfg_.vrid;
    a.priority = priority;
    a.interval_field = cfg_.advert_interval_field();
    a.source = uplink_.primary_address();
    for (const auto &v : cfg_.virtual_ips) a.addresses.push_back(v.address);
    vrrp::AdvertFrameOptions o;
    o.source_mac = uplink_.mac();
    o.ip.ipv4_checksum = cfg_.checksum == config::Checksum::WithPseudoHeader
                             ? vrrp::Ipv4Checksum::WithPseudoHeader
                             : vrrp::Ipv4Checksum::WithoutPseudoHeader;
    o.ip.ipv4_id = 1;  // one frame, sent again and again; adverts are never fragmented
    auto frame = vrrp::build_advert_frame(a, o);
    if (!frame)
        throw Error(cfg_.name +
                    ": cannot encode advert: " + std::string(vrrp::to_string(frame.error())));
    return *frame;
}

void Instance::send_advert(uint8_t priority) {
    auto frame = advert_frame(priority);
    if (priority == 0 || sm_.state() != vrrp::State::Master) {
        // A last advert on the way out: priority 0 on shutdown (RFC 5798 6.4.3), or ours when
        // stepping down. Sent here and now, before the advert thread is parked for good.
        stop_adverts();
        if (int err = uplink_.oneoff_sender().send(frame))
            warn(cfg_.name,
                 "last advert (priority " + std::to_string(priority) + "): " + strerror(err));
        return;
    }
    advertiser_->set_frame(frame);
    if (advertiser_->parked())
        advertiser_->resume();  // the first advert goes out at once, then one per interval
    else
        advertiser_->send_now();
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
        send_garps();
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

bool Instance::garps_due(TimePoint now) const {
    if (sm_.state() != vrrp::State::Master) return false;
    return (!garp_due_.empty() && garp_due_.front() <= now) || (refresh_at_ && *refresh_at_ <= now);
}

void Instance::send_garps() {
    for (const auto &v : cfg_.virtual_ips) {
        auto frame = v.address.family == vrrp::Family::IPv4
                         ? vrrp::build_gratuitous_arp(uplink_.mac(), v.address)
                         : vrrp::build_unsolicited_na(uplink_.mac(), v.address);
        if (int err = uplink_.oneoff_sender().send(frame))
            warn(cfg_.name, "gratuitous ARP for " + v.address.to_string() + ": " + strerror(err));
    }
}

void Instance::set_vips(bool present) {
    std::vector<net::AddressPrefix> prefixes;
    for (const auto &v : cfg_.virtual_ips) prefixes.push_back(prefix_of(v));
    try {
        // All of them in one exchange with the kernel: at a mass takeover (255 VRIDs, 4096
        // service IPs) the loop spends most of its time here.
        auto done =
            present ? vip_addresses_.add_all(prefixes) : vip_addresses_.remove_all(prefixes);
        for (const auto &d : done)
            if (!d.error.empty()) error(cfg_.name, d.error);
    } catch (const std::exception &e) {
        error(cfg_.name, std::string(present ? "add" : "remove") + " service IPs: " + e.what());
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
    s.vrid = cfg_.vrid;
    s.state = std::string(vrrp::to_string(sm_.state()));
    s.priority = sm_.priority();
    if (auto m = sm_.master_address()) s.master = m->to_string();
    s.master_priority = sm_.master_priority();
    auto sent = advertiser_->stats();  // cumulative over every run of the thread
    s.adverts_sent = sent.sent;
    s.advert_late_wakeups = sent.late_wakeups;
    s.advert_max_lateness_ms = double(sent.max_lateness_ns) / 1e6;
    if (auto rx = uplink_.state().rx_state(cfg_.vrid)) {
        s.adverts_received = rx->adverts;
        if (rx->last_advert_ns)
            s.last_advert_age_ms = (double(now.count()) - double(rx->last_advert_ns)) / 1e6;
    }
    s.tx_path = std::string(advertiser_->sender_name());
    s.xdp_mode = uplink_.xdp_mode();
    s.arp_answering = sm_.arp_answering();
    s.takeover_armed = sm_.takeover_armed();
    for (const auto &v : cfg_.virtual_ips)
        s.virtual_ips.push_back(v.address.to_string() + "/" + std::to_string(v.prefix_len));
    return s;
}

}  // namespace xvrrp::daemon
