// Attaching the XDP program to an interface through libxdp: native mode first, SKB (generic)
// mode as a fallback; libxdp's multi-program dispatcher where the kernel allows it, a single
// program otherwise (some kernels refuse the dispatcher's freplace programs). A program an
// earlier xvrrpd left attached is replaced without a gap. Detaches on destruction.
#pragma once

#include <string>

#include "dataplane/dataplane.h"

struct xdp_program;

namespace xvrrp::dataplane {

enum class XdpMode { Native, Skb };

class XdpAttachment {
  public:
    // Loads dp through libxdp if it is not loaded yet, then attaches. allow_skb: fall back to
    // SKB mode when native mode is refused (the reason is kept in fallback_reason()).
    XdpAttachment(Dataplane &dp, const std::string &ifname, bool allow_skb = true);
    ~XdpAttachment();
    XdpAttachment(const XdpAttachment &) = delete;
    XdpAttachment &operator=(const XdpAttachment &) = delete;

    XdpMode mode() const { return mode_; }
    bool dispatcher() const { return dispatcher_; }  // false: single program (legacy)
    int ifindex() const { return ifindex_; }
    const std::string &fallback_reason() const { return fallback_reason_; }
    // An xvrrp program left attached by a killed daemon was replaced: atomically
    // (XDP_FLAGS_REPLACE) when it was attached alone, through libxdp's dispatcher otherwise.
    bool replaced_leftover() const { return replaced_leftover_; }
    // "native, dispatcher" / "skb, single program"
    std::string describe() const;

  private:
    xdp_program *prog_ = nullptr;
    int raw_fd_ = -1;  // attached by netlink (replacing a leftover), not through libxdp
    std::string ifname_;
    int ifindex_ = 0;
    XdpMode mode_ = XdpMode::Native;
    bool dispatcher_ = false;
    bool replaced_leftover_ = false;
    std::string fallback_reason_;
};

}  // namespace xvrrp::dataplane
