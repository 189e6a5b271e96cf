// The kernel's neighbor table (ARP) as xvrrpd uses it for unicast peers: adverts to a peer are
// whole Ethernet frames sent past the kernel's stack, so they need the peer's MAC, and the
// kernel, which already resolves and re-validates neighbors, is asked for it.
//
// use() marks the entry as used (NTF_USE, what `ip neigh replace ADDR dev DEV use` does): one
// that does not exist is created and resolved with an ARP request, a stale one is re-validated
// with a unicast probe. Nothing else of ours sends to the peer through the stack, so without it
// the entry would go stale and never be checked again. mac() reads the entry.
#pragma once

#include <optional>
#include <string>

#include "net/netlink.h"
#include "vrrp/types.h"

namespace xvrrp::net {

class NeighborTable {
  public:
    // A NETLINK_ROUTE socket in the calling thread's namespace.
    NeighborTable();

    // Throws xvrrp::Error when the kernel refuses (no such interface, no CAP_NET_ADMIN).
    void use(int ifindex, const vrrp::IpAddress &address);
    // The MAC of a resolved entry (reachable, stale, delay, probe, permanent); nullopt while it
    // is being resolved, when resolution failed, or when there is no entry.
    std::optional<vrrp::MacAddress> mac(int ifindex, const vrrp::IpAddress &address);

  private:
    NlSocket sock_;         // use(): requests acknowledged
    NlSocket lookup_sock_;  // mac(): one reply per request
};

// The interface's own unicast address list (what `bridge fdb add MAC dev eth0 self permanent`
// edits on a NIC that is no bridge port): a NIC with a unicast filter then receives frames sent
// to `mac` as well as to its own address, without promiscuous mode or a macvlan. For the
// virtual MAC (use_vmac). Adding one that is there and removing one that is not are no errors;
// others (no such interface, no CAP_NET_ADMIN) throw xvrrp::Error.
void add_unicast_address(int ifindex, const vrrp::MacAddress &mac);
void remove_unicast_address(int ifindex, const vrrp::MacAddress &mac);

}  // namespace xvrrp::net
