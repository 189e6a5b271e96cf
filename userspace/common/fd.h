// RAII for file descriptors and a small error type carrying context.
#pragma once

#include <unistd.h>

#include <cerrno>
#include <cstring>
#include <stdexcept>
#include <string>
#include <utility>

namespace xvrrp {

// An error with the context a user needs: "attach XDP to eth0: Operation not permitted".
class Error : public std::runtime_error {
  public:
    using std::runtime_error::runtime_error;
};

// "what: strerror(err)". err is a positive errno (libbpf returns negative ones: pass -ret).
inline Error sys_error(const std::string &what, int err = errno) {
    return Error(what + ": " + std::strerror(err));
}

class UniqueFd {
  public:
    UniqueFd() = default;
    explicit UniqueFd(int fd) : fd_(fd) {}
    UniqueFd(UniqueFd &&o) noexcept : fd_(std::exchange(o.fd_, -1)) {}
    UniqueFd &operator=(UniqueFd &&o) noexcept {
        if (this != &o) reset(std::exchange(o.fd_, -1));
        return *this;
    }
    UniqueFd(const UniqueFd &) = delete;
    UniqueFd &operator=(const UniqueFd &) = delete;
    ~UniqueFd() { reset(); }

    int get() const { return fd_; }
    explicit operator bool() const { return fd_ >= 0; }
    // Gives the fd up to its next owner (which closes it).
    int release() { return std::exchange(fd_, -1); }
    void reset(int fd = -1) {
        if (fd_ >= 0) ::close(fd_);
        fd_ = fd;
    }

  private:
    int fd_ = -1;
};

}  // namespace xvrrp
