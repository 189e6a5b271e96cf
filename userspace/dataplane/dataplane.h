// The XDP program and its maps, for one interface: the skeleton embedded in the binary,
// opened, optionally pinned, then loaded (for BPF_PROG_TEST_RUN) or attached (attach.h).
#pragma once

#include <string>

#include "common/fd.h"

struct xvrrp_bpf;  // generated skeleton (xvrrp_bpf.skel.h)
struct bpf_object;
struct bpf_program;

namespace xvrrp::dataplane {

struct MapFds {
    int instances = -1;
    int vips = -1;
    int vips6 = -1;
    int allowed_srcs = -1;
    int leases = -1;
    int rx_state = -1;
    int counters = -1;
    int events = -1;
    int cpu_watch = -1;
    int meta = -1;
};

class Dataplane {
  public:
    // Opens the embedded object. With a pin_dir, every map is pinned there by name with its
    // BTF when the object is loaded; pins left by an earlier run are reused if their `meta`
    // map carries this XVRRP_SCHEMA_VERSION, and removed otherwise (pin_report() says which).
    explicit Dataplane(const std::string &pin_dir = "");
    ~Dataplane();
    Dataplane(const Dataplane &) = delete;
    Dataplane &operator=(const Dataplane &) = delete;

    // Loads program and maps into the kernel. attach.h loads through libxdp instead.
    void load();
    bool loaded() const { return loaded_; }
    void mark_loaded();  // called by XdpAttachment once libxdp has loaded the object

    const std::string &pin_report() const { return pin_report_; }
    int prog_fd() const;          // the XDP program
    int control_prog_fd() const;  // xvrrp_control (control.h)
    int tc_prog_fd() const;       // xvrrp_tc (vmac.h), for tc ingress
    MapFds maps() const;
    bpf_object *object() const;
    bpf_program *program() const;
    // Removes the pins (maps stay alive while fds are open).
    void unpin();

  private:
    xvrrp_bpf *skel_ = nullptr;
    std::string pin_dir_;
    bool loaded_ = false;
    std::string pin_report_;
};

}  // namespace xvrrp::dataplane
