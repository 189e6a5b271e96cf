// The controller's command channel into the per-VRID kernel state: the xvrrp_control program
// (bpf/control.h), run with BPF_PROG_TEST_RUN. A map update from user space would cancel the
// VRID's timer; the program writes the fields in place and recomputes the ARP verdict in the
// same run. About a microsecond and a half per command: state changes only.
#pragma once

#include <cstdint>

namespace xvrrp::dataplane {

class ControlProgram {
  public:
    explicit ControlProgram(int prog_fd) : prog_fd_(prog_fd) {}

    struct Result {
        uint64_t now_ns = 0;  // the kernel's clock when the command ran
        int error = 0;        // 0, or a negative errno from the kernel side
        bool answering = false;
    };

    // Role bits (enum xvrrp_role_flags) and own priority into the VRID's instances entry.
    Result set_role(uint8_t vrid, uint32_t role, uint8_t priority) const;
    // Master_Down_Timer from now; error < 0: the kernel has no timer for it (the deadline is
    // kept and moved by adverts all the same).
    Result arm_master_down(uint8_t vrid, uint64_t interval_ns) const;
    Result disarm_master_down(uint8_t vrid) const;

  private:
    int prog_fd_;
};

}  // namespace xvrrp::dataplane
