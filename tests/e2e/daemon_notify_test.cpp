// Notify hooks get nothing of the daemon but what docs/operations.md promises: a fixed PATH and
// their XVRRP_* variables, stdin on /dev/null, stdout and stderr, the configured user's
// credentials, and a time limit after which they are killed with whatever they started. The
// loop does not wait for them; a clean stop does, up to their time limit.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/stat.h>

#include <cstdlib>
#include <regex>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

const std::string kHookPath = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin";

// A directory anyone can write to, for what hooks record.
std::string hook_dir(const Lab &lab, const std::string &host) {
    std::string d = lab.dir(host) + "/hooks";
    std::filesystem::create_directories(d);
    chmod(d.c_str(), 0777);
    return d;
}

// An `any` hook that writes, for each state, DIR/STATE.txt: its credentials, its open
// descriptors (the shell's own, listed by ls from /proc), its capabilities and its environment.
std::string recording_hook(const std::string &dir, const std::string &more = "") {
    std::string script = "exec >" + dir +
                         "/$3.txt 2>&1; echo \"uid $(id -u) gid $(id -g) groups $(id -G)\"; "
                         "ls -l /proc/$$/fd; "
                         "grep -E \"^Cap(Eff|Bnd)\" /proc/$$/status; echo env; env";
    return "[instance.notify]\n" + more + "any = [\"/bin/sh\", \"-c\", '" + script +
           "', \"hook\"]\n";
}

struct Recorded {
    std::string raw, ids;
    std::map<std::string, std::string> fds, env, caps;
};

Recorded parse(const std::string &text) {
    Recorded r;
    r.raw = text;
    std::istringstream in(text);
    std::string line;
    bool env = false;
    while (std::getline(in, line)) {
        if (line == "env") {
            env = true;
        } else if (env) {
            auto eq = line.find('=');
            if (eq != std::string::npos) r.env[line.substr(0, eq)] = line.substr(eq + 1);
        } else if (line.rfind("uid ", 0) == 0) {
            r.ids = line;
        } else if (auto arrow = line.find(" -> "); arrow != std::string::npos) {
            // ls -l: "lr-x------ 1 root root 64 Dec  1 03:01 0 -> /dev/null"
            auto sp = line.rfind(' ', arrow - 1);
            r.fds[line.substr(sp + 1, arrow - sp - 1)] = line.substr(arrow + 4);
        } else if (line.rfind("Cap", 0) == 0) {
            r.caps[line.substr(0, 6)] = line.substr(line.find_first_not_of(" \t:", 6));
        }
    }
    return r;
}

std::optional<Recorded> wait_recorded(const std::string &path) {
    std::optional<Recorded> r;
    wait_until([&] {
        auto text = Lab::read_file(path);
        if (text.find("\nenv\n") == std::string::npos) return false;
        std::this_thread::sleep_for(200ms);  // let env finish writing
        r = parse(Lab::read_file(path));
        return true;
    });
    return r;
}

TEST(Notify, AHookGetsACleanEnvironmentAndOnlyStdinStdoutStderr) {
    Lab lab;
    std::string dir = hook_dir(lab, "s1");
    XvrrpdOptions o = xvrrpd_options(150);
    o.extra = recording_hook(dir);
    setenv("XVRRP_TEST_SECRET", "from the daemon's environment", 1);
    lab.start_xvrrpd("s1", o);
    unsetenv("XVRRP_TEST_SECRET");
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    auto r = wait_recorded(dir + "/MASTER.txt");
    ASSERT_TRUE(r) << describe(lab);

    EXPECT_EQ(r->ids, "uid 0 gid 0 groups 0") << r->raw;
    EXPECT_EQ(r->fds.size(), 3u) << r->raw;  // 0, 1 and 2 (here all redirected by the hook)
    EXPECT_EQ(r->fds["0"], "/dev/null") << r->raw;
    EXPECT_EQ(r->env["PATH"], kHookPath) << r->raw;
    EXPECT_EQ(r->env["XVRRP_INSTANCE"], "web");
    EXPECT_EQ(r->env["XVRRP_STATE"], "MASTER");
    EXPECT_EQ(r->env["XVRRP_PRIORITY"], "150");
    EXPECT_EQ(r->env["XVRRP_INTERFACE"], "eth0");
    EXPECT_EQ(r->env["XVRRP_VRID"], "51");
    // Nothing else, but what the shell itself adds.
    std::set<std::string> allowed = {"PATH",
                                     "XVRRP_INSTANCE",
                                     "XVRRP_STATE",
                                     "XVRRP_PRIORITY",
                                     "XVRRP_INTERFACE",
                                     "XVRRP_VRID",
                                     "PWD",
                                     "SHLVL",
                                     "_"};
    for (auto &[name, value] : r->env) EXPECT_TRUE(allowed.count(name)) << name << "=" << value;
    // A root hook has the daemon's capabilities, no more (the daemon's bounding set).
    auto daemon = parse(
        sh("grep -E '^Cap(Eff|Bnd)' /proc/" + std::to_string(lab.pid_of("s1")) + "/status").output);
    EXPECT_EQ(r->caps["CapEff"], daemon.caps["CapEff"]) << r->raw;
    EXPECT_EQ(r->caps["CapBnd"], daemon.caps["CapBnd"]) << r->raw;
}

