/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * xvrrp kernel/user ABI: THE one definition of every BPF map key and value, ring-buffer event,
 * counter, flag and control command. Included by bpf/xvrrp.bpf.c and by the C++ controller;
 * nothing is copied. In the controller only userspace/dataplane/ includes it: everything else
 * speaks in protocol terms (dataplane/vrid_binding.h).
 *
 * Who writes which map. A user-space update of an element cancels its bpf_timer, so the timer
 * lives in a map the controller never updates; the controller changes per-VRID kernel state
 * through the xvrrp_control program (BPF_PROG_TEST_RUN), which writes fields in place.
 *
 *   map           key                 value                 written by
 *   ------------  ------------------  --------------------  --------------------------------
 *   instances     xvrrp_vrid_key      xvrrp_instance        controller creates and removes the
 *                                                           entry; its role changes through
 *                                                           xvrrp_control (XVRRP_CTL_SET_ROLE)
 *   vips          xvrrp_vip_key       xvrrp_vip             controller (service IP -> VRID)
 *   vips6         xvrrp_vip6_key      xvrrp_vip             controller (IPv6 service IP -> VRID)
 *   allowed_srcs  xvrrp_src_key       xvrrp_allowed_src     controller (advert source allow-list)
 *   leases        u32 vrid (array)    xvrrp_lease           expires_ns: controller, through mmap
 *                                                           (no syscall); answering and
 *                                                           took_over_ns: BPF
 *   rx_state      xvrrp_vrid_key      xvrrp_rx_state        BPF only (adverts, the VRID's timer,
 *                                                           xvrrp_control)
 *   counters      u32 0 (percpu)      xvrrp_counters        BPF only
 *   events        ring buffer         xvrrp_event           BPF -> controller
 *   meta          u32 0 (array)       xvrrp_meta            controller (schema version of pins,
 *                                                           how many VIPs refuse traffic)
 *
 * One copy of the program and its maps serves one interface, so keys carry no ifindex.
 * Addresses are kept in network byte order exactly as they sit in the packet. One that may be
 * of either family (an advert's source, a unicast instance's own address) takes 16 bytes, an
 * IPv4 address as its IPv4-mapped IPv6 address ::ffff:a.b.c.d (RFC 4291 2.5.5.2): a VRID runs
 * one family (XVRRP_INST_IPV6), and its maps hold only that family's addresses.
 *
 * Concurrency. XDP runs on every CPU at once, the timer callback on one, xvrrp_control in the
 * controller's thread. rx_state.flags and leases.answering are changed only with atomic
 * or/and/xchg, so no writer loses another's bit. The other rx_state fields are each written
 * by one path at a time in practice (the adverts of one VRID arrive on one receive queue; the
 * timer callback never runs twice at once) and each is read whole (aligned 64-bit loads), so
 * a reader sees an older or a newer value, never a torn one; no decision needs two of them to
 * agree (a deadline read just before an advert moves it only makes the timer sleep again).
 */
#ifndef XVRRP_ABI_H
#define XVRRP_ABI_H

#include <linux/types.h>

#include "xvrrp/timing.h"

#ifdef __cplusplus
#include <cstddef>
#include <cstdint>
#endif

/* Bump when any struct below changes layout: the controller refuses pins of another version. */
#define XVRRP_SCHEMA_VERSION 8

/* Per interface (one copy of the program and its maps per uplink). Sized for every VRID in use
 * with 16 service IPs and 16 allowed advert sources each; the configuration is checked against
 * them before anything is touched. A full preallocated hash map still takes updates of
 * existing keys (the kernel keeps spare elements for them). */
#define XVRRP_MAX_INSTANCES 255 /* VRIDs 1..255 */
#define XVRRP_MAX_VIPS 4096
#define XVRRP_MAX_ALLOWED_SRCS 4096
#define XVRRP_LEASE_SLOTS 256 /* indexed by VRID, slot 0 unused */
#define XVRRP_RINGBUF_BYTES (256 * 1024)
/* 802.1Q VLAN ids an instance may belong to: 1..4094; 0 = untagged (the default). */
#define XVRRP_VLAN_MAX 4094
#define XVRRP_VLAN_IDS 4096

