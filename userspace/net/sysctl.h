// Sysctls of the calling thread's network namespace, through /proc/sys (whose net/ subtree
// follows the namespace of the thread that opens the file).
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace xvrrp::net {

// Lets services bind to a service IP before this server owns it (the classic VRRP recipe).
inline constexpr std::string_view kIpv4NonlocalBind = "net.ipv4.ip_nonlocal_bind";
inline constexpr std::string_view kIpv6NonlocalBind = "net.ipv6.ip_nonlocal_bind";

// "net.ipv4.ip_nonlocal_bind" -> "/proc/sys/net/ipv4/ip_nonlocal_bind"
std::string sysctl_path(std::string_view name);

// The value without the trailing newline. Throws Error ("read /proc/sys/...: No such file").
std::string read_sysctl(std::string_view name);
void write_sysctl(std::string_view name, std::string_view value);

struct SysctlState {
    std::string name;
    std::string wanted;
    std::string before;    // value found; empty if it could not be read
    bool ok = false;       // the value is (now) the wanted one
    bool changed = false;  // ensure_sysctl wrote it
    std::string text;      // "net.ipv4.ip_nonlocal_bind = 0, would set 1"
};

// Reads and compares; never writes, never throws (a failure is in .text).
SysctlState check_sysctl(std::string_view name, std::string_view wanted);

// Writes the wanted value if it differs. Throws Error if it cannot.
SysctlState ensure_sysctl(std::string_view name, std::string_view wanted);

// Both families of ip_nonlocal_bind = 1. IPv6's is skipped (reported, not an error) when the
// kernel has no IPv6.
std::vector<SysctlState> check_nonlocal_bind();
std::vector<SysctlState> ensure_nonlocal_bind();

}  // namespace xvrrp::net
