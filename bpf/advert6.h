/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * VRRPv3 adverts over IPv6 (RFC 5798 5.1.2, 7.1; RFC 9568): the IPv6 header's checks and the
 * VRRP ones that differ from IPv4 (version 3 only, 16-byte addresses, the checksum always
 * over the IPv6 pseudo-header), then advert.h's shared path with the 16-byte source.
 * userspace/vrrp/codec.cpp decode_ipv6 accepts the same packets.
 */
#ifndef XVRRP_BPF_ADVERT6_H
#define XVRRP_BPF_ADVERT6_H

#include <linux/ipv6.h>

#include "advert.h"

/* RFC 8200 4: the extension headers a packet to this host may carry before its payload. */
#define IPV6_NEXTHDR_HOP 0
#define IPV6_NEXTHDR_ROUTING 43
#define IPV6_NEXTHDR_FRAGMENT 44
#define IPV6_NEXTHDR_DEST 60

/*
 * Is this IPv6 packet (its header parsed by parse_ipv6hdr) VRRP? Next header 112, or one
 * extension header whose own next header is 112: RFC 5798 5.1.2 sends adverts without any,
 * so handle_vrrp6 counts and drops those (a fragment as a fragment). Deeper chains are not
 * walked: they pass to the kernel.
 */
static __always_inline int ipv6_is_vrrp(const struct ipv6hdr *ip6h, const void *data_end)
{
    const __u8 *ext = (const __u8 *)(ip6h + 1);

    switch (ip6h->nexthdr) {
    case XVRRP_IPPROTO_VRRP:
        return 1;
    case IPV6_NEXTHDR_HOP:
    case IPV6_NEXTHDR_ROUTING:
    case IPV6_NEXTHDR_FRAGMENT:
    case IPV6_NEXTHDR_DEST:
        return (void *)(ext + 1) <= data_end && ext[0] == XVRRP_IPPROTO_VRRP;
    }
    return 0;
}

/* RFC 4291 2.5.6: fe80::/10. */
static __always_inline int ipv6_link_local(const struct in6_addr *a)
{
    return a->in6_u.u6_addr8[0] == 0xfe && (a->in6_u.u6_addr8[1] & 0xc0) == 0x80;
}

/* RFC 5798 5.1.2.2: ff02::12, as the two 64-bit words of addr16_equal(). */
static __always_inline int ipv6_vrrp_group(const __u64 *a)
{
    const __u64 group[2] = {bpf_cpu_to_be64(0xff02000000000000ULL), bpf_cpu_to_be64(0x12)};

    return addr16_equal(a, group);
}

/*
 * RFC 5798 5.2.8: over IPv6 the checksum always covers the pseudo-header of RFC 8200 8.1:
 * source, destination, the upper-layer length (32 bits) and next header 112 (after 3 zero
 * bytes). The IPv4 leniency (no pseudo-header, RFC 9568's note) has no IPv6 counterpart.
 */
static __always_inline int vrrp6_checksum_ok(const struct ipv6hdr *ip6h,
                                             const struct vrrp_hdr *vrrp, __u32 len,
                                             const void *data_end)
{
    __u64 sum, addrs;

    if (csum_words_max(vrrp, len / 4, XVRRP_MAX_VRRP6_WORDS, data_end, &sum))
        return 0;
    /* saddr and daddr follow each other: 32 bytes. */
    if (csum_words_max(&ip6h->saddr, 8, 8, data_end, &addrs))
        return 0;
    sum += addrs + bpf_htonl(len) + bpf_htonl(XVRRP_IPPROTO_VRRP);
    return csum_fold64(sum) == 0xffff;
}

/*
 * IPv6 next header 112 (ipv6_is_vrrp), the fixed header parsed (parse_ipv6hdr: there and
 * version 6). Everything ours and invalid is counted and dropped. vlan: the frame's (vlan.h).
 */
static __always_inline int handle_vrrp6(struct ipv6hdr *ip6h, void *data_end, __u32 vlan)
{
    struct xvrrp_vrid_key key = {};
    struct xvrrp_instance *inst;
    struct vrrp_hdr *vrrp;
    __u64 src[2], dst[2];
    __u32 payload_len, len;
    __u16 interval_field;
    __u8 version;

    /* XDP runs before ipv6_rcv: the payload must be there (the rest is Ethernet padding). */
    payload_len = bpf_ntohs(ip6h->payload_len);
    if ((void *)(ip6h + 1) + payload_len > data_end) {
        count(vrrp_drop_ip_malformed);
        return XDP_DROP;
    }
    if (ip6h->nexthdr == IPV6_NEXTHDR_FRAGMENT) {
        count(vrrp_drop_fragment);
        return XDP_DROP;
    }
    if (ip6h->nexthdr != XVRRP_IPPROTO_VRRP) {
        count(vrrp_drop_ipv6_ext);
        return XDP_DROP;
    }
    vrrp = (void *)(ip6h + 1);
    if ((void *)(vrrp + 1) > data_end) {
        count(vrrp_drop_truncated);
        return XDP_DROP;
    }
    inst = advert_instance(&key, vrrp, vlan, 1);
    if (!inst)
        return XDP_PASS;

    if (ip6h->hop_limit != XVRRP_VRRP_TTL) {
        count(vrrp_drop_ttl);
        return XDP_DROP;
    }
    __builtin_memcpy(src, &ip6h->saddr, sizeof(src));
    __builtin_memcpy(dst, &ip6h->daddr, sizeof(dst));
    if (inst->flags & XVRRP_INST_UNICAST) {
        /* Unicast peers, as over IPv4: addressed to us, from any source the allow-list
         * holds (keepalived sends them from a global or a link-local address). */
        if (!addr16_equal(dst, inst->unicast_addr)) {
            count(vrrp_drop_destination);
            return XDP_DROP;
        }
    } else {
        /* RFC 5798 5.1.2.2 / 5.1.2.1: to ff02::12, from the sender's link-local address. */
        if (!ipv6_vrrp_group(dst)) {
            count(vrrp_drop_destination);
            return XDP_DROP;
        }
        if (!ipv6_link_local(&ip6h->saddr)) {
            count(vrrp_drop_not_link_local);
            return XDP_DROP;
        }
    }
    /* VRRPv2 has no IPv6 (RFC 5798 introduced it with version 3). */
    version = vrrp->vers_type >> 4;
    if (version != 3 || version != inst->version) {
        count(vrrp_drop_version);
        return XDP_DROP;
    }
    if ((vrrp->vers_type & 0xf) != VRRP_TYPE_ADVERTISEMENT) {
        count(vrrp_drop_type);
        return XDP_DROP;
    }
    len = sizeof(*vrrp) + 16 * (__u32)vrrp->count;
    if (payload_len != len) {
        count(vrrp_drop_length);
        return XDP_DROP;
    }
    if ((void *)vrrp + len > data_end) {
        count(vrrp_drop_truncated);
        return XDP_DROP;
    }
    /* 4 reserved bits + 12-bit Max Adver Int (cs), RFC 5798 5.2.7. */
    interval_field = bpf_ntohs(vrrp->rsvd_intvl) & 0x0fff;
    if (interval_field == 0) {
        count(vrrp_drop_interval);
        return XDP_DROP;
    }
    if (!vrrp6_checksum_ok(ip6h, vrrp, len, data_end)) {
        count(vrrp_drop_checksum);
        return XDP_DROP;
    }
    return advert_valid(&key, inst, src, vrrp, version, interval_field);
}

#endif /* XVRRP_BPF_ADVERT6_H */
