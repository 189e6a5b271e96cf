// Sending whole Ethernet frames (VRRP adverts, gratuitous ARP, unsolicited NA) out of one
// interface. Two ways: AF_XDP (af_xdp_sender.h), the kernel-bypass path, and AF_PACKET
// (af_packet_sender.h), which works everywhere. make_sender() picks one and says why.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>

namespace xvrrp::tx {

// One interface, one sender. Not thread-safe: one thread sends (the advertiser thread, or the
// daemon thread while no advertiser runs on it).
class FrameSender {
  public:
    virtual ~FrameSender() = default;

    // Queues one complete Ethernet frame (destination MAC first, no FCS) for transmission.
    // Never blocks, never allocates. Returns 0 when the kernel took the frame, else an errno
    // value (EAGAIN/ENOBUFS: transmit queue or buffers full, ENETDOWN: link down, EMSGSIZE).
    virtual int send(std::span<const uint8_t> frame) noexcept = 0;

    // Queues several frames at once (the adverts of many instances due at one instant);
    // errors[i] gets what send() would have returned for frames[i]. The same size, both.
    virtual void send_batch(std::span<const std::span<const uint8_t>> frames,
                            std::span<int> errors) noexcept {
        for (size_t i = 0; i < frames.size(); ++i) errors[i] = send(frames[i]);
    }

    // "af_xdp" or "af_packet", for logs and status.
    virtual std::string_view name() const = 0;
    // One line for the log: "af_xdp on eth0 queue 0 (copy mode)".
    virtual std::string describe() const = 0;
};

struct SenderChoice {
    std::unique_ptr<FrameSender> sender;
    // Empty when the preferred kind was created; otherwise why AF_XDP was not used, to log.
    std::string fallback_reason;
};

// prefer_xdp: try AF_XDP first and fall back to AF_PACKET if it cannot be set up (for example
// another AF_XDP socket already holds queue 0 of the interface). Throws xvrrp::Error when not
// even AF_PACKET works (no such interface, no CAP_NET_RAW).
SenderChoice make_sender(const std::string &ifname, bool prefer_xdp);

}  // namespace xvrrp::tx
