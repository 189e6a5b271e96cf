// SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause)
/*
 * Benchmark-only programs around the real XDP program, for BPF_PROG_TEST_RUN with a large
 * repeat. With repeat > 1 the kernel feeds each run's output to the next run (docs/testing.md), so
 * the ARP reply our program wrote would be measured as an ARP reply from the second run on.
 * bench_arp_restore_xvrrp first turns the reply of the previous run back into the original
 * request, then runs xvrrp; bench_arp_restore_pass does the same restore and returns XDP_PASS.
 * Their difference is the cost of xvrrp's ARP reply path alone.
 */
#include "xvrrp.bpf.c"

static const __u8 bench_broadcast[ETH_ALEN] = {0xff, 0xff, 0xff, 0xff, 0xff, 0xff};

/* Undo arp_make_reply(): the frame is untagged Ethernet + ARP, as the benchmark sends it. */
static __always_inline void restore_arp_request(struct xdp_md *ctx)
{
    void *data_end = (void *)(long)ctx->data_end;
    struct ethhdr *eth = (void *)(long)ctx->data;
    struct arp_eth_ipv4 *arp = (void *)(eth + 1);
    __be32 vip;

    if ((void *)(arp + 1) > data_end || arp->oper != bpf_htons(ARP_OP_REPLY))
        return;
    vip = arp->spa;
    __builtin_memcpy(eth->h_dest, bench_broadcast, ETH_ALEN);
    __builtin_memcpy(eth->h_source, arp->tha, ETH_ALEN);
    arp->oper = bpf_htons(ARP_OP_REQUEST);
    __builtin_memcpy(arp->sha, arp->tha, ETH_ALEN);
    arp->spa = arp->tpa;
    __builtin_memset(arp->tha, 0, ETH_ALEN);
    arp->tpa = vip;
}

SEC("xdp")
int bench_arp_restore_xvrrp(struct xdp_md *ctx)
{
    restore_arp_request(ctx);
    return xvrrp_process(ctx);
}

SEC("xdp")
int bench_arp_restore_pass(struct xdp_md *ctx)
{
    restore_arp_request(ctx);
    return XDP_PASS;
}

SEC("xdp")
int bench_pass(struct xdp_md *ctx)
{
    return XDP_PASS;
}

/* bench_arp_capacity's client end: counts what arrives and drops it, so that the client's own
 * processing of the replies (an skb, its ARP code) does not weigh on either path measured. */
__u64 bench_received = 0;

SEC("xdp")
int bench_count_drop(struct xdp_md *ctx)
{
    __sync_fetch_and_add(&bench_received, 1);
    return XDP_DROP;
}
