/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The virtual MAC (use_vmac, RFC 5798 7.3): the master answers ARP for its VIPs with
 * 00-00-5E-00-01-{VRID} and sends from it, so clients and switches keep one MAC for the VIP
 * across a failover. The NIC receives frames to it because xvrrpd adds it to the interface's
 * unicast filter; the kernel's stack would still take them for another host's (PACKET_OTHERHOST)
 * and drop them, so their destination becomes the interface's own MAC here, before XDP_PASS.
 * Only for VRIDs configured with it (XVRRP_INST_VMAC), and only while this server answers ARP
 * for the VRID (leases[vrid].answering): a backup that gets such a frame (a switch flooding it)
 * leaves it to the kernel, which drops it. ARP is handled before, by arp.h, which answers a
 * request unicast to the virtual MAC.
 */
#ifndef XVRRP_BPF_VMAC_H
#define XVRRP_BPF_VMAC_H

#include <linux/if_ether.h>

#include "answering.h"

static __always_inline int pass_to_host(struct ethhdr *eth)
{
    struct xvrrp_vrid_key key = {};
    struct xvrrp_instance *inst;
    struct xvrrp_lease *lease;
    const __u8 *d = eth->h_dest;
    __u32 answering;

    /* 00-00-5E-00-01-{VRID}: the IPv4 virtual router MAC; anything else passes at once. */
    if (d[0] != 0x00 || d[1] != 0x00 || d[2] != 0x5e || d[3] != 0x00 || d[4] != 0x01)
        return XDP_PASS;
    key.vrid = d[5];
    inst = bpf_map_lookup_elem(&instances, &key);
    if (!inst || !(inst->flags & XVRRP_INST_VMAC))
        return XDP_PASS;
    lease = lease_of(key.vrid);
    if (!lease)
        return XDP_PASS;
    answering = *(volatile __u32 *)&lease->answering;
    if (answering == ANSWER_NO ||
        (answering == ANSWER_BY_CLOCK && bpf_ktime_get_ns() >= lease->expires_ns))
        return XDP_PASS;
    __builtin_memcpy(eth->h_dest, inst->host_mac, ETH_ALEN);
    count(vmac_to_host);
    return XDP_PASS;
}

#endif /* XVRRP_BPF_VMAC_H */
