// keepalived.conf -> xvrrpd TOML: the file as a whole, global_defs, vrrp_script and
// vrrp_track_file. vrrp_instance is keepalived_instance.cpp, vrrp_sync_group
// keepalived_sync_group.cpp.
#include "importer/keepalived.h"

#include <algorithm>
#include <cctype>
#include <cerrno>
#include <charconv>
#include <cstring>

#include "config/diagnostics.h"
#include "config/duration.h"
#include "importer/keepalived_convert.h"
#include "importer/toml_text.h"

namespace xvrrp::importer {

std::string shown(const Statement &st) {
    std::string text;
    for (const std::string &w : st.words) {
        if (!text.empty()) text += ' ';
        text += w.find_first_of(" \t") == std::string::npos ? w : '"' + w + '"';
    }
    if (st.has_block) text += " {...}";
    return config::printable(text);
}

void Conversion::not_converted(Section &sec, const Statement &st, const std::string &context,
                               const std::string &reason, const std::string &what) {
    std::string message =
        context + "'" + (what.empty() ? shown(st) : config::printable(what)) + "': " + reason;
    sec.notes.push_back("# NOT CONVERTED " + comment_text(to_string(st.where)) + ": " +
                        comment_text(message));
    left_out.push_back({st.where, std::move(message)});
}

std::optional<long> integer(const std::string &text, long lo, long hi) {
    long v = 0;
    auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
    if (ec != std::errc() || end != text.data() + text.size() || v < lo || v > hi)
        return std::nullopt;
    return v;
}

std::optional<Duration> seconds(const std::string &text) {
    std::string why;
    if (text.empty() || !std::isdigit(static_cast<unsigned char>(text[0]))) return std::nullopt;
    return config::parse_duration(text + "s", &why);
}

namespace {

std::string duration(Duration d) {
    return toml_string(config::format_duration(d));
}

// keepalived global_defs keywords with no xvrrp equivalent, and why.
std::string global_reason(const std::string &keyword) {
    if (keyword == "router_id")
        return "xvrrp has no router id (keepalived names itself with it in e-mail and SNMP)";
    if (keyword.starts_with("notification_email") || keyword.starts_with("smtp_"))
        return "xvrrp sends no e-mail";
    if (keyword == "enable_script_security")
        return "xvrrp runs hooks and scripts with execve, without a shell; check their owners "
               "and modes by hand";
    if (keyword == "notify_fifo" || keyword == "vrrp_notify_fifo")
        return "set [daemon] notify_fifo to the same path by hand: xvrrp writes keepalived's "
               "line format there, and runs no notify_fifo_script";
    if (keyword == "vrrp_strict")
        return "xvrrp has no strict mode; set accept = false and leave auth_pass out where "
               "RFC conformance matters";
    return "no xvrrp equivalent";
}

}  // namespace

void convert_global_defs(Conversion &c, const Statement &st) {
    GlobalDefaults &g = c.defaults;
    const std::string ctx = "global_defs: ";
    for (const Statement &k : st.block) {
        const std::string &kw = k.keyword();
        auto bad = [&](const char *what) { c.not_converted(c.header, k, ctx, what); };
        if (kw == "vrrp_version") {
            auto v = integer(k.arg(1), 2, 3);
            v ? void(g.version = int(*v)) : bad("the version must be 2 or 3");
        } else if (kw == "vrrp_garp_master_delay") {
            auto d = seconds(k.arg(1));
            d ? void(g.garp_delay = *d) : bad("not a number of seconds");
        } else if (kw == "vrrp_garp_master_repeat") {
            auto n = integer(k.arg(1), 0, 255);
            n ? void(g.garp_count = *n) : bad("not a count 0-255");
        } else if (kw == "vrrp_garp_interval") {
            auto d = seconds(k.arg(1));
            d ? void(g.garp_interval = *d) : bad("not a number of seconds");
        } else if (kw == "vrrp_garp_master_refresh") {
            auto d = seconds(k.arg(1));
            d ? void(g.garp_refresh = *d) : bad("not a number of seconds");
        } else if (kw == "vrrp_garp_master_refresh_repeat") {
            if (k.arg(1) != "1")
                bad("xvrrp sends one round of gratuitous ARP per refresh (keepalived's default)");
        } else if (kw == "script_user") {
            g.script_user = k.arg(1);
            if (k.words.size() > 2)
                c.not_converted(c.header, k, ctx,
                                "xvrrp runs hooks and scripts with the user's own groups",
                                "script_user group " + k.arg(2));
        } else if (kw == "default_interface") {
            g.default_interface = k.arg(1);
        } else {
            c.not_converted(c.header, k, ctx, global_reason(kw));
        }
    }
}

void convert_script(Conversion &c, const Statement &st) {
    const std::string name = st.arg(1);
    const std::string ctx = "vrrp_script " + config::printable(name) + ": ";
    ScriptDef def{st.where, true, {}};
    Section &sec = def.section;
    std::vector<std::string> keys;
    std::vector<std::string> argv;
    std::string user = c.defaults.script_user;
    bool has_script = false;
    auto fail = [&](const Statement &k, const std::string &reason) {
        c.not_converted(sec, k, ctx, reason);
        def.converted = false;
    };
    for (const Statement &k : st.block) {
        const std::string &kw = k.keyword();
        auto bad = [&](const char *what) { fail(k, what); };
        if (kw == "script") {
            std::string why;
            auto words = split_quoted(k.rest, &why);
            argv.clear();
            for (const std::string &w : words.value_or(std::vector<std::string>{})) {
                auto parts = split_quoted(w, &why);
                if (parts) argv.insert(argv.end(), parts->begin(), parts->end());
            }
            has_script = true;
            if (!words || argv.empty()) {
                bad(why.empty() ? "an empty command" : why.c_str());
            } else if (argv[0][0] != '/') {
                fail(k, "'" + config::printable(argv[0]) +
                            "' is not an absolute path: xvrrp runs scripts with execve, without "
                            "a shell or PATH lookup; give the full path of a program");
            }
        } else if (kw == "interval" || kw == "timeout") {
            // parse_config's ranges: a check at most every 100ms, a timeout of at least 10ms.
            using namespace std::chrono_literals;
            auto d = seconds(k.arg(1));
            const Duration lo = kw == "interval" ? Duration(100ms) : Duration(10ms);
            if (!d)
                bad("not a number of seconds");
            else if (*d < lo || *d > Duration(3600s))
                bad(kw == "interval" ? "xvrrp runs a check every 0.1 to 3600 seconds"
                                     : "xvrrp's script timeout is 0.01 to 3600 seconds");
            else
                keys.push_back(kw + " = " + duration(*d));
        } else if (kw == "weight") {
            auto w = integer(k.arg(1), -254, 254);
            if (!w) {
                bad("the weight must be -254..254");
            } else if (k.arg(2) == "reverse") {
                bad("xvrrp has no reversed weights");
            } else {
                def.weight = *w;
                keys.push_back("weight = " + std::to_string(*w));
            }
        } else if (kw == "rise" || kw == "fall") {
            auto n = integer(k.arg(1), 1, 1000);
            n ? keys.push_back(kw + " = " + std::to_string(*n)) : bad("not a count 1-1000");
        } else if (kw == "user") {
            user = k.arg(1);
            if (k.words.size() > 2)
                c.not_converted(sec, k, ctx, "xvrrp runs scripts with the user's own groups",
                                "user group " + k.arg(2));
        } else {
            c.not_converted(sec, k, ctx, "no xvrrp equivalent");
        }
    }
    if (!has_script) {
        c.not_converted(sec, st, "", "it has no script to run");
        def.converted = false;
    }
    sec.lines.push_back("[[script]]");
    sec.lines.push_back("# " + comment_text(to_string(st.where)) + ": vrrp_script " +
                        comment_text(name));
    sec.lines.push_back("name = " + toml_string(name));
    sec.lines.push_back("script = " + toml_strings(argv));
    sec.lines.insert(sec.lines.end(), keys.begin(), keys.end());
    if (!user.empty()) sec.lines.push_back("user = " + toml_string(user));
    if (c.scripts.count(name) == 0) c.script_order.push_back(name);
    c.scripts[name] = std::move(def);
}

void convert_track_file(Conversion &c, const Statement &st) {
    const std::string name = st.arg(1);
    const std::string ctx = "vrrp_track_file " + config::printable(name) + ": ";
    TrackFileDef def{st.where, true, "", 1};
    for (const Statement &k : st.block) {
        const std::string &kw = k.keyword();
        if (kw == "file") {
            def.path = k.arg(1);
        } else if (kw == "weight") {
            auto w = integer(k.arg(1), -254, 254);
            if (!w || k.arg(2) == "reverse") {
                c.not_converted(
                    c.header, k, ctx,
                    w ? "xvrrp has no reversed weights" : "the weight must be -254..254");
                def.converted = false;
            } else {
                def.weight = *w;
            }
        } else {
            c.not_converted(c.header, k, ctx, "no xvrrp equivalent");
        }
    }
    if (def.path.empty()) {
        c.not_converted(c.header, st, "", "it names no file");
        def.converted = false;
    }
    c.track_files[name] = std::move(def);
}

namespace {

// Top-level blocks with no xvrrp equivalent, and why.
std::string top_level_reason(const std::string &keyword) {
    if (keyword == "virtual_server" || keyword == "virtual_server_group")
        return "keepalived's load balancer (LVS) is out of xvrrp's scope";
    return "no xvrrp equivalent";
}

void append(std::string &out, const Section &sec) {
    for (const std::string &l : sec.lines) out += l + "\n";
    for (const std::string &n : sec.notes) out += n + "\n";
    for (const std::string &l : sec.tail) out += l + "\n";
}

// The order of first appearance of the files, for sorting what was left out.
void file_order(const std::vector<Statement> &sts, std::vector<std::string> &files) {
    for (const Statement &st : sts) {
        if (std::find(files.begin(), files.end(), st.where.file) == files.end())
            files.push_back(st.where.file);
        file_order(st.block, files);
    }
}

// The statements of the files, converted.
ImportResult convert(const SyntaxResult &syntax, const std::string &file) {
    ImportResult result;
    if (!syntax.ok()) {
        result.errors = syntax.errors;
        return result;
    }
    Conversion c;
    for (const Problem &w : syntax.warnings) {
        c.left_out.push_back(w);
        c.header.notes.push_back("# NOT CONVERTED " + comment_text(to_string(w.where)) + ": " +
                                 comment_text(w.message));
    }
    // Definitions first: an instance may refer to a script defined after it.
    for (const Statement &st : syntax.statements) {
        if (st.keyword() == "global_defs") convert_global_defs(c, st);
        if (st.keyword() == "vrrp_script") convert_script(c, st);
        if (st.keyword() == "vrrp_track_file") convert_track_file(c, st);
    }
    // Then the groups: keepalived ignores their members' tracking weights unless they say
    // otherwise, which the instances' conversion must know.
    for (const Statement &st : syntax.statements)
        if (st.keyword() == "vrrp_instance" && !st.arg(1).empty())
            c.instance_names.insert(st.arg(1));
    for (const Statement &st : syntax.statements)
        if (st.keyword() == "vrrp_sync_group") convert_sync_group(c, st);
    for (const Statement &st : syntax.statements) {
        const std::string &kw = st.keyword();
        if (kw == "vrrp_instance") {
            convert_instance(c, st);
        } else if (kw != "global_defs" && kw != "vrrp_script" && kw != "vrrp_track_file" &&
                   kw != "vrrp_sync_group") {
            c.not_converted(c.header, st, "", top_level_reason(kw));
        }
    }

    std::vector<std::string> files;
    file_order(syntax.statements, files);
    auto rank = [&](const Problem &p) {
        return std::find(files.begin(), files.end(), p.where.file) - files.begin();
    };
    std::stable_sort(c.left_out.begin(), c.left_out.end(), [&](const Problem &a, const Problem &b) {
        return std::pair(rank(a), a.where.line) < std::pair(rank(b), b.where.line);
    });
    result.left_out = std::move(c.left_out);
    // xvrrpd refuses a configuration without an instance: no TOML, but still the list.
    if (c.instances.empty()) {
        result.errors.push_back(
            {{file, 0}, "no vrrp_instance to convert: xvrrpd needs at least one [[instance]]"});
        return result;
    }

    std::string &out = result.toml;
    out =
        "# xvrrpd configuration converted from keepalived by `xvrrpd import-keepalived`.\n"
        "# Review it, then check it on the host: xvrrpd --check --config FILE\n"
        "# (docs/migrating.md says what maps to what). keepalived's settings that xvrrp\n"
        "# cannot express are the \"# NOT CONVERTED\" lines, which xvrrpd also printed as\n"
        "# warnings.\n";
    if (!c.header.notes.empty()) out += "\n";
    for (const std::string &n : c.header.notes) out += n + "\n";
    for (const std::string &name : c.script_order) {
        const ScriptDef &def = c.scripts[name];
        out += "\n";
        if (def.converted) {
            append(out, def.section);
        } else {
            for (const std::string &n : def.section.notes) out += n + "\n";
        }
    }
    for (const Section &sec : c.instances) {
        out += "\n";
        append(out, sec);
    }
    for (const Section &sec : c.sync_groups) {
        out += "\n";
        append(out, sec);
    }
    return result;
}

}  // namespace

ImportResult import_keepalived(std::string_view text, const std::string &file) {
    return convert(parse_keepalived(text, file), file);
}

ImportResult import_keepalived_file(const std::string &path) {
    return convert(parse_keepalived_file(path), path);
}

int run_import_keepalived(const std::string &path, FILE *out, FILE *err) {
    ImportResult r = import_keepalived_file(path);
    if (!r.errors.empty()) {
        for (const Problem &w : r.left_out) fprintf(err, "%s\n", format_warning(w).c_str());
        for (const Problem &e : r.errors) fprintf(err, "%s\n", format_error(e).c_str());
        return r.exit_code();
    }
    fputs(r.toml.c_str(), out);
    if (fflush(out) != 0 || ferror(out)) {
        fprintf(err, "xvrrpd: import-keepalived: cannot write the output: %s\n", strerror(errno));
        return kImportFailed;
    }
    for (const Problem &w : r.left_out) fprintf(err, "%s\n", format_warning(w).c_str());
    if (!r.left_out.empty())
        fprintf(err,
                "xvrrpd: %zu keepalived setting%s not converted (listed above and as "
                "\"# NOT CONVERTED\" in the output)\n",
                r.left_out.size(), r.left_out.size() == 1 ? "" : "s");
    return r.exit_code();
}

}  // namespace xvrrp::importer
