#include "cli/control_client.h"

#include <sys/socket.h>
#include <sys/un.h>

#include <cerrno>
#include <cstring>

namespace xvrrp::cli {

bool ControlClient::connect() {
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    if (path_.size() >= sizeof addr.sun_path) {
        error_ = "socket path too long (at most " + std::to_string(sizeof addr.sun_path - 1) +
                 " bytes): " + path_;
        return false;
    }
    path_.copy(addr.sun_path, path_.size());
    fd_.reset(socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0));
    if (!fd_) {
        error_ = std::string("socket: ") + strerror(errno);
        return false;
    }
    if (::connect(fd_.get(), reinterpret_cast<sockaddr *>(&addr), sizeof addr) == 0) return true;
    int err = errno;
    std::string what = "connect " + path_ + ": " + strerror(err);
    switch (err) {
        case ENOENT:
        case ENOTDIR:
            error_ = what +
                     " (no control socket: is xvrrpd running? its [daemon] "
                     "control_socket may be elsewhere: --socket PATH)";
            break;
        case ECONNREFUSED:
            error_ = what + " (nothing listens there: xvrrpd is not running)";
            break;
        case EACCES:
        case EPERM:
            error_ = what +
                     " (run as root, as xvrrpd's user or as a member of its "
                     "[daemon] control_socket_group)";
            break;
        default:
            error_ = what;
    }
    fd_.reset();
    return false;
}

bool ControlClient::send_request(const std::string &request) {
    std::string line = request + "\n";
    // MSG_NOSIGNAL: a daemon that refused us has answered and closed already; its answer is
    // still there to read, and says why.
    if (send(fd_.get(), line.data(), line.size(), MSG_NOSIGNAL) != ssize_t(line.size()))
        send_errno_ = errno;
    return send_errno_ == 0;
}

std::optional<std::string> ControlClient::read_some() {
    char buf[4096];
    while (true) {
        ssize_t n = recv(fd_.get(), buf, sizeof buf, 0);
        if (n >= 0) return std::string(buf, static_cast<size_t>(n));
        if (errno == EINTR) continue;
        error_ = "read " + path_ + ": " + strerror(errno);
        return std::nullopt;
    }
}

std::optional<std::string> ControlClient::ask(const std::string &request) {
    send_request(request);
    std::string answer;
    while (true) {
        auto part = read_some();
        if (!part) break;
        if (part->empty()) break;
        answer += *part;
    }
    if (answer.empty()) {
        if (error_.empty())
            error_ = "xvrrpd closed the connection without an answer" +
                     (send_errno_ ? std::string(" (write: ") + strerror(send_errno_) + ")"
                                  : std::string());
        return std::nullopt;
    }
    return answer;
}

}  // namespace xvrrp::cli