#define XVRRP_IPPROTO_VRRP 112
#define XVRRP_VRRP_TTL 255
/* An initializer, which clang-format would lay out as a block. */
/* clang-format off */
#define XVRRP_VRRP_MCAST_BE_BYTES {224, 0, 0, 18}
/* RFC 5798 5.1.2.2: ff02::12, the IPv6 VRRP group. */
#define XVRRP_VRRP6_MCAST_BYTES {0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12}
/* clang-format on */
#define XVRRP_MAX_VRRP_ADDRS 255 /* 8-bit Count IPvX Addr */

/* Error numbers the BPF side returns or stores, named (the kernel's values). */
#define XVRRP_ENOENT 2
#define XVRRP_ENOMEM 12
#define XVRRP_EBUSY 16
#define XVRRP_EINVAL 22

/* ---- controller-written: instance configuration and role ---------------------------- */

struct xvrrp_vrid_key {
    __u32 vrid; /* 1..255 */
};

/* What the controller configured for a VRID (set when the entry is created). */
enum xvrrp_instance_flags {
    /* Only adverts whose source is in allowed_srcs for this VRID are valid. */
    XVRRP_INST_ALLOWLIST = 1u << 0,
    /* Let valid adverts continue to the kernel stack (tcpdump sees them); default: consumed. */
    XVRRP_INST_PASS_ADVERTS = 1u << 1,
    /* VRRPv2 simple-text authentication (RFC 2338 5.3.6.1, still sent by keepalived's
     * auth_type PASS): adverts must carry Auth Type 1 and auth_pass as their 8 bytes of
     * Authentication Data. Without it, Auth Type 0 only (RFC 3768 7.1). */
    XVRRP_INST_AUTH_PASS = 1u << 2,
    /* Unicast peers (keepalived's unicast_peer): adverts must be addressed to unicast_addr,
     * this server's own address; the peers are the allow-list (XVRRP_INST_ALLOWLIST). */
    XVRRP_INST_UNICAST = 1u << 3,
    /* use_vmac: ARP is answered with the virtual MAC 00-00-5E-00-01-{VRID} (the VIPs' mac),
     * and the tc program (bpf/vmac.h) gives frames sent to it host_mac, the interface's own
     * MAC, and PACKET_HOST, so that the kernel takes them as its own. */
    XVRRP_INST_VMAC = 1u << 4,
    /* The instance runs VRRPv3 over IPv6 (RFC 5798 5.1.2): only IPv6 adverts count for its
     * VRID, IPv4 ones pass to the kernel (vrrp_other_family), and the reverse for an IPv4
     * instance. VRRP numbers VRIDs per family, but these maps are keyed by VRID alone: one
     * VRID runs one family on an interface. */
    XVRRP_INST_IPV6 = 1u << 5,
};

/* The VRID's role, as the controller's election last decided (XVRRP_CTL_SET_ROLE). */
enum xvrrp_role_flags {
    /* This server is Master for the VRID: answer ARP for its VIPs while the lease is fresh. */
    XVRRP_ROLE_MASTER = 1u << 0,
    /* "I take over on timeout": when the master-down timer fires, answer ARP at once, before
     * the controller has run, on a lease of takeover_grace_ns that the advert threads renew. */
    XVRRP_ROLE_TAKEOVER_ARMED = 1u << 1,
    /* RFC 5798 6.4.2: with preempt, adverts of lower priority than ours are discarded (they do
     * not restart the master-down timer). Off during a preempt_delay hold. */
    XVRRP_ROLE_PREEMPT = 1u << 2,
    /* The controller stopped being master and keeps the service IPs on the host until another
     * router advertises: report every advert (ARP stays unanswered: MASTER is off). */
    XVRRP_ROLE_RELEASING = 1u << 3,
};

