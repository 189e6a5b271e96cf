// xvrrpctl's end of the control socket: connects, sends one request line, reads the answer
// (until the daemon closes, or line by line for a subscription). Failures to reach the daemon
// come back as text that says what to do (error()).
#pragma once

#include <optional>
#include <string>

#include "common/fd.h"

namespace xvrrp::cli {

class ControlClient {
  public:
    explicit ControlClient(std::string path) : path_(std::move(path)) {}

    // False with error() set when there is no socket, nobody listens, or we may not open it.
    bool connect();
    // Sends the line (a '\n' is added) and reads the whole answer; nullopt with error() when
    // the daemon closes without one.
    std::optional<std::string> ask(const std::string &request);
    // Sends the line; then read_some() returns what has come (blocking), "" at the end.
    bool send_request(const std::string &request);
    std::optional<std::string> read_some();
    const std::string &error() const { return error_; }

  private:
    std::string path_;
    UniqueFd fd_;
    int send_errno_ = 0;
    std::string error_;
};

}  // namespace xvrrp::cli
