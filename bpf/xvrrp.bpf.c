// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * xvrrp's XDP program, attached to each uplink that runs a VRRP instance.
 *
 *   tagged ARP/VRRP/NS of a VLAN without an instance here -> vlan.h: passed untouched
 *   ARP request for a service IP  -> arp.h: answered in place (XDP_TX) or dropped
 *   IPv4 protocol 112 (VRRP)      -> advert.h: validated, recorded, timer re-armed, consumed
 *   IPv6 next header 112 (VRRP)   -> advert6.h: the same, over IPv6
 *   other IPv4 to a service IP    -> accept.h: dropped if its instance has accept mode off
 *   ICMPv6 Neighbor Solicitation  -> nd.h: for an IPv6 service IP answered in place (XDP_TX)
 *                                    or dropped, under the ARP rules; otherwise passed
 *   ICMPv6 Neighbor Advertisement -> XDP_PASS (never refused by accept mode)
 *   other IPv6 to a service IP    -> accept.h: dropped if its instance has accept mode off
 *   everything else               -> XDP_PASS after a few instructions
 *
 * xvrrp_tc (vmac.h), on tc ingress, hands frames to our virtual MAC to the stack as its own.
 *
 * xvrrp_control (control.h) is the controller's command channel into the per-VRID state, run
 * with BPF_PROG_TEST_RUN at state changes; it installs the VRID timer's callback.
 *
 * Maps (maps.h) and their key/value layouts (include/xvrrp/abi.h) are shared with xvrrpd.
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "parsing.h"
#include "maps.h"
#include "vlan.h"
#include "arp.h"
#include "nd.h"
#include "advert.h"
#include "advert6.h"
#include "accept.h"
#include "vmac.h"
#include "control.h"

static __always_inline int xvrrp_process(struct xdp_md *ctx)
{
    void *data_end = (void *)(long)ctx->data_end;
    void *data = (void *)(long)ctx->data;
    struct hdr_cursor nh = {.pos = data};
    struct ethhdr *eth;
    struct ipv6hdr *ip6;
    struct iphdr *iph;
    __u32 vlan;
    int proto;

    proto = parse_ethhdr(&nh, data_end, &eth, &vlan);
    if (proto == bpf_htons(ETH_P_ARP)) {
        if (!vlan_has_instance(vlan))
            goto other_vlan;
        return handle_arp(&nh, data_end, eth, vlan);
    }
    if (proto == bpf_htons(ETH_P_IP)) {
        iph = nh.pos;
        if ((void *)(iph + 1) <= data_end && iph->protocol == XVRRP_IPPROTO_VRRP) {
            if (!vlan_has_instance(vlan))
                goto other_vlan;
            return handle_vrrp(&nh, data_end, vlan);
        }
        if ((void *)(iph + 1) <= data_end)
            return handle_ipv4_to_vip(iph, vlan);
        return XDP_PASS;
    }
    if (proto == bpf_htons(ETH_P_IPV6)) {
        ip6 = parse_ipv6hdr(&nh, data_end);
        if (!ip6)
            return XDP_PASS; /* cut short or not version 6: the kernel's to drop */
        if (ipv6_is_vrrp(ip6, data_end)) {
            if (!vlan_has_instance(vlan))
                goto other_vlan;
            return handle_vrrp6(ip6, data_end, vlan);
        }
        switch (icmpv6_type(&nh, data_end, ip6)) {
        case ND_NEIGHBOR_SOLICIT:
            if (!vlan_has_instance(vlan))
                goto other_vlan;
            return handle_ns(ctx, &nh, data_end, eth, ip6, vlan);
        case ND_NEIGHBOR_ADVERT:
            return XDP_PASS; /* never refused by accept mode: ND needs it */
        }
        return handle_ipv6_to_vip(ip6, vlan);
    }
    if (proto == -2)
        count(vlan_too_deep);
    return XDP_PASS;
other_vlan:
    /* Not ours to look into: another network shares the trunk (vlan.h). */
    count(vlan_no_instance);
    return XDP_PASS;
}

SEC("xdp")
int xvrrp_xdp(struct xdp_md *ctx)
{
    return xvrrp_process(ctx);
}

SEC("tc")
int xvrrp_tc(struct __sk_buff *skb)
{
    return vmac_to_host(skb);
}

char LICENSE[] SEC("license") = "Dual BSD/GPL";
