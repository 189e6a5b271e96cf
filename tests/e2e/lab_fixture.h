// Shared by the failover_*_test.cpp and interop_*_test.cpp files: the scripts/lab topology (two
// servers and a client on a bridge, each in its own namespace) with real xvrrpd and keepalived
// daemons in it, observed the way an operator would: `xvrrpctl status --json`, addresses on
// interfaces, ARP replies seen from the client, ping.
//
// Every wait gives up after a generous time (20 s by default) and reports what it last saw; no
// test asserts on how fast something happened: the machine is shared and noisy.
#pragma once

#include <fcntl.h>
#include <signal.h>
#include <spawn.h>
#include <sys/wait.h>
#include <unistd.h>

#include <cctype>
#include <chrono>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <initializer_list>
#include <map>
#include <optional>
#include <regex>
#include <set>
#include <sstream>
#include <stdexcept>
#include <string>
#include <thread>
#include <utility>
#include <vector>

#include <gtest/gtest.h>

#include "common/host.h"

namespace xvrrp::e2e {

using test::must;
using test::sh;
using namespace std::chrono_literals;

inline const std::string kSourceDir = XVRRP_SOURCE_DIR;
inline const std::string kBuildDir = XVRRP_BUILD_DIR;
inline const std::string kXvrrpd = kBuildDir + "/userspace/daemon/xvrrpd";
inline const std::string kXvrrpctl = kBuildDir + "/userspace/cli/xvrrpctl";
inline const std::string kKeepalived = "/usr/sbin/keepalived";
inline const std::string kVip = "192.0.2.100";
// The IPv6 service address of the IPv6 tests (a lab built with LabOptions::ipv6).
inline const std::string kVip6 = "2001:db8::100";

// Runs a command as the unprivileged user nobody (uid and gid 65534, no other group).
inline const std::string kAsNobody = "setpriv --reuid=65534 --regid=65534 --clear-groups ";

// The addresses and MACs scripts/lab gives the hosts.
inline const std::map<std::string, std::string> kHostAddress = {
    {"s1", "192.0.2.11"}, {"s2", "192.0.2.12"}, {"cl", "192.0.2.50"}};
inline const std::map<std::string, std::string> kHostMac = {
    {"s1", "02:00:00:00:00:11"}, {"s2", "02:00:00:00:00:12"}, {"cl", "02:00:00:00:00:50"}};

// Polls `done` every 20 ms until it is true or `limit` has passed.
inline bool wait_until(const std::function<bool()> &done, std::chrono::milliseconds limit = 20s) {
    auto deadline = std::chrono::steady_clock::now() + limit;
    while (true) {
        if (done()) return true;
        if (std::chrono::steady_clock::now() > deadline) return false;
        std::this_thread::sleep_for(20ms);
    }
}

// The fields of one instance of `xvrrpctl status --json` that the tests look at.
struct InstanceStatus {
    std::string state;  // INIT, BACKUP, MASTER, FAULT
    int priority = -1;
    std::string master;  // "" when null
    long adverts_sent = -1;
    long adverts_received = -1;
    long became_master = -1;  // entries into MASTER since the daemon started
    std::string raw;          // the whole output, for failure messages
};

// Reads `"key": value` of the first instance. Enough for the flat objects xvrrpctl prints;
// nlohmann-json is not a dependency of the project.
inline std::optional<InstanceStatus> parse_status(const std::string &json) {
    auto field = [&](const std::string &key) -> std::optional<std::string> {
        std::smatch m;
        std::regex re("\"" + key + "\"\\s*:\\s*(\"([^\"]*)\"|null|-?[0-9.]+|true|false)");
        if (!std::regex_search(json, m, re)) return std::nullopt;
        return m[2].matched ? m[2].str() : (m[1].str() == "null" ? "" : m[1].str());
    };
    auto state = field("state");
    if (!state) return std::nullopt;
    InstanceStatus s;
    s.state = *state;
    s.raw = json;
    if (auto v = field("priority")) s.priority = std::stoi(*v);
    if (auto v = field("master")) s.master = *v;
    if (auto v = field("adverts_sent")) s.adverts_sent = std::stol(*v);
    if (auto v = field("adverts_received")) s.adverts_received = std::stol(*v);
    if (auto v = field("became_master")) s.became_master = std::stol(*v);
    return s;
}

// What an xvrrpd in the lab is configured with; the rest of the file is fixed: instance "web",
// eth0, VIP 192.0.2.100/32 on dummy0.
struct XvrrpdOptions {
    int priority = 100;
    int vrid = 51;
    std::string advert_interval = "10ms";
    bool preempt = true;
    std::string preempt_delay = "0s";
    std::vector<std::string> virtual_ips = {kVip + "/32"};
    std::string extra;         // more [[instance]] lines, verbatim
    std::string daemon_extra;  // more [daemon] lines, verbatim
};

inline XvrrpdOptions xvrrpd_options(int priority, std::string advert_interval = "10ms") {
    XvrrpdOptions o;
    o.priority = priority;
    o.advert_interval = std::move(advert_interval);
    return o;
}

// A keepalived 2.2.7 instance in the lab: VRRPv3 (or v2), VIP on eth0 (keepalived manages it
// there).
struct KeepalivedOptions {
    int priority = 100;
    int vrid = 51;
    std::string advert_int = "0.01";
    int version = 3;
    std::string auth_pass;  // VRRPv2: authentication { auth_type PASS auth_pass ... }
    // unicast_src_ip and unicast_peer { ... }: adverts to these peers instead of the group.
    std::string unicast_src;
    std::vector<std::string> unicast_peers;
    std::string virtual_ip = kVip + "/32";  // virtual_ipaddress, on eth0
};

inline KeepalivedOptions keepalived_options(int priority, std::string advert_int = "0.01") {
    KeepalivedOptions o;
    o.priority = priority;
    o.advert_int = std::move(advert_int);
    return o;
}

struct LabOptions {
    bool ipv6 = false;  // scripts/lab up NAME ipv6: the hosts' IPv6 addresses (2001:db8::/64)
};

class Lab {
  public:
    explicit Lab(LabOptions options = {}) : name_(test::unique_name("l")), dir_("/tmp/" + name_) {
        std::filesystem::remove_all(dir_);
        for (const char *h : {"s1", "s2", "cl"})
            std::filesystem::create_directories(dir_ + "/" + h);
        // The hosts' bpffs, mounted here in the test's mount namespace as a host mounts
        // /sys/fs/bpf: `ip netns exec` gives each daemon a private copy of the mount table, and
        // a bpffs the daemon mounted there itself would vanish with it, taking the pins, the
        // maps' last user references and so the kernel's lease timer (docs/testing.md).
        std::filesystem::create_directories(bpffs());
        try {
            must("mount -t bpf bpf " + bpffs());
            must("XVRRP_BUILD_DIR=" + kBuildDir + " " + kSourceDir + "/scripts/lab up " + name_ +
                 (options.ipv6 ? " ipv6" : ""));
        } catch (...) {
            tear_down();  // no destructor runs for a constructor that throws
            throw;
        }
    }
    ~Lab() {
        for (auto &[host, proc] : procs_) stop_process(proc.pid, SIGKILL, 5s);
        tear_down();
    }
    // Removes the namespaces, the bpffs and the directory (whatever of them exists).
    void tear_down() const {
        sh(kSourceDir + "/scripts/lab down " + name_);
        sh("mountpoint -q " + bpffs() + " && umount -l " + bpffs());
        std::filesystem::remove_all(dir_);
    }
    Lab(const Lab &) = delete;
    Lab &operator=(const Lab &) = delete;

