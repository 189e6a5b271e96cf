// keepalived's vrrp_instance -> one [[instance]] table.
#include <algorithm>
#include <optional>

#include "config/diagnostics.h"
#include "config/duration.h"
#include "importer/keepalived_convert.h"
#include "importer/toml_text.h"

namespace xvrrp::importer {

namespace {

std::string duration(Duration d) {
    return toml_string(config::format_duration(d));
}

// The values found in a vrrp_instance block, before they are written in xvrrp's order.
struct InstanceValues {
    std::string name;
    std::string interface;
    std::optional<long> vrid, priority, garp_count;
    std::optional<int> version;
    std::optional<Duration> advert_interval, preempt_delay, garp_delay, garp_interval, garp_refresh;
    std::optional<bool> preempt, accept, use_vmac;
    std::optional<vrrp::Family> family;
    std::vector<std::string> virtual_ips, unicast_peers, track_interface, track_script, track_file;
    // The addresses of virtual_ips and unicast_peers, with the line of each, for duplicates.
    std::vector<std::pair<vrrp::IpAddress, Location>> vip_addresses, peer_addresses;
    std::vector<Statement> peers;  // the unicast_peer lines converted, for their family
    std::vector<std::pair<std::string, Location>> tracked_scripts;
    std::optional<Statement> auth_type, auth_pass;
    bool master_state = false;
    NotifyLines notify;
};

// Instance keywords with no xvrrp equivalent, and why.
std::string instance_reason(const std::string &keyword) {
    if (keyword == "smtp_alert") return "xvrrp sends no e-mail";
    if (keyword == "virtual_routes" || keyword == "virtual_rules")
        return "xvrrp adds no routes or rules on becoming master; a notify hook can";
    if (keyword == "mcast_src_ip") return "xvrrp sends from the interface's primary address";
    if (keyword == "dont_track_primary")
        return "no xvrrp equivalent (xvrrp watches the instance's own interface)";
    if (keyword.starts_with("notify_")) return "no xvrrp hook for this event";
    return "no xvrrp equivalent";
}

class InstanceConverter {
  public:
    InstanceConverter(Conversion &c, const Statement &st)
        : c_(c), st_(st), ctx_("vrrp_instance " + config::printable(st.arg(1)) + ": ") {}

    void run() {
        v_.name = st_.arg(1);
        if (v_.name.empty()) left_out(st_, "an instance needs a name; add name = \"...\"");
        v_.interface = c_.defaults.default_interface;
        // First the interface, wherever it is in the block: addresses are read against it.
        for (const Statement &k : st_.block)
            if (k.keyword() == "interface") v_.interface = k.arg(1);
        for (const Statement &k : st_.block) keyword(k);
        peers_of_the_family();
        write();
        c_.instances.push_back(std::move(sec_));
    }

  private:
    Conversion &c_;
    const Statement &st_;
    const std::string ctx_;
    InstanceValues v_;
    Section sec_;
    std::vector<std::string> comments_;  // what a reader should know, before the keys

    void left_out(const Statement &k, const std::string &reason, const std::string &what = "") {
        c_.not_converted(sec_, k, ctx_, reason, what);
    }
    void comment(const Statement &k, const std::string &text) {
        comments_.push_back("# " + comment_text(to_string(k.where)) + ": " + comment_text(text));
    }

    template <typename T>
    void set(std::optional<T> &field, std::optional<T> value, const Statement &k,
             const char *expected) {
        value ? void(field = value) : left_out(k, expected);
    }

