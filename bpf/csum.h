/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/* RFC 1071 Internet checksum over packet memory, in the packet's own byte order. */
#ifndef XVRRP_BPF_CSUM_H
#define XVRRP_BPF_CSUM_H

#include <linux/types.h>

/* Largest VRRP message: 8-byte header + 255 IPv4 addresses + 8 bytes of v2 auth data. */
#define XVRRP_MAX_VRRP_WORDS ((8 + 4 * 255 + 8) / 4)

static __always_inline __u16 csum_fold64(__u64 sum)
{
    sum = (sum & 0xffffffff) + (sum >> 32);
    sum = (sum & 0xffffffff) + (sum >> 32);
    sum = (sum & 0xffff) + (sum >> 16);
    sum = (sum & 0xffff) + (sum >> 16);
    return (__u16)sum;
}

/* ... and over IPv6: 8-byte header + 255 IPv6 addresses (RFC 5798 5.2.9), no auth data. */
#define XVRRP_MAX_VRRP6_WORDS ((8 + 16 * 255) / 4)

/* Longest Neighbor Discovery message summed here: a Neighbor Solicitation filling a 1500-byte
 * MTU's IPv6 payload (nd.h). */
#define XVRRP_MAX_ND_WORDS (1460 / 4)

/*
 * Sum of nwords 32-bit words from p (a multiple of 4 bytes, which every VRRP message and every
 * ND message is), at most max_words (a constant: the verifier walks that many iterations at
 * most). Returns -1 if the words run past data_end. Loading 32-bit words in host order and
 * folding gives the 16-bit one's-complement sum in packet order (RFC 1071 2(B)).
 */
static __always_inline int csum_words_max(const void *p, __u32 nwords, const int max_words,
                                          const void *data_end, __u64 *sum)
{
    const __u32 *w = p;
    __u64 s = 0;

    for (int i = 0; i < max_words; i++) {
        if (i >= nwords)
            break;
        /* Keep clang from folding the bound into data_end arithmetic the verifier rejects. */
        asm volatile("" : "+r"(w));
        if ((const void *)(w + 1) > data_end)
            return -1;
        s += *w;
        w++;
    }
    *sum = s;
    return 0;
}

/* A VRRP message over IPv4 (at most XVRRP_MAX_VRRP_WORDS words). */
static __always_inline int csum_words(const void *p, __u32 nwords, const void *data_end, __u64 *sum)
{
    return csum_words_max(p, nwords, XVRRP_MAX_VRRP_WORDS, data_end, sum);
}

#endif /* XVRRP_BPF_CSUM_H */
