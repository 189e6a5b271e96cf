#include "net/vlan_offload.h"

#include <linux/ethtool.h>
#include <linux/sockios.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <cstring>

#include "common/fd.h"

namespace xvrrp::net {
namespace {

// ETHTOOL_GFLAGS / ETHTOOL_SFLAGS on the interface; errno on failure.
int ethtool_flags(const std::string &ifname, uint32_t cmd, uint32_t &flags) {
    UniqueFd sock(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (!sock) return errno;
    ethtool_value value{};
    value.cmd = cmd;
    value.data = flags;
    ifreq ifr{};
    std::strncpy(ifr.ifr_name, ifname.c_str(), IFNAMSIZ - 1);
    ifr.ifr_data = reinterpret_cast<char *>(&value);
    if (ioctl(sock.get(), SIOCETHTOOL, &ifr) != 0) return errno;
    flags = value.data;
    return 0;
}

}  // namespace

VlanOffloadState check_rx_vlan_offload(const std::string &ifname) {
    VlanOffloadState s;
    uint32_t flags = 0;
    if (int err = ethtool_flags(ifname, ETHTOOL_GFLAGS, flags)) {
        s.text = ifname + ": cannot read rx-vlan-offload (" + std::strerror(err) + ")";
        return s;
    }
    s.ok = !(flags & ETH_FLAG_RXVLAN);
    s.text = ifname + ": rx-vlan-offload " +
             (s.ok ? "off (XDP sees VLAN tags)" : "on, would turn it off for XDP to see VLAN tags");
    return s;
}

VlanOffloadState disable_rx_vlan_offload(const std::string &ifname) {
    VlanOffloadState s;
    uint32_t flags = 0;
    if (int err = ethtool_flags(ifname, ETHTOOL_GFLAGS, flags))
        throw sys_error(ifname + ": read rx-vlan-offload (ethtool flags)", err);
    if (!(flags & ETH_FLAG_RXVLAN)) {
        s.ok = true;
        s.text = ifname + ": rx-vlan-offload off (XDP sees VLAN tags)";
        return s;
    }
    flags &= ~uint32_t(ETH_FLAG_RXVLAN);
    if (int err = ethtool_flags(ifname, ETHTOOL_SFLAGS, flags))
        throw sys_error(ifname +
                            ": turn rx-vlan-offload off, which an instance in a VLAN needs (the "
                            "NIC would strip the tags before XDP); try `ethtool -K " +
                            ifname + " rxvlan off`",
                        err);
    s.ok = s.changed = true;
    s.text = ifname + ": rx-vlan-offload turned off, so that XDP sees VLAN tags (`ethtool -K " +
             ifname + " rxvlan on` turns it back on)";
    return s;
}

}  // namespace xvrrp::net
