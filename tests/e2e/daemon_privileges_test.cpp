// After set-up the daemon keeps only the capabilities docs/operations.md lists, in every one of
// its threads and in its bounding set (so that nothing it runs can regain more), and still
// does everything a running daemon does: a failover, and a clean stop that detaches XDP,
// removes its pins and dummy0.
#include <gtest/gtest.h>
#include <linux/capability.h>
#include <sys/resource.h>
#include <sys/utsname.h>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

uint64_t bit(int cap) {
    return uint64_t(1) << cap;
}

// Kernels before 6.5 check CAP_BPF on every bpf() call while kernel.unprivileged_bpf_disabled
// is set; there the daemon keeps it for the maps it reads and writes (docs/operations.md).
bool kernel_checks_every_bpf_call() {
    utsname u{};
    uname(&u);
    int major = 0, minor = 0;
    sscanf(u.release, "%d.%d", &major, &minor);
    bool before_6_5 = major < 6 || (major == 6 && minor < 5);
    auto disabled = Lab::read_file("/proc/sys/kernel/unprivileged_bpf_disabled");
    return before_6_5 && !disabled.empty() && disabled[0] != '0';
}

// The documented set: see docs/operations.md, "Capabilities".
uint64_t documented_set(bool hooks_switch_user) {
    uint64_t set = bit(CAP_NET_ADMIN);  // single program: this kernel refuses the dispatcher
    rlimit memlock{};                   // the daemon inherits ours
    getrlimit(RLIMIT_MEMLOCK, &memlock);
    if (memlock.rlim_cur != RLIM_INFINITY) set |= bit(CAP_IPC_LOCK);
    if (kernel_checks_every_bpf_call()) set |= bit(CAP_BPF);
    if (hooks_switch_user) set |= bit(CAP_SETUID) | bit(CAP_SETGID) | bit(CAP_KILL);
    return set;
}

// "CapEff" etc. of every thread of `pid`, or a message saying which thread differs from `want`
// (empty when all match).
std::string threads_differing(pid_t pid, uint64_t want) {
    std::string problems;
    int threads = 0;
    for (const auto &task :
         std::filesystem::directory_iterator("/proc/" + std::to_string(pid) + "/task")) {
        threads++;
        std::ifstream status(task.path() / "status");
        std::string line;
        std::map<std::string, uint64_t> caps;
        while (std::getline(status, line))
            if (line.rfind("Cap", 0) == 0)
                caps[line.substr(0, line.find(':'))] =
                    std::stoull(line.substr(line.find(':') + 1), nullptr, 16);
        std::map<std::string, uint64_t> expected = {
            {"CapEff", want}, {"CapPrm", want}, {"CapBnd", want}, {"CapInh", 0}, {"CapAmb", 0}};
        for (auto &[name, value] : expected)
            if (caps[name] != value) {
                char buf[160];
                snprintf(buf, sizeof buf, "thread %s %s: %016llx, documented %016llx\n",
                         task.path().filename().c_str(), name.c_str(),
                         (unsigned long long)caps[name], (unsigned long long)value);
                problems += buf;
            }
    }
    if (threads < 2) problems += "expected the advert thread besides the main one\n";
    return problems;
}

TEST(Privileges, RunningDaemonsKeepTheDocumentedSetAndStillFailOverAndStopCleanly) {
    Lab lab;
    ASSERT_TRUE(start_pair(lab));
    uint64_t want = documented_set(false);
    for (const char *host : {"s1", "s2"}) {
        pid_t pid = lab.pid_of(host);
        ASSERT_GT(pid, 0) << host;
        EXPECT_EQ(threads_differing(pid, want), "") << host << "\n" << describe(lab);
    }
    lab.cut("s1");
    ASSERT_TRUE(lab.wait_state("s2", "MASTER")) << describe(lab);
    EXPECT_TRUE(wait_until([&] { return lab.holds_vip("s2"); })) << describe(lab);

    EXPECT_EQ(lab.stop("s2"), 0) << describe(lab);
    EXPECT_FALSE(lab.has_xdp("s2")) << lab.log("s2");
    EXPECT_FALSE(lab.holds_vip("s2"));
    EXPECT_NE(sh("ip -n " + lab.ns("s2") + " link show dummy0").status, 0) << lab.log("s2");
    EXPECT_TRUE(!std::filesystem::exists(lab.pin_dir("s2")) ||
                std::filesystem::is_empty(lab.pin_dir("s2")));
    EXPECT_EQ(lab.log("s2").find("error"), std::string::npos) << lab.log("s2");
}

TEST(Privileges, HooksRunAsAnotherUserAddWhatSwitchingAndKillingThemNeeds) {
    Lab lab;
    XvrrpdOptions o = xvrrpd_options(150);
    o.extra = "[instance.notify]\nuser = \"nobody\"\nmaster = [\"/bin/true\"]\n";
    lab.start_xvrrpd("s1", o);
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    EXPECT_EQ(threads_differing(lab.pid_of("s1"), documented_set(true)), "") << describe(lab);
    EXPECT_EQ(lab.stop("s1"), 0) << describe(lab);
    EXPECT_FALSE(lab.has_xdp("s1")) << lab.log("s1");
}

}  // namespace
}  // namespace xvrrp::e2e
