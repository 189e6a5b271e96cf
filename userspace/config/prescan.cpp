#include "config/prescan.h"

#include <cstdint>
#include <cstdio>

namespace xvrrp::config {

namespace {

constexpr std::string_view kStructural = " \t\r\n#\"'.[]{}=,";

class Scanner {
  public:
    explicit Scanner(std::string_view text) : text_(text) {}
    std::optional<BoundsError> run();

  private:
    char peek(size_t ahead = 0) const {
        return i_ + ahead < text_.size() ? text_[i_ + ahead] : '\0';
    }
    // Moves one byte on. Columns count characters, as toml++ does: UTF-8 continuation bytes
    // do not start one.
    void advance() {
        if (i_ >= text_.size()) return;
        if (text_[i_] == '\n') {
            ++pos_.line;
            pos_.column = 1;
        } else if ((static_cast<unsigned char>(text_[i_]) & 0xc0) != 0x80) {
            ++pos_.column;
        }
        ++i_;
    }
    void advance(size_t n) {
        for (; n > 0; --n) advance();
    }

    void skip_string();
    void skip_line_ending_backslash();
    void check_bare_value();
    // Refuses the character at the current position if it is not ASCII; true if it is.
    bool ascii_here(std::string_view where);
    void skip_comment() {
        while (i_ < text_.size() && peek() != '\n') advance();
    }
    void part(SourcePos where);
    void end_chain();
    void fail(SourcePos where, std::string message) {
        if (!error_) error_ = BoundsError{where, std::move(message)};
    }

    std::string_view text_;
    size_t i_ = 0;
    SourcePos pos_{1, 1};
    std::optional<BoundsError> error_;