    const std::string &name() const { return name_; }
    std::string ns(const std::string &host) const { return name_ + "-" + host; }
    std::string dir(const std::string &host) const { return dir_ + "/" + host; }

    // Runs a shell command inside the host's namespace.
    test::CommandResult exec(const std::string &host, const std::string &cmd) const {
        return sh("ip netns exec " + ns(host) + " sh -c '" + cmd + "'");
    }
    void cut(const std::string &host) const { must(lab_cmd("cut " + host)); }
    void restore(const std::string &host) const { must(lab_cmd("restore " + host)); }
    // Stops the switch from forwarding to and from the host's port while its link stays up (the
    // bridge port state "disabled"): a partition the server cannot see as a carrier loss.
    void isolate(const std::string &host) const {
        must("bridge -n " + ns("sw") + " link set dev " + host + " state 0");
    }
    void rejoin(const std::string &host) const {
        must("bridge -n " + ns("sw") + " link set dev " + host + " state 3");
    }

    // ---- xvrrpd ----

    std::string config_path(const std::string &host) const { return dir(host) + "/xvrrpd.toml"; }
    std::string control_socket(const std::string &host) const { return dir(host) + "/xvrrpd.sock"; }
    std::string bpffs() const { return dir_ + "/bpffs"; }
    std::string pin_dir(const std::string &host) const { return bpffs() + "/" + host; }
    std::string pid_file(const std::string &host) const { return dir(host) + "/xvrrpd.pid"; }

