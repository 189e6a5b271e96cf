#include "daemon/status_format.h"

#include <cstdio>

#include "common/json.h"

namespace xvrrp::daemon {
namespace {

std::string fixed(double v, int digits) {
    char buf[32];
    snprintf(buf, sizeof buf, "%.*f", digits, v);
    return buf;
}

template <class Counts>
std::string histogram(const Counts &h) {
    std::string out = "[";
    for (size_t i = 0; i < h.size(); i++) out += (i ? "," : "") + std::to_string(h[i]);
    return out + "]";
}

// The advert threads, one per CPU.
std::string lanes_json(const std::vector<tx::LaneStats> &lanes) {
    std::string out = "[";
    for (size_t i = 0; i < lanes.size(); i++) {
        const auto &l = lanes[i];
        out += std::string(i ? "," : "") + "{\"cpu\":" + std::to_string(l.cpu) +
               ",\"sent\":" + std::to_string(l.sent) +
               ",\"send_errors\":" + std::to_string(l.send_errors) +
               ",\"late_wakeups\":" + std::to_string(l.late_wakeups) +
               ",\"max_lateness_ms\":" + fixed(double(l.max_lateness_ns) / 1e6, 3) + "}";
    }
    return out + "]";
}

// What the kernel saw for the VRID: its Master_Down_Timer, the late expiries (and expiries
// while another CPU receiving adverts stalled) it forgave, the
// lease, and two log2(us) histograms: advert gaps and how late the VRID's timer fired.
std::string kernel_json(const dataplane::ReceiveStats &k) {
    return "{\"adverts\":" + std::to_string(k.adverts) +
           ",\"accepted\":" + std::to_string(k.accepted) +
           ",\"master_down\":" + std::to_string(k.master_down) +
           ",\"late_expiries\":" + std::to_string(k.late_expiries) +
           ",\"stall_graces\":" + std::to_string(k.stall_graces) +
           ",\"grace_rescued\":" + std::to_string(k.grace_rescued) +
           ",\"grace_expired\":" + std::to_string(k.grace_expired) +
           ",\"lease_expiries\":" + std::to_string(k.lease_expiries) +
           ",\"timer_in_kernel\":" + (k.kernel_timer ? "true" : "false") +
           ",\"answering\":" + (k.answering ? "true" : "false") +
           ",\"advert_gap_log2_us\":" + histogram(k.gap_hist) +
           ",\"timer_lateness_log2_us\":" + histogram(k.late_hist) + "}";
}

// Takeovers (entries into MASTER) by cause, every cause present.
std::string takeovers_json(const ElectionStats &e) {
    std::string out = "{";
    for (size_t i = 0; i < kTakeoverCauses.size(); i++) {
        auto it = e.takeovers.find(kTakeoverCauses[i]);
        out += std::string(i ? "," : "") + json_string(kTakeoverCauses[i]) + ":" +
               std::to_string(it == e.takeovers.end() ? 0 : it->second);
    }
    return out + "}";
}

// The XDP counters of the instance's interface (shared by every instance on it), by the
// names include/xvrrp/abi.h gives them.
std::string xdp_json(const InstanceStatus &s) {
    std::string out = "{\"interface\":" + json_string(s.interface) + ",\"counters\":{";
    for (size_t i = 0; i < s.xdp_counters.size(); i++)
        out += std::string(i ? "," : "") + json_string(s.xdp_counters[i].first) + ":" +
               std::to_string(s.xdp_counters[i].second);
    return out + "}}";
}

uint64_t xdp_counter(const InstanceStatus &s, std::string_view name) {
    for (const auto &[n, v] : s.xdp_counters)
        if (n == name) return v;
    return 0;
}

// The request as the error message repeats it: control characters (a terminal's escape
// sequences) become '?'.
std::string printable(std::string_view s) {
    std::string out(s);
    for (char &c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = '?';
    return out;
}

}  // namespace

std::string status_json(const std::vector<InstanceStatus> &instances) {
    std::string j = "{\"instances\":[";
    for (size_t i = 0; i < instances.size(); i++) {
        const auto &s = instances[i];
        std::string vips = "[";
        for (size_t k = 0; k < s.virtual_ips.size(); k++)
            vips += (k ? "," : "") + json_string(s.virtual_ips[k]);
        vips += "]";
        j += std::string(i ? "," : "") + "{\"name\":" + json_string(s.name) +
             ",\"interface\":" + json_string(s.interface) + ",\"vlan\":" + std::to_string(s.vlan) +
             ",\"vrid\":" + std::to_string(s.vrid) + ",\"state\":" + json_string(s.state) +
             ",\"priority\":" + std::to_string(s.priority) +
             ",\"master\":" + (s.master ? json_string(*s.master) : "null") +
             ",\"master_priority\":" + std::to_string(s.master_priority) +
             ",\"adverts_sent\":" + std::to_string(s.adverts_sent) +
             ",\"adverts_received\":" + std::to_string(s.adverts_received) +
             ",\"advert_late_wakeups\":" + std::to_string(s.advert_late_wakeups) +
             ",\"advert_max_lateness_ms\":" + fixed(s.advert_max_lateness_ms, 3) +
             ",\"last_advert_age_ms\":" +
             (s.last_advert_age_ms ? fixed(*s.last_advert_age_ms, 3) : "null") +
             ",\"tx_path\":" + json_string(s.tx_path) + ",\"xdp_mode\":" + json_string(s.xdp_mode) +
             ",\"arp_answering\":" + (s.arp_answering ? "true" : "false") +
             ",\"takeover_armed\":" + (s.takeover_armed ? "true" : "false") +
             ",\"virtual_ips\":" + vips + ",\"advert_spread\":" + json_string(s.advert_spread) +
             ",\"advert_lanes\":" + lanes_json(s.advert_lanes) +
             ",\"takeovers_by_advert_thread\":" + std::to_string(s.takeovers_by_advert_thread) +
             ",\"became_master\":" + std::to_string(s.became_master) +
             ",\"kernel\":" + kernel_json(s.kernel) +
             ",\"configured_priority\":" + std::to_string(s.configured_priority) +
             ",\"runtime_priority\":" +
             (s.runtime_priority ? std::to_string(*s.runtime_priority) : "null") +
             ",\"advert_lateness_log2_us\":" + histogram(s.advert_lateness.counts) +
             ",\"lease_renewals\":" + std::to_string(s.lease_renewals) +
             ",\"takeovers\":" + takeovers_json(s.election) + ",\"xdp\":" + xdp_json(s) + "}";
    }
    return j + "]}\n";
}

std::string status_text(const std::vector<InstanceStatus> &instances) {
    std::string t;
    char line[512];
    snprintf(line, sizeof line, "%-12s %-8s %4s %-7s %4s %-16s %9s %9s %10s %-9s %s\n", "INSTANCE",
             "IFACE", "VRID", "STATE", "PRIO", "MASTER", "SENT", "RECEIVED", "LAST AGE", "TX",
             "XDP");
    t += line;
    for (const auto &s : instances) {
        std::string master = s.master ? *s.master + "/" + std::to_string(s.master_priority) : "-";
        std::string age = s.last_advert_age_ms ? fixed(*s.last_advert_age_ms, 1) + "ms" : "-";
        snprintf(line, sizeof line, "%-12s %-8s %4d %-7s %4d %-16s %9llu %9llu %10s %-9s %s\n",
                 s.name.c_str(), s.interface.c_str(), s.vrid, s.state.c_str(), s.priority,
                 master.c_str(), (unsigned long long)s.adverts_sent,
                 (unsigned long long)s.adverts_received, age.c_str(), s.tx_path.c_str(),
                 s.xdp_mode.c_str());
        t += line;
    }
    // The second table: what the timers and the XDP program counted (status --json has every
    // counter). BASE: the configured priority, with "*" when set-priority replaced it.
    t += "\n";
    snprintf(line, sizeof line, "%-12s %5s %9s %8s %8s %8s %8s %9s %9s %10s %9s %8s\n", "INSTANCE",
             "BASE", "LATE-EXP", "STALL-GR", "RESCUED", "EXPIRED", "LEASE-EX", "ADV-LATE",
             "ADV-MAX", "ARP-REPLY", "VRRP-OK", "EV-DROP");
    t += line;
    for (const auto &s : instances) {
        std::string base = s.runtime_priority ? std::to_string(*s.runtime_priority) + "*"
                                              : std::to_string(s.configured_priority);
        std::string adv_max = fixed(s.advert_max_lateness_ms, 2) + "ms";
        snprintf(
            line, sizeof line,
            "%-12s %5s %9llu %8llu %8llu %8llu %8llu %9llu %9s %10llu %9llu %8llu\n",
            s.name.c_str(), base.c_str(), (unsigned long long)s.kernel.late_expiries,
            (unsigned long long)s.kernel.stall_graces, (unsigned long long)s.kernel.grace_rescued,
            (unsigned long long)s.kernel.grace_expired, (unsigned long long)s.kernel.lease_expiries,
            (unsigned long long)s.advert_late_wakeups, adv_max.c_str(),
            (unsigned long long)xdp_counter(s, "arp_reply"),
            (unsigned long long)xdp_counter(s, "vrrp_valid"),
            (unsigned long long)xdp_counter(s, "event_dropped"));
        t += line;
    }
    return t;
}

std::optional<int> parse_priority(std::string_view text) {
    if (text.empty() || text.size() > 3) return std::nullopt;
    int n = 0;
    for (char c : text) {
        if (c < '0' || c > '9') return std::nullopt;
        n = n * 10 + (c - '0');
    }
    if (n < 1 || n > 254) return std::nullopt;
    return n;
}

namespace {

constexpr std::string_view kRequests =
    "status, status --json, set-priority NAME N [--json], events, events --follow, reload, "
    "maintenance NAME on|off";

std::vector<std::string_view> words(std::string_view s) {
    std::vector<std::string_view> out;
    while (!s.empty()) {
        size_t sp = s.find(' ');
        out.push_back(s.substr(0, sp));
        if (sp == std::string_view::npos) break;
        s.remove_prefix(sp + 1);
    }
    return out;
}

std::string set_priority_answer(const std::vector<std::string_view> &w, const ControlApi &api) {
    bool json = w.size() == 4 && w[3] == "--json";
    if (w.size() != 3 && !json)
        return "error: set-priority takes an instance and a priority: set-priority NAME N "
               "[--json]\n";
    auto priority = parse_priority(w[2]);
    if (!priority)
        return "error: priority '" + printable(w[2]) + "' is not a number from 1 to 254\n";
    std::string error;
    auto s = api.set_priority(w[1], *priority, error);
    if (!s) return "error: " + error + "\n";
    if (json)
        return "{\"instance\":" + json_string(s->name) +
               ",\"runtime_priority\":" + std::to_string(*priority) +
               ",\"configured_priority\":" + std::to_string(s->configured_priority) +
               ",\"priority\":" + std::to_string(s->priority) +
               ",\"state\":" + json_string(s->state) + "}\n";
    return s->name + ": base priority " + std::to_string(*priority) + " until xvrrpd restarts" +
           " (configured " + std::to_string(s->configured_priority) + "); priority now " +
           std::to_string(s->priority) + " with tracking; state " + s->state + "\n";
}

}  // namespace

ControlAnswer answer_request(std::string_view request, const ControlApi &api) {
    while (!request.empty() && (request.back() == '\n' || request.back() == '\r'))
        request.remove_suffix(1);
    auto w = words(request);
    if (request == "status") return {status_text(api.status())};
    if (request == "status --json") return {status_json(api.status())};
    if (!w.empty() && w[0] == "set-priority") return {set_priority_answer(w, api)};
    if (request == "events") return {api.events(false)};
    if (request == "events --follow") return {api.events(true), true};
    if (request == "reload" && api.reload) return {api.reload()};
    if (!w.empty() && w[0] == "maintenance" && api.maintenance) {
        if (w.size() != 3 || (w[2] != "on" && w[2] != "off"))
            return {
                "error: maintenance takes an instance and on or off: maintenance NAME on|off\n"};
        return {api.maintenance(w[1], w[2] == "on")};
    }
    return {"error: unknown request '" + printable(request) + "' (try: " + std::string(kRequests) +
            ")\n"};
}

}  // namespace xvrrp::daemon