    // The chain of dotted parts being read: a.b."c" (spaces and tabs around the dots allowed).
    size_t parts_ = 0;        // 0: no chain
    bool after_dot_ = false;  // the next part continues the chain
    SourcePos chain_start_;
    bool in_header_ = false;  // between the brackets of [table] or [[array-of-tables]]
    bool line_start_ = true;  // nothing but blanks yet on this line
    std::string open_;        // the arrays ('[') and inline tables ('{') open here
    // Where TOML wants a value: after '=', in an array. toml++ reads a bare value (a number,
    // a date) on to the next value terminator, whatever it meets, quotes included.
    bool value_mode_ = false;
    size_t table_parts_ = 0;
};

// One of "...", '...', """...""", '''...'''. A single-line string ends at the line's end
// (toml++ stops there with an error anyway); a multi-line one takes up to two quotes of its
// own before the closing three ("""a""""" holds a"").
void Scanner::skip_string() {
    const char quote = peek();
    const bool multi_line = peek(1) == quote && peek(2) == quote;
    const bool escapes = quote == '"';
    advance(multi_line ? 3 : 1);
    while (i_ < text_.size()) {
        const char c = peek();
        if (escapes && c == '\\') {
            advance();
            const char next = peek();
            if (multi_line && (next == ' ' || next == '\t' || next == '\r' || next == '\n')) {
                skip_line_ending_backslash();
            } else {
                if (multi_line && !ascii_here("after a backslash")) return;
                advance();
            }
        } else if (c == quote && !multi_line) {
            advance();
            return;
        } else if (c == quote) {
            size_t run = 0;
            while (peek(run) == quote) ++run;
            if (run >= 3) {
                advance(run > 5 ? 5 : run);
                return;
            }
            advance(run);
        } else if (c == '\n' && !multi_line) {
            return;
        } else {
            advance();
        }
    }
}

// After "\" at the end of a line, TOML drops the whitespace and line breaks that follow.
void Scanner::skip_line_ending_backslash() {
    while (peek() == ' ' || peek() == '\t' || peek() == '\r' || peek() == '\n') advance();
    ascii_here("first after a line-ending backslash");
}

bool Scanner::ascii_here(std::string_view where) {
    const auto first_byte = static_cast<unsigned char>(peek());
    if (i_ >= text_.size() || first_byte < 0x80) return true;
    // Shown as U+XXXX when it is well-formed UTF-8, else as its bytes.
    const size_t len = first_byte >= 0xf0 ? 4 : first_byte >= 0xe0 ? 3 : first_byte >= 0xc0 ? 2 : 1;
    const std::string_view bytes = text_.substr(i_, len);
    std::string shown = printable(bytes);
    if (shown != bytes) {
        shown = printable(bytes.substr(0, 1));  // not UTF-8: the byte alone
    } else {
        uint32_t cp = first_byte & (0xffu >> (len + 1));
        for (size_t k = 1; k < len; ++k)
            cp = cp << 6 | (static_cast<unsigned char>(bytes[k]) & 0x3f);
        char code[16];
        std::snprintf(code, sizeof code, "U+%04X", cp);
        shown = "'" + shown + "' (" + code + ")";
    }
    if (where.empty())
        fail(pos_, shown + " outside a string or comment; TOML keys and bare values are ASCII");
    else
        fail(pos_, shown + " " + std::string(where) +
                       " in a multi-line string, which toml++ 3.3 misreads; start the line with "
                       "an ASCII character or do without the backslash");
    return false;
}

// The characters toml++ looks at when it reads a bare value: up to a value terminator.
void Scanner::check_bare_value() {
    const size_t start = i_;
    const SourcePos start_pos = pos_;
    while (i_ < text_.size() &&
           std::string_view(" \t\r\n]},#").find(peek()) == std::string_view::npos && ascii_here(""))
        advance();
    i_ = start;
    pos_ = start_pos;
}

void Scanner::part(SourcePos where) {
    if (parts_ == 0 || !after_dot_) {
        end_chain();
        chain_start_ = where;
    }
    ++parts_;
    after_dot_ = false;
    if (parts_ == kMaxKeyParts + 1)
        fail(where, "a dotted key or table header with more than " + std::to_string(kMaxKeyParts) +
                        " parts, the most xvrrp reads (its deepest key, instance.notify.master, "
                        "has 3)");
}

void Scanner::end_chain() {
    // A header names a table at each part; a plain key only when it is dotted.
    if (parts_ > 1 || (parts_ == 1 && in_header_)) {
        table_parts_ += parts_;
        if (table_parts_ > kMaxTableParts)
            fail(chain_start_, "more than " + std::to_string(kMaxTableParts) +
                                   " parts in the table headers and dotted keys of the file, the "
                                   "most xvrrp reads (255 instances with all their sub-tables "
                                   "use about 2,300)");
    }
    parts_ = 0;
    after_dot_ = false;
}

std::optional<BoundsError> Scanner::run() {
    if (text_.size() > kMaxFileBytes) {
        std::string_view kept = text_.substr(0, kMaxFileBytes);
        text_ = kept;
        advance(kMaxFileBytes);  // to the position of the first byte beyond
        return BoundsError{pos_, "the file is larger than " + std::to_string(kMaxFileBytes >> 20) +
                                     " MiB (" + std::to_string(kMaxFileBytes) +
                                     " bytes), the most xvrrp reads; is it the right file?"};
    }
    // A UTF-8 byte order mark, which toml++ skips and does not count in columns.
    if (text_.substr(0, 3) == "\xef\xbb\xbf") i_ = 3;
    while (i_ < text_.size() && !error_) {
        const char c = peek();
        const SourcePos here = pos_;
        if (c == ' ' || c == '\t' || c == '\r') {
            advance();
            continue;
        }
        if (c == '\n') {
            end_chain();
            in_header_ = false;
            line_start_ = true;
            if (open_.empty()) value_mode_ = false;
            advance();
            continue;
        }
        const bool first_on_line = line_start_;
        line_start_ = false;
        switch (c) {
            case '#':
                end_chain();
                skip_comment();
                break;
            case '"':
            case '\'':
                skip_string();
                part(here);
                break;
            case '.':
                after_dot_ = true;
                advance();
                break;
            case '[':
                end_chain();
                if (first_on_line && open_.empty()) {  // [table] or [[array-of-tables]]
                    in_header_ = true;
                    value_mode_ = false;
                    advance(peek(1) == '[' ? 2 : 1);
                    break;
                }
                [[fallthrough]];
            case '{':
                end_chain();
                open_ += c;
                value_mode_ = c == '[';
                if (open_.size() == kMaxNesting + 1)
                    fail(here, "arrays and inline tables nested more than " +
                                   std::to_string(kMaxNesting) +
                                   " deep, the most xvrrp reads (its deepest value, "
                                   "track_interface = [{ ... }], has 2)");
                advance();
                break;
            case ']':
            case '}':
                end_chain();
                if (c == ']' && in_header_) {
                    in_header_ = false;
                    advance(peek(1) == ']' ? 2 : 1);
                    break;
                }
                if (!open_.empty()) open_.pop_back();
                value_mode_ = true;  // after a value
                advance();
                break;
            case '=':
            case ',':
                end_chain();
                value_mode_ = c == '=' || (!open_.empty() && open_.back() == '[');
                advance();
                break;
            default:  // a bare key, or a bare value (number, boolean, date)
                if (value_mode_) check_bare_value();
                while (i_ < text_.size() && kStructural.find(peek()) == std::string_view::npos &&
                       ascii_here(""))
                    advance();
                part(here);
                break;
        }
    }
    end_chain();
    return error_;
}

}  // namespace

std::optional<BoundsError> check_bounds(std::string_view text) {
    return Scanner(text).run();
}

}  // namespace xvrrp::config
