// Durations in the configuration file: a decimal number and a unit, "200us", "10ms", "1.5s".
#pragma once

#include <optional>
#include <string>
#include <string_view>

#include "vrrp/types.h"

namespace xvrrp::config {

using vrrp::Duration;

// Parses "<number><unit>" with unit us, ms or s. The number may have a fraction ("1.5s",
// "0.25ms") as long as the result is a whole number of microseconds, the resolution of every
// timer in xvrrp. No sign, no spaces, no exponent. On failure `error` is a predicate that follows
// the quoted value ("has no unit; add a unit: us, ms or s"); the caller names key and value.
std::optional<Duration> parse_duration(std::string_view text, std::string *error);

// The shortest exact spelling in the largest unit that divides the value: 1s, 1500ms, 250us.
// Sub-microsecond values never come out of parse_duration and are rounded down to whole us.
std::string format_duration(Duration d);

}  // namespace xvrrp::config
