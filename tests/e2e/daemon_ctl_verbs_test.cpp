// xvrrpctl's verbs against real daemons in the lab: set-priority moves the service IP and
// combines with tracking, events (once and --follow) report state changes with their fields,
// status --json carries the XDP counters and the stall figures, and every failure has its
// message and exit code (0 ok, 1 the daemon said no, 2 usage, 3 the daemon cannot be reached).
#include <gtest/gtest.h>
#include <spawn.h>
#include <sys/socket.h>
#include <sys/un.h>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

// `xvrrpctl events --follow` for a host's daemon, its output going to a file; killed when the
// object goes.
class Follower {
  public:
    Follower(const Lab &lab, const std::string &host) : path_(lab.dir(host) + "/events.out") {
        posix_spawn_file_actions_t fa;
        posix_spawn_file_actions_init(&fa);
        posix_spawn_file_actions_addopen(&fa, 1, path_.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0644);
        posix_spawn_file_actions_adddup2(&fa, 1, 2);
        std::string socket = lab.control_socket(host);
        const char *argv[] = {kXvrrpctl.c_str(), "--socket", socket.c_str(),
                              "events",          "--follow", nullptr};
        if (posix_spawn(&pid_, kXvrrpctl.c_str(), &fa, nullptr, const_cast<char **>(argv),
                        environ) != 0)
            pid_ = -1;
        posix_spawn_file_actions_destroy(&fa);
    }
    ~Follower() {
        if (pid_ > 0) {
            kill(pid_, SIGKILL);
            waitpid(pid_, nullptr, 0);
        }
    }
    Follower(const Follower &) = delete;
    Follower &operator=(const Follower &) = delete;

    std::string output() const { return Lab::read_file(path_); }
    // The first line that contains every one of `parts`, or "".
    std::string line_with(std::initializer_list<std::string> parts) const {
        std::istringstream in(output());
        for (std::string line; std::getline(in, line);)
            if (std::all_of(parts.begin(), parts.end(), [&](const std::string &p) {
                    return line.find(p) != std::string::npos;
                }))
                return line;
        return "";
    }
    bool wait_line(std::initializer_list<std::string> parts) const {
        return wait_until([&] { return !line_with(parts).empty(); });
    }
    // The exit status once it ended by itself, or -1 while it runs.
    int exited() {
        int status;
        if (pid_ <= 0 || waitpid(pid_, &status, WNOHANG) != pid_) return -1;
        pid_ = -1;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
    }

  private:
    std::string path_;
    pid_t pid_ = -1;
};

TEST(ControlVerbs, SetPriorityBelowTheBackupsMovesTheServiceIpAndBack) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    auto r = lab.ctl("s1", "set-priority web 50");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("web: base priority 50 until xvrrpd restarts (configured 150)"),
              std::string::npos)
        << r.output;
    EXPECT_TRUE(lab.wait_states("BACKUP", "MASTER")) << describe(lab);
    EXPECT_TRUE(wait_until([&] { return lab.holds_vip("s2") && !lab.holds_vip("s1"); }))
        << describe(lab);
    auto s1 = lab.ctl("s1", "status --json");
    EXPECT_NE(s1.output.find("\"priority\":50,"), std::string::npos) << s1.output;
    EXPECT_NE(s1.output.find("\"configured_priority\":150,\"runtime_priority\":50"),
              std::string::npos)
        << s1.output;
    // s2 hears the new priority in s1's adverts before s1 gave up: s1 is now a backup that
    // follows s2.
    EXPECT_TRUE(lab.wait_follows("s1", kHostAddress.at("s2"))) << describe(lab);

    auto j = lab.ctl("s1", "set-priority web 200 --json");
    EXPECT_EQ(j.status, 0) << j.output;
    EXPECT_NE(j.output.find("{\"instance\":\"web\",\"runtime_priority\":200,"
                            "\"configured_priority\":150,\"priority\":200,"),
              std::string::npos)
        << j.output;
    EXPECT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);  // preempt = true
    EXPECT_TRUE(wait_until([&] { return lab.holds_vip("s1") && !lab.holds_vip("s2"); }))
        << describe(lab);
    EXPECT_NE(lab.log("s1").find("set-priority: base priority 200"), std::string::npos);
}

// The runtime base replaces the configured priority; a tracked interface's weight still
// applies on top of it.
TEST(ControlVerbs, SetPriorityCombinesWithATrackedInterface) {
    Lab lab;
    must("ip -n " + lab.ns("s1") + " link add trk0 type veth peer name trk1");
    must("ip -n " + lab.ns("s1") + " link set trk1 up");
    must("ip -n " + lab.ns("s1") + " link set trk0 up");
    XvrrpdOptions o = xvrrpd_options(150);
    o.extra = "track_interface = [{ name = \"trk0\", weight = -30 }]\n";
    lab.start_xvrrpd("s1", o);
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    auto priority = [&] {
        auto s = lab.status("s1");
        return s ? s->priority : -1;
    };
    ASSERT_EQ(lab.ctl("s1", "set-priority web 80").status, 0);
    EXPECT_TRUE(wait_until([&] { return priority() == 80; })) << describe(lab);
    must("ip -n " + lab.ns("s1") + " link set trk0 down");
    EXPECT_TRUE(wait_until([&] { return priority() == 50; })) << describe(lab);
    must("ip -n " + lab.ns("s1") + " link set trk0 up");
    EXPECT_TRUE(wait_until([&] { return priority() == 80; })) << describe(lab);
}

