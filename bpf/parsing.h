/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * Bounds-checked packet parsing, in the style of xdp-tutorial's parsing_helpers.h: a cursor
 * walks the frame, each parse_*() does one bounds check, advances, and returns what comes next.
 */
#ifndef XVRRP_BPF_PARSING_H
#define XVRRP_BPF_PARSING_H

#include <linux/bpf.h>
#include <linux/if_ether.h>
#include <linux/ip.h>
#include <linux/ipv6.h>
#include <bpf/bpf_helpers.h>
#include <bpf/bpf_endian.h>

#define XVRRP_MAX_VLAN_DEPTH 2

struct hdr_cursor {
    void *pos;
};

struct vlan_hdr {
    __be16 h_vlan_TCI;
    __be16 h_vlan_encapsulated_proto;
};

/* ARP for Ethernet/IPv4 (RFC 826). Defined here: <linux/if_arp.h> drags in glibc headers. */
struct arp_eth_ipv4 {
    __be16 htype;
    __be16 ptype;
    __u8 hlen;
    __u8 plen;
    __be16 oper;
    __u8 sha[ETH_ALEN];
    __be32 spa;
    __u8 tha[ETH_ALEN];
    __be32 tpa;
} __attribute__((packed));

#define ARP_HTYPE_ETHER 1
#define ARP_HTYPE_IEEE802 6
#define ARP_OP_REQUEST 1
#define ARP_OP_REPLY 2

/* VRRP fixed header (RFC 5798 5.1 / RFC 3768 5.1): the first 8 bytes of both versions. */
struct vrrp_hdr {
    __u8 vers_type; /* version << 4 | type */
    __u8 vrid;
    __u8 priority;
    __u8 count;
    __be16 rsvd_intvl; /* v3: 4 bits reserved, 12 bits centiseconds; v2: auth type, adver int */
    __sum16 checksum;
} __attribute__((packed));

static __always_inline int proto_is_vlan(__u16 h_proto)
{
    return h_proto == bpf_htons(ETH_P_8021Q) || h_proto == bpf_htons(ETH_P_8021AD);
}

/* The VLAN of a frame with two tags, or an 802.1ad tag: no instance belongs to it (vlan.h). */
#define FRAME_VLAN_NONE 0xffffu

/*
 * Ethernet plus up to XVRRP_MAX_VLAN_DEPTH 802.1Q/802.1ad tags. Returns the inner EtherType
 * in network byte order, or -1 if the frame is shorter than its headers, or -2 if it carries
 * more tags than we parse. *vlan: the frame's VLAN (vlan.h): 0 untagged (or priority-tagged),
 * the VLAN id of a single 802.1Q tag, FRAME_VLAN_NONE otherwise.
 */
static __always_inline int parse_ethhdr(struct hdr_cursor *nh, void *data_end, struct ethhdr **ethp,
                                        __u32 *vlan)
{
    struct ethhdr *eth = nh->pos;
    struct vlan_hdr *vlh;
    __u16 h_proto;

    *vlan = 0;
    if ((void *)(eth + 1) > data_end)
        return -1;
    nh->pos = eth + 1;
    *ethp = eth;
    h_proto = eth->h_proto;

#pragma unroll
    for (int i = 0; i < XVRRP_MAX_VLAN_DEPTH; i++) {
        if (!proto_is_vlan(h_proto))
            return h_proto;
        vlh = nh->pos;
        if ((void *)(vlh + 1) > data_end)
            return -1;
        if (i == 0 && h_proto == bpf_htons(ETH_P_8021Q))
            *vlan = bpf_ntohs(vlh->h_vlan_TCI) & 0x0fff;
        else
            *vlan = FRAME_VLAN_NONE;
        h_proto = vlh->h_vlan_encapsulated_proto;
        nh->pos = vlh + 1;
    }
    if (proto_is_vlan(h_proto))
        return -2;
    return h_proto;
}

static __always_inline struct arp_eth_ipv4 *parse_arp(struct hdr_cursor *nh, void *data_end)
{
    struct arp_eth_ipv4 *arp = nh->pos;

    if ((void *)(arp + 1) > data_end)
        return NULL;
    nh->pos = arp + 1;
    return arp;
}

/*
 * IPv4 header including options. Returns the header or NULL if it is truncated or its IHL
 * is impossible; the cursor then points at the payload.
 */
static __always_inline struct iphdr *parse_iphdr(struct hdr_cursor *nh, void *data_end)
{
    struct iphdr *iph = nh->pos;
    int hdrsize;

    if ((void *)(iph + 1) > data_end)
        return NULL;
    hdrsize = iph->ihl * 4;
    if (hdrsize < (int)sizeof(*iph))
        return NULL;
    if (nh->pos + hdrsize > data_end)
        return NULL;
    nh->pos += hdrsize;
    return iph;
}

/*
 * The fixed IPv6 header (RFC 8200 3). Returns it or NULL if it is truncated or not version 6;
 * the cursor then points at what its next header field names (extension headers included).
 */
static __always_inline struct ipv6hdr *parse_ipv6hdr(struct hdr_cursor *nh, void *data_end)
{
    struct ipv6hdr *ip6 = nh->pos;

    if ((void *)(ip6 + 1) > data_end || ip6->version != 6)
        return NULL;
    nh->pos = ip6 + 1;
    return ip6;
}

static __always_inline int mac_is_multicast(const __u8 *mac)
{
    return mac[0] & 1; /* group bit; the broadcast address has it too */
}

static __always_inline int mac_is_broadcast(const __u8 *mac)
{
    return (mac[0] & mac[1] & mac[2] & mac[3] & mac[4] & mac[5]) == 0xff;
}

static __always_inline int mac_equal(const __u8 *a, const __u8 *b)
{
    return a[0] == b[0] && a[1] == b[1] && a[2] == b[2] && a[3] == b[3] && a[4] == b[4] &&
           a[5] == b[5];
}

/*
 * Addresses of either family as the maps hold them (abi.h): 16 bytes, an IPv4 address mapped
 * (::ffff:a.b.c.d). Every such field and buffer is 8-byte aligned (abi.h's static_asserts;
 * locals are declared as __u64[2]), so two 64-bit loads compare or copy one.
 */
static __always_inline int addr16_equal(const void *a, const void *b)
{
    const __u64 *x = __builtin_assume_aligned(a, 8), *y = __builtin_assume_aligned(b, 8);

    return x[0] == y[0] && x[1] == y[1];
}

static __always_inline void addr16_copy(void *dst, const void *src)
{
    __u64 *d = __builtin_assume_aligned(dst, 8);
    const __u64 *s = __builtin_assume_aligned(src, 8);

    d[0] = s[0];
    d[1] = s[1];
}

static __always_inline void addr16_from_ipv4(__u64 out[2], __be32 addr)
{
    __u32 *w = (__u32 *)out;

    w[0] = 0;
    w[1] = 0;
    w[2] = bpf_htonl(0x0000ffff);
    w[3] = addr;
}

#endif /* XVRRP_BPF_PARSING_H */
