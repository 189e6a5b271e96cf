// outage_probe: what a client sees during a failover.
//
// Sends ICMP echo requests to the service IP at a fixed rate (paced on absolute time, so a late
// wake-up does not shift every later probe) and records when each reply arrives. The largest gap
// between two consecutive replies is the outage the client saw. Runs for --duration or until
// SIGINT/SIGTERM, then prints sent, received, lost and the largest gap.
//
//   ip netns exec LAB-cl bench_outage_probe 192.0.2.100 --interval-us 200 --json
//
// Needs CAP_NET_RAW (a raw ICMP socket: ping sockets are often disabled in namespaces).
#include <arpa/inet.h>
#include <linux/icmp.h>
#include <netinet/ip.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cerrno>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <functional>
#include <ctime>
#include <string>
#include <string_view>
#include <thread>

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) {
    g_stop.store(true);
}

struct Options {
    in_addr target{};
    long interval_us = 200;
    double duration_s = 0;  // 0: until SIGINT/SIGTERM
    bool json = false;
};

[[noreturn]] void usage(const char *argv0, int code) {
    std::fprintf(code ? stderr : stdout,
                 "usage: %s TARGET [--interval-us N] [--duration SECONDS] [--json]\n"
                 "  ICMP echo to TARGET every N microseconds (default 200) for SECONDS\n"
                 "  (default: until SIGINT/SIGTERM); prints sent, received, lost and the\n"
                 "  largest gap between consecutive replies (the client-visible outage).\n",
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
        if (a == "--interval-us") {
            o.interval_us = std::strtol(value(), nullptr, 10);
        } else if (a == "--duration") {
            o.duration_s = std::strtod(value(), nullptr);
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
    if (!have_target || o.interval_us < 10 || o.duration_s < 0) usage(argv[0], 2);
    return o;
}

int64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return int64_t{ts.tv_sec} * 1'000'000'000 + ts.tv_nsec;
}

timespec to_timespec(int64_t ns) {
    return timespec{static_cast<time_t>(ns / 1'000'000'000), static_cast<long>(ns % 1'000'000'000)};
}

uint16_t inet_checksum(const void *data, size_t len) {
    const auto *p = static_cast<const uint8_t *>(data);
    uint32_t sum = 0;
    for (size_t i = 0; i + 1 < len; i += 2) sum += uint32_t(p[i]) << 8 | p[i + 1];
    if (len & 1) sum += uint32_t(p[len - 1]) << 8;
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return htons(static_cast<uint16_t>(~sum));
}

// A socket fd closed on scope exit.
class Fd {
  public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) close(fd_);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

// Written by the receiver thread only; read after it has been joined.
struct ReplyLog {
    uint64_t received = 0;
    int64_t first_ns = 0;
    int64_t last_ns = 0;
    int64_t largest_gap_ns = 0;
    int64_t largest_gap_end_ns = 0;  // when the reply that closed the largest gap came
};

void receive_replies(int fd, uint16_t ident, in_addr target, std::atomic<bool> &done,
                     ReplyLog &log) {
    uint8_t buf[1500];
    alignas(cmsghdr) uint8_t control[CMSG_SPACE(sizeof(timespec))];
    pollfd pfd{fd, POLLIN, 0};
    while (!done.load(std::memory_order_relaxed)) {
        if (poll(&pfd, 1, 20) <= 0) continue;
        iovec iov{buf, sizeof buf};
        msghdr msg{};
        msg.msg_iov = &iov;
        msg.msg_iovlen = 1;
        msg.msg_control = control;
        msg.msg_controllen = sizeof control;
        ssize_t n = recvmsg(fd, &msg, MSG_DONTWAIT);
        // The kernel's arrival time (SO_TIMESTAMPNS), not when this thread got to run: the
        // gaps are the network's, not this prober's scheduling.
        int64_t t = now_ns();
        for (cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
            if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMPNS) {
                timespec ts, real;
                std::memcpy(&ts, CMSG_DATA(c), sizeof ts);  // CLOCK_REALTIME
                clock_gettime(CLOCK_REALTIME, &real);
                int64_t ago = (int64_t{real.tv_sec} - ts.tv_sec) * 1'000'000'000 +
                              (real.tv_nsec - ts.tv_nsec);
                t -= std::max<int64_t>(ago, 0);  // back on CLOCK_MONOTONIC
            }
        }
        if (n < static_cast<ssize_t>(sizeof(iphdr) + sizeof(icmphdr))) continue;
        const auto *ip = reinterpret_cast<const iphdr *>(buf);
        size_t ihl = size_t{ip->ihl} * 4;
        if (ip->saddr != target.s_addr || n < static_cast<ssize_t>(ihl + sizeof(icmphdr))) continue;
        const auto *icmp = reinterpret_cast<const icmphdr *>(buf + ihl);
        if (icmp->type != ICMP_ECHOREPLY || icmp->un.echo.id != ident) continue;
        if (log.received == 0) {
            log.first_ns = t;
        } else if (t - log.last_ns > log.largest_gap_ns) {
            log.largest_gap_ns = t - log.last_ns;
            log.largest_gap_end_ns = t;
        }
        log.last_ns = t;
        ++log.received;
    }
}

}  // namespace

