/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Accept mode (RFC 5798 6.1, 6.4.3). A master that is not the address owner accepts packets
 * addressed to the service IPs only with Accept_Mode True; a backup never does (6.4.2). For a
 * VIP whose instance has accept mode off (XVRRP_VIP_NO_ACCEPT, set by the controller unless it
 * is the owner), every IPv4 packet addressed to it is dropped here, before the kernel stack
 * could deliver it to a socket bound to it. What the protocol needs still works: ARP for the
 * VIP is answered by arp.h, and adverts are addressed to 224.0.0.18, not to a VIP.
 *
 * IPv6 VIPs (vips6) likewise, except that Neighbor Solicitations and Advertisements always go
 * on (nd.h answers NS for VIPs; ND is what makes the VIP reachable at all).
 *
 * While no VIP has the flag (meta.no_accept_vips == 0, the default: accepting, as keepalived),
 * an IPv4 or IPv6 packet costs one array lookup here, which the verifier inlines, and no hash
 * lookup.
 */
#ifndef XVRRP_BPF_ACCEPT_H
#define XVRRP_BPF_ACCEPT_H

#include <linux/ip.h>
#include <linux/ipv6.h>

#include "maps.h"

/* vlan: the frame's (vlan.h); only a packet in the VIP's own VLAN is addressed to the VIP. */
static __always_inline int handle_ipv4_to_vip(const struct iphdr *iph, __u32 vlan)
{
    struct xvrrp_vip_key key = {.addr = iph->daddr};
    struct xvrrp_meta *m;
    struct xvrrp_vip *vip;
    __u32 zero = 0;

    m = bpf_map_lookup_elem(&meta, &zero);
    if (!m || !m->no_accept_vips)
        return XDP_PASS;
    vip = bpf_map_lookup_elem(&vips, &key);
    if (!vip || !(vip->flags & XVRRP_VIP_NO_ACCEPT) || vip->vlan != vlan)
        return XDP_PASS;
    count(ipv4_drop_no_accept);
    return XDP_DROP;
}

/*
 * The same for an IPv6 VIP (vips6). ip6: a packet that is not a Neighbor Solicitation or
 * Advertisement (the caller sends those to nd.h or the kernel: ND for a VIP must work whatever
 * the accept mode, as ARP does).
 */
static __always_inline int handle_ipv6_to_vip(const struct ipv6hdr *ip6, __u32 vlan)
{
    struct xvrrp_vip6_key key;
    struct xvrrp_meta *m;
    struct xvrrp_vip *vip;
    __u32 zero = 0;

    m = bpf_map_lookup_elem(&meta, &zero);
    if (!m || !m->no_accept_vips)
        return XDP_PASS;
    __builtin_memcpy(key.addr, &ip6->daddr, sizeof(key.addr));
    vip = bpf_map_lookup_elem(&vips6, &key);
    if (!vip || !(vip->flags & XVRRP_VIP_NO_ACCEPT) || vip->vlan != vlan)
        return XDP_PASS;
    count(ipv6_drop_no_accept);
    return XDP_DROP;
}

#endif /* XVRRP_BPF_ACCEPT_H */
