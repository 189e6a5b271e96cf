#include "dataplane/port.h"

#include <xvrrp/abi.h>

#include "dataplane/vrid_binding.h"

namespace xvrrp::dataplane {

Port::Port(const std::string &ifname, const std::string &pin_dir)
    : dp_(pin_dir),
      attachment_(std::make_unique<XdpAttachment>(dp_, ifname)),
      maps_(dp_.maps()),
      tables_(maps_),
      state_(maps_),
      leases_(maps_.leases),
      control_(dp_.control_prog_fd()),
      events_(maps_.events, [this](const xvrrp_event &ev) { on_event(ev); }) {
    stale_ = tables_.clear();
    tables_.set_no_accept_vips(0);
    for (unsigned vrid = 0; vrid < XVRRP_LEASE_SLOTS; vrid++) leases_.reset(uint8_t(vrid));
}

Port::~Port() = default;

void Port::add_no_accept_vips(int delta) {
    no_accept_vips_ = uint32_t(int(no_accept_vips_) + delta);
    tables_.set_no_accept_vips(no_accept_vips_);
}

int Port::poll_events(int max) {
    return events_.poll(0, max);
}

void Port::on_event(const xvrrp_event &ev) {
    auto it = bindings_.find(uint8_t(ev.vrid));
    if (ev.vrid <= 255 && it != bindings_.end()) it->second->on_event(&ev);
}

std::vector<std::pair<std::string_view, uint64_t>> Port::counters() const {
    xvrrp_counters c = state_.counters();
    std::vector<std::pair<std::string_view, uint64_t>> out;
    for (const auto &info : counter_infos()) out.emplace_back(info.name, c.*info.field);
    return out;
}

void Port::release() {
    attachment_.reset();
    dp_.unpin();
}

}  // namespace xvrrp::dataplane
