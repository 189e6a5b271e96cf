// Internal to the config library: the [[sync_group]] tables (keepalived's vrrp_sync_group),
// checked against the file's instances.
#pragma once

#include <toml++/toml.h>

#include <vector>

#include "config/config.h"
#include "config/instance.h"
#include "config/reader.h"

namespace xvrrp::config {

// Reads `n` (the top-level 'sync_group' key) into `out`, reporting every problem: a group
// names 2+ instances of `parsed`, an instance is in one group at most, group names are unique.
void read_sync_groups(const toml::node &n, const std::vector<ParsedInstance> &parsed,
                      std::vector<SyncGroup> &out, Diagnostics &diag);

}  // namespace xvrrp::config
