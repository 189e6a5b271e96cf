// JSON string literals, for what the daemon writes as JSON: its log lines (--log-format json)
// and `xvrrpctl status --json`.
#pragma once

#include <cstddef>
#include <cstdio>
#include <string>
#include <string_view>

namespace xvrrp {

namespace json_detail {

// The length of the valid UTF-8 sequence at s[i] (RFC 3629: no overlong forms, no surrogates,
// nothing above U+10FFFF), or 0.
inline size_t utf8_length(std::string_view s, size_t i) {
    const auto at = [&](size_t k) { return static_cast<unsigned char>(s[k]); };
    const unsigned char c = at(i);
    size_t n;
    unsigned char lo = 0x80, hi = 0xbf;  // the range of the second byte
    if (c >= 0xc2 && c <= 0xdf) {
        n = 2;
    } else if (c >= 0xe0 && c <= 0xef) {
        n = 3;
        if (c == 0xe0) lo = 0xa0;
        if (c == 0xed) hi = 0x9f;
    } else if (c >= 0xf0 && c <= 0xf4) {
        n = 4;
        if (c == 0xf0) lo = 0x90;
        if (c == 0xf4) hi = 0x8f;
    } else {
        return 0;
    }
    if (i + n > s.size() || at(i + 1) < lo || at(i + 1) > hi) return 0;
    for (size_t k = 2; k < n; k++)
        if ((at(i + k) & 0xc0) != 0x80) return 0;
    return n;
}

}  // namespace json_detail

// `s` as a JSON string literal, quotes included: control characters escaped, and bytes that
// are not UTF-8 (an interface name, a message cut mid-character) written as U+FFFD, so that
// the text always parses.
inline std::string json_string(std::string_view s) {
    std::string out = "\"";
    for (size_t i = 0; i < s.size();) {
        const unsigned char c = static_cast<unsigned char>(s[i]);
        if (c >= 0x80) {
            // Bytes that are not UTF-8 (an interface name, a message cut mid-character) would
            // make the line invalid JSON: each becomes U+FFFD.
            size_t n = json_detail::utf8_length(s, i);
            if (n) {
                out.append(s.substr(i, n));
                i += n;
            } else {
                out += "\\ufffd";
                i++;
            }
            continue;
        }
        i++;
        switch (c) {
            case '"':
                out += "\\\"";
                break;
            case '\\':
                out += "\\\\";
                break;
            case '\n':
                out += "\\n";
                break;
            case '\t':
                out += "\\t";
                break;
            default:
                if (c < 0x20 || c == 0x7f) {
                    char buf[8];
                    snprintf(buf, sizeof buf, "\\u%04x", c);
                    out += buf;
                } else {
                    out += static_cast<char>(c);
                }
        }
    }
    return out + "\"";
}

}  // namespace xvrrp
