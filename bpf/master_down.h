/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The master-down timer in the kernel (RFC 5798 6.4.2): one bpf_timer per VRID, living in
 * rx_state, which only BPF writes (a user-space update of the element would cancel it).
 * Every accepted advert moves its deadline; when it passes, the master is presumed dead.
 */
#ifndef XVRRP_BPF_MASTER_DOWN_H
#define XVRRP_BPF_MASTER_DOWN_H

#include "events.h"

#define NSEC_PER_SEC 1000000000ULL
#define NSEC_PER_CSEC 10000000ULL
#define CLOCK_MONOTONIC 1

/*
 * Master_Adver_Interval: fixed in fast mode, else what the master carries (RFC 5798 6.4.2:
 * a backup learns it from each advert; VRRPv2 carries seconds, v3 centiseconds).
 */
static __always_inline __u64 master_adver_interval_ns(const struct xvrrp_instance *inst,
                                                      __u8 version, __u16 interval_field)
{
    if (inst->fixed_interval_ns)
        return inst->fixed_interval_ns;
    return interval_field * (version == 2 ? NSEC_PER_SEC : NSEC_PER_CSEC);
}

/* Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256 (RFC 5798 6.1);
 * RFC 3768 (v2): (256 - Priority) / 256 seconds. */
static __always_inline __u64 skew_time_ns(const struct xvrrp_instance *inst, __u64 mai_ns)
{
    __u64 base = (inst->version == 2 && !inst->fixed_interval_ns) ? NSEC_PER_SEC : mai_ns;
    return ((256 - (__u64)inst->priority) * base) >> 8;
}

/*
 * The hrtimer fired. Adverts only move master_down_deadline_ns (master_down_arm), so first
 * check it: if an advert came since the timer was started, sleep for what is left. Otherwise
 * no acceptable advert came for Master_Down_Interval: mark the entry and tell the controller.
 * If the controller armed "take over on timeout", ARP for this VRID's VIPs is answered from
 * this instant (see vrid_may_answer), for takeover_grace_ns at most unless the controller
 * confirms by becoming master.
 */
static int master_down_fired(void *map, struct xvrrp_vrid_key *key, struct xvrrp_rx_state *rx)
{
    __u64 now = bpf_ktime_get_ns();
    __u64 deadline = rx->master_down_deadline_ns;
    struct xvrrp_instance *inst;
    __u32 type = XVRRP_EV_MASTER_DOWN;

    if (now < deadline) {
        rx->timer_expires_ns = deadline;
        __sync_fetch_and_add(&rx->timer_rearms, 1);
        if (bpf_timer_start(&rx->timer, deadline - now, 0)) {
            rx->flags &= ~XVRRP_RX_TIMER_RUNNING;
            count(timer_error);
        }
        return 0;
    }
    rx->flags &= ~XVRRP_RX_TIMER_RUNNING;
    inst = bpf_map_lookup_elem(&instances, key);
    rx->master_down_at_ns = now;
    __sync_fetch_and_add(&rx->timer_fires, 1);
    count(timer_master_down);
    if (inst && (inst->flags & XVRRP_INST_TAKEOVER_ARMED)) {
        rx->takeover_until_ns = now + inst->takeover_grace_ns;
        rx->flags |= XVRRP_RX_MASTER_DOWN | XVRRP_RX_TOOK_OVER;
        count(timer_takeover);
        type = XVRRP_EV_TAKEOVER;
    } else {
        rx->flags |= XVRRP_RX_MASTER_DOWN;
    }
    emit_event(type, key->vrid, now, rx->master_addr, rx->master_priority, rx->version,
               rx->interval_field, rx->master_down_interval_ns);
    return 0;
}

/*
 * The master must be declared down timeout_ns after now, unless another accepted advert comes.
 * Lazily: most adverts only move the deadline (a store); the hrtimer is (re)started only when
 * it is not running or would fire later than the new deadline (priority 0 sets Skew_Time; a
 * shorter interval). The expiry then sleeps again for what is left, so the master is declared
 * down exactly at its deadline, at the cost of one expiry per Master_Down_Interval instead of
 * an hrtimer restart per advert.
 */
static __always_inline void master_down_arm(struct xvrrp_rx_state *rx, __u64 now,
                                            __u64 timeout_ns)
{
    __u64 deadline = now + timeout_ns;

    if (!(rx->flags & XVRRP_RX_TIMER_READY)) {
        int err = bpf_timer_init(&rx->timer, &rx_state, CLOCK_MONOTONIC);
        if (err && err != -16 /* -EBUSY: another CPU got there first */) {
            count(timer_error);
            return;
        }
        if (bpf_timer_set_callback(&rx->timer, master_down_fired)) {
            count(timer_error);
            return;
        }
        rx->flags |= XVRRP_RX_TIMER_READY;
    }
    rx->master_down_interval_ns = timeout_ns;
    rx->master_down_deadline_ns = deadline;
    rx->flags &= ~(XVRRP_RX_MASTER_DOWN | XVRRP_RX_TOOK_OVER);
    if ((rx->flags & XVRRP_RX_TIMER_RUNNING) && rx->timer_expires_ns <= deadline)
        return; /* it fires no later than needed and will sleep again for the rest */
    rx->timer_expires_ns = deadline;
    rx->flags |= XVRRP_RX_TIMER_RUNNING;
    if (bpf_timer_start(&rx->timer, timeout_ns, 0)) {
        rx->flags &= ~XVRRP_RX_TIMER_RUNNING;
        count(timer_error);
    }
}

#endif /* XVRRP_BPF_MASTER_DOWN_H */
