#include "net/link_monitor.h"

#include <linux/if.h>
#include <linux/rtnetlink.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <netlink/netlink.h>

namespace xvrrp::net {

namespace {

struct NlCbPut {
    void operator()(nl_cb *cb) const { nl_cb_put(cb); }
};

int on_message(nl_msg *msg, void *arg) {
    auto *out = static_cast<LinkChanges *>(arg);
    nlmsghdr *hdr = nlmsg_hdr(msg);
    if (hdr->nlmsg_type != RTM_NEWLINK && hdr->nlmsg_type != RTM_DELLINK) return NL_SKIP;
    nlattr *tb[IFLA_MAX + 1] = {};
    if (nlmsg_parse(hdr, sizeof(ifinfomsg), tb, IFLA_MAX, nullptr) < 0) return NL_SKIP;
    auto *ifi = static_cast<ifinfomsg *>(nlmsg_data(hdr));
    LinkChange change;
    change.ifindex = ifi->ifi_index;
    if (tb[IFLA_IFNAME]) change.name = nla_get_string(tb[IFLA_IFNAME]);
    change.up = ifi->ifi_flags & IFF_UP;
    change.running = ifi->ifi_flags & IFF_RUNNING;
    change.removed = hdr->nlmsg_type == RTM_DELLINK;
    out->changes.push_back(std::move(change));
    return NL_OK;
}

}  // namespace

LinkMonitor::LinkMonitor() : sock_(nl_socket_alloc()) {
    const std::string what = "monitor link changes";
    if (!sock_) throw Error(what + ": out of memory");
    // Notifications carry sequence number 0: do not check them against requests.
    nl_socket_disable_seq_check(sock_.get());
    if (int err = nl_connect(sock_.get(), NETLINK_ROUTE); err < 0)
        throw nl_error(what + ": connect rtnetlink", err);
    if (int err = nl_socket_add_membership(sock_.get(), RTNLGRP_LINK); err < 0)
        throw nl_error(what + ": join RTNLGRP_LINK", err);
    if (int err = nl_socket_set_nonblocking(sock_.get()); err < 0)
        throw nl_error(what + ": set non-blocking", err);
}

int LinkMonitor::fd() const {
    return nl_socket_get_fd(sock_.get());
}

LinkChanges LinkMonitor::drain() {
    LinkChanges out;
    // Clone the socket's callbacks to keep its disabled sequence check, and add ours.
    std::unique_ptr<nl_cb, NlCbPut> base(nl_socket_get_cb(sock_.get()));
    std::unique_ptr<nl_cb, NlCbPut> cb(nl_cb_clone(base.get()));
    if (!cb) throw Error("read link changes: out of memory");
    nl_cb_set(cb.get(), NL_CB_VALID, NL_CB_CUSTOM, on_message, &out);
    for (;;) {
        // > 0: messages handled; 0: nothing left (EAGAIN on the non-blocking socket).
        int n = nl_recvmsgs_report(sock_.get(), cb.get());
        if (n > 0) continue;
        if (n == 0 || -n == NLE_AGAIN) break;
        if (-n == NLE_NOMEM) {   // libnl's name for ENOBUFS on a netlink socket
            out.overrun = true;  // the kernel dropped notifications; the next read works again
            continue;
        }
        throw nl_error("read link changes", n);
    }
    return out;
}

}  // namespace xvrrp::net
