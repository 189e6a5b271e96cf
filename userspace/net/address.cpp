#include "net/address.h"

#include <linux/if_addr.h>
#include <netlink/errno.h>
#include <sys/socket.h>

#include <cstring>

#include "net/link.h"
#include "net/netlink.h"

namespace xvrrp::net {

namespace {

int af_of(const vrrp::IpAddress &ip) {
    return ip.family == vrrp::Family::IPv4 ? AF_INET : AF_INET6;
}

RtnlAddr build_addr(int ifindex, const AddressPrefix &prefix, const std::string &what) {
    RtnlAddr addr(rtnl_addr_alloc());
    NlAddr local(
        nl_addr_build(af_of(prefix.address), prefix.address.bytes.data(), prefix.address.size()));
    if (!addr || !local) throw Error(what + ": out of memory");
    nl_addr_set_prefixlen(local.get(), prefix.prefix_len);
    rtnl_addr_set_ifindex(addr.get(), ifindex);
    rtnl_addr_set_family(addr.get(), af_of(prefix.address));
    if (int err = rtnl_addr_set_local(addr.get(), local.get()); err < 0) throw nl_error(what, err);
    rtnl_addr_set_prefixlen(addr.get(), prefix.prefix_len);
    if (prefix.address.family == vrrp::Family::IPv6) rtnl_addr_set_flags(addr.get(), IFA_F_NODAD);
    return addr;
}

bool is_absent(int err) {
    err = err < 0 ? -err : err;
    return err == NLE_NOADDR || err == NLE_OBJ_NOTFOUND || err == NLE_NODEV;
}

}  // namespace

std::string AddressPrefix::to_string() const {
    return address.to_string() + "/" + std::to_string(prefix_len);
}

bool InterfaceAddress::tentative() const {
    return flags & IFA_F_TENTATIVE;
}
bool InterfaceAddress::dad_failed() const {
    return flags & IFA_F_DADFAILED;
}

bool add_address(const std::string &ifname, const AddressPrefix &prefix) {
    std::string what = "add " + prefix.to_string() + " to " + ifname;
    LinkInfo link = link_info(ifname);
    auto sock = connect_route(what);
    auto addr = build_addr(link.ifindex, prefix, what);
    int err = rtnl_addr_add(sock.get(), addr.get(), NLM_F_EXCL);
    if (err == 0) return true;
    if (-err == NLE_EXIST) return false;
    throw nl_error(what, err);
}

bool remove_address(const std::string &ifname, const AddressPrefix &prefix) {
    std::string what = "remove " + prefix.to_string() + " from " + ifname;
    auto link = find_link(ifname);
    if (!link) return false;
    auto sock = connect_route(what);
    auto addr = build_addr(link->ifindex, prefix, what);
    int err = rtnl_addr_delete(sock.get(), addr.get(), 0);
    if (err == 0) return true;
    if (is_absent(err)) return false;
    throw nl_error(what, err);
}

struct AddressEditor::Socket {
    NlSocket sock;
};

AddressEditor::AddressEditor(std::string ifname)
    : ifname_(std::move(ifname)),
      ifindex_(link_info(ifname_).ifindex),
      sock_(std::make_unique<Socket>(Socket{connect_route("addresses on " + ifname_)})) {}

AddressEditor::AddressEditor(AddressEditor &&) noexcept = default;
AddressEditor::~AddressEditor() = default;

bool AddressEditor::add(const AddressPrefix &prefix) {
    std::string what = "add " + prefix.to_string() + " to " + ifname_;
    for (int attempt = 0;; attempt++) {
        auto addr = build_addr(ifindex_, prefix, what);
        int err = rtnl_addr_add(sock_->sock.get(), addr.get(), NLM_F_EXCL);
        if (err == 0) return true;
        if (-err == NLE_EXIST) return false;
        if (-err == NLE_NODEV && attempt == 0) {  // recreated: new ifindex
            ifindex_ = link_info(ifname_).ifindex;
            continue;
        }
        throw nl_error(what, err);
    }
}

bool AddressEditor::remove(const AddressPrefix &prefix) {
    std::string what = "remove " + prefix.to_string() + " from " + ifname_;
    auto addr = build_addr(ifindex_, prefix, what);
    int err = rtnl_addr_delete(sock_->sock.get(), addr.get(), 0);
    if (err == 0) return true;
    if (is_absent(err)) return remove_address(ifname_, prefix);  // maybe recreated: by name
    throw nl_error(what, err);
}

std::vector<InterfaceAddress> list_addresses(const std::string &ifname) {
    std::string what = "list addresses of " + ifname;
    LinkInfo link = link_info(ifname);
    auto sock = connect_route(what);
    nl_cache *raw = nullptr;
    if (int err = rtnl_addr_alloc_cache(sock.get(), &raw); err < 0) throw nl_error(what, err);
    NlCache cache(raw);

    std::vector<InterfaceAddress> out;
    for (nl_object *obj = nl_cache_get_first(cache.get()); obj; obj = nl_cache_get_next(obj)) {
        auto *addr = reinterpret_cast<rtnl_addr *>(obj);
        if (rtnl_addr_get_ifindex(addr) != link.ifindex) continue;
        nl_addr *local = rtnl_addr_get_local(addr);
        if (!local) continue;
        InterfaceAddress ia;
        int family = nl_addr_get_family(local);
        size_t len = nl_addr_get_len(local);
        if (family == AF_INET && len == 4) {
            ia.prefix.address.family = vrrp::Family::IPv4;
        } else if (family == AF_INET6 && len == 16) {
            ia.prefix.address.family = vrrp::Family::IPv6;
        } else {
            continue;
        }
        std::memcpy(ia.prefix.address.bytes.data(), nl_addr_get_binary_addr(local), len);
        ia.prefix.prefix_len = static_cast<uint8_t>(rtnl_addr_get_prefixlen(addr));
        ia.flags = rtnl_addr_get_flags(addr);
        out.push_back(ia);
    }
    return out;
}

}  // namespace xvrrp::net
