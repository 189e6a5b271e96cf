// xvrrpd as a systemd service, without systemd as PID 1: the test plays the service manager's
// side of the notify protocol (sd_notify(3): an AF_UNIX datagram socket named by NOTIFY_SOCKET,
// "KEY=VALUE" lines per datagram) and reads what the daemon sends with libsystemd; and the unit
// file passes `systemd-analyze verify`.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/un.h>

#include <cstdlib>
#include <filesystem>
#include <functional>
#include <set>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

// The service manager's end: a datagram socket in the lab's directory (a path, not an abstract
// name: those belong to a network namespace, and xvrrpd runs in the host's).
class NotifySocket {
  public:
    explicit NotifySocket(const std::string &path) : path_(path) {
        fd_ = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", path.c_str());
        unlink(path.c_str());
        if (fd_ < 0 || bind(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0)
            throw std::runtime_error("notify socket " + path + ": " + std::strerror(errno));
    }
    ~NotifySocket() {
        close(fd_);
        unlink(path_.c_str());
    }
    const std::string &path() const { return path_; }

    // Every datagram that arrived so far, in order.
    const std::vector<std::string> &messages() {
        char buf[4096];
        ssize_t n;
        while ((n = recv(fd_, buf, sizeof buf, MSG_DONTWAIT)) > 0) messages_.emplace_back(buf, n);
        return messages_;
    }
    // Waits for a datagram holding `line` (one of its lines); its index, or -1.
    int wait_for(const std::string &line, size_t from = 0) {
        int found = -1;
        wait_until([&] {
            const auto &m = messages();
            for (size_t i = from; i < m.size(); i++)
                if (has_line(m[i], line)) return (found = static_cast<int>(i)) >= 0;
            return false;
        });
        return found;
    }
    size_t count(const std::string &line, size_t from = 0) {
        size_t n = 0;
        const auto &m = messages();
        for (size_t i = from; i < m.size(); i++) n += has_line(m[i], line);
        return n;
    }
    static bool has_line(const std::string &message, const std::string &line) {
        return ("\n" + message + "\n").find("\n" + line + "\n") != std::string::npos;
    }
    std::string all() {
        std::string s;
        for (const auto &m : messages()) s += "[" + m + "]\n";
        return s;
    }

  private:
    std::string path_;
    int fd_ = -1;
    std::vector<std::string> messages_;
};

// Sets the variables systemd gives a Type=notify service for the daemons started meanwhile
// (the lab spawns them with the test's environment).
class ServiceEnvironment {
  public:
    ServiceEnvironment(const std::string &socket, const std::string &watchdog_usec) {
        setenv("NOTIFY_SOCKET", socket.c_str(), 1);
        if (!watchdog_usec.empty()) setenv("WATCHDOG_USEC", watchdog_usec.c_str(), 1);
    }
    ~ServiceEnvironment() {
        unsetenv("NOTIFY_SOCKET");
        unsetenv("WATCHDOG_USEC");
    }
};

std::string describe(Lab &lab, NotifySocket &n) {
    return "notify messages:\n" + n.all() + lab.logs();
}

TEST(Service, ReadyComesOnceTheInstanceHasItsFirstStateAndStatusFollowsTheElection) {
    Lab lab;
    NotifySocket notify(lab.dir("s1") + "/notify.sock");
    {
        ServiceEnvironment env(notify.path(), "");
        lab.start_xvrrpd("s1", xvrrpd_options(150));
    }
    int ready = notify.wait_for("READY=1");
    ASSERT_GE(ready, 0) << describe(lab, notify);
    // Nothing before it said READY, and the log already has the start-up decision.
    EXPECT_EQ(notify.count("READY=1"), 1u) << describe(lab, notify);
    std::string log = lab.log("s1");
    EXPECT_NE(log.find("[web] INIT -> BACKUP (start-up)"), std::string::npos) << log;
    // The same datagram carries the state that made it ready.
    EXPECT_TRUE(NotifySocket::has_line(notify.messages()[ready], "STATUS=1 instance: web BACKUP"))
        << describe(lab, notify);
    // Alone on the link, s1 becomes master: a new STATUS=.
    EXPECT_GE(notify.wait_for("STATUS=1 instance: web MASTER", ready + 1), 0)
        << describe(lab, notify);
    EXPECT_EQ(lab.state("s1"), "MASTER");
    // No WATCHDOG_USEC: no watchdog messages.
    EXPECT_EQ(notify.count("WATCHDOG=1"), 0u) << describe(lab, notify);

    size_t before_stop = notify.messages().size();
    EXPECT_EQ(lab.stop("s1", SIGTERM), 0) << describe(lab, notify);
    EXPECT_GE(notify.wait_for("STOPPING=1", before_stop), 0) << describe(lab, notify);
    EXPECT_EQ(notify.count("READY=1"), 1u) << describe(lab, notify);
}

TEST(Service, WatchdogPingsComeFromTheLoopAndStopWhenItIsWedged) {
    Lab lab;
    NotifySocket notify(lab.dir("s1") + "/notify.sock");
    {
        ServiceEnvironment env(notify.path(), "200000");  // 200 ms: a ping every 100 ms
        lab.start_xvrrpd("s1", xvrrpd_options(150));
    }
    ASSERT_GE(notify.wait_for("READY=1"), 0) << describe(lab, notify);
    ASSERT_GE(notify.wait_for("WATCHDOG=1"), 0) << describe(lab, notify);
    EXPECT_TRUE(wait_until([&] { return notify.count("WATCHDOG=1") >= 3; }))
        << describe(lab, notify);

    // A stopped process is a loop that does not turn: the pings stop. (The last one sent
    // before the stop may still be in the socket: drain it once the process is stopped.)
    pid_t pid = lab.pid_of("s1");
    ASSERT_GT(pid, 0);
    lab.send_signal("s1", SIGSTOP);
    auto process_state = [&] {
        std::string stat = Lab::read_file("/proc/" + std::to_string(pid) + "/stat");
        auto paren = stat.rfind(')');
        return paren == std::string::npos || paren + 2 >= stat.size() ? '?' : stat[paren + 2];
    };
    ASSERT_TRUE(wait_until([&] { return process_state() == 'T'; })) << process_state();
    size_t stopped_at = notify.messages().size();
    // Ten watchdog periods: a loop that still turned would have sent ten pings.
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(notify.count("WATCHDOG=1", stopped_at), 0u) << describe(lab, notify);

    lab.send_signal("s1", SIGCONT);
    EXPECT_GE(notify.wait_for("WATCHDOG=1", stopped_at), 0) << describe(lab, notify);
    EXPECT_EQ(lab.stop("s1", SIGTERM), 0) << describe(lab, notify);
}

// Starts xvrrpd on s1 as systemd would, with the lab's configuration but `from` replaced by
// `to`.
void start_changed(Lab &lab, const NotifySocket &notify, const std::string &from,
                   const std::string &to) {
    std::string config = lab.xvrrpd_config("s1", xvrrpd_options(150));
    config.replace(config.find(from), from.size(), to);
    Lab::write_file(lab.config_path("s1"), config);
    ServiceEnvironment env(notify.path(), "200000");
    lab.start_xvrrpd_with("s1", lab.config_path("s1"));
}

TEST(Service, AFailedStartTellsSystemdWhyAndIsNeverReady) {
    Lab lab;
    NotifySocket notify(lab.dir("s1") + "/notify.sock");
    start_changed(lab, notify, "interface = \"eth0\"", "interface = \"nosuch0\"");
    EXPECT_EQ(lab.wait_exit("s1"), 1) << describe(lab, notify);
    int failed = -1;
    for (size_t i = 0; i < notify.messages().size(); i++)
        if (notify.messages()[i].rfind("STATUS=failed: ", 0) == 0) failed = static_cast<int>(i);
    ASSERT_GE(failed, 0) << describe(lab, notify);
    EXPECT_NE(notify.messages()[failed].find("nosuch0"), std::string::npos)
        << describe(lab, notify);
    EXPECT_EQ(notify.count("READY=1"), 0u) << describe(lab, notify);
}

TEST(Service, ABadConfigurationTellsSystemdWhyAndIsNeverReady) {
    Lab lab;
    NotifySocket notify(lab.dir("s1") + "/notify.sock");
    start_changed(lab, notify, "vrid = 51", "vrid = 300");
    EXPECT_EQ(lab.wait_exit("s1"), 2) << describe(lab, notify);
    EXPECT_GE(notify.wait_for("STATUS=failed: bad configuration in " + lab.config_path("s1") +
                              " (exit 2, not restarted): the log has each error"),
              0)
        << describe(lab, notify);
    EXPECT_EQ(notify.count("READY=1"), 0u) << describe(lab, notify);
}

// The unit as built (packaging/systemd/xvrrpd.service.in), with this build's xvrrpd as
// ExecStart: every directive known to systemd 252, every path and value valid.
TEST(Service, TheUnitPassesSystemdAnalyzeVerify) {
    std::string unit = kBuildDir + "/tests/e2e/systemd/xvrrpd.service";
    ASSERT_TRUE(std::filesystem::exists(unit)) << unit;
    auto text = Lab::read_file(unit);
    EXPECT_NE(text.find("ExecStart=" + kXvrrpd + " "), std::string::npos) << text;
    auto r = sh("systemd-analyze verify --man=no " + unit + " 2>&1");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(r.output, "") << "systemd-analyze verify has remarks:\n" << r.output;
    // And it fails on a broken unit, so that the check above means something.
    std::string broken = kBuildDir + "/tests/e2e/systemd/broken/xvrrpd.service";
    std::filesystem::create_directories(std::filesystem::path(broken).parent_path());
    Lab::write_file(broken, text +
                                "\n[Service]\nRestartPreventExitStatus=banana\n"
                                "ExecStart=/nonexistent/xvrrpd\n");
    auto bad = sh("systemd-analyze verify --man=no " + broken + " 2>&1");
    EXPECT_NE(bad.output, "") << bad.output;
}

// The system calls SystemCallFilter= items stand for ("@group" or a name), expanded with
// `systemd-analyze syscall-filter` as this systemd knows them.
std::set<std::string> allowed_syscalls(const std::vector<std::string> &items) {
    std::set<std::string> out, seen;
    std::function<void(const std::string &)> add = [&](const std::string &item) {
        if (item.empty()) return;
        if (item[0] != '@') {
            out.insert(item);
            return;
        }
        if (!seen.insert(item).second) return;
        auto r = sh("systemd-analyze syscall-filter " + item + " 2>/dev/null");
        std::istringstream in(r.output);
        std::string line;
        std::getline(in, line);  // the group's own name
        while (std::getline(in, line)) {
            auto b = line.find_first_not_of(" \t");
            if (b == std::string::npos || line[b] == '#') continue;
            add(line.substr(b, line.find_last_not_of(" \t") - b + 1));
        }
    };
    for (const auto &i : items) add(i);
    return out;
}

// The unit's SystemCallFilter= must let through everything xvrrpd does in the lab: start-up
// (XDP, maps, dummy0, sysctls, capabilities, SCHED_FIFO), the election, the control socket, a
// notify hook run as another user, a tracked check and file, a metrics scrape, a reload
// (SIGHUP), the release at SIGTERM. strace -f follows the advert threads, the hooks and the
// checks (which run under the same filter).
TEST(Service, EverySystemCallOfTheDaemonAndItsHooksIsInTheUnitsFilter) {
    std::string unit = Lab::read_file(kBuildDir + "/tests/e2e/systemd/xvrrpd.service");
    std::smatch m;
    ASSERT_TRUE(std::regex_search(unit, m, std::regex("\nSystemCallFilter=([^\n]*)")));
    std::vector<std::string> items;
    std::istringstream words(m[1].str());
    for (std::string w; words >> w;) items.push_back(w);
    auto allowed = allowed_syscalls(items);
    ASSERT_TRUE(allowed.count("read") && allowed.count("bpf")) << m[1].str();

    Lab lab;
    XvrrpdOptions o = xvrrpd_options(150);
    o.daemon_extra = "sched_priority = 10\nmetrics_listen = \"127.0.0.1:9650\"\n";
    o.extra = "track_file = [{ path = \"" + lab.dir("s1") +
              "/weight\" }]\n"
              "track_script = [{ name = \"chk\", weight = 10 }]\n"
              "[instance.notify]\nuser = \"nobody\"\n"
              "any = [\"/bin/sh\", \"-c\", \"ps ax >/dev/null; ip -o addr >/dev/null; echo $3\", "
              "\"hook\"]\n"
              "[[script]]\nname = \"chk\"\nscript = [\"/bin/true\"]\ninterval = \"100ms\"\n";
    // The lab's pins are on a bpffs mounted beforehand, as systemd mounts /sys/fs/bpf at boot
    // (the unit allows no mount): xvrrpd mounts nothing.
    Lab::write_file(lab.config_path("s1"), lab.xvrrpd_config("s1", o));
    std::filesystem::create_directory(lab.dir("s1") + "/track");
    std::string trace = lab.dir("s1") + "/strace.txt";
    lab.start_xvrrpd_with("s1", lab.config_path("s1"), {},
                          {"/usr/bin/strace", "-f", "-qq", "-o", trace});
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    ASSERT_TRUE(wait_until([&] { return lab.log("s1").find("MASTER") != std::string::npos; }));
    auto scrape = lab.exec("s1",
                           "python3 -c \"import urllib.request as u; print(len(u.urlopen("
                           "\\\"http://127.0.0.1:9650/metrics\\\").read()))\"");
    EXPECT_EQ(scrape.status, 0) << scrape.output;
    pid_t pid = lab.pid_of("s1");
    ASSERT_GT(pid, 0);
    kill(pid, SIGHUP);
    EXPECT_TRUE(wait_until([&] { return lab.log("s1").find("reloaded: ") != std::string::npos; }))
        << lab.log("s1");
    kill(pid, SIGTERM);
    EXPECT_EQ(lab.wait_exit("s1"), 0) << describe(lab);  // strace exits with xvrrpd's code

    std::set<std::string> made;
    std::regex call(R"(^\d+\s+([a-z_0-9]+)\()");
    std::istringstream in(Lab::read_file(trace));
    for (std::string line; std::getline(in, line);)
        if (std::regex_search(line, m, call)) made.insert(m[1].str());
    // The trace saw what matters: BPF, capabilities, the real-time loop, the hook's execve.
    for (const char *c : {"bpf", "capset", "sched_setscheduler", "execve", "setresuid"})
        EXPECT_TRUE(made.count(c)) << c << " not in the trace";
    std::string outside;
    for (const auto &c : made)
        if (!allowed.count(c)) outside += c + " ";
    EXPECT_EQ(outside, "") << "system calls the unit's filter refuses (EPERM)";
}

}  // namespace
}  // namespace xvrrp::e2e
