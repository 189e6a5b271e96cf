// The ring buffer of events from the XDP program (and its master-down timer).
#pragma once

#include <xvrrp/abi.h>

#include <functional>

#include "dataplane/dataplane.h"

struct ring_buffer;

namespace xvrrp::dataplane {

class EventRing {
  public:
    using Handler = std::function<void(const xvrrp_event &)>;
    EventRing(int events_fd, Handler handler);
    ~EventRing();
    EventRing(const EventRing &) = delete;
    EventRing &operator=(const EventRing &) = delete;

    // At most this many events per poll(): a storm of events (255 VRIDs flapping) must not
    // keep the daemon's loop from its signals, timers and control socket. libbpf alone would
    // go on handling events for as long as new ones arrive.
    static constexpr int kMaxPerPoll = 64;

    // An fd for epoll: readable while events are waiting.
    int epoll_fd() const;
    // Waits up to timeout_ms (0: no wait) and hands waiting events to the handler, at most
    // max_events of them; the rest stay in the ring (its fd stays readable). Returns how many
    // were handled.
    int poll(int timeout_ms, int max_events = kMaxPerPoll);

  private:
    static int on_sample(void *ctx, void *data, size_t size);
    ring_buffer *rb_ = nullptr;
    Handler handler_;
    int handled_ = 0, limit_ = 0;  // of the poll() under way
};

const char *event_type_name(uint32_t type);

}  // namespace xvrrp::dataplane
