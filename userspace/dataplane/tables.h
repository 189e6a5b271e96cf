// Typed access to the XDP program's maps. The layouts are those of include/xvrrp/abi.h;
// abi.h also says which side writes which map.
#pragma once

#include <xvrrp/abi.h>

#include <cstdint>
#include <optional>
#include <string_view>
#include <utility>
#include <vector>

#include "dataplane/dataplane.h"

namespace xvrrp::dataplane {

// Controller-written maps: instance role/config, service IPs, advert source allow-list.
class ControlTables {
public:
    explicit ControlTables(const MapFds &fds) : fds_(fds) {}

    void set_instance(uint8_t vrid, const xvrrp_instance &inst);
    void remove_instance(uint8_t vrid);
    std::optional<xvrrp_instance> instance(uint8_t vrid) const;

    void set_vip(uint32_t addr_be, const xvrrp_vip &vip);
    void remove_vip(uint32_t addr_be);

    void allow_source(uint8_t vrid, uint32_t addr_be);
    void disallow_source(uint8_t vrid, uint32_t addr_be);

    // Empties the three maps: pins reused from an earlier run may hold what its configuration
    // had; returns how many entries were removed.
    size_t clear();

private:
    MapFds fds_;
};

// BPF-written maps, read-only here.
class StateReader {
public:
    explicit StateReader(const MapFds &fds) : fds_(fds) {}

    std::optional<xvrrp_rx_state> rx_state(uint8_t vrid) const;
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

// The liveness lease, written through a shared mapping of the BPF_F_MMAPABLE array: renewing
// it is a plain store, no syscall, so the advert thread can do it with every advert.
class LeaseTable {
public:
    explicit LeaseTable(int leases_fd);
    ~LeaseTable();
    LeaseTable(const LeaseTable &) = delete;
    LeaseTable &operator=(const LeaseTable &) = delete;

    // expires_ns on CLOCK_MONOTONIC (bpf_ktime_get_ns); 0 revokes at once.
    void renew(uint8_t vrid, uint64_t expires_ns);
    uint64_t expires(uint8_t vrid) const;

private:
    xvrrp_lease *slots_ = nullptr;
    size_t bytes_ = 0;
};

}  // namespace xvrrp::dataplane
