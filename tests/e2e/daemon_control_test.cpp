// The control socket as local users meet it: clients that hang up, say nothing or flood it
// neither kill the daemon nor hold up other clients or a takeover; only root, the daemon's
// user and members of control_socket_group are answered; the socket is created 0600 (0660 for
// the group) whatever the umask, and never where another daemon listens or over a file that
// is not a socket. The status counts each entry into MASTER.
#include <gtest/gtest.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <atomic>
#include <thread>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

// A connection to a control socket, closed when it goes.
class Connection {
  public:
    explicit Connection(const std::string &path) {
        fd_ = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        path.copy(addr.sun_path, sizeof addr.sun_path - 1);
        if (fd_ >= 0 && connect(fd_, reinterpret_cast<sockaddr *>(&addr), sizeof addr) != 0) {
            close(fd_);
            fd_ = -1;
        }
    }
    ~Connection() {
        if (fd_ >= 0) close(fd_);
    }
    Connection(const Connection &) = delete;
    Connection &operator=(const Connection &) = delete;

    bool ok() const { return fd_ >= 0; }
    void send_text(const std::string &s) const {
        [[maybe_unused]] auto n = send(fd_, s.data(), s.size(), MSG_NOSIGNAL);
    }
    // True while the daemon has not closed its end (nothing to read yet, no EOF).
    bool open_on_daemon_side() const {
        char c;
        return recv(fd_, &c, 1, MSG_DONTWAIT | MSG_PEEK) < 0 && errno == EAGAIN;
    }
    // Everything the daemon sends until it closes (blocking).
    std::string read_all() const {
        std::string out;
        char buf[4096];
        ssize_t n;
        while ((n = recv(fd_, buf, sizeof buf, 0)) > 0) out.append(buf, static_cast<size_t>(n));
        return out;
    }

  private:
    int fd_ = -1;
};

bool answers(const Lab &lab, const std::string &host) {
    auto s = lab.status(host);
    return s && !s->state.empty();
}

TEST(ControlSocket, ClientsThatHangUpBeforeTheAnswerDoNotKillTheDaemon) {
    Lab lab;
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    for (int i = 0; i < 300; i++) {
        Connection c(lab.control_socket("s1"));
        ASSERT_TRUE(c.ok()) << "connection " << i << "\n" << describe(lab);
        c.send_text("status --json\n");
    }  // closed without reading: the daemon's answer meets a closed socket
    for (int i = 0; i < 10; i++) lab.ctl("s1", "status", "timeout 0.05 ");
    EXPECT_TRUE(lab.running("s1")) << describe(lab);
    EXPECT_TRUE(answers(lab, "s1")) << describe(lab);
    EXPECT_EQ(lab.stop("s1"), 0) << describe(lab);
}

TEST(ControlSocket, SilentClientsDoNotHoldUpOthersAndAreClosedLater) {
    Lab lab;
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    std::vector<std::unique_ptr<Connection>> silent;
    for (int i = 0; i < 12; i++)
        silent.push_back(std::make_unique<Connection>(lab.control_socket("s1")));
    auto r = lab.ctl("s1", "status --json");
    EXPECT_EQ(r.status, 0) << r.output << describe(lab);
    EXPECT_NE(r.output.find("\"state\":\"MASTER\""), std::string::npos) << r.output;
    // Answered without first getting rid of the silent ones (a loop that blocks on each in
    // turn would have had to time them out before reaching ours).
    int still_open = 0;
    for (auto &c : silent) still_open += c->open_on_daemon_side();
    EXPECT_EQ(still_open, 12) << describe(lab);
    // Idle connections do not stay forever.
    EXPECT_TRUE(wait_until([&] {
        return std::none_of(silent.begin(), silent.end(),
                            [](auto &c) { return c->open_on_daemon_side(); });
    })) << describe(lab);
}

TEST(ControlSocket, StatusAnswersAndTheBackupTakesOverDuringAConnectionFlood) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    std::vector<std::unique_ptr<Connection>> silent;
    for (int i = 0; i < 12; i++)
        silent.push_back(std::make_unique<Connection>(lab.control_socket("s2")));
    std::atomic<bool> stop{false};
    std::atomic<long> connects{0};
    std::vector<std::thread> flood;
    for (int t = 0; t < 4; t++)
        flood.emplace_back([&, t] {
            std::vector<std::unique_ptr<Connection>> held;
            while (!stop) {
                auto c = std::make_unique<Connection>(lab.control_socket("s2"));
                connects++;
                if (t % 2) held.push_back(std::move(c));  // some stay open, silent
                if (held.size() > 50) held.erase(held.begin());
            }
        });
    EXPECT_TRUE(wait_until([&] { return connects > 200; })) << describe(lab);
    std::string failure;
    for (int i = 0; i < 5 && failure.empty(); i++) {
        auto r = lab.ctl("s2", "status --json");
        if (r.status != 0) failure = "xvrrpctl status failed during the flood: " + r.output;
    }
    lab.cut("s1");
    bool took_over =
        lab.wait_state("s2", "MASTER") && wait_until([&] { return lab.holds_vip("s2"); });
    stop = true;
    for (auto &t : flood) t.join();
    EXPECT_EQ(failure, "");
    EXPECT_TRUE(took_over) << connects << " connects\n" << describe(lab);
    EXPECT_TRUE(lab.running("s2")) << describe(lab);
}

