// What the control socket answers: one request line in, one answer out, then close; except
// "events --follow", a subscription the daemon keeps open and pushes lines to. An answer that
// starts with "error: " is a refusal (xvrrpctl exits 1 with it).
//
//   status                        a table for people
//   status --json                 {"instances":[{...}]} for scripts: everything status knows
//   set-priority NAME N [--json]  NAME's base priority becomes N (1..254) until xvrrpd
//                                 restarts; the tracked weights apply on top of it (tracking.h).
//                                 Answers a line for people, or {"instance":...} with --json
//   events                        one JSON line per instance: its state now (event "state")
//   events --follow               the same, then one line per change as it happens (events.h),
//                                 until the client goes (or reads too slowly: control.h)
//   maintenance NAME on|off       on: NAME hands over as at a stop (priority-0 advert, release
//                                 hold) and stays out of the election (state MAINTENANCE);
//                                 off: it starts again, as backup. Answers a line
//   reload                        the configuration file again, as SIGHUP does; answers the
//                                 log's "reloaded: ..." line, or "error: ..." when the file
//                                 was refused and the running configuration stays
//
// A request is a verb and its arguments, separated by single spaces. A new verb takes its
// place in answer_request() and the ControlApi.
#pragma once

#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "daemon/instance.h"

namespace xvrrp::daemon {

// What the control socket asks the daemon; called on the loop's thread.
struct ControlApi {
    std::function<std::vector<InstanceStatus>()> status;
    // Sets the instance's runtime base priority; its status after it, or an error message.
    std::function<std::optional<InstanceStatus>(std::string_view name, int priority,
                                                std::string &error)>
        set_priority;
    // The lines "events" starts with (each instance's state now); for a subscription, after
    // the changes not yet pushed to the subscribers there are.
    std::function<std::string(bool follow)> events;
    // Reloads the configuration file now; the answer (see reload above).
    std::function<std::string()> reload;
    // Takes the instance out of the election (on) or back in (off); the answer line.
    std::function<std::string(std::string_view name, bool on)> maintenance;
};

std::string status_text(const std::vector<InstanceStatus> &instances);
std::string status_json(const std::vector<InstanceStatus> &instances);

struct ControlAnswer {
    std::string text;
    bool subscribe = false;  // keep the connection: pushed events follow
};

// The answer to one request line (its line end, if any, ignored); an unknown request gets
// "error: ..." naming the requests there are.
ControlAnswer answer_request(std::string_view request, const ControlApi &api);

// "50" -> 50; nullopt for anything but decimal digits of 1..254.
std::optional<int> parse_priority(std::string_view text);

}  // namespace xvrrp::daemon
