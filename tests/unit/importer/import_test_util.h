// Shared by the importer tests: a keepalived text converted, and its TOML read back.
#pragma once

#include <gtest/gtest.h>

#include <string>
#include <string_view>
#include <toml++/toml.h>
#include <vector>

#include "config/config.h"
#include "importer/keepalived.h"

namespace xvrrp::importer::testing {

// The warnings of a conversion as "LINE: message", file name left out.
inline std::vector<std::string> warnings_of(const ImportResult &r) {
    std::vector<std::string> out;
    for (const Problem &p : r.left_out)
        out.push_back(std::to_string(p.where.line) + ": " + p.message);
    return out;
}

// The TOML the importer printed, read by toml++ (empty table, and a test failure, if it is not
// TOML).
inline toml::table toml_of(const ImportResult &r) {
#if TOML_EXCEPTIONS
    try {
        return toml::parse(r.toml);
    } catch (const toml::parse_error &e) {
        ADD_FAILURE() << "not TOML: " << e.description() << "\n" << r.toml;
        return {};
    }
#else
    toml::parse_result parsed = toml::parse(r.toml);
    if (!parsed) {
        ADD_FAILURE() << "not TOML: " << parsed.error().description() << "\n" << r.toml;
        return {};
    }
    return std::move(parsed).table();
#endif
}

// The printed TOML through xvrrpd's own configuration parser.
inline config::ConfigResult config_of(const ImportResult &r) {
    return config::parse_config(r.toml, "converted.toml");
}

// The printed TOML is a configuration xvrrpd accepts.
inline void expect_accepted(const ImportResult &r) {
    config::ConfigResult c = config_of(r);
    EXPECT_TRUE(c.ok()) << config::format_diagnostics(c.errors) << r.toml;
}

// The single instance a keepalived text converts to, through parse_config; a test failure
// (and a default Instance) when the result does not parse.
inline config::Instance instance_of(const ImportResult &r) {
    config::ConfigResult c = config_of(r);
    if (!c.ok() || c.config->instances.size() != 1) {
        ADD_FAILURE() << "not one valid instance:\n"
                      << config::format_diagnostics(c.errors) << r.toml;
        return {};
    }
    return c.config->instances[0];
}

inline ImportResult convert(std::string_view text) {
    return import_keepalived(text, "k.conf");
}

// A minimal keepalived instance with `extra` lines inside its block, from line 7 on.
inline std::string instance_with(std::string_view extra) {
    return "vrrp_instance VI_1 {\n"          // 1
           "    interface eth0\n"            // 2
           "    virtual_router_id 51\n"      // 3
           "    virtual_ipaddress {\n"       // 4
           "        192.0.2.100\n    }\n" +  // 5, 6
           std::string(extra) +
           "}\n";
}

}  // namespace xvrrp::importer::testing
