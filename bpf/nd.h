/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * The Neighbor Discovery responder (RFC 4861), arp.h's twin for IPv6 service IPs (vips6): a
 * Neighbor Solicitation for a VIP is turned into a solicited Neighbor Advertisement in place
 * and sent back out of the same port (XDP_TX), under exactly the ARP rules: only while this
 * server may answer for the VIP's VRID (answering.h: master with a fresh lease, or the
 * master-down timer fired while armed). An NS for a VIP that we must not answer, or that
 * fails RFC 4861 7.1.1's validation, is dropped, so the kernel never answers for a service IP
 * on its own. An NS for any other target, and every other ICMPv6 message (NA, RS, RA, echo),
 * goes to the kernel: the NS after one hash lookup, the others untouched.
 *
 * Duplicate Address Detection (RFC 4862 5.4): a probe for a VIP (IPv6 source ::) is answered
 * as RFC 4861 7.2.4 says, S = 0 and to all-nodes: the prober learns that the address is in use
 * and does not take it (the VIP is defended, as an ARP probe is answered by arp.h).
 */
#ifndef XVRRP_BPF_ND_H
#define XVRRP_BPF_ND_H

#include <linux/ipv6.h>

#include "answering.h"
#include "csum.h"
#include "parsing.h"

#define ND_NEXT_HEADER_ICMPV6 58
#define ND_NEIGHBOR_SOLICIT 135
#define ND_NEIGHBOR_ADVERT 136
#define ND_OPT_SOURCE_LL 1
#define ND_OPT_TARGET_LL 2
#define ND_HOP_LIMIT 255

/* NA flags (RFC 4861 4.4): the first word after the checksum, host order. */
#define ND_NA_ROUTER 0x80000000u
#define ND_NA_SOLICITED 0x40000000u
#define ND_NA_OVERRIDE 0x20000000u

/* NS and NA share this layout (RFC 4861 4.3, 4.4): 24 bytes, then options. */
struct nd_msg {
    __u8 type;
    __u8 code;
    __sum16 checksum;
    __be32 flags; /* NA: R, S, O; NS: reserved */
    __u8 target[16];
};

/* A link-layer address option on Ethernet (RFC 4861 4.6.1, RFC 2464 6): 8 bytes, length 1. */
struct nd_opt_lladdr {
    __u8 type;
    __u8 len; /* in units of 8 bytes */
    __u8 addr[ETH_ALEN];
};

/* Our NA: the message and one Target Link-Layer Address option, 32 bytes. */
#define ND_NA_BYTES (sizeof(struct nd_msg) + sizeof(struct nd_opt_lladdr))

/* The longest NS checked: all of a 1500-byte MTU's IPv6 payload. Real ones carry 0-2 options
 * (24-40 bytes); a longer one for a VIP (jumbo frames) is dropped as malformed. */
#define ND_MAX_BYTES (XVRRP_MAX_ND_WORDS * 4)
#define ND_MAX_OPTS ((ND_MAX_BYTES - sizeof(struct nd_msg)) / 8)

/* Where the IPv6 header can start: after Ethernet and at most two VLAN tags (parsing.h). */
#define ND_MAX_L3_OFFSET (ETH_HLEN + 4 * XVRRP_MAX_VLAN_DEPTH)

/* What the NA takes from the NS, kept on the stack across bpf_xdp_adjust_tail(). */
struct nd_request {
    __u8 ip_dst[16];        /* the NA's IPv6 destination */
    __u8 mac_dst[ETH_ALEN]; /* ... and Ethernet destination */
    __u8 slla[ETH_ALEN];    /* the NS's Source Link-Layer Address option */
    __u8 has_slla;
};

/*
 * Where the IPv6 header starts: after Ethernet and the 0-2 VLAN tags parse_ethhdr() walked,
 * which stopped at the first EtherType that is not a tag. Read again from the frame: the
 * difference of two packet pointers is refused to a loader without CAP_PERFMON.
 */
static __always_inline __u32 ipv6_header_offset(const struct ethhdr *eth, const void *data_end)
{
    const struct vlan_hdr *vlh = (const void *)(eth + 1);

    if (eth->h_proto == bpf_htons(ETH_P_IPV6))
        return ETH_HLEN;
    if ((const void *)(vlh + 1) <= data_end &&
        vlh->h_vlan_encapsulated_proto == bpf_htons(ETH_P_IPV6))
        return ETH_HLEN + sizeof(*vlh);
    return ETH_HLEN + 2 * sizeof(*vlh);
}

