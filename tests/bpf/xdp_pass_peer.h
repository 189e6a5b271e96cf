// The client end of the netns tests' veth pair: XDP_TX out of a veth is dropped unless the peer
// veth has an XDP program attached (docs/testing.md), so the client's gets one that passes
// everything.
#pragma once

#include <bpf/libbpf.h>
#include <gtest/gtest.h>
#include <linux/if_link.h>
#include <net/if.h>

#include <cstring>

#include "../common/host.h"
#include "xdp_pass.skel.h"

namespace xvrrp::test {

inline ::testing::AssertionResult attach_xdp_pass(const NetNs &ns, const char *ifname = "eth0") {
    EnterNetNs in(ns);
    auto *pass = xdp_pass::open_and_load();
    if (!pass) return ::testing::AssertionFailure() << "xdp_pass: open_and_load failed";
    int err = bpf_xdp_attach(if_nametoindex(ifname), bpf_program__fd(pass->progs.xdp_pass),
                             XDP_FLAGS_DRV_MODE, nullptr);
    xdp_pass::destroy(pass);  // stays attached through netlink
    if (err) return ::testing::AssertionFailure() << "attach xdp_pass: " << strerror(-err);
    return ::testing::AssertionSuccess();
}

}  // namespace xvrrp::test
