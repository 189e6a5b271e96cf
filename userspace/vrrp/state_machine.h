// The VRRP election for one instance (one VRID, one address family): RFC 5798 6.3-6.4 with the
// RFC 9568 changes, plus keepalived's Fault state and preempt_delay. Pure: decoded adverts and
// the time come in as arguments, Actions (state_actions.h) come out. No syscalls, no clocks.
//
// Inputs and what they do (section numbers are RFC 5798 unless noted):
//   start(now)              6.4.1 Startup: owner (priority 255) -> Master at once; otherwise
//                           Backup, ArmMasterDown(Master_Down_Interval). If the link is down,
//                           Fault instead.
//   advert_received(a, now) 6.4.2 (Backup) / 6.4.3 (Master). Adverts for another VRID, another
//                           version or family, or from our own primary address are ignored.
//                           VRRPv2 adverts with another interval are discarded (RFC 3768 7.1).
//                           After shutdown, only while a release hold runs (below).
//   timer_expired(now)      fires every one of the machine's own timers (Adver_Timer, the
//                           preempt_delay hold, the release hold) whose deadline is <= now.
//   master_down_expired(now) 6.4.2 "If the Master_Down_Timer fires": Backup -> Master. A
//                           no-op in any other state, or when the timer is not armed.
//   link_down / link_up     any running state -> Fault (no adverts, ARP off, VIPs removed);
//                           link up -> Initialize -> the Startup logic again.
//   set_priority(p, now)    tracked objects changed the effective priority (clamped to 1..254,
//                           or 1..255 for a configured owner). A Master advertises it at once.
//   step_down(now)          beyond the RFC (a sync group, docs/configuration.md): a Master
//                           goes Backup as if it heard a better master, after a priority-0
//                           advert so that a backup takes over after Skew_Time.
//   set_group_hold(h, now)  beyond the RFC: while held (another member of the sync group
//                           follows a better master), a Backup does not preempt: it accepts
//                           lower-priority adverts as if preempt were off. A master that goes
//                           silent is still taken over from.
//   shutdown(now)           6.4.2/6.4.3 Shutdown: Master turns ARP off, sends a priority-0
//                           advert and removes the VIPs (or holds them, below); Backup stops its
//                           timers. Back to Initialize.
//   end_release(now)        a release hold ends at once (the operator insists).
//
// Master_Down_Timer has one owner, outside the machine: the daemon's binding of the VRID to
// the kernel, where an accepted advert restarts it at line rate. The machine says when it
// runs (ArmMasterDown on entering Backup, DisarmMasterDown on leaving) and hears when it
// fires (master_down_expired); master_down_restart() (state_params.h) is the rule by which
// adverts restart it, which the kernel implements and a test checks against.
//
// Interval learning (6.4.2, 6.4.3): in standard VRRPv3 a Backup takes Master_Adver_Interval
// from the advert it accepts. In fast mode (configured interval < 10 ms, see state_params.h)
// and in VRRPv2 the received field is ignored and Master_Adver_Interval stays the configured
// advert_interval. A received field of 0 (invalid) is ignored too.
//
// Preempt delay (keepalived semantics): a "hold" starts at startup, is cleared by an advert of
// higher priority, and starts again on the first lower-priority advert after that. While the
// hold runs, a preempting Backup accepts lower-priority adverts as if preempt were off; once it
// ended, they are discarded (6.4.2) and the Master_Down_Timer makes us Master. While a hold
// runs, takeover-on-timeout is disarmed (the kernel must not preempt on its own).
//
// Release hold (beyond the RFC; params.release_hold > 0): a Master that shuts down stops
// answering ARP and advertising at once, as 6.4.3 says, but keeps the VIPs on the host, so that
// packets clients still send to its MAC are answered, until another router is heard
// advertising for the VRID (non-zero priority) plus release_margin() for that master's
// gratuitous ARP to move the clients, or until release_hold has passed. The state is
// Initialize throughout; releasing() is true while the VIPs are held, release() says how it
// went. Zero release_hold: the VIPs go with the priority-0 advert.
#pragma once

#include <optional>

#include "vrrp/advert.h"
#include "vrrp/state_actions.h"
#include "vrrp/state_params.h"

namespace xvrrp::vrrp {

// A Master's release hold (see the header comment), kept after it ended for the log.
struct Release {
    TimePoint started{};                    // the priority-0 advert
    TimePoint deadline{};                   // the VIPs go by then at the latest
    std::optional<IpAddress> successor;     // the first other router heard advertising since
    std::optional<TimePoint> successor_at;  // and when
    std::optional<TimePoint> ended;         // the VIPs were removed
};

class StateMachine {
  public:
    // Throws std::invalid_argument with the validate() message if params are unusable.
    explicit StateMachine(InstanceParams params);

