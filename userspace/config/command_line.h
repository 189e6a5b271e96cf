// A command written as one string, split into argv as keepalived splits `script` and the
// notify_* keywords (so that a keepalived user's commands mean the same in xvrrp's file).
#pragma once

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace xvrrp::config {

// Words separated by blanks, '...' taken literally, "..." with \" and \\ escapes, \ escaping
// the next character outside quotes. nullopt, with `error` set, for an unterminated quote.
std::optional<std::vector<std::string>> split_quoted(std::string_view text, std::string *error);

}  // namespace xvrrp::config
