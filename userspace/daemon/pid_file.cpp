#include "daemon/pid_file.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>

#include "daemon/paths.h"

namespace xvrrp::daemon {
namespace {

// The pid the holder of the lock wrote (for the message), or "?".
std::string pid_in(int fd) {
    char buf[32] = {};
    ssize_t n = pread(fd, buf, sizeof buf - 1, 0);
    std::string s(buf, n > 0 ? static_cast<size_t>(n) : 0);
    while (!s.empty() && (s.back() == '\n' || s.back() == ' ')) s.pop_back();
    bool number = !s.empty() && s.find_first_not_of("0123456789") == std::string::npos;
    return number ? s : "?";
}

}  // namespace

PidFile::PidFile(std::string path) : path_(std::move(path)) {
    create_parent_directories(path_, "pid file");
    // The holder removes the file before it lets go of the lock; a file we locked after that
    // is gone from the path: open the path again (a few times; it only races with an exit).
    for (int attempt = 0; attempt < 5; attempt++) {
        fd_.reset(open(path_.c_str(), O_RDWR | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0644));
        if (!fd_ && errno == ELOOP)
            throw Error("pid file " + path_ + " is a symbolic link; xvrrpd does not follow it: " +
                        "remove it, or set [daemon] pid_file to another path");
        if (!fd_) throw sys_error("pid file " + path_ + ": open");
        struct stat st;
        if (fstat(fd_.get(), &st) != 0) throw sys_error("pid file " + path_);
        if (!S_ISREG(st.st_mode))
            throw Error("pid file " + path_ + " is not a regular file; remove it, or set " +
                        "[daemon] pid_file to another path");
        if (st.st_uid != geteuid())
            throw Error("pid file " + path_ + " belongs to uid " + std::to_string(st.st_uid) +
                        ", not to xvrrpd's user; remove it, or set [daemon] pid_file to a " +
                        "directory only root can write");
        if (flock(fd_.get(), LOCK_EX | LOCK_NB) != 0) {
            if (errno != EWOULDBLOCK) throw sys_error("pid file " + path_ + ": lock");
            throw Error("pid file " + path_ + " is locked: xvrrpd already runs as pid " +
                        pid_in(fd_.get()) + "; stop it first, or give this daemon its own " +
                        "pid_file (and control_socket, pin_dir)");
        }
        struct stat now;
        if (stat(path_.c_str(), &now) == 0 && now.st_dev == st.st_dev && now.st_ino == st.st_ino)
            break;
        fd_.reset();
    }
    if (!fd_) throw Error("pid file " + path_ + ": replaced again and again while we locked it");
    std::string pid = std::to_string(getpid()) + "\n";
    if (ftruncate(fd_.get(), 0) != 0 ||
        pwrite(fd_.get(), pid.data(), pid.size(), 0) != static_cast<ssize_t>(pid.size()))
        throw sys_error("pid file " + path_ + ": write");
}

PidFile::~PidFile() {
    struct stat st, ours;
    if (fstat(fd_.get(), &ours) == 0 && lstat(path_.c_str(), &st) == 0 &&
        st.st_dev == ours.st_dev && st.st_ino == ours.st_ino)
        unlink(path_.c_str());
    // fd_ closes last: the lock goes with it.
}

}  // namespace xvrrp::daemon
