#include "daemon/metrics.h"

#include <microhttpd.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/timerfd.h>
#include <unistd.h>

#include <chrono>
#include <cstring>
#include <optional>

#include "common/timerfd.h"
#include "daemon/exposition.h"
#include "daemon/log.h"
#include "dataplane/tables.h"

namespace xvrrp::daemon {
namespace {

using Type = Exposition::Type;

constexpr std::string_view kStates[] = {"INIT", "BACKUP", "MASTER", "FAULT"};

// The upper bounds of the log2 microsecond buckets that the kernel's late_hist and the advert
// threads' lateness share (tx::LatenessHistogram): 2 us, 4 us, ... 2^23 us (8.4 s), then +Inf.
// The kernel counts a value equal to a bound in the next bucket up.
const std::vector<double> &log2_us_bounds() {
    static const std::vector<double> bounds = [] {
        std::vector<double> b;
        for (size_t i = 0; i + 1 < tx::LatenessHistogram::kBuckets; i++)
            b.push_back(double(uint64_t(2) << i) * 1e-6);
        return b;
    }();
    return bounds;
}

Labels instance_labels(const InstanceStatus &s) {
    return {{"vrrp_instance", s.name}, {"vrid", std::to_string(s.vrid)}};
}

// One family with one sample per instance.
template <class Value>
void per_instance(Exposition &e, const std::vector<InstanceStatus> &instances,
                  std::string_view name, Type type, std::string_view help, Value value) {
    e.family(name, type, help);
    for (const auto &s : instances) e.sample(instance_labels(s), value(s));
}

std::string xdp_counter_name(std::string_view counter) {
    return "xvrrp_xdp_" + std::string(counter) + "_total";
}

// The XDP counter of events the ring buffer had no room for.
constexpr std::string_view kRingBufferDrops = "event_dropped";

}  // namespace

std::string render_metrics(const std::vector<InstanceStatus> &instances,
                           const std::vector<UplinkCounters> &uplinks) {
    Exposition e;
    e.family("xvrrp_instance_state", Type::Gauge,
             "1 for the state the instance is in (INIT, BACKUP, MASTER, FAULT), 0 for the others.");
    for (const auto &s : instances)
        for (std::string_view state : kStates) {
            Labels l = instance_labels(s);
            l.emplace_back("state", std::string(state));
            e.sample(l, uint64_t(s.state == state ? 1 : 0));
        }
    per_instance(e, instances, "xvrrp_instance_priority", Type::Gauge,
                 "Effective priority (configured, after tracked interfaces).",
                 [](const InstanceStatus &s) { return uint64_t(s.priority); });
    per_instance(e, instances, "xvrrp_instance_master_priority", Type::Gauge,
                 "Priority of the master as last heard (ours while MASTER; 0 when unknown or "
                 "after the master's priority-0 advert).",
                 [](const InstanceStatus &s) { return uint64_t(s.master_priority); });
    per_instance(e, instances, "xvrrp_arp_answering", Type::Gauge,
                 "1 while the XDP program answers ARP for the instance's service IPs.",
                 [](const InstanceStatus &s) { return uint64_t(s.arp_answering ? 1 : 0); });
    per_instance(e, instances, "xvrrp_adverts_sent_total", Type::Counter,
                 "Adverts the advert threads sent (every CPU's lane).",
                 [](const InstanceStatus &s) { return s.adverts_sent; });
    per_instance(e, instances, "xvrrp_advert_send_errors_total", Type::Counter,
                 "Adverts the sender refused.", [](const InstanceStatus &s) {
                     uint64_t n = 0;
                     for (const auto &l : s.advert_lanes) n += l.send_errors;
                     return n;
                 });
    per_instance(e, instances, "xvrrp_adverts_received_total", Type::Counter,
                 "Valid adverts the XDP program received for the VRID (any sender).",
                 [](const InstanceStatus &s) { return s.kernel.adverts; });

    e.family("xvrrp_takeovers_total", Type::Counter,
             "Times the instance became MASTER, by cause: owner (priority 255 at start-up or link "
             "up), master_down (Master_Down_Timer fired, the master went silent), "
             "master_resigned (after its priority-0 advert), preempt (the master advertised a "
             "lower priority).");
    for (const auto &s : instances)
        for (std::string_view cause : kTakeoverCauses) {
            Labels l = instance_labels(s);
            l.emplace_back("cause", std::string(cause));
            auto it = s.election.takeovers.find(cause);
            e.sample(l, it == s.election.takeovers.end() ? uint64_t(0) : it->second);
        }
    e.family("xvrrp_transitions_total", Type::Counter,
             "State transitions of the instance, by the states left and entered.");
    for (const auto &s : instances)
        for (const auto &[fromto, n] : s.election.transitions) {
            Labels l = instance_labels(s);
            l.emplace_back("from", fromto.first);
            l.emplace_back("to", fromto.second);
            e.sample(l, n);
        }
    e.family("xvrrp_last_transition_timestamp_seconds", Type::Gauge,
             "When the instance last changed state (Unix time).");
    for (const auto &s : instances)
        if (s.election.last_transition_unix)
            e.sample(instance_labels(s), *s.election.last_transition_unix);

    e.family("xvrrp_advert_lateness_seconds", Type::Histogram,
             "How late an advert thread woke for an advert's deadline, every periodic advert of "
             "the instance on every CPU (log2 buckets from 2 us).");
    for (const auto &s : instances)
        e.histogram(instance_labels(s), log2_us_bounds(), s.advert_lateness.counts,
                    double(s.advert_lateness.sum_ns) / 1e9);
    e.family("xvrrp_master_down_timer_lateness_seconds", Type::Histogram,
             "How late the VRID's kernel timer fired after its expiry time, every expiry (it runs "
             "the Master_Down_Timer, and watches the lease while answering ARP); counted by the "
             "XDP program in log2 buckets from 2 us, without a sum.");
    for (const auto &s : instances) {
        std::vector<uint64_t> counts(s.kernel.late_hist.begin(), s.kernel.late_hist.end());
        if (counts.empty()) counts.assign(tx::LatenessHistogram::kBuckets, 0);  // no rx_state
        e.histogram(instance_labels(s), log2_us_bounds(), counts, std::nullopt);
    }

    per_instance(e, instances, "xvrrp_lease_renewals_total", Type::Counter,
                 "Renewals of the VRID's liveness lease (the advert threads renew it after every "
                 "advert sent; the XDP program stops answering ARP when it runs out).",
                 [](const InstanceStatus &s) { return s.lease_renewals; });
    per_instance(e, instances, "xvrrp_lease_expiries_total", Type::Counter,
                 "Times the lease ran out while ARP was answered (the kernel stopped answering).",
                 [](const InstanceStatus &s) { return s.kernel.lease_expiries; });

    // The XDP program's counters, per uplink, each under its own name.
    for (const auto &info : dataplane::counter_infos()) {
        e.family(xdp_counter_name(info.name), Type::Counter, info.help);
        for (const auto &u : uplinks)
            for (const auto &[name, value] : u.counters)
                if (name == info.name) e.sample({{"interface", u.interface}}, value);
    }
    e.family("xvrrp_ring_buffer_drops_total", Type::Counter,
             "Events the XDP program could not report because the ring buffer was full (the "
             "counter event_dropped).");
    for (const auto &u : uplinks)
        for (const auto &[name, value] : u.counters)
            if (name == kRingBufferDrops) e.sample({{"interface", u.interface}}, value);
    return e.text();
}

// ---- the HTTP side ------------------------------------------------------------------------

namespace {

enum : uint64_t { kMhdTag = 1, kTimerTag = 2 };

MHD_Result queue_text(MHD_Connection *connection, unsigned status, const std::string &body,
                      const char *content_type) {
    MHD_Response *r = MHD_create_response_from_buffer(body.size(), const_cast<char *>(body.data()),
                                                      MHD_RESPMEM_MUST_COPY);
    if (!r) return MHD_NO;
    MHD_add_response_header(r, MHD_HTTP_HEADER_CONTENT_TYPE, content_type);
    if (status == MHD_HTTP_METHOD_NOT_ALLOWED) MHD_add_response_header(r, "Allow", "GET, HEAD");
    MHD_Result ok = MHD_queue_response(connection, status, r);
    MHD_destroy_response(r);
    return ok;
}

MHD_Result answer(void *cls, MHD_Connection *connection, const char *url, const char *method,
                  const char *, const char *, size_t *upload_data_size, void **) {
    auto &render = *static_cast<MetricsServer::Render *>(cls);
    *upload_data_size = 0;  // a body is ignored
    const char *plain = "text/plain; charset=utf-8";
    if (std::strcmp(url, "/metrics") != 0)
        return queue_text(connection, MHD_HTTP_NOT_FOUND, "not found: try /metrics\n", plain);
    if (std::strcmp(method, MHD_HTTP_METHOD_GET) != 0 &&
        std::strcmp(method, MHD_HTTP_METHOD_HEAD) != 0)
        return queue_text(connection, MHD_HTTP_METHOD_NOT_ALLOWED, "GET /metrics only\n", plain);
    // An error here must not unwind through libmicrohttpd into the event loop, which would
    // stop the daemon (and hand over the service IPs) for a failed scrape.
    std::string body;
    try {
        body = render();
    } catch (const std::exception &e) {
        warn(std::string("metrics"), std::string("GET /metrics failed: ") + e.what());
        return queue_text(connection, MHD_HTTP_INTERNAL_SERVER_ERROR,
                          std::string("metrics unavailable: ") + e.what() + "\n", plain);
    }
    return queue_text(connection, MHD_HTTP_OK, body, "text/plain; version=0.0.4; charset=utf-8");
}

// The listening socket, made here so that a failure says why (MHD only says it failed).
UniqueFd listen_on(const config::ListenAddress &listen) {
    const bool v6 = listen.address.family == vrrp::Family::IPv6;
    const std::string where = "metrics_listen " + listen.to_string();
    UniqueFd fd(socket(v6 ? AF_INET6 : AF_INET, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd) throw sys_error(where + ": socket");
    int one = 1;
    setsockopt(fd.get(), SOL_SOCKET, SO_REUSEADDR, &one, sizeof one);
    sockaddr_storage ss{};
    socklen_t len;
    if (v6) {
        setsockopt(fd.get(), IPPROTO_IPV6, IPV6_V6ONLY, &one, sizeof one);
        auto *a = reinterpret_cast<sockaddr_in6 *>(&ss);
        a->sin6_family = AF_INET6;
        a->sin6_port = htons(listen.port);
        std::memcpy(&a->sin6_addr, listen.address.bytes.data(), 16);
        len = sizeof *a;
    } else {
        auto *a = reinterpret_cast<sockaddr_in *>(&ss);
        a->sin_family = AF_INET;
        a->sin_port = htons(listen.port);
        std::memcpy(&a->sin_addr, listen.address.bytes.data(), 4);
        len = sizeof *a;
    }
    if (bind(fd.get(), reinterpret_cast<sockaddr *>(&ss), len) != 0) {
        int err = errno;
        std::string hint;
        if (err == EADDRINUSE) hint = " (another program listens there: pick another port)";
        if (err == EADDRNOTAVAIL) hint = " (not an address of this host)";
        if (err == EACCES) hint = " (a port below 1024 needs CAP_NET_BIND_SERVICE)";
        throw sys_error(where + ": bind" + hint, err);
    }
    if (::listen(fd.get(), 16) != 0) throw sys_error(where + ": listen");
    return fd;
}

}  // namespace

MetricsServer::MetricsServer(const config::ListenAddress &listen, Render render)
    : render_(std::move(render)) {
    UniqueFd sock = listen_on(listen);
    epoll_.reset(epoll_create1(EPOLL_CLOEXEC));
    timer_.reset(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    if (!epoll_ || !timer_) throw sys_error("metrics: epoll/timerfd");
    // No thread of MHD's own (MHD_USE_EPOLL alone): it works when on_ready() calls MHD_run().
    mhd_ = MHD_start_daemon(
        MHD_USE_EPOLL | (listen.address.family == vrrp::Family::IPv6 ? MHD_USE_IPv6 : 0), 0,
        nullptr, nullptr, &answer, &render_, MHD_OPTION_LISTEN_SOCKET, sock.get(),
        MHD_OPTION_CONNECTION_LIMIT, kMaxConnections, MHD_OPTION_CONNECTION_TIMEOUT,
        kConnectionTimeoutSeconds, MHD_OPTION_END);
    if (!mhd_)
        throw Error("metrics_listen " + listen.to_string() + ": libmicrohttpd did not start");
    sock.release();  // MHD closes it in MHD_stop_daemon
    const MHD_DaemonInfo *info = MHD_get_daemon_info(mhd_, MHD_DAEMON_INFO_EPOLL_FD);
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kMhdTag;
    if (!info || epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, info->epoll_fd, &ev) != 0) {
        MHD_stop_daemon(mhd_);
        throw sys_error("metrics: watch libmicrohttpd's epoll fd");
    }
    ev.data.u64 = kTimerTag;
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, timer_.get(), &ev) != 0) {
        MHD_stop_daemon(mhd_);
        throw sys_error("metrics: epoll_ctl");
    }
}

MetricsServer::~MetricsServer() {
    MHD_stop_daemon(mhd_);
}

void MetricsServer::on_ready() {
    epoll_event events[2];
    int n = epoll_wait(epoll_.get(), events, 2, 0);
    for (int i = 0; i < n; i++) {
        if (events[i].data.u64 == kTimerTag) {
            uint64_t expirations;
            [[maybe_unused]] ssize_t r = read(timer_.get(), &expirations, sizeof expirations);
        }
    }
    MHD_run(mhd_);
    arm_timer();
}

// MHD's next deadline of its own (a connection's timeout, or work left to do now).
void MetricsServer::arm_timer() {
    MHD_UNSIGNED_LONG_LONG ms = 0;
    std::optional<std::chrono::steady_clock::time_point> when;
    if (MHD_get_timeout(mhd_, &ms) == MHD_YES)
        when = std::chrono::steady_clock::now() + std::chrono::milliseconds(ms);
    arm_timerfd_once(timer_.get(), when);
}

}  // namespace xvrrp::daemon
