/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The controller's command channel into the per-VRID kernel state, and the VRID timer's
 * callback that it installs. The controller runs xvrrp_control with BPF_PROG_TEST_RUN and a
 * struct xvrrp_control (include/xvrrp/abi.h): a map update from user space would cancel the
 * timer in rx_state, a program writes the fields in place. Used at state changes only (a
 * takeover, a step-down, start-up), never per advert or per packet.
 */
#ifndef XVRRP_BPF_CONTROL_H
#define XVRRP_BPF_CONTROL_H

#include "answering.h"
#include "master_down.h"

/* The VRID's timer fired: the lease and the Master_Down_Timer say when it fires next. */
static int vrid_timer_fired(void *map, struct xvrrp_vrid_key *key, struct xvrrp_rx_state *rx)
{
    __u64 now = bpf_ktime_get_ns();
    __u64 next = 0, when;
    __u32 flags;

    rx->timer_cpu = bpf_get_smp_processor_id();
    /* How late this host fires timers, every expiry counted (status, bpftool). */
    if (now > rx->timer_expires_ns)
        __sync_fetch_and_add(&rx->late_hist[log2_us_bucket(now - rx->timer_expires_ns)], 1);
    else
        __sync_fetch_and_add(&rx->late_hist[0], 1);

    /* Cleared before the deadlines are read: see vrid_timer_schedule(). */
    flags = __sync_fetch_and_and(&rx->flags, ~XVRRP_RX_TIMER_RUNNING);
    if (flags & XVRRP_RX_LEASE_WATCH) {
        when = lease_watch_expiry(key->vrid, rx, now);
        if (when && (!next || when < next))
            next = when;
    }
    if ((flags & XVRRP_RX_WATCHING) && !(flags & XVRRP_RX_MASTER_DOWN)) {
        when = master_down_expiry(key, rx, now);
        if (when && (!next || when < next))
            next = when;
    }
    if (next)
        vrid_timer_schedule(rx, now, next);
    return 0;
}

/* The VRID's rx_state, created if it does not exist yet (never replacing a live one). */
static __always_inline struct xvrrp_rx_state *rx_state_get(struct xvrrp_vrid_key *key)
{
    struct xvrrp_rx_state *rx = bpf_map_lookup_elem(&rx_state, key);
    struct xvrrp_rx_state init = {};

    if (rx)
        return rx;
    bpf_map_update_elem(&rx_state, key, &init, BPF_NOEXIST);
    return bpf_map_lookup_elem(&rx_state, key);
}

/* 0, or the bpf_timer_init error (-ENOMEM on 6.18 when memory is short: the controller then
 * watches the deadline itself). */
static __always_inline int vrid_timer_init(struct xvrrp_rx_state *rx)
{
    int err;

    if (rx->flags & XVRRP_RX_TIMER_READY)
        return 0;
    err = bpf_timer_init(&rx->timer, &rx_state, CLOCK_MONOTONIC);
    if (err && err != -XVRRP_EBUSY /* initialised by an earlier, interrupted attempt */) {
        count(timer_error);
        return err;
    }
    err = bpf_timer_set_callback(&rx->timer, vrid_timer_fired);
    if (err) {
        count(timer_error);
        return err;
    }
    __sync_fetch_and_or(&rx->flags, XVRRP_RX_TIMER_READY);
    return 0;
}

SEC("syscall")
int xvrrp_control(struct xvrrp_control *cmd)
{
    struct xvrrp_vrid_key key = {.vrid = cmd->vrid};
    struct xvrrp_instance *inst;
    struct xvrrp_rx_state *rx;
    struct xvrrp_lease *lease;
    __u64 now = bpf_ktime_get_ns();
    int err = 0;

    cmd->now_ns = now;
    inst = bpf_map_lookup_elem(&instances, &key);
    lease = lease_of(cmd->vrid);
    rx = rx_state_get(&key);
    if (!inst || !lease || !rx) {
        cmd->error = inst ? -XVRRP_ENOMEM : -XVRRP_ENOENT;
        return 0;
    }
    switch (cmd->op) {
    case XVRRP_CTL_SET_ROLE:
        inst->priority = cmd->priority;
        inst->role = cmd->role;
        /* Master: a takeover the kernel made is confirmed; nothing of it is left to undo. */
        if (cmd->role & XVRRP_ROLE_MASTER) {
            __sync_fetch_and_and(&rx->flags, ~(XVRRP_RX_MASTER_DOWN | XVRRP_RX_TOOK_OVER));
            /* A master's Master_Adver_Interval is its own Advertisement_Interval (RFC 9568
             * 6.4.1): forget the one learned as backup until an advert is accepted again. */
            rx->master_adver_interval_ns = 0;
        }
        if (role_may_answer(cmd->role, rx->flags))
            err = vrid_timer_init(rx); /* to watch the lease; else the clock does */
        answering_refresh(cmd->role, rx, lease, now);
        break;
    case XVRRP_CTL_ARM_MASTER_DOWN:
        err = vrid_timer_init(rx);
        rx->master_down_interval_ns = cmd->interval_ns;
        rx->master_down_deadline_ns = now + cmd->interval_ns;
        __sync_fetch_and_and(&rx->flags,
                             ~(XVRRP_RX_MASTER_DOWN | XVRRP_RX_TOOK_OVER | XVRRP_RX_GRACE));
        __sync_fetch_and_or(&rx->flags, XVRRP_RX_WATCHING);
        answering_refresh(inst->role, rx, lease, now);
        vrid_timer_schedule(rx, now, rx->master_down_deadline_ns);
        break;
    case XVRRP_CTL_DISARM_MASTER_DOWN:
        /* The timer, if running, finds nothing to watch and stops (or goes on for the lease). */
        __sync_fetch_and_and(&rx->flags, ~(XVRRP_RX_WATCHING | XVRRP_RX_GRACE));
        break;
    default:
        err = -XVRRP_EINVAL;
    }
    cmd->error = err;
    cmd->answering = lease->answering;
    return 0;
}

#endif /* XVRRP_BPF_CONTROL_H */
