/* SPDX-License-Identifier: (GPL-2.0-only OR BSD-2-Clause) */
/*
 * VLANs on a trunk. An instance belongs to one 802.1Q VLAN (instances.vlan, 0 = untagged), and
 * so do its service IPs (vips.vlan). A frame's VLAN is the VLAN id of its one 802.1Q tag, 0
 * when it has none (or only a priority tag, VLAN id 0: 802.1Q treats it as untagged), and
 * FRAME_VLAN_NONE when it has two tags or an 802.1ad one: no instance belongs to that.
 *
 * Tagged ARP and VRRP of a VLAN that no instance here belongs to go to the kernel untouched,
 * before anything is parsed (meta.vlans, one bit per VLAN, kept by the controller); untagged
 * frames are always looked at, as before VLANs existed. Within a VLAN that has an instance,
 * ARP for a service IP of another VLAN's instance and adverts for a VRID run in another VLAN
 * pass as well (arp.h, advert.h): answering or timing them would be answering or timing
 * another network.
 */
#ifndef XVRRP_BPF_VLAN_H
#define XVRRP_BPF_VLAN_H

#include "maps.h"
#include "parsing.h"

/* Does an instance of this interface belong to the frame's VLAN? Untagged: always. */
static __always_inline int vlan_has_instance(__u32 vlan)
{
    struct xvrrp_meta *m;
    __u32 zero = 0;

    if (vlan == 0)
        return 1;
    if (vlan >= XVRRP_VLAN_IDS)
        return 0;
    m = bpf_map_lookup_elem(&meta, &zero);
    return m && (m->vlans[vlan / 8] >> (vlan % 8)) & 1;
}

#endif /* XVRRP_BPF_VLAN_H */
