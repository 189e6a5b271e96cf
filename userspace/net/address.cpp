#include "net/address.h"

#include <linux/if_addr.h>
#include <linux/netlink.h>
#include <netlink/errno.h>
#include <netlink/msg.h>
#include <sys/socket.h>

#include <algorithm>
#include <cerrno>
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
      sock_(std::make_unique<Socket>(Socket{connect_route("addresses on " + ifname_)})) {
    // add_all/remove_all read their acknowledgements themselves, past libnl's expected
    // sequence number. Every request on this socket is answered before the next one is sent,
    // so an answer cannot be taken for another's.
    nl_socket_disable_seq_check(sock_->sock.get());
}

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

std::vector<int> AddressEditor::exchange(bool add, std::span<const AddressPrefix> prefixes) {
    const std::string what = std::string(add ? "add" : "remove") + " addresses on " + ifname_;
    std::vector<int> result(prefixes.size(), EIO);  // EIO: no answer came
    nl_sock *sock = sock_->sock.get();
    std::vector<uint8_t> train;
    for (size_t first = 0; first < prefixes.size(); first += kBatch) {
        const size_t n = std::min(kBatch, prefixes.size() - first);
        train.clear();
        uint32_t first_seq = 0;
        for (size_t i = 0; i < n; ++i) {
            auto addr = build_addr(ifindex_, prefixes[first + i], what);
            nl_msg *raw = nullptr;
            int err = add ? rtnl_addr_build_add_request(addr.get(), NLM_F_EXCL, &raw)
                          : rtnl_addr_build_delete_request(addr.get(), 0, &raw);
            if (err < 0) throw nl_error(what, err);
            std::unique_ptr<nl_msg, void (*)(nl_msg *)> msg(raw, nlmsg_free);
            nl_complete_msg(sock, msg.get());  // port, sequence number, NLM_F_REQUEST | ACK
            const nlmsghdr *h = nlmsg_hdr(msg.get());
            if (i == 0) first_seq = h->nlmsg_seq;
            const auto *bytes = reinterpret_cast<const uint8_t *>(h);
            train.insert(train.end(), bytes, bytes + NLMSG_ALIGN(h->nlmsg_len));
        }
        if (int err = nl_sendto(sock, train.data(), train.size()); err < 0)
            throw nl_error(what, err);
        // The kernel handled the whole train inside that call: every answer is queued.
        size_t answered = 0;
        alignas(nlmsghdr) uint8_t buf[16384];
        while (answered < n) {
            ssize_t len = recv(nl_socket_get_fd(sock), buf, sizeof buf, 0);
            if (len < 0 && errno == EINTR) continue;
            if (len <= 0) {
                // Answers lost (ENOBUFS) or the socket broke: start over on a new socket, so
                // that no late answer is read as another request's.
                int err = len < 0 ? errno : EIO;
                sock_->sock = connect_route("addresses on " + ifname_);
                nl_socket_disable_seq_check(sock_->sock.get());
                throw sys_error(what, err);
            }
            int left = static_cast<int>(len);
            for (auto *h = reinterpret_cast<nlmsghdr *>(buf); NLMSG_OK(h, left);
                 h = NLMSG_NEXT(h, left)) {
                if (h->nlmsg_type != NLMSG_ERROR) continue;
                const uint32_t k = h->nlmsg_seq - first_seq;
                if (k >= n) continue;  // not ours
                result[first + k] = -static_cast<const nlmsgerr *>(NLMSG_DATA(h))->error;
                ++answered;
            }
        }
    }
    return result;
}

std::vector<uint8_t> AddressEditor::add_request(std::span<const AddressPrefix> prefixes) const {
    const std::string what = "prepare adding addresses to " + ifname_;
    std::vector<uint8_t> out;
    for (const auto &p : prefixes) {
        auto addr = build_addr(ifindex_, p, what);
        nl_msg *raw = nullptr;
        if (int err = rtnl_addr_build_add_request(addr.get(), NLM_F_EXCL, &raw); err < 0)
            throw nl_error(what, err);
        std::unique_ptr<nl_msg, void (*)(nl_msg *)> msg(raw, nlmsg_free);
        nlmsghdr *h = nlmsg_hdr(msg.get());
        h->nlmsg_flags |= NLM_F_REQUEST;
        const auto *bytes = reinterpret_cast<const uint8_t *>(h);
        out.insert(out.end(), bytes, bytes + NLMSG_ALIGN(h->nlmsg_len));
    }
    return out;
}

std::vector<AddressChange> AddressEditor::add_all(std::span<const AddressPrefix> prefixes) {
    std::vector<AddressChange> out(prefixes.size());
    auto errs = exchange(true, prefixes);
    for (size_t i = 0; i < prefixes.size(); ++i) {
        if (errs[i] == 0) {
            out[i].changed = true;
        } else if (errs[i] == ENODEV) {  // recreated: add() looks the interface up again
            try {
                out[i].changed = add(prefixes[i]);
            } catch (const std::exception &e) {
                out[i].error = e.what();
            }
        } else if (errs[i] != EEXIST) {
            out[i].error =
                sys_error("add " + prefixes[i].to_string() + " to " + ifname_, errs[i]).what();
        }
    }
    return out;
}

std::vector<AddressChange> AddressEditor::remove_all(std::span<const AddressPrefix> prefixes) {
    std::vector<AddressChange> out(prefixes.size());
    auto errs = exchange(false, prefixes);
    for (size_t i = 0; i < prefixes.size(); ++i) {
        if (errs[i] == 0) {
            out[i].changed = true;
        } else if (errs[i] == ENODEV) {  // recreated: by name
            try {
                out[i].changed = remove_address(ifname_, prefixes[i]);
                if (auto link = find_link(ifname_)) ifindex_ = link->ifindex;
            } catch (const std::exception &e) {
                out[i].error = e.what();
            }
        } else if (errs[i] != EADDRNOTAVAIL) {
            out[i].error =
                sys_error("remove " + prefixes[i].to_string() + " from " + ifname_, errs[i]).what();
        }
    }
    return out;
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
