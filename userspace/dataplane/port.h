// The XDP program and its maps on one uplink port, as the daemon holds them: the program
// attached, the maps pinned under the pin directory, the lease mapping, the event ring and
// the command channel. VRIDs are bound to it (vrid_binding.h); the ring's events go to the
// binding of their VRID.
#pragma once

#include <cstdint>
#include <map>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "dataplane/attach.h"
#include "dataplane/control.h"
#include "dataplane/dataplane.h"
#include "dataplane/events.h"
#include "dataplane/tables.h"

namespace xvrrp::dataplane {

class VridBinding;

class Port {
  public:
    // Loads the program (maps pinned in pin_dir, reused when an earlier run of the same schema
    // left them) and attaches it to ifname; clears what an earlier run left in the maps.
    Port(const std::string &ifname, const std::string &pin_dir);
    ~Port();
    Port(const Port &) = delete;
    Port &operator=(const Port &) = delete;

    // What start-up did, for the log (one line each; empty when there is nothing to say).
    const std::string &pin_report() const { return dp_.pin_report(); }
    size_t stale_entries_cleared() const { return stale_; }
    std::string xdp_mode() const { return attachment_->describe(); }
    const XdpAttachment &attachment() const { return *attachment_; }

    // The loop waits on this (readable while events wait) and then calls poll_events().
    int events_epoll_fd() const { return events_.epoll_fd(); }
    // The ring buffer itself: the advert threads wait on it (edge-triggered) to see a
    // takeover the moment the kernel makes it, without reading the ring.
    int ring_fd() const { return maps_.events; }
    // Hands at most `max` waiting events to their VRIDs' bindings; returns how many.
    int poll_events(int max = EventRing::kMaxPerPoll);

    // Every XDP counter by name, summed over CPUs, in declaration order.
    std::vector<std::pair<std::string_view, uint64_t>> counters() const;

    // Clean exit: detaches the programs and removes the pins. Without it they stay (a crash:
    // the next run replaces the programs and reuses the maps).
    void release();
    // The tc ingress program (bpf/vmac.h), which hands frames to a virtual MAC of ours to the
    // stack: attached when the first VRID with the virtual MAC binds (replacing one a killed
    // daemon left), detached by release(). The clsact qdisc it needs is created if missing,
    // and removed again by release() when it was created here. Throws xvrrp::Error.
    void attach_vmac_delivery();

  private:
    friend class VridBinding;
    void on_event(const xvrrp_event &ev);
    // A binding's VIPs that refuse traffic (accept mode off) come or go: meta keeps the sum.
    void add_no_accept_vips(int delta);
    // A binding of this VLAN comes (+1) or goes (-1): meta.vlans marks VLANs with one.
    void add_vlan_binding(uint16_t vlan, int delta);
    void detach_vmac_delivery();

    Dataplane dp_;
    std::unique_ptr<XdpAttachment> attachment_;
    MapFds maps_;
    ControlTables tables_;
    StateReader state_;
    LeaseTable leases_;
    ControlProgram control_;
    EventRing events_;
    size_t stale_ = 0;
    std::map<uint8_t, VridBinding *> bindings_;
    uint32_t no_accept_vips_ = 0;
    std::map<uint16_t, int> vlan_bindings_;  // 802.1Q VLAN -> bindings in it (not 0: untagged)
    bool tc_attached_ = false, tc_qdisc_created_ = false;
};

}  // namespace xvrrp::dataplane
