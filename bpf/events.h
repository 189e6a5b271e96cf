/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Ring-buffer events to the controller: never blocks; a full ring is counted. */
#ifndef XVRRP_BPF_EVENTS_H
#define XVRRP_BPF_EVENTS_H

#include "maps.h"
#include "parsing.h"

/* What an event says besides its type; filled by the caller. */
struct event_fields {
    __u64 src[2]; /* 16 bytes, IPv4 mapped (abi.h) */
    __u8 priority;
    __u8 version;
    __u16 interval_field;
    __u64 master_down_interval_ns;
    __u64 deadline_ns;
    __u32 flags;
    __u16 advert_cpu;
};

/*
 * ring_flags 0 lets the ring decide whether to wake the controller (it does when the
 * controller has read everything before this event). BPF_RB_FORCE_WAKEUP wakes every waiter
 * whatever the ring holds: the advert threads wait on the ring without reading it (a takeover).
 */
static __always_inline void emit_event(__u32 type, __u32 vrid, __u64 now,
                                       const struct event_fields *f, __u64 ring_flags)
{
    struct xvrrp_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

    if (!e) {
        count(event_dropped);
        return;
    }
    e->ts_ns = now;
    e->type = type;
    e->vrid = vrid;
    addr16_copy(e->src, f->src);
    e->priority = f->priority;
    e->version = f->version;
    e->interval_field = f->interval_field;
    e->master_down_interval_ns = f->master_down_interval_ns;
    e->deadline_ns = f->deadline_ns;
    e->flags = f->flags;
    e->cpu = (__u16)bpf_get_smp_processor_id();
    e->advert_cpu = f->advert_cpu;
    bpf_ringbuf_submit(e, ring_flags);
    count(event_sent);
}

#endif /* XVRRP_BPF_EVENTS_H */
