// What the control socket answers: one request line in, one answer out.
//   "status"         a table for people
//   "status --json"  {"instances":[{...}]} for scripts
#pragma once

#include <functional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/instance.h"

namespace xvrrp::daemon {

using StatusFn = std::function<std::vector<InstanceStatus>()>;

std::string status_text(const std::vector<InstanceStatus> &instances);
std::string status_json(const std::vector<InstanceStatus> &instances);

// The answer to one request line (its line end, if any, ignored); an unknown request gets
// "error: ..." naming the requests there are.
std::string answer_request(std::string_view request, const StatusFn &status);

}  // namespace xvrrp::daemon