int main(int argc, char **argv) {
    Options opt = parse_args(argc, argv);

    Fd sock(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP));
    if (sock.get() < 0) {
        std::fprintf(stderr,
                     "outage_probe: raw ICMP socket: %s (run as root or with CAP_NET_RAW)\n",
                     std::strerror(errno));
        return 1;
    }
    // Only echo replies reach the socket (the kernel filters the rest).
    icmp_filter filter{~(1u << ICMP_ECHOREPLY)};
    setsockopt(sock.get(), SOL_RAW, ICMP_FILTER, &filter, sizeof filter);
    int rcvbuf = 4 << 20;
    setsockopt(sock.get(), SOL_SOCKET, SO_RCVBUF, &rcvbuf, sizeof rcvbuf);
    int on = 1;
    setsockopt(sock.get(), SOL_SOCKET, SO_TIMESTAMPNS, &on, sizeof on);

    struct sigaction sa {};
    sa.sa_handler = on_signal;
    sigaction(SIGINT, &sa, nullptr);
    sigaction(SIGTERM, &sa, nullptr);

    const uint16_t ident = htons(static_cast<uint16_t>(getpid()));
    std::atomic<bool> receiver_done{false};
    ReplyLog log;
    std::thread receiver(receive_replies, sock.get(), ident, opt.target, std::ref(receiver_done),
                         std::ref(log));

    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_addr = opt.target;
    struct {
        icmphdr hdr;
        uint8_t payload[16];
    } req{};
    req.hdr.type = ICMP_ECHO;
    req.hdr.un.echo.id = ident;

    const int64_t interval_ns = opt.interval_us * 1000;
    const int64_t start = now_ns();
    const int64_t end = opt.duration_s > 0 ? start + static_cast<int64_t>(opt.duration_s * 1e9) : 0;
    uint64_t sent = 0, send_errors = 0;
    for (int64_t next = start; !g_stop.load(); next += interval_ns) {
        if (end && next >= end) break;
        timespec at = to_timespec(next);
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr) == EINTR) {
            if (g_stop.load()) break;
        }
        if (g_stop.load()) break;
        req.hdr.un.echo.sequence = htons(static_cast<uint16_t>(sent));
        std::memcpy(req.payload, &next, sizeof next);
        req.hdr.checksum = 0;
        req.hdr.checksum = inet_checksum(&req, sizeof req);
        // A send error (no ARP entry yet, unreachable) is a lost probe, not a reason to stop.
        if (sendto(sock.get(), &req, sizeof req, 0, reinterpret_cast<sockaddr *>(&dst),
                   sizeof dst) < 0)
            ++send_errors;
        ++sent;
    }
    const int64_t stop = now_ns();
    // Replies to the last probes are still on their way.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    receiver_done.store(true);
    receiver.join();

    const uint64_t lost = sent > log.received ? sent - log.received : 0;
    const double gap_ms = log.largest_gap_ns / 1e6;
    const double gap_at_s = log.received > 1 ? (log.largest_gap_end_ns - start) / 1e9 : 0;
    // Replies that stopped and never came back: the outage is still going on at the end.
    const double tail_ms =
        log.received ? std::max(0.0, (stop - log.last_ns) / 1e6) : (stop - start) / 1e6;
    const double run_s = (stop - start) / 1e9;
    if (opt.json) {
        std::printf(
            "{\"target\":\"%s\",\"interval_us\":%ld,\"duration_s\":%.3f,\"sent\":%llu,"
            "\"received\":%llu,\"lost\":%llu,\"send_errors\":%llu,"
            "\"largest_gap_ms\":%.3f,\"largest_gap_end_s\":%.3f,"
            "\"no_reply_at_end_ms\":%.3f}\n",
            inet_ntoa(opt.target), opt.interval_us, run_s, static_cast<unsigned long long>(sent),
            static_cast<unsigned long long>(log.received), static_cast<unsigned long long>(lost),
            static_cast<unsigned long long>(send_errors), gap_ms, gap_at_s, tail_ms);
    } else {
        std::printf("probed %s every %ld us for %.2f s\n", inet_ntoa(opt.target), opt.interval_us,
                    run_s);
        std::printf(
            "sent %llu, received %llu, lost %llu (send errors %llu)\n",
            static_cast<unsigned long long>(sent), static_cast<unsigned long long>(log.received),
            static_cast<unsigned long long>(lost), static_cast<unsigned long long>(send_errors));
        std::printf("largest gap between replies: %.3f ms (ended %.3f s into the run)\n", gap_ms,
                    gap_at_s);
        if (tail_ms > 10.0 * opt.interval_us / 1000.0 + 100)
            std::printf("no reply in the last %.1f ms of the run\n", tail_ms);
    }
    return 0;
}