struct xvrrp_instance {
    __u32 flags;   /* enum xvrrp_instance_flags: configuration */
    __u32 role;    /* enum xvrrp_role_flags: written in place by xvrrp_control */
    __u8 version;  /* accepted VRRP version: 2 or 3 */
    __u8 priority; /* our own priority, 1..255 (acceptance and Skew_Time); xvrrp_control */
    /* The 802.1Q VLAN the instance belongs to (0: untagged): adverts count only when their
     * frame carries exactly this VLAN (bpf/vlan.h); others go to the kernel untouched. */
    __u16 vlan;
    __u32 pad1;
    /* XVRRP_INST_UNICAST: the destination adverts must have (IPv4: mapped, see above) */
    __u8 unicast_addr[16];
    /* Fast mode (interval below 10 ms, xvrrp peers only): the fixed Master_Adver_Interval.
     * 0 = standard mode: learn it from each advert's interval field (RFC 5798 6.4.2). */
    __u64 fixed_interval_ns;
    /* Our own advert interval: adverts seen while master or releasing wake the controller at
     * most once per interval unless their sender or priority changes. */
    __u64 advert_interval_ns;
    /* The lease the kernel grants itself when the master-down timer fires while armed: ARP is
     * answered that long unless the advert threads (or the controller) renew it. */
    __u64 takeover_grace_ns;
    /* An expiry this much later than its deadline means this host stalled: adverts may wait in
     * a receive queue. Such an expiry gives the wire late_grace_ns before the master is
     * declared down, and any accepted advert in that time cancels it. 0 grace: never. */
    __u64 late_threshold_ns;
    __u64 late_grace_ns;
    /* XVRRP_INST_AUTH_PASS: the password, zero-padded to 8 bytes as on the wire. */
    __u8 auth_pass[8];
    /* XVRRP_INST_VMAC: the interface's own MAC, what frames to the virtual MAC become. */
    __u8 host_mac[6];
    __u8 pad2[2];
};

/* ---- controller-written: service IPs ------------------------------------------------- */

struct xvrrp_vip_key {
    __be32 addr; /* IPv4 service address */
};

/* vips6: IPv6 service addresses, whose Neighbor Solicitations bpf/nd.h answers. */
struct xvrrp_vip6_key {
    __u8 addr[16]; /* IPv6 service address, network order as in the packet */
};

enum xvrrp_vip_flags {
    /* Accept mode off (RFC 5798 6.4.3) and this server not the address owner: IPv4 packets
     * addressed to the VIP are dropped, whatever the role (a backup never accepts them, 6.4.2).
     * ARP for it is answered as ever. The same for an IPv6 VIP (vips6): IPv6 packets to it
     * are dropped, except Neighbor Solicitations and Advertisements (ND needs them). */
    XVRRP_VIP_NO_ACCEPT = 1u << 0,
    /* IPv6 VIPs (vips6): Neighbor Advertisements for it carry the Router flag (RFC 4861 4.4),
     * set like keepalived does, when the interface forwards IPv6. */
    XVRRP_VIP_ND_ROUTER = 1u << 1,
};

struct xvrrp_vip {
    __u8 mac[6]; /* answered as the VIP's hardware address (interface MAC or virtual MAC) */
    __u8 vrid;
    __u8 flags; /* enum xvrrp_vip_flags */
    __u16 vlan; /* its instance's VLAN (0: untagged): ARP/ND in any other VLAN is not ours */
    __u8 pad[2];
};

/* ---- controller-written: advert source allow-list ------------------------------------- */

struct xvrrp_src_key {
    __u32 vrid;
    __u8 addr[16]; /* the advert's source; IPv4: mapped (::ffff:a.b.c.d) */
};

struct xvrrp_allowed_src {
    __u32 unused; /* presence is what counts */
};

/* ---- shared through mmap: the liveness lease and the ARP verdict ---------------------- */

struct xvrrp_lease {
    /* CLOCK_MONOTONIC (= bpf_ktime_get_ns) ns until which the controller vouches for this
     * VRID: renewed with every advert it sends (a plain store), 0 revokes. If the controller
     * dies, the VRID's timer finds it expired and ARP stops. BPF writes it only when the
     * master-down timer fires while armed (now + takeover_grace_ns). */
    __u64 expires_ns;
    /* BPF: when the master-down timer last fired while armed (0: never). The advert threads
     * watch it to send the takeover's first frames without waiting for the controller. */
    __u64 took_over_ns;
    /* BPF: 1 while ARP for this VRID's VIPs is answered (role allows it and the lease is
     * fresh); the ARP path reads only this. Kept by xvrrp_control, the VRID's timer (lease
     * expiry, takeover) and the advert path. */
    __u32 answering;
    __u32 pad;
};

/* ---- controller-written: what the pins were made by ---------------------------------- */

struct xvrrp_meta {
    __u32 schema_version; /* XVRRP_SCHEMA_VERSION of the controller that created the pins */
    /* VIPs (vips and vips6) with XVRRP_VIP_NO_ACCEPT. While 0, IPv4 and IPv6 packets pass
     * without a vips/vips6 lookup. */
    __u32 no_accept_vips;
    /* Bit v (byte v / 8, bit v % 8) set: an instance of this interface belongs to VLAN v.
     * Tagged ARP and VRRP of any other VLAN go to the kernel untouched, unparsed (vlan.h);
     * untagged frames are always looked at. */
    __u8 vlans[XVRRP_VLAN_IDS / 8];
};

