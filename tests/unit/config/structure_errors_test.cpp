// Errors about the shape of the file: syntax, unknown and missing keys, addresses, hooks, and
// the checks across instances. Several errors in one file are all reported.
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace xvrrp::config {
namespace {

using testing::errors_of;
using testing::instance_of;
using testing::with;

std::string instance(std::string_view name, std::string_view ifname, int vrid,
                     std::string_view vips) {
    return "[[instance]]\nname = \"" + std::string(name) + "\"\ninterface = \"" +
           std::string(ifname) + "\"\nvrid = " + std::to_string(vrid) +
           "\nvirtual_ips = " + std::string(vips) + "\n";
}

TEST(StructureErrors, TomlSyntaxErrorIsAloneWithItsPosition) {
    EXPECT_EQ(errors_of(with("priority = \n")),
              "x.toml:6:12: error: invalid TOML: Error while parsing key-value pair: expected "
              "value, saw '\\n'\n");
}

TEST(StructureErrors, UnknownKeySuggestsTheNearest) {
    EXPECT_EQ(errors_of(with("prority = 150\n")),
              "x.toml:6:1: error: unknown key 'prority' in [[instance]]; did you mean "
              "'priority'?\n");
    EXPECT_EQ(errors_of("[daemon]\npin_directory = \"/x\"\n" + with("")),
              "x.toml:2:1: error: unknown key 'pin_directory' in [daemon]; did you mean "
              "'pin_dir'?\n");
    EXPECT_EQ(errors_of(with("colour = \"blue\"\n")),
              "x.toml:6:1: error: unknown key 'colour' in [[instance]]; docs/configuration.md "
              "lists the keys\n");
    EXPECT_EQ(errors_of(with("notify = { mastr = [\"/bin/true\"] }\n")),
              "x.toml:6:12: error: unknown key 'mastr' in [instance.notify]; did you mean "
              "'master'?\n");
}

TEST(StructureErrors, MissingRequiredKeysPointAtTheInstanceHeader) {
    EXPECT_EQ(errors_of("[daemon]\n\n[[instance]]\nname = \"web\"\n"),
              "x.toml:3:1: error: missing required key 'interface' in [[instance]]\n"
              "x.toml:3:1: error: missing required key 'vrid' in [[instance]]\n"
              "x.toml:3:1: error: missing required key 'virtual_ips' in [[instance]]\n");
}

TEST(StructureErrors, FileWithoutInstances) {
    EXPECT_EQ(errors_of("[daemon]\n"),
              "x.toml:1: error: no [[instance]] in the file; add at least one, e.g. [[instance]] "
              "with name, interface, vrid, virtual_ips\n");
    EXPECT_EQ(errors_of("[instance]\nname = \"a\"\n"),
              "x.toml:1:1: error: 'instance' must be an array of tables, written [[instance]], "
              "got table\n");
}

TEST(StructureErrors, BadVirtualIps) {
    EXPECT_EQ(errors_of(instance("a", "eth0", 1, "[\"192.0.2.300/32\"]")),
              "x.toml:5:16: error: 'virtual_ips': \"192.0.2.300/32\" is not an IP address; write "
              "ADDR/PREFIX, e.g. \"192.0.2.100/32\" or \"2001:db8::100/128\"\n");
    EXPECT_EQ(errors_of(instance("a", "eth0", 1, "[\"192.0.2.1/33\"]")),
              "x.toml:5:16: error: 'virtual_ips': \"192.0.2.1/33\" has a bad prefix length; IPv4 "
              "allows /1 to /32\n");
    EXPECT_EQ(errors_of(instance("a", "eth0", 1, "[]")),
              "x.toml:5:15: error: 'virtual_ips' must not be empty; list the service IPs, e.g. "
              "[\"192.0.2.100/32\"]\n");
    EXPECT_EQ(errors_of(instance("a", "eth0", 1, "[\"192.0.2.1\", \"192.0.2.1/24\"]")),
              "x.toml:5:29: error: 'virtual_ips': 192.0.2.1 is listed twice\n");
}

TEST(StructureErrors, VirtualIpsOfOneFamily) {
    EXPECT_EQ(errors_of(instance("a", "eth0", 1, "[\"192.0.2.1\", \"2001:db8::1\"]")),
              "x.toml:5:29: error: 'virtual_ips': 2001:db8::1 is IPv6 but 192.0.2.1 is IPv4; put "
              "each family in its own instance\n");
}

TEST(StructureErrors, BadPeerAddresses) {
    EXPECT_EQ(errors_of(with("unicast_peers = [\"192.0.2.12\", \"server-2\"]\n")),
              "x.toml:6:32: error: 'unicast_peers': \"server-2\" is not an IP address; write IPv4 "
              "as 192.0.2.1, IPv6 as 2001:db8::1\n");
    EXPECT_EQ(errors_of(with("allowed_sources = [12]\n")),
              "x.toml:6:20: error: 'allowed_sources' must hold address strings, got integer\n");
}

TEST(StructureErrors, APeerOrSourceTwiceAndPeersWithSources) {
    EXPECT_EQ(errors_of(with("unicast_peers = [\"192.0.2.12\", \"192.0.2.12\"]\n")),
              "x.toml:6:32: error: 'unicast_peers': 192.0.2.12 is listed twice\n");
    EXPECT_EQ(errors_of(with("allowed_sources = [\"192.0.2.12\", \"192.0.2.12\"]\n")),
              "x.toml:6:34: error: 'allowed_sources': 192.0.2.12 is listed twice\n");
    EXPECT_EQ(errors_of(with("unicast_peers = [\"192.0.2.12\"]\n"
                             "allowed_sources = [\"192.0.2.12\"]\n")),
              "x.toml:7:19: error: 'allowed_sources' with 'unicast_peers': the peers are the "
              "allow-list (adverts from anyone else are dropped); remove 'allowed_sources'\n");
}

TEST(StructureErrors, PeersOfTheWrongFamily) {
    EXPECT_EQ(errors_of(with("unicast_peers = [\"2001:db8::12\"]\n")),
              "x.toml:6:18: error: 'unicast_peers': 2001:db8::12 is IPv6 but this instance's "
              "virtual_ips are IPv4\n");
    EXPECT_EQ(errors_of(with("allowed_sources = [\"2001:db8::12\"]\n")),
              "x.toml:6:20: error: 'allowed_sources': 2001:db8::12 is IPv6 but this instance's "
              "virtual_ips are IPv4\n");
}

TEST(StructureErrors, Version2IsIpv4Only) {
    EXPECT_EQ(errors_of(instance("a", "eth0", 1, "[\"2001:db8::1\"]") + "version = 2\n"),
              "x.toml:6:11: error: VRRPv2 is IPv4 only (RFC 3768); use version = 3 for IPv6 "
              "virtual_ips\n");
}

TEST(StructureErrors, NotifyArgv0MustBeAbsolute) {
    EXPECT_EQ(errors_of(with("[instance.notify]\nmaster = [\"notify.sh\", \"master\"]\n")),
              "x.toml:7:11: error: 'notify.master': \"notify.sh\" is not an absolute path; hooks "
              "run with execve, without a shell or PATH lookup\n");
    EXPECT_EQ(errors_of(with("[instance.notify]\nbackup = []\n")),
              "x.toml:7:10: error: 'notify.backup' must not be empty: the program's absolute "
              "path and its arguments\n");
    EXPECT_EQ(errors_of(with("[instance.notify]\nbackup = \"  \"\n")),
              "x.toml:7:10: error: 'notify.backup' must not be empty: the program's absolute "
              "path and its arguments\n");
    EXPECT_EQ(errors_of(with("[instance.notify]\nbackup = [1]\n")),
              "x.toml:7:10: error: 'notify.backup' must be an array of strings (the program's "
              "absolute path and its arguments) or one string that holds them, got array\n");
    EXPECT_EQ(errors_of(with("[instance.notify]\nbackup = \"notify.sh backup\"\n")),
              "x.toml:7:10: error: 'notify.backup': \"notify.sh\" is not an absolute path; hooks "
              "run with execve, without a shell or PATH lookup\n");
    EXPECT_EQ(errors_of(with("[instance.notify]\nbackup = \"/bin/echo 'x\"\n")),
              "x.toml:7:10: error: 'notify.backup' = \"/bin/echo 'x\": the single quote is not "
              "closed\n");
}

// keepalived's form of a command, one string, is split as keepalived splits it.
TEST(StructureErrors, ACommandMayBeOneStringSplitAsKeepalivedDoes) {
    auto i = instance_of(
        with("[instance.notify]\nmaster = \"/usr/local/bin/vip-notify master 'web site' "
             "\\\"x\\\"\"\n"));
    EXPECT_EQ(i.notify.master,
              (std::vector<std::string>{"/usr/local/bin/vip-notify", "master", "web site", "x"}));
}

TEST(StructureErrors, NamesAreUnique) {
    EXPECT_EQ(errors_of(instance("web", "eth0", 1, "[\"192.0.2.1\"]") +
                        instance("web", "eth0", 2, "[\"192.0.2.2\"]")),
              "x.toml:7:8: error: instance name 'web' is already used by the [[instance]] at "
              "line 1; names must be unique\n");
}

TEST(StructureErrors, VridOncePerInterface) {
    EXPECT_EQ(errors_of(instance("a", "eth0", 51, "[\"192.0.2.1\"]") +
                        instance("b", "eth0", 51, "[\"192.0.2.2\"]")),
              "x.toml:9:8: error: VRID 51 is already used on eth0 for IPv4 by instance 'a' (line "
              "1); each virtual router on a link needs its own VRID\n");
    // The same VRID on another link is another virtual router.
    EXPECT_EQ(errors_of(instance("a", "eth0", 51, "[\"192.0.2.1\"]") +
                        instance("b", "eth1", 51, "[\"192.0.2.2\"]")),
              "");
    // VRRP would allow it for the other family (RFC 5798 7.3), but the kernel state is kept
    // per VRID and interface (include/xvrrp/abi.h, XVRRP_INST_IPV6).
    EXPECT_EQ(errors_of(instance("a", "eth0", 51, "[\"192.0.2.1\"]") +
                        instance("c", "eth0", 51, "[\"2001:db8::1\"]")),
              "x.toml:9:8: error: VRID 51 is already used on eth0 for IPv4 by instance 'a' (line "
              "1); xvrrp keeps one kernel state per VRID and interface, so a VRID serves one "
              "address family: give this one another VRID\n");
}

TEST(StructureErrors, ServiceIpInOneInstanceOnly) {
    EXPECT_EQ(errors_of(instance("a", "eth0", 1, "[\"192.0.2.100/32\"]") +
                        instance("b", "eth0", 2, "[\"192.0.2.7\", \"192.0.2.100/24\"]")),
              "x.toml:10:29: error: service IP 192.0.2.100 is already in instance 'a' (line 1); "
              "a service IP belongs to one instance only\n");
}

TEST(StructureErrors, EveryErrorOfAFileIsReportedInOrder) {
    std::string text =
        "[daemon]\n"
        "pin_dir = 5\n"
        "[[instance]]\n"
        "name = \"web\"\n"
        "interface = \"eth0\"\n"
        "vrid = 300\n"
        "prority = 150\n"
        "advert_interval = \"15\"\n"
        "virtual_ips = [\"192.0.2.100/32\"]\n"
        "[[instance]]\n"
        "name = \"web\"\n"
        "vrid = 52\n"
        "virtual_ips = [\"192.0.2.100\"]\n";
    EXPECT_EQ(errors_of(text),
              "x.toml:2:11: error: 'pin_dir' must be a string, got integer\n"
              "x.toml:6:8: error: 'vrid' must be 1-255, got 300\n"
              "x.toml:7:1: error: unknown key 'prority' in [[instance]]; did you mean "
              "'priority'?\n"
              "x.toml:8:19: error: 'advert_interval' = \"15\" has no unit; add a unit: us, ms or "
              "s\n"
              "x.toml:10:1: error: missing required key 'interface' in [[instance]]\n"
              "x.toml:11:8: error: instance name 'web' is already used by the [[instance]] at "
              "line 3; names must be unique\n"
              "x.toml:13:16: error: service IP 192.0.2.100 is already in instance 'web' (line "
              "3); a service IP belongs to one instance only\n");
}

TEST(StructureErrors, UnreadableFileIsOneDiagnosticWithoutLine) {
    ConfigResult r = load_config("/nonexistent/xvrrp.toml");
    ASSERT_FALSE(r.ok());
    EXPECT_EQ(format_diagnostics(r.errors),
              "/nonexistent/xvrrp.toml: error: cannot read the file: No such file or "
              "directory\n");
}

TEST(StructureErrors, DirectoryIsNotAConfigFile) {
    EXPECT_EQ(format_diagnostics(load_config("/").errors),
              "/: error: cannot read the file: Is a directory\n");
}

}  // namespace
}  // namespace xvrrp::config
