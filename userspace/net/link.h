// Link facts by name: ifindex, MAC, kind, administrative and operational state. Also the two
// link changes the daemon makes itself: set up, delete.
#pragma once

#include <optional>
#include <string>

#include "vrrp/types.h"

namespace xvrrp::net {

struct LinkInfo {
    int ifindex = 0;
    std::string name;
    std::string kind;  // IFLA_INFO_KIND ("dummy", "bridge", "veth"); empty for physical NICs
    vrrp::MacAddress mac{};
    bool has_mac = false;  // false for links without an Ethernet address (lo has all zeros)
    bool up = false;       // IFF_UP: administratively up
    bool running = false;  // IFF_RUNNING: operationally up (carrier)

    bool up_and_running() const { return up && running; }
};

// nullopt when no link has this name in the calling thread's network namespace.
std::optional<LinkInfo> find_link(const std::string &name);

// Like find_link, but a missing link is an Error ("eth0: no such interface ...").
LinkInfo link_info(const std::string &name);

// Sets IFF_UP (no-op when already up).
void set_link_up(const std::string &name);

// Deletes the link; true if it was deleted, false if it did not exist.
bool delete_link(const std::string &name);

std::string mac_to_string(const vrrp::MacAddress &mac);

}  // namespace xvrrp::net