/* The ICMPv6 type of a message right after the IPv6 header; -1: none (another next header,
 * extension headers first, or cut short). */
static __always_inline int icmpv6_type(const struct hdr_cursor *nh, void *data_end,
                                       const struct ipv6hdr *ip6)
{
    const __u8 *type = nh->pos;

    if (ip6->nexthdr != ND_NEXT_HEADER_ICMPV6 || (void *)(type + 1) > data_end)
        return -1;
    return *type;
}

static __always_inline int ipv6_is_unspecified(const struct in6_addr *a)
{
    return (a->in6_u.u6_addr32[0] | a->in6_u.u6_addr32[1] | a->in6_u.u6_addr32[2] |
            a->in6_u.u6_addr32[3]) == 0;
}

/* ff02::1:ffXX:XXXX (RFC 4291 2.7.1). */
static __always_inline int ipv6_is_solicited_node(const struct in6_addr *a)
{
    return a->in6_u.u6_addr32[0] == bpf_htonl(0xff020000) && a->in6_u.u6_addr32[1] == 0 &&
           a->in6_u.u6_addr32[2] == bpf_htonl(1) &&
           (a->in6_u.u6_addr32[3] & bpf_htonl(0xff000000)) == bpf_htonl(0xff000000);
}

/*
 * The ICMPv6 checksum with its pseudo-header (RFC 8200 8.1: source, destination, 32-bit
 * length, next header 58) over len bytes (a multiple of 4) from msg; folded, in packet order.
 * A message that carries a correct checksum sums to 0xffff. -1 if it runs past data_end.
 */
static __always_inline int icmpv6_csum(const struct ipv6hdr *ip6, const void *msg, __u32 len,
                                       const void *data_end, __u64 *folded)
{
    __u64 addrs, body;

    if (csum_words_max(&ip6->saddr, 8, 8, data_end, &addrs) ||
        csum_words_max(msg, len / 4, XVRRP_MAX_ND_WORDS, data_end, &body))
        return -1;
    *folded = csum_fold64(addrs + body + bpf_htonl(len) + bpf_htonl(ND_NEXT_HEADER_ICMPV6));
    return 0;
}

/*
 * RFC 4861 4.6: every option has a length > 0 and fits the message (as ndisc_parse_options()
 * checks: no bytes may be left over). Finds the first Source Link-Layer Address option, which
 * on Ethernet has length 1 (a longer one the kernel refuses too). The options start at
 * opts_off in the frame and take len bytes. 0: valid.
 *
 * Global functions (this one and xvrrp_nd_validate) are verified once, on their own. Inlined,
 * each way out of the checksum loop was walked through the options loop and the rest of the
 * program again, which made loading the program ten times slower.
 */
__attribute__((noinline)) int xvrrp_nd_options(struct xdp_md *ctx, __u32 opts_off, __u32 len,
                                               struct nd_request *req)
{
    void *data_end = (void *)(long)ctx->data_end;
    const struct nd_opt_lladdr *o;
    const void *opts;
    __u32 off = 0;

    if (!req || opts_off > ND_MAX_L3_OFFSET + sizeof(struct ipv6hdr) + sizeof(struct nd_msg))
        return -1;
    opts = (void *)(long)ctx->data + opts_off;
    for (int i = 0; i < ND_MAX_OPTS; i++) {
        if (off >= len)
            return 0;
        /* off < len <= ND_MAX_BYTES; said again for the verifier. */
        asm volatile("" : "+r"(off));
        if (off > ND_MAX_BYTES)
            return -1;
        o = opts + off;
        if ((const void *)(o + 1) > data_end || o->len == 0 || off + o->len * 8u > len)
            return -1;
        if (o->type == ND_OPT_SOURCE_LL && !req->has_slla) {
            if (o->len != 1)
                return -1;
            __builtin_memcpy(req->slla, o->addr, ETH_ALEN);
            req->has_slla = 1;
        }
        off += o->len * 8u;
    }
    return off >= len ? 0 : -1;
}

