// junk_frames: malformed and hostile frames from a client, paced, for bench/soak.
//
// Sends, round robin, one frame of each kind below per turn at --rate frames per second (all
// kinds together) until --duration runs out or SIGINT/SIGTERM, on an AF_PACKET socket in
// sendmmsg batches, then prints how many of each kind it sent. Every kind is one that xvrrp's
// XDP program must count and drop (or pass on untouched), never act on; the counter it should
// show up in is printed beside it (include/xvrrp/abi.h), so that a soak can check that the
// frames reached the program and were judged as designed.
//
//   ip netns exec LAB-cl bench_junk_frames --vip 192.0.2.100 --vrid 51 --rate 2000 --json
//
// The VRRP kinds are adverts for the servers' own VRID at priority 254 from an address nobody
// has, each broken in one way: if a check were missing, the servers would take the forged
// router for a better master and the client would lose the service IP. ARP kinds never carry
// the client's IP with another MAC (that would move the servers' neighbour entry for the
// client, and with it the probe's replies). Frames go to the broadcast or the VRRP multicast
// MAC, from the interface's own MAC, so that the switch learns nothing new.
//
// Needs CAP_NET_RAW.
#include <arpa/inet.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <sys/ioctl.h>
#include <sys/socket.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <random>
#include <string>
#include <string_view>
#include <vector>

#include "arp_frame.h"
#include "common/fd.h"

namespace {

using Bytes = std::vector<uint8_t>;
using xvrrp::UniqueFd;

std::atomic<bool> g_stop{false};

void on_signal(int) {
    g_stop.store(true);
}

struct Options {
    std::string interface = "eth0";
    in_addr vip{};
    int vrid = 51;
    uint64_t rate = 2000;   // frames per second, all kinds together
    double duration_s = 0;  // 0: until SIGINT/SIGTERM
    uint64_t seed = 1;
    bool json = false;
};

[[noreturn]] void usage(const char *argv0, int code) {
    std::fprintf(code ? stderr : stdout,
                 "usage: %s --vip ADDR [--vrid N] [--interface IF] [--rate PPS] [--duration S]\n"
                 "          [--seed N] [--json]\n"
                 "  Sends malformed ARP, broken VRRP adverts for VRID N (default 51) and random\n"
                 "  frames out of IF (default eth0), PPS frames per second in all (default\n"
                 "  2000), for S seconds (default 0: until SIGINT/SIGTERM); then prints the\n"
                 "  frames sent per kind and the XDP counter each should appear in.\n",
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
        } else if (a == "--vrid") {
            o.vrid = std::atoi(value());
        } else if (a == "--rate") {
            o.rate = std::strtoull(value(), nullptr, 10);
        } else if (a == "--duration") {
            o.duration_s = std::strtod(value(), nullptr);
        } else if (a == "--seed") {
            o.seed = std::strtoull(value(), nullptr, 10);
        } else if (a == "--json") {
            o.json = true;
        } else if (a == "-h" || a == "--help") {
            usage(argv[0], 0);
        } else {
            std::fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[i]);
            usage(argv[0], 2);
        }
    }
    if (!have_vip || o.vrid < 1 || o.vrid > 255 || o.rate < 1 || o.duration_s < 0)
        usage(argv[0], 2);
    return o;
}

[[noreturn]] void die(const std::string &what) {
    std::fprintf(stderr, "junk_frames: %s: %s\n", what.c_str(), std::strerror(errno));
    std::exit(1);
}

int64_t mono_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

// RFC 1071 ones' complement sum, folded, not yet inverted.
uint32_t sum16(const uint8_t *p, size_t len, uint32_t sum = 0) {
    for (size_t i = 0; i + 1 < len; i += 2) sum += uint32_t(p[i]) << 8 | p[i + 1];
    if (len & 1) sum += uint32_t(p[len - 1]) << 8;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return sum;
}

void put16(Bytes &b, size_t at, uint16_t v) {
    b[at] = uint8_t(v >> 8);
    b[at + 1] = uint8_t(v);
}

void append(Bytes &b, const void *p, size_t n) {
    const auto *u = static_cast<const uint8_t *>(p);
    b.insert(b.end(), u, u + n);
}

constexpr std::array<uint8_t, 6> kBroadcast{0xff, 0xff, 0xff, 0xff, 0xff, 0xff};
constexpr std::array<uint8_t, 6> kVrrpMulticast{0x01, 0x00, 0x5e, 0x00, 0x00, 0x12};
constexpr uint8_t kProtoVrrp = 112;

