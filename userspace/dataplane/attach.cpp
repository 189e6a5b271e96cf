#include "dataplane/attach.h"

#include <net/if.h>
#include <xdp/libxdp.h>


namespace xvrrp::dataplane {
namespace {

std::string xdp_strerror(int err) {
    char buf[256];
    libxdp_strerror(err, buf, sizeof buf);
    return buf;
}

// A program left attached by an xvrrpd that was killed (netlink attachments outlive their
// process). Removes it if it is ours; returns whether it did.
bool remove_leftover_xvrrp(int ifindex) {
    xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
    if (libxdp_get_error(mp) || !mp) return false;
    bool ours = false;
    if (xdp_multiprog__is_legacy(mp)) {
        xdp_program *main = xdp_multiprog__main_prog(mp);
        ours = main && std::string(xdp_program__name(main)) == "xvrrp_xdp";
    } else {
        for (xdp_program *p = xdp_multiprog__next_prog(nullptr, mp); p;
             p = xdp_multiprog__next_prog(p, mp))
            ours = ours || std::string(xdp_program__name(p)) == "xvrrp_xdp";
    }
    bool removed = ours && xdp_multiprog__detach(mp) == 0;
    xdp_multiprog__close(mp);
    return removed;
}

}  // namespace

XdpAttachment::XdpAttachment(Dataplane &dp, const std::string &ifname, bool allow_skb)
    : ifname_(ifname) {
    ifindex_ = static_cast<int>(if_nametoindex(ifname.c_str()));
    if (!ifindex_) throw sys_error("attach XDP to " + ifname + ": no such interface");

    prog_ = xdp_program__from_bpf_obj(dp.object(), "xdp");
    if (long err = libxdp_get_error(prog_)) {
        prog_ = nullptr;
        throw Error("attach XDP to " + ifname + ": " + xdp_strerror(static_cast<int>(err)));
    }
    if (remove_leftover_xvrrp(ifindex_)) replaced_leftover_ = true;
    int err = xdp_program__attach(prog_, ifindex_, XDP_MODE_NATIVE, 0);
    if (err && allow_skb) {
        fallback_reason_ = xdp_strerror(err);
        mode_ = XdpMode::Skb;
        err = xdp_program__attach(prog_, ifindex_, XDP_MODE_SKB, 0);
    }
    if (err) {
        xdp_program__close(prog_);
        prog_ = nullptr;
        throw Error("attach XDP to " + ifname + ": " + xdp_strerror(err) +
                    (err == -EPERM ? " (need CAP_NET_ADMIN and CAP_BPF)" : ""));
    }
    dp.mark_loaded();

    xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex_);
    if (!libxdp_get_error(mp) && mp) {
        dispatcher_ = !xdp_multiprog__is_legacy(mp);
        xdp_multiprog__close(mp);
    }
}

XdpAttachment::~XdpAttachment() {
    if (!prog_) return;
    xdp_program__detach(prog_, ifindex_, mode_ == XdpMode::Native ? XDP_MODE_NATIVE : XDP_MODE_SKB,
                        0);
    xdp_program__close(prog_);
}

std::string XdpAttachment::describe() const {
    return std::string(mode_ == XdpMode::Native ? "native" : "skb") + ", " +
           (dispatcher_ ? "libxdp dispatcher" : "single program");
}

}  // namespace xvrrp::dataplane
