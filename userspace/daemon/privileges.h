// What the running daemon keeps of its privileges once set-up is done. Loading the XDP
// program, creating and pinning maps, mounting bpffs, opening raw sockets and starting
// real-time threads are over by then; what the loop still does (service IPs, reading and
// writing maps it holds, sending on sockets it holds, the clean exit) needs much less. The
// table of what is kept, and why, is privileges.cpp's kKept (docs/operations.md lists it).
#pragma once

#include <string>

namespace xvrrp::daemon {

struct PrivilegeNeeds {
    bool hooks_switch_user = false;  // a notify.user is configured
    bool xdp_dispatcher = false;     // an uplink's program sits in libxdp's dispatcher
};

// Drops every other capability from the effective, permitted, inheritable and ambient sets and
// from the bounding set (so that nothing the daemon runs can regain one), in every thread of
// the process (capabilities are per thread). Call at the end of set-up, from the main thread,
// while no thread is being created. Returns what it did, for the log. Throws xvrrp::Error.
std::string drop_privileges(const PrivilegeNeeds &needs);

}  // namespace xvrrp::daemon
