// FrameSender over an AF_PACKET raw socket bound to the interface: works on every kernel and
// every kind of link, at the cost of one sendto() through the kernel stack's packet path.
#pragma once

#include <linux/if_packet.h>

#include <string>

#include "common/fd.h"
#include "tx/sender.h"

namespace xvrrp::tx {

class AfPacketSender final : public FrameSender {
  public:
    // Throws xvrrp::Error ("AF_PACKET socket on eth0: Operation not permitted ...").
    explicit AfPacketSender(const std::string &ifname);

    int send(std::span<const uint8_t> frame) noexcept override;
    std::string_view name() const override { return "af_packet"; }
    std::string describe() const override;

    bool qdisc_bypass() const { return qdisc_bypass_; }

  private:
    std::string ifname_;
    UniqueFd fd_;
    sockaddr_ll address_{};
    bool qdisc_bypass_ = false;
};

}  // namespace xvrrp::tx