/* ---- BPF-written: per-VRID receive state and the VRID's timer ------------------------- */

#define XVRRP_GAP_BUCKETS 24 /* log2(us) buckets: [0]=<2us, [i]=[2^i, 2^(i+1)) us, last=rest */

enum xvrrp_rx_flags {
    XVRRP_RX_TIMER_READY = 1u << 0,   /* bpf_timer initialised (by xvrrp_control) */
    XVRRP_RX_MASTER_DOWN = 1u << 1,   /* the master was declared down; cleared by an advert */
    XVRRP_RX_TOOK_OVER = 1u << 2,     /* ... while armed: the kernel took over on its own */
    XVRRP_RX_TIMER_RUNNING = 1u << 3, /* the hrtimer is started (it fires at timer_expires_ns) */
    XVRRP_RX_WATCHING = 1u << 4,      /* Master_Down_Timer armed: accepted adverts restart it */
    XVRRP_RX_GRACE = 1u << 5,         /* a late expiry gave the wire late_grace_ns */
    XVRRP_RX_LEASE_WATCH = 1u << 6,   /* the timer checks the lease: ARP is being answered */
};

struct xvrrp_rx_state {
#ifdef __cplusplus
    __u8 timer[16]; /* struct bpf_timer: opaque to user space */
#else
    struct bpf_timer timer;
#endif
    __u32 flags; /* enum xvrrp_rx_flags */
    __u8 master_priority;
    __u8 version;
    __u16 interval_field;  /* as carried: v3 centiseconds, v2 seconds */
    __u8 master_addr[16];  /* source of the last valid advert (IPv4: mapped); 8-aligned */
    __u32 last_event_type; /* enum xvrrp_event_type of the last advert event sent */
    __u32 advert_cpu;      /* the CPU that received the last accepted advert */
    __u32 timer_cpu;       /* the CPU the timer last fired on */
    __u32 pad;
    __u64 last_advert_ns;           /* arrival of the last valid advert (any source) */
    __u64 last_event_ns;            /* ... of the last advert event sent to the controller */
    __u64 master_adver_interval_ns; /* learned from the last accepted non-zero advert (6.4.2) */
    __u64 master_down_interval_ns;  /* what the Master_Down_Timer was last armed with */
    __u64 master_down_deadline_ns;  /* master down at this instant unless an advert moves it */
    __u64 timer_expires_ns;         /* when the hrtimer fires next (it may then sleep again) */
    __u64 master_down_at_ns;        /* when the master was last declared down */
    __u64 grace_until_ns;           /* XVRRP_RX_GRACE: declared down at this instant unless an
                                     * advert comes first */
    __u64 adverts;                  /* valid adverts received */
    __u64 accepted;                 /* of which restarted the Master_Down_Timer */
    __u64 timer_fires;              /* master-down declarations */
    __u64 timer_rearms;             /* expiries that found a later deadline and slept again */
    __u64 late_expiries;            /* Master_Down_Timer expiries later than late_threshold_ns */
    __u64 stall_graces;             /* ... on time, but another CPU receiving adverts was stalled */
    __u64 grace_rescued;            /* ... in whose grace an advert came: no takeover */
    __u64 grace_expired;            /* ... after whose grace the master was declared down */
    __u64 lease_expiries;           /* the lease ran out while ARP was answered */
    __u32 gap_hist[XVRRP_GAP_BUCKETS];  /* inter-arrival gaps of accepted adverts */
    __u32 late_hist[XVRRP_GAP_BUCKETS]; /* every expiry of the timer: how late it fired */
};

/* ---- BPF-written: is every CPU that receives adverts running? ------------------------- */

/*
 * A CPU that receives adverts (runs the NIC queue's NAPI, or on veth the sender's) keeps a
 * heartbeat while it does: a bpf_timer pinned to it, every advert interval. A vCPU the
 * hypervisor holds misses its heartbeats, and the adverts queued behind its NAPI wait with it,
 * while the Master_Down_Timer may fire on time on another CPU. So an expiry that finds such a
 * CPU stalled gives the wire the late-expiry grace too (master_down.h). The heartbeat stops
 * by itself a second (and at least four periods) after the CPU's last accepted advert. One
 * entry per possible CPU.
 */
