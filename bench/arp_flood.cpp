// arp_flood: an ARP flood from a client, and how many replies for the service IP come back.
//
// Sends broadcast ARP who-has TARGET from the interface's own MAC and IPv4 address, in sendmmsg
// batches on an AF_PACKET socket, as fast as it can (or at --rate frames per second) for
// --duration seconds. A second thread counts the ARP replies whose sender IP is TARGET, on a
// separate AF_PACKET ETH_P_ARP socket with a PACKET_RX_RING (TPACKET_V3): the ring is large and
// costs no system call per frame, and its PACKET_STATISTICS tell replies dropped in this socket
// (ring full) apart from replies never sent. Prints requests sent, replies received, both per
// second, the socket's drops and the interface's own counters before/after (rtnl_link_stats,
// read through getifaddrs in the current network namespace).
//
//   ip netns exec LAB-cl bench_arp_flood 192.0.2.100 --duration 5 --cpu 0 --json
//
// The sender is always the same client MAC/IP, on purpose: this measures how many requests of
// a legitimate client are answered while it (or its neighbour) floods. Varying the sender IP
// would also fill the kernel responder's neighbour table (it creates an entry per sender and
// does not answer when it cannot, gc_thresh3 = 1024 by default): another benchmark, not this
// one. Varying the sender MAC would send the replies to MACs this host does not own.
//
// Needs CAP_NET_RAW.
#include <arpa/inet.h>
#include <ifaddrs.h>
#include <linux/if_link.h>
#include <linux/if_packet.h>
#include <net/ethernet.h>
#include <net/if.h>
#include <net/if_arp.h>
#include <poll.h>
#include <sched.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "arp_frame.h"
#include "common/fd.h"

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) {
    g_stop.store(true);
}

struct Options {
    in_addr target{};
    std::string interface = "eth0";
    double duration_s = 5;
    uint64_t rate = 0;  // frames per second; 0: as fast as possible
    unsigned batch = 64;
    int cpu = -1;     // the whole process (sender and counter) on this CPU
    int rx_cpu = -1;  // the counter thread elsewhere
    bool json = false;
};

[[noreturn]] void usage(const char *argv0, int code) {
    std::fprintf(code ? stderr : stdout,
                 "usage: %s TARGET [--interface IF] [--duration S] [--rate PPS] [--batch N]\n"
                 "          [--cpu N] [--rx-cpu N] [--json]\n"
                 "  Broadcasts ARP who-has TARGET from IF's MAC and IPv4 address (default eth0)\n"
                 "  for S seconds (default 5) in sendmmsg batches of N frames (default 64), at\n"
                 "  PPS frames per second (default 0: as fast as possible), and counts the ARP\n"
                 "  replies whose sender IP is TARGET. --cpu pins the process (sender and\n"
                 "  counter threads) to one CPU; --rx-cpu moves the counter thread to another.\n",
                 argv0);
    std::exit(code);
}

Options parse_args(int argc, char **argv) {
    Options o;
    bool have_target = false;
    for (int i = 1; i < argc; ++i) {
        std::string_view a = argv[i];
        auto value = [&]() -> const char * {
            if (i + 1 >= argc) usage(argv[0], 2);
            return argv[++i];
        };
        if (a == "--interface") {
            o.interface = value();
        } else if (a == "--duration") {
            o.duration_s = std::strtod(value(), nullptr);
        } else if (a == "--rate") {
            o.rate = std::strtoull(value(), nullptr, 10);
        } else if (a == "--batch") {
            o.batch = static_cast<unsigned>(std::strtoul(value(), nullptr, 10));
        } else if (a == "--cpu") {
            o.cpu = std::atoi(value());
        } else if (a == "--rx-cpu") {
            o.rx_cpu = std::atoi(value());
        } else if (a == "--json") {
            o.json = true;
        } else if (a == "-h" || a == "--help") {
            usage(argv[0], 0);
        } else if (!have_target && inet_pton(AF_INET, argv[i], &o.target) == 1) {
            have_target = true;
        } else {
            std::fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[i]);
            usage(argv[0], 2);
        }
    }
    if (!have_target || o.duration_s <= 0 || o.batch < 1 || o.batch > 1024) usage(argv[0], 2);
    return o;
}

