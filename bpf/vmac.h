/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The virtual MAC (use_vmac, RFC 5798 7.3): the master answers ARP for its VIPs with
 * 00-00-5E-00-01-{VRID} (arp.h, the VIPs' mac), Neighbor Solicitations for IPv6 ones with
 * 00-00-5E-00-02-{VRID} (nd.h), and sends from it, so clients and switches keep
 * one MAC for the VIP across a failover. The NIC receives frames to it because xvrrpd adds it
 * to the interface's unicast address list. The kernel's stack would still take them for another
 * host's (eth_type_trans: PACKET_OTHERHOST) and drop them in ip_rcv.
 *
 * So this tc ingress program (xvrrp_tc, attached by xvrrpd only to an interface one of whose
 * instances uses the virtual MAC) gives such a frame the interface's own MAC as destination and
 * the packet type PACKET_HOST, before the stack sees it. It runs after the XDP program, on the
 * socket buffer: rewriting the header in XDP is not enough, because on veth the packet type is
 * set before XDP runs and not again after it (seen on 6.18). Only for VRIDs configured with it
 * (XVRRP_INST_VMAC), and only while this server answers ARP for the VRID (arp.h's
 * vrid_arp_verdict, the same decision as for ARP): a backup that gets such a frame (a switch
 * flooding it) leaves it to the kernel, which drops it. Every other frame goes on untouched
 * (TC_ACT_UNSPEC: the next filter, if any, decides).
 */
#ifndef XVRRP_BPF_VMAC_H
#define XVRRP_BPF_VMAC_H

#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <linux/pkt_cls.h>

#include "arp.h"

static __always_inline int vmac_to_host(struct __sk_buff *skb)
{
    void *data_end = (void *)(long)skb->data_end;
    struct ethhdr *eth = (void *)(long)skb->data;
    struct xvrrp_vrid_key key = {};
    struct xvrrp_instance *inst;
    __u8 host_mac[ETH_ALEN];
    const __u8 *d;

    if ((void *)(eth + 1) > data_end)
        return TC_ACT_UNSPEC;
    d = eth->h_dest;
    /* 00-00-5E-00-01-{VRID} and 00-00-5E-00-02-{VRID}: the IPv4 and IPv6 virtual router MACs
     * (IPv6 service IPs are answered with the latter, nd.h); anything else goes on at once. */
    if (d[0] != 0x00 || d[1] != 0x00 || d[2] != 0x5e || d[3] != 0x00 ||
        (d[4] != 0x01 && d[4] != 0x02))
        return TC_ACT_UNSPEC;
    key.vrid = d[5];
    inst = bpf_map_lookup_elem(&instances, &key);
    if (!inst || !(inst->flags & XVRRP_INST_VMAC) || vrid_arp_verdict(key.vrid) != ARP_ANSWER)
        return TC_ACT_UNSPEC;
    __builtin_memcpy(host_mac, inst->host_mac, ETH_ALEN);
    if (bpf_skb_store_bytes(skb, 0, host_mac, ETH_ALEN, 0) || bpf_skb_change_type(skb, PACKET_HOST))
        return TC_ACT_UNSPEC;
    count(vmac_to_host);
    return TC_ACT_UNSPEC;
}

#endif /* XVRRP_BPF_VMAC_H */
