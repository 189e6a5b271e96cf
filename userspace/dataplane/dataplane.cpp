#include "dataplane/dataplane.h"

#include <bpf/libbpf.h>

#include "xvrrp_bpf.skel.h"

namespace xvrrp::dataplane {

Dataplane::Dataplane(const std::string &pin_dir) : pin_dir_(pin_dir) {
    skel_ = xvrrp_bpf::open();
    if (!skel_) throw sys_error("open the embedded XDP object");
    if (!pin_dir_.empty()) {
        bpf_map *map;
        bpf_object__for_each_map(map, skel_->obj) {
            std::string path = pin_dir_ + "/" + bpf_map__name(map);
            if (int err = bpf_map__set_pin_path(map, path.c_str()))
                throw sys_error("set pin path " + path, -err);
        }
    }
}

Dataplane::~Dataplane() { xvrrp_bpf::destroy(skel_); }

void Dataplane::load() {
    if (int err = xvrrp_bpf::load(skel_))
        throw sys_error("load the XDP program into the kernel (needs root and BPF support)", -err);
    loaded_ = true;
}

void Dataplane::mark_loaded() { loaded_ = true; }

int Dataplane::prog_fd() const { return bpf_program__fd(skel_->progs.xvrrp_xdp); }

MapFds Dataplane::maps() const {
    return MapFds{
        .instances = bpf_map__fd(skel_->maps.instances),
        .vips = bpf_map__fd(skel_->maps.vips),
        .allowed_srcs = bpf_map__fd(skel_->maps.allowed_srcs),
        .leases = bpf_map__fd(skel_->maps.leases),
        .rx_state = bpf_map__fd(skel_->maps.rx_state),
        .counters = bpf_map__fd(skel_->maps.counters),
        .events = bpf_map__fd(skel_->maps.events),
    };
}

bpf_object *Dataplane::object() const { return skel_->obj; }
bpf_program *Dataplane::program() const { return skel_->progs.xvrrp_xdp; }

void Dataplane::unpin() {
    bpf_map *map;
    bpf_object__for_each_map(map, skel_->obj) {
        if (bpf_map__is_pinned(map)) bpf_map__unpin(map, nullptr);
    }
}

}  // namespace xvrrp::dataplane
