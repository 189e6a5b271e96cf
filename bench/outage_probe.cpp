// outage_probe: what a client sees during a failover.
//
// Sends ICMP echo requests to the service IP at a fixed rate (paced on absolute time, so a late
// wake-up does not shift every later probe) and records when each reply arrives, as the kernel
// timestamped it (SO_TIMESTAMPNS). The largest gap between two consecutive replies is the
// outage the client saw.
//
// Two modes:
//   bench_outage_probe 192.0.2.100 --interval-us 200 [--duration S] [--json]
//       runs for --duration or until SIGINT/SIGTERM, then prints sent, received, lost and the
//       largest gap of the whole run (scripts/demo).
//   bench_outage_probe 192.0.2.100 --interval-us 50 --control
//       probes until stdin closes and answers queries about time windows, one per line, so that
//       a benchmark can ask "what did the client see between the fault and now" (bench/failover):
//         window FROM_NS TO_NS|now   -> one JSON line: largest reply gap overlapping the window,
//                                       gaps of at least --gap-threshold-us in it, probes lost
//         quit
//       Times are CLOCK_MONOTONIC nanoseconds, the same clock as Python's time.monotonic_ns().
//
// Needs CAP_NET_RAW (a raw ICMP socket: ping sockets are often disabled in namespaces).
#include <arpa/inet.h>
#include <linux/icmp.h>
#include <netinet/ip.h>
#include <poll.h>
#include <pthread.h>
#include <sched.h>
#include <sys/socket.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <csignal>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <ctime>
#include <functional>
#include <iostream>
#include <mutex>
#include <sstream>
#include <string>
#include <string_view>
#include <thread>
#include <vector>

#include "common/fd.h"

namespace {

std::atomic<bool> g_stop{false};

void on_signal(int) {
    g_stop.store(true);
}

struct Options {
    in_addr target{};
    long interval_us = 200;
    double duration_s = 0;  // 0: until SIGINT/SIGTERM (or stdin EOF with --control)
    bool json = false;
    bool control = false;
    long gap_threshold_us = 1000;
    int rt_priority = 0;  // SCHED_FIFO for the sender and receiver; 0: leave the policy alone
};

[[noreturn]] void usage(const char *argv0, int code) {
    std::fprintf(code ? stderr : stdout,
                 "usage: %s TARGET [--interval-us N] [--duration SECONDS] [--json]\n"
                 "       %s TARGET [--interval-us N] --control [--gap-threshold-us N]\n"
                 "  --rt N: run the prober SCHED_FIFO at priority N, so that on a shared\n"
                 "  machine its own scheduling does not show up as gaps.\n"
                 "  ICMP echo to TARGET every N microseconds (default 200) for SECONDS\n"
                 "  (default: until SIGINT/SIGTERM); prints sent, received, lost and the\n"
                 "  largest gap between consecutive replies (the client-visible outage).\n"
                 "  --control: probe until stdin closes; answer 'window FROM_NS TO_NS|now'\n"
                 "  queries (CLOCK_MONOTONIC ns) with a JSON line each (see the source).\n",
                 argv0, argv0);
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
        } else if (a == "--control") {
            o.control = true;
        } else if (a == "--rt") {
            o.rt_priority = static_cast<int>(std::strtol(value(), nullptr, 10));
        } else if (a == "--gap-threshold-us") {
            o.gap_threshold_us = std::strtol(value(), nullptr, 10);
        } else if (a == "-h" || a == "--help") {
            usage(argv[0], 0);
        } else if (!have_target && inet_pton(AF_INET, argv[i], &o.target) == 1) {
            have_target = true;
        } else {
            std::fprintf(stderr, "%s: unexpected argument '%s'\n", argv[0], argv[i]);
            usage(argv[0], 2);
        }
    }
    if (!have_target || o.interval_us < 10 || o.duration_s < 0 || o.gap_threshold_us < 1 ||
        o.rt_priority < 0 || o.rt_priority > 99)
        usage(argv[0], 2);
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

