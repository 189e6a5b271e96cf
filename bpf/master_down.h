/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The Master_Down_Timer in the kernel (RFC 5798 6.2, 6.4.2), run on the VRID's timer
 * (vrid_timer.h). The controller starts it when its election enters Backup and stops it when
 * it leaves (XVRRP_CTL_ARM_MASTER_DOWN / DISARM, control.h); in between, every accepted advert
 * restarts it here, at line rate, and only its expiry wakes the controller.
 *
 * A late expiry. When the host stalls (a VM paused, an SMI, every vCPU held at once), the
 * timer fires late on resume, before the adverts that queued meanwhile have been received: a
 * live master would be declared dead. So an expiry more than late_threshold_ns after its
 * deadline gives the wire late_grace_ns (about one advert interval) first; an advert accepted
 * in that time cancels it (grace_rescued), none declares the master down (grace_expired). An
 * expiry on time declares at once. The lateness of every expiry goes into late_hist.
 *
 * A stalled CPU. An expiry on time can still come from a stall: that of another CPU, behind
 * whose NAPI poll the adverts wait (cpu_watch.h). An expiry that finds the heartbeat of a CPU
 * receiving adverts overdue by more than late_threshold_ns gives the same grace
 * (stall_graces); at its end, while such a CPU is still stalled, the grace is extended, until
 * one Master_Down_Interval past the deadline at most.
 */
#ifndef XVRRP_BPF_MASTER_DOWN_H
#define XVRRP_BPF_MASTER_DOWN_H

#include "answering.h"
#include "cpu_watch.h"
#include "events.h"

/*
 * Master_Adver_Interval: fixed in fast mode, else what the master carries (RFC 5798 6.4.2:
 * a backup learns it from each advert; VRRPv2 carries seconds, v3 centiseconds).
 */
static __always_inline __u64 master_adver_interval_ns(const struct xvrrp_instance *inst,
                                                      __u8 version, __u16 interval_field)
{
    if (inst->fixed_interval_ns)
        return inst->fixed_interval_ns;
    return interval_field * (version == 2 ? XVRRP_NSEC_PER_SEC : XVRRP_NSEC_PER_CSEC);
}

/*
 * An accepted advert (6.4.2): the master must be declared down timeout_ns from now unless
 * another one comes. Only while the controller has the timer armed (Backup).
 */
static __always_inline void master_down_restart(struct xvrrp_rx_state *rx,
                                                const struct xvrrp_instance *inst,
                                                struct xvrrp_lease *lease, __u64 now,
                                                __u64 timeout_ns)
{
    __u64 deadline = now + timeout_ns;
    __u32 old;

    rx->master_down_interval_ns = timeout_ns;
    rx->master_down_deadline_ns = deadline;
    old = __sync_fetch_and_and(&rx->flags,
                               ~(XVRRP_RX_MASTER_DOWN | XVRRP_RX_TOOK_OVER | XVRRP_RX_GRACE));
    if (old & XVRRP_RX_GRACE) {
        __sync_fetch_and_add(&rx->grace_rescued, 1);
        count(timer_grace_rescued);
    }
    /* The master we presumed dead is back: a takeover the controller has not confirmed ends. */
    if ((old & XVRRP_RX_TOOK_OVER) && lease)
        answering_refresh(inst->role, rx, lease, now);
    vrid_timer_schedule(rx, now, deadline);
}

/*
 * The timer fired while watching. Returns when to look again, or 0 once the master has been
 * declared down (the controller re-arms, or an accepted advert restarts it).
 */
static __always_inline __u64 master_down_expiry(struct xvrrp_vrid_key *key,
                                                struct xvrrp_rx_state *rx, __u64 now)
{
    __u64 deadline = rx->master_down_deadline_ns;
    struct event_fields f = {};
    struct xvrrp_instance *inst;
    struct xvrrp_lease *lease;
    __u32 type = XVRRP_EV_MASTER_DOWN;
    __u64 ring_flags = 0, late;

