#include "vrrp/state_machine.h"

#include <algorithm>
#include <stdexcept>

namespace xvrrp::vrrp {

namespace {

InstanceParams checked(InstanceParams params) {
    if (auto error = validate(params)) throw std::invalid_argument(*error);
    return params;
}

}  // namespace

StateMachine::StateMachine(InstanceParams params)
    : params_(checked(std::move(params))),
      priority_(params_.priority),
      master_adver_interval_(params_.advert_interval) {}

Duration StateMachine::skew_time() const {
    return vrrp::skew_time(params_.version, priority_, master_adver_interval_);
}

Duration StateMachine::master_down_interval() const {
    return vrrp::master_down_interval(params_.version, priority_, master_adver_interval_);
}

std::optional<TimePoint> StateMachine::next_deadline() const {
    std::optional<TimePoint> next;
    for (auto t : {advert_timer_, preempt_timer_, release_timer_})
        if (t && (!next || *t < *next)) next = t;
    return next;
}

// ---- inputs ------------------------------------------------------------------------------

Actions StateMachine::start(TimePoint now) {
    Actions out;
    if (state_ != State::Initialize) return out;  // already running
    if (releasing()) finish_release(now, out);    // a Backup or Fault holds no VIPs
    if (!link_up_) {
        state_ = State::Fault;
        notify("FAULT", out);
        return out;
    }
    startup(now, out);
    return out;
}

Actions StateMachine::shutdown(TimePoint now) {
    Actions out;
    switch (state_) {
        case State::Initialize:
            return out;
        case State::Master:
            // RFC 5798 6.4.3 Shutdown: cancel Adver_Timer, send an advert with priority 0. ARP
            // goes off first: a backup may take over as soon as the advert reaches it, and two
            // routers must never answer at once.
            stop_all_timers(out);
            set_arp_answering(false, out);
            send_advert(kReleasePriority, out);
            if (params_.release_hold > Duration::zero()) {
                // Keep the VIPs for the clients that still send to our MAC until the next
                // master has announced itself (release_receive) or release_hold has passed.
                release_ = Release{now, now + params_.release_hold, {}, {}, {}};
                start_timer(TimerKind::ReleaseHold, release_->deadline, out);
            } else {
                out.push_back(RemoveVips{params_.virtual_addresses});
            }
            break;
        case State::Backup:
            // RFC 5798 6.4.2 Shutdown: cancel Master_Down_Timer.
            stop_all_timers(out);
            break;
        case State::Fault:
            break;
    }
    state_ = State::Initialize;
    update_takeover(now, out);
    master_address_.reset();
    master_priority_ = 0;
    notify("STOP", out);
    return out;
}

Actions StateMachine::end_release(TimePoint now) {
    Actions out;
    if (releasing()) finish_release(now, out);
    return out;
}

Actions StateMachine::advert_received(const Advert &advert, TimePoint now) {
    Actions out;
    if (state_ != State::Backup && state_ != State::Master && !releasing()) return out;
    // RFC 5798 7.1 checks the codec/XDP cannot make: this instance, our own echo.
    if (advert.vrid != params_.vrid || advert.version != params_.version ||
        advert.source.family != params_.family() || advert.source == params_.primary_address)
        return out;
    // RFC 3768 7.1: a VRRPv2 advert with another interval than ours MUST be discarded.
    if (params_.version == 2 && advert.interval_field != params_.interval_field()) return out;
    if (state_ == State::Backup)
        backup_receive(advert, now, out);
    else if (state_ == State::Master)
        master_receive(advert, now, out);
    else
        release_receive(advert, now, out);
    return out;
}

Actions StateMachine::timer_expired(TimePoint now) {
    Actions out;
    // Fire in deadline order; handling one timer may stop or restart the others.
    while (true) {
        std::optional<TimerKind> due;
        TimePoint due_at{};
        for (auto kind : {TimerKind::Advert, TimerKind::PreemptDelay, TimerKind::ReleaseHold}) {
            auto t = timer(kind);
            if (t && *t <= now && (!due || *t < due_at)) due = kind, due_at = *t;
        }
        if (!due) break;
        timer(*due).reset();
        fire(*due, due_at, now, out);
    }
    return out;
}

Actions StateMachine::master_down_expired(TimePoint now) {
    Actions out;
    // RFC 5798 6.4.2 "If the Master_Down_Timer fires". A no-op in any other state: a report
    // that crossed our own step out of Backup changes nothing.
    if (state_ == State::Backup && master_down_armed_) become_master(now, out);
    return out;
}

Actions StateMachine::link_down(TimePoint now) {
    Actions out;
    link_up_ = false;
    if (state_ != State::Backup && state_ != State::Master) return out;
    leave_running_state(out);  // no priority-0 advert: the link cannot carry it
    state_ = State::Fault;
    update_takeover(now, out);
    notify("FAULT", out);
    return out;
}

Actions StateMachine::link_up(TimePoint now) {
    Actions out;
    link_up_ = true;
    if (state_ != State::Fault) return out;
    state_ = State::Initialize;
    startup(now, out);
    return out;
}

void StateMachine::reconfigure(Duration advert_interval, Duration release_hold,
                               std::vector<IpAddress> virtual_addresses) {
    InstanceParams p = params_;
    p.advert_interval = advert_interval;
    p.release_hold = release_hold;
    p.virtual_addresses = std::move(virtual_addresses);
    params_ = checked(std::move(p));
    // What learn_interval() would not learn from the master's adverts.
    if (state_ == State::Master || params_.fast_mode() || params_.version != 3)
        master_adver_interval_ = advert_interval;
}

Actions StateMachine::set_priority(uint8_t priority, TimePoint now) {
    (void)now;  // kept in the signature: every input carries the time
    Actions out;
    // keepalived: only a configured owner may run at 255; tracking never reaches 0.
    uint8_t top = params_.owner() ? kOwnerPriority : kOwnerPriority - 1;
    priority = std::clamp<uint8_t>(priority, 1, top);
    if (priority == priority_) return out;
    priority_ = priority;
    if (state_ == State::Master) {
        master_priority_ = priority_;
        // Not in the RFC: advertise the new priority at once so a Backup that may now
        // preempt (6.4.2) learns it without waiting for the next Adver_Timer.
        send_advert(priority_, out);
    }
    // Skew_Time depends on the local priority (6.1); a running Master_Down_Timer keeps its
    // deadline, the next accepted advert uses the new Master_Down_Interval (the owner of the
    // timer learns the priority with the role).
    return out;
}

Actions StateMachine::step_down(TimePoint now) {
    Actions out;
    if (state_ != State::Master) return out;
    leave_running_state(out);  // cancels Adver_Timer, removes VIPs, ARP off
    // As 6.4.3's Shutdown, ARP off first, then the priority-0 advert: the best backup takes
    // over after Skew_Time instead of Master_Down_Interval.
    send_advert(kReleasePriority, out);
    state_ = State::Backup;
    master_adver_interval_ = params_.advert_interval;
    arm_master_down(out);
    update_takeover(now, out);
    notify("BACKUP", out);
    return out;
}

Actions StateMachine::set_group_hold(bool held, TimePoint now) {
    Actions out;
    if (held == group_hold_) return out;
    group_hold_ = held;
    update_takeover(now, out);  // the owner of the timer re-reads discards_lower_priority()
    return out;
}

// ---- state transitions -------------------------------------------------------------------

// RFC 5798 6.4.1 / RFC 9568 6.4.1.
void StateMachine::startup(TimePoint now, Actions &out) {
    if (priority_ == kOwnerPriority) {
        become_master(now, out);
        return;
    }
    state_ = State::Backup;
    master_adver_interval_ = params_.advert_interval;
    master_address_.reset();
    master_priority_ = 0;
    arm_master_down(out);
    if (params_.preempt && params_.preempt_delay > Duration::zero()) start_hold(now, out);
    update_takeover(now, out);
    notify("BACKUP", out);
}

// RFC 5798 6.4.1 (owner) and 6.4.2 (Master_Down_Timer fires).
void StateMachine::become_master(TimePoint now, Actions &out) {
    stop_all_timers(out);
    hold_until_.reset();
    state_ = State::Master;
    master_adver_interval_ = params_.advert_interval;  // RFC 9568 6.4.1: what we advertise
    master_address_ = params_.primary_address;
    master_priority_ = priority_;
    set_arp_answering(true, out);  // first: the kernel may already answer (takeover armed)
    update_takeover(now, out);
    out.push_back(AddVips{params_.virtual_addresses, params_.accept_mode || params_.owner()});
    send_advert(priority_, out);
    out.push_back(SendGratuitousArp{params_.virtual_addresses});
    start_timer(TimerKind::Advert, now + params_.advert_interval, out);
    notify("MASTER", out);
}

// RFC 5798 6.4.3: a better master exists.
void StateMachine::become_backup(const Advert &advert, TimePoint now, Actions &out) {
    // One last advert at our priority as we step down (beyond RFC 5798, which sends nothing
    // here). After a partition heals, the better master may have stepped us down before it
    // heard any advert of ours: then nothing tells it that we were master and pulled the
    // clients' ARP caches to us. This advert reaches it as a lower-priority advert, which it
    // answers with an advert and gratuitous ARP (RFC 9568 6.4.3, master_receive). A backup
    // that hears it accepts it as it would any master's; the real master's next advert follows.
    if (state_ == State::Master) send_advert(priority_, out);
    leave_running_state(out);  // cancels Adver_Timer, removes VIPs, ARP off
    hold_until_.reset();       // a higher-priority master clears the hold (keepalived)
    state_ = State::Backup;
    follow(advert);  // learn interval, master address and priority
    arm_master_down(out);
    update_takeover(now, out);
    notify("BACKUP", out);
}

void StateMachine::leave_running_state(Actions &out) {
    bool was_master = state_ == State::Master;
    stop_all_timers(out);
    hold_until_.reset();
    if (was_master) out.push_back(RemoveVips{params_.virtual_addresses});
    set_arp_answering(false, out);
    master_address_.reset();
    master_priority_ = 0;
}

// RFC 5798 6.4.2 / RFC 9568 6.4.2, with keepalived's preempt_delay.
void StateMachine::backup_receive(const Advert &advert, TimePoint now, Actions &out) {
    if (advert.priority == kReleasePriority) {
        // The master is stopping: the timer's owner has set it to Skew_Time (6.4.2), so the
        // best backup goes first.
        master_address_ = advert.source;
        master_priority_ = kReleasePriority;
        return;
    }
    if (!discards_lower_priority(now) || advert.priority >= priority_) {
        if (params_.preempt && params_.preempt_delay > Duration::zero()) {
            if (advert.priority > priority_)
                clear_hold(out);
            else if (advert.priority < priority_ && !hold_until_)
                start_hold(now, out);
        }
        follow(advert);  // its owner restarted the Master_Down_Timer (6.4.2)
        update_takeover(now, out);
    }
    // else: preempt and a lower priority: discard; the Master_Down_Timer will make us Master.
}

// Beyond the RFC: a stopped Master holding its VIPs hears another router. Only a master
// advertises, and it sent its gratuitous ARP along with this advert: let the VIPs go once that
// has had release_margin() to reach the clients. Later adverts change nothing.
void StateMachine::release_receive(const Advert &advert, TimePoint now, Actions &out) {
    if (advert.priority == kReleasePriority || release_->successor) return;
    release_->successor = advert.source;
    release_->successor_at = now;
    start_timer(TimerKind::ReleaseHold,
                std::min(release_->deadline, now + release_margin(params_.advert_interval)), out);
}

void StateMachine::finish_release(TimePoint now, Actions &out) {
    stop_timer(TimerKind::ReleaseHold, out);
    out.push_back(RemoveVips{params_.virtual_addresses});
    release_->ended = now;
}

// RFC 5798 6.4.3 / RFC 9568 6.4.3.
void StateMachine::master_receive(const Advert &advert, TimePoint now, Actions &out) {
    if (advert.priority == kReleasePriority) {
        // Another master is stopping: assert ourselves at once, restart Adver_Timer, and
        // point neighbours that followed it back at us.
        send_advert(priority_, out);
        out.emplace_back(std::in_place_type<SendGratuitousArp>, params_.virtual_addresses, true);
        start_timer(TimerKind::Advert, now + params_.advert_interval, out);
        return;
    }
    if (advert.priority > priority_ ||
        (advert.priority == priority_ && advert.source > params_.primary_address)) {
        become_backup(advert, now, out);
        return;
    }
    // RFC 9568 6.4.3: discard, but advertise at once so the other router sees the proper
    // master without waiting for our Adver_Timer. It believed itself master and may have sent
    // gratuitous ARP: refresh the neighbours' caches too, as keepalived does.
    send_advert(priority_, out);
    out.emplace_back(std::in_place_type<SendGratuitousArp>, params_.virtual_addresses, true);
}

void StateMachine::fire(TimerKind kind, TimePoint deadline, TimePoint now, Actions &out) {
    switch (kind) {
        case TimerKind::Advert: {
            if (state_ != State::Master) return;
            // RFC 5798 6.4.3: send an advert, reset Adver_Timer. Keep the cadence of the
            // deadlines (no drift); if we are more than an interval late, restart from now.
            send_advert(priority_, out);
            TimePoint next = deadline + params_.advert_interval;
            if (next <= now) next = now + params_.advert_interval;
            start_timer(TimerKind::Advert, next, out);
            return;
        }
        case TimerKind::PreemptDelay:
            update_takeover(now, out);  // the hold ended: re-arm
            return;
        case TimerKind::ReleaseHold:
            if (releasing()) finish_release(now, out);
            return;
    }
}

// ---- helpers -----------------------------------------------------------------------------

void StateMachine::learn_interval(const Advert &advert) {
    // 6.4.2/6.4.3 "Set Master_Adver_Interval to Adver Interval contained in the ADVERTISEMENT",
    // except in fast mode and VRRPv2 (see the header comment) or for an invalid 0 field.
    if (params_.version != 3 || params_.fast_mode() || advert.interval_field == 0) return;
    master_adver_interval_ = advert.interval();
}

// Accept the advert's sender as master: learn the interval, recompute Skew_Time and
// Master_Down_Interval (6.4.2 lines 430-445, 6.4.3 lines 685-700). Setting the
// Master_Down_Timer is its owner's part (ArmMasterDown).
void StateMachine::follow(const Advert &advert) {
    learn_interval(advert);
    master_address_ = advert.source;
    master_priority_ = advert.priority;
}

void StateMachine::arm_master_down(Actions &out) {
    master_down_armed_ = true;
    out.push_back(ArmMasterDown{master_down_interval()});
}

void StateMachine::disarm_master_down(Actions &out) {
    if (!master_down_armed_) return;
    master_down_armed_ = false;
    out.push_back(DisarmMasterDown{});
}

void StateMachine::send_advert(uint8_t priority, Actions &out) const {
    out.push_back(SendAdvert{priority, params_.interval_field()});
}

bool StateMachine::preempts(TimePoint now) const {
    bool hold_applies = params_.preempt && params_.preempt_delay > Duration::zero() &&
                        (!hold_until_ || now < *hold_until_);
    return params_.preempt && !hold_applies;
}

bool StateMachine::discards_lower_priority(TimePoint now) const {
    return preempts(now) && !group_hold_;
}

bool StateMachine::follows_better_master(TimePoint now) const {
    return state_ == State::Backup && master_address_ &&
           (master_priority_ >= priority_ || !preempts(now));
}

bool StateMachine::holding(TimePoint now) const {
    return hold_until_ && now < *hold_until_;
}

void StateMachine::start_hold(TimePoint now, Actions &out) {
    hold_until_ = now + params_.preempt_delay;
    start_timer(TimerKind::PreemptDelay, *hold_until_, out);
}

void StateMachine::clear_hold(Actions &out) {
    hold_until_.reset();
    stop_timer(TimerKind::PreemptDelay, out);
}

std::optional<TimePoint> &StateMachine::timer(TimerKind kind) {
    switch (kind) {
        case TimerKind::Advert:
            return advert_timer_;
        case TimerKind::PreemptDelay:
            return preempt_timer_;
        case TimerKind::ReleaseHold:
            break;
    }
    return release_timer_;
}

const std::optional<TimePoint> &StateMachine::timer(TimerKind kind) const {
    return const_cast<StateMachine *>(this)->timer(kind);
}

void StateMachine::start_timer(TimerKind kind, TimePoint deadline, Actions &out) {
    timer(kind) = deadline;
    out.push_back(StartTimer{kind, deadline});
}

void StateMachine::stop_timer(TimerKind kind, Actions &out) {
    if (!timer(kind)) return;
    timer(kind).reset();
    out.push_back(StopTimer{kind});
}

void StateMachine::stop_all_timers(Actions &out) {
    for (auto kind : {TimerKind::Advert, TimerKind::PreemptDelay, TimerKind::ReleaseHold})
        stop_timer(kind, out);
    disarm_master_down(out);
}

void StateMachine::set_arp_answering(bool on, Actions &out) {
    if (arp_answering_ == on) return;
    arp_answering_ = on;
    out.push_back(SetArpAnswering{on});
}

void StateMachine::update_takeover(TimePoint now, Actions &out) {
    bool armed = state_ == State::Backup && !holding(now);
    if (armed == takeover_armed_) return;
    takeover_armed_ = armed;
    out.push_back(SetTakeoverOnTimeout{armed});
}

void StateMachine::notify(std::string_view word, Actions &out) const {
    out.push_back(RunNotify{std::string(word)});
}

}  // namespace xvrrp::vrrp