long became_master(const Lab &lab, const std::string &host) {
    auto s = lab.status(host);
    return s ? s->became_master : -1;
}

// `became_master` in the status counts the daemon's entries into MASTER, so that a benchmark
// counts takeovers from the daemon instead of from its log.
TEST(ControlSocket, StatusCountsEachEntryIntoMaster) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    EXPECT_EQ(became_master(lab, "s1"), 1) << describe(lab);
    EXPECT_EQ(became_master(lab, "s2"), 0) << describe(lab);

    lab.cut("s1");  // s1's link goes down (FAULT), s2 takes over
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    EXPECT_EQ(became_master(lab, "s2"), 1) << describe(lab);

    lab.restore("s1");  // s1 comes back and preempts: its second entry
    ASSERT_TRUE(lab.wait_states("MASTER", "BACKUP")) << describe(lab);
    EXPECT_EQ(became_master(lab, "s1"), 2) << describe(lab);
    EXPECT_EQ(became_master(lab, "s2"), 1) << describe(lab);

    lab.cut("s1");
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    EXPECT_EQ(became_master(lab, "s2"), 2) << describe(lab);
}

TEST(ControlSocket, ManySilentClientsMakeRoomForANewOne) {
    Lab lab;
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    std::vector<std::unique_ptr<Connection>> silent;
    for (int i = 0; i < 60; i++)
        silent.push_back(std::make_unique<Connection>(lab.control_socket("s1")));
    auto r = lab.ctl("s1", "status");
    EXPECT_EQ(r.status, 0) << r.output << describe(lab);
    EXPECT_TRUE(wait_until([&] {
        return lab.log("s1").find("closed the oldest") != std::string::npos;
    })) << describe(lab);
}

TEST(ControlSocket, ALongRequestIsRefusedWithoutReadingOn) {
    Lab lab;
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    Connection c(lab.control_socket("s1"));
    c.send_text(std::string(1000, 's'));
    EXPECT_NE(c.read_all().find("error: request longer than 256 bytes"), std::string::npos);
    EXPECT_TRUE(answers(lab, "s1")) << describe(lab);
}

// Mode bits of the file, or -1.
int mode_of(const std::string &path) {
    struct stat st;
    return stat(path.c_str(), &st) == 0 ? static_cast<int>(st.st_mode & 07777) : -1;
}

