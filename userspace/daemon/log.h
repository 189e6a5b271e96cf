// Logging: one record per event, on stderr or into the journal, filtered by level.
//
// Three formats (docs/operations.md, "Read the logs"):
//   plain    `xvrrpd: [SCOPE] warning: message` lines on stderr (what journald stores as
//            MESSAGE when it only sees the stream);
//   journal  sd_journal_sendv: MESSAGE, PRIORITY, and the fields INSTANCE, VRID (an instance's
//            messages), STATE, REASON (its state changes), so that `journalctl -u xvrrpd
//            INSTANCE=VI_1` selects one instance;
//   json     one object per line on stderr for log collectors: ts, level, msg, and the same
//            fields in lower case.
// "auto" picks journal when stderr is the journal stream systemd gave the service (the
// JOURNAL_STREAM variable names its device and inode, systemd.exec(5)), plain otherwise.
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "config/config.h"

namespace xvrrp::daemon {

using Level = config::LogLevel;

enum class LogFormat { Auto, Plain, Json, Journal };
std::optional<LogFormat> parse_log_format(std::string_view text);  // auto, plain, json

// What a record is about. scope: the plain line's [SCOPE] (an instance or an interface);
// instance and vrid: set for an instance's messages; state and reason: for a state change.
struct LogFields {
    std::string scope;
    std::string instance;
    int vrid = -1;
    std::string state, reason;
};

// The level and the format, before the first record (Auto is resolved here). Until then
// records go out as plain lines at level info.
void configure_logging(Level threshold, LogFormat format);
void set_log_level(Level threshold);
LogFormat log_format();  // the format in use, never Auto
bool logs(Level level);  // whether a record of this level goes out

void log(Level level, const LogFields &fields, const std::string &message);
inline void log(Level level, const std::string &scope, const std::string &message) {
    LogFields fields;
    fields.scope = scope;
    log(level, fields, message);
}

template <typename Scope>
void error(const Scope &s, const std::string &m) {
    log(Level::Error, s, m);
}
template <typename Scope>
void warn(const Scope &s, const std::string &m) {
    log(Level::Warning, s, m);
}
template <typename Scope>
void notice(const Scope &s, const std::string &m) {
    log(Level::Notice, s, m);
}
template <typename Scope>
void info(const Scope &s, const std::string &m) {
    log(Level::Info, s, m);
}
template <typename Scope>
void debug(const Scope &s, const std::string &m) {
    log(Level::Debug, s, m);
}

// Routes libbpf's and libxdp's own messages into the log at level debug (libxdp's attempt to
// load its dispatcher fails loudly on kernels that refuse freplace, and then falls back fine;
// our own errors carry the context a user needs).
void route_library_logs();

}  // namespace xvrrp::daemon
