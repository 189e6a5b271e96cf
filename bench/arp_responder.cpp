// arp_responder: a user-space ARP responder built the way MetalLB's layer-2 speaker answers ARP
// (internal/layer2/arp.go over github.com/mdlayher/arp): one AF_PACKET socket for ETH_P_ARP on
// the interface, one request read per system call, checked, and one reply written per system
// call on the same socket. No batching, no ring, no larger receive buffer than the kernel's
// default (MetalLB sets none): the point is to measure that design, not a tuned one. It is an
// upper bound for MetalLB itself, which also runs Go's netpoller, parses into allocated
// structs and updates Prometheus counters per request.
//
//   ip netns exec LAB-s1 bench_arp_responder --interface eth0 --vip 192.0.2.100
//
// The VIP must not be configured on any interface of the host, else the kernel answers too.
// Runs until SIGINT/SIGTERM, then prints what it did (--json: one JSON object) including the
// socket's drops (PACKET_STATISTICS): requests lost before this loop could read them.
// Needs CAP_NET_RAW.
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <netinet/if_ether.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <string_view>

#include "arp_frame.h"
#include "common/fd.h"

namespace {

volatile std::sig_atomic_t g_stop = 0;

void on_signal(int) {
    g_stop = 1;
}

struct Options {
    std::string interface = "eth0";
    in_addr vip{};
    int rcvbuf = 0;  // 0: the kernel's default, as MetalLB
    bool json = false;
};

[[noreturn]] void usage(const char *argv0, int code) {
    std::fprintf(code ? stderr : stdout,
                 "usage: %s --vip ADDR [--interface IF] [--rcvbuf BYTES] [--json]\n"
                 "  Answers ARP requests for ADDR on IF (default eth0) with IF's MAC, one\n"
                 "  recvfrom and one sendto per request, until SIGINT/SIGTERM; then prints\n"
                 "  its counters. --rcvbuf sets SO_RCVBUF (default: the kernel's default).\n",
                 argv0);
    std::exit(code);
}

Options parse_args(int argc, char **argv) {
    Options o;
    bool have_vip = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        auto value = [&]() -> const char * {
            if (i + 1 >= argc) usage(argv[0], 2);
            return argv[++i];
        };
        if (a == "--interface") {
            o.interface = value();
        } else if (a == "--vip") {
            have_vip = inet_pton(AF_INET, value(), &o.vip) == 1;
        } else if (a == "--rcvbuf") {
            o.rcvbuf = std::atoi(value());
        } else if (a == "--json") {
            o.json = true;
        } else if (a == "-h" || a == "--help") {
            usage(argv[0], 0);
        } else {
            std::fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[i]);
            usage(argv[0], 2);
        }
    }
    if (!have_vip) usage(argv[0], 2);
    return o;
}

[[noreturn]] void die(const std::string &what) {
    std::fprintf(stderr, "arp_responder: %s: %s\n", what.c_str(), std::strerror(errno));
    std::exit(1);
}

struct Stats {
    uint64_t received = 0;
    uint64_t answered = 0;
    uint64_t malformed = 0;    // short, or not Ethernet/IPv4 ARP
    uint64_t not_request = 0;  // replies, other opcodes
    uint64_t not_for_us = 0;   // Ethernet destination neither broadcast nor our MAC
    uint64_t not_vip = 0;      // a request for another address
    uint64_t bad_sender = 0;   // multicast/broadcast sender, or a gratuitous request
    uint64_t recv_errors = 0;
    uint64_t send_errors = 0;
};

bool is_multicast(const xvrrp::bench::Mac &mac) {
    return mac[0] & 1;  // also broadcast
}

}  // namespace

