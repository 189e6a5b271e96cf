/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * RFC 5798 6.1 timing: the one formula for Skew_Time and Master_Down_Interval, used by the XDP
 * program (bpf/advert.h, restarting the Master_Down_Timer at line rate) and by the controller
 * (userspace/vrrp/state_params.cpp). tests/bpf/master_down_interval_test.cpp checks that the
 * kernel arrives at the same figures as the controller for a table of cases.
 */
#ifndef XVRRP_TIMING_H
#define XVRRP_TIMING_H

#include <linux/types.h>

#define XVRRP_NSEC_PER_SEC 1000000000ULL
#define XVRRP_NSEC_PER_CSEC 10000000ULL

/* Skew_Time = ((256 - Priority) * Master_Adver_Interval) / 256 (RFC 5798 6.1, VRRPv3);
 * RFC 3768 6.1 (VRRPv2): (256 - Priority) / 256 seconds, whatever the interval. Priority is
 * the local one. */
static inline __u64 xvrrp_skew_time_ns(__u8 version, __u8 priority, __u64 master_adver_interval_ns)
{
    __u64 base = version == 2 ? XVRRP_NSEC_PER_SEC : master_adver_interval_ns;
    return ((256 - (__u64)priority) * base) >> 8;
}

/* Master_Down_Interval = 3 * Master_Adver_Interval + Skew_Time (both RFCs). */
static inline __u64 xvrrp_master_down_interval_ns(__u8 version, __u8 priority,
                                                  __u64 master_adver_interval_ns)
{
    return 3 * master_adver_interval_ns +
           xvrrp_skew_time_ns(version, priority, master_adver_interval_ns);
}

#endif /* XVRRP_TIMING_H */
