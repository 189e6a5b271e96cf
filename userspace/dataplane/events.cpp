#include "dataplane/events.h"

#include <bpf/libbpf.h>

#include <algorithm>
#include <cerrno>
#include <cstring>

#include "common/fd.h"

namespace xvrrp::dataplane {

EventRing::EventRing(int events_fd, Handler handler) : handler_(std::move(handler)) {
    rb_ = ring_buffer__new(events_fd, &EventRing::on_sample, this, nullptr);
    if (!rb_) throw sys_error("open the events ring buffer");
}

EventRing::~EventRing() {
    ring_buffer__free(rb_);
}

int EventRing::epoll_fd() const {
    return ring_buffer__epoll_fd(rb_);
}

namespace {
// What on_sample returns to make libbpf stop: it has consumed that sample already.
constexpr int kEnough = -ECANCELED;
}  // namespace

int EventRing::poll(int timeout_ms, int max_events) {
    handled_ = 0;
    limit_ = max_events;
    int n = ring_buffer__poll(rb_, timeout_ms);
    if (n < 0 && n != -EINTR && n != kEnough) throw sys_error("poll the events ring buffer", -n);
    return handled_;
}

int EventRing::on_sample(void *ctx, void *data, size_t size) {
    auto *self = static_cast<EventRing *>(ctx);
    xvrrp_event ev{};
    std::memcpy(&ev, data, std::min(size, sizeof ev));
    self->handler_(ev);
    return ++self->handled_ >= self->limit_ ? kEnough : 0;
}

const char *event_type_name(uint32_t type) {
    switch (type) {
        case XVRRP_EV_NEW_MASTER:
            return "new_master";
        case XVRRP_EV_PRIORITY_CHANGE:
            return "priority_change";
        case XVRRP_EV_PRIORITY_ZERO:
            return "priority_zero";
        case XVRRP_EV_INTERVAL_CHANGE:
            return "interval_change";
        case XVRRP_EV_ADVERT_WHILE_MASTER:
            return "advert_while_master";
        case XVRRP_EV_MASTER_DOWN:
            return "master_down";
        case XVRRP_EV_TAKEOVER:
            return "takeover";
        case XVRRP_EV_LOWER_PRIORITY:
            return "lower_priority";
        case XVRRP_EV_ADVERT_WHILE_RELEASING:
            return "advert_while_releasing";
    }
    return "unknown";
}

}  // namespace xvrrp::dataplane
