// The interface that holds the service IPs while this server is master (`dummy0` by default).
//
// Start-up makes sure it exists and is up:
//   1. it already exists: use it as is (any kind) and never delete it;
//   2. else create it as kind `dummy` (what production kernels have);
//   3. else (kernel without the dummy link type, e.g. CONFIG_DUMMY=n and no modules) create a
//      link that behaves like a sink instead: kind `ifb` (no ARP, drops whatever is sent to it,
//      carrier on, like dummy), then kind `bridge` with no ports.
// Local services can bind to and reach addresses on any of these, because local delivery goes
// through the local routing table, not the device. The kernel would still answer ARP for those
// addresses on other interfaces (arp_ignore=0); stopping that is the XDP program's job.
#pragma once

#include <string>

namespace xvrrp::net {

enum class VipInterfaceOrigin {
    Existing,         // found it, use it as is
    CreatedDummy,     // created, kind dummy
    CreatedFallback,  // created, kernel has no dummy: kind ifb or bridge
};

const char *to_string(VipInterfaceOrigin origin);

// What start-up would do, from `VipInterface::check` (changes nothing).
struct VipInterfacePlan {
    VipInterfaceOrigin origin = VipInterfaceOrigin::Existing;
    std::string kind;           // existing kind, or the kind it would create
    bool would_set_up = false;  // it exists but is down
    std::string text;           // "dummy0: exists (kind dummy), would use it"
};

class VipInterface {
  public:
    // Makes sure `name` exists and is up; throws Error with what to do when it cannot.
    static VipInterface ensure(const std::string &name);

    // Reports what ensure() would do without changing the host. A missing dummy link type is
    // guessed from /sys/module/dummy and /lib/modules, since only creating a link can tell.
    static VipInterfacePlan check(const std::string &name);

    const std::string &name() const { return name_; }
    int ifindex() const { return ifindex_; }
    const std::string &kind() const { return kind_; }
    VipInterfaceOrigin origin() const { return origin_; }
    bool created() const { return origin_ != VipInterfaceOrigin::Existing; }
    // For the daemon's log: "dummy0: kernel has no dummy link type; created kind ifb ...".
    const std::string &description() const { return description_; }

    // Deletes the interface if ensure() created it (and it is still the same ifindex); leaves
    // an interface it found alone. Returns true if it deleted something. Safe to call twice.
    bool remove_if_created();

  private:
    VipInterface() = default;

    std::string name_;
    int ifindex_ = 0;
    std::string kind_;
    VipInterfaceOrigin origin_ = VipInterfaceOrigin::Existing;
    std::string description_;
    bool removed_ = false;
};

}  // namespace xvrrp::net
