// Every configuration the docs show is started by xvrrpd in the lab, not only parsed: each
// ```toml block of docs/configuration.md, docs/metrics.md and docs/tuning.md (but the
// "# bad.toml" ones, whose errors tests/unit/config/example_test.cpp checks) runs on server s1
// until every instance has its first state, and stops cleanly. The lab's own paths replace
// the block's pin_dir, control_socket and pid_file; a fragment ([daemon] alone, or an instance
// shown as "# ...") gets the lab's minimal instance; a directory or user the reader would
// create (/etc/xvrrp/, xvrrp-hooks) becomes one of the lab's. Examples that name eth1 (a
// second network, a tracked link) find it: a veth pair in s1's namespace.
#include <gtest/gtest.h>

#include <filesystem>
#include <fstream>
#include <regex>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

struct Example {
    std::string where;  // docs/FILE.md:LINE
    std::string text;
};

std::vector<Example> examples(const std::string &doc) {
    std::ifstream in(kSourceDir + "/" + doc);
    std::vector<Example> out;
    std::string line, body;
    int n = 0, start = 0;
    bool inside = false, toml = false;
    while (std::getline(in, line)) {
        ++n;
        if (line.rfind("```", 0) == 0) {
            if (inside && toml && body.rfind("# bad.toml", 0) != 0)
                out.push_back({doc + ":" + std::to_string(start), body});
            inside = !inside, toml = line == "```toml", body.clear(), start = n;
        } else if (inside) {
            body += line + '\n';
        }
    }
    return out;
}

const std::string kMinimal =
    "name = \"web\"\ninterface = \"eth0\"\nvrid = 51\nvirtual_ips = [\"192.0.2.100/32\"]\n";

// The example as the lab runs it on s1.
std::string startable(const Example &e, const Lab &lab) {
    std::string t = e.text;
    if (size_t at = t.find("# ...\n"); at != std::string::npos) t.replace(at, 6, kMinimal);
    if (t.find("[[instance]]") == std::string::npos) t += "\n[[instance]]\n" + kMinimal;
    // The lab's paths, in [daemon] (which comes first where the example has one).
    t = std::regex_replace(t, std::regex("(^|\n)(pin_dir|control_socket|pid_file) = [^\n]*"), "$1");
    std::string paths = "pin_dir = \"" + lab.pin_dir("s1") + "\"\ncontrol_socket = \"" +
                        lab.control_socket("s1") + "\"\npid_file = \"" + lab.pid_file("s1") +
                        "\"\n";
    if (size_t at = t.find("[daemon]\n"); at != std::string::npos)
        t.insert(at + 9, paths);
    else
        t = "[daemon]\n" + paths + t;
    t = std::regex_replace(t, std::regex("/etc/xvrrp/"), lab.dir("s1") + "/etc/");
    t = std::regex_replace(t, std::regex("\"xvrrp-hooks\""), "\"nobody\"");
    return t;
}

size_t count(const std::string &s, const std::string &what) {
    size_t n = 0;
    for (size_t at = s.find(what); at != std::string::npos; at = s.find(what, at + 1)) n++;
    return n;
}

TEST(DocsExamples, EveryExampleConfigurationStartsAndStopsInTheLab) {
    std::vector<Example> all;
    for (const char *doc : {"docs/configuration.md", "docs/metrics.md", "docs/tuning.md"})
        for (auto &e : examples(doc)) all.push_back(e);
    ASSERT_GE(all.size(), 8u);
    Lab lab;
    std::filesystem::create_directories(lab.dir("s1") + "/etc");
    must("ip -n " + lab.ns("s1") + " link add eth1 type veth peer name eth1p");
    must("ip -n " + lab.ns("s1") + " link set eth1p up");
    must("ip -n " + lab.ns("s1") + " addr add 198.51.100.11/24 dev eth1");
    must("ip -n " + lab.ns("s1") + " link set eth1 up");
    for (const Example &e : all) {
        SCOPED_TRACE(e.where);
        std::string config = startable(e, lab);
        Lab::write_file(lab.config_path("s1"), config);
        Lab::write_file(lab.log_path("s1"), "");
        lab.start_xvrrpd_with("s1", lab.config_path("s1"));
        // Every instance has its first state (BACKUP at once, or FAULT for a link that is not
        // there, MASTER for an address owner).
        std::string json;
        bool started = wait_until([&] {
            auto r = lab.ctl("s1", "status --json");
            json = r.output;
            size_t instances = count(json, "\"vrid\":");
            return r.status == 0 && instances > 0 &&
                   count(json, "\"state\":\"BACKUP\"") + count(json, "\"state\":\"MASTER\"") +
                           count(json, "\"state\":\"FAULT\"") ==
                       instances;
        });
        EXPECT_TRUE(started) << config << "\n" << json << "\n" << lab.log("s1");
        EXPECT_EQ(lab.stop("s1"), 0) << config << "\n" << lab.log("s1");
        EXPECT_EQ(count(json, "\"vrid\":"), count(config, "[[instance]]")) << json;
    }
}

}  // namespace
}  // namespace xvrrp::e2e