TEST(ControlVerbs, EventsFollowSeesMasterToBackupWithItsFields) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    Follower f(lab, "s1");
    ASSERT_TRUE(f.wait_line({"\"event\":\"state\"", "\"state\":\"MASTER\"", "\"previous\":null"}))
        << f.output();
    ASSERT_EQ(lab.ctl("s1", "set-priority web 50").status, 0);
    ASSERT_TRUE(f.wait_line({"\"state\":\"BACKUP\"", "\"previous\":\"MASTER\""}))
        << f.output() << describe(lab);
    auto line = f.line_with({"\"state\":\"BACKUP\"", "\"previous\":\"MASTER\""});
    EXPECT_EQ(line.rfind("{\"event\":\"state\",\"time\":", 0), 0u) << line;
    EXPECT_NE(line.find("\"instance\":\"web\",\"vrid\":51,\"interface\":\"eth0\""),
              std::string::npos)
        << line;
    EXPECT_NE(line.find("\"priority\":50"), std::string::npos) << line;
    auto prio = f.line_with({"\"event\":\"priority\""});
    EXPECT_NE(prio.find("\"priority\":50,\"previous\":150,\"runtime_priority\":50"),
              std::string::npos)
        << f.output();
    // The master it then hears is s2.
    EXPECT_TRUE(f.wait_line({"\"master\":\"" + kHostAddress.at("s2") + "\""})) << f.output();
    EXPECT_EQ(f.exited(), -1) << f.output();  // still following
    // The daemon stopping ends the stream: exit 3.
    EXPECT_EQ(lab.stop("s1"), 0) << describe(lab);
    int code = -1;
    EXPECT_TRUE(wait_until([&] { return (code = f.exited()) != -1; })) << f.output();
    EXPECT_EQ(code, 3) << f.output();
}

TEST(ControlVerbs, EventsWithoutFollowPrintsEachInstanceOnceAndExits) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    auto r = lab.ctl("s2", "events");
    EXPECT_EQ(r.status, 0) << r.output;
    EXPECT_EQ(std::count(r.output.begin(), r.output.end(), '\n'), 1) << r.output;
    EXPECT_EQ(r.output.rfind("{\"event\":\"state\",\"time\":", 0), 0u) << r.output;
    EXPECT_NE(
        r.output.find("\"state\":\"BACKUP\",\"previous\":null,\"priority\":100,\"master\":\"" +
                      kHostAddress.at("s1") + "\",\"master_priority\":150}"),
        std::string::npos)
        << r.output;
}

// A raw connection to the host's control socket that asked to follow the events; -1 on failure.
int follow_raw(const Lab &lab, const std::string &host) {
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    lab.control_socket(host).copy(addr.sun_path, sizeof addr.sun_path - 1);
    std::string follow = "events --follow\n";
    if (connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0 ||
        send(fd, follow.data(), follow.size(), MSG_NOSIGNAL) != ssize_t(follow.size())) {
        close(fd);
        return -1;
    }
    return fd;
}

TEST(ControlVerbs, ANinthFollowerIsRefusedAndTheOthersStayAnswered) {
    Lab lab;
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    std::vector<int> followers;
    for (int i = 0; i < 8; i++) followers.push_back(follow_raw(lab, "s1"));
    for (int fd : followers) {
        ASSERT_GE(fd, 0);
        char buf[512];
        EXPECT_GT(recv(fd, buf, sizeof buf, 0), 0);  // its first lines: it is a subscriber
    }
    auto ninth = lab.ctl("s1", "events --follow");
    EXPECT_EQ(ninth.status, 1) << ninth.output;
    EXPECT_NE(ninth.output.find("8 clients already follow the events"), std::string::npos)
        << ninth.output;
    auto once = lab.ctl("s1", "events");
    EXPECT_EQ(once.status, 0) << once.output;
    EXPECT_EQ(lab.ctl("s1", "status").status, 0);
    close(followers.back());  // one goes: there is room again
    followers.pop_back();
    EXPECT_TRUE(wait_until([&] {
        int fd = follow_raw(lab, "s1");
        char buf[8];
        bool ok = fd >= 0 && recv(fd, buf, sizeof buf, 0) > 0 && buf[0] == '{';
        if (ok)
            followers.push_back(fd);
        else if (fd >= 0)
            close(fd);
        return ok;
    })) << describe(lab);
    for (int fd : followers) close(fd);
}

