// One uplink interface (eth0) as the daemon holds it: its data plane (the XDP program attached,
// its maps pinned under pin_dir/<ifname>/; VRIDs bind to it), the advert threads, and a sender
// for one-off frames (gratuitous ARP, the priority-0 advert) from the main thread.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <utility>
#include <vector>

#include "dataplane/port.h"
#include "net/link.h"
#include "tx/advertiser.h"
#include "tx/sender.h"
#include "vrrp/types.h"

namespace xvrrp::daemon {

class Uplink {
  public:
    // families: those of the instances that start on it; each needs an advert source address
    // (source_address()), checked before anything is attached (xvrrp::Error when missing).
    Uplink(const net::LinkInfo &link, const std::string &pin_dir,
           const std::vector<vrrp::Family> &families = {vrrp::Family::IPv4});
    ~Uplink();

    const std::string &name() const { return link_.name; }
    int ifindex() const { return link_.ifindex; }
    const vrrp::MacAddress &mac() const { return link_.mac; }
    // The source of our adverts and our side of the RFC 5798 6.4.3 tie-break: the interface's
    // primary IPv4 address, or its IPv6 link-local address (RFC 5798 5.1.2.1). Looked up again
    // when the interface had none at the last look; xvrrp::Error when it still has none.
    const vrrp::IpAddress &source_address(vrrp::Family family);
    std::string xdp_mode() const { return port_.xdp_mode(); }

    dataplane::Port &port() { return port_; }
    tx::FrameSender &oneoff_sender() { return *oneoff_; }
    // The threads that send the periodic adverts of this uplink's instances: one per CPU of
    // `cpus` (empty: the first two CPUs the daemon may run on), shared by every instance with
    // the same priority and CPU, each with a sender of its own (AF_XDP for the first, AF_PACKET
    // when queue 0 is taken), each waking on the event ring for takeovers. Created on first
    // use; throws xvrrp::Error when the priority or a CPU cannot be had.
    std::vector<std::shared_ptr<tx::AdvertThread>> advert_threads(int rt_priority,
                                                                  const std::vector<int> &cpus);
    // Detaches XDP and removes the pins (clean exit). Without it, pins stay for the next run.
    void release();

  private:
    net::LinkInfo link_;
    std::map<vrrp::Family, vrrp::IpAddress> sources_;
    std::string pin_dir_;
    dataplane::Port port_;
    std::unique_ptr<tx::FrameSender> oneoff_;
    struct AdvertPath {
        std::unique_ptr<tx::FrameSender> sender;
        std::shared_ptr<tx::AdvertThread> thread;  // declared last: stops before its sender goes
    };
    std::shared_ptr<tx::AdvertThread> advert_thread(int rt_priority, int cpu);
    std::map<std::pair<int, int>, AdvertPath> advert_paths_;  // by (rt_priority, cpu)
};

}  // namespace xvrrp::daemon
