// What xvrrpd's log gives a collector and an operator (docs/operations.md, "Read the logs"):
// levels, JSON lines with the state-change fields, and the journal's own fields when stderr is
// the journal stream systemd gave the service.
//
// No journald runs on these machines (it wants systemd as PID 1): the journal test binds its
// own socket where libsystemd sends (/run/systemd/journal/socket, in a mount namespace of the
// daemon's own) and reads the journal's native protocol, one "FIELD=value" line per field.
#include <gtest/gtest.h>
#include <poll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>

#include <atomic>
#include <cstdlib>
#include <thread>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

using Record = std::map<std::string, std::string>;

// Each line of a JSON log, read by Python's json module (a real parser, not a regex), as its
// top-level keys and values; a line that is not a JSON object fails the test.
std::vector<Record> json_records(const std::string &path) {
    std::string script =
        "import json, sys\n"
        "for n, line in enumerate(open(sys.argv[1]), 1):\n"
        "    try:\n"
        "        o = json.loads(line)\n"
        "        assert isinstance(o, dict)\n"
        "    except Exception as e:\n"
        "        sys.exit('line %d is not a JSON object: %r (%s)' % (n, line, e))\n"
        "    print('\\x1f'.join('%s=%s' % (k, str(v).replace(chr(10), ' ')) for k, v in "
        "o.items()))\n";
    std::string script_path = path + ".py";
    Lab::write_file(script_path, script);
    auto r = sh("python3 " + script_path + " " + path);
    EXPECT_EQ(r.status, 0) << r.output;
    std::vector<Record> records;
    std::istringstream in(r.output);
    std::string line;
    while (std::getline(in, line)) {
        Record rec;
        size_t start = 0;
        while (start <= line.size()) {
            size_t end = line.find('\x1f', start);
            std::string kv = line.substr(start, end == std::string::npos ? end : end - start);
            auto eq = kv.find('=');
            if (eq != std::string::npos) rec[kv.substr(0, eq)] = kv.substr(eq + 1);
            if (end == std::string::npos) break;
            start = end + 1;
        }
        records.push_back(rec);
    }
    return records;
}

std::string show(const std::vector<Record> &records) {
    std::string s;
    for (const auto &r : records) {
        for (const auto &[k, v] : r) s += k + "=" + v + " ";
        s += "\n";
    }
    return s;
}

const Record *find_state(const std::vector<Record> &records, const std::string &state) {
    for (const auto &r : records)
        if (r.count("state") && r.at("state") == state) return &r;
    return nullptr;
}

TEST(Log, JsonLinesCarryInstanceVridStateAndReasonOnAStateChange) {
    Lab lab;
    Lab::write_file(lab.config_path("s1"), lab.xvrrpd_config("s1", xvrrpd_options(150)));
    lab.start_xvrrpd_with("s1", lab.config_path("s1"), {"--log-format", "json"});
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    ASSERT_EQ(lab.stop("s1"), 0) << describe(lab);

    auto records = json_records(lab.log_path("s1"));
    ASSERT_FALSE(records.empty());
    std::regex rfc3339(R"(\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{6}Z)");
    for (const auto &r : records) {
        EXPECT_TRUE(r.count("ts") && std::regex_match(r.at("ts"), rfc3339)) << show({r});
        EXPECT_TRUE(r.count("level") && r.count("msg")) << show({r});
    }
    const Record *master = find_state(records, "MASTER");
    ASSERT_NE(master, nullptr) << show(records);
    EXPECT_EQ(master->at("level"), "notice");
    EXPECT_EQ(master->at("instance"), "web");
    EXPECT_EQ(master->at("vrid"), "51");
    EXPECT_FALSE(master->at("reason").empty());
    EXPECT_EQ(master->at("msg"), "BACKUP -> MASTER (" + master->at("reason") + ")");
    const Record *backup = find_state(records, "BACKUP");
    ASSERT_NE(backup, nullptr) << show(records);
    EXPECT_EQ(backup->at("reason"), "start-up");
    // An instance's other messages name it too (the priority-0 advert at the stop).
    bool release_named = false;
    for (const auto &r : records)
        if (r.at("msg").find("priority-0 advert sent") != std::string::npos)
            release_named = r.count("instance") && r.at("instance") == "web" && r.count("vrid") &&
                            r.at("vrid") == "51" && !r.count("state");
    EXPECT_TRUE(release_named) << show(records);
    // Not a plain line among them.
    EXPECT_EQ(Lab::read_file(lab.log_path("s1")).find("xvrrpd: "), std::string::npos);
}

