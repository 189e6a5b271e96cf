// Shared by the tx_*_test.cpp files: two network namespaces joined by a veth pair, and a
// capture socket on the far end that returns the frames that arrived, byte for byte.
#pragma once

#include <arpa/inet.h>
#include <linux/if_ether.h>
#include <linux/if_packet.h>
#include <net/if.h>
#include <poll.h>
#include <sys/socket.h>

#include <chrono>
#include <cstdint>
#include <stdexcept>
#include <string>
#include <vector>

#include "common/fd.h"
#include "common/host.h"
#include "vrrp/frames.h"

namespace xvrrp::test {

// ns "near" holds veth "txa" (the sending end), ns "far" holds its peer "txb". IPv6 is off in
// both so that the only frames on the wire are the ones the test sends.
struct VethLab {
    NetNs near{unique_name("tn")};
    NetNs far{unique_name("tf")};
    const std::string near_if = "txa";
    const std::string far_if = "txb";

    VethLab() {
        for (const NetNs *ns : {&near, &far}) {
            must(ns->exec("sysctl -qw net.ipv6.conf.all.disable_ipv6=1"));
            must(ns->exec("sysctl -qw net.ipv6.conf.default.disable_ipv6=1"));
        }
        must("ip -n " + near.name() + " link add " + near_if + " type veth peer name " + far_if +
             " netns " + far.name());
        must("ip -n " + near.name() + " link set " + near_if + " up");
        must("ip -n " + far.name() + " link set " + far_if + " up");
    }
};

// An AF_PACKET socket on one interface that records every frame arriving on it. Create it
// while the thread is inside the interface's namespace (EnterNetNs).
class Capture {
  public:
    explicit Capture(const std::string &ifname) {
        fd_ = UniqueFd(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ALL)));
        if (!fd_) throw sys_error("capture socket");
        int size = 4 << 20;
        setsockopt(fd_.get(), SOL_SOCKET, SO_RCVBUFFORCE, &size, sizeof(size));
        sockaddr_ll sll{};
        sll.sll_family = AF_PACKET;
        sll.sll_protocol = htons(ETH_P_ALL);
        sll.sll_ifindex = static_cast<int>(if_nametoindex(ifname.c_str()));
        if (sll.sll_ifindex == 0 ||
            bind(fd_.get(), reinterpret_cast<sockaddr *>(&sll), sizeof(sll)) != 0)
            throw sys_error("bind capture socket to " + ifname);
    }

    // Frames received until `quiet` passes with nothing new (or `limit` frames arrived).
    std::vector<std::vector<uint8_t>> drain(std::chrono::milliseconds quiet,
                                            size_t limit = SIZE_MAX) {
        std::vector<std::vector<uint8_t>> frames;
        while (frames.size() < limit) {
            pollfd p{fd_.get(), POLLIN, 0};
            if (poll(&p, 1, static_cast<int>(quiet.count())) <= 0) break;
            std::vector<uint8_t> buf(65536);
            sockaddr_ll from{};
            socklen_t len = sizeof(from);
            ssize_t n = recvfrom(fd_.get(), buf.data(), buf.size(), 0,
                                 reinterpret_cast<sockaddr *>(&from), &len);
            if (n < 0) break;
            if (from.sll_pkttype == PACKET_OUTGOING) continue;
            buf.resize(static_cast<size_t>(n));
            frames.push_back(std::move(buf));
        }
        return frames;
    }

  private:
    UniqueFd fd_;
};

inline size_t count_equal(const std::vector<std::vector<uint8_t>> &frames,
                          const std::vector<uint8_t> &expected) {
    size_t n = 0;
    for (const auto &f : frames) n += (f == expected);
    return n;
}

// A VRRPv3 advert frame as a master with this priority sends it.
inline std::vector<uint8_t> advert_frame(uint8_t priority, uint8_t vrid = 51) {
    vrrp::Advert advert;
    advert.version = 3;
    advert.vrid = vrid;
    advert.priority = priority;
    advert.interval_field = 1;
    advert.source = vrrp::IpAddress::v4(10, 0, 0, 1);
    advert.addresses = {vrrp::IpAddress::v4(192, 0, 2, 100)};
    vrrp::AdvertFrameOptions options;
    options.source_mac = {0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    auto frame = vrrp::build_advert_frame(advert, options);
    if (!frame) throw std::runtime_error("build_advert_frame failed");
    return frame.value();
}

}  // namespace xvrrp::test