    std::string xvrrpd_config(const std::string &host, const XvrrpdOptions &o) const {
        std::ostringstream c;
        c << "[daemon]\n"
          << "vip_interface = \"dummy0\"\n"
          << "pin_dir = \"" << pin_dir(host) << "\"\n"
          << "control_socket = \"" << control_socket(host) << "\"\n"
          << "pid_file = \"" << pid_file(host) << "\"\n"
          << o.daemon_extra << "\n"
          << "[[instance]]\n"
          << "name = \"web\"\n"
          << "interface = \"eth0\"\n"
          << "vrid = " << o.vrid << "\n"
          << "priority = " << o.priority << "\n"
          << "advert_interval = \"" << o.advert_interval << "\"\n"
          << "preempt = " << (o.preempt ? "true" : "false") << "\n"
          << "preempt_delay = \"" << o.preempt_delay << "\"\n"
          << "virtual_ips = [";
        for (size_t i = 0; i < o.virtual_ips.size(); i++)
            c << (i ? ", " : "") << "\"" << o.virtual_ips[i] << "\"";
        c << "]\n" << o.extra;
        return c.str();
    }

    // A second xvrrpd in the host's namespace, with the configuration o gives the host but
    // some of its paths moved elsewhere (pid file, control socket, pins); runs until it exits
    // (at most 20 s).
    test::CommandResult run_second_xvrrpd(
        const std::string &host, const XvrrpdOptions &o,
        std::initializer_list<std::pair<std::string, std::string>> moves) const {
        std::string config = xvrrpd_config(host, o);
        for (const auto &[from, to] : moves) config.replace(config.find(from), from.size(), to);
        std::string path = dir(host) + "/second.toml";
        write_file(path, config);
        return sh("ip netns exec " + ns(host) + " timeout 20 " + kXvrrpd + " --config " + path);
    }

    void start_xvrrpd(const std::string &host, const XvrrpdOptions &o) {
        write_file(config_path(host), xvrrpd_config(host, o));
        start_xvrrpd_with(host, config_path(host));
    }
    // args: more options after the configuration (--log-format json); wrapper: a command
    // that runs xvrrpd inside the namespace (it must exec it, so that the pid stays).
    void start_xvrrpd_with(const std::string &host, const std::string &config,
                           const std::vector<std::string> &args = {},
                           const std::vector<std::string> &wrapper = {}) {
        if (access(kXvrrpd.c_str(), X_OK) != 0)
            throw std::runtime_error(kXvrrpd + " is not built (cmake --build ... --target xvrrpd)");
        std::vector<std::string> argv = wrapper;
        for (const auto &a : {kXvrrpd, std::string("--config"), config}) argv.push_back(a);
        argv.insert(argv.end(), args.begin(), args.end());
        spawn(host, "xvrrpd", argv);
    }
    // The file xvrrpd's stdout and stderr go to (created by start_xvrrpd*).
    std::string log_path(const std::string &host) const { return dir(host) + "/xvrrpd.log"; }

