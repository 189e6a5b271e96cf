// The PM QoS CPU latency request (/dev/cpu_dma_latency, as cyclictest holds it): while the
// file is open with a value written, the kernel keeps idle CPUs out of idle states whose exit
// latency is longer than that value. With 0, idle CPUs poll instead of halting. On a VM whose
// cpuidle driver is haltpoll, a halted vCPU is woken late (the hypervisor must schedule it
// again): a sub-millisecond advert or timer then goes out milliseconds late. The price: idle
// CPUs spin instead of sleeping (the host sees them busy). Without a cpuidle driver the kernel
// idles with its default (HLT) whatever is asked: the request changes nothing, and the log
// says so.
#pragma once

#include <optional>
#include <string>

#include "common/fd.h"
#include "vrrp/types.h"

namespace xvrrp::daemon {

// The cpuidle driver and its states with their exit latencies: "haltpoll: POLL 0 us,
// haltpoll 1 us"; "none" when the kernel has no cpuidle driver (the request has no effect).
std::string describe_cpuidle();
bool cpuidle_driver_present();

class CpuLatencyRequest {
  public:
    // Opens /dev/cpu_dma_latency and writes the value (microseconds); the request holds until
    // destruction. Throws xvrrp::Error when the file cannot be opened or written.
    explicit CpuLatencyRequest(vrrp::Duration latency);
    // One line for the log: what is held and what it does on this host.
    std::string describe() const;

  private:
    UniqueFd fd_;
    vrrp::Duration latency_;
};

}  // namespace xvrrp::daemon
