/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The ARP responder: a request for a service IP (VIP) is turned into a reply in place and
 * sent back out of the same port (XDP_TX), only when this server is master for the VIP's
 * VRID and the controller's liveness lease is fresh (or the master-down timer just fired
 * while armed). A request for a VIP that we must not answer is dropped, so the kernel never
 * answers for a service IP on its own. ARP that is not about a VIP goes to the kernel.
 */
#ifndef XVRRP_BPF_ARP_H
#define XVRRP_BPF_ARP_H

#include "maps.h"
#include "parsing.h"

enum arp_verdict {
    ARP_ANSWER,
    ARP_NOT_MASTER,
    ARP_LEASE_EXPIRED,
    ARP_NO_INSTANCE,
};

/* May this server answer for a VIP of this VRID right now? Reads the clock only here. */
static __always_inline enum arp_verdict vrid_may_answer(__u32 vrid)
{
    struct xvrrp_vrid_key key = {.vrid = vrid};
    struct xvrrp_instance *inst;
    struct xvrrp_rx_state *rx;
    struct xvrrp_lease *lease;
    __u64 now;

    inst = bpf_map_lookup_elem(&instances, &key);
    if (!inst)
        return ARP_NO_INSTANCE;
    if (!(inst->flags & (XVRRP_INST_MASTER | XVRRP_INST_TAKEOVER_ARMED)))
        return ARP_NOT_MASTER;

    now = bpf_ktime_get_ns();
    if (inst->flags & XVRRP_INST_MASTER) {
        lease = bpf_map_lookup_elem(&leases, &vrid);
        if (lease && now < *(volatile __u64 *)&lease->expires_ns)
            return ARP_ANSWER;
    }
    /* The master-down timer fired while armed: answer until the controller takes over. */
    if (inst->flags & XVRRP_INST_TAKEOVER_ARMED) {
        rx = bpf_map_lookup_elem(&rx_state, &key);
        if (rx && (rx->flags & XVRRP_RX_TOOK_OVER) && now < rx->takeover_until_ns)
            return ARP_ANSWER;
    }
    return (inst->flags & XVRRP_INST_MASTER) ? ARP_LEASE_EXPIRED : ARP_NOT_MASTER;
}

/* RFC 826 reply, in place: swap the roles, answer with the VIP's hardware address. */
static __always_inline void arp_make_reply(struct ethhdr *eth, struct arp_eth_ipv4 *arp,
                                           const struct xvrrp_vip *vip, __be32 vip_addr)
{
    __builtin_memcpy(eth->h_dest, arp->sha, ETH_ALEN);
    __builtin_memcpy(eth->h_source, vip->mac, ETH_ALEN);
    arp->oper = bpf_htons(ARP_OP_REPLY);
    __builtin_memcpy(arp->tha, arp->sha, ETH_ALEN);
    arp->tpa = arp->spa;
    __builtin_memcpy(arp->sha, vip->mac, ETH_ALEN);
    arp->spa = vip_addr;
}

static __always_inline int handle_arp(struct hdr_cursor *nh, void *data_end, struct ethhdr *eth)
{
    struct arp_eth_ipv4 *arp = parse_arp(nh, data_end);
    struct xvrrp_vip_key key;
    struct xvrrp_vip *vip;

    /* The kernel would drop these too (arp_rcv), so dropping them changes nothing else. */
    if (!arp || arp->htype != bpf_htons(ARP_HTYPE_ETHER) || arp->ptype != bpf_htons(ETH_P_IP) ||
        arp->hlen != ETH_ALEN || arp->plen != 4) {
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

    /* From here on the request is about a service IP: answered by us or by nobody. */
    if (arp->spa == arp->tpa) {
        count(arp_drop_gratuitous);
        return XDP_DROP;
    }
    if (mac_is_multicast(arp->sha) || mac_is_multicast(eth->h_source)) {
        count(arp_drop_bad_sender);
        return XDP_DROP;
    }
    switch (vrid_may_answer(vip->vrid)) {
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