// What every frame is built from.
struct Host {
    std::array<uint8_t, 6> mac{};
    in_addr vip{};
    uint8_t vrid = 0;
    in_addr stranger{};  // a lab address nobody has: the forged router's and odd ARP senders'
};

Bytes ethernet(const std::array<uint8_t, 6> &dst, const Host &h, uint16_t ethertype) {
    Bytes b;
    xvrrp::bench::append_ethernet(b, dst, h.mac, ethertype);
    return b;
}

// An ARP request (RFC 826) for `target` from sender MAC `sha` and sender IP `spa`, padded to
// the Ethernet minimum as a NIC pads it; hlen: the hardware address length it claims.
Bytes arp_request(const Host &h, const std::array<uint8_t, 6> &sha, in_addr spa, in_addr target,
                  uint8_t hlen = 6) {
    auto a = xvrrp::bench::arp_request(sha, spa.s_addr, target.s_addr);
    a.hlen = hlen;
    return xvrrp::bench::arp_frame(kBroadcast, h.mac, a, {}, xvrrp::bench::kEthernetMinLen);
}

// How an advert is broken. Each break trips exactly one RFC 5798 7.1 check.
struct AdvertShape {
    uint8_t version = 3, type = 1, ttl = 255, count = 1, claimed_count = 1;
    uint16_t interval_cs = 1;
    bool bad_checksum = false, bad_ip_checksum = false, fragment = false;
    size_t cut_to = 0;  // IPv4 total length and frame cut after this many VRRP bytes
    uint8_t vrid = 0;   // 0: the servers' own
};

// A VRRP advert at priority 254 for the VIP from the stranger, multicast to 224.0.0.18.
Bytes advert(const Host &h, const AdvertShape &s) {
    Bytes vrrp;
    vrrp.push_back(uint8_t(s.version << 4 | s.type));
    vrrp.push_back(s.vrid ? s.vrid : h.vrid);
    vrrp.push_back(254);
    vrrp.push_back(s.claimed_count);
    vrrp.push_back(uint8_t(s.interval_cs >> 8 & 0x0f));
    vrrp.push_back(uint8_t(s.interval_cs));
    vrrp.push_back(0);
    vrrp.push_back(0);  // checksum, below
    for (int i = 0; i < s.count; ++i) append(vrrp, &h.vip, 4);
    in_addr group{};
    inet_pton(AF_INET, "224.0.0.18", &group);
    // RFC 5798 5.2.8: over the pseudo-header (source, destination, protocol, length) too.
    uint8_t pseudo[12] = {};
    std::memcpy(pseudo, &h.stranger, 4);
    std::memcpy(pseudo + 4, &group, 4);
    pseudo[9] = kProtoVrrp;
    pseudo[10] = uint8_t(vrrp.size() >> 8);
    pseudo[11] = uint8_t(vrrp.size());
    uint16_t csum = uint16_t(~sum16(vrrp.data(), vrrp.size(), sum16(pseudo, sizeof pseudo)));
    if (s.bad_checksum) csum ^= 0x5a5a;
    put16(vrrp, 6, csum);
    if (s.cut_to) vrrp.resize(s.cut_to);

    Bytes b = ethernet(kVrrpMulticast, h, ETH_P_IP);
    const size_t ip = b.size();
    b.resize(ip + 20, 0);
    b[ip] = 0x45;
    put16(b, ip + 2, uint16_t(20 + vrrp.size()));
    put16(b, ip + 6, s.fragment ? 0x2000 : 0);  // MF: a first fragment
    b[ip + 8] = s.ttl;
    b[ip + 9] = kProtoVrrp;
    std::memcpy(&b[ip + 12], &h.stranger, 4);
    std::memcpy(&b[ip + 16], &group, 4);
    uint16_t ip_csum = uint16_t(~sum16(&b[ip], 20));
    if (s.bad_ip_checksum) ip_csum ^= 0x0101;
    put16(b, ip + 10, ip_csum);
    append(b, vrrp.data(), vrrp.size());
    return b;
}

// One kind of junk: how to build it (once, or per frame for the random kinds) and where the
// servers' XDP program counts it ("" when that depends on the random bytes).
struct Kind {
    const char *name;
    const char *counter;
    Bytes frame;     // the fixed kinds
    int random = 0;  // 1: any EtherType, 2: ARP, 3: IPv4 protocol 112
    uint64_t sent = 0;
};