[[noreturn]] void die(const std::string &what) {
    std::fprintf(stderr, "arp_flood: %s: %s\n", what.c_str(), std::strerror(errno));
    std::exit(1);
}

int64_t mono_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

int64_t real_ns() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

void pin_to(int cpu) {
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    // 0: the calling thread; threads created later inherit its mask.
    if (sched_setaffinity(0, sizeof set, &set) != 0)
        die("sched_setaffinity CPU " + std::to_string(cpu));
}

// Interface counters in this network namespace (the kernel's rtnl_link_stats, 32-bit: the
// deltas are taken modulo 2^32, which holds for any run shorter than 4 billion frames).
struct LinkCounters {
    uint32_t tx_packets = 0, rx_packets = 0, tx_dropped = 0, rx_dropped = 0;
};

LinkCounters link_counters(const std::string &ifname) {
    LinkCounters c;
    ifaddrs *list = nullptr;
    if (getifaddrs(&list) != 0) return c;
    for (ifaddrs *a = list; a; a = a->ifa_next) {
        if (!a->ifa_addr || a->ifa_addr->sa_family != AF_PACKET || !a->ifa_data) continue;
        if (ifname != a->ifa_name) continue;
        const auto *s = static_cast<const rtnl_link_stats *>(a->ifa_data);
        c = {s->tx_packets, s->rx_packets, s->tx_dropped, s->rx_dropped};
    }
    freeifaddrs(list);
    return c;
}

struct SenderMac {
    std::array<uint8_t, 6> mac{};
    uint64_t replies = 0;
    int64_t first_ns = 0, last_ns = 0;  // CLOCK_REALTIME, from the ring's frame headers
};

// A reply from another MAC than the one before: a failover (or a false one) seen by the client.
struct Change {
    std::array<uint8_t, 6> mac{};
    int64_t at_ns = 0;   // the first reply from the new MAC
    int64_t gap_ns = 0;  // since the last reply from the previous MAC
};
constexpr size_t kMaxChanges = 256;

// Written by the counter thread only; read after it has been joined.
struct Counts {
    uint64_t replies = 0;         // ARP replies with sender IP == TARGET
    uint64_t other_arp = 0;       // everything else the socket got (gratuitous ARP, requests)
    uint64_t truncated = 0;       // shorter than an Ethernet ARP frame
    std::vector<SenderMac> macs;  // who answered: a second MAC is a second responder
    std::vector<Change> changes;  // the first kMaxChanges
    uint64_t change_count = 0;
    std::array<uint8_t, 6> last_mac{};
    int64_t first_ns = 0, last_ns = 0, largest_gap_ns = 0, largest_gap_end_ns = 0;
    uint32_t socket_packets = 0, socket_drops = 0, socket_freezes = 0;
};

constexpr unsigned kBlockSize = 1 << 20;
constexpr unsigned kBlocks = 64;  // 64 MiB: about 0.5 s of replies at 1 Mpps
constexpr unsigned kFrameSize = 2048;

