#include "config/command_line.h"

namespace xvrrp::config {

namespace {

bool blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

}  // namespace

std::optional<std::vector<std::string>> split_quoted(std::string_view text, std::string *error) {
    std::vector<std::string> words;
    size_t i = 0;
    while (i < text.size()) {
        if (blank(text[i]) || text[i] == '\n') {
            i++;
            continue;
        }
        std::string word;
        for (; i < text.size() && !blank(text[i]) && text[i] != '\n'; i++) {
            char c = text[i];
            if (c == '\\' && i + 1 < text.size()) {
                word += text[++i];
            } else if (c == '\'' || c == '"') {
                size_t close = i + 1;
                for (; close < text.size() && text[close] != c; close++) {
                    if (c == '"' && text[close] == '\\' && close + 1 < text.size() &&
                        (text[close + 1] == '"' || text[close + 1] == '\\'))
                        close++;
                    word += text[close];
                }
                if (close >= text.size()) {
                    *error = std::string("the ") + (c == '"' ? "double" : "single") +
                             " quote is not closed";
                    return std::nullopt;
                }
                i = close;
            } else {
                word += c;
            }
        }
        words.push_back(std::move(word));
    }
    return words;
}

}  // namespace xvrrp::config
