/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * VRRP advert handling: validate what RFC 5798 section 7.1 requires, record the master in
 * rx_state, re-arm the master-down timer, and wake the controller only when something the
 * election cares about changed. IPv4 adverts here; IPv6 ones in advert6.h, which shares
 * everything from advert_instance() on: the instance lookup, the allow-list and what a valid
 * advert does (advert_valid()), with the source as 16 bytes (IPv4 mapped, abi.h).
 */
#ifndef XVRRP_BPF_ADVERT_H
#define XVRRP_BPF_ADVERT_H

#include "csum.h"
#include "master_down.h"
#include "parsing.h"

#define VRRP_TYPE_ADVERTISEMENT 1
#define IP_MF 0x2000
#define IP_OFFSET 0x1fff

/*
 * RFC 5798 5.2.8 / RFC 3768 5.3.8. VRRPv3 over IPv4 is accepted with the pseudo-header
 * (keepalived, FRR, Wireshark) and without it (RFC 9568's note, Cisco); v2 never has one.
 */
static __always_inline int vrrp_checksum_ok(const struct iphdr *iph, const struct vrrp_hdr *vrrp,
                                            __u32 len, __u8 version, const void *data_end)
{
    __u64 sum;

    if (csum_words(vrrp, len / 4, data_end, &sum))
        return 0;
    if (csum_fold64(sum) == 0xffff)
        return 1;
    if (version == 2)
        return 0;
    sum += (__u64)iph->saddr + iph->daddr + bpf_htons(XVRRP_IPPROTO_VRRP) + bpf_htons(len);
    return csum_fold64(sum) == 0xffff;
}

/* What changed that the controller must hear about; 0 = nothing (steady state). */
static __always_inline __u32 advert_event(const struct xvrrp_instance *inst,
                                          const struct xvrrp_rx_state *rx, const __u64 *src,
                                          __u8 prio, __u16 interval_field, int accepted)
{
    if (inst->role & XVRRP_ROLE_MASTER)
        return XVRRP_EV_ADVERT_WHILE_MASTER;
    if (prio == 0)
        return XVRRP_EV_PRIORITY_ZERO;
    /* The stopping controller waits for the next master's first advert to let go of the
     * service IPs; that master may be the one rx_state already holds (nothing "changed"). */
    if (inst->role & XVRRP_ROLE_RELEASING)
        return XVRRP_EV_ADVERT_WHILE_RELEASING;
    if (!accepted)
        return (!addr16_equal(src, rx->master_addr) || prio != rx->master_priority)
                   ? XVRRP_EV_LOWER_PRIORITY
                   : 0;
    if (!addr16_equal(src, rx->master_addr))
        return XVRRP_EV_NEW_MASTER;
    if (prio != rx->master_priority)
        return XVRRP_EV_PRIORITY_CHANGE;
    if (interval_field != rx->interval_field)
        return XVRRP_EV_INTERVAL_CHANGE;
    return 0;
}

/*
 * Adverts heard while master or releasing are reported at most once per advert interval
 * unless their sender or priority changed: the controller's answer (an advert of its own, or
 * letting the service IPs go) is the same each time, and a flood of them must not become a
 * flood of wake-ups.
 */
static __always_inline int advert_event_limited(const struct xvrrp_instance *inst,
                                                const struct xvrrp_rx_state *rx, __u32 ev,
                                                const __u64 *src, __u8 prio, __u64 now)
{
    if (ev != XVRRP_EV_ADVERT_WHILE_MASTER && ev != XVRRP_EV_ADVERT_WHILE_RELEASING)
        return 0;
    if (ev != rx->last_event_type || !addr16_equal(src, rx->master_addr) ||
        prio != rx->master_priority)
        return 0;
    return now - rx->last_event_ns < inst->advert_interval_ns;
}

/*
 * A valid advert from src: apply RFC 5798 6.4.2's rules for which adverts restart the
 * Master_Down_Timer, record the sender, and emit an event if the election must know.
 */
