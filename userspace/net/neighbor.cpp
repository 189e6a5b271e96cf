#include "net/neighbor.h"

#include <linux/neighbour.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>
#include <netlink/route/neighbour.h>
#include <netlink/errno.h>
#include <sys/socket.h>

#include <cstring>

#include "net/link.h"

namespace xvrrp::net {
namespace {

int family_of(const vrrp::IpAddress &a) {
    return a.family == vrrp::Family::IPv4 ? AF_INET : AF_INET6;
}

struct NlMsgFree {
    void operator()(nl_msg *m) const { nlmsg_free(m); }
};

// ndmsg for `address` on `ifindex`, then NDA_DST.
std::unique_ptr<nl_msg, NlMsgFree> neigh_message(int type, int flags, int ifindex,
                                                 const vrrp::IpAddress &address, uint16_t state,
                                                 uint8_t ndm_flags) {
    std::unique_ptr<nl_msg, NlMsgFree> msg(nlmsg_alloc_simple(type, flags));
    if (!msg) throw Error("neighbor table: out of memory");
    ndmsg ndm{};
    ndm.ndm_family = uint8_t(family_of(address));
    ndm.ndm_ifindex = ifindex;
    ndm.ndm_state = state;
    ndm.ndm_flags = ndm_flags;
    if (nlmsg_append(msg.get(), &ndm, sizeof ndm, NLMSG_ALIGNTO) < 0 ||
        nla_put(msg.get(), NDA_DST, int(address.size()), address.bytes.data()) < 0)
        throw Error("neighbor table: cannot build the netlink request");
    return msg;
}

struct Lookup {
    std::optional<vrrp::MacAddress> mac;
};

int on_neigh(nl_msg *msg, void *arg) {
    auto *out = static_cast<Lookup *>(arg);
    rtnl_neigh *n = nullptr;
    if (rtnl_neigh_parse(nlmsg_hdr(msg), &n) < 0 || !n) return NL_SKIP;
    const int state = rtnl_neigh_get_state(n);
    nl_addr *ll = rtnl_neigh_get_lladdr(n);
    if ((state & (NUD_REACHABLE | NUD_STALE | NUD_DELAY | NUD_PROBE | NUD_PERMANENT)) && ll &&
        nl_addr_get_len(ll) == 6) {
        vrrp::MacAddress mac;
        std::memcpy(mac.data(), nl_addr_get_binary_addr(ll), 6);
        out->mac = mac;
    }
    rtnl_neigh_put(n);
    return NL_OK;
}

// RTM_NEWNEIGH / RTM_DELNEIGH of family AF_BRIDGE with NTF_SELF: the device's own address list.
int edit_unicast_address(int type, int flags, int ifindex, const vrrp::MacAddress &mac) {
    NlSocket sock = connect_route("unicast address list");
    std::unique_ptr<nl_msg, NlMsgFree> msg(nlmsg_alloc_simple(type, flags));
    if (!msg) throw Error("unicast address list: out of memory");
    ndmsg ndm{};
    ndm.ndm_family = AF_BRIDGE;
    ndm.ndm_ifindex = ifindex;
    ndm.ndm_state = NUD_PERMANENT;
    ndm.ndm_flags = NTF_SELF;
    if (nlmsg_append(msg.get(), &ndm, sizeof ndm, NLMSG_ALIGNTO) < 0 ||
        nla_put(msg.get(), NDA_LLADDR, int(mac.size()), mac.data()) < 0)
        throw Error("unicast address list: cannot build the netlink request");
    return nl_send_sync(sock.get(), msg.release());
}

}  // namespace

void add_unicast_address(int ifindex, const vrrp::MacAddress &mac) {
    int err = edit_unicast_address(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_EXCL, ifindex, mac);
    if (err < 0 && err != -NLE_EXIST)
        throw nl_error("add " + mac_to_string(mac) + " to the unicast address list", err);
}

void remove_unicast_address(int ifindex, const vrrp::MacAddress &mac) {
    int err = edit_unicast_address(RTM_DELNEIGH, 0, ifindex, mac);
    if (err < 0 && err != -NLE_OBJ_NOTFOUND && err != -NLE_NOADDR)
        throw nl_error("remove " + mac_to_string(mac) + " from the unicast address list", err);
}

NeighborTable::NeighborTable()
    : sock_(connect_route("neighbor table")), lookup_sock_(connect_route("neighbor lookup")) {
    // A lookup's reply is the entry or an error, nothing after it: no acknowledgement to ask
    // for, and every reply read is the answer to the one request sent before it.
    nl_socket_disable_auto_ack(lookup_sock_.get());
    nl_socket_disable_seq_check(lookup_sock_.get());
}

void NeighborTable::use(int ifindex, const vrrp::IpAddress &address) {
    auto msg = neigh_message(RTM_NEWNEIGH, NLM_F_CREATE | NLM_F_REPLACE, ifindex, address, NUD_NONE,
                             NTF_USE);
    if (int err = nl_send_sync(sock_.get(), msg.release()); err < 0)
        throw nl_error("neighbor " + address.to_string() + ": ask the kernel to resolve it", err);
}

std::optional<vrrp::MacAddress> NeighborTable::mac(int ifindex, const vrrp::IpAddress &address) {
    auto msg = neigh_message(RTM_GETNEIGH, 0, ifindex, address, 0, 0);
    if (int err = nl_send_auto(lookup_sock_.get(), msg.get()); err < 0)
        throw nl_error("neighbor " + address.to_string() + ": look it up", err);
    Lookup out;
    nl_socket_modify_cb(lookup_sock_.get(), NL_CB_VALID, NL_CB_CUSTOM, on_neigh, &out);
    int err = nl_recvmsgs_default(lookup_sock_.get());
    if (err < 0 && err != -NLE_OBJ_NOTFOUND) throw nl_error("neighbor " + address.to_string(), err);
    return out.mac;
}

}  // namespace xvrrp::net
