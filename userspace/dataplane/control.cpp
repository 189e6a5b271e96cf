#include "dataplane/control.h"

#include <bpf/bpf.h>
#include <xvrrp/abi.h>

#include <string>

#include "common/fd.h"

namespace xvrrp::dataplane {
namespace {

const char *op_name(uint32_t op) {
    switch (op) {
        case XVRRP_CTL_SET_ROLE:
            return "set role";
        case XVRRP_CTL_ARM_MASTER_DOWN:
            return "arm master-down timer";
        case XVRRP_CTL_DISARM_MASTER_DOWN:
            return "disarm master-down timer";
    }
    return "command";
}

ControlProgram::Result run(int prog_fd, xvrrp_control cmd) {
    LIBBPF_OPTS(bpf_test_run_opts, opts, .ctx_in = &cmd, .ctx_size_in = sizeof cmd);
    if (int err = bpf_prog_test_run_opts(prog_fd, &opts))
        throw sys_error("VRID " + std::to_string(cmd.vrid) + ": " + op_name(cmd.op) +
                            " (BPF_PROG_TEST_RUN of xvrrp_control)",
                        -err);
    return {cmd.now_ns, cmd.error, cmd.answering != 0};
}

}  // namespace

ControlProgram::Result ControlProgram::set_role(uint8_t vrid, uint32_t role,
                                                uint8_t priority) const {
    xvrrp_control cmd{};
    cmd.op = XVRRP_CTL_SET_ROLE;
    cmd.vrid = vrid;
    cmd.role = role;
    cmd.priority = priority;
    return run(prog_fd_, cmd);
}

ControlProgram::Result ControlProgram::arm_master_down(uint8_t vrid, uint64_t interval_ns) const {
    xvrrp_control cmd{};
    cmd.op = XVRRP_CTL_ARM_MASTER_DOWN;
    cmd.vrid = vrid;
    cmd.interval_ns = interval_ns;
    return run(prog_fd_, cmd);
}

ControlProgram::Result ControlProgram::disarm_master_down(uint8_t vrid) const {
    xvrrp_control cmd{};
    cmd.op = XVRRP_CTL_DISARM_MASTER_DOWN;
    cmd.vrid = vrid;
    return run(prog_fd_, cmd);
}

}  // namespace xvrrp::dataplane