/*
 * RFC 4861 7.1.1: a Neighbor Solicitation the kernel would take, its IPv6 header at l3_off.
 * 0: valid, and req has its Source Link-Layer Address option if it carries one.
 */
__attribute__((noinline)) int xvrrp_nd_validate(struct xdp_md *ctx, __u32 l3_off,
                                                struct nd_request *req)
{
    void *data_end = (void *)(long)ctx->data_end;
    void *data = (void *)(long)ctx->data;
    struct ipv6hdr *ip6;
    struct nd_msg *ns;
    __u64 sum;
    __u32 len;

    if (!req || l3_off > ND_MAX_L3_OFFSET)
        return -1;
    ip6 = data + l3_off;
    ns = (void *)(ip6 + 1);
    if ((void *)(ns + 1) > data_end)
        return -1;
    len = bpf_ntohs(ip6->payload_len);
    /* Options come in units of 8 bytes: a longer message leaves bytes no option can hold. */
    if (ip6->hop_limit != ND_HOP_LIMIT || ns->code != 0 || len < sizeof(*ns) ||
        len > ND_MAX_BYTES || (len - sizeof(*ns)) % 8)
        return -1;
    if (icmpv6_csum(ip6, ns, len, data_end, &sum) || sum != 0xffff)
        return -1;
    if (ns->target[0] == 0xff) /* multicast */
        return -1;
    if (xvrrp_nd_options(ctx, l3_off + sizeof(*ip6) + sizeof(*ns), len - sizeof(*ns), req))
        return -1;
    /* DAD: only to the target's solicited-node group, and with nothing to cache. */
    if (ipv6_is_unspecified(&ip6->saddr) && (!ipv6_is_solicited_node(&ip6->daddr) || req->has_slla))
        return -1;
    return 0;
}

/*
 * RFC 4861 7.2.4, in place: the frame keeps its Ethernet header and VLAN tags (rewritten), the
 * IPv6 header becomes the NA's, the NS's body and options become the NA's 32 bytes (the frame
 * shrinks or grows to fit, trailing bytes go). l3_off: where the IPv6 header starts.
 */
static __always_inline int nd_make_advert(struct xdp_md *ctx, __u32 l3_off,
                                          const struct xvrrp_vip *vip,
                                          const struct xvrrp_vip6_key *target, __u32 flags,
                                          const struct nd_request *req)
{
    void *data = (void *)(long)ctx->data;
    void *data_end = (void *)(long)ctx->data_end;
    int delta = (int)(l3_off + sizeof(struct ipv6hdr) + ND_NA_BYTES) - (int)(data_end - data);
    struct nd_opt_lladdr *tlla;
    struct ipv6hdr *ip6;
    struct ethhdr *eth;
    struct nd_msg *na;
    __u64 sum;

    if (delta && bpf_xdp_adjust_tail(ctx, delta)) {
        count(nd_drop_no_room);
        return XDP_DROP;
    }
    /* Every packet pointer died with the adjustment: found again, checked again. */
    data = (void *)(long)ctx->data;
    data_end = (void *)(long)ctx->data_end;
    eth = data;
    ip6 = data + l3_off;
    na = (void *)(ip6 + 1);
    tlla = (void *)(na + 1);
    if ((void *)(eth + 1) > data_end || (void *)(tlla + 1) > data_end)
        return XDP_DROP;

    __builtin_memcpy(eth->h_dest, req->mac_dst, ETH_ALEN);
    __builtin_memcpy(eth->h_source, vip->mac, ETH_ALEN);
    /* Version 6, traffic class and flow label 0, as the kernel's ndisc sends. */
    *(__be32 *)ip6 = bpf_htonl(0x60000000);
    ip6->payload_len = bpf_htons(ND_NA_BYTES);
    ip6->nexthdr = ND_NEXT_HEADER_ICMPV6;
    ip6->hop_limit = ND_HOP_LIMIT;
    __builtin_memcpy(&ip6->saddr, target->addr, 16);
    __builtin_memcpy(&ip6->daddr, req->ip_dst, 16);
    na->type = ND_NEIGHBOR_ADVERT;
    na->code = 0;
    na->checksum = 0;
    na->flags = bpf_htonl(flags);
    __builtin_memcpy(na->target, target->addr, 16);
    tlla->type = ND_OPT_TARGET_LL;
    tlla->len = 1;
    __builtin_memcpy(tlla->addr, vip->mac, ETH_ALEN);
    if (icmpv6_csum(ip6, na, ND_NA_BYTES, data_end, &sum))
        return XDP_DROP;
    na->checksum = (__sum16)~sum;
    count(nd_reply);
    return XDP_TX;
}

