#include "config/diagnostics.h"

#include <algorithm>
#include <cstdio>
#include <limits>

namespace xvrrp::config {

namespace {

// The length of the well-formed UTF-8 sequence at the start of `s`, or 0 when it is not one
// (a stray continuation byte, an overlong form, a surrogate, beyond U+10FFFF, or cut short).
size_t utf8_length(std::string_view s) {
    auto byte = [&](size_t i) { return static_cast<unsigned char>(s[i]); };
    auto in = [&](size_t i, unsigned lo, unsigned hi) {
        return i < s.size() && byte(i) >= lo && byte(i) <= hi;
    };
    const unsigned c = byte(0);
    if (c < 0x80) return 1;
    if (c >= 0xc2 && c <= 0xdf) return in(1, 0x80, 0xbf) ? 2 : 0;
    if (c >= 0xe0 && c <= 0xef) {
        unsigned lo = c == 0xe0 ? 0xa0 : 0x80, hi = c == 0xed ? 0x9f : 0xbf;
        return in(1, lo, hi) && in(2, 0x80, 0xbf) ? 3 : 0;
    }
    if (c >= 0xf0 && c <= 0xf4) {
        unsigned lo = c == 0xf0 ? 0x90 : 0x80, hi = c == 0xf4 ? 0x8f : 0xbf;
        return in(1, lo, hi) && in(2, 0x80, 0xbf) && in(3, 0x80, 0xbf) ? 4 : 0;
    }
    return 0;
}

// Characters that a terminal acts on or that change how the rest of the line reads: C1
// controls (U+0080-U+009F; U+009B is a CSI on some terminals), the line and paragraph
// separators and the bidirectional overrides (text that displays in another order than it is).
bool hidden_format_character(std::string_view ch) {
    static constexpr std::string_view kHidden[] = {"\u2028", "\u2029", "\u200e", "\u200f", "\u202a",
                                                   "\u202b", "\u202c", "\u202d", "\u202e", "\u2066",
                                                   "\u2067", "\u2068", "\u2069"};
    if (ch.size() == 2 && static_cast<unsigned char>(ch[0]) == 0xc2 &&
        static_cast<unsigned char>(ch[1]) < 0xa0)
        return true;
    return std::find(std::begin(kHidden), std::end(kHidden), ch) != std::end(kHidden);
}

void append_hex(std::string &out, std::string_view bytes) {
    for (unsigned char b : bytes) {
        char buf[5];
        std::snprintf(buf, sizeof buf, "\\x%02x", b);
        out += buf;
    }
}

// Optimal string alignment distance: Levenshtein plus transposition of adjacent characters,
// the usual typo ("prioirty").
size_t edit_distance(std::string_view a, std::string_view b) {
    std::vector<std::vector<size_t>> d(a.size() + 1, std::vector<size_t>(b.size() + 1));
    for (size_t i = 0; i <= a.size(); ++i) d[i][0] = i;
    for (size_t j = 0; j <= b.size(); ++j) d[0][j] = j;
    for (size_t i = 1; i <= a.size(); ++i) {
        for (size_t j = 1; j <= b.size(); ++j) {
            size_t cost = a[i - 1] == b[j - 1] ? 0 : 1;
            d[i][j] = std::min({d[i - 1][j] + 1, d[i][j - 1] + 1, d[i - 1][j - 1] + cost});
            if (i > 1 && j > 1 && a[i - 1] == b[j - 2] && a[i - 2] == b[j - 1])
                d[i][j] = std::min(d[i][j], d[i - 2][j - 2] + 1);
        }
    }
    return d[a.size()][b.size()];
}

}  // namespace

std::string printable(std::string_view text, size_t max) {
    std::string out;
    std::string unit;
    for (size_t i = 0; i < text.size();) {
        unit.clear();
        const char c = text[i];
        size_t len = utf8_length(text.substr(i));
        if (len == 0) {
            append_hex(unit, text.substr(i, 1));  // not UTF-8: show the byte
            len = 1;
        } else if (c == '\n') {
            unit = "\\n";
        } else if (c == '\t') {
            unit = "\\t";
        } else if (c == '\r') {
            unit = "\\r";
        } else if ((len == 1 && (static_cast<unsigned char>(c) < 0x20 || c == 0x7f)) ||
                   hidden_format_character(text.substr(i, len))) {
            append_hex(unit, text.substr(i, len));
        } else {
            unit = text.substr(i, len);
        }
        if (out.size() + unit.size() > max) return out + "...";
        out += unit;
        i += len;
    }
    return out;
}

std::string format_diagnostic(const Diagnostic &d) {
    // The file name is the operator's own argument, but it may still hold anything.
    std::string out = printable(d.file, 4 * kMaxShown);
    if (d.pos.line != 0) {
        out += ':' + std::to_string(d.pos.line);
        if (d.pos.column != 0) out += ':' + std::to_string(d.pos.column);
    }
    out += ": error: ";
    // Pieces of the file in the message went through printable() already; this catches the rest.
    out += printable(d.message, std::numeric_limits<size_t>::max());
    return out;
}

std::string format_diagnostics(const std::vector<Diagnostic> &ds) {
    std::string out;
    for (const auto &d : ds) out += format_diagnostic(d) + '\n';
    return out;
}

std::string nearest_name(std::string_view unknown, const std::vector<std::string_view> &known) {
    std::string_view best;
    size_t best_distance = std::max<size_t>(2, unknown.size() / 3) + 1;
    for (auto name : known) {
        // The distance is at least the difference in length: a 4 MB key is never compared.
        size_t longer = std::max(unknown.size(), name.size());
        size_t shorter = std::min(unknown.size(), name.size());
        if (longer - shorter >= best_distance) continue;
        size_t distance = edit_distance(unknown, name);
        if (distance < best_distance) best = name, best_distance = distance;
    }
    if (!best.empty()) return std::string(best);
    // A longer or shorter spelling of a known name: "pin_directory" for "pin_dir".
    for (auto name : known) {
        size_t common = std::min(unknown.size(), name.size());
        if (common >= 3 && unknown.substr(0, common) == name.substr(0, common))
            return std::string(name);
    }
    return "";
}

}  // namespace xvrrp::config