TEST(Notify, AHookRunsAsTheConfiguredUserWithItsGroupsAndNoCapabilities) {
    Lab lab;
    std::string dir = hook_dir(lab, "s1");
    XvrrpdOptions o = xvrrpd_options(150);
    o.extra = recording_hook(dir, "user = \"nobody\"\n");
    lab.start_xvrrpd("s1", o);
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    auto r = wait_recorded(dir + "/MASTER.txt");
    ASSERT_TRUE(r) << describe(lab);
    EXPECT_EQ(r->ids, "uid 65534 gid 65534 groups 65534") << r->raw;
    EXPECT_EQ(r->caps["CapEff"], "0000000000000000") << r->raw;
    EXPECT_EQ(r->fds.size(), 3u) << r->raw;
    struct stat st;
    ASSERT_EQ(stat((dir + "/MASTER.txt").c_str(), &st), 0);
    EXPECT_EQ(st.st_uid, 65534u);
}

// Processes in the host's namespace whose command line contains `what`.
int processes_with(const Lab &lab, const std::string &host, const std::string &what) {
    auto pids = sh("ip netns pids " + lab.ns(host)).output;
    std::istringstream in(pids);
    int count = 0;
    std::string pid;
    while (in >> pid) {
        std::string cmd = Lab::read_file("/proc/" + pid + "/cmdline");
        for (auto &c : cmd)
            if (c == '\0') c = ' ';
        if (cmd.find(what) != std::string::npos) count++;
    }
    return count;
}

TEST(Notify, AHookThatNeverEndsIsKilledAtItsTimeLimitWithWhatItStarted) {
    Lab lab;
    XvrrpdOptions o = xvrrpd_options(150);
    o.extra =
        "[instance.notify]\ntimeout = \"2s\"\n"
        "master = [\"/bin/sh\", \"-c\", \"sleep 1001 & sleep 1002; true\"]\n";
    lab.start_xvrrpd("s1", o);
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    // The loop does not wait for it.
    EXPECT_TRUE(lab.status("s1").has_value()) << describe(lab);
    EXPECT_TRUE(wait_until([&] {
        return lab.log("s1").find("still running after 2.0 s (notify.timeout): killed") !=
               std::string::npos;
    })) << describe(lab);
    EXPECT_TRUE(wait_until([&] {
        return processes_with(lab, "s1", "sleep 1001") + processes_with(lab, "s1", "sleep 1002") ==
               0;
    })) << sh("ip netns pids " + lab.ns("s1") + " | xargs -r ps -o pid,pgid,args -p").output;
    EXPECT_EQ(lab.state("s1"), "MASTER") << describe(lab);
}

TEST(Notify, ACleanStopWaitsForTheStopHook) {
    Lab lab;
    std::string dir = hook_dir(lab, "s1");
    XvrrpdOptions o = xvrrpd_options(150);
    o.extra = "[instance.notify]\nstop = [\"/bin/sh\", \"-c\", \"sleep 1; echo done > " + dir +
              "/stopped\"]\n";
    lab.start_xvrrpd("s1", o);
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    EXPECT_EQ(lab.stop("s1"), 0) << describe(lab);
    EXPECT_EQ(Lab::read_file(dir + "/stopped"), "done\n") << lab.log("s1");
}

TEST(Notify, AHookThatCannotStartIsLoggedAndTheDaemonRunsOn) {
    Lab lab;
    XvrrpdOptions o = xvrrpd_options(150);
    o.extra = "[instance.notify]\nmaster = [\"/nonexistent/hook\"]\n";
    lab.start_xvrrpd("s1", o);
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    EXPECT_TRUE(wait_until([&] {
        return lab.log("s1").find("notify /nonexistent/hook: execve: No such file or directory") !=
               std::string::npos;
    })) << describe(lab);
    EXPECT_TRUE(lab.running("s1"));
}

