#include "daemon/uplink.h"

#include <sched.h>

#include <filesystem>

#include "daemon/log.h"
#include "net/address.h"
#include "tx/af_packet_sender.h"

namespace xvrrp::daemon {
namespace {

// The advert source of each family the interface has one of: its first (primary) IPv4
// address, its IPv6 link-local address.
std::map<vrrp::Family, vrrp::IpAddress> advert_sources(const std::string &ifname) {
    std::map<vrrp::Family, vrrp::IpAddress> out;
    for (const auto &a : net::list_addresses(ifname)) {
        const vrrp::IpAddress &ip = a.prefix.address;
        if (ip.family == vrrp::Family::IPv4 || (ip.is_ipv6_link_local() && !a.dad_failed()))
            out.emplace(ip.family, ip);
    }
    return out;
}

std::string missing_source(const std::string &ifname, vrrp::Family family) {
    return family == vrrp::Family::IPv4
               ? ifname + ": has no IPv4 address; VRRP adverts need one as their source"
               : ifname +
                     ": has no IPv6 link-local address; VRRPv3 over IPv6 sends its adverts "
                     "from it (RFC 5798 5.1.2.1): is IPv6 disabled on it?";
}

std::map<vrrp::Family, vrrp::IpAddress> checked_sources(const std::string &ifname,
                                                        const std::vector<vrrp::Family> &need) {
    auto sources = advert_sources(ifname);
    for (auto f : need)
        if (!sources.count(f)) throw Error(missing_source(ifname, f));
    return sources;
}

}  // namespace

Uplink::Uplink(const net::LinkInfo &link, const std::string &pin_dir,
               const std::vector<vrrp::Family> &families)
    : link_(link),
      sources_(checked_sources(link.name, families)),
      pin_dir_(pin_dir + "/" + link.name),
      port_(link.name, pin_dir_),
      oneoff_(std::make_unique<tx::AfPacketSender>(link.name)) {
    info(link.name, port_.pin_report());
    if (size_t stale = port_.stale_entries_cleared())
        info(link.name, "cleared " + std::to_string(stale) + " entries an earlier run left");
    const auto &att = port_.attachment();
    if (att.replaced_leftover())
        warn(link.name,
             "replaced the XDP program an earlier xvrrpd left attached (no gap: the "
             "kernel never answered ARP for a service IP meanwhile)");
    if (att.mode() == dataplane::XdpMode::Skb)
        warn(link.name, "native XDP refused (" + att.fallback_reason() +
                            "); attached in SKB (generic) mode: slower, still correct");
    info(link.name, "XDP attached: " + att.describe() + "; maps pinned in " + pin_dir_);
}

Uplink::~Uplink() = default;

const vrrp::IpAddress &Uplink::source_address(vrrp::Family family) {
    if (!sources_.count(family)) {
        auto found = advert_sources(link_.name);
        if (!found.count(family)) throw Error(missing_source(link_.name, family));
        sources_.emplace(family, found.at(family));
    }
    return sources_.at(family);
}

// The CPUs of "auto": the first two this process may run on.
static std::vector<int> auto_cpus() {
    cpu_set_t set;
    CPU_ZERO(&set);
    std::vector<int> cpus;
    if (sched_getaffinity(0, sizeof set, &set) == 0)
        for (int c = 0; c < CPU_SETSIZE && cpus.size() < 2; c++)
            if (CPU_ISSET(c, &set)) cpus.push_back(c);
    if (cpus.empty()) cpus.push_back(-1);  // any
    return cpus;
}

std::vector<std::shared_ptr<tx::AdvertThread>> Uplink::advert_threads(
    int rt_priority, const std::vector<int> &cpus) {
    std::vector<std::shared_ptr<tx::AdvertThread>> out;
    for (int cpu : cpus.empty() ? auto_cpus() : cpus)
        out.push_back(advert_thread(rt_priority, cpu));
    return out;
}

std::shared_ptr<tx::AdvertThread> Uplink::advert_thread(int rt_priority, int cpu) {
    AdvertPath &path = advert_paths_[{rt_priority, cpu}];
    if (path.thread) return path.thread;
    auto choice = tx::make_sender(link_.name, true);
    std::string how = "adverts via " + choice.sender->describe() + ", a thread";
    if (rt_priority > 0) how += " SCHED_FIFO " + std::to_string(rt_priority);
    if (cpu >= 0) how += " on CPU " + std::to_string(cpu);
    if (!choice.fallback_reason.empty()) how += " (AF_XDP: " + choice.fallback_reason + ")";
    auto thread =
        std::make_shared<tx::AdvertThread>(*choice.sender, rt_priority, cpu, port_.ring_fd());
    path.sender = std::move(choice.sender);
    path.thread = std::move(thread);
    info(link_.name, how);
    return path.thread;
}

void Uplink::release() {
    port_.release();
    std::error_code ec;
    std::filesystem::remove(pin_dir_, ec);
}

}  // namespace xvrrp::daemon
