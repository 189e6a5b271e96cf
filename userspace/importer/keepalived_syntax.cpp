// keepalived's configuration syntax (keepalived/core/parser.c reads it line by line): lexing,
// `include` expansion, and the tree of statements and blocks.
#include "importer/keepalived_syntax.h"

#include <glob.h>

#include <cerrno>
#include <cstring>
#include <fstream>
#include <sstream>

#include "config/diagnostics.h"

namespace xvrrp::importer {

namespace {

// keepalived gives up on deeper nesting too (a file that includes itself).
constexpr int kMaxIncludeDepth = 8;
// Globs that include each other can fan out far past any real configuration before the depth
// stops them: the files read in all are bounded too.
constexpr int kMaxFiles = 1000;
// keepalived's deepest blocks are 4 levels (virtual_server, real_server, a checker, url); a
// limit keeps the tree's recursion (and its destruction) off the end of the stack.
constexpr size_t kMaxBlockDepth = 32;

enum class TokenKind { Word, Open, Close };

struct Token {
    TokenKind kind = TokenKind::Word;
    std::string text;  // a word with its quotes removed
    size_t end = 0;    // offset in the line's text just past the token
};

// One logical line: continuations joined, comment removed.
struct Line {
    Location where;
    std::string text;
    std::vector<Token> tokens;
};

bool blank(char c) {
    return c == ' ' || c == '\t' || c == '\r' || c == '\v' || c == '\f';
}

std::string trim(std::string_view s) {
    size_t b = 0, e = s.size();
    while (b < e && blank(s[b])) b++;
    while (e > b && blank(s[e - 1])) e--;
    return std::string(s.substr(b, e - b));
}

// The line without its comment: `#` or `!` outside a double-quoted string starts one.
// *open_quote is set when a quote is left open at the end.
std::string strip_comment(std::string_view line, bool *open_quote) {
    bool quoted = false;
    for (size_t i = 0; i < line.size(); i++) {
        char c = line[i];
        if (quoted && c == '\\' && i + 1 < line.size()) {
            i++;
        } else if (c == '"') {
            quoted = !quoted;
        } else if (!quoted && (c == '#' || c == '!')) {
            *open_quote = false;
            return std::string(line.substr(0, i));
        }
    }
    *open_quote = quoted;
    return std::string(line);
}

// Words and braces of a comment-free line. Quotes group blanks and braces into a word and are
// removed, with \" and \\ inside them unescaped.
std::vector<Token> tokenize(const std::string &text) {
    std::vector<Token> tokens;
    size_t i = 0;
    while (i < text.size()) {
        char c = text[i];
        if (blank(c)) {
            i++;
        } else if (c == '{' || c == '}') {
            tokens.push_back(
                {c == '{' ? TokenKind::Open : TokenKind::Close, std::string(1, c), i + 1});
            i++;
        } else {
            Token t;
            bool quoted = false;
            for (; i < text.size(); i++) {
                c = text[i];
                if (quoted) {
                    if (c == '\\' && i + 1 < text.size() &&
                        (text[i + 1] == '"' || text[i + 1] == '\\')) {
                        t.text += text[++i];
                    } else if (c == '"') {
                        quoted = false;
                    } else {
                        t.text += c;
                    }
                } else if (c == '"') {
                    quoted = true;
                } else if (blank(c) || c == '{' || c == '}') {
                    break;
                } else {
                    t.text += c;
                }
            }
            t.end = i;
            tokens.push_back(std::move(t));
        }
    }
    return tokens;
}

// Whether `s` is well-formed UTF-8: TOML strings and comments must be, so a keepalived line
// that is not cannot be carried into the output.
bool valid_utf8(std::string_view s) {
    auto at = [&](size_t i) { return i < s.size() ? static_cast<unsigned char>(s[i]) : 0u; };
    auto cont = [&](size_t i, unsigned lo = 0x80, unsigned hi = 0xbf) {
        return at(i) >= lo && at(i) <= hi;
    };
    for (size_t i = 0; i < s.size();) {
        unsigned c = at(i);
        if (c < 0x80) {
            i += 1;
        } else if (c >= 0xc2 && c <= 0xdf && cont(i + 1)) {
            i += 2;
        } else if (c >= 0xe0 && c <= 0xef &&
                   cont(i + 1, c == 0xe0 ? 0xa0 : 0x80, c == 0xed ? 0x9f : 0xbf) && cont(i + 2)) {
            i += 3;
        } else if (c >= 0xf0 && c <= 0xf4 &&
                   cont(i + 1, c == 0xf0 ? 0x90 : 0x80, c == 0xf4 ? 0x8f : 0xbf) && cont(i + 2) &&
                   cont(i + 3)) {
            i += 4;
        } else {
            return false;
        }
    }
    return true;
}

std::string directory_of(const std::string &file) {
    size_t slash = file.rfind('/');
    if (slash == std::string::npos) return ".";
    return slash == 0 ? "/" : file.substr(0, slash);
}

class Parser {
  public:
    SyntaxResult result;

