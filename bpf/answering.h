/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Whether ARP (and Neighbor Discovery, for IPv6 service IPs) for a VRID's service IPs is
 * answered: leases[vrid].answering, the one word the ARP and ND paths read. It is 1 while the
 * role allows it (Master, or a takeover the kernel made while armed) and the controller's lease
 * is fresh. Nothing on the ARP path reads the clock:
 * the VRID's timer watches the lease and clears the word when it runs out, so a dead
 * controller stops answering within its lease plus the timer's lateness.
 *
 * When the kernel has no timer for the VRID (bpf_timer_init failed), the word is 2: answer
 * while the clock says the lease is fresh (the old, slower check).
 */
#ifndef XVRRP_BPF_ANSWERING_H
#define XVRRP_BPF_ANSWERING_H

#include "vrid_timer.h"

#define ANSWER_NO 0
#define ANSWER_YES 1
#define ANSWER_BY_CLOCK 2

static __always_inline struct xvrrp_lease *lease_of(__u32 vrid)
{
    return bpf_map_lookup_elem(&leases, &vrid);
}

static __always_inline int role_may_answer(__u32 role, __u32 rx_flags)
{
    if (role & XVRRP_ROLE_MASTER)
        return 1;
    return (role & XVRRP_ROLE_TAKEOVER_ARMED) && (rx_flags & XVRRP_RX_TOOK_OVER);
}

/* Recompute the verdict after the role, TOOK_OVER or the lease changed. */
static __always_inline __u32 answering_refresh(__u32 role, struct xvrrp_rx_state *rx,
                                               struct xvrrp_lease *lease, __u64 now)
{
    __u64 expires = *(volatile __u64 *)&lease->expires_ns;
    __u32 verdict = ANSWER_NO;

    if (rx && role_may_answer(role, rx->flags) && now < expires) {
        if (rx->flags & XVRRP_RX_TIMER_READY) {
            verdict = ANSWER_YES;
            __sync_fetch_and_or(&rx->flags, XVRRP_RX_LEASE_WATCH);
            vrid_timer_schedule(rx, now, expires);
        } else {
            verdict = ANSWER_BY_CLOCK;
        }
    } else if (rx) {
        __sync_fetch_and_and(&rx->flags, ~XVRRP_RX_LEASE_WATCH);
    }
    __sync_lock_test_and_set(&lease->answering, verdict);
    return verdict;
}

/* The timer fired while watching the lease: returns when to look again (0: no more). */
static __always_inline __u64 lease_watch_expiry(__u32 vrid, struct xvrrp_rx_state *rx, __u64 now)
{
    struct xvrrp_lease *lease = lease_of(vrid);
    __u64 expires;

    if (!lease)
        return 0;
    expires = *(volatile __u64 *)&lease->expires_ns;
    if (now < expires)
        return expires;
    __sync_lock_test_and_set(&lease->answering, ANSWER_NO);
    __sync_fetch_and_and(&rx->flags, ~XVRRP_RX_LEASE_WATCH);
    __sync_fetch_and_add(&rx->lease_expiries, 1);
    count(lease_expired);
    return 0;
}

/* The verdict for one request (ARP in arp.h, Neighbor Solicitations in nd.h, and the virtual
 * MAC's delivery in vmac.h): the same rules for all. */
enum arp_verdict {
    ARP_ANSWER,
    ARP_NOT_MASTER,
    ARP_LEASE_EXPIRED,
    ARP_NO_INSTANCE,
};

/*
 * The slow path: leases[vrid].answering said no (or "by the clock"). Says why, for the
 * counters, and repairs the verdict when the lease was renewed after it had run out (an advert
 * thread that stalled longer than the lease: the VRID's timer had stopped watching it).
 */
static __attribute__((noinline)) enum arp_verdict vrid_arp_verdict_slow(__u32 vrid,
                                                                        struct xvrrp_lease *lease)
{
    struct xvrrp_vrid_key key = {.vrid = vrid};
    struct xvrrp_instance *inst;
    struct xvrrp_rx_state *rx;
    __u64 now;

    inst = bpf_map_lookup_elem(&instances, &key);
    if (!inst)
        return ARP_NO_INSTANCE;
    rx = bpf_map_lookup_elem(&rx_state, &key);
    if (!role_may_answer(inst->role, rx ? rx->flags : 0))
        return ARP_NOT_MASTER;
    now = bpf_ktime_get_ns();
    if (now >= *(volatile __u64 *)&lease->expires_ns)
        return ARP_LEASE_EXPIRED;
    if (lease->answering == ANSWER_NO)
        answering_refresh(inst->role, rx, lease, now);
    return ARP_ANSWER;
}

/* May this server answer for a VIP of this VRID right now? One array lookup, no clock. */
static __always_inline enum arp_verdict vrid_arp_verdict(__u32 vrid)
{
    struct xvrrp_lease *lease = lease_of(vrid);

    if (!lease)
        return ARP_NO_INSTANCE;
    if (lease->answering == ANSWER_YES)
        return ARP_ANSWER;
    return vrid_arp_verdict_slow(vrid, lease);
}

#endif /* XVRRP_BPF_ANSWERING_H */
