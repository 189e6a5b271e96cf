// Logging to stderr, one line per event, which journald stores with a timestamp.
#pragma once

#include <cstdio>
#include <string>

namespace xvrrp::daemon {

enum class Level { Info, Warn, Error };

void log(Level level, const std::string &scope, const std::string &message);
inline void info(const std::string &scope, const std::string &m) { log(Level::Info, scope, m); }
inline void warn(const std::string &scope, const std::string &m) { log(Level::Warn, scope, m); }
inline void error(const std::string &scope, const std::string &m) { log(Level::Error, scope, m); }

// Routes libbpf/libxdp messages: silent unless XVRRP_DEBUG_LIBBPF is set (libxdp's attempt to
// load its dispatcher fails loudly on kernels that refuse freplace, and then falls back fine;
// our own errors carry the context a user needs).
void route_library_logs();

}  // namespace xvrrp::daemon