class RxRing {
  public:
    explicit RxRing(int ifindex)
        : fd_(socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, htons(ETH_P_ARP))) {
        if (fd_.get() < 0) die("AF_PACKET socket (run as root or with CAP_NET_RAW)");
        int version = TPACKET_V3;
        if (setsockopt(fd_.get(), SOL_PACKET, PACKET_VERSION, &version, sizeof version) != 0)
            die("PACKET_VERSION TPACKET_V3");
        tpacket_req3 req{};
        req.tp_block_size = kBlockSize;
        req.tp_block_nr = kBlocks;
        req.tp_frame_size = kFrameSize;
        req.tp_frame_nr = kBlockSize / kFrameSize * kBlocks;
        req.tp_retire_blk_tov = 10;  // ms: a partly filled block reaches us within 10 ms
        if (setsockopt(fd_.get(), SOL_PACKET, PACKET_RX_RING, &req, sizeof req) != 0)
            die("PACKET_RX_RING");
        map_ = mmap(nullptr, size_t{kBlockSize} * kBlocks, PROT_READ | PROT_WRITE, MAP_SHARED,
                    fd_.get(), 0);
        if (map_ == MAP_FAILED) die("mmap the RX ring");
        sockaddr_ll sll{};
        sll.sll_family = AF_PACKET;
        sll.sll_protocol = htons(ETH_P_ARP);
        sll.sll_ifindex = ifindex;
        if (bind(fd_.get(), reinterpret_cast<sockaddr *>(&sll), sizeof sll) != 0)
            die("bind the counter socket");
    }
    ~RxRing() { munmap(map_, size_t{kBlockSize} * kBlocks); }
    RxRing(const RxRing &) = delete;
    RxRing &operator=(const RxRing &) = delete;

    int fd() const { return fd_.get(); }

    // Hands each frame of every block the kernel has retired to f, and the block back.
    template <typename F>
    void drain(F &&f) {
        for (;;) {
            auto *block = reinterpret_cast<tpacket_block_desc *>(static_cast<uint8_t *>(map_) +
                                                                 size_t{next_} * kBlockSize);
            if (!(__atomic_load_n(&block->hdr.bh1.block_status, __ATOMIC_ACQUIRE) & TP_STATUS_USER))
                return;
            auto *h = reinterpret_cast<tpacket3_hdr *>(reinterpret_cast<uint8_t *>(block) +
                                                       block->hdr.bh1.offset_to_first_pkt);
            for (uint32_t i = 0; i < block->hdr.bh1.num_pkts; ++i) {
                f(reinterpret_cast<const uint8_t *>(h) + h->tp_mac, h->tp_snaplen,
                  int64_t{h->tp_sec} * 1'000'000'000 + h->tp_nsec);
                h = reinterpret_cast<tpacket3_hdr *>(reinterpret_cast<uint8_t *>(h) +
                                                     h->tp_next_offset);
            }
            __atomic_store_n(&block->hdr.bh1.block_status, TP_STATUS_KERNEL, __ATOMIC_RELEASE);
            next_ = (next_ + 1) % kBlocks;
        }
    }

    // Reading PACKET_STATISTICS also resets them.
    tpacket_stats_v3 stats() {
        tpacket_stats_v3 st{};
        socklen_t len = sizeof st;
        getsockopt(fd_.get(), SOL_PACKET, PACKET_STATISTICS, &st, &len);
        return st;
    }

  private:
    xvrrp::UniqueFd fd_;
    void *map_ = nullptr;
    unsigned next_ = 0;
};

void count_replies(RxRing &ring, in_addr target, int rx_cpu, std::atomic<bool> &done, Counts &c) {
    if (rx_cpu >= 0) pin_to(rx_cpu);
    auto on_frame = [&](const uint8_t *p, uint32_t len, int64_t t) {
        auto frame = xvrrp::bench::parse_arp_frame(p, len);
        if (!frame) {
            ++c.truncated;
            return;
        }
        const xvrrp::bench::ArpFields &f = frame->arp;
        if (!xvrrp::bench::is_ethernet_ipv4(f) || f.op != xvrrp::bench::kArpReply ||
            f.spa != target.s_addr) {
            ++c.other_arp;
            return;
        }
        if (c.replies == 0) {
            c.first_ns = t;
        } else {
            if (t - c.last_ns > c.largest_gap_ns) {
                c.largest_gap_ns = t - c.last_ns;
                c.largest_gap_end_ns = t;
            }
            if (c.last_mac != f.sha) {
                ++c.change_count;
                if (c.changes.size() < kMaxChanges) {
                    Change ch;
                    ch.mac = f.sha;
                    ch.at_ns = t;
                    ch.gap_ns = t - c.last_ns;
                    c.changes.push_back(ch);
                }
            }
        }
        c.last_mac = f.sha;
        c.last_ns = t;
        ++c.replies;
        auto it = std::find_if(c.macs.begin(), c.macs.end(),
                               [&](const SenderMac &m) { return m.mac == f.sha; });
        if (it == c.macs.end()) {
            if (c.macs.size() >= 8) return;  // a storm of forged MACs: the first 8 are enough
            SenderMac m;
            m.mac = f.sha;
            m.first_ns = t;
            it = c.macs.insert(c.macs.end(), m);
        }
        ++it->replies;
        it->last_ns = t;
    };
    pollfd pfd{ring.fd(), POLLIN, 0};
    while (!done.load(std::memory_order_relaxed)) {
        poll(&pfd, 1, 20);
        ring.drain(on_frame);
    }
    ring.drain(on_frame);
    tpacket_stats_v3 st = ring.stats();
    c.socket_packets = st.tp_packets;
    c.socket_drops = st.tp_drops;
    c.socket_freezes = st.tp_freeze_q_cnt;
}