TEST(Notify, AnUnknownUserStopsTheStartBeforeTheHostIsTouched) {
    Lab lab;
    XvrrpdOptions o = xvrrpd_options(150);
    o.extra = "[instance.notify]\nuser = \"xvrrp-no-such-user\"\nmaster = [\"/bin/true\"]\n";
    lab.start_xvrrpd("s1", o);
    EXPECT_EQ(lab.wait_exit("s1"), 1) << describe(lab);
    EXPECT_NE(lab.log("s1").find("no such user"), std::string::npos) << lab.log("s1");
    EXPECT_FALSE(lab.has_xdp("s1"));
    EXPECT_FALSE(std::filesystem::exists(lab.pid_file("s1")));
}

// What is in the FIFO now (read end non-blocking).
std::string drain(int fd) {
    std::string out;
    char buf[4096];
    for (ssize_t n; (n = read(fd, buf, sizeof buf)) > 0;) out.append(buf, size_t(n));
    return out;
}

// keepalived's notify_fifo: one line per state change, in keepalived's format; and a hook
// written as one string, split as keepalived splits it.
TEST(Notify, TheFifoGetsKeepalivedsLineForEachChangeAndAStringHookIsSplit) {
    Lab lab;
    const std::string fifo = lab.dir("s1") + "/notify.fifo";
    ASSERT_EQ(mkfifo(fifo.c_str(), 0600), 0);
    int reader = open(fifo.c_str(), O_RDONLY | O_NONBLOCK);
    ASSERT_GE(reader, 0);
    const std::string dir = hook_dir(lab, "s1");
    XvrrpdOptions o = xvrrpd_options(150);
    o.daemon_extra = "notify_fifo = \"" + fifo + "\"\n";
    o.extra = "[instance.notify]\nmaster = \"/bin/sh -c 'echo \\\"$0 $1\\\" > " + dir +
              "/master.txt' hook 'two words'\"\n";
    lab.start_xvrrpd("s1", o);
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    std::string lines;
    EXPECT_TRUE(wait_until([&] {
        lines += drain(reader);
        return lines.find("MASTER") != std::string::npos;
    })) << lines;
    EXPECT_EQ(lines, "INSTANCE \"web\" BACKUP 150\nINSTANCE \"web\" MASTER 150\n");
    EXPECT_TRUE(wait_until([&] {
        return Lab::read_file(dir + "/master.txt") == "hook two words\n";
    })) << Lab::read_file(dir + "/master.txt")
        << lab.log("s1");
    ASSERT_EQ(lab.stop("s1"), 0) << lab.log("s1");
    lines = drain(reader);
    close(reader);
    EXPECT_TRUE(std::regex_match(lines, std::regex("INSTANCE \"web\" STOP [0-9]+\n"))) << lines;
}

TEST(Notify, TheFifoIsCreatedWhenMissingAndAPathThatIsNoFifoStopsTheStart) {
    Lab lab;
    const std::string fifo = lab.dir("s1") + "/notify.fifo";
    XvrrpdOptions o = xvrrpd_options(150);
    o.daemon_extra = "notify_fifo = \"" + fifo + "\"\n";
    lab.start_xvrrpd("s1", o);
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    struct stat st {};
    ASSERT_EQ(lstat(fifo.c_str(), &st), 0);
    EXPECT_TRUE(S_ISFIFO(st.st_mode));
    EXPECT_EQ(st.st_mode & 0777, 0600u);
    EXPECT_NE(lab.log("s1").find("notify_fifo " + fifo + ": created"), std::string::npos)
        << lab.log("s1");
    ASSERT_EQ(lab.stop("s1"), 0) << lab.log("s1");

    std::filesystem::remove(fifo);
    Lab::write_file(fifo, "a plain file\n");
    Lab::write_file(lab.log_path("s1"), "");
    lab.start_xvrrpd("s1", o);
    EXPECT_EQ(lab.wait_exit("s1"), 1) << lab.log("s1");
    EXPECT_NE(lab.log("s1").find("notify_fifo " + fifo + " exists and is not a FIFO"),
              std::string::npos)
        << lab.log("s1");
}

}  // namespace
}  // namespace xvrrp::e2e
