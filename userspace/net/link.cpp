#include "net/link.h"

#include <net/if.h>
#include <netlink/errno.h>

#include <cstdio>
#include <cstring>

#include "net/netlink.h"

namespace xvrrp::net {

namespace {

bool is_not_found(int err) {
    err = err < 0 ? -err : err;
    return err == NLE_OBJ_NOTFOUND || err == NLE_NODEV;
}

// nullptr when missing; throws on any other error.
RtnlLink get_link(nl_sock *sock, const std::string &name) {
    if (name.empty() || name.size() >= IFNAMSIZ || name.find_first_of("/ \t") != name.npos)
        throw Error("\"" + name + "\": not a valid interface name (1 to " +
                    std::to_string(IFNAMSIZ - 1) + " characters, no '/' or spaces)");
    rtnl_link *raw = nullptr;
    int err = rtnl_link_get_kernel(sock, 0, name.c_str(), &raw);
    if (err < 0) {
        if (is_not_found(err)) return nullptr;
        throw nl_error("look up interface " + name, err);
    }
    return RtnlLink(raw);
}

LinkInfo to_info(rtnl_link *link) {
    LinkInfo info;
    info.ifindex = rtnl_link_get_ifindex(link);
    if (const char *name = rtnl_link_get_name(link)) info.name = name;
    if (const char *kind = rtnl_link_get_type(link)) info.kind = kind;
    unsigned flags = rtnl_link_get_flags(link);
    info.up = flags & IFF_UP;
    info.running = flags & IFF_RUNNING;
    if (nl_addr *addr = rtnl_link_get_addr(link);
        addr && nl_addr_get_len(addr) == info.mac.size()) {
        std::memcpy(info.mac.data(), nl_addr_get_binary_addr(addr), info.mac.size());
        info.has_mac = info.mac != vrrp::MacAddress{};
    }
    return info;
}

}  // namespace

std::optional<LinkInfo> find_link(const std::string &name) {
    auto sock = connect_route("look up interface " + name);
    auto link = get_link(sock.get(), name);
    if (!link) return std::nullopt;
    return to_info(link.get());
}

LinkInfo link_info(const std::string &name) {
    auto info = find_link(name);
    if (!info)
        throw Error(name +
                    ": no such interface in this network namespace (check the name in "
                    "the configuration, `ip link show`)");
    return *info;
}

void set_link_up(const std::string &name) {
    auto sock = connect_route("set " + name + " up");
    auto link = get_link(sock.get(), name);
    if (!link) throw Error("set " + name + " up: no such interface");
    if (rtnl_link_get_flags(link.get()) & IFF_UP) return;
    RtnlLink change(rtnl_link_alloc());
    if (!change) throw Error("set " + name + " up: out of memory");
    rtnl_link_set_flags(change.get(), IFF_UP);
    if (int err = rtnl_link_change(sock.get(), link.get(), change.get(), 0); err < 0)
        throw nl_error("set " + name + " up", err);
}

bool delete_link(const std::string &name) {
    auto sock = connect_route("delete " + name);
    auto link = get_link(sock.get(), name);
    if (!link) return false;
    int err = rtnl_link_delete(sock.get(), link.get());
    if (err < 0) {
        if (is_not_found(err)) return false;  // deleted by someone else meanwhile
        throw nl_error("delete " + name, err);
    }
    return true;
}

std::string mac_to_string(const vrrp::MacAddress &mac) {
    char buf[18];
    std::snprintf(buf, sizeof buf, "%02x:%02x:%02x:%02x:%02x:%02x", mac[0], mac[1], mac[2], mac[3],
                  mac[4], mac[5]);
    return buf;
}

}  // namespace xvrrp::net
