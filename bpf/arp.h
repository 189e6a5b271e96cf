/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The ARP responder: a request for a service IP (VIP) is turned into a reply in place and
 * sent back out of the same port (XDP_TX), only when this server is master for the VIP's
 * VRID and the controller's liveness lease is fresh (or the master-down timer just fired
 * while armed): leases[vrid].answering, see answering.h. A request for a VIP that we must not
 * answer is dropped, so the kernel never answers for a service IP on its own. ARP that is
 * not about a VIP goes to the kernel.
 */
#ifndef XVRRP_BPF_ARP_H
#define XVRRP_BPF_ARP_H

#include "answering.h"
#include "parsing.h"

/* RFC 826 reply, in place: swap the roles, answer with the VIP's hardware address. */
static __always_inline void arp_make_reply(struct ethhdr *eth, struct arp_eth_ipv4 *arp,
                                           const struct xvrrp_vip *vip, __be32 vip_addr)
{
    __builtin_memcpy(eth->h_dest, arp->sha, ETH_ALEN);
    __builtin_memcpy(eth->h_source, vip->mac, ETH_ALEN);
    arp->htype = bpf_htons(ARP_HTYPE_ETHER); /* as the kernel's reply: the device's type */
    arp->oper = bpf_htons(ARP_OP_REPLY);
    __builtin_memcpy(arp->tha, arp->sha, ETH_ALEN);
    arp->tpa = arp->spa;
    __builtin_memcpy(arp->sha, vip->mac, ETH_ALEN);
    arp->spa = vip_addr;
}

/* vlan: the frame's (vlan.h); the reply keeps the frame's tags, rewritten in place. */
static __always_inline int handle_arp(struct hdr_cursor *nh, void *data_end, struct ethhdr *eth,
                                      __u32 vlan)
{
    struct arp_eth_ipv4 *arp = parse_arp(nh, data_end);
    struct xvrrp_vip_key key;
    struct xvrrp_vip *vip;

    /* The kernel would drop these too (arp_rcv takes Ethernet (1) and IEEE 802 (6) hardware
     * types on an Ethernet device), so dropping them changes nothing else. */
    if (!arp ||
        (arp->htype != bpf_htons(ARP_HTYPE_ETHER) && arp->htype != bpf_htons(ARP_HTYPE_IEEE802)) ||
        arp->ptype != bpf_htons(ETH_P_IP) || arp->hlen != ETH_ALEN || arp->plen != 4) {
        count(arp_drop_malformed);
        return XDP_DROP;
    }
    /* Replies (including gratuitous replies) go to the kernel: it may have asked. */
    if (arp->oper != bpf_htons(ARP_OP_REQUEST)) {
        count(arp_pass);
        return XDP_PASS;
    }
    key.addr = arp->tpa;
    vip = bpf_map_lookup_elem(&vips, &key);
    if (!vip) {
        count(arp_pass);
        return XDP_PASS;
    }
    /* The service IP of an instance in another VLAN: that network is not ours to answer. */
    if (vip->vlan != vlan) {
        count(arp_pass_other_vlan);
        return XDP_PASS;
    }
    /* Unicast to another host's MAC (we see it in promiscuous mode, or as a bridge port): not
     * ours to answer; the kernel drops it or forwards it, as it would without us. A group
     * address (broadcast, or multicast: the kernel takes those as its own) is ours. */
    if (!mac_is_multicast(eth->h_dest) && !mac_equal(eth->h_dest, vip->mac)) {
        count(arp_pass_other_host);
        return XDP_PASS;
    }

    /* From here on the request is about a service IP: answered by us or by nobody. */
    if (arp->spa == arp->tpa) {
        count(arp_drop_gratuitous);
        return XDP_DROP;
    }
    if (mac_is_multicast(arp->sha) || mac_is_multicast(eth->h_source)) {
        count(arp_drop_bad_sender);
        return XDP_DROP;
    }
    switch (vrid_arp_verdict(vip->vrid)) {
    case ARP_ANSWER:
        break;
    case ARP_LEASE_EXPIRED:
        count(arp_drop_lease);
        return XDP_DROP;
    case ARP_NO_INSTANCE:
        count(arp_drop_no_instance);
        return XDP_DROP;
    default:
        count(arp_drop_backup);
        return XDP_DROP;
    }
    arp_make_reply(eth, arp, vip, key.addr);
    count(arp_reply);
    return XDP_TX;
}

#endif /* XVRRP_BPF_ARP_H */
