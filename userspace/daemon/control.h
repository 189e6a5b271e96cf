// The control socket (a Unix stream socket): one request line in, one answer out, then close.
//   "status"         a table for people
//   "status --json"  {"instances":[{...}]} for scripts
#pragma once

#include <functional>
#include <string>
#include <vector>

#include "common/fd.h"
#include "daemon/instance.h"

namespace xvrrp::daemon {

std::string status_text(const std::vector<InstanceStatus> &instances);
std::string status_json(const std::vector<InstanceStatus> &instances);

class ControlSocket {
public:
    using StatusFn = std::function<std::vector<InstanceStatus>()>;
    ControlSocket(std::string path, StatusFn status);
    ~ControlSocket();  // removes the socket file

    int fd() const { return fd_.get(); }
    void serve_one();  // the listening fd is readable

private:
    std::string path_;
    StatusFn status_;
    UniqueFd fd_;
};

}  // namespace xvrrp::daemon
