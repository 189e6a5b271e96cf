// The file as a whole: TOML syntax, the top-level tables, [daemon], and the checks that need
// every instance at once (unique names, VRIDs per link, service IPs).
#include <toml++/toml.h>
#include <xvrrp/abi.h>

#include <map>
#include <tuple>

#include "config/config.h"
#include "config/duration.h"
#include "config/instance.h"
#include "config/prescan.h"
#include "config/reader.h"
#include "config/script.h"
#include "config/sync_group.h"

namespace xvrrp::config {

namespace {

std::string family_name(Family f) {
    return f == Family::IPv4 ? "IPv4" : "IPv6";
}

void read_path(TableReader &r, std::string_view key, std::string &out) {
    auto v = r.string(key);
    if (!v) return;
    if (v->empty())
        r.diag().error(*r.node(key), r.name(key) + " must not be empty");
    else if (has_control_character(*v))
        r.diag().error(*r.node(key), r.name(key) + " = \"" + printable(*v) +
                                         "\" holds a control character; write the path alone");
    else
        out = *v;
}

// "auto" (the default) or a duration; a word that is neither gets a message naming both.
void read_release_hold(TableReader &r, std::optional<Duration> &out) {
    using namespace std::chrono_literals;
    const toml::node *n = r.node("release_hold");
    if (!n) return;
    if (auto text = n->value<std::string>()) {
        if (*text == "auto") {
            out.reset();
            return;
        }
        std::string ignored;
        if (!parse_duration(*text, &ignored)) {
            r.diag().error(*n, r.name("release_hold") + " must be \"auto\" or a duration such as " +
                                   "\"500ms\" (\"0s\": no hold), got \"" + printable(*text) + "\"");
            return;
        }
    }
    if (auto d = r.duration("release_hold", 0s, 60s)) out = *d;
}

// "off" (the default) or a duration: the CPU latency request to hold.
void read_cpu_latency(TableReader &r, std::optional<Duration> &out) {
    using namespace std::chrono_literals;
    const toml::node *n = r.node("cpu_latency");
    if (!n) return;
    if (auto text = n->value<std::string>()) {
        if (*text == "off") {
            out.reset();
            return;
        }
        std::string ignored;
        if (!parse_duration(*text, &ignored)) {
            r.diag().error(*n, r.name("cpu_latency") + " must be \"off\" or a duration such as " +
                                   "\"0us\" (idle CPUs poll), got \"" + *text + "\"");
            return;
        }
    }
    if (auto d = r.duration("cpu_latency", 0s, 1s)) out = *d;
}

void read_log_level(TableReader &r, LogLevel &out) {
    auto v = r.string("log_level");
    if (!v) return;
    if (auto level = parse_log_level(*v))
        out = *level;
    else
        r.diag().error(*r.node("log_level"),
                       r.name("log_level") + " must be \"error\", \"warning\", \"notice\", " +
                           "\"info\" or \"debug\", got \"" + printable(*v) + "\"");
}

// "off" (the default) or a numeric "ADDR:PORT" for the Prometheus endpoint.
void read_metrics_listen(TableReader &r, std::optional<ListenAddress> &out) {
    auto v = r.string("metrics_listen");
    if (!v) return;
    if (*v == "off") {
        out.reset();
        return;
    }
    if (auto a = parse_listen_address(*v)) {
        if (const char *why = unbindable_listen_address(a->address)) {
            r.diag().error(*r.node("metrics_listen"),
                           r.name("metrics_listen") + " \"" + printable(*v) + "\": " + why);
            return;
        }
        out = *a;
        return;
    }
    r.diag().error(*r.node("metrics_listen"),
                   r.name("metrics_listen") + " must be \"off\" or a numeric address and port " +
                       "such as \"127.0.0.1:9650\" or \"[::1]:9650\" (port 1-65535, no host " +
                       "names), got \"" + printable(*v) + "\"");
}

void read_daemon(const toml::node &n, DaemonConfig &daemon, Diagnostics &diag) {
    if (!n.is_table()) {
        diag.error(n, "'daemon' must be a table ([daemon]), got " + std::string(type_name(n)));
        return;
    }
    TableReader r(
        *n.as_table(), "[daemon]", "",
        {"vip_interface", "pin_dir", "control_socket", "pid_file", "sched_priority", "release_hold",
         "cpu_latency", "control_socket_group", "metrics_listen", "log_level", "notify_fifo"},
        diag);
    read_ifname(r, "vip_interface", daemon.vip_interface);
    read_path(r, "pin_dir", daemon.pin_dir);
    read_path(r, "control_socket", daemon.control_socket);
    read_path(r, "pid_file", daemon.pid_file);
    read_path(r, "notify_fifo", daemon.notify_fifo);
    if (auto v = r.integer("sched_priority", 0, 99, "0..99 (0: SCHED_OTHER, 1..99: SCHED_FIFO)"))
        daemon.sched_priority = static_cast<int>(*v);
    read_release_hold(r, daemon.release_hold);
    read_cpu_latency(r, daemon.cpu_latency);
    if (auto v = r.string("control_socket_group")) {
        if (!valid_account_name(*v))
            r.diag().error(*r.node("control_socket_group"),
                           r.name("control_socket_group") + " must be a group name such as " +
                               "\"xvrrp\" (letters, digits, '_', '-', '.'), got \"" + *v + "\"");
        else
            daemon.control_socket_group = *v;
    }
    read_metrics_listen(r, daemon.metrics_listen);
    read_log_level(r, daemon.log_level);
}

std::string vlan_name(uint16_t vlan) {
    return vlan ? "VLAN " + std::to_string(vlan) : std::string("untagged");
}

// Checks that need all instances; each error points at the second occurrence and names the
// first by instance and line.
void check_across_instances(const std::vector<ParsedInstance> &parsed, Diagnostics &diag) {
    std::map<std::string, const ParsedInstance *> names;
    std::map<std::pair<std::string, uint8_t>, const ParsedInstance *> vrids;
    std::map<IpAddress, const ParsedInstance *> vips;
    auto first = [](const ParsedInstance *p) {
        return "instance '" + printable(p->instance.name) + "' (line " +
               std::to_string(p->instance.source_line) + ")";
    };
    // Per interface, what its XDP program's maps hold (include/xvrrp/abi.h): IPv4 service
    // IPs (vips) and allowed advert sources (allowed_srcs, one entry per VRID and source).
    std::map<std::string, size_t> vips_on, sources_on;
    for (const ParsedInstance &p : parsed) {
        const Instance &inst = p.instance;
        if (!inst.interface.empty() && !inst.virtual_ips.empty() && inst.family() == Family::IPv4) {
            size_t &n = vips_on[inst.interface];
            for (size_t i = 0; i < inst.virtual_ips.size(); ++i)
                if (++n == XVRRP_MAX_VIPS + 1)
                    diag.error(p.vip_pos[i], "service IP " +
                                                 inst.virtual_ips[i].address.to_string() +
                                                 " is one more than " + inst.interface +
                                                 " can hold: xvrrp answers ARP for at most " +
                                                 std::to_string(XVRRP_MAX_VIPS) +
                                                 " IPv4 service IPs per interface");
            size_t &m = sources_on[inst.interface];
            size_t before = m;
            m += inst.allowed_sources.size() + inst.unicast_peers.size();
            if (before <= XVRRP_MAX_ALLOWED_SRCS && m > XVRRP_MAX_ALLOWED_SRCS)
                diag.error(SourcePos{inst.source_line, 0},
                           "'allowed_sources' or 'unicast_peers' of instance '" +
                               printable(inst.name) + "' bring " + inst.interface + " to " +
                               std::to_string(m) + " (VRID, source) pairs; xvrrp holds at most " +
                               std::to_string(XVRRP_MAX_ALLOWED_SRCS) + " per interface");
        }
        if (!inst.name.empty()) {
            auto [it, fresh] = names.emplace(inst.name, &p);
            if (!fresh)
                diag.error(p.name_pos, "instance name '" + printable(inst.name) +
                                           "' is already used by the [[instance]] at line " +
                                           std::to_string(it->second->instance.source_line) +
                                           "; names must be unique");
        }
        if (inst.vrid != 0 && !inst.interface.empty() && !inst.virtual_ips.empty()) {
            // VRRP numbers VRIDs per family (RFC 5798 7.3), but xvrrp's kernel state is
            // keyed by VRID and interface alone: one VRID serves one family and one VLAN.
            auto [it, fresh] = vrids.emplace(std::pair(inst.interface, inst.vrid), &p);
            if (!fresh && it->second->instance.family() != inst.family())
                diag.error(p.vrid_pos,
                           "VRID " + std::to_string(inst.vrid) + " is already used on " +
                               inst.interface + " for " +
                               family_name(it->second->instance.family()) + " by " +
                               first(it->second) +
                               "; xvrrp keeps one kernel state per VRID and interface, so a VRID "
                               "serves one address family: give this one another VRID");
            else if (!fresh && it->second->instance.vlan != inst.vlan)
                diag.error(p.vrid_pos,
                           "VRID " + std::to_string(inst.vrid) + " is already used on " +
                               inst.interface + " (" + vlan_name(it->second->instance.vlan) +
                               ") by " + first(it->second) +
                               "; xvrrp keeps one kernel state per VRID and interface, so a VRID "
                               "serves one VLAN of a trunk: give this one another VRID");
            else if (!fresh)
                diag.error(p.vrid_pos, "VRID " + std::to_string(inst.vrid) +
                                           " is already used on " + inst.interface + " for " +
                                           family_name(inst.family()) + " by " + first(it->second) +
                                           "; each virtual router on a link needs its own VRID");
        }
        for (size_t i = 0; i < inst.virtual_ips.size(); ++i) {
            auto [it, fresh] = vips.emplace(inst.virtual_ips[i].address, &p);
            if (!fresh)
                diag.error(p.vip_pos[i], "service IP " + inst.virtual_ips[i].address.to_string() +
                                             " is already in " + first(it->second) +
                                             "; a service IP belongs to one instance only");
        }
    }
}

void read_instances(const toml::node &n, std::vector<ParsedInstance> &parsed, Diagnostics &diag) {
    const toml::array *arr = n.as_array();
    if (!arr || !arr->is_array_of_tables()) {
        diag.error(n, "'instance' must be an array of tables, written [[instance]], got " +
                          std::string(type_name(n)));
        return;
    }
    for (const toml::node &t : *arr) parsed.push_back(parse_instance(*t.as_table(), diag));
}

}  // namespace

std::optional<LogLevel> parse_log_level(std::string_view text) {
    for (LogLevel l :
         {LogLevel::Error, LogLevel::Warning, LogLevel::Notice, LogLevel::Info, LogLevel::Debug})
        if (text == to_string(l)) return l;
    return std::nullopt;
}

std::string_view to_string(LogLevel level) {
    switch (level) {
        case LogLevel::Error:
            return "error";
        case LogLevel::Warning:
            return "warning";
        case LogLevel::Notice:
            return "notice";
        case LogLevel::Info:
            return "info";
        case LogLevel::Debug:
            return "debug";
    }
    return "info";
}

const char *unbindable_listen_address(const IpAddress &a) {
    const auto &b = a.bytes;
    if (a.family == Family::IPv4) {
        if (b[0] >= 224 && b[0] <= 239) return "a multicast address cannot be listened on";
        if (b[0] == 255 && b[1] == 255 && b[2] == 255 && b[3] == 255)
            return "the broadcast address cannot be listened on";
        return nullptr;
    }
    if (b[0] == 0xff) return "a multicast address cannot be listened on";
    if (b[0] == 0xfe && (b[1] & 0xc0) == 0x80)
        return "a link-local address needs an interface, which metrics_listen cannot name; "
               "use a global or loopback address";
    bool mapped = b[10] == 0xff && b[11] == 0xff;
    for (int i = 0; i < 10; i++) mapped = mapped && b[i] == 0;
    if (mapped) return "an IPv4-mapped address: write the IPv4 address itself (\"127.0.0.1:9650\")";
    return nullptr;
}

std::optional<ListenAddress> parse_listen_address(std::string_view text) {
    size_t colon = text.rfind(':');
    if (colon == std::string_view::npos) return std::nullopt;
    std::string_view host = text.substr(0, colon), port = text.substr(colon + 1);
    bool bracketed = host.size() >= 2 && host.front() == '[' && host.back() == ']';
    if (bracketed) host = host.substr(1, host.size() - 2);
    auto address = IpAddress::parse(host);
    // IPv6 only in brackets (its own colons), IPv4 never.
    if (!address || bracketed != (address->family == Family::IPv6)) return std::nullopt;
    if (port.empty() || port.size() > 5 || port.front() == '0') return std::nullopt;
    unsigned value = 0;
    for (char c : port) {
        if (c < '0' || c > '9') return std::nullopt;
        value = value * 10 + unsigned(c - '0');
    }
    if (value < 1 || value > 65535) return std::nullopt;
    return ListenAddress{*address, static_cast<uint16_t>(value)};
}

std::string ListenAddress::to_string() const {
    std::string a = address.to_string();
    if (address.family == Family::IPv6) a = "[" + a + "]";
    return a + ":" + std::to_string(port);
}

ConfigResult parse_config(std::string_view text, std::string filename) {
    Diagnostics diag(filename);
    if (auto bounds = check_bounds(text)) {
        diag.error(bounds->pos, std::move(bounds->message));
        return {std::nullopt, diag.take_sorted()};
    }
    // toml++ quotes the file in its descriptions (a key it cannot redefine, a character it did
    // not expect): shown like every other piece of the file.
    auto invalid = [](std::string_view description) {
        return "invalid TOML: " + printable(description, 3 * kMaxShown);
    };
    toml::table root;
#if TOML_EXCEPTIONS
    try {
        root = toml::parse(text, std::string_view(filename));
    } catch (const toml::parse_error &e) {
        diag.error(pos_of(e.source()), invalid(e.description()));
        return {std::nullopt, diag.take_sorted()};
    }
#else
    toml::parse_result result = toml::parse(text, std::string_view(filename));
    if (!result) {
        diag.error(pos_of(result.error().source()), invalid(result.error().description()));
        return {std::nullopt, diag.take_sorted()};
    }
    root = std::move(result).table();
#endif

    Config config;
    config.file = filename;
    std::vector<ParsedInstance> parsed;
    TableReader top(root, "the top level", "", {"daemon", "script", "instance", "sync_group"},
                    diag);
    if (const toml::node *d = root.get("daemon")) read_daemon(*d, config.daemon, diag);
    if (const toml::node *s = root.get("script")) read_scripts(*s, config.scripts, diag);
    if (const toml::node *i = root.get("instance"))
        read_instances(*i, parsed, diag);
    else
        diag.error(SourcePos{1, 0},
                   "no [[instance]] in the file; add at least one, e.g. "
                   "[[instance]] with name, interface, vrid, virtual_ips");
    check_across_instances(parsed, diag);
    resolve_track_scripts(config.scripts, parsed, diag);
    if (const toml::node *g = root.get("sync_group"))
        read_sync_groups(*g, parsed, config.sync_groups, diag);

    if (diag.count() != 0) return {std::nullopt, diag.take_sorted()};
    for (auto &p : parsed) config.instances.push_back(std::move(p.instance));
    return {std::move(config), {}};
}

}  // namespace xvrrp::config
