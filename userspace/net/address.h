// Service addresses on an interface: add, remove (both idempotent), list.
#pragma once

#include <cstdint>
#include <memory>
#include <span>
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

// What add_all / remove_all did with one address.
struct AddressChange {
    bool changed = false;  // added (removed); false: it was there (absent) already, or failed
    std::string error;     // empty unless it failed: "add 192.0.2.100/32 to dummy0: ..."
};

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

    // Every address at once: the requests go to the kernel in one message train (one system
    // call for up to kBatch of them) and their acknowledgements are read after. An instance's
    // service IPs cost one round trip instead of one each: 4096 addresses took 206 ms instead
    // of 332 ms here. One result per address, in order; an address that fails does not stop
    // the others.
    std::vector<AddressChange> add_all(std::span<const AddressPrefix> prefixes);
    std::vector<AddressChange> remove_all(std::span<const AddressPrefix> prefixes);

    static constexpr size_t kBatch = 64;  // requests per message train: their answers fit the
                                          // socket's receive buffer many times over

    // The RTM_NEWADDR requests add_all() would send, as bytes, for another thread to send on
    // a socket of its own in one call (the takeover's first frames, tx/advertiser.h): the
    // same addresses and flags, no acknowledgement asked (errors still come back).
    std::vector<uint8_t> add_request(std::span<const AddressPrefix> prefixes) const;

  private:
    // Sends the requests (RTM_NEWADDR or RTM_DELADDR) for prefixes, returns the kernel's
    // answer to each: 0 or a positive errno.
    std::vector<int> exchange(bool add, std::span<const AddressPrefix> prefixes);

    std::string ifname_;
    int ifindex_ = 0;
    struct Socket;
    std::unique_ptr<Socket> sock_;
};

// All addresses of the interface, both families, in kernel order.
std::vector<InterfaceAddress> list_addresses(const std::string &ifname);

}  // namespace xvrrp::net
