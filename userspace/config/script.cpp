#include "config/script.h"

#include <map>

namespace xvrrp::config {

using namespace std::chrono_literals;

namespace {

Script read_script(const toml::table &t, Diagnostics &diag) {
    Script s;
    s.source_line = pos_of(t.source()).line;
    TableReader r(t, "[[script]]", "",
                  {"name", "script", "interval", "timeout", "weight", "rise", "fall", "user"},
                  diag);
    r.require("name");
    r.require("script");
    if (auto v = r.string("name")) {
        if (v->empty() || has_control_character(*v))
            diag.error(*r.node("name"), "'name' = \"" + printable(*v) +
                                            "\" must be a word that names the check, such as "
                                            "\"chk_haproxy\"");
        else
            s.name = *v;
    }
    read_command(r, "script", "scripts", s.command);
    bool timeout_given = r.node("timeout") != nullptr;
    if (auto d = r.duration("interval", 100ms, 3600s)) s.interval = *d;
    s.timeout = s.interval;
    if (timeout_given)
        if (auto d = r.duration("timeout", 10ms, 3600s)) s.timeout = *d;
    if (auto w = r.integer("weight", -254, 254, "-254..254 (0: fault while the check fails)"))
        s.weight = static_cast<int>(*w);
    if (auto v = r.integer("rise", 1, 1000, "1..1000")) s.rise = static_cast<unsigned>(*v);
    if (auto v = r.integer("fall", 1, 1000, "1..1000")) s.fall = static_cast<unsigned>(*v);
    read_user(r, "user", s.user);
    return s;
}

}  // namespace

void read_scripts(const toml::node &n, std::vector<Script> &out, Diagnostics &diag) {
    read_named_tables(n, "script", "script", diag, out,
                      [&](const toml::table &t) { return read_script(t, diag); });
}

void resolve_track_scripts(const std::vector<Script> &scripts, std::vector<ParsedInstance> &parsed,
                           Diagnostics &diag) {
    for (ParsedInstance &p : parsed) {
        auto &tracks = p.instance.track_scripts;
        for (size_t i = 0; i < tracks.size(); ++i) {
            const Script *script = nullptr;
            for (const auto &s : scripts)
                if (s.name == tracks[i].name) script = &s;
            if (!script) {
                diag.error(p.track_script_pos[i], "'track_script' names '" +
                                                      printable(tracks[i].name) +
                                                      "', which no [[script]] of the file defines");
                continue;
            }
            if (!p.track_script_weight_given[i]) tracks[i].weight = script->weight;
            for (size_t j = 0; j < i; ++j)
                if (tracks[j].name == tracks[i].name)
                    diag.error(p.track_script_pos[i], "'track_script' names '" +
                                                          printable(tracks[i].name) +
                                                          "' twice; track a script once");
        }
    }
}

}  // namespace xvrrp::config