    // Lexes `text` into lines_, expanding includes.
    void read(std::string_view text, const std::string &file, int depth) {
        std::istringstream in{std::string(text)};
        std::string physical;
        uint32_t number = 0;
        while (std::getline(in, physical)) {
            number++;
            Line line{{file, number}, "", {}};
            bool open_quote = false;
            std::string stripped = strip_comment(physical, &open_quote);
            // A `\` at the end continues the line on the next one.
            while (!open_quote && !trim(stripped).empty() && trim(stripped).back() == '\\' &&
                   std::getline(in, physical)) {
                number++;
                stripped = trim(stripped);
                stripped.pop_back();
                stripped += ' ' + strip_comment(physical, &open_quote);
            }
            if (open_quote) {
                error(line.where, "a quoted string is not closed on its line (add the closing \")");
                continue;
            }
            if (!valid_utf8(stripped)) {
                error(line.where, "the line is not UTF-8 text, which the TOML output must be");
                continue;
            }
            line.text = std::move(stripped);
            line.tokens = tokenize(line.text);
            if (line.tokens.empty()) continue;
            const Token &first = line.tokens.front();
            if (first.kind == TokenKind::Word && first.text == "include" &&
                line.tokens.size() >= 2) {
                include(line, depth);
            } else if (first.kind == TokenKind::Word && first.text[0] == '@') {
                warning(line.where, "'" + config::printable(first.text) +
                                        "': keepalived's conditional configuration is not "
                                        "converted; the line is skipped");
            } else if (dollar_word(line)) {
                error(line.where,
                      "keepalived's $NAME parameters are not supported by the importer; "
                      "replace them by their values first");
            } else {
                lines_.push_back(std::move(line));
            }
        }
    }

    // The tree of statements of every line read.
    void build() {
        // open.front() is the file itself; open.back() the innermost open block.
        std::vector<Statement> open(1);
        std::optional<Statement> current;
        auto flush = [&] {
            if (current) open.back().block.push_back(std::move(*current));
            current.reset();
        };
        for (const Line &line : lines_) {
            for (const Token &t : line.tokens) {
                if (t.kind == TokenKind::Word) {
                    if (!current) {
                        current =
                            Statement{line.where, {}, trim(line.text.substr(t.end)), false, {}};
                    }
                    current->words.push_back(t.text);
                } else if (t.kind == TokenKind::Open) {
                    Statement owner;
                    if (current) {
                        owner = std::move(*current);
                        current.reset();
                    } else if (!open.back().block.empty() && !open.back().block.back().has_block) {
                        // `{` on the line after its keyword.
                        owner = std::move(open.back().block.back());
                        open.back().block.pop_back();
                    } else {
                        error(line.where, "'{' without a keyword before it");
                        owner.where = line.where;
                        owner.words = {"{"};
                    }
                    owner.has_block = true;
                    if (open.size() > kMaxBlockDepth) {
                        error(line.where, "blocks nested more than " +
                                              std::to_string(kMaxBlockDepth) + " deep");
                        return;
                    }
                    open.push_back(std::move(owner));
                } else {
                    flush();
                    if (open.size() == 1) {
                        error(line.where, "'}' without a matching '{'");
                        continue;
                    }
                    Statement closed = std::move(open.back());
                    open.pop_back();
                    open.back().block.push_back(std::move(closed));
                }
            }
            flush();
        }
        while (open.size() > 1) {
            error(open.back().where, "the block of '" + config::printable(open.back().keyword()) +
                                         "' is never closed (a '}' is missing)");
            Statement closed = std::move(open.back());
            open.pop_back();
            open.back().block.push_back(std::move(closed));
        }
        result.statements = std::move(open.front().block);
    }

