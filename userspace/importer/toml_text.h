// Spelling values as TOML text, for the importer's output.
#pragma once

#include <string>
#include <string_view>
#include <vector>

namespace xvrrp::importer {

// A TOML basic string: "...", with ", \ and control characters escaped.
inline std::string toml_string(std::string_view s) {
    static const char hex[] = "0123456789ABCDEF";
    std::string out = "\"";
    for (unsigned char c : s) {
        if (c == '"' || c == '\\') {
            out += '\\';
            out += static_cast<char>(c);
        } else if (c == '\n') {
            out += "\\n";
        } else if (c == '\t') {
            out += "\\t";
        } else if (c < 0x20 || c == 0x7f) {
            out += "\\u00";
            out += hex[c >> 4];
            out += hex[c & 15];
        } else {
            out += static_cast<char>(c);
        }
    }
    return out + "\"";
}

// ["a", "b"]
inline std::string toml_strings(const std::vector<std::string> &items) {
    std::string out = "[";
    for (size_t i = 0; i < items.size(); i++) out += (i ? ", " : "") + toml_string(items[i]);
    return out + "]";
}

// A comment's text on one line: line breaks and control characters become spaces.
inline std::string comment_text(std::string_view s) {
    std::string out(s);
    for (char &c : out)
        if (static_cast<unsigned char>(c) < 0x20 || c == 0x7f) c = ' ';
    return out;
}

}  // namespace xvrrp::importer
