#include "net/vip_interface.h"

#include <net/if.h>
#include <netlink/errno.h>
#include <sys/utsname.h>

#include <array>
#include <filesystem>
#include <fstream>
#include <iterator>

#include "net/link.h"
#include "net/netlink.h"

namespace xvrrp::net {

namespace {

// Kinds tried, in order, when the kernel has no dummy link type. ifb is the closest to dummy
// (IFF_NOARP, carrier on when up, its xmit drops anything not redirected to it by tc); a bridge
// with no ports is up and running too but speaks IGMP/MLD into the void.
constexpr std::array<const char *, 2> kFallbackKinds = {"ifb", "bridge"};

std::string describe_existing(const LinkInfo &info) {
    return info.kind.empty() ? "no link kind: a physical or loopback device" : "kind " + info.kind;
}

std::string fallback_phrase(const std::string &kind) {
    if (kind == "bridge") return "kind bridge with no ports";
    if (kind == "ifb") return "kind ifb (no ARP, drops what is sent to it)";
    return "kind " + kind;
}

// The alias marks a link as ours, so that an xvrrpd restarted after a crash (SIGKILL) knows
// it may remove it on exit.
constexpr const char *kOurAlias = "created by xvrrpd";

bool has_our_alias(const std::string &name) {
    auto sock = connect_route("read " + name);
    rtnl_link *raw = nullptr;
    if (rtnl_link_get_kernel(sock.get(), 0, name.c_str(), &raw) < 0) return false;
    RtnlLink link(raw);
    const char *alias = rtnl_link_get_ifalias(link.get());
    return alias && std::string(alias) == kOurAlias;
}

// Creates `name` of `kind`, up. Returns 0 or the (negative) libnl error.
int create_link(nl_sock *sock, const std::string &name, const char *kind) {
    RtnlLink link(rtnl_link_alloc());
    if (!link) return -NLE_NOMEM;
    rtnl_link_set_name(link.get(), name.c_str());

    if (int err = rtnl_link_set_type(link.get(), kind); err < 0) return err;
    rtnl_link_set_flags(link.get(), IFF_UP);
    if (int err = rtnl_link_add(sock, link.get(), NLM_F_CREATE | NLM_F_EXCL); err < 0) return err;
    // The kernel ignores IFLA_IFALIAS on creation: set it on the new link.
    rtnl_link *raw = nullptr;
    if (rtnl_link_get_kernel(sock, 0, name.c_str(), &raw) < 0) return 0;
    RtnlLink created(raw), change(rtnl_link_alloc());
    if (change) {
        rtnl_link_set_ifalias(change.get(), kOurAlias);
        rtnl_link_change(sock, created.get(), change.get(), 0);
    }
    return 0;
}

bool is_unsupported_kind(int err) {
    err = err < 0 ? -err : err;
    return err == NLE_OPNOTSUPP;
}

bool file_mentions(const std::filesystem::path &path, const std::string &needle) {
    std::ifstream in(path);
    std::string text((std::istreambuf_iterator<char>(in)), std::istreambuf_iterator<char>());
    return text.find(needle) != std::string::npos;
}

// Best guess without creating a link: built-in or loaded drivers with parameters appear in
// /sys/module (dummy has numdummies); loadable ones are listed in modules.dep.
bool kernel_seems_to_have_dummy() {
    if (std::filesystem::exists("/sys/module/dummy")) return true;
    utsname u{};
    if (uname(&u) != 0) return true;  // cannot tell: assume the common case
    std::filesystem::path dir = std::filesystem::path("/lib/modules") / u.release;
    return file_mentions(dir / "modules.builtin", "/dummy.ko") ||
           file_mentions(dir / "modules.dep", "/dummy.ko");
}

}  // namespace

const char *to_string(VipInterfaceOrigin origin) {
    switch (origin) {
        case VipInterfaceOrigin::Existing:
            return "existing";
        case VipInterfaceOrigin::CreatedDummy:
            return "created-dummy";
        case VipInterfaceOrigin::CreatedFallback:
            return "created-fallback";
    }
    return "unknown";
}

VipInterface VipInterface::ensure(const std::string &name) {
    VipInterface vip;
    vip.name_ = name;
    if (auto existing = find_link(name)) {
        vip.origin_ = VipInterfaceOrigin::Existing;
        vip.description_ = name + ": exists (" + describe_existing(*existing) + "), using it";
        if (has_our_alias(name)) {
            // Left by an xvrrpd that could not clean up: ours to remove on exit.
            vip.origin_ = existing->kind == "dummy" ? VipInterfaceOrigin::CreatedDummy
                                                    : VipInterfaceOrigin::CreatedFallback;
            vip.description_ = name + ": left by an earlier xvrrpd (" +
                               describe_existing(*existing) + "), adopting it";
        }
        if (!existing->up) {
            set_link_up(name);
            vip.description_ += "; was down, set it up";
        }
    } else {
        auto sock = connect_route("create " + name);
        int err = create_link(sock.get(), name, "dummy");
        if (err == 0) {
            vip.origin_ = VipInterfaceOrigin::CreatedDummy;
            vip.description_ = name + ": created (kind dummy)";
        } else if (-err == NLE_EXIST) {
            // Someone created it between our look-up and our request: it is theirs.
            vip.origin_ = VipInterfaceOrigin::Existing;
            vip.description_ = name + ": appeared while creating it, using it";
            set_link_up(name);
        } else if (!is_unsupported_kind(err)) {
            throw nl_error("create " + name + " (kind dummy)", err);
        } else {
            std::string tried = "dummy";
            for (const char *kind : kFallbackKinds) {
                err = create_link(sock.get(), name, kind);
                if (err == 0) break;
                if (!is_unsupported_kind(err))
                    throw nl_error(std::string("create ") + name +
                                       " (kernel has no dummy link "
                                       "type; fallback kind " +
                                       kind + ")",
                                   err);
                tried += std::string(", ") + kind;
            }
            if (err != 0)
                throw nl_error("create " + name + " (tried kinds " + tried +
                                   "; create the interface yourself or set "
                                   "daemon.vip_interface to an existing one)",
                               err);
            vip.origin_ = VipInterfaceOrigin::CreatedFallback;
        }
        set_link_up(name);  // in case the kernel ignored IFF_UP at creation
    }
    LinkInfo info = link_info(name);
    vip.ifindex_ = info.ifindex;
    vip.kind_ = info.kind;
    if (vip.origin_ == VipInterfaceOrigin::CreatedFallback && vip.description_.empty())
        vip.description_ = name + ": kernel has no dummy link type; created " +
                           fallback_phrase(info.kind) + " instead";
    if (!info.up)
        throw Error(name + ": still down after setting it up; check `ip link show " + name + "`");
    return vip;
}

VipInterfacePlan VipInterface::check(const std::string &name) {
    VipInterfacePlan plan;
    if (auto existing = find_link(name)) {
        plan.origin = VipInterfaceOrigin::Existing;
        plan.kind = existing->kind;
        plan.would_set_up = !existing->up;
        plan.text = name + ": exists (" + describe_existing(*existing) + "), would use it";
        if (plan.would_set_up) plan.text += " and set it up";
    } else if (kernel_seems_to_have_dummy()) {
        plan.origin = VipInterfaceOrigin::CreatedDummy;
        plan.kind = "dummy";
        plan.text = name + ": missing, would create it (kind dummy)";
    } else {
        plan.origin = VipInterfaceOrigin::CreatedFallback;
        plan.kind = kFallbackKinds[0];
        plan.text = name +
                    ": missing, and the kernel seems to have no dummy link type (no "
                    "/sys/module/dummy, no dummy.ko); would create " +
                    fallback_phrase(plan.kind) + " instead";
    }
    return plan;
}

bool VipInterface::remove_if_created() {
    if (!created() || removed_) return false;
    removed_ = true;
    auto now = find_link(name_);
    // Gone already, or replaced by someone else's link of the same name: not ours to delete.
    if (!now || now->ifindex != ifindex_) return false;
    return delete_link(name_);
}

}  // namespace xvrrp::net