#define XVRRP_MAX_CPUS 1024
#define XVRRP_HEARTBEAT_IDLE_NS 1000000000ULL

enum xvrrp_cpu_watch_flags {
    XVRRP_CPU_TIMER_READY = 1u << 0,   /* bpf_timer initialised */
    XVRRP_CPU_TIMER_RUNNING = 1u << 1, /* the heartbeat runs */
};

struct xvrrp_cpu_watch {
#ifdef __cplusplus
    __u8 timer[16]; /* struct bpf_timer: opaque to user space */
#else
    struct bpf_timer timer;
#endif
    __u32 flags; /* enum xvrrp_cpu_watch_flags; only this CPU writes the entry */
    __u32 pad;
    __u64 period_ns;     /* heartbeat period: the shortest advert interval received here */
    __u64 seen_ns;       /* the heartbeat last ran (or the CPU last took an advert) */
    __u64 due_ns;        /* ... and should run next */
    __u64 advert_ns;     /* this CPU last received an accepted advert of an armed VRID */
    __u64 beats;         /* heartbeats run */
    __u64 late_beats;    /* ... more than a period after they were due: this CPU stalled */
    __u64 worst_late_ns; /* the latest of them */
};

/* ---- the controller's command channel: the xvrrp_control program ---------------------- */

/* Run with BPF_PROG_TEST_RUN, this struct as ctx_in; the kernel copies it back (outputs). */
enum xvrrp_control_op {
    /* Write role and priority into the instances entry and recompute leases.answering (and
     * watch the lease with the VRID's timer while answering). */
    XVRRP_CTL_SET_ROLE = 1,
    /* Start Master_Down_Timer (RFC 5798 6.4.1/6.4.3: entering Backup): deadline = now +
     * interval_ns; from then on every accepted advert restarts it (6.4.2). error = -ENOMEM
     * (or another bpf_timer_init error) when the kernel has no timer for it: the deadline is
     * kept all the same, for the controller to watch. */
    XVRRP_CTL_ARM_MASTER_DOWN = 2,
    /* Stop it (leaving Backup). */
    XVRRP_CTL_DISARM_MASTER_DOWN = 3,
};

struct xvrrp_control {
    __u32 op; /* enum xvrrp_control_op */
    __u32 vrid;
    __u32 role;    /* SET_ROLE: enum xvrrp_role_flags */
    __u8 priority; /* SET_ROLE */
    __u8 pad[3];
    __u64 interval_ns; /* ARM_MASTER_DOWN: Master_Down_Interval */
    /* outputs */
    __u64 now_ns;    /* bpf_ktime_get_ns() when the command ran */
    __s32 error;     /* 0, or -errno: what failed */
    __u32 answering; /* leases.answering afterwards */
};

/* ---- BPF-written: counters, one field per decision ------------------------------------ */

/* X-macro: the list is the counter definition. The BPF side increments fields of
 * struct xvrrp_counters (per CPU); user space gets the names for status and docs. */
