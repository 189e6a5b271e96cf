// 802.1Q receive offload on a trunk (rx-vlan-offload, NETIF_F_HW_VLAN_CTAG_RX). A NIC that
// strips VLAN tags on receive hands the XDP program frames without them (the tag rides beside
// the packet, where XDP does not look): an instance in a VLAN would never see its frames, and
// an untagged instance would take every VLAN's ARP and adverts for its own. xvrrpd turns it
// off on an interface with a tagged instance, through the legacy ethtool flags ioctl
// (ETHTOOL_GFLAGS / ETHTOOL_SFLAGS, ETH_FLAG_RXVLAN), as `ethtool -K IF rxvlan off` does.
#pragma once

#include <string>

namespace xvrrp::net {

struct VlanOffloadState {
    bool ok = false;       // the offload is off now (or the device has none)
    bool changed = false;  // we turned it off
    std::string text;      // "eth0: rx-vlan-offload on, would turn it off"
};

// Reads; never writes, never throws.
VlanOffloadState check_rx_vlan_offload(const std::string &ifname);
// Turns it off if it is on. Throws Error when it cannot.
VlanOffloadState disable_rx_vlan_offload(const std::string &ifname);

}  // namespace xvrrp::net
