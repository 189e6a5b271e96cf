// Writes the fuzzers' seed corpus from what the project documents, so that it cannot drift:
//   OUT/config/doc-N.toml  every ```toml block of docs/configuration.md
//   OUT/config/defaults.toml  [daemon] and one [[instance]] with every key the page's tables
//                          give a default for, set to it: a file that reaches every check
//   OUT/config.dict        every `word` and `"string"` the page shows (key names, enumerated
//                          values), a libFuzzer dictionary: the fuzzer splices them into files
//   OUT/codec/NAME.bin     every captured keepalived frame of tests/unit/data/*.hex whose
//                          EtherType is IPv4 or IPv6, as the codec fuzzer reads its input: an
//                          options byte and an IP-facts byte (both 0), then the IP packet.
// usage: fuzz_seeds OUT DOCS_MD HEX...
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <set>
#include <sstream>
#include <string>
#include <vector>

namespace fs = std::filesystem;

namespace {

std::string read_file(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    if (!in) throw std::runtime_error("cannot read " + p.string());
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

void write_file(const fs::path &p, const std::string &bytes) {
    std::ofstream out(p, std::ios::binary | std::ios::trunc);
    out << bytes;
    if (!out) throw std::runtime_error("cannot write " + p.string());
}

// The hex digits of a vector file; '#' starts a comment line.
std::string frame_of_hex(const std::string &text) {
    std::string bytes, digits;
    std::istringstream lines(text);
    for (std::string line; std::getline(lines, line);) {
        if (!line.empty() && line[0] == '#') continue;
        for (char c : line)
            if (std::isxdigit(static_cast<unsigned char>(c))) digits += c;
    }
    for (size_t i = 0; i + 1 < digits.size(); i += 2)
        bytes += static_cast<char>(std::stoi(digits.substr(i, 2), nullptr, 16));
    return bytes;
}

// The words of `code spans` that a configuration file could hold: key names and quoted values.
std::set<std::string> dictionary_of(const std::string &docs) {
    std::set<std::string> words;
    for (size_t at = docs.find('`'); at != std::string::npos; at = docs.find('`', at)) {
        size_t end = docs.find('`', at + 1);
        if (end == std::string::npos) break;
        const std::string span = docs.substr(at + 1, end - at - 1);
        at = end + 1;
        if (span.empty() || span.size() > 40 || span.find('\n') != std::string::npos) continue;
        bool word = true;
        for (char c : span)
            if (!std::isalnum(static_cast<unsigned char>(c)) && c != '_' && c != '.') word = false;
        bool quoted = span.size() >= 2 && span.front() == '"' && span.back() == '"';
        if (word || quoted) words.insert(span);
    }
    return words;
}

// The rows "| `key` | type | `default` | ..." of the page's key tables, after `heading`, as
// "key = default" lines; a default that is not one literal ("required", "none") is left out.
std::string defaults_after(const std::string &docs, const std::string &heading) {
    std::string lines;
    size_t at = docs.find(heading);
    if (at == std::string::npos) throw std::runtime_error("no " + heading + " in the page");
    std::istringstream rows(docs.substr(at + heading.size()));
    for (std::string row; std::getline(rows, row) && row.rfind("## ", 0) != 0;) {
        if (row.rfind("| `", 0) != 0) continue;
        std::vector<std::string> cells;
        for (size_t from = 1, bar; (bar = row.find(" |", from)) != std::string::npos;
             from = bar + 2)
            cells.push_back(row.substr(from + 1, bar - from - 1));
        if (cells.size() < 3) continue;
        const std::string &key = cells[0], &value = cells[2];
        if (value.size() < 3 || value.front() != '`' || value.back() != '`' ||
            value.find('`', 1) != value.size() - 1)
            continue;
        lines += key.substr(1, key.size() - 2) + " = " + value.substr(1, value.size() - 2) + "\n";
    }
    return lines;
}

// One libFuzzer dictionary entry: "text" with quotes and backslashes escaped.
std::string dictionary_entry(const std::string &word) {
    std::string out = "\"";
    for (char c : word) {
        if (c == '"' || c == '\\') out += '\\';
        out += c;
    }
    return out + "\"\n";
}

}  // namespace

int main(int argc, char **argv) try {
    if (argc < 3) {
        std::fprintf(stderr, "usage: fuzz_seeds OUT DOCS_MD HEX...\n");
        return 2;
    }
    const fs::path out = argv[1];
    fs::create_directories(out / "config");
    fs::create_directories(out / "codec");

    const std::string docs = read_file(argv[2]);
    size_t n = 0;
    for (size_t at = docs.find("```toml\n"); at != std::string::npos;
         at = docs.find("```toml\n", at)) {
        at += 8;
        size_t end = docs.find("```", at);
        if (end == std::string::npos) break;
        write_file(out / "config" / ("doc-" + std::to_string(++n) + ".toml"),
                   docs.substr(at, end - at));
        at = end + 3;
    }
    if (n == 0) throw std::runtime_error(std::string(argv[2]) + ": no ```toml block");
    write_file(out / "config" / "defaults.toml",
               "[daemon]\n" + defaults_after(docs, "## `[daemon]`") +
                   "\n[[instance]]\nname = \"web\"\ninterface = \"eth0\"\nvrid = 51\n"
                   "virtual_ips = [\"192.0.2.100/32\"]\n" +
                   defaults_after(docs, "## `[[instance]]`"));
    std::string dict;
    const std::set<std::string> words = dictionary_of(docs);
    for (const std::string &w : words) dict += dictionary_entry(w);
    write_file(out / "config.dict", dict);

    size_t frames = 0;
    for (int i = 3; i < argc; ++i) {
        const std::string frame = frame_of_hex(read_file(argv[i]));
        if (frame.size() < 14) continue;
        const int ether_type =
            (static_cast<unsigned char>(frame[12]) << 8) | static_cast<unsigned char>(frame[13]);
        if (ether_type != 0x0800 && ether_type != 0x86dd) continue;  // ARP: not for the codec
        write_file(out / "codec" / (fs::path(argv[i]).stem().string() + ".bin"),
                   std::string(2, '\0') + frame.substr(14));
        ++frames;
    }
    std::printf("fuzz_seeds: %zu configuration examples, %zu dictionary words, %zu IP frames\n", n,
                words.size(), frames);
    return 0;
} catch (const std::exception &e) {
    std::fprintf(stderr, "fuzz_seeds: %s\n", e.what());
    return 1;
}
