// keepalived's vrrp_sync_group -> one [[sync_group]] table, whose members are the
// vrrp_instances. What parse_config would refuse (an unknown member, an instance in two groups,
// fewer than 2 members, a second group of a name) is left out, never written.
#include "config/diagnostics.h"
#include "config/reader.h"
#include "importer/keepalived_convert.h"
#include "importer/toml_text.h"

namespace xvrrp::importer {

namespace {

// Group keywords with no xvrrp equivalent, and why.
std::string group_reason(const std::string &keyword) {
    if (keyword == "smtp_alert") return "xvrrp sends no e-mail";
    if (keyword.starts_with("track_"))
        return "xvrrp tracks per instance: add it to each member (weight 0 takes the whole group "
               "to FAULT)";
    if (keyword.starts_with("notify_")) return "no xvrrp hook for this event";
    return "no xvrrp equivalent";
}

class SyncGroupConverter {
  public:
    SyncGroupConverter(Conversion &c, const Statement &st)
        : c_(c), st_(st), ctx_("vrrp_sync_group " + config::printable(st.arg(1)) + ": ") {}

    void run() {
        for (const Statement &k : st_.block) keyword(k);
        if (const std::string why = refused(); !why.empty()) {
            // Named as the file names it ("vrrp_sync_group {...}" without a name).
            c_.not_converted(sec_, st_, "", why, name().empty() ? "" : "vrrp_sync_group " + name());
        } else {
            write();
        }
        c_.sync_groups.push_back(std::move(sec_));
    }

  private:
    Conversion &c_;
    const Statement &st_;
    const std::string ctx_;
    Section sec_;
    NotifyLines notify_;
    bool has_group_ = false;
    bool tracking_weight_ = false;  // sync_group_tracking_weight: members keep their weights
    std::vector<std::pair<std::string, Location>> members_;
    std::vector<std::string> comments_;

    const std::string &name() const { return st_.arg(1); }

    void left_out(const Statement &k, const std::string &reason, const std::string &what = "") {
        c_.not_converted(sec_, k, ctx_, reason, what);
    }

    void keyword(const Statement &k) {
        const std::string &kw = k.keyword();
        if (kw == "group") {
            if (!k.has_block) {
                left_out(k, "keepalived expects a block in braces here");
                return;
            }
            has_group_ = true;
            // keepalived reads the block's words as the names, however they are put on lines.
            for (const Statement &m : k.block)
                for (const std::string &w : m.words) member(m, w);
        } else if (kw == "global_tracking" || kw == "sync_group_tracking_weight") {
            tracking_weight_ = true;
            comments_.push_back("# " + comment_text(to_string(k.where)) + ": keepalived '" + kw +
                                "': the members' tracking weights are converted as written");
        } else if (const char *key = NotifyLines::key(kw)) {
            notify_.add(c_, sec_, k, ctx_, key);
        } else if (c_.instance_names.count(kw)) {
            left_out(k,
                     "an instance named outside 'group { ... }', where keepalived reads the "
                     "members");
        } else {
            left_out(k, group_reason(kw));
        }
    }

    void member(const Statement &m, const std::string &instance) {
        if (!c_.instance_names.count(instance)) {
            left_out(m, "there is no vrrp_instance of that name", instance);
            return;
        }
        for (const auto &[other, where] : members_) {
            if (other == instance) {
                left_out(m, "the instance is listed already (" + to_string(where) + ")", instance);
                return;
            }
        }
        if (auto it = c_.grouped.find(instance); it != c_.grouped.end()) {
            left_out(m,
                     "the instance is in " + it->second +
                         " already: an instance belongs to one group at most",
                     instance);
            return;
        }
        members_.emplace_back(instance, m.where);
    }

    // Why the group as a whole cannot be converted; "" when it can.
    std::string refused() const {
        if (name().empty()) return "a group needs a name";
        if (config::has_control_character(name()))
            return "xvrrp refuses a control character in a group's name";
        if (auto it = c_.group_names.find(name()); it != c_.group_names.end())
            return "a vrrp_sync_group of that name is converted already (" + to_string(it->second) +
                   ")";
        if (!has_group_) return "it has no group block naming its instances";
        if (members_.size() < 2)
            return "xvrrp needs 2 or more instances in a group (a group of one changes nothing), "
                   "and " +
                   std::to_string(members_.size()) + " of its instances can be members";
        return "";
    }

    void write() {
        std::vector<std::string> instances;
        for (const auto &[instance, where] : members_) {
            instances.push_back(instance);
            c_.grouped[instance] =
                "vrrp_sync_group " + config::printable(name()) + " (" + to_string(st_.where) + ")";
            if (!tracking_weight_) c_.weights_ignored.insert(instance);
        }
        c_.group_names[name()] = st_.where;
        sec_.lines.push_back("[[sync_group]]");
        sec_.lines.push_back("# " + comment_text(to_string(st_.where)) + ": vrrp_sync_group " +
                             comment_text(name()));
        sec_.lines.insert(sec_.lines.end(), comments_.begin(), comments_.end());
        sec_.lines.push_back("name = " + toml_string(name()));
        sec_.lines.push_back("instances = " + toml_strings(instances));
        // [sync_group.notify] after the notes (Section::tail): a subtable ends the group's keys.
        sec_.tail = notify_.table(c_, sec_, ctx_, "[sync_group.notify]");
    }
};

}  // namespace

void convert_sync_group(Conversion &c, const Statement &st) {
    SyncGroupConverter gc(c, st);
    gc.run();
}

}  // namespace xvrrp::importer