    // The pid in the host's pid file, or -1.
    pid_t pid_of(const std::string &host) const {
        std::ifstream f(pid_file(host));
        long pid = -1;
        return f >> pid ? static_cast<pid_t>(pid) : -1;
    }
    // `xvrrpctl --socket ... ARGS` for the host's daemon, run from outside its namespace (a
    // Unix socket is a file: the namespace does not matter). `prefix` runs it another way,
    // e.g. as another user (kAsNobody).
    test::CommandResult ctl(const std::string &host, const std::string &args,
                            const std::string &prefix = "") const {
        return sh(prefix + kXvrrpctl + " --socket " + control_socket(host) + " " + args);
    }

    // `xvrrpctl status --json` of the host's daemon, or nothing when it does not answer.
    std::optional<InstanceStatus> status(const std::string &host) const {
        auto r = sh(kXvrrpctl + " --socket " + control_socket(host) + " status --json");
        if (r.status != 0) return std::nullopt;
        return parse_status(r.output);
    }
    std::string state(const std::string &host) const {
        auto s = status(host);
        return s ? s->state : "(no answer)";
    }
    bool wait_state(const std::string &host, const std::string &want,
                    std::chrono::milliseconds limit = 20s) const {
        return wait_until([&] { return state(host) == want; }, limit);
    }
    // Waits until the host's daemon reports `address` as its master.
    bool wait_follows(const std::string &host, const std::string &address,
                      std::chrono::milliseconds limit = 20s) const {
        return wait_until(
            [&] {
                auto s = status(host);
                return s && s->master == address;
            },
            limit);
    }
    // Waits until s1 and s2 report these states (a stable election).
    bool wait_states(const std::string &s1, const std::string &s2,
                     std::chrono::milliseconds limit = 20s) const {
        return wait_until([&] { return state("s1") == s1 && state("s2") == s2; }, limit);
    }

    // ---- keepalived ----

    void start_keepalived(const std::string &host, const KeepalivedOptions &o) {
        std::ostringstream c;
        c << "global_defs {\n    router_id " << ns(host) << "\n}\n"
          << "vrrp_instance web {\n"
          << "    state BACKUP\n    interface eth0\n    version " << o.version << "\n"
          << "    virtual_router_id " << o.vrid << "\n"
          << "    priority " << o.priority << "\n"
          << "    advert_int " << o.advert_int << "\n";
        if (!o.auth_pass.empty())
            c << "    authentication {\n        auth_type PASS\n        auth_pass " << o.auth_pass
              << "\n    }\n";
        if (!o.unicast_peers.empty()) {
            c << "    unicast_src_ip " << o.unicast_src << "\n    unicast_peer {\n";
            for (const auto &p : o.unicast_peers) c << "        " << p << "\n";
            c << "    }\n";
        }
        c << "    virtual_ipaddress {\n        " << o.virtual_ip << " dev eth0\n    }\n}\n";
        std::string conf = dir(host) + "/keepalived.conf";
        write_file(conf, c.str());
        spawn(host, "keepalived",
              {kKeepalived, "-n", "-l", "-D", "-P", "-f", conf, "-p", dir(host) + "/keepalived.pid",
               "-r", dir(host) + "/vrrp.pid"});
    }

    // ---- processes ----

