// Creating the directories of the daemon's own files (pid file, control socket).
#pragma once

#include <sys/stat.h>

#include <cerrno>
#include <string>

#include "common/fd.h"

namespace xvrrp::daemon {

// mkdir -p of the directories above `path` that are missing, each 0755 (narrowed by the umask,
// never widened); existing ones are left as they are. `what` names the file for errors.
inline void create_parent_directories(const std::string &path, const std::string &what) {
    for (size_t slash = path.find('/', 1); slash != std::string::npos;
         slash = path.find('/', slash + 1)) {
        std::string dir = path.substr(0, slash);
        if (mkdir(dir.c_str(), 0755) != 0 && errno != EEXIST)
            throw sys_error(what + " " + path + ": create directory " + dir);
    }
}

}  // namespace xvrrp::daemon
