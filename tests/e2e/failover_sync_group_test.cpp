// [[sync_group]] end to end: two instances on two interfaces of each server, "web" on eth0 (the
// lab's switch) and "inside" on in0 (a veth pair from s1 straight to s2), in one group. They
// change state together: a fault on one takes the group to FAULT, a master that gives up
// mastership takes the other master to BACKUP; the group's hooks run once per change.
#include <gtest/gtest.h>

#include <fstream>
#include <regex>
#include <thread>

#include "e2e/lab_fixture.h"

namespace xvrrp::e2e {
namespace {

// in0 in s1 and in s2, one veth pair between them: 10.9.0.1 and 10.9.0.2.
void add_inside_link(const Lab &lab) {
    must("ip link add in0 netns " + lab.ns("s1") + " type veth peer name in0 netns " +
         lab.ns("s2"));
    for (auto [host, address] : {std::pair{"s1", "10.9.0.1/24"}, {"s2", "10.9.0.2/24"}}) {
        must("ip -n " + lab.ns(host) + " addr add " + address + " dev in0");
        must("ip -n " + lab.ns(host) + " link set in0 up");
    }
}

// The "web" instance of the lab and "inside" at the same priority, in group "router"; the
// group's `any` hook appends its arguments to `hook_log`. `web_extra`: more lines for web.
// The two instances alone, web at `web_priority`, inside at `inside_priority`, no group.
XvrrpdOptions ungrouped(int web_priority, int inside_priority) {
    XvrrpdOptions o = xvrrpd_options(web_priority);
    o.extra =
        "[[instance]]\n"
        "name = \"inside\"\n"
        "interface = \"in0\"\n"
        "vrid = 52\n"
        "priority = " +
        std::to_string(inside_priority) +
        "\n"
        "advert_interval = \"10ms\"\n"
        "virtual_ips = [\"10.9.0.100/32\"]\n";
    return o;
}

XvrrpdOptions grouped(int priority, const std::string &hook_log,
                      const std::string &web_extra = "") {
    XvrrpdOptions o = ungrouped(priority, priority);
    o.extra = web_extra + o.extra +
              "[[sync_group]]\n"
              "name = \"router\"\n"
              "instances = [\"web\", \"inside\"]\n"
              "[sync_group.notify]\n"
              "any = [\"/bin/sh\", \"-c\", \"echo \\\"$*\\\" >> " +
              hook_log + "\", \"hook\"]\n";
    return o;
}

// The state of instance `name` in `xvrrpctl status --json`.
std::string state_of(const Lab &lab, const std::string &host, const std::string &name) {
    auto r = lab.ctl(host, "status --json");
    std::smatch m;
    if (r.status != 0 ||
        !std::regex_search(r.output, m,
                           std::regex("\"name\":\"" + name + "\"[^}]*?\"state\":\"([A-Z]+)\"")))
        return "(no answer)";
    return m[1].str();
}

// Both instances of s1 in `s1`, both of s2 in `s2`.
bool wait_groups(const Lab &lab, const std::string &s1, const std::string &s2) {
    return wait_until([&] {
        return state_of(lab, "s1", "web") == s1 && state_of(lab, "s1", "inside") == s1 &&
               state_of(lab, "s2", "web") == s2 && state_of(lab, "s2", "inside") == s2;
    });
}

std::string read(const std::string &path) {
    std::ifstream f(path);
    return std::string(std::istreambuf_iterator<char>(f), {});
}

std::string states(const Lab &lab) {
    std::string out;
    for (const char *host : {"s1", "s2"})
        for (const char *name : {"web", "inside"})
            out += std::string(host) + " " + name + ": " + state_of(lab, host, name) + "\n";
    return out;
}

TEST(SyncGroup, AFaultOnOneInterfaceOfTheMasterMovesBothInstancesToTheBackup) {
    Lab lab;
    add_inside_link(lab);
    const std::string hooks1 = lab.dir("s1") + "/group-hooks",
                      hooks2 = lab.dir("s2") + "/group-hooks";
    ASSERT_TRUE(start_pair(lab, grouped(150, hooks1), grouped(100, hooks2))) << describe(lab);
    ASSERT_TRUE(wait_groups(lab, "MASTER", "BACKUP")) << states(lab) << describe(lab);

    lab.cut("s1");  // s1's eth0 loses its carrier: web FAULT, and inside with it
    EXPECT_TRUE(wait_groups(lab, "FAULT", "MASTER")) << states(lab) << describe(lab);
    EXPECT_TRUE(wait_until([&] { return lab.holds_vip("s2"); })) << describe(lab);
    EXPECT_TRUE(wait_until([&] {
        return read(hooks1).find("GROUP router FAULT 0\n") != std::string::npos &&
               read(hooks2).find("GROUP router MASTER 0\n") != std::string::npos;
    })) << "s1: "
        << read(hooks1) << "s2: " << read(hooks2);

    lab.restore("s1");  // s1 preempts back, both instances
    EXPECT_TRUE(wait_groups(lab, "MASTER", "BACKUP")) << states(lab) << describe(lab);
    EXPECT_TRUE(wait_until([&] {
        return read(hooks1).ends_with("GROUP router MASTER 0\n") &&
               read(hooks2).ends_with("GROUP router BACKUP 0\n");
    })) << "s1: "
        << read(hooks1) << "s2: " << read(hooks2);
    // Once per group change: s1 was BACKUP, MASTER, FAULT, BACKUP, MASTER.
    EXPECT_EQ(read(hooks1),
              "GROUP router BACKUP 0\nGROUP router MASTER 0\nGROUP router FAULT 0\n"
              "GROUP router BACKUP 0\nGROUP router MASTER 0\n");
}

TEST(SyncGroup, TheBackupTakesOverOnlyWhenAllItsInstancesWouldPreempt) {
    Lab lab;
    add_inside_link(lab);
    const std::string hooks1 = lab.dir("s1") + "/group-hooks",
                      hooks2 = lab.dir("s2") + "/group-hooks";
    ASSERT_TRUE(start_pair(lab, grouped(150, hooks1), grouped(100, hooks2))) << describe(lab);
    ASSERT_TRUE(wait_groups(lab, "MASTER", "BACKUP")) << states(lab) << describe(lab);

    // web on s2 now outranks s1's, but inside on s2 does not: the group stays where it is.
    ASSERT_EQ(lab.ctl("s2", "set-priority web 200").status, 0);
    std::this_thread::sleep_for(1s);  // 100 advert intervals
    EXPECT_EQ(states(lab), "s1 web: MASTER\ns1 inside: MASTER\ns2 web: BACKUP\ns2 inside: BACKUP\n")
        << describe(lab);

    // Both outrank s1's: s2 takes the group over, and s1 stays BACKUP.
    ASSERT_EQ(lab.ctl("s2", "set-priority inside 200").status, 0);
    EXPECT_TRUE(wait_groups(lab, "BACKUP", "MASTER")) << states(lab) << describe(lab);
    std::this_thread::sleep_for(1s);
    EXPECT_EQ(states(lab), "s1 web: BACKUP\ns1 inside: BACKUP\ns2 web: MASTER\ns2 inside: MASTER\n")
        << describe(lab);
    EXPECT_TRUE(read(hooks1).ends_with("GROUP router BACKUP 0\n")) << read(hooks1);
}

TEST(SyncGroup, AMasterThatGivesUpMastershipTakesTheOtherMasterToBackupAndItStaysThere) {
    Lab lab;
    add_inside_link(lab);
    const std::string hooks1 = lab.dir("s1") + "/group-hooks";
    lab.start_xvrrpd("s1", grouped(150, hooks1));
    ASSERT_TRUE(wait_until([&] {
        return state_of(lab, "s1", "web") == "MASTER" && state_of(lab, "s1", "inside") == "MASTER";
    })) << states(lab)
        << describe(lab);

    // s2, in no group: web outranks s1's and preempts it; inside does not. s1's web goes
    // BACKUP and takes s1's inside with it, which then follows s2's lower-priority inside.
    lab.start_xvrrpd("s2", ungrouped(200, 100));
    EXPECT_TRUE(wait_groups(lab, "BACKUP", "MASTER")) << states(lab) << describe(lab);
    std::this_thread::sleep_for(1s);  // 100 advert intervals: inside on s1 does not preempt
    EXPECT_EQ(states(lab), "s1 web: BACKUP\ns1 inside: BACKUP\ns2 web: MASTER\ns2 inside: MASTER\n")
        << describe(lab);
    EXPECT_NE(lab.log("s1").find("sync group router: web left MASTER"), std::string::npos)
        << lab.log("s1");
    EXPECT_TRUE(read(hooks1).ends_with("GROUP router BACKUP 0\n")) << read(hooks1);
}

}  // namespace
}  // namespace xvrrp::e2e