int main(int argc, char **argv) {
    Options opt = parse_args(argc, argv);
    const unsigned ifindex = if_nametoindex(opt.interface.c_str());
    if (ifindex == 0) die("interface " + opt.interface);

    xvrrp::UniqueFd sock(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ARP)));
    const int fd = sock.get();
    if (fd < 0) die("AF_PACKET socket (run as root or with CAP_NET_RAW)");
    sockaddr_ll bind_addr{};
    bind_addr.sll_family = AF_PACKET;
    bind_addr.sll_protocol = htons(ETH_P_ARP);
    bind_addr.sll_ifindex = static_cast<int>(ifindex);
    if (bind(fd, reinterpret_cast<sockaddr *>(&bind_addr), sizeof bind_addr) != 0)
        die("bind to " + opt.interface);
    if (opt.rcvbuf > 0) setsockopt(fd, SOL_SOCKET, SO_RCVBUFFORCE, &opt.rcvbuf, sizeof opt.rcvbuf);
    int rcvbuf = 0;
    socklen_t len = sizeof rcvbuf;
    getsockopt(fd, SOL_SOCKET, SO_RCVBUF, &rcvbuf, &len);

    ifreq ifr{};
    std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", opt.interface.c_str());
    if (ioctl(fd, SIOCGIFHWADDR, &ifr) != 0) die("SIOCGIFHWADDR " + opt.interface);
    xvrrp::bench::Mac own_mac;
    std::memcpy(own_mac.data(), ifr.ifr_hwaddr.sa_data, 6);

    // No SA_RESTART: a signal ends the blocking recvfrom with EINTR and the loop sees g_stop.
    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    Stats st;
    uint8_t buf[1514];
    xvrrp::bench::Bytes out;  // the reply, reused: no allocation per request after the first
    while (!g_stop) {
        sockaddr_ll from{};
        socklen_t from_len = sizeof from;
        ssize_t n =
            recvfrom(fd, buf, sizeof buf, 0, reinterpret_cast<sockaddr *>(&from), &from_len);
        if (n < 0) {
            if (errno != EINTR) ++st.recv_errors;
            continue;
        }
        ++st.received;
        // Our own replies are not looped back to a protocol socket, but be explicit.
        if (from.sll_pkttype == PACKET_OUTGOING) continue;
        auto frame = xvrrp::bench::parse_arp_frame(buf, static_cast<size_t>(n));
        if (!frame || !xvrrp::bench::is_ethernet_ipv4(frame->arp)) {
            ++st.malformed;
            continue;
        }
        const xvrrp::bench::ArpFields &req = frame->arp;
        if (req.op != xvrrp::bench::kArpRequest) {
            ++st.not_request;
            continue;
        }
        // As MetalLB: only requests broadcast or sent to this host's MAC.
        if (frame->dst != xvrrp::bench::kBroadcastMac && frame->dst != own_mac) {
            ++st.not_for_us;
            continue;
        }
        if (req.tpa != opt.vip.s_addr) {
            ++st.not_vip;
            continue;
        }
        // A reply to a multicast sender would be flooded (or poison caches); a request whose
        // sender is the VIP itself is gratuitous ARP from a peer, not a question.
        if (is_multicast(req.sha) || is_multicast(frame->src) || req.spa == req.tpa) {
            ++st.bad_sender;
            continue;
        }
        // The reply, padded to the 60-byte Ethernet minimum as mdlayher/ethernet marshals it.
        out.clear();
        xvrrp::bench::append_ethernet(out, req.sha, own_mac, xvrrp::bench::kEthertypeArp);
        xvrrp::bench::append_arp(out, xvrrp::bench::arp_reply_to(req, own_mac));
        out.resize(xvrrp::bench::kEthernetMinLen, 0);
        sockaddr_ll to{};
        to.sll_family = AF_PACKET;
        to.sll_protocol = htons(ETH_P_ARP);
        to.sll_ifindex = static_cast<int>(ifindex);
        to.sll_halen = 6;
        std::memcpy(to.sll_addr, req.sha.data(), 6);
        if (sendto(fd, out.data(), out.size(), 0, reinterpret_cast<sockaddr *>(&to), sizeof to) < 0)
            ++st.send_errors;
        else
            ++st.answered;
    }

    tpacket_stats ps{};
    socklen_t ps_len = sizeof ps;
    getsockopt(fd, SOL_PACKET, PACKET_STATISTICS, &ps, &ps_len);
    sock.reset();
    auto u = [](uint64_t v) { return static_cast<unsigned long long>(v); };
    if (opt.json) {
        std::printf(
            "{\"interface\":\"%s\",\"vip\":\"%s\",\"rcvbuf\":%d,\"received\":%llu,"
            "\"answered\":%llu,\"malformed\":%llu,\"not_request\":%llu,\"not_for_us\":%llu,"
            "\"not_vip\":%llu,\"bad_sender\":%llu,\"recv_errors\":%llu,\"send_errors\":%llu,"
            "\"socket_packets\":%u,\"socket_drops\":%u}\n",
            opt.interface.c_str(), inet_ntoa(opt.vip), rcvbuf, u(st.received), u(st.answered),
            u(st.malformed), u(st.not_request), u(st.not_for_us), u(st.not_vip), u(st.bad_sender),
            u(st.recv_errors), u(st.send_errors), ps.tp_packets, ps.tp_drops);
    } else {
        std::printf("ARP responder for %s on %s (SO_RCVBUF %d bytes)\n", inet_ntoa(opt.vip),
                    opt.interface.c_str(), rcvbuf);
        std::printf("received %llu, answered %llu, send errors %llu, receive errors %llu\n",
                    u(st.received), u(st.answered), u(st.send_errors), u(st.recv_errors));
        std::printf(
            "ignored: malformed %llu, not a request %llu, not for this MAC %llu, other IP %llu, "
            "bad sender %llu\n",
            u(st.malformed), u(st.not_request), u(st.not_for_us), u(st.not_vip), u(st.bad_sender));
        std::printf("socket: %u packets, %u dropped before they were read\n", ps.tp_packets,
                    ps.tp_drops);
    }
    return 0;
}
