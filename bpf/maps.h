/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The maps, declared BTF-style so `bpftool map dump` prints named fields. Their key and value
 * types come from include/xvrrp/abi.h, which also says who writes each one.
 */
#ifndef XVRRP_BPF_MAPS_H
#define XVRRP_BPF_MAPS_H

#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>
#include <xvrrp/abi.h>

/* controller-written */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, XVRRP_MAX_INSTANCES);
    __type(key, struct xvrrp_vrid_key);
    __type(value, struct xvrrp_instance);
} instances SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, XVRRP_MAX_VIPS);
    __type(key, struct xvrrp_vip_key);
    __type(value, struct xvrrp_vip);
} vips SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, XVRRP_MAX_VIPS);
    __type(key, struct xvrrp_vip6_key);
    __type(value, struct xvrrp_vip);
} vips6 SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, XVRRP_MAX_ALLOWED_SRCS);
    __type(key, struct xvrrp_src_key);
    __type(value, struct xvrrp_allowed_src);
} allowed_srcs SEC(".maps");

/* shared through mmap: one slot per VRID (the lease, the ARP verdict) */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, XVRRP_LEASE_SLOTS);
    __uint(map_flags, BPF_F_MMAPABLE);
    __type(key, __u32);
    __type(value, struct xvrrp_lease);
} leases SEC(".maps");

/* BPF-written only (the XDP program, the VRID's timer, xvrrp_control): holds the timer */
struct {
    __uint(type, BPF_MAP_TYPE_HASH);
    __uint(max_entries, XVRRP_MAX_INSTANCES);
    __type(key, struct xvrrp_vrid_key);
    __type(value, struct xvrrp_rx_state);
} rx_state SEC(".maps");

/* BPF-written only: one entry per possible CPU (the loader sets max_entries), holds a timer */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, XVRRP_MAX_CPUS);
    __type(key, __u32);
    __type(value, struct xvrrp_cpu_watch);
} cpu_watch SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct xvrrp_counters);
} counters SEC(".maps");

struct {
    __uint(type, BPF_MAP_TYPE_RINGBUF);
    __uint(max_entries, XVRRP_RINGBUF_BYTES);
} events SEC(".maps");

/* controller-written: the schema version of pinned maps, and whether any VIP refuses traffic */
struct {
    __uint(type, BPF_MAP_TYPE_ARRAY);
    __uint(max_entries, 1);
    __type(key, __u32);
    __type(value, struct xvrrp_meta);
} meta SEC(".maps");

/* count(arp_reply): one per-CPU increment of a field of struct xvrrp_counters. */
static __always_inline struct xvrrp_counters *counters_this_cpu(void)
{
    __u32 zero = 0;
    return bpf_map_lookup_elem(&counters, &zero);
}

#define count(field)                                      \
    do {                                                  \
        struct xvrrp_counters *__c = counters_this_cpu(); \
        if (__c)                                          \
            __c->field++;                                 \
    } while (0)

#endif /* XVRRP_BPF_MAPS_H */