// Every probe's send time and its reply's arrival time, indexed by the probe number the
// request carries in its payload. 16 bytes per probe: 20 000 probes a second for ten minutes
// is under 200 MB, and benchmarks run one prober per batch of trials.
class ProbeLog {
  public:
    // Called by the sender before the probe leaves, so that a reply always finds its slot.
    uint64_t add_send(int64_t t) {
        std::lock_guard lock(mu_);
        sent_.push_back(t);
        rx_.push_back(0);
        return sent_.size() - 1;
    }
    void add_reply(uint64_t k, int64_t t) {
        std::lock_guard lock(mu_);
        if (k < rx_.size() && rx_[k] == 0) rx_[k] = t;  // duplicates keep the first
    }

    struct Window {
        int64_t from = 0, to = 0;
        uint64_t sent = 0, received = 0, lost = 0;
        int64_t largest_gap = 0, gap_start = 0, gap_end = 0;
        bool gap_open = false;         // no reply yet after the largest gap's start
        uint64_t gaps_over = 0;        // gaps >= threshold overlapping the window
        uint64_t lossy_gaps_over = 0;  // ... during which at least one probe was lost
        int64_t last_reply = 0;
        int64_t loss_span = 0;  // longest run of lost probes, first lost send to next answered send
    };

    // The replies that arrived around [from, to]: every gap between consecutive replies that
    // overlaps the window, the largest of them, and the probes sent in it that got no reply.
    Window window(int64_t from, int64_t to, int64_t threshold) {
        std::lock_guard lock(mu_);
        Window w;
        w.from = from;
        w.to = to;
        // A reply arrives within a second of its probe, or never: looking at probes sent from a
        // second before the window finds the last reply before it.
        auto lo =
            std::lower_bound(sent_.begin(), sent_.end(), from - 1'000'000'000) - sent_.begin();
        auto hi = std::upper_bound(sent_.begin(), sent_.end(), to) - sent_.begin();
        std::vector<int64_t> rx;
        for (auto k = lo; k < hi; ++k)
            if (rx_[k] != 0 && rx_[k] <= to) rx.push_back(rx_[k]);
        std::sort(rx.begin(), rx.end());
        // Probes sent in the last 20 ms of the window may still be on their way back. A run of
        // unanswered probes is the outage seen from the sending side: from the first lost
        // probe's send to the send of the next probe that got an answer. Unlike a reply gap it
        // does not grow when this machine stalls the prober or delays packets without losing
        // them.
        int64_t run_start = 0;
        for (auto k = lo; k < hi; ++k) {
            if (sent_[k] < from) continue;
            ++w.sent;
            if (rx_[k] != 0) {
                ++w.received;
                if (run_start) w.loss_span = std::max(w.loss_span, sent_[k] - run_start);
                run_start = 0;
            } else if (sent_[k] < to - 20'000'000) {
                ++w.lost;
                if (!run_start) run_start = sent_[k];
            }
        }
        auto lost_between = [&](int64_t a, int64_t b) {
            auto first =
                std::lower_bound(sent_.begin() + lo, sent_.begin() + hi, a) - sent_.begin();
            for (auto k = first; k < hi && sent_[k] < b; ++k)
                if (rx_[k] == 0 || rx_[k] > b) return true;
            return false;
        };
        auto consider = [&](int64_t a, int64_t b, bool open) {
            if (b <= from || a >= to) return;
            int64_t gap = b - a;
            if (gap >= threshold) {
                ++w.gaps_over;
                if (lost_between(a, b)) ++w.lossy_gaps_over;
            }
            if (gap > w.largest_gap) {
                w.largest_gap = gap;
                w.gap_start = a;
                w.gap_end = b;
                w.gap_open = open;
            }
        };
        if (rx.empty()) {
            consider(from, to, true);
            return w;
        }
        w.last_reply = rx.back();
        if (rx.front() > from && lo == 0) consider(from, rx.front(), false);  // probe started late
        for (size_t i = 0; i + 1 < rx.size(); ++i) consider(rx[i], rx[i + 1], false);
        consider(rx.back(), to, true);
        return w;
    }

    struct Totals {
        uint64_t sent = 0, received = 0;
        int64_t first = 0, last = 0, largest_gap = 0, largest_gap_end = 0;
    };
    Totals totals() {
        std::lock_guard lock(mu_);
        Totals t;
        t.sent = sent_.size();
        std::vector<int64_t> rx;
        for (int64_t r : rx_)
            if (r != 0) rx.push_back(r);
        std::sort(rx.begin(), rx.end());
        t.received = rx.size();
        if (rx.empty()) return t;
        t.first = rx.front();
        t.last = rx.back();
        for (size_t i = 0; i + 1 < rx.size(); ++i) {
            if (rx[i + 1] - rx[i] > t.largest_gap) {
                t.largest_gap = rx[i + 1] - rx[i];
                t.largest_gap_end = rx[i + 1];
            }
        }
        return t;
    }

  private:
    std::mutex mu_;
    std::vector<int64_t> sent_;  // CLOCK_MONOTONIC, increasing
    std::vector<int64_t> rx_;    // 0: no reply (yet)
};

struct Payload {
    uint64_t probe;
    uint64_t magic;
};
constexpr uint64_t kMagic = 0x78767272702d7072;  // "xvrrp-pr": ignore echo replies of others

void receive_replies(int fd, uint16_t ident, in_addr target, std::atomic<bool> &done,
                     ProbeLog &log) {
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
        if (ip->saddr != target.s_addr ||
            n < static_cast<ssize_t>(ihl + sizeof(icmphdr) + sizeof(Payload)))
            continue;
        const auto *icmp = reinterpret_cast<const icmphdr *>(buf + ihl);
        if (icmp->type != ICMP_ECHOREPLY || icmp->un.echo.id != ident) continue;
        Payload p;
        std::memcpy(&p, buf + ihl + sizeof(icmphdr), sizeof p);
        if (p.magic != kMagic) continue;
        log.add_reply(p.probe, t);
    }
}

