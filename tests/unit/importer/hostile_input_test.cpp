// Whatever the keepalived file holds, the importer either refuses it (errors, no output) or
// prints TOML that parses, and every message is one line. Checked on keepalived's samples (as
// its package installs them) mutated with a fixed seed (the same inputs on every run), and on
// a few built-to-break files.
#include <algorithm>
#include <filesystem>
#include <fstream>
#include <random>
#include <sstream>

#include "import_test_util.h"

namespace xvrrp::importer {
namespace {

using namespace testing;

void expect_promises_kept(const ImportResult &r, const std::string &input) {
    for (const Problem &p : r.errors)
        EXPECT_EQ(format_error(p).find('\n'), std::string::npos) << input;
    for (const Problem &p : r.left_out)
        EXPECT_EQ(format_warning(p).find('\n'), std::string::npos) << input;
    if (!r.errors.empty()) {
        EXPECT_TRUE(r.toml.empty());
        return;
    }
#if TOML_EXCEPTIONS
    try {
        toml::table parsed = toml::parse(r.toml);
        (void)parsed;
    } catch (const toml::parse_error &e) {
        ADD_FAILURE() << "not TOML: " << e.description() << "\ninput:\n"
                      << input << "\noutput:\n"
                      << r.toml;
    }
#else
    toml::parse_result parsed = toml::parse(r.toml);
    EXPECT_TRUE(parsed) << "not TOML\ninput:\n" << input << "\noutput:\n" << r.toml;
#endif
}

std::string read(const std::filesystem::path &p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

TEST(ImportHostileInput, MutatedSamplesGiveErrorsOrTomlThatParses) {
    // Characters that matter to keepalived's syntax or to TOML, and bytes that are neither.
    static const std::string kAlphabet = "{}\"'#!\\\n\t \x01\x7f\xc3\xa9\xff$@/.:0123456789";
    std::mt19937 random(12);
    // keepalived's samples as the package installs them (scripts/deps), in a fixed order.
    std::vector<std::filesystem::path> samples;
    std::error_code ec;
    for (const auto &entry : std::filesystem::directory_iterator(XVRRP_KEEPALIVED_SAMPLES, ec))
        if (entry.is_regular_file() &&
            entry.path().filename().string().starts_with("keepalived.conf."))
            samples.push_back(entry.path());
    std::sort(samples.begin(), samples.end());
    ASSERT_GE(samples.size(), 6u) << "keepalived's sample configurations are not in "
                                  << XVRRP_KEEPALIVED_SAMPLES << ": run scripts/deps as root";
    for (const std::filesystem::path &sample : samples) {
        const std::string original = read(sample);
        for (int round = 0; round < 200; round++) {
            std::string text = original;
            int edits = 1 + int(random() % 8);
            for (int e = 0; e < edits && !text.empty(); e++) {
                size_t at = random() % text.size();
                char c = kAlphabet[random() % kAlphabet.size()];
                switch (random() % 3) {
                    case 0:
                        text[at] = c;
                        break;
                    case 1:
                        text.insert(text.begin() + at, c);
                        break;
                    default:
                        text.erase(at, 1 + random() % 16);
                        break;
                }
            }
            expect_promises_kept(import_keepalived(text, "m.conf"), text);
            if (HasFailure()) return;
        }
    }
}

TEST(ImportHostileInput, DeepNestingAndControlCharactersAreRefusedOrEscaped) {
    std::string deep;
    for (int i = 0; i < 100000; i++) deep += "a {\n";
    ImportResult r = import_keepalived(deep, "deep.conf");
    ASSERT_EQ(r.errors.size(), 1u);
    EXPECT_EQ(format_error(r.errors[0]), "deep.conf:33: error: blocks nested more than 32 deep");

    ImportResult controls = convert(
        instance_with("    notify \"/bin/x \x01\x1b[31m\"\n    smtp_alert \x1b]0;title\x07\n"));
    expect_promises_kept(controls, "controls");
    EXPECT_EQ(instance_of(controls).notify.any,
              (std::vector<std::string>{"/bin/x", "\x01\x1b[31m"}));

    ImportResult latin1 = convert(instance_with("    notify /bin/caf\xe9\n"));
    ASSERT_EQ(latin1.errors.size(), 1u);
    EXPECT_EQ(format_error(latin1.errors[0]),
              "k.conf:7: error: the line is not UTF-8 text, which the TOML output must be");
}

}  // namespace
}  // namespace xvrrp::importer
