// RAII for libnl objects and one way to turn a libnl error into an xvrrp::Error.
//
// Every socket is opened in the network namespace of the CALLING THREAD (setns is per thread),
// which is what tests and the daemon rely on: enter the namespace, then call.
#pragma once

#include <netlink/addr.h>
#include <netlink/cache.h>
#include <netlink/socket.h>
#include <netlink/route/addr.h>
#include <netlink/route/link.h>

#include <memory>
#include <string>

#include "common/fd.h"

namespace xvrrp::net {

struct NlSocketFree {
    void operator()(nl_sock *s) const { nl_socket_free(s); }
};
struct NlCacheFree {
    void operator()(nl_cache *c) const { nl_cache_free(c); }
};
struct NlAddrPut {
    void operator()(nl_addr *a) const { nl_addr_put(a); }
};
struct RtnlLinkPut {
    void operator()(rtnl_link *l) const { rtnl_link_put(l); }
};
struct RtnlAddrPut {
    void operator()(rtnl_addr *a) const { rtnl_addr_put(a); }
};

using NlSocket = std::unique_ptr<nl_sock, NlSocketFree>;
using NlCache = std::unique_ptr<nl_cache, NlCacheFree>;
using NlAddr = std::unique_ptr<nl_addr, NlAddrPut>;
using RtnlLink = std::unique_ptr<rtnl_link, RtnlLinkPut>;
using RtnlAddr = std::unique_ptr<rtnl_addr, RtnlAddrPut>;

// "what: <libnl text>" plus a hint when the cause is a missing capability. err is a libnl
// error code (negative, as libnl returns it, or positive).
Error nl_error(const std::string &what, int err);

// A NETLINK_ROUTE socket connected in the calling thread's network namespace.
NlSocket connect_route(const std::string &purpose);

}  // namespace xvrrp::net
