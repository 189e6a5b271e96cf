#include "dataplane/attach.h"

#include <net/if.h>
#include <xdp/libxdp.h>

#include <cstdarg>
#include <cstdio>

namespace xvrrp::dataplane {
namespace {

std::string xdp_strerror(int err) {
    char buf[256];
    libxdp_strerror(err, buf, sizeof buf);
    return buf;
}

// libxdp explains its fallbacks at INFO/DEBUG level; keep its warnings only.
int libxdp_log(enum libxdp_print_level level, const char *fmt, va_list ap) {
    if (level != LIBXDP_WARN) return 0;
    return vfprintf(stderr, fmt, ap);
}

}  // namespace

XdpAttachment::XdpAttachment(Dataplane &dp, const std::string &ifname, bool allow_skb)
    : ifname_(ifname) {
    libxdp_set_print(libxdp_log);
    ifindex_ = static_cast<int>(if_nametoindex(ifname.c_str()));
    if (!ifindex_) throw sys_error("attach XDP to " + ifname + ": no such interface");

    prog_ = xdp_program__from_bpf_obj(dp.object(), "xdp");
    if (long err = libxdp_get_error(prog_)) {
        prog_ = nullptr;
        throw Error("attach XDP to " + ifname + ": " + xdp_strerror(static_cast<int>(err)));
    }
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
