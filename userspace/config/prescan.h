// Internal to the config library: the bounds a file must keep before toml++ sees it.
//
// toml++ 3.3 builds one nested table per part of a dotted key or table header and walks the
// tree recursively (to close source regions, to free it): a 200 KB file of 50,000 parts
// overflows the stack. It also finds the tables that dotted keys and headers created by linear
// search, so their number costs time squared. The scan bounds all of it, far above any real
// configuration; docs/configuration.md ("Limits") gives the figures.
//
// It also keeps toml++ 3.3 away from a character test with undefined behaviour: its check for
// non-ASCII whitespace reaches __builtin_unreachable() for U+00A1-U+049A and U+FBC6-U+FEFE, and
// runs on the character after a key or value and after a line-ending backslash in a multi-line
// string. Outside strings and comments TOML allows only ASCII anyway; the one valid case left,
// a line-ending backslash followed by such a character, is refused with a way around it.
#pragma once

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>

#include "config/diagnostics.h"

namespace xvrrp::config {

// The full scale of one interface (255 VRIDs, 4096 service IPs) is about 90 KB.
inline constexpr size_t kMaxFileBytes = size_t{1} << 20;
// Parts of one dotted key or table header: a.b.c has 3. xvrrp's deepest key has 3
// ([instance.notify] master).
inline constexpr size_t kMaxKeyParts = 32;
// Arrays and inline tables inside one another. xvrrp's deepest value has 2
// (track_interface = [{ ... }]).
inline constexpr size_t kMaxNesting = 32;
// Parts of all table headers and dotted keys of the file, each naming a table toml++ creates
// or looks up. 255 instances, each with notify, advert_thread and two track_interface tables,
// use 2,295.
inline constexpr size_t kMaxTableParts = 16384;

// The deepest tree a file within the bounds above can make toml++ build (tables and arrays,
// counting the root): a header, then in each nesting level a key and its container.
inline constexpr size_t kMaxTreeDepth =
    1 + 2 * kMaxKeyParts + (kMaxNesting + 1) * (kMaxKeyParts + 1);

struct BoundsError {
    SourcePos pos;
    std::string message;
};

// The first bound `text` breaks, at the part, bracket or character that breaks it; nullopt
// when it keeps them all. Reads TOML strings (basic, literal, multi-line, escapes) and
// comments as TOML does, so that dots and brackets inside them do not count and cannot hide
// the ones outside. Counts every chain of dotted parts, in values too, which over-counts only
// what is invalid in an xvrrp file anyway (floats, dates).
std::optional<BoundsError> check_bounds(std::string_view text);

}  // namespace xvrrp::config
