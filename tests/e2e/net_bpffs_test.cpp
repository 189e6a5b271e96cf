// bpffs under the pin directory, including the `ip netns exec` case where /sys is remounted
// and /sys/fs/bpf is a plain sysfs directory. Each case runs in a forked child with its own
// mount namespace so the host's mounts are never touched.
#include <sched.h>
#include <sys/mount.h>
#include <sys/wait.h>

#include <gtest/gtest.h>

#include <cstdlib>
#include <functional>

#include "common/fd.h"
#include "net/bpffs.h"

namespace xvrrp::net {
namespace {

// Runs `body` in a child process with a private mount namespace. `body` returns "" on
// success or what went wrong, which comes back to the test through a pipe.
std::string in_private_mount_ns(const std::function<std::string()> &body) {
    int fds[2];
    if (pipe(fds) != 0) return "pipe failed";
    UniqueFd rd(fds[0]), wr(fds[1]);
    pid_t pid = fork();
    if (pid == 0) {
        rd.reset();
        std::string err;
        if (unshare(CLONE_NEWNS) != 0 ||
            mount(nullptr, "/", nullptr, MS_REC | MS_PRIVATE, nullptr) != 0) {
            err = std::string("private mount namespace: ") + strerror(errno);
        } else {
            try {
                err = body();
            } catch (const std::exception &e) {
                err = std::string("threw: ") + e.what();
            }
        }
        if (!err.empty() && write(wr.get(), err.data(), err.size()) < 0) _exit(2);
        _exit(err.empty() ? 0 : 1);
    }
    wr.reset();
    std::string out;
    char buf[512];
    ssize_t n;
    while ((n = read(rd.get(), buf, sizeof buf)) > 0) out.append(buf, static_cast<size_t>(n));
    int st = 0;
    waitpid(pid, &st, 0);
    if (out.empty() && !(WIFEXITED(st) && WEXITSTATUS(st) == 0)) out = "child failed";
    return out;
}

#define CHECK_OR_RETURN(cond, what) \
    if (!(cond)) return std::string(what)

TEST(Bpffs, MountsAtSysFsBpfWhenSysWasRemountedLikeIpNetnsExec) {
    auto err = in_private_mount_ns([]() -> std::string {
        // What `ip netns exec` does: a fresh sysfs on /sys, without the bpffs mount.
        CHECK_OR_RETURN(umount2("/sys", MNT_DETACH) == 0, "umount /sys");
        CHECK_OR_RETURN(mount("sysfs", "/sys", "sysfs", 0, nullptr) == 0, "mount sysfs");
        CHECK_OR_RETURN(!is_bpffs("/sys/fs/bpf"), "/sys/fs/bpf is still bpffs");

        auto plan = check_bpffs("/sys/fs/bpf/xvrrp");
        CHECK_OR_RETURN(!plan.ok && plan.mounted && plan.mount_point == "/sys/fs/bpf",
                        "check: " + plan.text);
        CHECK_OR_RETURN(!is_bpffs("/sys/fs/bpf"), "check mounted something");

        auto done = ensure_bpffs("/sys/fs/bpf/xvrrp");
        CHECK_OR_RETURN(done.ok && done.mounted && done.created_dir, "ensure: " + done.text);
        CHECK_OR_RETURN(done.text ==
                            "/sys/fs/bpf/xvrrp: mounted bpffs at /sys/fs/bpf, created "
                            "the directory",
                        "ensure text: " + done.text);
        CHECK_OR_RETURN(is_bpffs("/sys/fs/bpf/xvrrp"), "pin dir not on bpffs");

        auto again = ensure_bpffs("/sys/fs/bpf/xvrrp");
        CHECK_OR_RETURN(again.ok && !again.mounted && !again.created_dir, "again: " + again.text);
        auto check = check_bpffs("/sys/fs/bpf/xvrrp/");
        CHECK_OR_RETURN(check.ok, "check after: " + check.text);
        return "";
    });
    EXPECT_EQ(err, "");
}

TEST(Bpffs, CreatesOnlyTheDirectoryWhenBpffsIsAlreadyThere) {
    auto err = in_private_mount_ns([]() -> std::string {
        char tmpl[] = "/tmp/xvbpffsXXXXXX";
        CHECK_OR_RETURN(mkdtemp(tmpl), "mkdtemp");
        std::string base = tmpl;
        CHECK_OR_RETURN(mount("bpf", base.c_str(), "bpf", 0, nullptr) == 0, "mount bpf");
        std::string pin = base + "/a/b";
        auto plan = check_bpffs(pin);
        CHECK_OR_RETURN(!plan.ok && !plan.mounted && plan.created_dir, "check: " + plan.text);
        auto done = ensure_bpffs(pin);
        CHECK_OR_RETURN(done.ok && !done.mounted && done.created_dir, "ensure: " + done.text);
        CHECK_OR_RETURN(is_bpffs(pin), "pin dir not on bpffs");
        umount2(base.c_str(), MNT_DETACH);
        rmdir(base.c_str());
        return "";
    });
    EXPECT_EQ(err, "");
}

TEST(Bpffs, MountsAtThePinDirItselfOutsideSysFsBpf) {
    auto err = in_private_mount_ns([]() -> std::string {
        char tmpl[] = "/tmp/xvbpffsXXXXXX";
        CHECK_OR_RETURN(mkdtemp(tmpl), "mkdtemp");
        std::string base = tmpl;
        std::string pin = base + "/pins";
        auto done = ensure_bpffs(pin);
        bool ok =
            done.ok && done.mounted && done.mount_point == pin && is_bpffs(pin) && !is_bpffs(base);
        umount2(pin.c_str(), MNT_DETACH);
        rmdir(pin.c_str());
        rmdir(base.c_str());
        CHECK_OR_RETURN(ok, "ensure: " + done.text + " (mount point " + done.mount_point + ")");
        return "";
    });
    EXPECT_EQ(err, "");
}

}  // namespace
}  // namespace xvrrp::net