    void keyword(const Statement &k) {
        const std::string &kw = k.keyword();
        if (!k.has_block &&
            (kw == "virtual_ipaddress" || kw == "virtual_ipaddress_excluded" ||
             kw == "unicast_peer" || kw.starts_with("track_") || kw == "authentication")) {
            left_out(k, "keepalived expects a block in braces here");
        } else if (kw == "state") {
            v_.master_state = k.arg(1) == "MASTER";
            comment(k, "keepalived 'state " + k.arg(1) +
                           "': xvrrp has no initial state; an instance starts as backup "
                           "unless its priority is 255 (RFC 5798 6.4.1), as in keepalived 2");
        } else if (kw == "interface") {
            // read first, by run()
        } else if (kw == "virtual_router_id") {
            set(v_.vrid, integer(k.arg(1), 1, 255), k, "the VRID must be 1-255");
        } else if (kw == "priority") {
            set(v_.priority, integer(k.arg(1), 1, 255), k, "the priority must be 1-255");
        } else if (kw == "advert_int") {
            set(v_.advert_interval, seconds(k.arg(1)), k, "not a number of seconds");
        } else if (kw == "nopreempt") {
            v_.preempt = false;
        } else if (kw == "preempt") {
            v_.preempt = true;
        } else if (kw == "preempt_delay") {
            set(v_.preempt_delay, seconds(k.arg(1)), k, "not a number of seconds");
        } else if (kw == "version" || kw == "vrrp_version") {
            auto n = integer(k.arg(1), 2, 3);
            n ? void(v_.version = int(*n)) : left_out(k, "the version must be 2 or 3");
        } else if (kw == "accept" || kw == "no_accept") {
            v_.accept = kw == "accept";
        } else if (kw == "use_vmac") {
            v_.use_vmac = true;
            if (!k.arg(1).empty())
                left_out(k,
                         "xvrrp creates no macvlan interface: it puts the virtual MAC on the "
                         "interface itself (docs/design.md), so there is no interface '" +
                             config::printable(k.arg(1)) + "'",
                         "use_vmac " + k.arg(1));
        } else if (kw == "garp_master_delay") {
            set(v_.garp_delay, seconds(k.arg(1)), k, "not a number of seconds");
        } else if (kw == "garp_master_repeat") {
            set(v_.garp_count, integer(k.arg(1), 0, 255), k, "not a count 0-255");
        } else if (kw == "garp_interval") {
            set(v_.garp_interval, seconds(k.arg(1)), k, "not a number of seconds");
        } else if (kw == "garp_master_refresh") {
            set(v_.garp_refresh, seconds(k.arg(1)), k, "not a number of seconds");
        } else if (kw == "garp_master_refresh_repeat") {
            if (k.arg(1) != "1") left_out(k, "xvrrp sends one round of gratuitous ARP per refresh");
        } else if (kw == "virtual_ipaddress" || kw == "virtual_ipaddress_excluded") {
            for (const Statement &a : k.block) address(a, kw == "virtual_ipaddress_excluded");
        } else if (kw == "unicast_src_ip") {
            comment(k, "keepalived 'unicast_src_ip " + k.arg(1) +
                           "': xvrrp sends unicast adverts from the interface's primary "
                           "address; make sure that is " +
                           k.arg(1));
        } else if (kw == "unicast_peer") {
            for (const Statement &p : k.block) peer(p);
        } else if (kw == "track_interface") {
            for (const Statement &t : k.block)
                if (auto m = as_member(t, t, weight_of(t, 0), true))
                    track(*m, v_.track_interface, "name", 0);
        } else if (kw == "track_script") {
            for (const Statement &t : k.block) track_script(t);
        } else if (kw == "track_file") {
            for (const Statement &t : k.block) track_file(t);
        } else if (kw == "authentication") {
            for (const Statement &a : k.block) {
                if (a.keyword() == "auth_type") {
                    v_.auth_type = a;
                } else if (a.keyword() == "auth_pass") {
                    v_.auth_pass = a;
                } else {
                    left_out(a, "no xvrrp equivalent");
                }
            }
        } else if (const char *key = NotifyLines::key(kw)) {
            v_.notify.add(c_, sec_, k, ctx_, key);
        } else {
            left_out(k, instance_reason(kw));
        }
    }

    // keepalived ignores an address listed a second time, xvrrp refuses it: the line is listed
    // (its options too) and the address kept once. False, and `ip` noted, the first time.
    bool listed_already(const Statement &a, const vrrp::IpAddress &ip,
                        std::vector<std::pair<vrrp::IpAddress, Location>> &seen) {
        for (const auto &[other, where] : seen) {
            if (other == ip) {
                left_out(a, "the address is listed already (" + to_string(where) +
                                "): xvrrp lists each address once");
                return true;
            }
        }
        seen.emplace_back(ip, a.where);
        return false;
    }

