#include "dataplane/attach.h"

#include <bpf/libbpf.h>
#include <linux/if_link.h>
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
// process), if it is ours.
struct Leftover {
    bool found = false;
    bool legacy = false;  // attached alone, not through libxdp's dispatcher
    XdpMode mode = XdpMode::Native;
    int fd = -1;  // legacy: its program, for an atomic replacement (owned by mp)
    xdp_multiprog *mp = nullptr;

    Leftover() = default;
    Leftover(const Leftover &) = delete;
    Leftover &operator=(const Leftover &) = delete;
    ~Leftover() {
        if (mp) xdp_multiprog__close(mp);
    }
};

bool is_xvrrp(const xdp_program *p) {
    return p && std::string(xdp_program__name(p)) == "xvrrp_xdp";
}

void find_leftover(int ifindex, Leftover &lo) {
    xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex);
    if (libxdp_get_error(mp) || !mp) return;
    lo.mp = mp;
    lo.legacy = xdp_multiprog__is_legacy(mp);
    lo.mode = xdp_multiprog__attach_mode(mp) == XDP_MODE_SKB ? XdpMode::Skb : XdpMode::Native;
    if (lo.legacy) {
        xdp_program *main = xdp_multiprog__main_prog(mp);
        lo.found = is_xvrrp(main);
        if (lo.found) lo.fd = xdp_program__fd(main);
    } else {
        for (xdp_program *p = xdp_multiprog__next_prog(nullptr, mp); p;
             p = xdp_multiprog__next_prog(p, mp))
            lo.found = lo.found || is_xvrrp(p);
    }
}

uint32_t mode_flags(XdpMode mode) {
    return mode == XdpMode::Native ? XDP_FLAGS_DRV_MODE : XDP_FLAGS_SKB_MODE;
}

}  // namespace

XdpAttachment::XdpAttachment(Dataplane &dp, const std::string &ifname, bool allow_skb)
    : ifname_(ifname) {
    ifindex_ = static_cast<int>(if_nametoindex(ifname.c_str()));
    if (!ifindex_) throw sys_error("attach XDP to " + ifname + ": no such interface");

    Leftover lo;
    find_leftover(ifindex_, lo);
    if (lo.found && lo.legacy) {
        // Replace it in one step (XDP_FLAGS_REPLACE): never an instant without a program, in
        // which the kernel would answer ARP for a service IP still on the host. Loaded first
        // (the verifier takes milliseconds), swapped after.
        dp.load();
        LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = lo.fd);
        if (int err = bpf_xdp_attach(ifindex_, dp.prog_fd(),
                                     XDP_FLAGS_REPLACE | mode_flags(lo.mode), &opts))
            throw sys_error("replace the xvrrp XDP program left on " + ifname +
                                " (need CAP_NET_ADMIN and CAP_BPF)",
                            -err);
        raw_fd_ = dp.prog_fd();
        mode_ = lo.mode;
        replaced_leftover_ = true;
        return;
    }

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
    if (lo.found) {
        // libxdp's dispatcher: ours was added beside the leftover (the dispatcher is swapped
        // atomically); now the leftover goes the same way.
        for (xdp_program *p = xdp_multiprog__next_prog(nullptr, lo.mp); p;
             p = xdp_multiprog__next_prog(p, lo.mp))
            if (is_xvrrp(p) &&
                xdp_program__detach(p, ifindex_, xdp_multiprog__attach_mode(lo.mp), 0) == 0)
                replaced_leftover_ = true;
    }

    xdp_multiprog *mp = xdp_multiprog__get_from_ifindex(ifindex_);
    if (!libxdp_get_error(mp) && mp) {
        dispatcher_ = !xdp_multiprog__is_legacy(mp);
        xdp_multiprog__close(mp);
    }
}

XdpAttachment::~XdpAttachment() {
    if (raw_fd_ >= 0) {
        // Only if it is still ours (another daemon may have replaced it meanwhile).
        LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = raw_fd_);
        bpf_xdp_detach(ifindex_, XDP_FLAGS_REPLACE | mode_flags(mode_), &opts);
        return;
    }
    if (!prog_) return;
    if (!dispatcher_) {
        // Attached alone: detach by our own program's fd, only if it is still ours. libxdp's
        // detach would look it up by id (BPF_PROG_GET_FD_BY_ID), which needs CAP_SYS_ADMIN
        // that the running daemon no longer holds.
        LIBBPF_OPTS(bpf_xdp_attach_opts, opts, .old_prog_fd = xdp_program__fd(prog_));
        bpf_xdp_detach(ifindex_, XDP_FLAGS_REPLACE | mode_flags(mode_), &opts);
    } else {
        xdp_program__detach(prog_, ifindex_,
                            mode_ == XdpMode::Native ? XDP_MODE_NATIVE : XDP_MODE_SKB, 0);
    }
    xdp_program__close(prog_);
}

std::string XdpAttachment::describe() const {
    return std::string(mode_ == XdpMode::Native ? "native" : "skb") + ", " +
           (dispatcher_ ? "libxdp dispatcher" : "single program");
}

}  // namespace xvrrp::dataplane