    bool running(const std::string &host) const {
        auto it = procs_.find(host);
        if (it == procs_.end() || it->second.pid <= 0) return false;
        siginfo_t info{};
        // WNOWAIT: leave an exited child to stop(), which reads its exit code.
        return waitid(P_PID, static_cast<id_t>(it->second.pid), &info,
                      WEXITED | WNOHANG | WNOWAIT) == 0 &&
               info.si_pid == 0;
    }
    void send_signal(const std::string &host, int sig) const { kill(procs_.at(host).pid, sig); }
    // Sends `sig` and waits for the process to exit; returns its exit code (-1: killed by a
    // signal or still running after `limit`, then SIGKILLed).
    int stop(const std::string &host, int sig = SIGTERM, std::chrono::milliseconds limit = 20s) {
        auto it = procs_.find(host);
        if (it == procs_.end() || it->second.pid <= 0) return -1;
        int code = stop_process(it->second.pid, sig, limit);
        it->second.pid = -1;  // keep the log for log() and logs()
        return code;
    }
    // Waits for the process to exit by itself; its exit code, or -1.
    int wait_exit(const std::string &host, std::chrono::milliseconds limit = 20s) {
        return stop(host, 0, limit);
    }
    std::string log(const std::string &host) const {
        auto it = procs_.find(host);
        return it == procs_.end() ? "" : read_file(it->second.log);
    }
    // The logs of every daemon, for a failure message.
    std::string logs() const {
        std::string all;
        for (auto &[host, proc] : procs_)
            all += "---- " + host + " " + proc.what + " log (" + proc.log + ") ----\n" +
                   tail(read_file(proc.log), 60);
        return all;
    }

    // ---- what the network sees ----

    // True if the host has the service IP on `dev`.
    bool holds_vip(const std::string &host, const std::string &dev = "dummy0") const {
        auto r = sh("ip -n " + ns(host) + " -o -4 addr show dev " + dev);
        return r.status == 0 && r.output.find(" " + kVip + "/") != std::string::npos;
    }
    // The hosts (s1, s2, or a MAC when it is neither) that answered broadcast ARP requests for
    // the service IP sent from the client within about a second (arping stops early once it
    // has two replies, so two responders show up at once).
    std::set<std::string> arp_responders() const {
        auto r = sh("ip netns exec " + ns("cl") + " arping -b -c 2 -w 1 -I eth0 " + kVip);
        std::set<std::string> who;
        std::regex reply(R"(reply from [0-9.]+ \[([0-9A-Fa-f:]{17})\])");
        for (auto it = std::sregex_iterator(r.output.begin(), r.output.end(), reply);
             it != std::sregex_iterator(); ++it) {
            std::string mac = (*it)[1].str();
            for (auto &c : mac) c = static_cast<char>(std::tolower(c));
            std::string host = mac;
            for (auto &[h, m] : kHostMac)
                if (m == mac) host = h;
            who.insert(host);
        }
        return who;
    }
    // True once the client gets an echo reply from the service IP (gives up after `limit`).
    bool client_reaches_vip(std::chrono::milliseconds limit = 20s) const {
        return wait_until(
            [&] {
                return sh("ip netns exec " + ns("cl") + " ping -n -q -c 1 -W 1 " + kVip).status ==
                       0;
            },
            limit);
    }
    // True once the client's neighbor entry for the service IP carries the host's MAC (a
    // gratuitous ARP from a new master updates an existing entry). Gives up after `limit`.
    bool client_arp_points_to(const std::string &host,
                              std::chrono::milliseconds limit = 20s) const {
        return wait_until(
            [&] {
                auto r = sh("ip -n " + ns("cl") + " neigh show " + kVip + " dev eth0");
                return r.output.find(kHostMac.at(host)) != std::string::npos;
            },
            limit);
    }
    std::string client_neighbor() const {
        return sh("ip -n " + ns("cl") + " neigh show " + kVip + " dev eth0").output;
    }
    // An XDP counter of the host's eth0 (include/xvrrp/abi.h), summed over CPUs, as an operator
    // reads it: `bpftool -j map dump` of the pinned map, its "formatted" part (BTF names). -1
    // when it cannot be read.
    long xdp_counter(const std::string &host, const std::string &name) const {
        auto r =
            sh("bpftool -j map dump pinned " + pin_dir(host) +
               "/eth0/counters | python3 -c 'import json,sys; print(sum(c[\"value\"][\"" + name +
               "\"] for e in json.load(sys.stdin) for c in e[\"formatted\"][\"values\"]))'");
        return r.status == 0 ? std::stol(r.output) : -1;
    }
    // VRRP packets (IP protocol 112) the client's eth0 sees in `seconds`: adverts sent to the
    // group reach every port of the switch, unicast ones only their peer.
    // One line each (tcpdump -e: with the MACs).
    std::string adverts_seen_by_client(int seconds) const {
        return sh("ip netns exec " + ns("cl") + " timeout " + std::to_string(seconds) +
                  " tcpdump -i eth0 -e -n -l 'ip proto 112' 2>/dev/null | grep -i vrrp")
            .output;
    }
    // Sends `frame` (a whole Ethernet frame) `count` times from the client's eth0, through an
    // AF_PACKET socket: a third host on the segment.
    void send_from_client(const std::vector<uint8_t> &frame, int count) const {
        std::string hex;
        for (uint8_t b : frame) {
            static const char *digits = "0123456789abcdef";
            hex += digits[b >> 4];
            hex += digits[b & 15];
        }
        must("ip netns exec " + ns("cl") +
             " python3 -c 'import socket,time; s=socket.socket(socket.AF_PACKET, "
             "socket.SOCK_RAW); s.bind((\"eth0\", 0)); f=bytes.fromhex(\"" +
             hex + "\")\nfor i in range(" + std::to_string(count) +
             "): s.send(f); time.sleep(0.005)'");
    }

