#include "net/sysctl.h"

#include <fcntl.h>
#include <unistd.h>

#include <filesystem>

#include "common/fd.h"

namespace xvrrp::net {

namespace {

bool ipv6_present() {
    return std::filesystem::exists("/proc/sys/net/ipv6");
}

std::vector<SysctlState> for_nonlocal_bind(SysctlState (*fn)(std::string_view, std::string_view)) {
    std::vector<SysctlState> out;
    out.push_back(fn(kIpv4NonlocalBind, "1"));
    if (ipv6_present()) {
        out.push_back(fn(kIpv6NonlocalBind, "1"));
    } else {
        SysctlState s;
        s.name = kIpv6NonlocalBind;
        s.wanted = "1";
        s.ok = true;
        s.text = s.name + ": kernel has no IPv6, skipped";
        out.push_back(s);
    }
    return out;
}

}  // namespace

std::string sysctl_path(std::string_view name) {
    std::string path = "/proc/sys/";
    for (char c : name) path += c == '.' ? '/' : c;
    return path;
}

std::string read_sysctl(std::string_view name) {
    std::string path = sysctl_path(name);
    UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (!fd) throw sys_error("read " + path);
    std::string value;
    char buf[256];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n < 0) throw sys_error("read " + path);
        if (n == 0) break;
        value.append(buf, static_cast<size_t>(n));
    }
    while (!value.empty() && (value.back() == '\n' || value.back() == ' ')) value.pop_back();
    return value;
}

void write_sysctl(std::string_view name, std::string_view value) {
    std::string path = sysctl_path(name);
    UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CLOEXEC));
    if (!fd) throw sys_error("write " + path + " (need root in this network namespace)");
    std::string text(value);
    text += '\n';
    ssize_t n = ::write(fd.get(), text.data(), text.size());
    if (n < 0) throw sys_error("write " + std::string(value) + " to " + path);
    if (static_cast<size_t>(n) != text.size())
        throw Error("write " + std::string(value) + " to " + path + ": short write");
}

SysctlState check_sysctl(std::string_view name, std::string_view wanted) {
    SysctlState s;
    s.name = name;
    s.wanted = wanted;
    try {
        s.before = read_sysctl(name);
    } catch (const Error &e) {
        s.text = std::string(e.what());
        return s;
    }
    s.ok = s.before == wanted;
    s.text = s.name + " = " + s.before + (s.ok ? ", ok" : ", would set " + s.wanted);
    return s;
}

SysctlState ensure_sysctl(std::string_view name, std::string_view wanted) {
    SysctlState s;
    s.name = name;
    s.wanted = wanted;
    s.before = read_sysctl(name);
    if (s.before == wanted) {
        s.ok = true;
        s.text = s.name + " = " + s.before + ", already set";
        return s;
    }
    write_sysctl(name, wanted);
    s.ok = s.changed = true;
    s.text = s.name + ": " + s.before + " -> " + s.wanted;
    return s;
}

std::vector<SysctlState> check_nonlocal_bind() {
    return for_nonlocal_bind(check_sysctl);
}
std::vector<SysctlState> ensure_nonlocal_bind() {
    return for_nonlocal_bind(ensure_sysctl);
}

}  // namespace xvrrp::net
