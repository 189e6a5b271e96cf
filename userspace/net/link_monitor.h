// Link state changes (RTNLGRP_LINK) for the daemon's epoll loop: tracked interfaces going
// down or up, the VIP interface disappearing.
#pragma once

#include <string>
#include <vector>

#include "net/netlink.h"

namespace xvrrp::net {

struct LinkChange {
    int ifindex = 0;
    std::string name;
    bool up = false;       // IFF_UP
    bool running = false;  // IFF_RUNNING
    bool removed = false;  // RTM_DELLINK: the interface is gone

    bool up_and_running() const { return !removed && up && running; }
};

struct LinkChanges {
    std::vector<LinkChange> changes;  // in the order the kernel sent them
    // The socket buffer overflowed and notifications were lost: re-read the state of every
    // interface you care about (link_info) instead of trusting `changes` alone.
    bool overrun = false;
};

class LinkMonitor {
  public:
    // Subscribes in the calling thread's network namespace. Non-blocking.
    LinkMonitor();

    // For epoll: readable when notifications are waiting.
    int fd() const;

    // Reads every waiting notification without blocking.
    LinkChanges drain();

  private:
    NlSocket sock_;
};

}  // namespace xvrrp::net
