// The BPF filesystem under the pin directory (maps are pinned there with BTF).
//
// `ip netns exec` remounts /sys for the command, so a bpffs mounted at /sys/fs/bpf outside is
// not visible inside: a daemon started that way has to mount it itself.
#pragma once

#include <string>

namespace xvrrp::net {

inline constexpr const char *kDefaultBpffs = "/sys/fs/bpf";

// True if `path` exists and lies on a bpf filesystem (statfs magic BPF_FS_MAGIC).
bool is_bpffs(const std::string &path);

struct BpffsState {
    std::string pin_dir;
    bool ok = false;           // pin_dir is (now) a directory on bpffs
    std::string mount_point;   // where bpffs is or would be mounted
    bool mounted = false;      // ensure_bpffs mounted bpffs (check_bpffs: would mount)
    bool created_dir = false;  // ensure_bpffs created pin_dir (check_bpffs: would create)
    std::string text;          // "/sys/fs/bpf/xvrrp: mounted bpffs at /sys/fs/bpf, created it"
};

// Makes `pin_dir` a directory on bpffs. When the nearest existing ancestor is not on bpffs,
// mounts bpffs at /sys/fs/bpf for a pin_dir under it, else at pin_dir itself; then creates
// the missing directories. Throws Error with what to do when it cannot.
BpffsState ensure_bpffs(const std::string &pin_dir);

// What ensure_bpffs would do; changes nothing and never throws.
BpffsState check_bpffs(const std::string &pin_dir);

}  // namespace xvrrp::net
