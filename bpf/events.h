/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* Ring-buffer events to the controller: never blocks; a full ring is counted. */
#ifndef XVRRP_BPF_EVENTS_H
#define XVRRP_BPF_EVENTS_H

#include "maps.h"

static __always_inline void emit_event(__u32 type, __u32 vrid, __u64 now, __be32 src, __u8 priority,
                                       __u8 version, __u16 interval_field, __u64 mdi_ns)
{
    struct xvrrp_event *e = bpf_ringbuf_reserve(&events, sizeof(*e), 0);

    if (!e) {
        count(event_dropped);
        return;
    }
    e->ts_ns = now;
    e->type = type;
    e->vrid = vrid;
    e->src = src;
    e->priority = priority;
    e->version = version;
    e->interval_field = interval_field;
    e->master_down_interval_ns = mdi_ns;
    bpf_ringbuf_submit(e, 0);
    count(event_sent);
}

#endif /* XVRRP_BPF_EVENTS_H */