    // A virtual_ipaddress line: ADDR[/PREFIX] [dev IF] [brd ...] [scope ...] [label ...] ...
    void address(const Statement &a, bool excluded) {
        std::string text = a.keyword();
        size_t slash = text.find('/');
        auto ip = vrrp::IpAddress::parse(text.substr(0, slash));
        if (!ip) {
            left_out(a, "not an IP address");
            return;
        }
        const long full = ip->family == vrrp::Family::IPv4 ? 32 : 128;
        if (slash == std::string::npos) {
            text += "/" + std::to_string(full);
        } else if (!integer(text.substr(slash + 1), 1, full)) {
            left_out(a, "the prefix length must be 1-" + std::to_string(full));
            return;
        }
        if (!v_.family) v_.family = ip->family;
        if (ip->family != *v_.family) {
            left_out(a,
                     "an xvrrp instance holds addresses of one family: put them in a second "
                     "instance (it may have the same vrid)");
            return;
        }
        if (listed_already(a, *ip, v_.vip_addresses)) return;
        // "dev IF" naming the instance's own interface is what xvrrp does anyway (it answers
        // for the address there); every other option changes how the address is added.
        std::string options;
        for (size_t i = 1; i < a.words.size(); i++) {
            if (a.words[i] == "dev" && i + 1 < a.words.size() && a.words[i + 1] == v_.interface) {
                i++;
                continue;
            }
            options += (options.empty() ? "" : " ") + a.words[i];
        }
        if (!options.empty())
            left_out(a, "the address is converted, not '" + config::printable(options) +
                            "': xvrrp puts every service IP on [daemon] vip_interface and "
                            "answers ARP for it on the instance's interface");
        // keepalived holds an excluded address like the others but leaves it out of its
        // adverts; xvrrp has no such list. The host needs the address, so it is kept; what is
        // lost, keepalived peers accepting the adverts, is listed.
        if (excluded)
            left_out(a,
                     "converted as a service IP, which xvrrp's adverts list and keepalived's "
                     "do not: a keepalived router of this VRID drops adverts with another "
                     "address count (unless skip_check_adv_addr), so move all of them to xvrrp "
                     "together",
                     "virtual_ipaddress_excluded " + a.keyword());
        v_.virtual_ips.push_back(text);
    }

    void peer(const Statement &p) {
        auto ip = vrrp::IpAddress::parse(p.keyword());
        if (!ip) {
            left_out(p, "not an IP address");
            return;
        }
        if (listed_already(p, *ip, v_.peer_addresses)) return;
        if (p.words.size() > 1)
            left_out(p, "xvrrp adverts keep TTL 255 and peers must be on the link", p.rest);
        v_.peers.push_back(p);
    }

    // The peers of the family of the service IPs (known once the whole block is read).
    void peers_of_the_family() {
        for (const Statement &p : v_.peers) {
            auto ip = vrrp::IpAddress::parse(p.keyword());
            if (v_.family && ip->family != *v_.family)
                left_out(p,
                         "a peer of the other family than the instance's service IPs: put it in "
                         "an instance of its family");
            else
                v_.unicast_peers.push_back(p.keyword());
        }
    }

    // The weight of a tracking line `NAME [weight N]`, else `otherwise` (an invalid weight is
    // track()'s to report).
    static long weight_of(const Statement &t, long otherwise) {
        return t.arg(1) == "weight" ? integer(t.arg(2), -254, 254).value_or(0) : otherwise;
    }

    // keepalived ignores the tracking weights of a sync group's members unless the group has
    // sync_group_tracking_weight (vrrp_complete_instance()): a weighted interface, or a file
    // of weight 1, is tracked with weight 0 (FAULT; `to_zero`), a weighted script or a file of
    // another weight not at all. The line `t`, read as `tracked` (its weight `weight`), as
    // keepalived runs it: unchanged, with weight 0, or nullopt (listed).
    std::optional<Statement> as_member(const Statement &t, Statement tracked, long weight,
                                       bool to_zero) {
        if (!c_.weights_ignored.count(v_.name) || weight == 0 || tracked.arg(3) == "reverse")
            return tracked;
        const std::string why =
            "a member of " + c_.grouped[v_.name] + ", which has no sync_group_tracking_weight";
        if (!to_zero) {
            left_out(t, "keepalived does not track it with a weight in " + why +
                            "; track it with weight 0 (the group goes to FAULT) if that is meant");
            return std::nullopt;
        }
        comment(t, "keepalived '" + shown(t) + "': weight 0 (FAULT on failure) in " + why);
        tracked.words = {t.keyword(), "weight", "0"};
        return tracked;
    }