static __always_inline void advert_accept(struct xvrrp_vrid_key *key,
                                          const struct xvrrp_instance *inst, const __u64 *src,
                                          const struct vrrp_hdr *vrrp, __u8 version,
                                          __u16 interval_field)
{
    struct event_fields f = {};
    __u8 prio = vrrp->priority;
    struct xvrrp_rx_state *rx;
    __u64 now, mai, timeout = 0;
    __u32 ev;
    int accepted;

    now = bpf_ktime_get_ns();
    /* Created by the controller (XVRRP_CTL_ARM_MASTER_DOWN, SET_ROLE) before the instance
     * can hear anything; an advert racing the creation is simply not recorded. */
    rx = bpf_map_lookup_elem(&rx_state, key);
    if (!rx)
        return;

    mai = master_adver_interval_ns(inst, version, interval_field);
    if (prio == 0) {
        /* The master resigned: take over after Skew_Time only, from the Master_Adver_Interval
         * learned so far (6.4.2 learns it from accepted non-zero adverts only; before any, it
         * is our own Advertisement_Interval, 6.4.1): a resigning advert cannot stretch the
         * takeover with a long interval of its own. */
        count(vrrp_prio_zero);
        timeout = xvrrp_skew_time_ns(version, inst->priority,
                                     rx->master_adver_interval_ns ? rx->master_adver_interval_ns
                                                                  : inst->advert_interval_ns);
        accepted = 1;
    } else if (!(inst->role & XVRRP_ROLE_PREEMPT) || prio >= inst->priority) {
        timeout = xvrrp_master_down_interval_ns(version, inst->priority, mai);
        accepted = 1;
    } else {
        /* Preempt: a lower-priority master's adverts are discarded, the timer runs out. */
        count(vrrp_ignored_lower_prio);
        accepted = 0;
    }
    if (inst->role & XVRRP_ROLE_MASTER)
        count(vrrp_while_master);

    ev = advert_event(inst, rx, src, prio, interval_field, accepted);
    if (ev && advert_event_limited(inst, rx, ev, src, prio, now)) {
        count(event_rate_limited);
        ev = 0;
    }
    if (accepted) {
        count(vrrp_accepted);
        if (prio != 0)
            rx->master_adver_interval_ns = mai;
        rx->advert_cpu = bpf_get_smp_processor_id();
        if (addr16_equal(src, rx->master_addr) && rx->last_advert_ns)
            __sync_fetch_and_add(&rx->gap_hist[log2_us_bucket(now - rx->last_advert_ns)], 1);
        __sync_fetch_and_add(&rx->accepted, 1);
        if (rx->flags & XVRRP_RX_WATCHING) {
            master_down_restart(rx, inst, lease_of(key->vrid), now, timeout);
            cpu_watch_advert(mai, now);
        }
    }
    __sync_fetch_and_add(&rx->adverts, 1);
    rx->last_advert_ns = now;
    addr16_copy(rx->master_addr, src);
    rx->master_priority = prio;
    rx->version = version;
    rx->interval_field = interval_field;
    if (ev) {
        rx->last_event_ns = now;
        rx->last_event_type = ev;
        addr16_copy(f.src, src);
        f.priority = prio;
        f.version = version;
        f.interval_field = interval_field;
        f.master_down_interval_ns = accepted ? timeout : rx->master_down_interval_ns;
        emit_event(ev, key->vrid, now, &f, 0);
    }
}

/*
 * The instance an advert is for, or NULL when it is not ours to judge (counted; the caller
 * passes it to the kernel). RFC 5798 7.1 would discard a VRID we do not run; but keepalived
 * may run it on this very host, so it goes on to the kernel untouched. ipv6: the advert's
 * family; the instance runs one (XVRRP_INST_IPV6).
 */
