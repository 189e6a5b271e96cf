// Configuration errors as the compilers print them: FILE:LINE[:COLUMN]: error: message.
// Every check reports into one Diagnostics list, so a file with several mistakes shows them all.
#pragma once

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace xvrrp::config {

// A position in the configuration file; 1-based. line 0: the whole file (e.g. unreadable),
// column 0: the parser did not give one.
struct SourcePos {
    uint32_t line = 0;
    uint32_t column = 0;
};

struct Diagnostic {
    std::string file;
    SourcePos pos;
    std::string message;  // says what is wrong and what would be right
};

// "FILE:LINE:COLUMN: error: message", "FILE:LINE: error: message" without a column,
// "FILE: error: message" without a line.
std::string format_diagnostic(const Diagnostic &d);

// One formatted diagnostic per line, each ending in '\n'.
std::string format_diagnostics(const std::vector<Diagnostic> &ds);

// The known name closest to `unknown` by edit distance (adjacent swaps count as one edit), else
// a known name that `unknown` extends or shortens ("pin_directory" -> "pin_dir"), else "".
std::string nearest_name(std::string_view unknown, const std::vector<std::string_view> &known);

}  // namespace xvrrp::config
