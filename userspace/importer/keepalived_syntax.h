// keepalived.conf as keepalived reads it: words on lines, blocks in braces, `#` and `!`
// comments, double-quoted strings, `\` line continuations and `include` files (glob patterns,
// relative to the including file). No meaning is given to any keyword here: that is
// keepalived.cpp's job.
#pragma once

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/command_line.h"

namespace xvrrp::importer {

// A line of a keepalived file (the first line of a continued one).
struct Location {
    std::string file;
    uint32_t line = 0;
};

// "FILE:LINE", or "FILE" for line 0 (the file as a whole).
std::string to_string(const Location &where);

// Something the importer has to say about a place in the keepalived files.
struct Problem {
    Location where;
    std::string message;
};

// "FILE:LINE: warning: message" and "FILE:LINE: error: message" (one line: control characters
// in the file name or message escaped).
std::string format_warning(const Problem &p);
std::string format_error(const Problem &p);

// One keepalived statement: a keyword and its arguments on one line, and the block in braces
// that may follow (on the same line or the next).
struct Statement {
    Location where;
    std::vector<std::string> words;  // words[0] is the keyword; quotes removed
    // The line after the keyword, comments removed, quotes kept: keepalived parses the
    // arguments of a script or notify command a second time from this (split_quoted()).
    std::string rest;
    bool has_block = false;
    std::vector<Statement> block;

    const std::string &keyword() const { return words.front(); }
    // words[i], or "" past the end.
    const std::string &arg(size_t i) const;
};

struct SyntaxResult {
    std::vector<Statement> statements;
    std::vector<Problem> warnings;  // e.g. an include pattern that matched no file
    std::vector<Problem> errors;    // the files cannot be read or parsed; statements incomplete

    bool ok() const { return errors.empty(); }
};

// A file's whole text; nullopt, with `error` set ("No such file or directory"), when it cannot
// be read.
std::optional<std::string> read_file(const std::string &path, std::string *error);

// Parses `text` as the keepalived file `file`. `include` patterns are expanded with glob(3),
// relative to the directory of the file that holds them, and read from the file system.
SyntaxResult parse_keepalived(std::string_view text, const std::string &file);

// Reads and parses `path` and what it includes.
SyntaxResult parse_keepalived_file(const std::string &path);

// Splits a command as keepalived does for `script` and the notify_* keywords (the
// configuration reader takes the same string form).
using config::split_quoted;

}  // namespace xvrrp::importer
