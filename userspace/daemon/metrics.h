// The Prometheus endpoint ([daemon] metrics_listen; docs/metrics.md): HTTP GET /metrics,
// answered in the text format 0.0.4 (exposition.h) with every instance's election, adverts and
// timers and every XDP counter of every uplink.
//
// Served by libmicrohttpd on the event loop, without threads of its own: MHD's epoll fd and a
// timer for its connection timeouts sit in an epoll instance of ours, whose one fd the loop
// watches; on_ready() lets MHD do its non-blocking work. So the numbers are read on the loop's
// thread, where the instances live: no lock. Reading them reads BPF maps (a lookup per VRID
// and one per uplink), which the data plane does not notice. At most kMaxConnections clients
// at once, each for kConnectionTimeout at most.
#pragma once

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/fd.h"
#include "config/config.h"
#include "daemon/instance.h"

struct MHD_Daemon;

namespace xvrrp::daemon {

// One uplink's XDP counters, summed over CPUs, in declaration order (include/xvrrp/abi.h).
struct UplinkCounters {
    std::string interface;
    std::vector<std::pair<std::string_view, uint64_t>> counters;
};

// The whole answer to GET /metrics.
std::string render_metrics(const std::vector<InstanceStatus> &instances,
                           const std::vector<UplinkCounters> &uplinks);

class MetricsServer {
  public:
    static constexpr unsigned kMaxConnections = 16;
    static constexpr unsigned kConnectionTimeoutSeconds = 10;
    using Render = std::function<std::string()>;

    // Listens on `listen` at once; throws xvrrp::Error when it cannot (address in use, not an
    // address of this host, a port below 1024 without CAP_NET_BIND_SERVICE).
    MetricsServer(const config::ListenAddress &listen, Render render);
    ~MetricsServer();
    MetricsServer(const MetricsServer &) = delete;
    MetricsServer &operator=(const MetricsServer &) = delete;

    // Readable when there is work; the loop then calls on_ready().
    int fd() const { return epoll_.get(); }
    void on_ready();

  private:
    void arm_timer();

    Render render_;
    UniqueFd epoll_, timer_;
    MHD_Daemon *mhd_ = nullptr;
};

}  // namespace xvrrp::daemon
