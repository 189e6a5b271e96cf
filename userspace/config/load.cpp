// The one place the config library touches the host: reading the file.
#include <fcntl.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "config/config.h"
#include "config/prescan.h"

namespace xvrrp::config {

namespace {

class Fd {
  public:
    explicit Fd(int fd) : fd_(fd) {}
    ~Fd() {
        if (fd_ >= 0) ::close(fd_);
    }
    Fd(const Fd &) = delete;
    Fd &operator=(const Fd &) = delete;
    int get() const { return fd_; }

  private:
    int fd_;
};

ConfigResult unreadable(const std::string &path, int err) {
    return {std::nullopt, {{path, {}, std::string("cannot read the file: ") + std::strerror(err)}}};
}

}  // namespace

ConfigResult load_config(const std::string &path) {
    Fd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
    if (fd.get() < 0) return unreadable(path, errno);
    std::string text;
    char buf[16384];
    for (;;) {
        ssize_t n = ::read(fd.get(), buf, sizeof buf);
        if (n == 0) break;
        if (n < 0) {
            if (errno == EINTR) continue;
            return unreadable(path, errno);  // EISDIR for a directory
        }
        text.append(buf, static_cast<size_t>(n));
        // One byte past the limit is enough for parse_config to refuse the file, with the
        // position where it goes past; the rest (a device, a log) is never read.
        if (text.size() > kMaxFileBytes) break;
    }
    return parse_config(text, path);
}

}  // namespace xvrrp::config
