// The pid file: locked for the daemon's whole life, so that the lock, not the number in it,
// says whether an xvrrpd runs: a stale pid (now another process's) never blocks a start, a
// locked file always does (naming the pid), and a symbolic link is never followed.
#include <gtest/gtest.h>
#include <sys/stat.h>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

TEST(PidFile, AStalePidOfAnotherLiveProcessDoesNotBlockTheStart) {
    Lab lab;
    // What a killed daemon leaves when its pid has since gone to another process: here, ours.
    Lab::write_file(lab.pid_file("s1"), std::to_string(getpid()) + "\n");
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    EXPECT_NE(lab.pid_of("s1"), getpid());
    EXPECT_GT(lab.pid_of("s1"), 0);
    EXPECT_EQ(lab.stop("s1"), 0) << describe(lab);
    EXPECT_FALSE(std::filesystem::exists(lab.pid_file("s1")));
}

TEST(PidFile, IsLockedWhileTheDaemonRunsAndASecondDaemonIsRefusedNamingThePid) {
    Lab lab;
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    pid_t pid = lab.pid_of("s1");
    // flock -n fails while someone holds the lock.
    EXPECT_EQ(sh("flock -n " + lab.pid_file("s1") + " true").status, 1);

    // A second daemon with the same pid file (its own socket and pins): refused before it
    // touches anything.
    auto r = lab.run_second_xvrrpd("s1", xvrrpd_options(150),
                                   {{lab.control_socket("s1"), lab.dir("s1") + "/second.sock"},
                                    {lab.pin_dir("s1"), lab.dir("s1") + "/second-bpf"}});
    EXPECT_EQ(r.status, 1) << r.output;
    EXPECT_NE(r.output.find("already runs as pid " + std::to_string(pid)), std::string::npos)
        << r.output;
    EXPECT_EQ(lab.pid_of("s1"), pid);
    EXPECT_EQ(lab.state("s1"), "MASTER") << describe(lab);
    EXPECT_TRUE(lab.has_xdp("s1"));
}

TEST(PidFile, ASymbolicLinkIsRefusedAndItsTargetLeftAlone) {
    Lab lab;
    std::string target = lab.dir("s1") + "/precious";
    Lab::write_file(target, "precious\n");
    ASSERT_EQ(symlink(target.c_str(), lab.pid_file("s1").c_str()), 0);
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    EXPECT_EQ(lab.wait_exit("s1"), 1) << describe(lab);
    EXPECT_NE(lab.log("s1").find("is a symbolic link"), std::string::npos) << lab.log("s1");
    EXPECT_EQ(Lab::read_file(target), "precious\n");
    EXPECT_FALSE(lab.has_xdp("s1"));
}

TEST(PidFile, AMissingDirectoryIsCreated0755) {
    Lab lab;
    std::string dir = lab.dir("s1") + "/run/xvrrp";
    std::string config = lab.xvrrpd_config("s1", xvrrpd_options(150));
    config.replace(config.find(lab.pid_file("s1")), lab.pid_file("s1").size(), dir + "/xvrrpd.pid");
    Lab::write_file(lab.config_path("s1"), config);
    mode_t old = umask(0);
    lab.start_xvrrpd_with("s1", lab.config_path("s1"));
    umask(old);
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    struct stat st;
    ASSERT_EQ(stat(dir.c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0755u);
    ASSERT_EQ(stat((dir + "/xvrrpd.pid").c_str(), &st), 0);
    EXPECT_EQ(st.st_mode & 07777, 0644u);
}

}  // namespace
}  // namespace xvrrp::e2e
