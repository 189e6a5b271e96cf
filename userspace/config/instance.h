// Internal to the config library: one [[instance]] table -> Instance, with the positions the
// checks across instances (unique names, VRIDs, service IPs) point their errors at.
#pragma once

#include <toml++/toml.h>

#include <vector>

#include "config/config.h"
#include "config/reader.h"

namespace xvrrp::config {

struct ParsedInstance {
    Instance instance;
    bool valid = false;  // no error was found in this table
    // Where each value came from; a zero line when the key was absent or wrong.
    SourcePos name_pos, vrid_pos;
    std::vector<SourcePos> vip_pos;  // parallel to instance.virtual_ips
    // Parallel to instance.track_scripts: where each names its script, and whether it gives
    // its own weight (else parse_config copies the script's).
    std::vector<SourcePos> track_script_pos;
    std::vector<bool> track_script_weight_given;
};

// Reads and checks every key of one [[instance]] table, reporting all problems into `diag`.
ParsedInstance parse_instance(const toml::table &table, Diagnostics &diag);

// The optional `notify` table of `r` ([instance.notify], [sync_group.notify]: `where`).
void read_notify(TableReader &r, std::string where, NotifyHooks &hooks);

// Why `interval` is not a valid advert interval for VRRP `version`, or "" when it is.
// The message follows the quoted value: "is not a multiple of 10ms ...".
std::string advert_interval_problem(Duration interval, int version);

}  // namespace xvrrp::config