    if (now < deadline) {
        /* An advert moved it. One that came after a late expiry's grace began rescued it. */
        if (__sync_fetch_and_and(&rx->flags, ~XVRRP_RX_GRACE) & XVRRP_RX_GRACE) {
            __sync_fetch_and_add(&rx->grace_rescued, 1);
            count(timer_grace_rescued);
        }
        __sync_fetch_and_add(&rx->timer_rearms, 1);
        return deadline;
    }
    inst = bpf_map_lookup_elem(&instances, key);
    late = now - deadline;
    if (rx->flags & XVRRP_RX_GRACE) {
        if (now < rx->grace_until_ns)
            return rx->grace_until_ns;
        if (inst && late < rx->master_down_interval_ns &&
            stalled_advert_cpu(now, inst->late_threshold_ns)) {
            /* At most one Master_Down_Interval past the deadline, whatever the grace. */
            __u64 limit = deadline + rx->master_down_interval_ns;

            rx->grace_until_ns =
                now + inst->late_grace_ns < limit ? now + inst->late_grace_ns : limit;
            count(timer_grace_extended);
            return rx->grace_until_ns;
        }
        f.flags = XVRRP_EVF_AFTER_GRACE;
        __sync_fetch_and_add(&rx->grace_expired, 1);
        count(timer_grace_expired);
    } else if (inst && inst->late_grace_ns && late > inst->late_threshold_ns) {
        rx->grace_until_ns = now + inst->late_grace_ns;
        __sync_fetch_and_or(&rx->flags, XVRRP_RX_GRACE);
        __sync_fetch_and_add(&rx->late_expiries, 1);
        count(timer_late);
        return rx->grace_until_ns;
    } else if (inst && inst->late_grace_ns && stalled_advert_cpu(now, inst->late_threshold_ns)) {
        rx->grace_until_ns = now + inst->late_grace_ns;
        __sync_fetch_and_or(&rx->flags, XVRRP_RX_GRACE);
        __sync_fetch_and_add(&rx->stall_graces, 1);
        count(timer_cpu_stalled);
        return rx->grace_until_ns;
    }

    /* RFC 5798 6.4.2: Master_Down_Timer fires. */
    __sync_fetch_and_and(&rx->flags, ~XVRRP_RX_GRACE);
    rx->master_down_at_ns = now;
    __sync_fetch_and_add(&rx->timer_fires, 1);
    count(timer_master_down);
    lease = lease_of(key->vrid);
    if (inst && lease && (inst->role & XVRRP_ROLE_TAKEOVER_ARMED)) {
        /* Take over now, before the controller runs: a lease of takeover_grace_ns that the
         * advert threads renew as soon as they send, the controller once it confirms. */
        __sync_fetch_and_or(&rx->flags, XVRRP_RX_MASTER_DOWN | XVRRP_RX_TOOK_OVER);
        lease->expires_ns = now + inst->takeover_grace_ns;
        lease->took_over_ns = now;
        answering_refresh(inst->role, rx, lease, now);
        count(timer_takeover);
        type = XVRRP_EV_TAKEOVER;
        ring_flags = BPF_RB_FORCE_WAKEUP; /* the advert threads wait on the ring too */
    } else {
        __sync_fetch_and_or(&rx->flags, XVRRP_RX_MASTER_DOWN);
    }
    addr16_copy(f.src, rx->master_addr);
    f.priority = rx->master_priority;
    f.version = rx->version;
    f.interval_field = rx->interval_field;
    f.master_down_interval_ns = rx->master_down_interval_ns;
    f.deadline_ns = deadline;
    f.advert_cpu = (__u16)rx->advert_cpu;
    emit_event(type, key->vrid, now, &f, ring_flags);
    return 0;
}

#endif /* XVRRP_BPF_MASTER_DOWN_H */