/* A Neighbor Solicitation (ICMPv6 type 135 right after the IPv6 header). vlan: the frame's
 * (vlan.h); the NA keeps the frame's tags. */
static __always_inline int handle_ns(struct xdp_md *ctx, struct hdr_cursor *nh, void *data_end,
                                     struct ethhdr *eth, struct ipv6hdr *ip6, __u32 vlan)
{
    struct nd_msg *ns = nh->pos;
    struct nd_request req = {};
    struct xvrrp_vip6_key key;
    struct xvrrp_vip *vip;
    __u32 flags, l3_off;

    /* Too short to name a target: not known to be about a VIP; the kernel drops it. */
    if ((void *)(ns + 1) > data_end) {
        count(nd_pass);
        return XDP_PASS;
    }
    __builtin_memcpy(key.addr, ns->target, 16);
    vip = bpf_map_lookup_elem(&vips6, &key);
    if (!vip) {
        count(nd_pass);
        return XDP_PASS;
    }
    /* The service IP of an instance in another VLAN: that network is not ours to answer. */
    if (vip->vlan != vlan) {
        count(nd_pass_other_vlan);
        return XDP_PASS;
    }
    /* As for ARP (arp.h): a group address (the solicited-node group's 33-33-ff-...) or the
     * VIP's MAC (a unicast NS, RFC 4861 7.3.1's reachability confirmation) is ours; unicast
     * to another host's MAC is not. */
    if (!mac_is_multicast(eth->h_dest) && !mac_equal(eth->h_dest, vip->mac)) {
        count(nd_pass_other_host);
        return XDP_PASS;
    }

    /* From here on the NS is about a service IP: answered by us or by nobody. */
    l3_off = ipv6_header_offset(eth, data_end);
    if (xvrrp_nd_validate(ctx, l3_off, &req)) {
        count(nd_drop_malformed);
        return XDP_DROP;
    }
    /* A group can be neither the NA's Ethernet nor its IPv6 destination. */
    if (mac_is_multicast(eth->h_source) || (req.has_slla && mac_is_multicast(req.slla)) ||
        ip6->saddr.in6_u.u6_addr8[0] == 0xff) {
        count(nd_drop_bad_sender);
        return XDP_DROP;
    }
    switch (vrid_arp_verdict(vip->vrid)) {
    case ARP_ANSWER:
        break;
    case ARP_LEASE_EXPIRED:
        count(nd_drop_lease);
        return XDP_DROP;
    case ARP_NO_INSTANCE:
        count(nd_drop_no_instance);
        return XDP_DROP;
    default:
        count(nd_drop_backup);
        return XDP_DROP;
    }

    /* RFC 4861 7.2.4: to the solicitation's source, at the link-layer address it gave (else
     * where the frame came from); a DAD probe (source ::) gets S = 0, to all-nodes. Override
     * set: a VIP is no anycast address, and a new master must replace the old one's MAC. */
    flags = ND_NA_OVERRIDE | (vip->flags & XVRRP_VIP_ND_ROUTER ? ND_NA_ROUTER : 0);
    if (ipv6_is_unspecified(&ip6->saddr)) {
        /* ff02::1 and 33-33-00-00-00-01 (RFC 2464 7); req is zeroed. */
        req.ip_dst[0] = 0xff, req.ip_dst[1] = 0x02, req.ip_dst[15] = 0x01;
        req.mac_dst[0] = req.mac_dst[1] = 0x33, req.mac_dst[5] = 0x01;
    } else {
        flags |= ND_NA_SOLICITED;
        __builtin_memcpy(req.ip_dst, &ip6->saddr, 16);
        __builtin_memcpy(req.mac_dst, req.has_slla ? req.slla : eth->h_source, ETH_ALEN);
    }
    return nd_make_advert(ctx, l3_off, vip, &key, flags, &req);
}

#endif /* XVRRP_BPF_ND_H */