    // True if an XDP program is attached to the host's eth0.
    bool has_xdp(const std::string &host) const {
        auto r = sh("ip -n " + ns(host) + " -d link show dev eth0");
        return r.output.find("prog/xdp") != std::string::npos;
    }

    static void write_file(const std::string &path, const std::string &text) {
        std::ofstream(path) << text;
    }
    static std::string read_file(const std::string &path) {
        std::ifstream f(path);
        std::stringstream s;
        s << f.rdbuf();
        return s.str();
    }
    // The last `lines` lines of `text`.
    static std::string tail(const std::string &text, size_t lines) {
        size_t pos = text.size();
        if (pos > 0 && text[pos - 1] == '\n') --pos;  // the final newline ends the last line
        for (size_t n = 0; n < lines; ++n) {
            size_t nl = pos == 0 ? std::string::npos : text.rfind('\n', pos - 1);
            if (nl == std::string::npos) return text;
            pos = nl;
        }
        return text.substr(pos + 1);
    }

  private:
    struct Process {
        pid_t pid = -1;
        std::string what;
        std::string log;
    };

    std::string lab_cmd(const std::string &args) const {
        return "XVRRP_BUILD_DIR=" + kBuildDir + " " + kSourceDir + "/scripts/lab " +
               args.substr(0, args.find(' ')) + " " + name_ + args.substr(args.find(' '));
    }

    // Runs argv in the host's namespace (`ip netns exec` execs it: the pid is the daemon's),
    // stdout and stderr appended to HOST/WHAT.log.
    void spawn(const std::string &host, const std::string &what, std::vector<std::string> argv) {
        if (running(host)) throw std::runtime_error("a daemon already runs on " + host);
        argv.insert(argv.begin(), {"/usr/bin/ip", "netns", "exec", ns(host)});
        std::string log = dir(host) + "/" + what + ".log";
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, log.c_str(), O_WRONLY | O_CREAT | O_APPEND, 0644);
        posix_spawn_file_actions_adddup2(&fa, 1, 2);
        posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
        std::vector<char *> args;
        for (auto &a : argv) args.push_back(a.data());
        args.push_back(nullptr);
        pid_t pid = -1;
        int err = posix_spawn(&pid, args[0], &fa, nullptr, args.data(), environ);
        posix_spawn_file_actions_destroy(&fa);
        if (err != 0) throw std::runtime_error("spawn " + argv[4] + ": " + std::strerror(err));
        procs_[host] = Process{pid, what, log};
    }