// --control: queries on stdin, one JSON answer per line on stdout.
void serve_queries(ProbeLog &log, int64_t threshold) {
    std::string line;
    while (!g_stop.load() && std::getline(std::cin, line)) {
        std::istringstream in(line);
        std::string cmd, from_s, to_s;
        in >> cmd;
        if (cmd == "quit") break;
        if (cmd != "window" || !(in >> from_s >> to_s)) {
            std::printf("{\"error\":\"unknown query '%s' (window FROM_NS TO_NS|now, quit)\"}\n",
                        line.c_str());
            std::fflush(stdout);
            continue;
        }
        int64_t from = std::strtoll(from_s.c_str(), nullptr, 10);
        int64_t to = to_s == "now" ? now_ns() : std::strtoll(to_s.c_str(), nullptr, 10);
        auto w = log.window(from, to, threshold);
        std::printf(
            "{\"from_ns\":%lld,\"to_ns\":%lld,\"sent\":%llu,\"received\":%llu,"
            "\"lost\":%llu,\"largest_gap_ms\":%.3f,\"gap_start_ns\":%lld,"
            "\"gap_end_ns\":%lld,\"gap_open\":%s,\"gaps_over_threshold\":%llu,"
            "\"lossy_gaps_over_threshold\":%llu,\"loss_span_ms\":%.3f,"
            "\"last_reply_age_ms\":%.3f}\n",
            static_cast<long long>(w.from), static_cast<long long>(w.to),
            static_cast<unsigned long long>(w.sent), static_cast<unsigned long long>(w.received),
            static_cast<unsigned long long>(w.lost), w.largest_gap / 1e6,
            static_cast<long long>(w.gap_start), static_cast<long long>(w.gap_end),
            w.gap_open ? "true" : "false", static_cast<unsigned long long>(w.gaps_over),
            static_cast<unsigned long long>(w.lossy_gaps_over), w.loss_span / 1e6,
            w.last_reply ? (to - w.last_reply) / 1e6 : -1.0);
        std::fflush(stdout);
    }
    g_stop.store(true);
}

}  // namespace

