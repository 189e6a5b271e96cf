// Typed access to the XDP program's maps. The layouts are those of include/xvrrp/abi.h;
// abi.h also says which side writes which map.
#pragma once

#include <xvrrp/abi.h>

#include <array>
#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "dataplane/dataplane.h"
#include "vrrp/types.h"

namespace xvrrp::dataplane {

// An address of either family as the maps hold it (abi.h: allowed_srcs keys, a unicast
// instance's own address, rx_state.master_addr, event sources): 16 bytes, IPv4 as its
// IPv4-mapped IPv6 address ::ffff:a.b.c.d (RFC 4291 2.5.5.2).
std::array<uint8_t, 16> abi_address(const vrrp::IpAddress &a);
// ... and back, in the family of the instance that stored it (a VRID runs one family).
vrrp::IpAddress from_abi_address(const uint8_t (&a)[16], vrrp::Family family);

// Controller-written maps: instance configuration, service IPs, advert source allow-list.
// (The role in an instances entry changes through ControlProgram, control.h.)
class ControlTables {
  public:
    explicit ControlTables(const MapFds &fds) : fds_(fds) {}

    void set_instance(uint8_t vrid, const xvrrp_instance &inst);
    // Removes the entry and the VRID's rx_state (and with it its timer).
    void remove_instance(uint8_t vrid);
    std::optional<xvrrp_instance> instance(uint8_t vrid) const;

    void set_vip(uint32_t addr_be, const xvrrp_vip &vip);
    void remove_vip(uint32_t addr_be);
    // IPv6 service IPs (vips6), whose Neighbor Solicitations bpf/nd.h answers. Throws
    // xvrrp::Error for an IPv4 address.
    void set_vip6(const vrrp::IpAddress &addr, const xvrrp_vip &vip);
    void remove_vip6(const vrrp::IpAddress &addr);

    // How many VIPs (IPv4 and IPv6) carry XVRRP_VIP_NO_ACCEPT (accept.h): while 0 the program
    // skips their lookup for other IPv4 and IPv6 packets.
    void set_no_accept_vips(uint32_t count);
    // Whether an instance belongs to this 802.1Q VLAN (1..4094): tagged ARP and VRRP of a VLAN
    // without one pass unparsed (bpf/vlan.h). Untagged frames are always looked at.
    void set_vlan_in_use(uint16_t vlan, bool in_use);
    // meta as a new port starts: this schema, no VIP refusing traffic, no VLAN in use.
    void reset_meta();

    // An advert source of the VRID's allow-list (XVRRP_INST_ALLOWLIST), of its family.
    void allow_source(uint8_t vrid, const vrrp::IpAddress &addr);
    void disallow_source(uint8_t vrid, const vrrp::IpAddress &addr);

    // Empties the four maps (vips6 too) and rx_state: pins reused from an earlier run may hold what
    // its configuration had (and timers still running); returns how many entries were removed.
    size_t clear();

  private:
    MapFds fds_;
};

// BPF-written maps, read-only here.
class StateReader {
  public:
    explicit StateReader(const MapFds &fds) : fds_(fds) {}

    std::optional<xvrrp_rx_state> rx_state(uint8_t vrid) const;
    // The heartbeat entry of each possible CPU (index = CPU), cpu_watch.h.
    std::vector<xvrrp_cpu_watch> cpu_watch() const;
    // Per-CPU counters summed over all possible CPUs.
    xvrrp_counters counters() const;

  private:
    MapFds fds_;
};

// Counter names and help texts, in declaration order, from the XVRRP_COUNTERS X-macro.
struct CounterInfo {
    std::string_view name;
    std::string_view help;
    __u64 xvrrp_counters::*field;
};
const std::vector<CounterInfo> &counter_infos();

// One VRID's slot of the leases map, as the advert threads use it: renewing the lease is a
// plain store into the shared mapping (no syscall), and the kernel's takeover stamp a load.
class LeaseSlot {
  public:
    LeaseSlot() = default;
    explicit LeaseSlot(xvrrp_lease *slot) : slot_(slot) {}

    // expires_ns on CLOCK_MONOTONIC (bpf_ktime_get_ns); 0 revokes (the kernel's timer stops
    // ARP answering when it next looks; set the role to stop it at once).
    void renew_until(uint64_t expires_ns) const;
    uint64_t expires() const;
    // When the kernel last took over for this VRID on its own (0: never).
    uint64_t took_over_ns() const;
    // The kernel's ARP verdict: answered right now.
    bool answering() const;

  private:
    xvrrp_lease *slot_ = nullptr;
};

// The liveness lease and the ARP verdict of every VRID, through a shared mapping of the
// BPF_F_MMAPABLE array.
class LeaseTable {
  public:
    explicit LeaseTable(int leases_fd);
    ~LeaseTable();
    LeaseTable(const LeaseTable &) = delete;
    LeaseTable &operator=(const LeaseTable &) = delete;

    LeaseSlot slot(uint8_t vrid) const { return LeaseSlot(&slots_[vrid]); }
    // Zeroes the slot: no lease, no verdict, no takeover stamp (a VRID that comes or goes).
    void reset(uint8_t vrid);
    // Shorthands for the slot's own calls.
    void renew(uint8_t vrid, uint64_t expires_ns) { slot(vrid).renew_until(expires_ns); }
    uint64_t expires(uint8_t vrid) const { return slot(vrid).expires(); }

  private:
    xvrrp_lease *slots_ = nullptr;
    size_t bytes_ = 0;
};

}  // namespace xvrrp::dataplane