// A subscriber that never reads holds up neither the answers to others nor a takeover, and
// is closed once it is too far behind.
TEST(ControlVerbs, AStuckEventsReaderIsDroppedNotWaitedFor) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    lab.control_socket("s1").copy(addr.sun_path, sizeof addr.sun_path - 1);
    ASSERT_EQ(connect(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
    int small = 4096;  // our receive buffer: the daemon's sends soon find no room
    setsockopt(fd, SOL_SOCKET, SO_RCVBUF, &small, sizeof small);
    std::string follow = "events --follow\n";
    ASSERT_EQ(send(fd, follow.data(), follow.size(), MSG_NOSIGNAL), ssize_t(follow.size()));
    // Each set-priority makes a priority event for the stuck subscriber (about 200 bytes).
    bool dropped = false;
    for (int i = 0; i < 4000 && !dropped; i++) {
        auto r = lab.ctl("s1", "set-priority web " + std::to_string(151 + i % 2));
        ASSERT_EQ(r.status, 0) << "request " << i << ": " << r.output << describe(lab);
        if (i % 100 == 0)
            dropped = lab.log("s1").find("closed an events subscriber") != std::string::npos;
    }
    EXPECT_TRUE(wait_until([&] {
        return lab.log("s1").find("closed an events subscriber that fell 256 KiB behind") !=
               std::string::npos;
    })) << describe(lab);
    close(fd);
    lab.cut("s1");
    EXPECT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    EXPECT_TRUE(lab.running("s1")) << describe(lab);
}

TEST(ControlVerbs, StatusJsonHasTheXdpCountersAndTheStallFigures) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    // The backup's XDP program counts s1's adverts as valid.
    std::string out;
    EXPECT_TRUE(wait_until([&] {
        out = lab.ctl("s2", "status --json").output;
        std::smatch m;
        return std::regex_search(out, m, std::regex("\"vrrp_valid\":([1-9][0-9]*)"));
    })) << out;
    EXPECT_NE(out.find("\"xdp\":{\"interface\":\"eth0\",\"counters\":{\"arp_reply\":"),
              std::string::npos)
        << out;
    for (const char *key :
         {"\"event_dropped\":", "\"late_expiries\":", "\"stall_graces\":", "\"grace_rescued\":",
          "\"grace_expired\":", "\"timer_lateness_log2_us\":[", "\"advert_lateness_log2_us\":[",
          "\"advert_late_wakeups\":", "\"takeovers\":{\"owner\":"})
        EXPECT_NE(out.find(key), std::string::npos) << key << "\n" << out;
    auto table = lab.ctl("s2", "status");
    EXPECT_EQ(table.status, 0) << table.output;
    for (const char *column : {"STALL-GR", "LATE-EXP", "VRRP-OK", "EV-DROP"})
        EXPECT_NE(table.output.find(column), std::string::npos) << table.output;
}

TEST(ControlVerbs, ErrorsSayWhatAndExitCodesSayWho) {
    Lab lab;
    XvrrpdOptions owner = xvrrpd_options(255);
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);

    auto unknown = lab.ctl("s1", "set-priority db 50");
    EXPECT_EQ(unknown.status, 1) << unknown.output;
    EXPECT_NE(unknown.output.find("error: no instance 'db' (there are: web)"), std::string::npos)
        << unknown.output;

    for (const char *bad : {"set-priority web 0", "set-priority web 255", "set-priority web abc",
                            "set-priority web", "set-priority", "frobnicate", ""}) {
        auto r = lab.ctl("s1", bad);
        EXPECT_EQ(r.status, 2) << bad << ": " << r.output;
    }
    EXPECT_NE(lab.ctl("s1", "set-priority web 300").output.find("not in range 1 to 254"),
              std::string::npos);
    EXPECT_EQ(lab.status("s1")->priority, 150);  // nothing changed

    auto missing = sh(kXvrrpctl + " --socket " + lab.dir("s1") + "/nothing.sock status");
    EXPECT_EQ(missing.status, 3) << missing.output;
    EXPECT_NE(missing.output.find("is xvrrpd running?"), std::string::npos) << missing.output;

    auto denied = lab.ctl("s1", "status", kAsNobody);  // the socket is 0600
    EXPECT_EQ(denied.status, 3) << denied.output;
    EXPECT_NE(denied.output.find("Permission denied"), std::string::npos) << denied.output;
    EXPECT_NE(denied.output.find("control_socket_group"), std::string::npos) << denied.output;

    EXPECT_EQ(lab.stop("s1"), 0);
    // A socket file nobody listens on any more (what a killed daemon leaves).
    std::string stale = lab.dir("s1") + "/stale.sock";
    {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        stale.copy(addr.sun_path, sizeof addr.sun_path - 1);
        ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
        close(fd);
    }
    auto refused = sh(kXvrrpctl + " --socket " + stale + " events");
    EXPECT_EQ(refused.status, 3) << refused.output;
    EXPECT_NE(refused.output.find("xvrrpd is not running"), std::string::npos) << refused.output;

    lab.start_xvrrpd("s2", owner);
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    auto r = lab.ctl("s2", "set-priority web 100");
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("address owner"), std::string::npos) << r.output;
}

}  // namespace
}  // namespace xvrrp::e2e
