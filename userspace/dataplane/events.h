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

    // An fd for epoll: readable when events are waiting.
    int epoll_fd() const;
    // Waits up to timeout_ms (0: no wait) and hands every waiting event to the handler.
    // Returns how many were handled.
    int poll(int timeout_ms);

private:
    static int on_sample(void *ctx, void *data, size_t size);
    ring_buffer *rb_ = nullptr;
    Handler handler_;
};

const char *event_type_name(uint32_t type);

}  // namespace xvrrp::dataplane