std::string mac_string(const uint8_t *m) {
    char s[18];
    std::snprintf(s, sizeof s, "%02x:%02x:%02x:%02x:%02x:%02x", m[0], m[1], m[2], m[3], m[4], m[5]);
    return s;
}

}  // namespace

int main(int argc, char **argv) {
    Options opt = parse_args(argc, argv);
    if (opt.cpu >= 0) pin_to(opt.cpu);

    const unsigned ifindex = if_nametoindex(opt.interface.c_str());
    if (ifindex == 0) die("interface " + opt.interface);
    xvrrp::UniqueFd tx(
        socket(AF_PACKET, SOCK_RAW | SOCK_CLOEXEC, 0));  // protocol 0: this socket receives nothing
    if (!tx) die("AF_PACKET socket (run as root or with CAP_NET_RAW)");
    // Straight to the driver, as a flooder would: the qdisc (noqueue on veth) adds nothing
    // but cost, and a frame the device refuses is an error we count, not a queued frame.
    int one = 1;
    setsockopt(tx.get(), SOL_PACKET, PACKET_QDISC_BYPASS, &one, sizeof one);

    ifreq ifr{};
    std::snprintf(ifr.ifr_name, sizeof ifr.ifr_name, "%s", opt.interface.c_str());
    if (ioctl(tx.get(), SIOCGIFHWADDR, &ifr) != 0) die("SIOCGIFHWADDR " + opt.interface);
    xvrrp::bench::Mac own_mac;
    std::memcpy(own_mac.data(), ifr.ifr_hwaddr.sa_data, 6);
    xvrrp::UniqueFd inet(socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0));
    if (ioctl(inet.get(), SIOCGIFADDR, &ifr) != 0) die("SIOCGIFADDR " + opt.interface);
    const in_addr own_ip = reinterpret_cast<sockaddr_in *>(&ifr.ifr_addr)->sin_addr;

    // Padded to the 60-byte Ethernet minimum, as a NIC would send it.
    xvrrp::bench::Bytes frame = xvrrp::bench::arp_frame(
        xvrrp::bench::kBroadcastMac, own_mac,
        xvrrp::bench::arp_request(own_mac, own_ip.s_addr, opt.target.s_addr), {},
        xvrrp::bench::kEthernetMinLen);

    sockaddr_ll dst{};
    dst.sll_family = AF_PACKET;
    dst.sll_protocol = htons(ETH_P_ARP);
    dst.sll_ifindex = static_cast<int>(ifindex);
    dst.sll_halen = 6;
    std::memset(dst.sll_addr, 0xff, 6);

    // Every message of a batch is the same frame: the kernel copies it per message anyway.
    std::vector<iovec> iov(opt.batch, iovec{frame.data(), frame.size()});
    std::vector<mmsghdr> msgs(opt.batch);
    for (unsigned i = 0; i < opt.batch; ++i) {
        msgs[i].msg_hdr.msg_name = &dst;
        msgs[i].msg_hdr.msg_namelen = sizeof dst;
        msgs[i].msg_hdr.msg_iov = &iov[i];
        msgs[i].msg_hdr.msg_iovlen = 1;
    }

    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    RxRing ring(static_cast<int>(ifindex));
    ring.drain([](const uint8_t *, uint32_t, int64_t) {});  // anything from before the flood
    ring.stats();
    std::atomic<bool> counter_done{false};
    Counts counts;
    std::thread counter(count_replies, std::ref(ring), opt.target, opt.rx_cpu,
                        std::ref(counter_done), std::ref(counts));

    const LinkCounters before = link_counters(opt.interface);
    // Paced in batches on absolute time; at low rates smaller batches keep the bursts short.
    unsigned batch = opt.batch;
    if (opt.rate > 0)
        batch = static_cast<unsigned>(std::clamp<uint64_t>(opt.rate / 1000, 1, opt.batch));
    const int64_t batch_interval_ns =
        opt.rate > 0 ? static_cast<int64_t>(1e9 * batch / static_cast<double>(opt.rate)) : 0;
    uint64_t sent = 0, send_calls = 0, send_errors = 0, short_sends = 0;
    int last_errno = 0;
    const int64_t start_real = real_ns();
    const int64_t start = mono_ns();
    const int64_t end = start + static_cast<int64_t>(opt.duration_s * 1e9);
    int64_t next = start;
    for (int64_t now = start; now < end && !g_stop.load(std::memory_order_relaxed);
         now = mono_ns()) {
        if (batch_interval_ns) {
            if (now < next) {
                timespec at{static_cast<time_t>(next / 1'000'000'000),
                            static_cast<long>(next % 1'000'000'000)};
                clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr);
                continue;
            }
            next += batch_interval_ns;
        }
        int n = sendmmsg(tx.get(), msgs.data(), batch, 0);
        ++send_calls;
        if (n < 0) {
            // ENOBUFS and the like: the device refused; count it and try again.
            ++send_errors;
            last_errno = errno;
            sched_yield();
            continue;
        }
        if (static_cast<unsigned>(n) < batch) ++short_sends;
        sent += static_cast<unsigned>(n);
    }
    const int64_t stop = mono_ns();
    const LinkCounters after_send = link_counters(opt.interface);
    // Replies to the last requests are still on their way (10 ms ring block timeout too).
    std::this_thread::sleep_for(std::chrono::milliseconds(200));
    counter_done.store(true);
    counter.join();
    const LinkCounters after = link_counters(opt.interface);

    const double run_s = (stop - start) / 1e9;
    const double sent_ps = sent / run_s;
    const double replies_ps = counts.replies / run_s;
    const double per_request = sent ? static_cast<double>(counts.replies) / sent : 0;
    const uint32_t if_tx = after_send.tx_packets - before.tx_packets;
    const uint32_t if_rx = after.rx_packets - before.rx_packets;
    const uint32_t if_tx_drop = after.tx_dropped - before.tx_dropped;
    const uint32_t if_rx_drop = after.rx_dropped - before.rx_dropped;
    auto rel_ms = [&](int64_t t) { return t ? (t - start_real) / 1e6 : 0.0; };
    const unsigned ncpu = std::thread::hardware_concurrency();

    if (opt.json) {
        std::printf(
            "{\"target\":\"%s\",\"interface\":\"%s\",\"sender_mac\":\"%s\",\"sender_ip\":\"%s\","
            "\"cpus\":%u,\"cpu\":%d,\"rx_cpu\":%d,\"rate_limit_pps\":%llu,\"batch\":%u,"
            "\"start_realtime_s\":%.6f,\"duration_s\":%.6f,\"requests_sent\":%llu,\"send_calls\":%"
            "llu,"
            "\"send_errors\":%llu,\"short_sends\":%llu,\"last_send_errno\":\"%s\","
            "\"requests_per_s\":%.1f,\"replies\":%llu,\"replies_per_s\":%.1f,"
            "\"replies_per_request\":%.6f,\"other_arp\":%llu,\"truncated\":%llu,"
            "\"largest_reply_gap_ms\":%.3f,\"largest_reply_gap_end_ms\":%.3f,"
            "\"first_reply_ms\":%.3f,\"last_reply_ms\":%.3f,"
            "\"socket\":{\"packets\":%u,\"drops\":%u,\"freezes\":%u},"
            "\"interface_delta\":{\"tx_packets\":%u,\"rx_packets\":%u,\"tx_dropped\":%u,"
            "\"rx_dropped\":%u},\"responders\":[",
            inet_ntoa(opt.target), opt.interface.c_str(), mac_string(own_mac.data()).c_str(),
            std::string(inet_ntoa(own_ip)).c_str(), ncpu, opt.cpu, opt.rx_cpu,
            static_cast<unsigned long long>(opt.rate), batch, start_real / 1e9, run_s,
            static_cast<unsigned long long>(sent), static_cast<unsigned long long>(send_calls),
            static_cast<unsigned long long>(send_errors),
            static_cast<unsigned long long>(short_sends),
            last_errno ? std::strerror(last_errno) : "", sent_ps,
            static_cast<unsigned long long>(counts.replies), replies_ps, per_request,
            static_cast<unsigned long long>(counts.other_arp),
            static_cast<unsigned long long>(counts.truncated), counts.largest_gap_ns / 1e6,
            rel_ms(counts.largest_gap_end_ns), rel_ms(counts.first_ns), rel_ms(counts.last_ns),
            counts.socket_packets, counts.socket_drops, counts.socket_freezes, if_tx, if_rx,
            if_tx_drop, if_rx_drop);
        for (size_t i = 0; i < counts.macs.size(); ++i) {
            const SenderMac &m = counts.macs[i];
            std::printf("%s{\"mac\":\"%s\",\"replies\":%llu,\"first_ms\":%.3f,\"last_ms\":%.3f}",
                        i ? "," : "", mac_string(m.mac.data()).c_str(),
                        static_cast<unsigned long long>(m.replies), rel_ms(m.first_ns),
                        rel_ms(m.last_ns));
        }
        std::printf("],\"responder_changes\":%llu,\"changes\":[",
                    static_cast<unsigned long long>(counts.change_count));
        for (size_t i = 0; i < counts.changes.size(); ++i) {
            const Change &ch = counts.changes[i];
            std::printf("%s{\"mac\":\"%s\",\"at_ms\":%.3f,\"gap_ms\":%.3f}", i ? "," : "",
                        mac_string(ch.mac.data()).c_str(), rel_ms(ch.at_ns), ch.gap_ns / 1e6);
        }
        std::printf("]}\n");
    } else {
        std::printf("ARP who-has %s from %s (%s) on %s for %.2f s, %s, batches of %u\n",
                    inet_ntoa(opt.target), std::string(inet_ntoa(own_ip)).c_str(),
                    mac_string(own_mac.data()).c_str(), opt.interface.c_str(), run_s,
                    opt.rate ? (std::to_string(opt.rate) + " pps").c_str() : "as fast as possible",
                    batch);
        if (ncpu <= 4)
            std::printf("note: %u CPUs: this generator competes with the responder%s\n", ncpu,
                        opt.cpu >= 0 ? (" (pinned to CPU " + std::to_string(opt.cpu) + ")").c_str()
                                     : " (not pinned: use --cpu)");
        std::printf(
            "requests sent      %12llu  %12.0f /s  (send errors %llu%s%s, short sends %llu)\n",
            static_cast<unsigned long long>(sent), sent_ps,
            static_cast<unsigned long long>(send_errors), last_errno ? ": " : "",
            last_errno ? std::strerror(last_errno) : "",
            static_cast<unsigned long long>(short_sends));
        std::printf("replies received   %12llu  %12.0f /s  (%.4f per request)\n",
                    static_cast<unsigned long long>(counts.replies), replies_ps, per_request);
        std::printf("counter socket     %12u packets, %u dropped (ring full), %u freezes\n",
                    counts.socket_packets, counts.socket_drops, counts.socket_freezes);
        std::printf("%-18s %12u tx, %u rx, %u tx dropped, %u rx dropped\n",
                    (opt.interface + " counters").c_str(), if_tx, if_rx, if_tx_drop, if_rx_drop);
        std::printf("other ARP received %12llu\n",
                    static_cast<unsigned long long>(counts.other_arp));
        for (const SenderMac &m : counts.macs)
            std::printf("  answered by %s: %llu replies, from %.1f to %.1f ms\n",
                        mac_string(m.mac.data()).c_str(),
                        static_cast<unsigned long long>(m.replies), rel_ms(m.first_ns),
                        rel_ms(m.last_ns));
        for (const Change &ch : counts.changes)
            std::printf("  now answered by %s at %.1f ms, %.3f ms after the previous reply\n",
                        mac_string(ch.mac.data()).c_str(), rel_ms(ch.at_ns), ch.gap_ns / 1e6);
        std::printf("largest gap between replies: %.3f ms (ended %.1f ms into the run)\n",
                    counts.largest_gap_ns / 1e6, rel_ms(counts.largest_gap_end_ns));
    }
    return 0;
}
