#include "daemon/accounts.h"

#include <grp.h>
#include <pwd.h>

#include <cerrno>

#include "common/fd.h"

namespace xvrrp::daemon {

Group find_group(const std::string &name, const std::string &key) {
    group gr{}, *found = nullptr;
    std::vector<char> buf(16384);
    int err;
    while ((err = getgrnam_r(name.c_str(), &gr, buf.data(), buf.size(), &found)) == ERANGE)
        buf.resize(buf.size() * 2);
    if (err) throw sys_error(key + " = \"" + name + "\": look up the group", err);
    if (!found)
        throw Error(key + " = \"" + name + "\": no such group on this host; create it (groupadd " +
                    "--system " + name + ") or change the configuration");
    return Group{name, gr.gr_gid};
}

User find_user(const std::string &name, const std::string &key) {
    passwd pw{}, *found = nullptr;
    std::vector<char> buf(16384);
    int err;
    while ((err = getpwnam_r(name.c_str(), &pw, buf.data(), buf.size(), &found)) == ERANGE)
        buf.resize(buf.size() * 2);
    if (err) throw sys_error(key + " = \"" + name + "\": look up the user", err);
    if (!found)
        throw Error(key + " = \"" + name + "\": no such user on this host; create it (useradd " +
                    "--system " + name + ") or change the configuration");
    User u{name, pw.pw_uid, pw.pw_gid, {}, pw.pw_dir ? pw.pw_dir : "/"};
    int n = 64;
    u.groups.resize(n);
    while (getgrouplist(name.c_str(), u.gid, u.groups.data(), &n) < 0) u.groups.resize(n);
    u.groups.resize(n);
    return u;
}

}  // namespace xvrrp::daemon
