// The pid file, held for the daemon's whole life: opened without following a symbolic link and
// locked (flock), so that the lock, not the pid written in it, says whether an xvrrpd runs. A
// stale pid (a killed daemon's, since reused by another process) never blocks a start.
#pragma once

#include <string>

#include "common/fd.h"

namespace xvrrp::daemon {

class PidFile {
  public:
    // Creates missing parent directories (0755), opens or creates the file (0644), locks it
    // and writes our pid. Throws xvrrp::Error when another xvrrpd holds it (naming its pid),
    // when it is a symbolic link or not a regular file, or belongs to another user.
    explicit PidFile(std::string path);
    ~PidFile();  // removes the file, then lets go of the lock
    PidFile(const PidFile &) = delete;
    PidFile &operator=(const PidFile &) = delete;

  private:
    std::string path_;
    UniqueFd fd_;
};

}  // namespace xvrrp::daemon
