#include "config/instance.h"

#include <xvrrp/abi.h>

#include <algorithm>
#include <charconv>

#include "config/duration.h"
#include "vrrp/state_params.h"

namespace xvrrp::config {

using namespace std::chrono_literals;
using namespace std::string_literals;

namespace {

const std::vector<std::string_view> kInstanceKeys = {"name",
                                                     "interface",
                                                     "vlan",
                                                     "vrid",
                                                     "priority",
                                                     "version",
                                                     "advert_interval",
                                                     "preempt",
                                                     "preempt_delay",
                                                     "accept",
                                                     "virtual_ips",
                                                     "unicast_peers",
                                                     "allowed_sources",
                                                     "checksum",
                                                     "auth_pass",
                                                     "use_vmac",
                                                     "pass_adverts",
                                                     "garp_delay",
                                                     "garp_count",
                                                     "garp_interval",
                                                     "garp_refresh",
                                                     "notify",
                                                     "track_interface",
                                                     "track_script",
                                                     "track_file",
                                                     "advert_thread",
                                                     "lease",
                                                     "late_expiry_threshold",
                                                     "late_expiry_grace"};

constexpr Duration kMaxV3Interval = 40950ms;  // 4095 centiseconds, RFC 5798 5.2.7
constexpr Duration kMinFastInterval = 100us;

std::string_view family_name(Family f) {
    return f == Family::IPv4 ? "IPv4" : "IPv6";
}

// An advert lists every service IP of its instance: 255 at most (an 8-bit count), and the
// packet must fit a 1500-byte MTU (IPv6: 40 + 8 + 16 x 90 = 1488 bytes).
size_t max_advert_addresses(Family f) {
    return f == Family::IPv4 ? 255 : (1500 - 40 - 8) / 16;
}

// "ADDR" or "ADDR/PREFIX"; the prefix defaults to the full length (/32, /128).
std::optional<VirtualIp> read_virtual_ip(const toml::node &n, Diagnostics &diag) {
    if (!n.is_string()) {
        diag.error(n, "'virtual_ips' must hold strings such as \"192.0.2.100/32\", got " +
                          std::string(type_name(n)));
        return std::nullopt;
    }
    const std::string &text = n.as_string()->get();
    std::string_view addr = text, prefix;
    if (auto slash = text.find('/'); slash != std::string::npos)
        addr = std::string_view(text).substr(0, slash),
        prefix = std::string_view(text).substr(slash + 1);
    auto ip = IpAddress::parse(addr);
    if (!ip) {
        diag.error(n, "'virtual_ips': \"" + printable(text) +
                          "\" is not an IP address; write ADDR/PREFIX, e.g. \"192.0.2.100/32\" "
                          "or \"2001:db8::100/128\"");
        return std::nullopt;
    }
    VirtualIp vip{*ip, static_cast<uint8_t>(ip->size() * 8)};
    if (addr.size() != text.size()) {
        unsigned len = 0;
        auto [end, ec] = std::from_chars(prefix.data(), prefix.data() + prefix.size(), len);
        if (prefix.empty() || ec != std::errc() || end != prefix.data() + prefix.size() ||
            len < 1 || len > vip.prefix_len) {
            diag.error(n, "'virtual_ips': \"" + printable(text) + "\" has a bad prefix length; " +
                              std::string(family_name(ip->family)) + " allows /1 to /" +
                              std::to_string(vip.prefix_len));
            return std::nullopt;
        }
        vip.prefix_len = static_cast<uint8_t>(len);
    }
    return vip;
}

void read_virtual_ips(TableReader &r, ParsedInstance &p) {
    const toml::array *arr = r.array("virtual_ips");
    if (!arr) return;
    Diagnostics &diag = r.diag();
    if (arr->empty()) {
        diag.error(*arr,
                   "'virtual_ips' must not be empty; list the service IPs, e.g. "
                   "[\"192.0.2.100/32\"]");
        return;
    }
    auto &vips = p.instance.virtual_ips;
    for (const toml::node &n : *arr) {
        auto vip = read_virtual_ip(n, diag);
        if (!vip) continue;
        if (!vips.empty() && vip->address.family != vips.front().address.family) {
            diag.error(n, "'virtual_ips': " + vip->address.to_string() + " is " +
                              std::string(family_name(vip->address.family)) + " but " +
                              vips.front().address.to_string() + " is " +
                              std::string(family_name(vips.front().address.family)) +
                              "; put each family in its own instance");
            continue;
        }
        auto same = [&](const VirtualIp &v) { return v.address == vip->address; };
        if (std::any_of(vips.begin(), vips.end(), same)) {
            diag.error(n, "'virtual_ips': " + vip->address.to_string() + " is listed twice");
            continue;
        }
        vips.push_back(*vip);
        p.vip_pos.push_back(pos_of(n.source()));
    }
    // Every service IP goes into each advert: caught here rather than when the first advert
    // fails to encode, which would stop a running daemon.
    if (!vips.empty() && vips.size() > max_advert_addresses(vips.front().address.family)) {
        const size_t max = max_advert_addresses(vips.front().address.family);
        diag.error(p.vip_pos[max],
                   "'virtual_ips' holds " + std::to_string(vips.size()) + " addresses; one " +
                       (vips.front().address.family == Family::IPv4
                            ? "VRRP advert carries at most 255 (Count IPvX Addr is 8 bits, RFC "
                              "5798 5.2.5)"
                            : "VRRPv3 advert carries at most 90 IPv6 addresses in a 1500-byte "
                              "packet") +
                       "; spread them over several instances (VRIDs)");
    }
}

// unicast_peers, allowed_sources: addresses of the instance's family.
void read_addresses(TableReader &r, std::string_view key, std::optional<Family> family,
                    std::vector<IpAddress> &out) {
    const toml::array *arr = r.array(key);
    if (!arr) return;
    for (const toml::node &n : *arr) {
        auto ip = read_address(n, r.name(key), r.diag());
        if (!ip) continue;
        if (family && ip->family != *family) {
            r.diag().error(n, r.name(key) + ": " + ip->to_string() + " is " +
                                  std::string(family_name(ip->family)) +
                                  " but this instance's virtual_ips are " +
                                  std::string(family_name(*family)));
            continue;
        }
        if (std::find(out.begin(), out.end(), *ip) != out.end()) {
            r.diag().error(n, r.name(key) + ": " + ip->to_string() + " is listed twice");
            continue;
        }
        out.push_back(*ip);
    }
}

void read_checksum(TableReader &r, Instance &inst, bool family_known) {
    auto v = r.string("checksum");
    if (!v) return;
    const toml::node &n = *r.node("checksum");
    if (*v == "with_pseudo_header") {
        inst.checksum = Checksum::WithPseudoHeader;
    } else if (*v == "without_pseudo_header") {
        inst.checksum = Checksum::WithoutPseudoHeader;
        if (inst.version != 3 || (family_known && inst.family() != Family::IPv4))
            r.diag().error(n,
                           "'checksum' = \"without_pseudo_header\" applies to IPv4 VRRPv3 "
                           "only; remove it");
    } else {
        r.diag().error(n,
                       "'checksum' must be \"with_pseudo_header\" or "
                       "\"without_pseudo_header\", got \"" +
                           printable(*v) + "\"");
    }
}

}  // namespace

void read_notify(TableReader &r, std::string where, NotifyHooks &hooks) {
    const toml::table *t = r.table("notify");
    if (!t) return;
    TableReader nr(*t, std::move(where), "notify.",
                   {"master", "backup", "fault", "stop", "any", "timeout", "user"}, r.diag());
    auto argv = [&](std::string_view key, std::vector<std::string> &out) {
        read_command(nr, key, "hooks", out);
    };
    argv("master", hooks.master);
    argv("backup", hooks.backup);
    argv("fault", hooks.fault);
    argv("stop", hooks.stop);
    argv("any", hooks.any);
    if (auto d = nr.duration("timeout", 100ms, 3600s)) hooks.timeout = *d;
    read_user(nr, "user", hooks.user);
}

namespace {

void read_track_interfaces(TableReader &r, std::vector<TrackInterface> &out) {
    const toml::array *arr = r.array("track_interface");
    if (!arr) return;
    for (const toml::node &n : *arr) {
        if (!n.is_table()) {
            r.diag().error(n,
                           "'track_interface' must hold tables such as { name = \"eth1\", "
                           "weight = -50 }, got " +
                               std::string(type_name(n)));
            continue;
        }
        TableReader tr(*n.as_table(), "'track_interface' entry", "track_interface.",
                       {"name", "weight"}, r.diag());
        TrackInterface track;
        if (tr.require("name")) read_ifname(tr, "name", track.name);
        if (auto w = tr.integer("weight", -254, 254, "-254..254 (0: fault while down)"))
            track.weight = static_cast<int>(*w);
        if (!track.name.empty()) out.push_back(track);
    }
}

void read_track_scripts(TableReader &r, ParsedInstance &p) {
    const toml::array *arr = r.array("track_script");
    if (!arr) return;
    for (const toml::node &n : *arr) {
        if (!n.is_table()) {
            r.diag().error(n,
                           "'track_script' must hold tables such as { name = \"chk_web\" } or "
                           "{ name = \"chk_web\", weight = -20 }, got " +
                               std::string(type_name(n)));
            continue;
        }
        TableReader tr(*n.as_table(), "'track_script' entry", "track_script.", {"name", "weight"},
                       r.diag());
        TrackScript track;
        if (tr.require("name")) {
            if (auto v = tr.string("name")) track.name = *v;
        }
        auto w = tr.integer("weight", -254, 254, "-254..254 (0: fault while the check fails)");
        if (w) track.weight = static_cast<int>(*w);
        if (track.name.empty()) continue;
        p.track_script_pos.push_back(pos_of(tr.node("name")->source()));
        p.track_script_weight_given.push_back(w.has_value());
        p.instance.track_scripts.push_back(track);
    }
}

void read_track_files(TableReader &r, std::vector<TrackFile> &out) {
    const toml::array *arr = r.array("track_file");
    if (!arr) return;
    for (const toml::node &n : *arr) {
        if (!n.is_table()) {
            r.diag().error(n,
                           "'track_file' must hold tables such as { path = "
                           "\"/etc/xvrrp/web.weight\", weight = 10 }, got " +
                               std::string(type_name(n)));
            continue;
        }
        TableReader tr(*n.as_table(), "'track_file' entry", "track_file.", {"path", "weight"},
                       r.diag());
        TrackFile track;
        if (tr.require("path")) {
            if (auto v = tr.string("path")) {
                if (v->empty() || (*v)[0] != '/' || v->back() == '/' || has_control_character(*v))
                    tr.diag().error(*tr.node("path"), "'track_file.path' = \"" + printable(*v) +
                                                          "\" must be the absolute path of a file");
                else
                    track.path = *v;
            }
        }
        if (auto w = tr.integer("weight", -254, 254,
                                "-254..254 (0: fault while the file holds a number other than 0)"))
            track.weight = static_cast<int>(*w);
        if (!track.path.empty()) out.push_back(track);
    }
}

void read_advert_thread(TableReader &r, AdvertThread &out) {
    const toml::table *t = r.table("advert_thread");
    if (!t) return;
    TableReader tr(*t, "[instance.advert_thread]", "advert_thread.",
                   {"sched_priority", "cpu", "cpus", "spread"}, r.diag());
    if (auto v = tr.integer("sched_priority", 0, 99, "0..99 (0: SCHED_OTHER, 1..99: SCHED_FIFO)"))
        out.sched_priority = static_cast<int>(*v);
    if (tr.node("cpu") && tr.node("cpus"))
        r.diag().error(*tr.node("cpu"),
                       "give either 'advert_thread.cpu' or "
                       "'advert_thread.cpus', not both");
    if (auto v = tr.integer("cpu", -1, 1023, "a CPU number 0..1023 or -1 (any)"); v && *v >= 0)
        out.cpus = {static_cast<int>(*v)};
    if (const toml::node *n = tr.node("cpus")) {
        if (auto text = n->value<std::string>()) {
            if (*text != "auto")
                r.diag().error(*n,
                               "'advert_thread.cpus' must be \"auto\" or a list of CPU "
                               "numbers such as [0, 1], got \"" +
                                   *text + "\"");
        } else if (const toml::array *arr = tr.array("cpus")) {
            std::vector<int> cpus;
            for (const toml::node &c : *arr) {
                auto v = c.value<int64_t>();
                if (!c.is_integer() || !v || *v < 0 || *v > 1023) {
                    r.diag().error(c, "'advert_thread.cpus' holds CPU numbers 0..1023, got " +
                                          std::string(type_name(c)));
                    continue;
                }
                if (std::find(cpus.begin(), cpus.end(), int(*v)) != cpus.end()) {
                    r.diag().error(
                        c, "'advert_thread.cpus': CPU " + std::to_string(*v) + " is listed twice");
                    continue;
                }
                cpus.push_back(int(*v));
            }
            if (arr->empty())
                r.diag().error(*arr,
                               "'advert_thread.cpus' must not be empty; \"auto\" picks "
                               "two CPUs");
            else if (cpus.size() > 64)
                r.diag().error(*arr, "'advert_thread.cpus' lists more than 64 CPUs");
            else
                out.cpus = cpus;
        }
    }
    if (auto v = tr.string("spread")) {
        if (*v == "redundant")
            out.spread = AdvertSpread::Redundant;
        else if (*v == "staggered")
            out.spread = AdvertSpread::Staggered;
        else
            r.diag().error(*tr.node("spread"),
                           "'advert_thread.spread' must be \"redundant\" or "
                           "\"staggered\", got \"" +
                               *v + "\"");
    }
}

template <typename T>
void set(std::optional<T> v, T &out) {
    if (v) out = *v;
}

// "auto" (keep `out`, the default computed from the interval) or a duration within [lo, hi].
void read_auto_duration(TableReader &r, std::string_view key, Duration lo, Duration hi,
                        std::string_view zero_means, Duration &out) {
    const toml::node *n = r.node(key);
    if (!n) return;
    if (auto text = n->value<std::string>(); text && *text == "auto") return;
    if (auto text = n->value<std::string>()) {
        std::string ignored;
        if (!parse_duration(*text, &ignored)) {
            r.diag().error(*n, r.name(key) + " must be \"auto\" or a duration such as \"500us\"" +
                                   std::string(zero_means) + ", got \"" + *text + "\"");
            return;
        }
    }
    set(r.duration(key, lo, hi), out);
}

// VRRPv2 simple-text authentication: 1 to 8 printable ASCII characters, one word, as keepalived's
// auth_pass (which drops what is past the 8th; here that is an error, so that the file says
// what goes on the wire).
void read_auth_pass(TableReader &r, Instance &inst) {
    auto v = r.string("auth_pass");
    if (!v) return;
    const toml::node &n = *r.node("auth_pass");
    if (inst.version != 2) {
        r.diag().error(n,
                       "'auth_pass' needs version = 2: VRRPv3 has no authentication (RFC 5798 "
                       "9); remove it, or set version = 2 for VRRPv2 peers that send it");
        return;
    }
    if (v->empty() || v->size() > 8) {
        std::string first8 = printable(v->substr(0, 8));
        std::string hint =
            v->size() > 8 ? "; keepalived sends only the first 8: \"" + first8 + "\"" : "";
        r.diag().error(n,
                       "'auth_pass' must be 1 to 8 characters (VRRPv2 carries 8 bytes, RFC "
                       "2338 5.3.6.1), got " +
                           std::to_string(v->size()) + hint);
        return;
    }
    for (unsigned char c : *v)
        if (c <= 0x20 || c > 0x7e) {
            r.diag().error(n,
                           "'auth_pass' must be printable ASCII without spaces (keepalived "
                           "reads it as one word)");
            return;
        }
    inst.auth_pass = *v;
}

}  // namespace

std::string advert_interval_problem(Duration d, int version) {
    if (version == 2) {
        if (d < 1s || d > 255s || d % 1s != 0ns)
            return "is not a VRRPv2 interval: use whole seconds from 1s to 255s (RFC 3768 5.3.7)";
        return "";
    }
    if (d < kMinFastInterval)
        return "is below 100us, the shortest interval xvrrp supports (fast mode)";
    if (d < kCentisecond) return "";  // fast mode, any whole number of microseconds
    if (d > kMaxV3Interval) return "is above 40.95s, the VRRPv3 maximum (RFC 5798 5.2.7)";
    if (d % kCentisecond != 0ns) {
        Duration below = d - d % kCentisecond, above = below + kCentisecond;
        std::string use = "\"" + format_duration(below) + "\"";
        if (above <= kMaxV3Interval) use += " or \"" + format_duration(above) + "\"";
        return "is not a multiple of 10ms (VRRPv3 carries centiseconds, RFC 5798 5.2.7); use " +
               use + ", or an interval below 10ms for fast mode";
    }
    return "";
}

uint16_t Instance::advert_interval_field() const {
    if (version == 2) return static_cast<uint16_t>(advert_interval / 1s);
    return static_cast<uint16_t>(std::max<int64_t>(1, advert_interval / kCentisecond));
}

ParsedInstance parse_instance(const toml::table &table, Diagnostics &diag) {
    ParsedInstance p;
    Instance &inst = p.instance;
    inst.source_line = pos_of(table.source()).line;
    size_t errors_before = diag.count();
    TableReader r(table, "[[instance]]", "", kInstanceKeys, diag);

    for (auto key : {"name", "interface", "vrid", "virtual_ips"}) r.require(key);
    if (auto v = r.string("name")) {
        if (v->empty())
            diag.error(*r.node("name"), "'name' must not be empty");
        else if (has_control_character(*v))  // it starts log lines and xvrrpctl rows
            diag.error(*r.node("name"), "'name' = \"" + printable(*v) +
                                            "\" holds a control character; use a plain label");
        else
            inst.name = *v, p.name_pos = pos_of(r.node("name")->source());
    }
    read_ifname(r, "interface", inst.interface);
    if (auto v = r.integer("vrid", 1, 255, "1-255")) {
        inst.vrid = static_cast<uint8_t>(*v);
        p.vrid_pos = pos_of(r.node("vrid")->source());
    }
    if (auto v = r.integer("vlan", 0, XVRRP_VLAN_MAX, "0-4094 (0: untagged)"))
        inst.vlan = static_cast<uint16_t>(*v);
    if (auto v = r.integer("priority", 1, 255, "1-255 (255: address owner)"))
        inst.priority = static_cast<uint8_t>(*v);
    if (auto v = r.integer("version", 2, 3, "2 or 3")) inst.version = static_cast<uint8_t>(*v);
    set(r.boolean("preempt"), inst.preempt);
    set(r.duration("preempt_delay", 0s, 3600s), inst.preempt_delay);
    set(r.boolean("accept"), inst.accept);
    set(r.boolean("use_vmac"), inst.use_vmac);
    set(r.boolean("pass_adverts"), inst.pass_adverts);
    if (inst.use_vmac && inst.vlan != 0)
        diag.error(*r.node("use_vmac"),
                   "'use_vmac' with 'vlan' is not supported yet (the program that hands frames "
                   "to the virtual MAC to the stack does not look at VLANs); remove one of them");

    read_virtual_ips(r, p);
    bool family_known = !inst.virtual_ips.empty();
    std::optional<Family> family;
    if (family_known) family = inst.family();
    read_addresses(r, "unicast_peers", family, inst.unicast_peers);
    read_addresses(r, "allowed_sources", family, inst.allowed_sources);
    if (!inst.unicast_peers.empty() && r.node("allowed_sources"))
        r.diag().error(*r.node("allowed_sources"),
                       "'allowed_sources' with 'unicast_peers': the peers are the allow-list "
                       "(adverts from anyone else are dropped); remove 'allowed_sources'");
    if (!inst.unicast_peers.empty() && inst.vlan != 0)
        r.diag().error(*r.node("unicast_peers"),
                       "'unicast_peers' with 'vlan' is not supported yet (peers' MACs are "
                       "resolved on the interface itself, which is the untagged network); "
                       "remove one of them");
    if (inst.version == 2 && family == Family::IPv6)
        diag.error(*r.node("version"),
                   "VRRPv2 is IPv4 only (RFC 3768); use version = 3 for "
                   "IPv6 virtual_ips");
    read_checksum(r, inst, family_known);
    read_auth_pass(r, inst);

    set(r.duration("garp_delay", 0s, 3600s), inst.garp_delay);
    if (auto v = r.integer("garp_count", 0, 255, "0..255 (0: no gratuitous ARP)"))
        inst.garp_count = static_cast<unsigned>(*v);
    set(r.duration("garp_interval", 0s, 10s), inst.garp_interval);
    set(r.duration("garp_refresh", 0s, 86400s), inst.garp_refresh);
    read_notify(r, "[instance.notify]", inst.notify);
    read_track_interfaces(r, inst.track_interfaces);
    read_track_scripts(r, p);
    read_track_files(r, inst.track_files);
    read_advert_thread(r, inst.advert_thread);

    // The interval rules depend on the version; the lease depends on the interval.
    bool interval_ok = true;
    if (auto v = r.duration("advert_interval")) {
        std::string problem = advert_interval_problem(*v, inst.version);
        interval_ok = problem.empty();
        if (interval_ok)
            inst.advert_interval = *v;
        else
            diag.error(*r.node("advert_interval"),
                       "'advert_interval' = \"" +
                           printable(r.node("advert_interval")->value_or(""s)) + "\" " + problem);
    } else {
        interval_ok = !r.node("advert_interval");
    }
    inst.lease = 3 * inst.advert_interval;
    if (auto v = r.duration("lease"); v && interval_ok) {
        // Longer than 3 intervals would keep answering ARP after a backup has taken over
        // (Master_Down_Interval, RFC 5798 6.1); not longer than one would lapse between adverts.
        if (*v <= inst.advert_interval || *v > 3 * inst.advert_interval)
            diag.error(*r.node("lease"), "'lease' = \"" + format_duration(*v) +
                                             "\" must be longer than "
                                             "advert_interval (" +
                                             format_duration(inst.advert_interval) +
                                             ") and at most 3 x advert_interval (" +
                                             format_duration(3 * inst.advert_interval) + ")");
        else
            inst.lease = *v;
    }
    // What a late Master_Down_Timer expiry forgives (bpf/master_down.h); "auto" derives both
    // from the interval (vrrp::late_expiry_threshold/grace, state_params.h).
    inst.late_expiry_threshold = vrrp::late_expiry_threshold(inst.advert_interval);
    inst.late_expiry_grace = vrrp::late_expiry_grace(inst.version, inst.advert_interval);
    read_auto_duration(r, "late_expiry_threshold", 10us, 60s, "", inst.late_expiry_threshold);
    read_auto_duration(r, "late_expiry_grace", 0s, 60s, " (\"0s\": no grace)",
                       inst.late_expiry_grace);

    p.valid = diag.count() == errors_before;
    return p;
}

}  // namespace xvrrp::config
