/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The VRID's one bpf_timer (in rx_state, which only BPF writes) and when it fires. It serves
 * two deadlines: the Master_Down_Timer while the VRID watches a master (master_down.h), and the
 * controller's lease while ARP is answered (answering.h). It fires at the earlier of the two;
 * a deadline that moved later in the meantime only makes it sleep again (adverts and lease
 * renewals are plain stores, the timer is restarted only when a deadline comes closer).
 */
#ifndef XVRRP_BPF_VRID_TIMER_H
#define XVRRP_BPF_VRID_TIMER_H

#include "maps.h"

#define CLOCK_MONOTONIC 1
/* BPF_F_TIMER_CPU_PIN (kernel 6.7), missing from older UAPI headers */
#define XVRRP_TIMER_CPU_PIN (1ULL << 1)
/*
 * Every bpf_timer_start: pinned to this CPU. A kernel before 6.7 refuses the flag (-EINVAL):
 * there the timer runs where the kernel puts it (this CPU, unless timer migration moves it
 * off an idle one).
 */
static __always_inline long timer_start_pinned(struct bpf_timer *timer, __u64 nsecs)
{
    long err = bpf_timer_start(timer, nsecs, XVRRP_TIMER_CPU_PIN);

    if (err == -XVRRP_EINVAL)
        err = bpf_timer_start(timer, nsecs, 0);
    return err;
}

/* log2(microseconds) buckets, for advert gaps and timer lateness. */
static __always_inline __u32 log2_us_bucket(__u64 ns)
{
    __u64 us = ns / 1000;
    __u32 b = 0;

    if (us >= (1ULL << 16))
        b += 16, us >>= 16;
    if (us >= (1ULL << 8))
        b += 8, us >>= 8;
    if (us >= (1ULL << 4))
        b += 4, us >>= 4;
    if (us >= (1ULL << 2))
        b += 2, us >>= 2;
    if (us >= (1ULL << 1))
        b += 1;
    return b < XVRRP_GAP_BUCKETS ? b : XVRRP_GAP_BUCKETS - 1;
}

/*
 * Make the timer fire no later than `when`. Callers store the deadline they care about first;
 * the atomic or is a full barrier, and the callback clears TIMER_RUNNING (also atomically)
 * before it reads the deadlines: so either this sees the timer stopped and starts it, or the
 * callback sees the new deadline and starts it itself. Starting it twice is harmless (the
 * later start wins, both for a deadline that is still wanted).
 */
static __always_inline void vrid_timer_schedule(struct xvrrp_rx_state *rx, __u64 now, __u64 when)
{
    __u32 old;

    if (!(rx->flags & XVRRP_RX_TIMER_READY))
        return; /* no timer for this VRID (see XVRRP_CTL_ARM_MASTER_DOWN): the controller watches */
    old = __sync_fetch_and_or(&rx->flags, XVRRP_RX_TIMER_RUNNING);
    if ((old & XVRRP_RX_TIMER_RUNNING) && rx->timer_expires_ns <= when)
        return; /* it fires no later than needed and sleeps again for the rest */
    rx->timer_expires_ns = when;
    /* Pinned to this CPU (so that where it fires is known; see cpu_watch.h), not moved by the
     * kernel's timer migration. */
    if (timer_start_pinned(&rx->timer, when > now ? when - now : 1)) {
        __sync_fetch_and_and(&rx->flags, ~XVRRP_RX_TIMER_RUNNING);
        count(timer_error);
    }
}

#endif /* XVRRP_BPF_VRID_TIMER_H */