std::vector<Kind> kinds(const Host &h) {
    std::vector<Kind> k;
    auto add = [&](const char *name, const char *counter, Bytes frame) {
        k.push_back({name, counter, std::move(frame)});
    };
    const std::array<uint8_t, 6> multicast_sender{0x01, 0x00, 0x5e, 0x00, 0x00, 0x99};

    Bytes truncated = arp_request(h, h.mac, h.stranger, h.vip);
    truncated.resize(14 + 10);
    add("arp_truncated", "arp_drop_malformed", truncated);
    // Hardware address length 8 with Ethernet's 6-byte fields.
    add("arp_bad_format", "arp_drop_malformed", arp_request(h, h.mac, h.stranger, h.vip, 8));
    add("arp_multicast_sender", "arp_drop_bad_sender",
        arp_request(h, multicast_sender, h.stranger, h.vip));
    add("arp_gratuitous_vip", "arp_drop_gratuitous", arp_request(h, h.mac, h.vip, h.vip));

    add("vrrp_bad_checksum", "vrrp_drop_checksum", advert(h, {.bad_checksum = true}));
    add("vrrp_ttl_64", "vrrp_drop_ttl", advert(h, {.ttl = 64}));
    add("vrrp_version_2", "vrrp_drop_version", advert(h, {.version = 2}));
    add("vrrp_type_2", "vrrp_drop_type", advert(h, {.type = 2}));
    add("vrrp_count_mismatch", "vrrp_drop_length", advert(h, {.claimed_count = 3}));
    add("vrrp_interval_0", "vrrp_drop_interval", advert(h, {.interval_cs = 0}));
    add("vrrp_truncated", "vrrp_drop_truncated", advert(h, {.cut_to = 4}));
    add("vrrp_bad_ip_checksum", "vrrp_drop_ip_malformed", advert(h, {.bad_ip_checksum = true}));
    add("vrrp_fragment", "vrrp_drop_fragment", advert(h, {.fragment = true}));
    add("vrrp_other_vrid", "vrrp_other_vrid",
        advert(h, {.vrid = uint8_t(h.vrid == 255 ? 254 : h.vrid + 1)}));

    Bytes vlans = ethernet(kBroadcast, h, 0x8100);
    for (int i = 0; i < 3; ++i) {
        const uint8_t tag[] = {0, uint8_t(10 + i), 0x81, 0x00};  // VLAN 10+i, then another tag
        append(vlans, tag, sizeof tag);
    }
    vlans.resize(60, 0xee);
    add("vlan_3_tags", "vlan_too_deep", vlans);

    k.push_back({"random_ethertype", "", {}, 1});
    k.push_back({"random_arp", "", {}, 2});
    k.push_back({"random_vrrp", "", {}, 3});
    return k;
}

// Random bytes behind a broadcast Ethernet header: 0-1500 bytes of payload.
void random_frame(const Host &h, int type, std::mt19937_64 &rng, Bytes &out) {
    const uint16_t ethertype = type == 2 ? ETH_P_ARP : type == 3 ? ETH_P_IP : uint16_t(rng());
    out = ethernet(kBroadcast, h, ethertype);
    const size_t len = rng() % 1501;
    const size_t at = out.size();
    out.resize(at + len);
    for (size_t i = 0; i < len; i += 8) {
        uint64_t r = rng();
        std::memcpy(&out[at + i], &r, std::min<size_t>(8, len - i));
    }
    if (type == 3 && len >= 20) {
        out[at] = uint8_t(0x40 | (out[at] & 0x0f));  // IPv4, any IHL
        out[at + 9] = kProtoVrrp;
    }
}

}  // namespace