    // `NAME [weight N [reverse]]` -> { key = "NAME", weight = N }; false when left out.
    bool track(const Statement &t, std::vector<std::string> &out, const char *key,
               long default_weight, const std::string &value = "") {
        std::string entry =
            std::string("{ ") + key + " = " + toml_string(value.empty() ? t.keyword() : value);
        std::optional<long> weight;
        if (t.arg(1) == "weight") {
            weight = integer(t.arg(2), -254, 254);
            if (!weight) {
                left_out(t, "the weight must be -254..254");
                return false;
            }
            if (t.arg(3) == "reverse") {
                left_out(t, "xvrrp has no reversed weights");
                return false;
            }
        } else if (t.words.size() > 1) {
            left_out(t, "unknown options");
            return false;
        }
        if (weight && *weight != default_weight) entry += ", weight = " + std::to_string(*weight);
        out.push_back(entry + " }");
        return true;
    }

    void track_script(const Statement &t) {
        auto it = c_.scripts.find(t.keyword());
        if (it == c_.scripts.end()) {
            left_out(t, "there is no vrrp_script of that name");
        } else if (!it->second.converted) {
            left_out(t, "its vrrp_script (" + to_string(it->second.where) + ") is not converted");
        } else if (auto seen = std::find_if(v_.tracked_scripts.begin(), v_.tracked_scripts.end(),
                                            [&](const auto &n) { return n.first == t.keyword(); });
                   seen != v_.tracked_scripts.end()) {
            left_out(t, "the script is tracked already (" + to_string(seen->second) +
                            "): xvrrp tracks a script once per instance");
        } else {
            // A weight here overrides the script's, whatever the script's is: always written.
            std::vector<std::string> entry;
            auto m = as_member(t, t, weight_of(t, it->second.weight), false);
            if (m && track(*m, entry, "name", 1000)) {
                v_.track_script.push_back(entry.front());
                v_.tracked_scripts.emplace_back(t.keyword(), t.where);
            }
        }
    }

    void track_file(const Statement &t) {
        auto it = c_.track_files.find(t.keyword());
        if (it == c_.track_files.end()) {
            left_out(t, "there is no vrrp_track_file of that name");
        } else if (!it->second.converted) {
            left_out(t,
                     "its vrrp_track_file (" + to_string(it->second.where) + ") is not converted");
        } else {
            // keepalived's vrrp_track_file, inlined: the instance's weight, else the file's.
            Statement weighted = t;
            if (t.arg(1) != "weight")
                weighted.words = {t.keyword(), "weight", std::to_string(it->second.weight)};
            const long weight = weight_of(weighted, 0);
            if (auto m = as_member(t, weighted, weight, weight == 1))
                track(*m, v_.track_file, "path", 1, it->second.path);
        }
    }

    int version() {
        int version = v_.version.value_or(c_.defaults.version.value_or(2));
        if (!v_.version && !c_.defaults.version && version == 2 && v_.family != vrrp::Family::IPv6)
            comments_.push_back("# keepalived's default vrrp_version is 2 (xvrrp's is 3)");
        if (v_.family == vrrp::Family::IPv6 && version == 2) {
            comments_.push_back("# IPv6 service IPs: VRRPv3, as keepalived makes them");
            version = 3;
        }
        return version;
    }

    void authentication(int version, std::vector<std::string> &keys) {
        if (!v_.auth_type && !v_.auth_pass) return;
        const Statement &at = v_.auth_type ? *v_.auth_type : *v_.auth_pass;
        if (version == 3) {
            comment(at, "authentication: VRRPv3 has none (RFC 5798), keepalived ignores it too");
        } else if (!v_.auth_type) {
            comment(at,
                    "auth_pass without auth_type: keepalived sends no authentication, "
                    "nor does xvrrp");
        } else if (v_.auth_type->arg(1) != "PASS") {
            left_out(at, "xvrrp has simple-text authentication (PASS) only");
        } else if (!v_.auth_pass) {
            left_out(at, "auth_type PASS without auth_pass");
        } else {
            std::string pass = v_.auth_pass->arg(1);
            if (pass.size() > 8) {
                comment(*v_.auth_pass, "keepalived sends the first 8 characters of auth_pass");
                pass.resize(8);
            }
            keys.push_back("auth_pass = " + toml_string(pass));
        }
    }

