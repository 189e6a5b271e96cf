// The control socket's requests and answers (status_format.h) and the lines of
// `xvrrpctl events` (events.h), without a daemon: a fake ControlApi behind them.
#include <gtest/gtest.h>

#include "daemon/events.h"
#include "daemon/status_format.h"

namespace xvrrp::daemon {
namespace {

InstanceStatus web(std::string state = "MASTER", int priority = 150) {
    InstanceStatus s;
    s.name = "web";
    s.interface = "eth0";
    s.vrid = 51;
    s.state = std::move(state);
    s.priority = priority;
    s.configured_priority = 150;
    return s;
}

struct FakeDaemon {
    std::vector<InstanceStatus> instances{web()};
    std::vector<std::pair<std::string, int>> set_calls;
    ControlApi api() {
        ControlApi a;
        a.status = [this] { return instances; };
        a.set_priority = [this](std::string_view name, int priority,
                                std::string &error) -> std::optional<InstanceStatus> {
            set_calls.emplace_back(std::string(name), priority);
            if (name != "web") {
                error = "no instance '" + std::string(name) + "'";
                return std::nullopt;
            }
            auto s = instances[0];
            s.priority = priority;
            s.runtime_priority = priority;
            return s;
        };
        a.events = [this](bool follow) { return std::string(follow ? "follow\n" : "once\n"); };
        return a;
    }
};

TEST(ControlProtocol, StatusAnswersStayAsTheyWere) {
    FakeDaemon d;
    auto a = answer_request("status --json\n", d.api());
    EXPECT_FALSE(a.subscribe);
    EXPECT_EQ(a.text.rfind("{\"instances\":[{\"name\":\"web\"", 0), 0u) << a.text;
    EXPECT_NE(a.text.find("\"state\":\"MASTER\",\"priority\":150"), std::string::npos) << a.text;
    EXPECT_NE(answer_request("status", d.api()).text.find("INSTANCE"), std::string::npos);
}

TEST(ControlProtocol, StatusJsonHasTheXdpCountersTakeoversAndRuntimePriority) {
    FakeDaemon d;
    d.instances[0].xdp_counters = {{"arp_reply", 7}, {"event_dropped", 2}};
    d.instances[0].kernel.stall_graces = 3;
    d.instances[0].runtime_priority = 50;
    auto j = answer_request("status --json", d.api()).text;
    EXPECT_NE(j.find("\"xdp\":{\"interface\":\"eth0\",\"counters\":{\"arp_reply\":7,"
                     "\"event_dropped\":2}}"),
              std::string::npos)
        << j;
    EXPECT_NE(j.find("\"stall_graces\":3"), std::string::npos) << j;
    EXPECT_NE(j.find("\"configured_priority\":150,\"runtime_priority\":50"), std::string::npos)
        << j;
    EXPECT_NE(j.find("\"takeovers\":{\"owner\":0,"), std::string::npos) << j;
    auto t = answer_request("status", d.api()).text;
    EXPECT_NE(t.find("50*"), std::string::npos) << t;
}

TEST(ControlProtocol, SetPriorityPassesNameAndNumberAndAnswersInTextOrJson) {
    FakeDaemon d;
    auto a = answer_request("set-priority web 50", d.api());
    EXPECT_EQ(a.text.rfind("web: base priority 50", 0), 0u) << a.text;
    auto j = answer_request("set-priority web 60 --json\n", d.api());
    EXPECT_EQ(j.text,
              "{\"instance\":\"web\",\"runtime_priority\":60,\"configured_priority\":150,"
              "\"priority\":60,\"state\":\"MASTER\"}\n");
    ASSERT_EQ(d.set_calls.size(), 2u);
    EXPECT_EQ(d.set_calls[1], std::make_pair(std::string("web"), 60));
}

TEST(ControlProtocol, SetPriorityRefusesBadNumbersBeforeAskingTheDaemon) {
    FakeDaemon d;
    for (const char *bad : {"set-priority web 0", "set-priority web 255", "set-priority web -1",
                            "set-priority web 5x", "set-priority web 0100", "set-priority web",
                            "set-priority web 50 --yaml"})
        EXPECT_EQ(answer_request(bad, d.api()).text.rfind("error: ", 0), 0u) << bad;
    EXPECT_TRUE(d.set_calls.empty());
    auto unknown = answer_request("set-priority db 50", d.api()).text;
    EXPECT_EQ(unknown, "error: no instance 'db'\n");
}

TEST(ControlProtocol, EventsFollowSubscribesAndPlainEventsDoesNot) {
    FakeDaemon d;
    auto once = answer_request("events", d.api());
    EXPECT_EQ(once.text, "once\n");
    EXPECT_FALSE(once.subscribe);
    auto follow = answer_request("events --follow", d.api());
    EXPECT_EQ(follow.text, "follow\n");
    EXPECT_TRUE(follow.subscribe);
}

TEST(ControlProtocol, AnUnknownRequestNamesTheOnesThereAre) {
    FakeDaemon d;
    auto a = answer_request("reboot\x1b[2J", d.api());
    EXPECT_EQ(a.text.rfind("error: unknown request 'reboot?[2J' (try: status,", 0), 0u) << a.text;
    EXPECT_NE(a.text.find("set-priority NAME N"), std::string::npos);
}

TEST(EventFeed, StartsWithEachStateThenReportsOnlyChanges) {
    EventFeed feed;
    auto first = feed.snapshot({web("BACKUP", 100)}, 1000.5);
    EXPECT_EQ(first,
              "{\"event\":\"state\",\"time\":1000.500,\"instance\":\"web\",\"vrid\":51,"
              "\"interface\":\"eth0\",\"state\":\"BACKUP\",\"previous\":null,\"priority\":100,"
              "\"master\":null,\"master_priority\":0}\n");
    EXPECT_EQ(feed.changes({web("BACKUP", 100)}, 1001), "");
    auto master = web("MASTER", 100);
    master.master = "192.0.2.11";
    master.master_priority = 100;
    auto change = feed.changes({master}, 1002);
    EXPECT_EQ(change,
              "{\"event\":\"state\",\"time\":1002.000,\"instance\":\"web\",\"vrid\":51,"
              "\"interface\":\"eth0\",\"state\":\"MASTER\",\"previous\":\"BACKUP\","
              "\"priority\":100,\"master\":\"192.0.2.11\",\"master_priority\":100}\n");
    EXPECT_EQ(feed.changes({master}, 1003), "");
}

TEST(EventFeed, ReportsPriorityMasterAndWatchedCounterChanges) {
    EventFeed feed;
    auto s = web("BACKUP", 100);
    s.master = "192.0.2.11";
    s.xdp_counters = {{"event_dropped", 0}};
    feed.snapshot({s}, 1);
    s.priority = 40;
    s.runtime_priority = 40;
    s.master = "192.0.2.12";
    s.kernel.stall_graces = 2;
    s.xdp_counters = {{"event_dropped", 5}};
    auto lines = feed.changes({s}, 2);
    EXPECT_NE(lines.find("\"event\":\"priority\""), std::string::npos) << lines;
    EXPECT_NE(lines.find("\"priority\":40,\"previous\":100,\"runtime_priority\":40"),
              std::string::npos)
        << lines;
    EXPECT_NE(lines.find("\"event\":\"master\""), std::string::npos) << lines;
    EXPECT_NE(lines.find("\"master\":\"192.0.2.12\",\"previous\":\"192.0.2.11\""),
              std::string::npos)
        << lines;
    EXPECT_NE(lines.find("\"counter\":\"stall_graces\",\"value\":2,\"delta\":2"), std::string::npos)
        << lines;
    EXPECT_NE(lines.find("\"counter\":\"xdp_event_dropped\",\"value\":5,\"delta\":5"),
              std::string::npos)
        << lines;
    EXPECT_EQ(std::count(lines.begin(), lines.end(), '\n'), 4) << lines;
}

}  // namespace
}  // namespace xvrrp::daemon
