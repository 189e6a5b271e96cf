#include "net/netlink.h"

#include <netlink/errno.h>
#include <netlink/netlink.h>

#include <cstdlib>

namespace xvrrp::net {

Error nl_error(const std::string &what, int err) {
    int code = std::abs(err);
    std::string text = what + ": " + nl_geterror(code);
    if (code == NLE_PERM) text += " (need root or CAP_NET_ADMIN)";
    return Error(text);
}

NlSocket connect_route(const std::string &purpose) {
    NlSocket sock(nl_socket_alloc());
    if (!sock) throw Error(purpose + ": cannot allocate a netlink socket (out of memory)");
    if (int err = nl_connect(sock.get(), NETLINK_ROUTE); err < 0)
        throw nl_error(purpose + ": connect rtnetlink", err);
    return sock;
}

}  // namespace xvrrp::net
