#include "config/duration.h"

#include <cctype>
#include <cstdint>

#include "config/diagnostics.h"

namespace xvrrp::config {

namespace {

bool is_digit(char c) {
    return c >= '0' && c <= '9';
}

}  // namespace

std::optional<Duration> parse_duration(std::string_view text, std::string *error) {
    auto fail = [&](std::string message) -> std::optional<Duration> {
        if (error) *error = std::move(message);
        return std::nullopt;
    };
    size_t i = 0;
    std::string_view whole, fraction;
    while (i < text.size() && is_digit(text[i])) ++i;
    whole = text.substr(0, i);
    if (i < text.size() && text[i] == '.') {
        size_t start = ++i;
        while (i < text.size() && is_digit(text[i])) ++i;
        fraction = text.substr(start, i - start);
    }
    std::string_view unit = text.substr(i);
    if (whole.empty() && fraction.empty())
        return fail("is not a duration; write a number and a unit (us, ms or s), e.g. \"1s\"");
    if (unit.empty()) return fail("has no unit; add a unit: us, ms or s");

    int64_t unit_us;
    if (unit == "us") {
        unit_us = 1;
    } else if (unit == "ms") {
        unit_us = 1000;
    } else if (unit == "s") {
        unit_us = 1000000;
    } else {
        return fail("has unknown unit '" + printable(unit) + "'; use us, ms or s");
    }

    // Bounded so that the arithmetic below cannot overflow: 10^9 s is about 31 years.
    constexpr int64_t kMaxWhole = 1000000000;
    int64_t whole_value = 0;
    for (char c : whole) {
        whole_value = whole_value * 10 + (c - '0');
        if (whole_value > kMaxWhole) return fail("is too long");
    }
    // The fraction must come out as whole microseconds: "1.5us" has no exact value.
    int64_t frac_value = 0, frac_scale = 1;
    for (char c : fraction) {
        if (frac_scale >= 1000000) {
            if (c != '0') return fail("is finer than 1us, the resolution of xvrrp timers");
            continue;
        }
        frac_value = frac_value * 10 + (c - '0');
        frac_scale *= 10;
    }
    if ((frac_value * unit_us) % frac_scale != 0)
        return fail("is finer than 1us, the resolution of xvrrp timers");
    int64_t us = whole_value * unit_us + frac_value * unit_us / frac_scale;
    return std::chrono::microseconds(us);
}

std::string format_duration(Duration d) {
    int64_t us = std::chrono::duration_cast<std::chrono::microseconds>(d).count();
    if (us != 0 && us % 1000000 == 0) return std::to_string(us / 1000000) + "s";
    if (us != 0 && us % 1000 == 0) return std::to_string(us / 1000) + "ms";
    if (us == 0) return "0s";
    return std::to_string(us) + "us";
}

}  // namespace xvrrp::config
