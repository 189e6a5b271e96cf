#include "tx/af_packet_sender.h"

#include <net/if.h>
#include <sys/socket.h>

#include <cerrno>

namespace xvrrp::tx {

AfPacketSender::AfPacketSender(const std::string &ifname) : ifname_(ifname) {
    unsigned ifindex = if_nametoindex(ifname.c_str());
    if (ifindex == 0) throw sys_error("AF_PACKET sender: interface " + ifname);

    // Protocol 0: the socket receives nothing, so no receive queue fills up behind our back.
    fd_ = UniqueFd(socket(AF_PACKET, SOCK_RAW | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd_) {
        int err = errno;
        throw sys_error(
            "AF_PACKET socket for " + ifname + (err == EPERM ? " (needs CAP_NET_RAW)" : ""), err);
    }

    address_.sll_family = AF_PACKET;
    address_.sll_ifindex = static_cast<int>(ifindex);
    address_.sll_halen = 0;  // the destination MAC is inside the frame
    if (bind(fd_.get(), reinterpret_cast<const sockaddr *>(&address_), sizeof(address_)) != 0)
        throw sys_error("bind AF_PACKET socket to " + ifname);

    // PACKET_QDISC_BYPASS (Linux 3.14): hand the frame straight to the driver's transmit queue.
    // An advert is a few dozen bytes a few hundred times a second at most, and its value is its
    // timeliness: it must not wait behind bulk traffic in a qdisc (a full fq_codel or tbf queue
    // would delay or drop it and make the backups take over). The price: tc shaping and local
    // taps (tcpdump on this host's interface) do not see these frames, and a full driver queue
    // returns an error instead of queueing. Optional: without it the frame goes through the qdisc.
    int one = 1;
    qdisc_bypass_ = setsockopt(fd_.get(), SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof(one)) == 0;
}

int AfPacketSender::send(std::span<const uint8_t> frame) noexcept {
    ssize_t n = sendto(fd_.get(), frame.data(), frame.size(), MSG_DONTWAIT,
                       reinterpret_cast<const sockaddr *>(&address_), sizeof(address_));
    if (n < 0) return errno;
    return static_cast<size_t>(n) == frame.size() ? 0 : EMSGSIZE;
}

std::string AfPacketSender::describe() const {
    return "af_packet on " + ifname_ + (qdisc_bypass_ ? " (qdisc bypass)" : " (through qdisc)");
}

}  // namespace xvrrp::tx