    Actions start(TimePoint now);
    Actions shutdown(TimePoint now);
    Actions end_release(TimePoint now);
    Actions advert_received(const Advert &advert, TimePoint now);
    Actions timer_expired(TimePoint now);
    Actions master_down_expired(TimePoint now);
    Actions link_down(TimePoint now);
    Actions link_up(TimePoint now);
    Actions set_priority(uint8_t priority, TimePoint now);
    Actions step_down(TimePoint now);
    Actions set_group_hold(bool held, TimePoint now);
    // A reload changed the advert interval (and the release hold that follows from it) or the
    // addresses, in place: a Master advertises the new interval from its next advert (RFC 9568
    // 6.4.1 Master_Adver_Interval); a Backup in fast mode or VRRPv2 expects it of its master
    // (standard VRRPv3 learns the master's from its adverts). The daemon applies the rest (frames,
    // kernel tables, the VIP interface). Throws std::invalid_argument, nothing changed, if the
    // parameters are unusable.
    void reconfigure(Duration advert_interval, Duration release_hold,
                     std::vector<IpAddress> virtual_addresses);

    State state() const { return state_; }
    const InstanceParams &params() const { return params_; }
    uint8_t priority() const { return priority_; }  // effective, after tracking
    // The master as last seen: ourselves while Master, the sender of the last accepted advert
    // while Backup (priority 0 once it announced it stops); nullopt when unknown.
    std::optional<IpAddress> master_address() const { return master_address_; }
    uint8_t master_priority() const { return master_priority_; }
    Duration master_adver_interval() const { return master_adver_interval_; }
    Duration skew_time() const;
    Duration master_down_interval() const;
    // Earliest running timer; the daemon calls timer_expired() once it has passed.
    std::optional<TimePoint> next_deadline() const;
    std::optional<TimePoint> deadline(TimerKind kind) const { return timer(kind); }
    // Master_Down_Timer runs (its owner was told ArmMasterDown and not yet DisarmMasterDown).
    bool master_down_armed() const { return master_down_armed_; }
    // RFC 5798 6.4.2: would a Backup discard a lower-priority advert now (preempt, and no
    // preempt_delay hold applies)? The daemon mirrors this into the kernel's PREEMPT flag, so
    // that the in-kernel master-down timer re-arms on exactly the adverts this machine accepts.
    bool discards_lower_priority(TimePoint now) const;
    // A stopped Master still holds its VIPs (release hold); and how the last hold went.
    bool releasing() const { return release_ && !release_->ended; }
    const std::optional<Release> &release() const { return release_; }
    // A Backup that would not take over from the master it hears, group hold aside: that
    // master's priority is not below ours, or we do not preempt (now). A sync group's other
    // members then hold back (set_group_hold).
    bool follows_better_master(TimePoint now) const;
    bool group_held() const { return group_hold_; }
    bool arp_answering() const { return arp_answering_; }
    bool takeover_armed() const { return takeover_armed_; }
    // RFC 5798 6.4.3: packets to the VIPs are accepted by the Master if owner or Accept_Mode.
    bool accepts_vip_traffic() const {
        return state_ == State::Master && (params_.accept_mode || params_.owner());
    }

  private:
    void startup(TimePoint now, Actions &out);
    void become_master(TimePoint now, Actions &out);
    void become_backup(const Advert &advert, TimePoint now, Actions &out);
    void leave_running_state(Actions &out);
    void backup_receive(const Advert &advert, TimePoint now, Actions &out);
    void master_receive(const Advert &advert, TimePoint now, Actions &out);
    void release_receive(const Advert &advert, TimePoint now, Actions &out);
    void finish_release(TimePoint now, Actions &out);
    void fire(TimerKind kind, TimePoint deadline, TimePoint now, Actions &out);

    void learn_interval(const Advert &advert);
    void follow(const Advert &advert);
    void arm_master_down(Actions &out);
    void disarm_master_down(Actions &out);
    void send_advert(uint8_t priority, Actions &out) const;
    bool holding(TimePoint now) const;
    bool preempts(TimePoint now) const;  // discards lower-priority adverts, group hold aside
    void start_hold(TimePoint now, Actions &out);
    void clear_hold(Actions &out);

    std::optional<TimePoint> &timer(TimerKind kind);
    const std::optional<TimePoint> &timer(TimerKind kind) const;
    void start_timer(TimerKind kind, TimePoint deadline, Actions &out);
    void stop_timer(TimerKind kind, Actions &out);
    void stop_all_timers(Actions &out);
    void set_arp_answering(bool on, Actions &out);
    void update_takeover(TimePoint now, Actions &out);
    void notify(std::string_view word, Actions &out) const;

    InstanceParams params_;
    State state_ = State::Initialize;
    bool link_up_ = true;
    uint8_t priority_;
    Duration master_adver_interval_;
    std::optional<IpAddress> master_address_;
    uint8_t master_priority_ = 0;

    std::optional<TimePoint> advert_timer_, preempt_timer_, release_timer_;
    bool master_down_armed_ = false;
    std::optional<Release> release_;
    std::optional<TimePoint> hold_until_;  // keepalived preempt_time; nullopt = not started
    bool arp_answering_ = false;
    bool takeover_armed_ = false;
    bool group_hold_ = false;  // set_group_hold
};

}  // namespace xvrrp::vrrp