static __always_inline struct xvrrp_instance *
advert_instance(struct xvrrp_vrid_key *key, const struct vrrp_hdr *vrrp, __u32 vlan, int ipv6)
{
    struct xvrrp_instance *inst;

    key->vrid = vrrp->vrid;
    inst = bpf_map_lookup_elem(&instances, key);
    if (!inst) {
        count(vrrp_other_vrid);
        return NULL;
    }
    /* The VRID runs here in another VLAN: this advert is another network's election. */
    if (inst->vlan != vlan) {
        count(vrrp_other_vlan);
        return NULL;
    }
    /* VRRP numbers VRIDs per family (RFC 5798 7.3: a virtual MAC for each): an advert of
     * the other family for this VRID is another election, perhaps keepalived's here. */
    if (!(inst->flags & XVRRP_INST_IPV6) != !ipv6) {
        count(vrrp_other_family);
        return NULL;
    }
    return inst;
}

/*
 * The last check of either family, then what a valid advert does. src: 16 bytes, IPv4
 * mapped, 8-byte aligned.
 */
static __always_inline int advert_valid(struct xvrrp_vrid_key *key,
                                        const struct xvrrp_instance *inst, const __u64 *src,
                                        const struct vrrp_hdr *vrrp, __u8 version,
                                        __u16 interval_field)
{
    if (inst->flags & XVRRP_INST_ALLOWLIST) {
        struct xvrrp_src_key k = {.vrid = key->vrid};

        __builtin_memcpy(k.addr, src, sizeof(k.addr));
        if (!bpf_map_lookup_elem(&allowed_srcs, &k)) {
            count(vrrp_drop_source);
            return XDP_DROP;
        }
    }

    count(vrrp_valid);
    advert_accept(key, inst, src, vrrp, version, interval_field);
    /* Consumed here by default: the controller reads rx_state and events, and the kernel
     * would only answer a unicast advert with ICMP protocol-unreachable. */
    return (inst->flags & XVRRP_INST_PASS_ADVERTS) ? XDP_PASS : XDP_DROP;
}

/*
 * RFC 3768 7.1: a VRRPv2 advert whose Auth Type is not the configured one is discarded: 0
 * (none) unless the instance has a password, then 1 (simple text, RFC 2338 5.3.6.1) with the
 * password as its last 8 bytes. Returns -1 to go on, or the verdict. The password is plain
 * text on the wire: it keeps misconfigured routers apart, it does not authenticate anyone.
 */
static __always_inline int check_v2_auth(const struct xvrrp_instance *inst,
                                         const struct vrrp_hdr *vrrp, __u32 len, void *data_end)
{
    __u8 auth_type = bpf_ntohs(vrrp->rsvd_intvl) >> 8;
    const __u8 *data;
    __u64 got, want;

    if (auth_type != ((inst->flags & XVRRP_INST_AUTH_PASS) ? 1 : 0)) {
        count(vrrp_drop_auth);
        return XDP_DROP;
    }
    if (!auth_type)
        return -1;
    /* len <= 8 + 4 * 255 + 8, checked against data_end by the caller; again for the verifier. */
    if (len < sizeof(*vrrp) + 8 || len > sizeof(*vrrp) + 4 * 255 + 8)
        goto truncated;
    data = (const __u8 *)vrrp + len - 8;
    if ((void *)(data + 8) > data_end)
        goto truncated;
    __builtin_memcpy(&got, data, 8);
    __builtin_memcpy(&want, inst->auth_pass, 8);
    if (got != want) {
        count(vrrp_drop_auth_pass);
        return XDP_DROP;
    }
    return -1;
truncated:
    count(vrrp_drop_truncated);
    return XDP_DROP;
}

