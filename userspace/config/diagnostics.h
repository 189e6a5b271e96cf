// Configuration errors as the compilers print them: FILE:LINE[:COLUMN]: error: message.
// Every check reports into one Diagnostics list, so a file with several mistakes shows them all.
#pragma once

#include <cstddef>
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
// "FILE: error: message" without a line. Always one line: control characters left in the file
// name or the message are escaped as by printable().
std::string format_diagnostic(const Diagnostic &d);

// One formatted diagnostic per line, each ending in '\n'.
std::string format_diagnostics(const std::vector<Diagnostic> &ds);

// How many errors of one file are reported, in the order of the file; one more line says how
// many were left out.
inline constexpr size_t kMaxErrors = 100;

// How many bytes of one key, value or file name a message shows.
inline constexpr size_t kMaxShown = 80;

// Text from the file (a key, a value, a file name) as a message may show it: control characters
// as visible escapes (\n, \t, \r, others \xHH, \x1b for ESC), as are C1 controls and bytes that
// are not UTF-8; cut after `max` bytes (at a character boundary) with "..." and the full length.
// A message that echoes the file passes each piece through this, so that a file can neither
// forge log lines nor flood the terminal. Applying it twice changes nothing more.
std::string printable(std::string_view text, size_t max = kMaxShown);

// The known name closest to `unknown` by edit distance (adjacent swaps count as one edit), else
// a known name that `unknown` extends or shortens ("pin_directory" -> "pin_dir"), else "".
// Bounded work whatever the length of `unknown`: names whose lengths differ by more than the
// allowed distance are not compared.
std::string nearest_name(std::string_view unknown, const std::vector<std::string_view> &known);

}  // namespace xvrrp::config