TEST(Log, LogLevelWarningHidesInfoAndStateChangesAndTheCommandLineOverridesIt) {
    Lab lab;
    XvrrpdOptions quiet = xvrrpd_options(150);
    quiet.daemon_extra = "log_level = \"warning\"\n";
    lab.start_xvrrpd("s1", quiet);
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    // A reload that changes a [daemon] key: a warning (the key needs a restart).
    quiet.daemon_extra += "release_hold = \"1s\"\n";
    Lab::write_file(lab.config_path("s1"), lab.xvrrpd_config("s1", quiet));
    lab.send_signal("s1", SIGHUP);
    EXPECT_TRUE(wait_until([&] { return lab.log("s1").find("release_hold") != std::string::npos; }))
        << describe(lab);
    ASSERT_EQ(lab.stop("s1"), 0) << describe(lab);
    std::string log = lab.log("s1");
    EXPECT_NE(log.find("xvrrpd: warning: reload: [daemon] release_hold changed; it takes effect "
                       "at the next restart"),
              std::string::npos)
        << log;
    EXPECT_EQ(log.find("reloaded: "), std::string::npos) << log;      // info
    EXPECT_EQ(log.find("running: "), std::string::npos) << log;       // info
    EXPECT_EQ(log.find("-> MASTER"), std::string::npos) << log;       // notice
    EXPECT_EQ(log.find("xvrrpd: [web] "), std::string::npos) << log;  // any of the instance's

    // The same file, with --log-level info: both come back.
    Lab::write_file(lab.log_path("s1"), "");
    lab.start_xvrrpd_with("s1", lab.config_path("s1"), {"--log-level", "info"});
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    ASSERT_EQ(lab.stop("s1"), 0) << describe(lab);
    log = lab.log("s1");
    EXPECT_NE(log.find("xvrrpd: running: 1 instance(s)"), std::string::npos) << log;
    EXPECT_NE(log.find("xvrrpd: [web] BACKUP -> MASTER ("), std::string::npos) << log;
    EXPECT_EQ(log.find("debug: "), std::string::npos) << log;

    // --log-level debug: libbpf's and libxdp's own messages, through the same log.
    Lab::write_file(lab.log_path("s1"), "");
    lab.start_xvrrpd_with("s1", lab.config_path("s1"), {"--log-level=debug"});
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    ASSERT_EQ(lab.stop("s1"), 0) << describe(lab);
    log = lab.log("s1");
    EXPECT_TRUE(log.find("xvrrpd: [libbpf] debug: ") != std::string::npos ||
                log.find("xvrrpd: [libxdp] debug: ") != std::string::npos)
        << log;
}

TEST(Log, AutoWritesPlainLinesWhenStderrIsNotTheJournalStream) {
    Lab lab;
    // JOURNAL_STREAM names another file than stderr (a wrapper redirected it): still plain.
    setenv("JOURNAL_STREAM", "1:1", 1);
    lab.start_xvrrpd("s1", xvrrpd_options(150));
    unsetenv("JOURNAL_STREAM");
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    ASSERT_EQ(lab.stop("s1"), 0) << describe(lab);
    std::string log = lab.log("s1");
    EXPECT_NE(log.find("xvrrpd: [web] BACKUP -> MASTER ("), std::string::npos) << log;
    std::istringstream in(log);
    std::string line;
    while (std::getline(in, line)) EXPECT_EQ(line.rfind("xvrrpd: ", 0), 0u) << line;
}

// The journal's native protocol: each datagram one entry, "FIELD=value\n" per field (a value
// with a newline would use the binary form; xvrrpd's have none).
Record journal_entry(const std::string &datagram) {
    Record r;
    std::istringstream in(datagram);
    std::string line;
    while (std::getline(in, line))
        if (auto eq = line.find('='); eq != std::string::npos)
            r[line.substr(0, eq)] = line.substr(eq + 1);
    return r;
}

