// The real xvrrpd on the hostile files that mutating configurations turned up: each is refused
// with exit code 2 and FILE:LINE:COL: error: lines that hold nothing but printable text, by
// `--check` and by a normal start alike, and the normal start leaves no pid file, pin directory
// or socket behind. Before the fixes, these files crashed `--check` (SIGSEGV, SIGABRT) or failed
// late, with exit 1, after the pid file and the bpffs steps.
#include <fcntl.h>
#include <gtest/gtest.h>
#include <sys/wait.h>
#include <unistd.h>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <ostream>
#include <regex>
#include <sstream>
#include <string>
#include <vector>

namespace {

namespace fs = std::filesystem;

// A directory of its own under /tmp, removed with everything in it.
class ScratchDir {
  public:
    ScratchDir() {
        std::string pattern = (fs::temp_directory_path() / "xvrrp-hostile-XXXXXX").string();
        if (!mkdtemp(pattern.data())) throw std::runtime_error("mkdtemp failed");
        path_ = pattern;
    }
    ~ScratchDir() {
        std::error_code ec;
        fs::remove_all(path_, ec);
    }
    ScratchDir(const ScratchDir &) = delete;
    ScratchDir &operator=(const ScratchDir &) = delete;
    const fs::path &path() const { return path_; }

  private:
    fs::path path_;
};

struct Outcome {
    int exit_code = -1;  // -1: killed by a signal
    int signal = 0;
    std::string out, err;
};

std::string read_all(const fs::path &p) {
    std::ifstream in(p, std::ios::binary);
    std::ostringstream s;
    s << in.rdbuf();
    return s.str();
}

// Runs xvrrpd with `args`, stdout and stderr into files of `dir`; no shell in between, so the
// file names may hold anything.
Outcome run_xvrrpd(const fs::path &dir, std::vector<std::string> args) {
    const fs::path out = dir / "stdout", err = dir / "stderr";
    args.insert(args.begin(), XVRRP_XVRRPD);
    pid_t pid = fork();
    if (pid == 0) {
        int o = open(out.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        int e = open(err.c_str(), O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
        if (o < 0 || e < 0 || dup2(o, 1) < 0 || dup2(e, 2) < 0) _exit(127);
        std::vector<char *> argv;
        for (auto &a : args) argv.push_back(a.data());
        argv.push_back(nullptr);
        execv(argv[0], argv.data());
        _exit(127);
    }
    int status = 0;
    waitpid(pid, &status, 0);
    Outcome r;
    if (WIFEXITED(status)) r.exit_code = WEXITSTATUS(status);
    if (WIFSIGNALED(status)) r.signal = WTERMSIG(status);
    r.out = read_all(out);
    r.err = read_all(err);
    fs::remove(out);
    fs::remove(err);
    return r;
}

// Every line of `err` is FILE:LINE[:COL]: error: ..., printable, of a sane length.
::testing::AssertionResult diagnostics_only(const std::string &err, const std::string &file) {
    if (err.empty()) return ::testing::AssertionFailure() << "no error printed";
    std::istringstream lines(err);
    const std::regex shape("^[^ ]*:[0-9]+(:[0-9]+)?: error: .+$");
    for (std::string line; std::getline(lines, line);) {
        if (line.rfind(file + ":", 0) != 0)
            return ::testing::AssertionFailure() << "does not start with the file: " << line;
        if (!std::regex_match(line, shape))
            return ::testing::AssertionFailure() << "not FILE:LINE: error: " << line;
        if (std::any_of(line.begin(), line.end(),
                        [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; }))
            return ::testing::AssertionFailure() << "control character in: " << line;
        if (line.size() > 600)
            return ::testing::AssertionFailure()
                   << line.size() << " bytes: " << line.substr(0, 200);
    }
    return ::testing::AssertionSuccess();
}

struct Hostile {
    const char *name;
    std::string body;  // after a [daemon] table that keeps every path in the scratch directory
};

void PrintTo(const Hostile &h, std::ostream *os) {
    *os << h.name;
}

std::string repeat(std::string_view s, size_t n) {
    std::string out;
    out.reserve(s.size() * n);
    for (size_t i = 0; i < n; ++i) out += s;
    return out;
}

// An instance on a link that does not exist: were a file ever accepted, the start would stop
// at its first, read-only step.
const std::string kInstance =
    "[[instance]]\nname = \"web\"\ninterface = \"xvrrp-none0\"\nvrid = 51\n"
    "virtual_ips = [\"192.0.2.100/32\"]\n";

std::vector<Hostile> hostile_files() {
    return {
        {"DottedKeyOf50000Parts", kInstance + repeat("a.", 50000) + "a = 1\n"},
        {"TableHeaderOf50000Parts", kInstance + "[" + repeat("a.", 50000) + "a]\n"},
        {"ArraysNested100000Deep", kInstance + "x = " + std::string(100000, '[') + "\n"},
        {"BadVipInterface", "vip_interface = \"dummy0-for-the-vips\"\n" + kInstance},
        {"VipInterfaceWithSlash", "vip_interface = \"a/b\"\n" + kInstance},
        {"KeyForgingALogLine", kInstance + "\"x\\nxvrrpd: web: MASTER\\u001b[2J\" = 1\n"},
        {"HugeUnknownKey", kInstance + std::string(900000, 'p') + " = 1\n"},
        {"LargerThanTheLimit", kInstance + "# " + std::string(2 << 20, 'x') + "\n"},
        {"NameWithEscape", "\n" + kInstance + "[[instance]]\nname = \"a\\u001b[31m\"\n"},
    };
}

class HostileConfig : public ::testing::TestWithParam<Hostile> {};

TEST_P(HostileConfig, IsRefusedWithExitTwoAndPrintableErrors) {
    ScratchDir dir;
    const fs::path file = dir.path() / "hostile.toml";
    {
        std::ofstream f(file, std::ios::binary);
        f << "[daemon]\npid_file = \"" << (dir.path() / "xvrrpd.pid").string() << "\"\npin_dir = \""
          << (dir.path() / "pins").string() << "\"\ncontrol_socket = \""
          << (dir.path() / "xvrrpd.sock").string() << "\"\n"
          << GetParam().body;
    }
    for (bool check : {true, false}) {
        std::vector<std::string> args = {"--config", file.string()};
        if (check) args.push_back("--check");
        Outcome r = run_xvrrpd(dir.path(), args);
        SCOPED_TRACE(check ? "xvrrpd --check" : "xvrrpd");
        EXPECT_EQ(r.signal, 0) << strsignal(r.signal);
        EXPECT_EQ(r.exit_code, 2) << r.err.substr(0, 2000);
        EXPECT_TRUE(diagnostics_only(r.err, file.string()));
        EXPECT_EQ(r.out, "");
        // Nothing but the file itself: no pid file, pins or socket.
        std::vector<std::string> left;
        for (const auto &e : fs::directory_iterator(dir.path()))
            left.push_back(e.path().filename().string());
        EXPECT_EQ(left, std::vector<std::string>{"hostile.toml"});
    }
}

INSTANTIATE_TEST_SUITE_P(Xvrrpd, HostileConfig, ::testing::ValuesIn(hostile_files()),
                         [](const ::testing::TestParamInfo<Hostile> &info) {
                             return std::string(info.param.name);
                         });

// The file name is the operator's own argument, yet it is shown escaped like the rest.
TEST(HostileConfigName, AFileNameWithControlCharactersIsShownEscaped) {
    ScratchDir dir;
    const fs::path file = dir.path() / "a\nb\x1b[2J.toml";
    std::ofstream(file) << "vrid = 1\n";
    Outcome r = run_xvrrpd(dir.path(), {"--check", "--config", file.string()});
    EXPECT_EQ(r.exit_code, 2);
    std::string shown = (dir.path() / "a\\nb\\x1b[2J.toml").string();
    EXPECT_TRUE(diagnostics_only(r.err, shown)) << r.err;
}

}  // namespace
