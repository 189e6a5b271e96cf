// `xvrrpd import-keepalived FILE`: a keepalived.conf turned into the equivalent xvrrpd TOML
// (docs/migrating.md). What has no xvrrp equivalent is listed, never silently dropped: as
// "# NOT CONVERTED FILE:LINE: ..." comments in the TOML and as warnings.
#pragma once

#include <cstdio>
#include <string>
#include <string_view>
#include <vector>

#include "importer/keepalived_syntax.h"

namespace xvrrp::importer {

// The command's exit codes.
inline constexpr int kImportComplete = 0;  // everything converted
inline constexpr int kImportPartial = 1;   // something left out (listed); TOML still printed
inline constexpr int kImportFailed = 2;    // the file cannot be read or parsed, or it has no
                                           // vrrp_instance (xvrrpd needs one); no TOML

struct ImportResult {
    std::string toml;               // empty when errors is not
    std::vector<Problem> left_out;  // what was not converted, in the order of the files
                                    // (also with the error of a file with no vrrp_instance)
    std::vector<Problem> errors;

    int exit_code() const {
        return !errors.empty()    ? kImportFailed
               : left_out.empty() ? kImportComplete
                                  : kImportPartial;
    }
};

// Converts keepalived configuration text; `file` names it in messages and anchors includes.
ImportResult import_keepalived(std::string_view text, const std::string &file);
ImportResult import_keepalived_file(const std::string &path);

// The command: the TOML on `out`, every warning and error on `err`; returns the exit code.
int run_import_keepalived(const std::string &path, FILE *out, FILE *err);

}  // namespace xvrrp::importer