    void write() {
        std::vector<std::string> keys;
        keys.push_back("name = " + toml_string(v_.name));
        if (v_.interface.empty()) {
            c_.not_converted(sec_, st_, "", "it has no interface; add interface = \"...\"",
                             "vrrp_instance " + v_.name);
        } else {
            keys.push_back("interface = " + toml_string(v_.interface));
        }
        if (v_.vrid) {
            keys.push_back("vrid = " + std::to_string(*v_.vrid));
        } else {
            c_.not_converted(sec_, st_, "", "it has no virtual_router_id; add vrid = 1-255",
                             "vrrp_instance " + v_.name);
        }
        // keepalived 2: no priority and state MASTER make an address owner.
        if (!v_.priority && v_.master_state) {
            comments_.push_back("# keepalived: state MASTER without a priority is priority 255");
            v_.priority = 255;
        }
        if (v_.priority) keys.push_back("priority = " + std::to_string(*v_.priority));
        int ver = version();
        keys.push_back("version = " + std::to_string(ver));
        if (v_.advert_interval)
            keys.push_back("advert_interval = " + duration(*v_.advert_interval));
        if (v_.preempt)
            keys.push_back(std::string("preempt = ") + (*v_.preempt ? "true" : "false"));
        if (v_.preempt_delay) keys.push_back("preempt_delay = " + duration(*v_.preempt_delay));
        if (v_.accept) keys.push_back(std::string("accept = ") + (*v_.accept ? "true" : "false"));
        if (v_.use_vmac) keys.push_back("use_vmac = true");
        if (v_.virtual_ips.empty()) {
            c_.not_converted(sec_, st_, "",
                             "it has no virtual_ipaddress; xvrrp needs at least one service IP",
                             "vrrp_instance " + v_.name);
        } else {
            keys.push_back("virtual_ips = " + toml_strings(v_.virtual_ips));
        }
        if (!v_.unicast_peers.empty())
            keys.push_back("unicast_peers = " + toml_strings(v_.unicast_peers));
        authentication(ver, keys);
        const GlobalDefaults &g = c_.defaults;
        if (auto d = v_.garp_delay ? v_.garp_delay : g.garp_delay)
            keys.push_back("garp_delay = " + duration(*d));
        if (auto n = v_.garp_count ? v_.garp_count : g.garp_count)
            keys.push_back("garp_count = " + std::to_string(*n));
        if (auto d = v_.garp_interval ? v_.garp_interval : g.garp_interval)
            keys.push_back("garp_interval = " + duration(*d));
        if (auto d = v_.garp_refresh ? v_.garp_refresh : g.garp_refresh)
            keys.push_back("garp_refresh = " + duration(*d));
        auto inline_array = [&](const char *key, const std::vector<std::string> &items) {
            if (items.empty()) return;
            std::string line = std::string(key) + " = [";
            for (size_t i = 0; i < items.size(); i++) line += (i ? ", " : "") + items[i];
            keys.push_back(line + "]");
        };
        inline_array("track_interface", v_.track_interface);
        inline_array("track_script", v_.track_script);
        inline_array("track_file", v_.track_file);

        sec_.lines.push_back("[[instance]]");
        sec_.lines.push_back("# " + comment_text(to_string(st_.where)) + ": vrrp_instance " +
                             comment_text(v_.name));
        sec_.lines.insert(sec_.lines.end(), comments_.begin(), comments_.end());
        sec_.lines.insert(sec_.lines.end(), keys.begin(), keys.end());
        write_notify();
    }

    // [instance.notify] goes after the notes (Section::tail): a subtable ends the instance's
    // own keys.
    void write_notify() { sec_.tail = v_.notify.table(c_, sec_, ctx_, "[instance.notify]"); }
};

}  // namespace

void convert_instance(Conversion &c, const Statement &st) {
    InstanceConverter ic(c, st);
    ic.run();
}

}  // namespace xvrrp::importer
