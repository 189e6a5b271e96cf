#include "daemon/control_path.h"

#include <fcntl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <cerrno>

#include "daemon/log.h"
#include "daemon/paths.h"

namespace xvrrp::daemon {
namespace {

sockaddr_un address_of(const std::string &path) {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path.size() >= sizeof addr.sun_path)
        throw Error("control socket path too long: " + path + " (at most " +
                    std::to_string(sizeof addr.sun_path - 1) + " bytes; set [daemon] " +
                    "control_socket to a shorter path)");
    path.copy(addr.sun_path, path.size());
    return addr;
}

const char *kind_of(mode_t mode) {
    if (S_ISLNK(mode)) return "a symbolic link";
    if (S_ISDIR(mode)) return "a directory";
    if (S_ISREG(mode)) return "a regular file";
    return "not a socket";
}

enum class Found { Nothing, StaleSocket };

// What is at `path`; throws when it is something xvrrpd must leave alone.
Found inspect(const std::string &path) {
    struct stat st;
    if (lstat(path.c_str(), &st) != 0) {
        if (errno == ENOENT) return Found::Nothing;
        throw sys_error("control socket " + path);
    }
    if (!S_ISSOCK(st.st_mode))
        throw Error("control socket " + path + " exists and is " + kind_of(st.st_mode) +
                    "; xvrrpd removes only a stale socket: remove it yourself or set [daemon] "
                    "control_socket to another path");
    sockaddr_un addr = address_of(path);
    // Non-blocking: a live daemon with a full backlog answers EAGAIN instead of holding us.
    UniqueFd probe(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!probe) throw sys_error("control socket " + path + ": probe");
    if (connect(probe.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0 ||
        errno == EAGAIN)
        throw Error("control socket " + path + ": another process (another xvrrpd?) is " +
                    "listening on it; stop it first, or give this daemon its own control_socket " +
                    "(and pid_file, pin_dir)");
    if (errno == ECONNREFUSED) return Found::StaleSocket;  // its daemon died without clean-up
    if (errno == ENOENT) return Found::Nothing;            // removed meanwhile
    throw sys_error("control socket " + path + ": probe");
}

}  // namespace

void check_control_path(const std::string &path) {
    if (path.size() >= sizeof(sockaddr_un::sun_path)) return;  // nothing can be there; bind says so
    inspect(path);
}

ControlPath::ControlPath(std::string path, std::optional<gid_t> group, int backlog)
    : path_(std::move(path)) {
    sockaddr_un addr = address_of(path_);
    create_parent_directories(path_, "control socket");
    if (inspect(path_) == Found::StaleSocket) {
        if (unlink(path_.c_str()) != 0 && errno != ENOENT)
            throw sys_error("control socket " + path_ + ": remove the stale socket");
        info("", "control socket " + path_ + ": replaced a stale socket (nobody listened on it)");
    }
    fd_.reset(socket(AF_UNIX, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC, 0));
    if (!fd_) throw sys_error("control socket " + path_);
    // bind() creates the file with 0777 less the umask: with 0177 it is born 0600, never wider.
    // (The umask is the process's; no other thread creates files meanwhile.)
    mode_t old_umask = umask(0177);
    int rc = bind(fd_.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr);
    int err = errno;
    umask(old_umask);
    if (rc != 0) throw sys_error("control socket " + path_ + ": bind", err);
    struct stat st;
    if (lstat(path_.c_str(), &st) != 0) throw sys_error("control socket " + path_);
    dev_ = st.st_dev;
    ino_ = st.st_ino;
    try {
        if (group) {
            // Neither call follows a symbolic link: should the file be swapped meanwhile, they
            // change nothing else.
            if (fchownat(AT_FDCWD, path_.c_str(), static_cast<uid_t>(-1), *group,
                         AT_SYMLINK_NOFOLLOW) != 0 ||
                fchmodat(AT_FDCWD, path_.c_str(), 0660, AT_SYMLINK_NOFOLLOW) != 0)
                throw sys_error("control socket " + path_ + ": give it to control_socket_group");
        }
        if (listen(fd_.get(), backlog) != 0)
            throw sys_error("control socket " + path_ + ": listen");
    } catch (...) {
        remove_if_ours();
        throw;
    }
}

void ControlPath::remove_if_ours() {
    struct stat st;
    // Only our own socket: a daemon that replaced it after a failed start keeps its own.
    if (lstat(path_.c_str(), &st) == 0 && S_ISSOCK(st.st_mode) && st.st_dev == dev_ &&
        st.st_ino == ino_)
        unlink(path_.c_str());
}

ControlPath::~ControlPath() {
    remove_if_ours();
}

}  // namespace xvrrp::daemon
