#include "config/sync_group.h"

#include <map>
#include <set>

namespace xvrrp::config {

namespace {

struct Member {
    std::string group;
    uint32_t line;
};

SyncGroup read_sync_group(const toml::table &t, const std::set<std::string> &instances,
                          std::map<std::string, Member> &members, Diagnostics &diag) {
    SyncGroup g;
    g.source_line = pos_of(t.source()).line;
    TableReader r(t, "[[sync_group]]", "", {"name", "instances", "notify"}, diag);
    r.require("name");
    r.require("instances");
    if (auto v = r.string("name")) {
        if (v->empty() || has_control_character(*v))
            diag.error(*r.node("name"), "'name' = \"" + printable(*v) +
                                            "\" must be a word that names the group, such as "
                                            "\"router\"");
        else
            g.name = *v;
    }
    if (const toml::array *arr = r.array("instances")) {
        for (const toml::node &n : *arr) {
            auto name = n.value<std::string>();
            if (!name) {
                diag.error(n, "'instances' must hold instance names (strings), got " +
                                  std::string(type_name(n)));
                continue;
            }
            if (!instances.count(*name)) {
                diag.error(n, "'instances' names '" + printable(*name) +
                                  "', which no [[instance]] of the file defines");
                continue;
            }
            auto [it, fresh] = members.emplace(*name, Member{g.name, g.source_line});
            if (!fresh) {
                diag.error(n, "instance '" + printable(*name) +
                                  "' is already in the [[sync_group]] at line " +
                                  std::to_string(it->second.line) +
                                  "; an instance belongs to one group at most");
                continue;
            }
            g.instances.push_back(*name);
        }
        if (arr->size() < 2)
            diag.error(*r.node("instances"),
                       "'instances' must name at least 2 instances; a group of one changes "
                       "nothing, remove it");
    }
    read_notify(r, "[sync_group.notify]", g.notify);
    return g;
}

}  // namespace

void read_sync_groups(const toml::node &n, const std::vector<ParsedInstance> &parsed,
                      std::vector<SyncGroup> &out, Diagnostics &diag) {
    std::set<std::string> instances;
    for (const ParsedInstance &p : parsed)
        if (!p.instance.name.empty()) instances.insert(p.instance.name);
    std::map<std::string, Member> members;
    read_named_tables(n, "sync_group", "sync group", diag, out, [&](const toml::table &t) {
        return read_sync_group(t, instances, members, diag);
    });
}

}  // namespace xvrrp::config
