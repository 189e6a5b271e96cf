// Internal to the config library: typed reads of one TOML table that report every problem
// (wrong type, out of range, missing, unknown key) into a shared Diagnostics list and go on.
#pragma once

#include <toml++/toml.h>

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/config.h"
#include "config/diagnostics.h"

namespace xvrrp::config {

SourcePos pos_of(const toml::source_region &r);

// Collects the errors of one file.
class Diagnostics {
  public:
    explicit Diagnostics(std::string file) : file_(std::move(file)) {}
    void error(SourcePos pos, std::string message) {
        list_.push_back({file_, pos, std::move(message)});
    }
    void error(const toml::node &at, std::string message) {
        error(pos_of(at.source()), std::move(message));
    }
    size_t count() const { return list_.size(); }
    std::vector<Diagnostic> take_sorted();

  private:
    std::string file_;
    std::vector<Diagnostic> list_;
};

// "string", "integer", "array"... as a TOML user would name the type.
std::string_view type_name(const toml::node &n);

// Reads the keys of one table. `where` names the table in messages ("[[instance]]"),
// `prefix` goes before key names ("notify." gives 'notify.master').
class TableReader {
  public:
    TableReader(const toml::table &table, std::string where, std::string prefix,
                std::vector<std::string_view> known_keys, Diagnostics &diag);

    // Each returns nullopt when the key is absent (not an error) or when it is wrong (reported).
    const toml::node *node(std::string_view key) const { return table_.get(key); }
    std::optional<std::string> string(std::string_view key);
    std::optional<bool> boolean(std::string_view key);
    // An integer within [lo, hi]; `range` is how the message spells the allowed values.
    std::optional<int64_t> integer(std::string_view key, int64_t lo, int64_t hi,
                                   std::string_view range);
    std::optional<Duration> duration(std::string_view key);
    // A duration within [lo, hi].
    std::optional<Duration> duration(std::string_view key, Duration lo, Duration hi);
    const toml::array *array(std::string_view key);
    const toml::table *table(std::string_view key);
    // Reports a missing required key at the table's header; true when present.
    bool require(std::string_view key);

    std::string name(std::string_view key) const { return "'" + prefix_ + std::string(key) + "'"; }
    Diagnostics &diag() { return diag_; }
    const toml::table &raw() const { return table_; }

  private:
    const toml::node *typed(std::string_view key, toml::node_type type, std::string_view article);

    const toml::table &table_;
    std::string where_;
    std::string prefix_;
    Diagnostics &diag_;
};

// True when `s` holds a byte below 0x20 or DEL: text that would break a log line.
bool has_control_character(std::string_view s);

// What the kernel takes as a link name: 1 to 15 (IFNAMSIZ - 1) bytes, not "." or "..", no '/',
// ':', whitespace or control characters (xvrrp also refuses bytes above 0x7e).
bool valid_ifname(std::string_view s);

// A string key that names an interface ('interface', 'vip_interface', track_interface.name):
// reported when it is not a valid_ifname(), so that nothing later fails on it.
void read_ifname(TableReader &r, std::string_view key, std::string &out);

// A program and its arguments (notify hooks, [[script]] script): an argv array of strings, or
// one string split as keepalived splits its commands (config/command_line.h); non-empty,
// argv[0] an absolute path (run with execve, no shell, no PATH lookup).
// `what` says what runs it in the message ("hooks", "scripts").
void read_command(TableReader &r, std::string_view key, std::string_view what,
                  std::vector<std::string> &out);

// The top-level array of tables `key` ([[script]], [[sync_group]]): each table read by
// read_one(table) -> T (with T::name and T::source_line), kept unless its name is empty or
// an earlier table has it; `what` names them in messages ("script", "sync group").
template <typename T, typename ReadOne>
void read_named_tables(const toml::node &n, std::string_view key, std::string_view what,
                       Diagnostics &diag, std::vector<T> &out, ReadOne read_one) {
    const toml::array *arr = n.as_array();
    if (!arr || !arr->is_array_of_tables()) {
        diag.error(n, "'" + std::string(key) + "' must be an array of tables, written [[" +
                          std::string(key) + "]], got " + std::string(type_name(n)));
        return;
    }
    std::map<std::string, uint32_t> lines;
    for (const toml::node &t : *arr) {
        T item = read_one(*t.as_table());
        if (item.name.empty()) continue;
        auto [it, fresh] = lines.emplace(item.name, item.source_line);
        if (!fresh) {
            diag.error(*t.as_table()->get("name"),
                       std::string(what) + " name '" + printable(item.name) +
                           "' is already used by the [[" + std::string(key) + "]] at line " +
                           std::to_string(it->second) + "; names must be unique");
            continue;
        }
        out.push_back(std::move(item));
    }
}

// A user name key (notify.user, [[script]] user): valid_account_name() or reported.
void read_user(TableReader &r, std::string_view key, std::string &out);

// A duration value at `n` (string with unit); `what` is the quoted key name for messages.
std::optional<Duration> read_duration(const toml::node &n, const std::string &what,
                                      Diagnostics &diag);

// An address string at `n`; `what` names the array for messages.
std::optional<IpAddress> read_address(const toml::node &n, const std::string &what,
                                      Diagnostics &diag);

}  // namespace xvrrp::config