#define XVRRP_COUNTERS(X)                                                                         \
    X(arp_reply, "ARP request for a VIP answered (XDP_TX)")                                       \
    X(arp_drop_backup, "ARP request for a VIP this server is not master of: dropped")             \
    X(arp_drop_lease, "ARP request for a VIP while master but the lease ran out: dropped")        \
    X(arp_drop_no_instance, "ARP request for a VIP whose VRID has no instance: dropped")          \
    X(arp_drop_gratuitous, "gratuitous ARP request for a VIP: dropped, never answered")           \
    X(arp_drop_bad_sender, "ARP request with broadcast/multicast sender MAC: dropped")            \
    X(arp_drop_malformed, "ARP truncated or not Ethernet/IPv4 (htype 1 or 6, ptype, hlen, plen)") \
    X(arp_pass, "ARP not asking for a VIP (or a reply): passed to the kernel")                    \
    X(arp_pass_other_host, "ARP request for a VIP unicast to another host's MAC: passed")         \
    X(arp_pass_other_vlan, "ARP request for a VIP of an instance in another VLAN: passed")        \
    X(nd_reply, "Neighbor Solicitation for an IPv6 VIP answered with an NA (XDP_TX)")             \
    X(nd_drop_backup, "NS for an IPv6 VIP this server is not master of: dropped")                 \
    X(nd_drop_lease, "NS for an IPv6 VIP while master but the lease ran out: dropped")            \
    X(nd_drop_no_instance, "NS for an IPv6 VIP whose VRID has no instance: dropped")              \
    X(nd_drop_bad_sender, "NS for a VIP from a group MAC or IPv6 source (or SLLA): dropped")      \
    X(nd_drop_malformed, "NS for a VIP failing RFC 4861 7.1.1 (hop limit, checksum...): dropped") \
    X(nd_drop_no_room, "NS for a VIP to answer, but the frame could not grow to the NA: dropped") \
    X(nd_pass, "NS not for an IPv6 VIP: passed to the kernel")                                    \
    X(nd_pass_other_host, "NS for an IPv6 VIP unicast to another host's MAC: passed")             \
    X(nd_pass_other_vlan, "NS for an IPv6 VIP of an instance in another VLAN: passed")            \
    X(vlan_too_deep, "more than two VLAN tags: passed unparsed")                                  \
    X(vlan_no_instance, "tagged ARP, NS or VRRP of a VLAN no instance here belongs to: passed")   \
    X(ipv4_drop_no_accept, "IPv4 packet to a VIP with accept mode off (RFC 5798 6.4.3): dropped") \
    X(ipv6_drop_no_accept, "IPv6 packet (not NS/NA) to a VIP with accept mode off: dropped")      \
    X(vmac_to_host, "frame to our virtual MAC (tc ingress): made the interface's, for the stack") \
    X(vrrp_valid, "valid VRRP advert")                                                            \
    X(vrrp_accepted, "valid advert RFC 5798 6.4.2 accepts (restarts Master_Down_Timer if armed)") \
    X(vrrp_ignored_lower_prio, "valid advert below our priority with preempt: not accepted")      \
    X(vrrp_prio_zero, "valid advert with priority 0 (master resigning)")                          \
    X(vrrp_while_master, "valid advert received while this server is master")                     \
    X(vrrp_other_vrid, "VRRP for a VRID not configured here: passed to the kernel")               \
    X(vrrp_other_vlan, "VRRP for a VRID whose instance is in another VLAN: passed")               \
    X(vrrp_other_family, "VRRP over IPv4 for an IPv6 instance's VRID, or the reverse: passed")    \
    X(vrrp_drop_ip_malformed, "VRRP, bad IP header (IPv4 IHL/length/checksum, IPv6 length)")      \
    X(vrrp_drop_ipv6_ext, "VRRP behind an IPv6 extension header (RFC 5798 5.1.2): dropped")       \
    X(vrrp_drop_fragment, "VRRP in an IP fragment: dropped")                                      \
    X(vrrp_drop_truncated, "VRRP header or addresses beyond the frame: dropped")                  \
    X(vrrp_drop_ttl, "VRRP with IP TTL or hop limit other than 255 (RFC 5798 7.1): dropped")      \
    X(vrrp_drop_version, "VRRP version not the configured one (over IPv6: not 3): dropped")       \
    X(vrrp_drop_type, "VRRP type not ADVERTISEMENT (1): dropped")                                 \
    X(vrrp_drop_length, "VRRP length inconsistent with its address count: dropped")               \
    X(vrrp_drop_checksum, "VRRP checksum wrong (IPv4: with and without pseudo-header): dropped")  \
    X(vrrp_drop_interval, "VRRP interval zero, or VRRPv2 interval not ours (RFC 3768 7.1)")       \
    X(vrrp_drop_source, "VRRP source not in the allow-list: dropped")                             \
    X(vrrp_drop_destination, "VRRP not to us (unicast instance) or not to ff02::12 (IPv6)")       \
    X(vrrp_drop_not_link_local, "IPv6 VRRP to ff02::12 from a non-link-local source: dropped")    \
    X(vrrp_drop_auth, "VRRPv2 Auth Type not the configured one (RFC 3768 7.1): dropped")          \
    X(vrrp_drop_auth_pass, "VRRPv2 simple-text password not the configured one: dropped")         \
    X(timer_master_down, "master-down timer fired: master declared down")                         \
    X(timer_takeover, "master-down timer fired while armed: ARP answering on at once")            \
    X(timer_late, "master-down expiry later than its threshold: grace given to the wire")         \
    X(timer_cpu_stalled, "master-down expiry on time, a CPU receiving adverts stalled: grace")    \
    X(timer_grace_extended, "grace over, a CPU receiving adverts still stalled: extended")        \
    X(timer_grace_rescued, "an advert came within the grace of a late expiry: no takeover")       \
    X(timer_grace_expired, "no advert within the grace of a late expiry: master down")            \
    X(timer_error, "bpf_timer init/start failed")                                                 \
    X(lease_expired, "the controller's lease ran out while ARP was answered")                     \
    X(event_sent, "ring-buffer event sent")                                                       \
    X(event_rate_limited, "advert while master/releasing not reported: one per interval")         \
    X(event_dropped, "ring buffer full: event lost")

