#include "daemon/events.h"

#include <cstdio>

#include "common/json.h"

namespace xvrrp::daemon {
namespace {

std::string head(std::string_view event, const InstanceStatus &s, double unix_time) {
    char time[32];
    snprintf(time, sizeof time, "%.3f", unix_time);
    return "{\"event\":" + json_string(event) + ",\"time\":" + time +
           ",\"instance\":" + json_string(s.name) + ",\"vrid\":" + std::to_string(s.vrid) +
           ",\"interface\":" + json_string(s.interface);
}

std::string optional_string(const std::optional<std::string> &v) {
    return v ? json_string(*v) : "null";
}

std::string state_event(const InstanceStatus &s, const std::optional<std::string> &previous,
                        double unix_time) {
    return head("state", s, unix_time) + ",\"state\":" + json_string(s.state) +
           ",\"previous\":" + optional_string(previous) +
           ",\"priority\":" + std::to_string(s.priority) +
           ",\"master\":" + optional_string(s.master) +
           ",\"master_priority\":" + std::to_string(s.master_priority) + "}\n";
}

}  // namespace

uint64_t watched_counter(const InstanceStatus &s, std::string_view name) {
    if (name == "late_expiries") return s.kernel.late_expiries;
    if (name == "stall_graces") return s.kernel.stall_graces;
    if (name == "grace_rescued") return s.kernel.grace_rescued;
    if (name == "grace_expired") return s.kernel.grace_expired;
    if (name == "lease_expiries") return s.kernel.lease_expiries;
    if (name == "advert_late_wakeups") return s.advert_late_wakeups;
    if (name == "advert_send_errors") {
        uint64_t n = 0;
        for (const auto &l : s.advert_lanes) n += l.send_errors;
        return n;
    }
    if (name.substr(0, 4) == "xdp_")
        for (const auto &[n, v] : s.xdp_counters)
            if (n == name.substr(4)) return v;
    return 0;
}

EventFeed::Seen EventFeed::seen(const InstanceStatus &s) {
    Seen v{s.state, s.priority, s.master_priority, s.master, {}};
    for (auto name : kWatchedCounters) v.counters[name] = watched_counter(s, name);
    return v;
}

std::string EventFeed::current(const std::vector<InstanceStatus> &instances, double unix_time) {
    std::string out;
    for (const auto &s : instances) out += state_event(s, std::nullopt, unix_time);
    return out;
}

std::string EventFeed::snapshot(const std::vector<InstanceStatus> &instances, double unix_time) {
    seen_.clear();
    for (const auto &s : instances) seen_[s.name] = seen(s);
    return current(instances, unix_time);
}

std::string EventFeed::changes(const std::vector<InstanceStatus> &instances, double unix_time) {
    std::string out;
    for (const auto &s : instances) {
        Seen now = seen(s);
        auto it = seen_.find(s.name);
        if (it == seen_.end()) {  // not seen before: what it is now
            out += state_event(s, std::nullopt, unix_time);
            seen_[s.name] = std::move(now);
            continue;
        }
        const Seen &was = it->second;
        if (now.state != was.state) out += state_event(s, was.state, unix_time);
        if (now.priority != was.priority)
            out += head("priority", s, unix_time) + ",\"priority\":" + std::to_string(s.priority) +
                   ",\"previous\":" + std::to_string(was.priority) + ",\"runtime_priority\":" +
                   (s.runtime_priority ? std::to_string(*s.runtime_priority) : "null") +
                   ",\"state\":" + json_string(s.state) + "}\n";
        if (now.state == was.state &&
            (now.master != was.master || now.master_priority != was.master_priority))
            out += head("master", s, unix_time) + ",\"master\":" + optional_string(now.master) +
                   ",\"previous\":" + optional_string(was.master) +
                   ",\"master_priority\":" + std::to_string(now.master_priority) +
                   ",\"state\":" + json_string(s.state) + "}\n";
        for (auto name : kWatchedCounters) {
            uint64_t v = now.counters[name], before = was.counters.at(name);
            if (v > before)
                out += head("counter", s, unix_time) + ",\"counter\":" + json_string(name) +
                       ",\"value\":" + std::to_string(v) +
                       ",\"delta\":" + std::to_string(v - before) + "}\n";
        }
        it->second = std::move(now);
    }
    return out;
}

}  // namespace xvrrp::daemon
