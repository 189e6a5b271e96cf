// Internal to the config library: the [[script]] tables (keepalived's vrrp_script), and the
// check that every instance's track_script names one of them.
#pragma once

#include <toml++/toml.h>

#include <vector>

#include "config/config.h"
#include "config/instance.h"
#include "config/reader.h"

namespace xvrrp::config {

// Reads `n` (the top-level 'script' key) into `out`, reporting every problem.
void read_scripts(const toml::node &n, std::vector<Script> &out, Diagnostics &diag);

// Each track_script entry names a script of `scripts` (else an error at the name); an entry
// without its own weight takes the script's.
void resolve_track_scripts(const std::vector<Script> &scripts, std::vector<ParsedInstance> &parsed,
                           Diagnostics &diag);

}  // namespace xvrrp::config
