#include "net/bpffs.h"

#include <sys/mount.h>
#include <sys/statfs.h>

#include <filesystem>
#include <system_error>

#include "common/fd.h"

namespace xvrrp::net {

namespace fs = std::filesystem;

namespace {

// From <linux/magic.h>; spelled out so the value is visible here.
constexpr long kBpfFsMagic = 0xcafe4a11;

fs::path nearest_existing(const fs::path &path) {
    fs::path p = path;
    std::error_code ec;
    while (!p.empty() && !fs::exists(p, ec)) {
        if (p == p.parent_path()) break;
        p = p.parent_path();
    }
    return p;
}

bool is_under(const fs::path &path, const fs::path &root) {
    auto r = root.begin();
    for (auto it = path.begin(); r != root.end(); ++it, ++r)
        if (it == path.end() || *it != *r) return false;
    return true;
}

// Decides without acting: where bpffs is or should be, and what is missing.
BpffsState plan(const std::string &pin_dir) {
    BpffsState s;
    s.pin_dir = pin_dir;
    fs::path pin = fs::path(pin_dir).lexically_normal();
    if (!pin.has_root_directory()) pin = fs::absolute(pin).lexically_normal();
    if (!pin.has_filename() && pin.has_parent_path()) pin = pin.parent_path();  // "dir/"
    fs::path existing = nearest_existing(pin);
    s.created_dir = existing != pin;
    if (is_bpffs(existing.string())) {
        s.mount_point = existing.string();  // somewhere at or below the mount point
        s.ok = !s.created_dir;
        return s;
    }
    s.mounted = true;
    s.mount_point = is_under(pin, kDefaultBpffs) ? kDefaultBpffs : pin.string();
    s.created_dir = true;  // at least the pin directory itself is new on the fresh bpffs
    if (pin.string() == s.mount_point) s.created_dir = !fs::exists(pin);
    return s;
}

}  // namespace

bool is_bpffs(const std::string &path) {
    struct statfs st {};
    if (statfs(path.c_str(), &st) != 0) return false;
    return static_cast<unsigned long>(st.f_type) == static_cast<unsigned long>(kBpfFsMagic);
}

BpffsState check_bpffs(const std::string &pin_dir) {
    BpffsState s;
    try {
        s = plan(pin_dir);
    } catch (const std::exception &e) {
        s.pin_dir = pin_dir;
        s.text = pin_dir + ": " + e.what();
        return s;
    }
    if (s.ok) {
        s.text = pin_dir + ": on bpffs, ok";
    } else if (s.mounted) {
        s.text = pin_dir + ": not on bpffs; would mount bpffs at " + s.mount_point;
        if (s.created_dir) s.text += " and create " + pin_dir;
    } else {
        s.text = pin_dir + ": missing; would create it on the bpffs at " + s.mount_point;
    }
    return s;
}

BpffsState ensure_bpffs(const std::string &pin_dir) {
    BpffsState s = plan(pin_dir);
    if (s.ok) {
        s.text = pin_dir + ": on bpffs, nothing to do";
        return s;
    }
    std::error_code ec;
    if (s.mounted) {
        fs::create_directories(s.mount_point, ec);
        if (ec) throw Error("create " + s.mount_point + " to mount bpffs: " + ec.message());
        if (::mount("bpf", s.mount_point.c_str(), "bpf", 0, "mode=0700") != 0)
            throw sys_error("mount bpffs at " + s.mount_point +
                            " (need CAP_SYS_ADMIN; or mount it yourself: mount -t bpf bpf " +
                            s.mount_point + ")");
    }
    if (s.created_dir) {
        fs::create_directories(pin_dir, ec);
        if (ec) throw Error("create pin directory " + pin_dir + ": " + ec.message());
    }
    if (!is_bpffs(pin_dir))
        throw Error(pin_dir + ": still not on bpffs after setting it up; check `mount -t bpf`");
    s.ok = true;
    s.text = pin_dir + ":";
    if (s.mounted) s.text += " mounted bpffs at " + s.mount_point;
    if (s.created_dir) s.text += std::string(s.mounted ? "," : "") + " created the directory";
    return s;
}

}  // namespace xvrrp::net
