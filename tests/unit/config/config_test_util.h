// Shared by the config tests: small files built around one minimal valid instance.
#pragma once

#include <string>
#include <string_view>

#include "config/config.h"

namespace xvrrp::config::testing {

// Lines 1-5. Lines appended by with() start at line 6.
inline constexpr std::string_view kMinimalInstance =
    "[[instance]]\n"
    "name = \"web\"\n"
    "interface = \"eth0\"\n"
    "vrid = 51\n"
    "virtual_ips = [\"192.0.2.100/32\"]\n";

inline std::string with(std::string_view extra) {
    return std::string(kMinimalInstance) + std::string(extra);
}

// All diagnostics of `text`, formatted as the daemon prints them, file name "x.toml".
inline std::string errors_of(std::string_view text) {
    return format_diagnostics(parse_config(text, "x.toml").errors);
}

// The single instance of a file that must parse.
inline Instance instance_of(std::string_view text) {
    ConfigResult r = parse_config(text, "x.toml");
    if (!r.ok() || r.config->instances.size() != 1) return Instance{};
    return r.config->instances[0];
}

}  // namespace xvrrp::config::testing