/* IPv4 protocol 112. Everything that is ours and invalid is counted by reason and dropped. */
/* vlan: the frame's (vlan.h). */
static __always_inline int handle_vrrp(struct hdr_cursor *nh, void *data_end, __u32 vlan)
{
    struct xvrrp_vrid_key key = {};
    struct xvrrp_instance *inst;
    struct vrrp_hdr *vrrp;
    struct iphdr *iph;
    __u64 src[2], dst[2];
    __u32 ip_len, len, hdr_len;
    __u16 interval_field;
    __u64 ip_sum;
    __u8 version;

    iph = parse_iphdr(nh, data_end);
    if (!iph || iph->version != 4) {
        count(vrrp_drop_ip_malformed);
        return XDP_DROP;
    }
    hdr_len = iph->ihl * 4;
    ip_len = bpf_ntohs(iph->tot_len);
    if (ip_len < hdr_len || (void *)iph + ip_len > data_end) {
        count(vrrp_drop_ip_malformed);
        return XDP_DROP;
    }
    /* XDP runs before ip_rcv: check the header checksum the kernel would have checked. */
    if (csum_words(iph, hdr_len / 4, data_end, &ip_sum) || csum_fold64(ip_sum) != 0xffff) {
        count(vrrp_drop_ip_malformed);
        return XDP_DROP;
    }
    if (iph->frag_off & bpf_htons(IP_MF | IP_OFFSET)) {
        count(vrrp_drop_fragment);
        return XDP_DROP;
    }
    vrrp = nh->pos;
    if ((void *)(vrrp + 1) > data_end) {
        count(vrrp_drop_truncated);
        return XDP_DROP;
    }
    inst = advert_instance(&key, vrrp, vlan, 0);
    if (!inst)
        return XDP_PASS;

    if (iph->ttl != XVRRP_VRRP_TTL) {
        count(vrrp_drop_ttl);
        return XDP_DROP;
    }
    /* Unicast peers: adverts come addressed to us; one to the group, or to another address,
     * is not for this instance (keepalived with unicast peers ignores them too). */
    if (inst->flags & XVRRP_INST_UNICAST) {
        addr16_from_ipv4(dst, iph->daddr);
        if (!addr16_equal(dst, inst->unicast_addr)) {
            count(vrrp_drop_destination);
            return XDP_DROP;
        }
    }
    version = vrrp->vers_type >> 4;
    if (version != inst->version) {
        count(vrrp_drop_version);
        return XDP_DROP;
    }
    if ((vrrp->vers_type & 0xf) != VRRP_TYPE_ADVERTISEMENT) {
        count(vrrp_drop_type);
        return XDP_DROP;
    }
    len = sizeof(*vrrp) + 4 * (__u32)vrrp->count + (version == 2 ? 8 : 0);
    if (ip_len - hdr_len != len) {
        count(vrrp_drop_length);
        return XDP_DROP;
    }
    if ((void *)vrrp + len > data_end) {
        count(vrrp_drop_truncated);
        return XDP_DROP;
    }
    /* v3: 4 reserved bits + 12-bit Max Adver Int (cs); v2: Auth Type byte + Adver Int (s). */
    interval_field = bpf_ntohs(vrrp->rsvd_intvl) & (version == 2 ? 0x00ff : 0x0fff);
    /* RFC 3768 7.1: a VRRPv2 advert whose interval is not ours MUST be discarded. */
    if (interval_field == 0 ||
        (version == 2 && interval_field * XVRRP_NSEC_PER_SEC != inst->advert_interval_ns)) {
        count(vrrp_drop_interval);
        return XDP_DROP;
    }
    if (!vrrp_checksum_ok(iph, vrrp, len, version, data_end)) {
        count(vrrp_drop_checksum);
        return XDP_DROP;
    }
    if (version == 2) {
        int verdict = check_v2_auth(inst, vrrp, len, data_end);

        if (verdict >= 0)
            return verdict;
    }
    addr16_from_ipv4(src, iph->saddr);
    return advert_valid(&key, inst, src, vrrp, version, interval_field);
}

#endif /* XVRRP_BPF_ADVERT_H */
