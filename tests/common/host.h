// Test helpers for real hosts in network namespaces: unique names, a command runner, and
// RAII namespaces that are deleted even when the test fails.
#pragma once

#include <fcntl.h>
#include <sched.h>
#include <unistd.h>

#include <array>
#include <cstdio>
#include <stdexcept>
#include <string>

namespace xvrrp::test {

struct CommandResult {
    int status = -1;     // exit code, or -1 if it did not exit normally
    std::string output;  // stdout and stderr
};

inline CommandResult sh(const std::string &cmd) {
    CommandResult r;
    FILE *p = popen((cmd + " 2>&1").c_str(), "r");
    if (!p) return r;
    std::array<char, 4096> buf;
    size_t n;
    while ((n = fread(buf.data(), 1, buf.size(), p)) > 0) r.output.append(buf.data(), n);
    int st = pclose(p);
    r.status = WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    return r;
}

inline void must(const std::string &cmd) {
    auto r = sh(cmd);
    if (r.status != 0) throw std::runtime_error(cmd + " failed: " + r.output);
}

// "xv<tag><pid>": unique per process, short enough for interface names (15 chars).
inline std::string unique_name(const std::string &tag) {
    return "xv" + tag + std::to_string(getpid() % 100000);
}

// A network namespace, deleted (with everything in it) on destruction.
class NetNs {
  public:
    explicit NetNs(std::string name) : name_(std::move(name)) {
        sh("ip netns del " + name_);  // a leftover of a crashed run with the same pid
        must("ip netns add " + name_);
        must("ip -n " + name_ + " link set lo up");
    }
    ~NetNs() { sh("ip netns del " + name_); }
    NetNs(const NetNs &) = delete;
    NetNs &operator=(const NetNs &) = delete;

    const std::string &name() const { return name_; }
    // "ip netns exec NAME cmd"
    std::string exec(const std::string &cmd) const { return "ip netns exec " + name_ + " " + cmd; }

  private:
    std::string name_;
};

// Moves this thread into a namespace for its lifetime and back on destruction.
class EnterNetNs {
  public:
    explicit EnterNetNs(const NetNs &ns) {
        orig_ = open("/proc/self/ns/net", O_RDONLY | O_CLOEXEC);
        int fd = open(("/run/netns/" + ns.name()).c_str(), O_RDONLY | O_CLOEXEC);
        if (orig_ < 0 || fd < 0 || setns(fd, CLONE_NEWNET) != 0) {
            if (fd >= 0) close(fd);
            throw std::runtime_error("setns " + ns.name());
        }
        close(fd);
    }
    ~EnterNetNs() {
        setns(orig_, CLONE_NEWNET);
        close(orig_);
    }
    EnterNetNs(const EnterNetNs &) = delete;
    EnterNetNs &operator=(const EnterNetNs &) = delete;

  private:
    int orig_ = -1;
};

}  // namespace xvrrp::test
