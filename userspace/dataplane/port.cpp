#include "dataplane/port.h"

#include <bpf/libbpf.h>
#include <xvrrp/abi.h>

#include <cerrno>

#include "common/fd.h"

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
    tables_.reset_meta();
    for (unsigned vrid = 0; vrid < XVRRP_LEASE_SLOTS; vrid++) leases_.reset(uint8_t(vrid));
}

Port::~Port() = default;

void Port::add_no_accept_vips(int delta) {
    no_accept_vips_ = uint32_t(int(no_accept_vips_) + delta);
    tables_.set_no_accept_vips(no_accept_vips_);
}

void Port::add_vlan_binding(uint16_t vlan, int delta) {
    if (vlan == 0) return;  // untagged frames are always looked at
    int &n = vlan_bindings_[vlan];
    n += delta;
    tables_.set_vlan_in_use(vlan, n > 0);
    if (n <= 0) vlan_bindings_.erase(vlan);
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

// One filter of ours on the ingress hook, at a fixed handle and priority, so that a restart
// replaces what a killed daemon left instead of adding another.
constexpr uint32_t kTcHandle = 0x7872, kTcPriority = 0x7872;  // "xr"

void Port::attach_vmac_delivery() {
    if (tc_attached_) return;
    LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = attachment_->ifindex(),
                .attach_point = BPF_TC_INGRESS);
    int err = bpf_tc_hook_create(&hook);
    if (err && err != -EEXIST)
        throw sys_error("tc ingress hook (clsact) for the virtual MAC", -err);
    tc_qdisc_created_ = err == 0;
    LIBBPF_OPTS(bpf_tc_opts, opts, .prog_fd = dp_.tc_prog_fd(), .flags = BPF_TC_F_REPLACE,
                .handle = kTcHandle, .priority = kTcPriority);
    if ((err = bpf_tc_attach(&hook, &opts)))
        throw sys_error("attach the tc program for the virtual MAC", -err);
    tc_attached_ = true;
}

void Port::detach_vmac_delivery() {
    if (!tc_attached_) return;
    LIBBPF_OPTS(bpf_tc_hook, hook, .ifindex = attachment_->ifindex(),
                .attach_point = BPF_TC_INGRESS);
    LIBBPF_OPTS(bpf_tc_opts, opts, .handle = kTcHandle, .priority = kTcPriority);
    bpf_tc_detach(&hook, &opts);
    if (tc_qdisc_created_) {
        // The whole clsact qdisc.
        hook.attach_point = static_cast<bpf_tc_attach_point>(BPF_TC_INGRESS | BPF_TC_EGRESS);
        bpf_tc_hook_destroy(&hook);
    }
    tc_attached_ = false;
}

void Port::release() {
    detach_vmac_delivery();
    attachment_.reset();
    dp_.unpin();
}

}  // namespace xvrrp::dataplane
