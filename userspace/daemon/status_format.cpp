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

std::string histogram(const std::vector<uint32_t> &h) {
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
             ",\"kernel\":" + kernel_json(s.kernel) + "}";
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
    return t;
}

std::string answer_request(std::string_view request, const StatusFn &status) {
    while (!request.empty() && (request.back() == '\n' || request.back() == '\r'))
        request.remove_suffix(1);
    if (request == "status") return status_text(status());
    if (request == "status --json") return status_json(status());
    return "error: unknown request '" + printable(request) + "' (try: status, status --json)\n";
}

}  // namespace xvrrp::daemon
