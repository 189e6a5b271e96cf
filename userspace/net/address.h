// Service addresses on an interface: add, remove (both idempotent), list.
#pragma once

#include <cstdint>
#include <memory>
#include <string>
#include <vector>

#include "vrrp/types.h"

namespace xvrrp::net {

// An address with the prefix length it is configured with: 192.0.2.100/32, 2001:db8::1/128.
struct AddressPrefix {
    vrrp::IpAddress address;
    uint8_t prefix_len = 32;

    std::string to_string() const;
    bool operator==(const AddressPrefix &) const = default;
};

struct InterfaceAddress {
    AddressPrefix prefix;
    uint32_t flags = 0;  // IFA_F_*

    bool tentative() const;   // IPv6 DAD still running: the address cannot be used yet
    bool dad_failed() const;  // IPv6 DAD found a duplicate
};

// Adds the address. IPv6 addresses get IFA_F_NODAD so they are usable at once: the service IP
// moves between servers by design, and DAD would delay it by a second or more (RFC 4862 5.4).
// Returns true if added, false if the interface already had it. Throws Error otherwise.
bool add_address(const std::string &ifname, const AddressPrefix &prefix);

// Returns true if removed, false if the interface (or the address) was not there.
bool remove_address(const std::string &ifname, const AddressPrefix &prefix);

// The same on one interface over one netlink socket opened up front: what a takeover does,
// without a socket set-up and a link look-up per address (about a millisecond saved).
// If the interface was recreated meanwhile, it looks it up again once.
class AddressEditor {
public:
    explicit AddressEditor(std::string ifname);
    AddressEditor(AddressEditor &&) noexcept;
    ~AddressEditor();

    bool add(const AddressPrefix &prefix);
    bool remove(const AddressPrefix &prefix);

private:
    std::string ifname_;
    int ifindex_ = 0;
    struct Socket;
    std::unique_ptr<Socket> sock_;
};

// All addresses of the interface, both families, in kernel order.
std::vector<InterfaceAddress> list_addresses(const std::string &ifname);

}  // namespace xvrrp::net
