// Shared by the importer's conversion files: the output being built, keepalived's global
// defaults, and the vrrp_script / vrrp_track_file definitions instances refer to.
#pragma once

#include <map>
#include <optional>
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

// The conversions, each given the statement of its keepalived block.
void convert_global_defs(Conversion &c, const Statement &st);
void convert_script(Conversion &c, const Statement &st);
void convert_track_file(Conversion &c, const Statement &st);
void convert_instance(Conversion &c, const Statement &st);

}  // namespace xvrrp::importer