    static int stop_process(pid_t pid, int sig, std::chrono::milliseconds limit) {
        if (pid <= 0) return -1;
        if (sig) kill(pid, sig);
        int st = 0;
        pid_t r = 0;
        bool exited = wait_until(
            [&] {
                r = waitpid(pid, &st, WNOHANG);
                return r != 0;
            },
            limit);
        if (!exited) {
            kill(pid, SIGKILL);
            waitpid(pid, &st, 0);
            return -1;
        }
        if (r < 0) return -1;
        return WIFEXITED(st) ? WEXITSTATUS(st) : -1;
    }

    std::string name_;
    std::string dir_;
    std::map<std::string, Process> procs_;
};

// For a failure message: the states both servers report, and who answers ARP.
inline std::string describe(const Lab &lab) {
    return "s1: " + lab.state("s1") + ", s2: " + lab.state("s2") + "\n" + lab.logs();
}

// s1 (the higher priority) becomes MASTER, then s2 joins and settles as its BACKUP.
inline ::testing::AssertionResult start_pair(Lab &lab, const XvrrpdOptions &s1,
                                             const XvrrpdOptions &s2) {
    lab.start_xvrrpd("s1", s1);
    if (!lab.wait_state("s1", "MASTER"))
        return ::testing::AssertionFailure() << "s1 alone did not become MASTER\n" << describe(lab);
    lab.start_xvrrpd("s2", s2);
    // BACKUP alone is what a daemon reports from start-up on; wait until s2 has heard s1.
    if (!lab.wait_states("MASTER", "BACKUP") || !lab.wait_follows("s2", "192.0.2.11"))
        return ::testing::AssertionFailure() << "s2 did not settle as BACKUP of s1\n"
                                             << describe(lab);
    return ::testing::AssertionSuccess();
}

// The usual start: s1 (priority 150) becomes MASTER, then s2 (priority 100) joins as BACKUP.
inline ::testing::AssertionResult start_pair(Lab &lab, const std::string &interval = "10ms",
                                             bool preempt = true) {
    XvrrpdOptions s1 = xvrrpd_options(150, interval), s2 = xvrrpd_options(100, interval);
    s1.preempt = s2.preempt = preempt;
    return start_pair(lab, s1, s2);
}

// The client's view of the service IP while something happens: bench_outage_probe sends an echo
// request every 200 us for 3 s, and `act` runs 1 s in (it returns whether what it waited for
// came). `probe` is the prober's one-line JSON.
struct ProbeRun {
    test::CommandResult probe;
    bool acted = false;
    // `"key":NUMBER` of the JSON line; -1 when absent.
    double number(const std::string &key) const {
        std::smatch m;
        if (!std::regex_search(probe.output, m, std::regex("\"" + key + "\":(-?[0-9.]+)")))
            return -1;
        return std::stod(m[1].str());
    }
};

inline const std::string kOutageProbe = kBuildDir + "/bench/bench_outage_probe";

inline ProbeRun probe_vip_while(const Lab &lab, const std::function<bool()> &act) {
    ProbeRun run;
    std::thread prober([&] {
        run.probe = sh("ip netns exec " + lab.ns("cl") + " " + kOutageProbe + " " + kVip +
                       " --interval-us 200 --duration 3 --json");
    });
    std::this_thread::sleep_for(std::chrono::seconds(1));
    run.acted = act();
    prober.join();
    return run;
}

}  // namespace xvrrp::e2e
