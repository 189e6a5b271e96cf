#include "config/reader.h"

#include "config/command_line.h"

#include <algorithm>
#include <sstream>

#include "config/duration.h"

namespace xvrrp::config {

SourcePos pos_of(const toml::source_region &r) {
    return {static_cast<uint32_t>(r.begin.line), static_cast<uint32_t>(r.begin.column)};
}

std::vector<Diagnostic> Diagnostics::take_sorted() {
    std::stable_sort(list_.begin(), list_.end(), [](const Diagnostic &a, const Diagnostic &b) {
        if (a.pos.line != b.pos.line) return a.pos.line < b.pos.line;
        return a.pos.column < b.pos.column;
    });
    if (list_.size() > kMaxErrors) {
        // A file of 100,000 unknown keys is one mistake (the wrong file?), not 100,000 lines.
        const size_t more = list_.size() - kMaxErrors;
        const SourcePos from = list_[kMaxErrors].pos;
        list_.resize(kMaxErrors);
        list_.push_back({file_, from,
                         std::to_string(more) + " more error" + (more == 1 ? "" : "s") +
                             " from here on, not shown; fix these first"});
    }
    return std::move(list_);
}

std::string_view type_name(const toml::node &n) {
    switch (n.type()) {
        case toml::node_type::string:
            return "string";
        case toml::node_type::integer:
            return "integer";
        case toml::node_type::floating_point:
            return "float";
        case toml::node_type::boolean:
            return "boolean";
        case toml::node_type::table:
            return "table";
        case toml::node_type::array:
            return "array";
        case toml::node_type::date:
            return "date";
        case toml::node_type::time:
            return "time";
        case toml::node_type::date_time:
            return "date-time";
        default:
            return "nothing";
    }
}

TableReader::TableReader(const toml::table &table, std::string where, std::string prefix,
                         std::vector<std::string_view> known_keys, Diagnostics &diag)
    : table_(table), where_(std::move(where)), prefix_(std::move(prefix)), diag_(diag) {
    for (auto &&[key, value] : table_) {
        if (std::find(known_keys.begin(), known_keys.end(), key.str()) != known_keys.end())
            continue;
        std::string message = "unknown key '" + printable(key.str()) + "' in " + where_;
        std::string suggestion = nearest_name(key.str(), known_keys);
        if (!suggestion.empty())
            message += "; did you mean '" + suggestion + "'?";
        else
            message += "; docs/configuration.md lists the keys";
        diag_.error(pos_of(key.source()), std::move(message));
    }
}

const toml::node *TableReader::typed(std::string_view key, toml::node_type type,
                                     std::string_view article) {
    const toml::node *n = table_.get(key);
    if (!n) return nullptr;
    if (n->type() != type) {
        diag_.error(*n, name(key) + " must be " + std::string(article) + ", got " +
                            std::string(type_name(*n)));
        return nullptr;
    }
    return n;
}

std::optional<std::string> TableReader::string(std::string_view key) {
    const toml::node *n = typed(key, toml::node_type::string, "a string");
    if (!n) return std::nullopt;
    return n->as_string()->get();
}

std::optional<bool> TableReader::boolean(std::string_view key) {
    const toml::node *n = typed(key, toml::node_type::boolean, "a boolean (true or false)");
    if (!n) return std::nullopt;
    return n->as_boolean()->get();
}

std::optional<int64_t> TableReader::integer(std::string_view key, int64_t lo, int64_t hi,
                                            std::string_view range) {
    const toml::node *n = typed(key, toml::node_type::integer, "an integer");
    if (!n) return std::nullopt;
    int64_t v = n->as_integer()->get();
    if (v < lo || v > hi) {
        diag_.error(*n,
                    name(key) + " must be " + std::string(range) + ", got " + std::to_string(v));
        return std::nullopt;
    }
    return v;
}

std::optional<Duration> read_duration(const toml::node &n, const std::string &what,
                                      Diagnostics &diag) {
    if (n.is_integer() || n.is_floating_point()) {
        std::ostringstream shown;
        if (n.is_integer())
            shown << n.as_integer()->get();
        else
            shown << n.as_floating_point()->get();
        std::string v = shown.str();
        diag.error(n, what + " = " + v + " has no unit; add a unit: us, ms or s (e.g. \"" + v +
                          "ms\" or \"" + v + "s\")");
        return std::nullopt;
    }
    if (!n.is_string()) {
        diag.error(n, what + " must be a duration string such as \"1s\", got " +
                          std::string(type_name(n)));
        return std::nullopt;
    }
    const std::string &text = n.as_string()->get();
    std::string error;
    auto d = parse_duration(text, &error);
    if (!d) diag.error(n, what + " = \"" + printable(text) + "\" " + error);
    return d;
}

std::optional<Duration> TableReader::duration(std::string_view key) {
    const toml::node *n = table_.get(key);
    if (!n) return std::nullopt;
    return read_duration(*n, name(key), diag_);
}

std::optional<Duration> TableReader::duration(std::string_view key, Duration lo, Duration hi) {
    auto d = duration(key);
    if (d && (*d < lo || *d > hi)) {
        diag_.error(*table_.get(key), name(key) + " must be from " + format_duration(lo) + " to " +
                                          format_duration(hi) + ", got " + format_duration(*d));
        return std::nullopt;
    }
    return d;
}

const toml::array *TableReader::array(std::string_view key) {
    const toml::node *n = typed(key, toml::node_type::array, "an array");
    return n ? n->as_array() : nullptr;
}

const toml::table *TableReader::table(std::string_view key) {
    const toml::node *n = typed(key, toml::node_type::table, "a table");
    return n ? n->as_table() : nullptr;
}

bool TableReader::require(std::string_view key) {
    if (table_.contains(key)) return true;
    diag_.error(table_, "missing required key " + name(key) + " in " + where_);
    return false;
}

std::optional<IpAddress> read_address(const toml::node &n, const std::string &what,
                                      Diagnostics &diag) {
    if (!n.is_string()) {
        diag.error(n, what + " must hold address strings, got " + std::string(type_name(n)));
        return std::nullopt;
    }
    const std::string &text = n.as_string()->get();
    auto ip = IpAddress::parse(text);
    if (!ip)
        diag.error(n, what + ": \"" + printable(text) +
                          "\" is not an IP address; write IPv4 as 192.0.2.1, IPv6 as 2001:db8::1");
    return ip;
}

bool has_control_character(std::string_view s) {
    return std::any_of(s.begin(), s.end(),
                       [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; });
}

bool valid_ifname(std::string_view s) {
    if (s.empty() || s.size() > 15 || s == "." || s == "..") return false;
    // The kernel (dev_valid_name) refuses '/', ':' and whitespace; control characters and
    // non-ASCII bytes it would take, but they have no place in a name printed in logs.
    return std::all_of(s.begin(), s.end(),
                       [](char c) { return c > ' ' && c < 0x7f && c != '/' && c != ':'; });
}

void read_ifname(TableReader &r, std::string_view key, std::string &out) {
    auto v = r.string(key);
    if (!v) return;
    if (!valid_ifname(*v)) {
        r.diag().error(*r.node(key), r.name(key) + " = \"" + printable(*v) +
                                         "\" is not an interface name (1 to 15 characters, no "
                                         "'/', ':', spaces or control characters)");
        return;
    }
    out = *v;
}

void read_command(TableReader &r, std::string_view key, std::string_view what,
                  std::vector<std::string> &out) {
    const toml::node *n = r.node(key);
    if (!n) return;
    std::string name = r.name(key);
    std::vector<std::string> args;
    if (auto text = n->value<std::string>()) {
        // keepalived's form: one string, split as keepalived splits it.
        std::string why;
        auto words = split_quoted(*text, &why);
        if (!words) {
            r.diag().error(*n, name + " = \"" + printable(*text) + "\": " + why);
            return;
        }
        args = std::move(*words);
    } else {
        const toml::array *arr = n->as_array();
        if (!arr || (!arr->empty() && !arr->is_homogeneous(toml::node_type::string))) {
            r.diag().error(*n, name +
                                   " must be an array of strings (the program's absolute path "
                                   "and its arguments) or one string that holds them, got " +
                                   std::string(type_name(*n)));
            return;
        }
        for (const toml::node &a : *arr) args.push_back(a.as_string()->get());
    }
    if (args.empty()) {
        r.diag().error(*n, name +
                               " must not be empty: the program's absolute path and its "
                               "arguments");
        return;
    }
    if (args[0].empty() || args[0][0] != '/') {
        const toml::node &at = n->is_array() ? *n->as_array()->get(0) : *n;
        r.diag().error(at, name + ": \"" + printable(args[0]) + "\" is not an absolute path; " +
                               std::string(what) +
                               " run with execve, without a shell or PATH lookup");
        return;
    }
    out = std::move(args);
}

void read_user(TableReader &r, std::string_view key, std::string &out) {
    auto v = r.string(key);
    if (!v) return;
    if (!valid_account_name(*v))
        r.diag().error(*r.node(key), r.name(key) + " must be a user name such as \"nobody\" " +
                                         "(letters, digits, '_', '-', '.'), got \"" +
                                         printable(*v) + "\"");
    else
        out = *v;
}

}  // namespace xvrrp::config
