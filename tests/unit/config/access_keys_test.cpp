// Who may use the control socket ([daemon] control_socket_group) and how hooks run
// ([instance.notify] timeout, user): defaults, values, and every error with its position.
#include <gtest/gtest.h>

#include "config_test_util.h"

namespace xvrrp::config {
namespace {

using namespace std::chrono_literals;
using testing::errors_of;
using testing::instance_of;
using testing::with;

TEST(AccessKeys, DefaultsAreRootOnlySocketAndHooksAsTheDaemonForTenSeconds) {
    ConfigResult r = parse_config(with(""), "x.toml");
    ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
    EXPECT_EQ(r.config->daemon.control_socket_group, "");
    EXPECT_EQ(r.config->instances[0].notify.timeout, 10s);
    EXPECT_EQ(r.config->instances[0].notify.user, "");
}

TEST(AccessKeys, ControlSocketGroupIsAGroupName) {
    ConfigResult r =
        parse_config("[daemon]\ncontrol_socket_group = \"xvrrp\"\n" + with(""), "x.toml");
    ASSERT_TRUE(r.ok()) << format_diagnostics(r.errors);
    EXPECT_EQ(r.config->daemon.control_socket_group, "xvrrp");
    EXPECT_EQ(errors_of("[daemon]\ncontrol_socket_group = \"\"\n" + with("")),
              "x.toml:2:24: error: 'control_socket_group' must be a group name such as "
              "\"xvrrp\" (letters, digits, '_', '-', '.'), got \"\"\n");
    EXPECT_NE(errors_of("[daemon]\ncontrol_socket_group = \"1000\"\n" + with("")), "");
    EXPECT_NE(errors_of("[daemon]\ncontrol_socket_group = \"wheel; rm\"\n" + with("")), "");
    // (The wording of type and unit errors is the reader's, tested with it.)
    EXPECT_EQ(errors_of("[daemon]\ncontrol_socket_group = 0\n" + with(""))
                  .rfind("x.toml:2:24: error: 'control_socket_group'", 0),
              0u);
}

TEST(AccessKeys, NotifyTimeoutAndUser) {
    Instance i =
        instance_of(with("[instance.notify]\nmaster = [\"/bin/true\"]\ntimeout = \"1.5s\"\n"
                         "user = \"xvrrp-hooks\"\n"));
    EXPECT_EQ(i.notify.timeout, 1500ms);
    EXPECT_EQ(i.notify.user, "xvrrp-hooks");
    EXPECT_EQ(errors_of(with("[instance.notify]\ntimeout = \"10ms\"\n")),
              "x.toml:7:11: error: 'notify.timeout' must be from 100ms to 3600s, got 10ms\n");
    EXPECT_EQ(errors_of(with("[instance.notify]\ntimeout = 5\n"))
                  .rfind("x.toml:7:11: error: 'notify.timeout'", 0),
              0u);
    EXPECT_EQ(errors_of(with("[instance.notify]\nuser = \"-x\"\n")),
              "x.toml:7:8: error: 'notify.user' must be a user name such as \"nobody\" "
              "(letters, digits, '_', '-', '.'), got \"-x\"\n");
}

}  // namespace
}  // namespace xvrrp::config