TEST(ControlSocket, IsCreated0600WhateverTheUmaskAndRefusesOtherUsers) {
    Lab lab;
    mode_t old = umask(0);  // the daemon inherits it
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    umask(old);
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    EXPECT_EQ(mode_of(lab.control_socket("s1")), 0600);
    auto r = lab.ctl("s1", "status", kAsNobody);
    EXPECT_NE(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("Permission denied"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("MASTER"), std::string::npos) << r.output;
}

TEST(ControlSocket, ChecksThePeersCredentialsAndLogsRefusalsWithoutFlooding) {
    Lab lab;
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    // Opened up by hand: the file no longer keeps anyone out.
    ASSERT_EQ(chmod(lab.control_socket("s1").c_str(), 0666), 0);
    auto r = lab.ctl("s1", "status", kAsNobody);
    EXPECT_NE(r.status, 0) << r.output;
    EXPECT_NE(r.output.find("error: only root"), std::string::npos) << r.output;
    EXPECT_EQ(r.output.find("MASTER"), std::string::npos) << r.output;
    for (int i = 0; i < 200; i++) lab.ctl("s1", "status", kAsNobody + "timeout 5 ");
    auto log = lab.log("s1");
    EXPECT_NE(log.find("refused uid 65534"), std::string::npos) << log;
    size_t lines = 0;
    for (size_t at = log.find("control socket: refused"); at != std::string::npos;
         at = log.find("control socket: refused", at + 1))
        lines++;
    EXPECT_LE(lines, 4u) << log;
    EXPECT_TRUE(answers(lab, "s1")) << describe(lab);
}

TEST(ControlSocket, AConfiguredGroupGets0660AndItsMembersAreAnswered) {
    Lab lab;
    XvrrpdOptions o = xvrrpd_options(150);
    o.daemon_extra = "control_socket_group = \"nogroup\"";
    lab.start_xvrrpd("s1", o);
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    struct stat st;
    ASSERT_EQ(stat(lab.control_socket("s1").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0660u);
    EXPECT_EQ(st.st_gid, 65534u);
    auto member = lab.ctl("s1", "status --json", kAsNobody);  // gid 65534: nogroup
    EXPECT_EQ(member.status, 0) << member.output << describe(lab);
    EXPECT_NE(member.output.find("\"state\":\"MASTER\""), std::string::npos) << member.output;
    auto other = lab.ctl("s1", "status", "setpriv --reuid=65533 --regid=65533 --clear-groups ");
    EXPECT_NE(other.status, 0) << other.output;
}

TEST(ControlSocket, AnUnknownGroupStopsTheStartBeforeTheHostIsTouched) {
    Lab lab;
    XvrrpdOptions o = xvrrpd_options(150);
    o.daemon_extra = "control_socket_group = \"xvrrp-no-such-group\"";
    lab.start_xvrrpd("s1", o);
    EXPECT_EQ(lab.wait_exit("s1"), 1) << describe(lab);
    EXPECT_NE(lab.log("s1").find("no such group"), std::string::npos) << lab.log("s1");
    EXPECT_FALSE(lab.has_xdp("s1"));
    EXPECT_NE(sh("ip -n " + lab.ns("s1") + " link show dummy0").status, 0);
}

TEST(ControlSocket, ARegularFileAtThePathIsLeftAloneAndStopsTheStart) {
    Lab lab;
    Lab::write_file(lab.control_socket("s1"), "precious\n");
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    EXPECT_EQ(lab.wait_exit("s1"), 1) << describe(lab);
    EXPECT_NE(lab.log("s1").find("is a regular file"), std::string::npos) << lab.log("s1");
    EXPECT_EQ(Lab::read_file(lab.control_socket("s1")), "precious\n");
    EXPECT_FALSE(lab.has_xdp("s1"));
}

TEST(ControlSocket, AnotherDaemonListeningThereStopsTheStartAndKeepsRunning) {
    Lab lab;
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    // A second daemon in the same place with its own pid file and pins, the same socket.
    auto r = lab.run_second_xvrrpd("s1", xvrrpd_options(150),
                                   {{lab.pid_file("s1"), lab.dir("s1") + "/second.pid"},
                                    {lab.pin_dir("s1"), lab.dir("s1") + "/second-bpf"}});
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("another process (another xvrrpd?) is listening"), std::string::npos)
        << r.output;
    EXPECT_TRUE(answers(lab, "s1")) << describe(lab);
    EXPECT_TRUE(lab.has_xdp("s1"));
    EXPECT_EQ(lab.stop("s1"), 0) << describe(lab);
}

TEST(ControlSocket, AStaleSocketIsReplacedAndAMissingDirectoryCreated0755) {
    Lab lab;
    // A socket nobody listens on: what a killed daemon leaves.
    std::string stale = lab.control_socket("s1");
    {
        int fd = socket(AF_UNIX, SOCK_STREAM, 0);
        sockaddr_un addr{};
        addr.sun_family = AF_UNIX;
        stale.copy(addr.sun_path, sizeof addr.sun_path - 1);
        ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0);
        close(fd);
    }
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    EXPECT_NE(lab.log("s1").find("replaced a stale socket"), std::string::npos) << lab.log("s1");
    lab.stop("s1");

    std::string deep = lab.dir("s2") + "/run/xvrrp/xvrrpd.sock";
    std::string config = lab.xvrrpd_config("s2", xvrrpd_options(100));
    config.replace(config.find(lab.control_socket("s2")), lab.control_socket("s2").size(), deep);
    Lab::write_file(lab.config_path("s2"), config);
    mode_t old = umask(0);
    lab.start_xvrrpd_with("s2", lab.config_path("s2"));
    umask(old);
    EXPECT_TRUE(wait_until([&] {
        return sh(kXvrrpctl + " --socket " + deep + " status").status == 0;
    })) << describe(lab);
    EXPECT_EQ(mode_of(lab.dir("s2") + "/run"), 0755);
    EXPECT_EQ(mode_of(lab.dir("s2") + "/run/xvrrp"), 0755);
    EXPECT_EQ(mode_of(deep), 0600);
}

}  // namespace
}  // namespace xvrrp::e2e
