// Shared by the importer's conversion files: the output being built, keepalived's global
// defaults, the vrrp_script / vrrp_track_file definitions instances refer to, and the notify
// hooks of instances and sync groups.
#pragma once

#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "importer/keepalived_syntax.h"
#include "vrrp/types.h"

namespace xvrrp::importer {

using vrrp::Duration;

// One table of the output: its TOML lines and comments, the notes on what was left out, and
// its subtables.
struct Section {
    std::vector<std::string> lines;
    std::vector<std::string> notes;  // "# NOT CONVERTED FILE:LINE: ..."
    std::vector<std::string> tail;
};

// global_defs that set every instance's defaults.
struct GlobalDefaults {
    std::optional<int> version;  // vrrp_version; keepalived's default is 2
    std::optional<Duration> garp_delay, garp_interval, garp_refresh;
    std::optional<long> garp_count;
    std::string script_user;        // script_user: hooks' and scripts' user
    std::string default_interface;  // default_interface: for instances without interface
};

struct ScriptDef {
    Location where;
    bool converted = false;
    Section section;  // the [[script]] table
    long weight = 0;  // keepalived's default
};

struct TrackFileDef {
    Location where;
    bool converted = false;
    std::string path;
    long weight = 1;  // keepalived's default
};

// What the conversion has found so far; the conversion functions add to it.
struct Conversion {
    std::vector<Problem> left_out;
    Section header;  // notes on global things
    GlobalDefaults defaults;
    std::map<std::string, ScriptDef> scripts;
    std::vector<std::string> script_order;  // names, in the order of the files
    std::map<std::string, TrackFileDef> track_files;
    std::vector<Section> instances;
    std::set<std::string> instance_names;  // the vrrp_instances' names
    std::vector<Section> sync_groups;
    std::map<std::string, Location> group_names;  // the converted [[sync_group]]s' names
    std::map<std::string, std::string> grouped;   // member -> "vrrp_sync_group G1 (FILE:LINE)"
    // Members of a group without sync_group_tracking_weight, whose tracking weights keepalived
    // ignores.
    std::set<std::string> weights_ignored;

    // Records `st` (or the part of it `what` names) as left out of `sec`, for `reason`.
    void not_converted(Section &sec, const Statement &st, const std::string &context,
                       const std::string &reason, const std::string &what = "");
};

// The statement as keepalived's file spells it (cut to fit a message): "smtp_alert",
// "virtual_server 10.10.10.2 1358 {...}".
std::string shown(const Statement &st);

// keepalived's numbers: an integer in [lo, hi]; seconds with an optional fraction ("0.5").
std::optional<long> integer(const std::string &text, long lo, long hi);
std::optional<Duration> seconds(const std::string &text);

// A notify_* line: the command split into an argv, keepalived's per-script user.
struct Notify {
    Location where;
    std::vector<std::string> argv;
    std::string user;  // "" when none
};

// The notify_* lines of a vrrp_instance or a vrrp_sync_group, becoming its [instance.notify]
// or [sync_group.notify] table.
class NotifyLines {
  public:
    // The xvrrp key of a keepalived notify keyword ("notify_master" -> "master"); nullptr for
    // one xvrrp has no hook for. keepalived's `notify` gets "INSTANCE|GROUP <name> <state>
    // <priority>" appended, as xvrrp's `any` does.
    static const char *key(const std::string &keyword);

    // Adds the hook of line `k` as `key`; what cannot be converted is left out of `sec`
    // (`context` starts the message, "vrrp_instance VI_1: ").
    void add(Conversion &c, Section &sec, const Statement &k, const std::string &context,
             const char *key);

    // The subtable `header` ("[instance.notify]") with a blank line before it; nothing without
    // hooks. xvrrp runs all of them as one user: another user is left out of `sec`.
    std::vector<std::string> table(Conversion &c, Section &sec, const std::string &context,
                                   const std::string &header) const;

  private:
    std::vector<std::pair<std::string, Notify>> hooks_;  // xvrrp key, hook
};

// The conversions, each given the statement of its keepalived block.
void convert_global_defs(Conversion &c, const Statement &st);
void convert_script(Conversion &c, const Statement &st);
void convert_track_file(Conversion &c, const Statement &st);
void convert_instance(Conversion &c, const Statement &st);
// Before the instances (whose tracking weights depend on their group), once instance_names
// holds every vrrp_instance's name.
void convert_sync_group(Conversion &c, const Statement &st);

}  // namespace xvrrp::importer
