// A bad configuration is refused before anything on the host is touched: exit code 2, a
// compiler-style `PATH:LINE:...: error:` naming the line, and no link, address, XDP program,
// pin, socket, pid file or sysctl change left behind. `--check` changes nothing either.
#include <gtest/gtest.h>

#include <algorithm>
#include <ostream>
#include <string>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

// Everything of the host that xvrrpd could change.
std::string host_snapshot(const Lab &lab, const std::string &host) {
    std::string ns = lab.ns(host);
    std::string s;
    s += sh("ip -n " + ns + " -d -o link show").output;
    s += sh("ip -n " + ns + " -o addr show").output;
    s += sh("ip netns exec " + ns +
            " sysctl -a -r '^net\\.ipv4\\.(ip_nonlocal_bind|ip_forward|conf\\.)' 2>/dev/null")
             .output;
    s += sh("ls -A " + lab.dir(host)).output;
    s += sh("grep bpf /proc/self/mounts").output;
    return s;
}

// Replaces the line starting with `key` in the generated config; returns its 1-based number.
int replace_line(std::string &config, const std::string &key, const std::string &line) {
    size_t pos = config.find(key);
    if (pos == std::string::npos) throw std::runtime_error("no " + key + " in config");
    size_t end = config.find('\n', pos);
    config.replace(pos, end - pos, line);
    return 1 + static_cast<int>(std::count(config.begin(), config.begin() + pos, '\n'));
}

struct BadConfig {
    const char *name;
    const char *key;   // the line to replace
    const char *line;  // with this
};

void PrintTo(const BadConfig &c, std::ostream *os) {
    *os << c.name;
}

class BadConfigTest : public ::testing::TestWithParam<BadConfig> {};

TEST_P(BadConfigTest, ExitsTwoNamingTheLineAndChangesNothing) {
    Lab lab;
    std::string config = lab.xvrrpd_config("s1", xvrrpd_options(150));
    int line = replace_line(config, GetParam().key, GetParam().line);
    std::string path = lab.dir("s1") + "/bad.toml";
    Lab::write_file(path, config);
    std::string before = host_snapshot(lab, "s1");

    lab.start_xvrrpd_with("s1", path);
    int code = lab.wait_exit("s1");
    std::string log = lab.log("s1");
    EXPECT_EQ(code, 2) << log;
    std::string where = path + ":" + std::to_string(line) + ":";
    EXPECT_NE(log.find(where), std::string::npos) << "expected " << where << " in:\n" << log;
    EXPECT_NE(log.find("error:"), std::string::npos) << log;
    // The log file sits in dir("s1"): compare without it.
    EXPECT_EQ(sh("rm -f " + lab.dir("s1") + "/xvrrpd.log").status, 0);
    EXPECT_EQ(host_snapshot(lab, "s1"), before);
    EXPECT_FALSE(std::filesystem::exists(lab.pin_dir("s1")));
    EXPECT_FALSE(std::filesystem::exists(lab.control_socket("s1")));
    EXPECT_FALSE(std::filesystem::exists(lab.pid_file("s1")));
}

INSTANTIATE_TEST_SUITE_P(
    Xvrrpd, BadConfigTest,
    ::testing::Values(BadConfig{"VridOutOfRange", "vrid =", "vrid = 300"},
                      BadConfig{"MisspelledKey", "priority =", "prority = 150"},
                      BadConfig{"IntervalWithoutUnit", "advert_interval =", "advert_interval = 10"},
                      BadConfig{"TomlSyntax", "preempt =", "preempt = yes"}),
    [](const ::testing::TestParamInfo<BadConfig> &info) { return std::string(info.param.name); });

// A start-up that fails late (here: the control socket path is too long for a UNIX socket, found
// only after XDP is attached and dummy0 created) undoes what it did: exit 1, the reason in the
// log, no dummy0, no XDP program, no pid file, and ip_nonlocal_bind back to what it was.
TEST(FailedStartUp, UndoesWhatItChangedOnTheHost) {
    Lab lab;
    std::string config = lab.xvrrpd_config("s1", xvrrpd_options(150));
    std::string long_socket = lab.dir("s1") + "/" + std::string(120, 's') + ".sock";
    replace_line(config, "control_socket =", "control_socket = \"" + long_socket + "\"");
    std::string path = lab.dir("s1") + "/late-failure.toml";
    Lab::write_file(path, config);
    std::string ns = lab.ns("s1");
    auto sysctl = [&] {
        return sh("ip netns exec " + ns + " sysctl -n net.ipv4.ip_nonlocal_bind").output;
    };
    std::string bind_before = sysctl();

    lab.start_xvrrpd_with("s1", path);
    int code = lab.wait_exit("s1");
    std::string log = lab.log("s1");
    EXPECT_EQ(code, 1) << log;
    EXPECT_NE(log.find("control socket path too long"), std::string::npos) << log;
    EXPECT_NE(log.find("XDP attached"), std::string::npos) << "it failed late, as meant:\n" << log;
    EXPECT_NE(sh("ip -n " + ns + " link show dummy0").status, 0) << log;
    EXPECT_FALSE(lab.has_xdp("s1")) << log;
    EXPECT_EQ(sysctl(), bind_before) << log;
    EXPECT_FALSE(std::filesystem::exists(lab.pid_file("s1")));
}

TEST(Check, CheckReportsWithoutChangingTheHost) {
    Lab lab;
    std::string path = lab.config_path("s1");
    Lab::write_file(path, lab.xvrrpd_config("s1", xvrrpd_options(150)));
    std::string before = host_snapshot(lab, "s1");
    auto r = sh("ip netns exec " + lab.ns("s1") + " " + kXvrrpd + " --check --config " + path);
    EXPECT_FALSE(r.output.empty());
    EXPECT_NE(r.status, 2) << "a valid config was refused:\n" << r.output;
    EXPECT_EQ(host_snapshot(lab, "s1"), before) << r.output;
}

}  // namespace
}  // namespace xvrrp::e2e