int main(int argc, char **argv) {
    const Options opt = parse_args(argc, argv);

    const unsigned ifindex = if_nametoindex(opt.interface.c_str());
    if (ifindex == 0) die("interface " + opt.interface);
    UniqueFd tx(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));  // protocol 0: receives nothing
    if (!tx) die("AF_PACKET socket (run as root or with CAP_NET_RAW)");
    int one = 1;
    setsockopt(tx.get(), SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);

    Host host;
    host.vip = opt.vip;
    host.vrid = uint8_t(opt.vrid);
    // The last usable address of the VIP's /24: in the lab nobody has it.
    host.stranger.s_addr = htonl((ntohl(opt.vip.s_addr) & 0xffffff00u) | 0xfe);
    ifreq ifr{};
    std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", opt.interface.c_str());
    if (ioctl(tx.get(), SIOCGIFHWADDR, &ifr) != 0) die("SIOCGIFHWADDR " + opt.interface);
    std::memcpy(host.mac.data(), ifr.ifr_hwaddr.sa_data, 6);

    std::vector<Kind> all = kinds(host);
    std::mt19937_64 rng(opt.seed);

    sockaddr_ll dst{};
    dst.sll_family = AF_PACKET;
    dst.sll_ifindex = static_cast<int>(ifindex);
    dst.sll_halen = 6;

    // Paced in batches on absolute time: at most a millisecond's worth per batch.
    const unsigned batch = static_cast<unsigned>(std::clamp<uint64_t>(opt.rate / 1000, 1, 64));
    const int64_t batch_interval_ns = static_cast<int64_t>(1e9 * batch / double(opt.rate));
    std::vector<Bytes> random_bufs(batch);
    std::vector<iovec> iov(batch);
    std::vector<mmsghdr> msgs(batch);
    std::vector<size_t> kind_of(batch);

    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    uint64_t sent = 0, send_errors = 0;
    int last_errno = 0;
    size_t next_kind = 0;
    const int64_t start = mono_ns();
    const int64_t end = opt.duration_s > 0 ? start + int64_t(opt.duration_s * 1e9) : INT64_MAX;
    int64_t next = start;
    while (!g_stop.load(std::memory_order_relaxed)) {
        int64_t now = mono_ns();
        if (now >= end) break;
        if (now < next) {
            timespec at{time_t(next / 1'000'000'000), long(next % 1'000'000'000)};
            clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr);
            continue;
        }
        // Behind by more than a second (the host stalled us): do not send the backlog at once.
        next = std::max(next + batch_interval_ns, now - 1'000'000'000);
        for (unsigned i = 0; i < batch; ++i) {
            Kind &k = all[next_kind];
            kind_of[i] = next_kind;
            next_kind = (next_kind + 1) % all.size();
            const Bytes *frame = &k.frame;
            if (k.random) {
                random_frame(host, k.random, rng, random_bufs[i]);
                frame = &random_bufs[i];
            }
            iov[i] = {const_cast<uint8_t *>(frame->data()), frame->size()};
            msgs[i] = {};
            msgs[i].msg_hdr.msg_name = &dst;
            msgs[i].msg_hdr.msg_namelen = sizeof dst;
            msgs[i].msg_hdr.msg_iov = &iov[i];
            msgs[i].msg_hdr.msg_iovlen = 1;
        }
        int n = sendmmsg(tx.get(), msgs.data(), batch, 0);
        if (n < 0) {
            // ENOBUFS and the like: counted, the frames of this turn are not sent.
            ++send_errors;
            last_errno = errno;
            continue;
        }
        for (int i = 0; i < n; ++i) ++all[kind_of[i]].sent;
        sent += unsigned(n);
    }
    const double run_s = (mono_ns() - start) / 1e9;

    if (opt.json) {
        std::printf(
            "{\"rate_pps\":%llu,\"duration_s\":%.3f,\"sent\":%llu,\"send_errors\":%llu,"
            "\"last_send_errno\":\"%s\",\"kinds\":[",
            static_cast<unsigned long long>(opt.rate), run_s, static_cast<unsigned long long>(sent),
            static_cast<unsigned long long>(send_errors),
            last_errno ? std::strerror(last_errno) : "");
        for (size_t i = 0; i < all.size(); ++i)
            std::printf("%s{\"name\":\"%s\",\"counter\":\"%s\",\"sent\":%llu}", i ? "," : "",
                        all[i].name, all[i].counter, static_cast<unsigned long long>(all[i].sent));
        std::printf("]}\n");
    } else {
        std::printf("sent %llu junk frames in %.2f s (%llu send errors%s%s)\n",
                    static_cast<unsigned long long>(sent), run_s,
                    static_cast<unsigned long long>(send_errors), last_errno ? ": " : "",
                    last_errno ? std::strerror(last_errno) : "");
        for (const Kind &k : all)
            std::printf("  %-22s %10llu  %s\n", k.name, static_cast<unsigned long long>(k.sent),
                        *k.counter ? k.counter : "(depends on the bytes)");
    }
    return 0;
}
