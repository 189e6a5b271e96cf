/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Is every CPU that receives adverts running? (struct xvrrp_cpu_watch in abi.h says why.)
 *
 * Adverts reach the XDP program in the NAPI poll of one CPU at a time: a NIC queue's, or on
 * veth the sender's. If the hypervisor holds that vCPU, the adverts queued behind its poll
 * wait with it, even those another CPU sent, while the VRID's Master_Down_Timer, on another
 * CPU, fires on time: a live master would be declared dead. Such a CPU keeps a heartbeat, a
 * bpf_timer pinned to it, every advert interval, while it receives adverts of an armed VRID;
 * an expiry on time that finds a heartbeat overdue treats the host as stalled, as a late
 * expiry does. On resume a CPU runs its pending NET_RX softirq (the adverts) before its
 * HRTIMER softirq (the heartbeat), so a fresh heartbeat means its queued adverts are in.
 *
 * Only the CPU itself writes its entry (the advert path and the pinned heartbeat both run in
 * its softirq), so no atomics are needed; expiries on other CPUs only read it.
 */
#ifndef XVRRP_BPF_CPU_WATCH_H
#define XVRRP_BPF_CPU_WATCH_H

#include "vrid_timer.h"

#define XVRRP_HEARTBEAT_MIN_NS 50000ULL
#define XVRRP_HEARTBEAT_IDLE_PERIODS 4

static int cpu_heartbeat(void *map, __u32 *key, struct xvrrp_cpu_watch *w)
{
    __u64 now = bpf_ktime_get_ns();

    if (w->due_ns && now > w->due_ns + w->period_ns) {
        w->late_beats++;
        if (now - w->due_ns > w->worst_late_ns)
            w->worst_late_ns = now - w->due_ns;
    }
    w->beats++;
    w->seen_ns = now;
    if (now - w->advert_ns > XVRRP_HEARTBEAT_IDLE_NS &&
        now - w->advert_ns > XVRRP_HEARTBEAT_IDLE_PERIODS * w->period_ns) {
        /* No advert here for a second (and a few periods, for intervals of a second or
         * more): nothing to hold up. The next one starts it again. */
        w->flags &= ~XVRRP_CPU_TIMER_RUNNING;
        w->period_ns = 0;
        w->due_ns = 0;
        return 0;
    }
    w->due_ns = now + w->period_ns;
    if (timer_start_pinned(&w->timer, w->period_ns)) {
        w->flags &= ~XVRRP_CPU_TIMER_RUNNING;
        count(timer_error);
    }
    return 0;
}

/*
 * An accepted advert of an armed VRID on this CPU: keep (or start) its heartbeat, at the
 * master's advert interval (interval_ns, the Master_Adver_Interval the advert carries).
 */
static __always_inline void cpu_watch_advert(__u64 interval_ns, __u64 now)
{
    __u32 cpu = bpf_get_smp_processor_id();
    struct xvrrp_cpu_watch *w = bpf_map_lookup_elem(&cpu_watch, &cpu);
    __u64 period = interval_ns;
    long err;

    if (!w)
        return;
    if (period < XVRRP_HEARTBEAT_MIN_NS)
        period = XVRRP_HEARTBEAT_MIN_NS;
    w->advert_ns = now;
    w->seen_ns = now; /* taking an advert, it runs */
    if (w->flags & XVRRP_CPU_TIMER_RUNNING) {
        if (period >= w->period_ns)
            return;
        /* A shorter interval than the heartbeat's: beat by it from now, or an expiry would
         * find this CPU overdue by the new period while its timer still waits out the old. */
        w->period_ns = period;
        w->due_ns = now + period;
        if (timer_start_pinned(&w->timer, period)) {
            w->flags &= ~XVRRP_CPU_TIMER_RUNNING;
            count(timer_error);
        }
        return;
    }
    if (!w->period_ns || period < w->period_ns)
        w->period_ns = period; /* the next beat goes by the shortest interval */
    if (!(w->flags & XVRRP_CPU_TIMER_READY)) {
        err = bpf_timer_init(&w->timer, &cpu_watch, CLOCK_MONOTONIC);
        if (err && err != -XVRRP_EBUSY) {
            count(timer_error);
            return;
        }
        if (bpf_timer_set_callback(&w->timer, cpu_heartbeat)) {
            count(timer_error);
            return;
        }
        w->flags |= XVRRP_CPU_TIMER_READY;
    }
    w->due_ns = now + w->period_ns;
    if (timer_start_pinned(&w->timer, w->period_ns)) {
        count(timer_error);
        return;
    }
    w->flags |= XVRRP_CPU_TIMER_RUNNING;
}

struct stall_scan {
    __u64 now;
    __u64 slack;
    __u32 self;
    __u32 stalled; /* CPU + 1 of the first overdue heartbeat, 0 none */
};

static long scan_cpu(__u32 cpu, struct stall_scan *s)
{
    struct xvrrp_cpu_watch *w = bpf_map_lookup_elem(&cpu_watch, &cpu);

    if (!w)
        return 1; /* past the last possible CPU */
    if (cpu == s->self || !(w->flags & XVRRP_CPU_TIMER_RUNNING))
        return 0; /* our own lateness is measured directly; an idle CPU holds no adverts */
    if (s->now > w->seen_ns + w->period_ns + s->slack) {
        s->stalled = cpu + 1;
        return 1;
    }
    return 0;
}

/*
 * The first CPU (+ 1) whose heartbeat is more than slack_ns overdue: it stalled, and adverts
 * may wait behind it. 0: every CPU that receives adverts ran lately.
 */
static __always_inline __u32 stalled_advert_cpu(__u64 now, __u64 slack_ns)
{
    struct stall_scan s = {.now = now, .slack = slack_ns, .self = bpf_get_smp_processor_id()};

    bpf_loop(XVRRP_MAX_CPUS, scan_cpu, &s, 0);
    return s.stalled;
}

#endif /* XVRRP_BPF_CPU_WATCH_H */
