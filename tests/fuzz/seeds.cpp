// Writes the fuzzers' seed corpus from what the project documents, so that it cannot drift:
//   OUT/config/doc-N.toml  every ```toml block of docs/configuration.md
//   OUT/codec/NAME.bin     every captured keepalived frame of tests/unit/data/*.hex whose
//                          EtherType is IPv4 or IPv6, as the codec fuzzer reads its input: an
//                          options byte and an IP-facts byte (both 0), then the IP packet.
// usage: fuzz_seeds OUT DOCS_MD HEX...
#include <cctype>
#include <cstdio>
#include <filesystem>
#include <fstream>
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
    std::printf("fuzz_seeds: %zu configuration examples, %zu IP frames\n", n, frames);
    return 0;
} catch (const std::exception &e) {
    std::fprintf(stderr, "fuzz_seeds: %s\n", e.what());
    return 1;
}
