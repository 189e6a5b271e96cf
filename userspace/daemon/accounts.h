// Users and groups named in the configuration ([daemon] control_socket_group,
// [instance.notify] user), looked up once at start-up: a name that does not exist on this host
// stops the daemon before it changes anything.
#pragma once

#include <sys/types.h>

#include <string>
#include <vector>

namespace xvrrp::daemon {

struct Group {
    std::string name;
    gid_t gid = 0;
};

struct User {
    std::string name;
    uid_t uid = 0;
    gid_t gid = 0;              // primary group
    std::vector<gid_t> groups;  // every group it is a member of, the primary one included
    std::string home;
};

// Both throw xvrrp::Error naming the configuration key when the name is unknown.
Group find_group(const std::string &name, const std::string &key);
User find_user(const std::string &name, const std::string &key);

}  // namespace xvrrp::daemon
