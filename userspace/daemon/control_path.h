// The control socket's file: created so that it is never, even for a moment, more open than
// configured (0600, or 0660 for control_socket_group), and handled so that xvrrpd never
// removes a file that is not its own socket.
#pragma once

#include <sys/types.h>

#include <optional>
#include <string>

#include "common/fd.h"

namespace xvrrp::daemon {

// Read-only: throws xvrrp::Error when `path` cannot become this daemon's socket: something
// listens there (another xvrrpd), or it is not a socket. Nothing there, or a socket nobody
// listens on (a killed daemon's), is fine. Start-up calls it before touching the host.
void check_control_path(const std::string &path);

// A listening socket bound at `path`, its file tracked so that the destructor removes it only
// while it is still this one.
class ControlPath {
  public:
    // Creates missing parent directories (0755), replaces a stale socket, binds with mode
    // 0600, or 0660 and group `group`, and listens. Throws xvrrp::Error.
    ControlPath(std::string path, std::optional<gid_t> group, int backlog);
    ~ControlPath();
    ControlPath(const ControlPath &) = delete;
    ControlPath &operator=(const ControlPath &) = delete;

    int fd() const { return fd_.get(); }
    const std::string &path() const { return path_; }

  private:
    void remove_if_ours();

    std::string path_;
    UniqueFd fd_;
    dev_t dev_ = 0;
    ino_t ino_ = 0;
};

}  // namespace xvrrp::daemon