  private:
    std::vector<Line> lines_;
    int files_read_ = 0;  // included files, across every level

    void error(const Location &where, std::string message) {
        result.errors.push_back({where, std::move(message)});
    }
    void warning(const Location &where, std::string message) {
        result.warnings.push_back({where, std::move(message)});
    }

    static bool dollar_word(const Line &line) {
        for (const Token &t : line.tokens)
            if (t.kind == TokenKind::Word && !t.text.empty() && t.text[0] == '$') return true;
        return false;
    }

    // keepalived's `include PATTERN`: every file glob(3) finds, in its order; a relative pattern
    // is taken from the directory of the including file.
    void include(const Line &line, int depth) {
        const std::string &pattern = line.tokens[1].text;
        if (depth >= kMaxIncludeDepth) {
            error(line.where, "include '" + config::printable(pattern) + "': nested more than " +
                                  std::to_string(kMaxIncludeDepth) +
                                  " deep (does a file include itself?)");
            return;
        }
        std::string full =
            pattern[0] == '/' ? pattern : directory_of(line.where.file) + "/" + pattern;
        glob_t g{};
        int rc = glob(full.c_str(), GLOB_MARK, nullptr, &g);
        if (rc == GLOB_NOMATCH) {
            warning(line.where, "include '" + config::printable(pattern) +
                                    "' matches no file; nothing included");
        } else if (rc != 0) {
            error(line.where, "include '" + config::printable(pattern) + "': cannot be expanded");
        } else {
            for (size_t i = 0; i < g.gl_pathc; i++) {
                std::string path = g.gl_pathv[i];
                if (path.back() == '/') continue;  // a directory
                if (++files_read_ > kMaxFiles) {
                    error(line.where, "include '" + config::printable(pattern) + "': more than " +
                                          std::to_string(kMaxFiles) + " files in all");
                    break;
                }
                std::string why;
                std::optional<std::string> text = read_file(path, &why);
                if (!text) {
                    error(line.where, "include '" + config::printable(path) + "': " + why);
                    continue;
                }
                read(*text, path, depth + 1);
            }
        }
        globfree(&g);
    }
};

}  // namespace

std::string to_string(const Location &where) {
    return where.line ? where.file + ":" + std::to_string(where.line) : where.file;
}

namespace {
std::string format_problem(const Problem &p, const char *severity) {
    std::string line = p.where.line ? ":" + std::to_string(p.where.line) : "";
    return config::printable(p.where.file, 4096) + line + ": " + severity + ": " +
           config::printable(p.message, 4096);
}
}  // namespace

std::string format_warning(const Problem &p) {
    return format_problem(p, "warning");
}
std::string format_error(const Problem &p) {
    return format_problem(p, "error");
}

const std::string &Statement::arg(size_t i) const {
    static const std::string empty;
    return i < words.size() ? words[i] : empty;
}

std::optional<std::string> read_file(const std::string &path, std::string *error) {
    std::ifstream in(path, std::ios::binary);
    if (!in) {
        *error = strerror(errno);
        return std::nullopt;
    }
    std::ostringstream text;
    text << in.rdbuf();
    if (in.bad()) {
        *error = strerror(errno);
        return std::nullopt;
    }
    return text.str();
}

SyntaxResult parse_keepalived(std::string_view text, const std::string &file) {
    Parser p;
    p.read(text, file, 0);
    p.build();
    return std::move(p.result);
}

SyntaxResult parse_keepalived_file(const std::string &path) {
    std::string why;
    std::optional<std::string> text = read_file(path, &why);
    if (!text) {
        SyntaxResult r;
        r.errors.push_back({{path, 0}, "cannot read the file: " + why});
        return r;
    }
    return parse_keepalived(*text, path);
}

}  // namespace xvrrp::importer