struct xvrrp_counters {
#define XVRRP_COUNTER_FIELD(name, help) __u64 name;
    XVRRP_COUNTERS(XVRRP_COUNTER_FIELD)
#undef XVRRP_COUNTER_FIELD
};

/* ---- BPF -> controller: ring-buffer events -------------------------------------------- */

/* Only what the election cares about; steady state on a backup sends nothing. */
enum xvrrp_event_type {
    XVRRP_EV_NEW_MASTER = 1,             /* accepted advert from a source other than the last */
    XVRRP_EV_PRIORITY_CHANGE = 2,        /* the master's priority changed */
    XVRRP_EV_PRIORITY_ZERO = 3,          /* the master resigned (timer set to Skew_Time) */
    XVRRP_EV_INTERVAL_CHANGE = 4,        /* the master's interval field changed */
    XVRRP_EV_ADVERT_WHILE_MASTER = 5,    /* someone else advertises while we are master */
    XVRRP_EV_MASTER_DOWN = 6,            /* master-down timer fired, not armed */
    XVRRP_EV_TAKEOVER = 7,               /* master-down timer fired while armed: ARP is on */
    XVRRP_EV_LOWER_PRIORITY = 8,         /* advert below our priority ignored (preempt) */
    XVRRP_EV_ADVERT_WHILE_RELEASING = 9, /* a non-zero priority advert while RELEASING */
};

enum xvrrp_event_flags {
    XVRRP_EVF_AFTER_GRACE = 1u << 0, /* declared at the end of a late expiry's grace */
};

struct xvrrp_event {
    __u64 ts_ns; /* bpf_ktime_get_ns() of the advert or the expiry */
    __u32 type;  /* enum xvrrp_event_type */
    __u32 vrid;
    __u8 src[16];  /* advert source (IPv4: mapped); for timer events the last master heard */
    __u8 priority; /* advert priority */
    __u8 version;
    __u16 interval_field; /* as carried */
    __u32 pad;
    __u64 master_down_interval_ns; /* the interval the timer is (or was) armed with */
    __u64 deadline_ns; /* timer events: the deadline that passed (ts_ns - deadline_ns = late) */
    __u32 flags;       /* enum xvrrp_event_flags */
    __u16 cpu;         /* the CPU that raised it (timer events: where the timer fired) */
    __u16 advert_cpu;  /* timer events: the CPU that received the last accepted advert */
};

#ifdef __cplusplus
static_assert(sizeof(xvrrp_vrid_key) == 4);
static_assert(sizeof(xvrrp_instance) == 88);
static_assert(offsetof(xvrrp_instance, unicast_addr) == 16);
static_assert(sizeof(xvrrp_vip_key) == 4);
static_assert(sizeof(xvrrp_vip) == 12);
static_assert(sizeof(xvrrp_vip6_key) == 16);
static_assert(sizeof(xvrrp_meta) == 8 + XVRRP_VLAN_IDS / 8);
static_assert(sizeof(xvrrp_src_key) == 20);
static_assert(sizeof(xvrrp_lease) == 24);
static_assert(sizeof(xvrrp_rx_state) == 16 + 40 + 17 * 8 + 8 * XVRRP_GAP_BUCKETS);
static_assert(offsetof(xvrrp_rx_state, master_addr) == 24);
static_assert(sizeof(xvrrp_cpu_watch) == 16 + 8 + 7 * 8);
static_assert(offsetof(xvrrp_rx_state, flags) == 16);
static_assert(sizeof(xvrrp_control) == 40);
static_assert(sizeof(xvrrp_event) == 64);
static_assert(offsetof(xvrrp_event, src) == 16);
static_assert(sizeof(xvrrp_counters) % 8 == 0);
#endif

#endif /* XVRRP_ABI_H */