TEST(Log, UnderTheJournalStreamRecordsGoToTheJournalWithInstanceVridStateReason) {
    Lab lab;
    std::string journal_dir = lab.dir("s1") + "/journal";
    std::filesystem::create_directories(journal_dir);
    std::string socket_path = journal_dir + "/socket";
    int fd = socket(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0);
    ASSERT_GE(fd, 0);
    sockaddr_un addr{};
    addr.sun_family = AF_UNIX;
    std::snprintf(addr.sun_path, sizeof addr.sun_path, "%s", socket_path.c_str());
    ASSERT_EQ(bind(fd, reinterpret_cast<sockaddr *>(&addr), sizeof addr), 0) << strerror(errno);
    // Read as journald does, all along: a datagram socket's queue is short, and a sender whose
    // journal does not read blocks in sd_journal_sendv.
    std::vector<Record> entries;
    std::atomic<bool> done{false};
    std::thread reader([&] {
        char buf[8192];
        while (true) {
            pollfd p{fd, POLLIN, 0};
            if (poll(&p, 1, 50) == 1) {
                ssize_t n = recv(fd, buf, sizeof buf, 0);
                if (n > 0) entries.push_back(journal_entry(std::string(buf, n)));
            } else if (done) {
                return;
            }
        }
    });
    struct JoinOnExit {
        std::atomic<bool> &done;
        std::thread &reader;
        int fd;
        ~JoinOnExit() {
            done = true;
            if (reader.joinable()) reader.join();
            close(fd);
        }
    } join_on_exit{done, reader, fd};

    // stderr is the log file, and JOURNAL_STREAM names it, as systemd does for a service whose
    // StandardError= is the journal.
    Lab::write_file(lab.log_path("s1"), "");
    struct stat st {};
    ASSERT_EQ(stat(lab.log_path("s1").c_str(), &st), 0);
    std::string stream = std::to_string(st.st_dev) + ":" + std::to_string(st.st_ino);
    Lab::write_file(lab.config_path("s1"), lab.xvrrpd_config("s1", xvrrpd_options(150)));
    // The daemon's own mount namespace, where /run/systemd/journal is the test's directory.
    std::vector<std::string> wrapper = {
        "/usr/bin/unshare",
        "--mount",
        "--propagation",
        "private",
        "/bin/sh",
        "-c",
        "mount -t tmpfs tmpfs /run/systemd && mkdir /run/systemd/journal && "
        "mount --bind " +
            journal_dir + " /run/systemd/journal && exec \"$0\" \"$@\""};
    setenv("JOURNAL_STREAM", stream.c_str(), 1);
    lab.start_xvrrpd_with("s1", lab.config_path("s1"), {}, wrapper);
    unsetenv("JOURNAL_STREAM");
    ASSERT_TRUE(lab.wait_state("s1", "MASTER")) << describe(lab);
    ASSERT_EQ(lab.stop("s1"), 0) << describe(lab);

    done = true;
    reader.join();  // it has read everything the daemon sent before it exited
    ASSERT_FALSE(entries.empty()) << describe(lab);
    const Record *master = nullptr;
    for (const auto &e : entries)
        if (e.count("STATE") && e.at("STATE") == "MASTER") master = &e;
    ASSERT_NE(master, nullptr) << show(entries);
    EXPECT_EQ(master->at("INSTANCE"), "web");
    EXPECT_EQ(master->at("VRID"), "51");
    EXPECT_EQ(master->at("PRIORITY"), "5");  // notice
    EXPECT_EQ(master->at("SYSLOG_IDENTIFIER"), "xvrrpd");
    EXPECT_FALSE(master->at("REASON").empty());
    EXPECT_EQ(master->at("MESSAGE"), "[web] BACKUP -> MASTER (" + master->at("REASON") + ")");
    for (const auto &e : entries) EXPECT_TRUE(e.count("MESSAGE") && e.count("PRIORITY"));
    // Nothing went to stderr as well.
    EXPECT_EQ(lab.log("s1").find("-> MASTER"), std::string::npos) << lab.log("s1");
}

}  // namespace
}  // namespace xvrrp::e2e
