#include "dataplane/dataplane.h"

#include <xvrrp/abi.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <unistd.h>

#include <filesystem>

#include "xvrrp_bpf.skel.h"

#include <optional>

namespace xvrrp::dataplane {
namespace {

// Reads the schema version out of a pinned meta map; nullopt if absent or unreadable.
std::optional<uint32_t> pinned_schema(const std::string &dir) {
    int fd = bpf_obj_get((dir + "/meta").c_str());
    if (fd < 0) return std::nullopt;
    UniqueFd guard(fd);
    uint32_t key = 0;
    xvrrp_meta meta{};
    if (bpf_map_lookup_elem(fd, &key, &meta)) return std::nullopt;
    return meta.schema_version;
}

// Pins from an earlier run: keep them if made by this schema, else remove them.
std::string prepare_pin_dir(const std::string &dir) {
    namespace fs = std::filesystem;
    std::error_code ec;
    if (!fs::exists(dir, ec) || fs::is_empty(dir, ec)) return "new pins in " + dir;
    auto version = pinned_schema(dir);
    if (version == XVRRP_SCHEMA_VERSION)
        return "reusing pins in " + dir + " (schema " + std::to_string(*version) + ")";
    for (const auto &entry : fs::directory_iterator(dir, ec)) fs::remove(entry.path(), ec);
    return "removed pins of " +
           (version ? "schema " + std::to_string(*version) : std::string("unknown schema")) +
           " in " + dir + "; pinning anew (schema " + std::to_string(XVRRP_SCHEMA_VERSION) + ")";
}

}  // namespace

Dataplane::Dataplane(const std::string &pin_dir) : pin_dir_(pin_dir) {
    skel_ = xvrrp_bpf::open();
    if (!skel_) throw sys_error("open the embedded XDP object");
    // One cpu_watch entry per possible CPU: the stall scan stops at the first index past them
    // (a host with more than XVRRP_MAX_CPUS watches the first XVRRP_MAX_CPUS only).
    int cpus = libbpf_num_possible_cpus();
    if (cpus > 0 && cpus < XVRRP_MAX_CPUS)
        bpf_map__set_max_entries(skel_->maps.cpu_watch, uint32_t(cpus));
    if (!pin_dir_.empty()) {
        std::error_code ec;
        std::filesystem::create_directories(pin_dir_, ec);
        if (ec) throw Error("create pin directory " + pin_dir_ + ": " + ec.message());
        pin_report_ = prepare_pin_dir(pin_dir_);
        bpf_map *map;
        bpf_object__for_each_map(map, skel_->obj) {
            std::string path = pin_dir_ + "/" + bpf_map__name(map);
            if (int err = bpf_map__set_pin_path(map, path.c_str()))
                throw sys_error("set pin path " + path, -err);
        }
    }
}

Dataplane::~Dataplane() {
    xvrrp_bpf::destroy(skel_);
}

void Dataplane::load() {
    if (int err = xvrrp_bpf::load(skel_))
        throw sys_error("load the XDP program into the kernel (needs root and BPF support)", -err);
    mark_loaded();
}

void Dataplane::mark_loaded() {
    loaded_ = true;
    uint32_t key = 0;
    xvrrp_meta meta{};
    meta.schema_version = XVRRP_SCHEMA_VERSION;
    bpf_map_update_elem(bpf_map__fd(skel_->maps.meta), &key, &meta, BPF_ANY);
}

int Dataplane::prog_fd() const {
    return bpf_program__fd(skel_->progs.xvrrp_xdp);
}
int Dataplane::control_prog_fd() const {
    return bpf_program__fd(skel_->progs.xvrrp_control);
}
int Dataplane::tc_prog_fd() const {
    return bpf_program__fd(skel_->progs.xvrrp_tc);
}

MapFds Dataplane::maps() const {
    return MapFds{
        .instances = bpf_map__fd(skel_->maps.instances),
        .vips = bpf_map__fd(skel_->maps.vips),
        .vips6 = bpf_map__fd(skel_->maps.vips6),
        .allowed_srcs = bpf_map__fd(skel_->maps.allowed_srcs),
        .leases = bpf_map__fd(skel_->maps.leases),
        .rx_state = bpf_map__fd(skel_->maps.rx_state),
        .counters = bpf_map__fd(skel_->maps.counters),
        .events = bpf_map__fd(skel_->maps.events),
        .cpu_watch = bpf_map__fd(skel_->maps.cpu_watch),
        .meta = bpf_map__fd(skel_->maps.meta),
    };
}

bpf_object *Dataplane::object() const {
    return skel_->obj;
}
bpf_program *Dataplane::program() const {
    return skel_->progs.xvrrp_xdp;
}

void Dataplane::unpin() {
    bpf_map *map;
    bpf_object__for_each_map(map, skel_->obj) {
        if (bpf_map__is_pinned(map)) bpf_map__unpin(map, nullptr);
    }
}

}  // namespace xvrrp::dataplane
