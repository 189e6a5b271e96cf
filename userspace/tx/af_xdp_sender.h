// FrameSender over an AF_XDP socket, transmit only, through libxdp's xsk API. The frame is
// copied into a small UMEM and handed to the driver: zero-copy where the driver supports it,
// copy mode (the kernel builds an skb and calls the driver directly, no qdisc) elsewhere, for
// example on veth. Our own XDP program owns the interface, so libxdp is told not to load its
// default program (XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD): a TX-only socket needs no XSKMAP entry.
//
// One AF_XDP socket per (interface, queue): a second one on queue 0 of the same interface fails
// with EBUSY, and make_sender() then falls back to AF_PACKET.
#pragma once

#include <xdp/xsk.h>

#include <array>
#include <cstdint>
#include <string>

#include "tx/sender.h"

namespace xvrrp::tx {

class AfXdpSender final : public FrameSender {
  public:
    static constexpr uint32_t kFrameCount = 64;   // frames in flight at most
    static constexpr uint32_t kFrameSize = 2048;  // one Ethernet frame (<= 1514 bytes) per slot

    // Binds queue `queue` of the interface. Throws xvrrp::Error with the reason
    // ("AF_XDP socket on eth0 queue 0: Device or resource busy").
    explicit AfXdpSender(const std::string &ifname, uint32_t queue = 0);
    ~AfXdpSender() override;
    AfXdpSender(const AfXdpSender &) = delete;  // libxdp keeps pointers to the ring members
    AfXdpSender &operator=(const AfXdpSender &) = delete;

    // Copies the frame into a free UMEM slot, queues it on the TX ring and kicks the kernel.
    // ENOBUFS: all kFrameCount slots still wait for completion. EAGAIN/EBUSY from the kick: the
    // frame stays on the ring and leaves with the next kick.
    int send(std::span<const uint8_t> frame) noexcept override;
    std::string_view name() const override { return "af_xdp"; }
    std::string describe() const override;

    bool zero_copy() const { return zero_copy_; }

  private:
    void reap_completions() noexcept;

    std::string ifname_;
    uint32_t queue_ = 0;
    void *area_ = nullptr;  // kFrameCount * kFrameSize bytes, mmap'ed
    xsk_umem *umem_ = nullptr;
    xsk_socket *xsk_ = nullptr;
    xsk_ring_prod fill_{};  // unused (TX only) but the kernel requires it
    xsk_ring_cons completion_{};
    xsk_ring_prod tx_{};
    int fd_ = -1;  // owned by xsk_
    bool zero_copy_ = false;
    // UMEM slots not owned by the kernel: a stack of frame addresses.
    std::array<uint64_t, kFrameCount> free_{};
    uint32_t free_count_ = 0;
};

}  // namespace xvrrp::tx