int main(int argc, char **argv) {
    Options opt = parse_args(argc, argv);

    xvrrp::UniqueFd sock(socket(AF_INET, SOCK_RAW | SOCK_CLOEXEC, IPPROTO_ICMP));
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

    if (opt.rt_priority > 0) {
        // Set before the threads start: they inherit it.
        sched_param sp{};
        sp.sched_priority = opt.rt_priority;
        if (int err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &sp))
            std::fprintf(stderr, "outage_probe: SCHED_FIFO %d: %s\n", opt.rt_priority,
                         std::strerror(err));
    }

    const uint16_t ident = htons(static_cast<uint16_t>(getpid()));
    std::atomic<bool> receiver_done{false};
    ProbeLog log;
    std::thread receiver(receive_replies, sock.get(), ident, opt.target, std::ref(receiver_done),
                         std::ref(log));
    std::thread queries;
    if (opt.control)
        queries = std::thread(serve_queries, std::ref(log), opt.gap_threshold_us * 1000);

    sockaddr_in dst{};
    dst.sin_family = AF_INET;
    dst.sin_addr = opt.target;
    struct {
        icmphdr hdr;
        Payload payload;
    } req{};
    req.hdr.type = ICMP_ECHO;
    req.hdr.un.echo.id = ident;
    req.payload.magic = kMagic;

    const int64_t interval_ns = opt.interval_us * 1000;
    const int64_t start = now_ns();
    const int64_t end = opt.duration_s > 0 ? start + static_cast<int64_t>(opt.duration_s * 1e9) : 0;
    uint64_t send_errors = 0;
    for (int64_t next = start; !g_stop.load(); next += interval_ns) {
        if (end && next >= end) break;
        timespec at = to_timespec(next);
        while (clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &at, nullptr) == EINTR) {
            if (g_stop.load()) break;
        }
        if (g_stop.load()) break;
        uint64_t k = log.add_send(now_ns());
        req.hdr.un.echo.sequence = htons(static_cast<uint16_t>(k));
        req.payload.probe = k;
        req.hdr.checksum = 0;
        req.hdr.checksum = inet_checksum(&req, sizeof req);
        // A send error (no ARP entry yet, unreachable) is a lost probe, not a reason to stop.
        if (sendto(sock.get(), &req, sizeof req, 0, reinterpret_cast<sockaddr *>(&dst),
                   sizeof dst) < 0)
            ++send_errors;
    }
    g_stop.store(true);
    const int64_t stop = now_ns();
    // Replies to the last probes are still on their way.
    std::this_thread::sleep_for(std::chrono::milliseconds(100));
    receiver_done.store(true);
    receiver.join();
    if (queries.joinable()) {
        // The query thread is blocked reading stdin only if the run ended by signal or
        // --duration; stdin is then not needed any more.
        close(STDIN_FILENO);
        queries.detach();
        return 0;
    }

    const auto t = log.totals();
    const uint64_t lost = t.sent > t.received ? t.sent - t.received : 0;
    const double gap_ms = t.largest_gap / 1e6;
    const double gap_at_s = t.received > 1 ? (t.largest_gap_end - start) / 1e9 : 0;
    // Replies that stopped and never came back: the outage is still going on at the end.
    const double tail_ms = t.received ? std::max(0.0, (stop - t.last) / 1e6) : (stop - start) / 1e6;
    const double run_s = (stop - start) / 1e9;
    if (opt.json) {
        // The longest run of lost probes over the whole run (see --control's loss_span_ms).
        const double loss_span_ms = log.window(start, stop, 0).loss_span / 1e6;
        std::printf(
            "{\"target\":\"%s\",\"interval_us\":%ld,\"duration_s\":%.3f,\"sent\":%llu,"
            "\"received\":%llu,\"lost\":%llu,\"send_errors\":%llu,"
            "\"largest_gap_ms\":%.3f,\"largest_gap_end_s\":%.3f,"
            "\"no_reply_at_end_ms\":%.3f,\"loss_span_ms\":%.3f}\n",
            inet_ntoa(opt.target), opt.interval_us, run_s, static_cast<unsigned long long>(t.sent),
            static_cast<unsigned long long>(t.received), static_cast<unsigned long long>(lost),
            static_cast<unsigned long long>(send_errors), gap_ms, gap_at_s, tail_ms, loss_span_ms);
    } else {
        std::printf("probed %s every %ld us for %.2f s\n", inet_ntoa(opt.target), opt.interval_us,
                    run_s);
        std::printf(
            "sent %llu, received %llu, lost %llu (send errors %llu)\n",
            static_cast<unsigned long long>(t.sent), static_cast<unsigned long long>(t.received),
            static_cast<unsigned long long>(lost), static_cast<unsigned long long>(send_errors));
        std::printf("largest gap between replies: %.3f ms (ended %.3f s into the run)\n", gap_ms,
                    gap_at_s);
        if (tail_ms > 10.0 * opt.interval_us / 1000.0 + 100)
            std::printf("no reply in the last %.1f ms of the run\n", tail_ms);
    }
    return 0;
}
