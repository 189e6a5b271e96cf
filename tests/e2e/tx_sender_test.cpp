// FrameSender on a real veth pair: what one end sends is what the other end receives, byte for
// byte, through AF_PACKET and through AF_XDP; make_sender picks AF_XDP and reports a fallback.
#include <gtest/gtest.h>

#include <unistd.h>

#include <cerrno>
#include <memory>
#include <thread>

#include "tx/af_packet_sender.h"
#include "tx/af_xdp_sender.h"
#include "tx/sender.h"
#include "tx_veth_lab.h"

namespace xvrrp::test {
namespace {

using namespace std::chrono_literals;

std::unique_ptr<tx::FrameSender> make_kind(const std::string &kind, const std::string &ifname) {
    if (kind == "af_xdp") return std::make_unique<tx::AfXdpSender>(ifname);
    return std::make_unique<tx::AfPacketSender>(ifname);
}

// Sends, retrying while the sender's buffers are still in flight (AF_XDP completions).
int send_retrying(tx::FrameSender &sender, const std::vector<uint8_t> &frame) {
    int err = 0;
    for (int attempt = 0; attempt < 1000; ++attempt) {
        err = sender.send(frame);
        if (err != ENOBUFS && err != EAGAIN && err != EBUSY) return err;
        std::this_thread::sleep_for(100us);
    }
    return err;
}

class SenderKind : public ::testing::TestWithParam<std::string> {};

TEST_P(SenderKind, EveryFrameKindArrivesByteForByteOnThePeer) {
    VethLab lab;
    std::unique_ptr<Capture> capture;
    {
        EnterNetNs in(lab.far);
        capture = std::make_unique<Capture>(lab.far_if);
    }
    EnterNetNs in(lab.near);
    auto sender = make_kind(GetParam(), lab.near_if);
    EXPECT_EQ(sender->name(), GetParam());

    const vrrp::MacAddress mac{0x02, 0x00, 0x00, 0x00, 0x00, 0x01};
    const std::vector<std::vector<uint8_t>> frames = {
        advert_frame(150),
        vrrp::build_gratuitous_arp(mac, vrrp::IpAddress::v4(192, 0, 2, 100)),
        vrrp::build_unsolicited_na(mac, *vrrp::IpAddress::parse("2001:db8::100")),
    };
    for (const auto &frame : frames) ASSERT_EQ(sender->send(frame), 0) << sender->describe();

    auto seen = capture->drain(500ms, frames.size());
    ASSERT_EQ(seen.size(), frames.size());
    for (size_t i = 0; i < frames.size(); ++i) EXPECT_EQ(seen[i], frames[i]) << "frame " << i;
}

TEST_P(SenderKind, ManyMoreFramesThanBuffersAllArrive) {
    // AF_XDP has 64 UMEM frames: sending 500 proves completed frames are reaped and reused.
    VethLab lab;
    std::unique_ptr<Capture> capture;
    {
        EnterNetNs in(lab.far);
        capture = std::make_unique<Capture>(lab.far_if);
    }
    EnterNetNs in(lab.near);
    auto sender = make_kind(GetParam(), lab.near_if);
    const size_t count = 500;
    for (size_t i = 0; i < count; ++i)
        ASSERT_EQ(send_retrying(*sender, advert_frame(uint8_t(1 + i % 254))), 0) << "frame " << i;

    auto seen = capture->drain(500ms);
    ASSERT_EQ(seen.size(), count);
    for (size_t i = 0; i < count; ++i) EXPECT_EQ(seen[i], advert_frame(uint8_t(1 + i % 254)));
}

TEST_P(SenderKind, SendOnDownLinkFailsWithoutBlocking) {
    VethLab lab;
    EnterNetNs in(lab.near);
    auto sender = make_kind(GetParam(), lab.near_if);
    must("ip link set " + lab.near_if + " down");
    int err = sender->send(advert_frame(150));  // a blocking send would hang the test here
    EXPECT_NE(err, 0);
}

INSTANTIATE_TEST_SUITE_P(Tx, SenderKind, ::testing::Values("af_packet", "af_xdp"),
                         [](const auto &info) { return info.param; });

TEST(MakeSender, PicksAfXdpOnVeth) {
    VethLab lab;
    EnterNetNs in(lab.near);
    auto choice = tx::make_sender(lab.near_if, true);
    EXPECT_EQ(choice.sender->name(), "af_xdp") << choice.fallback_reason;
    EXPECT_EQ(choice.fallback_reason, "");
    // veth has no zero-copy support: the kernel chose copy mode by itself.
    EXPECT_NE(choice.sender->describe().find("copy mode"), std::string::npos)
        << choice.sender->describe();
}

TEST(MakeSender, AfXdpSendsBesideNativeXdpProgramsOnBothEndsAndLeavesThemAttached) {
    // Production: our XDP program owns the uplink, and lab peers carry one too (docs/testing.md).
    // The TX-only AF_XDP socket must not replace it (XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD).
    VethLab lab;
    const std::string prog = "/usr/lib/x86_64-linux-gnu/bpf/xdpfilt_alw_all.o";  // xdp-tools
    if (access(prog.c_str(), R_OK) != 0) GTEST_SKIP() << prog << " missing (xdp-tools)";
    must("ip -n " + lab.near.name() + " link set dev " + lab.near_if + " xdpdrv obj " + prog +
         " sec xdp");
    must("ip -n " + lab.far.name() + " link set dev " + lab.far_if + " xdpdrv obj " + prog +
         " sec xdp");
    std::unique_ptr<Capture> capture;
    {
        EnterNetNs in(lab.far);
        capture = std::make_unique<Capture>(lab.far_if);
    }
    EnterNetNs in(lab.near);
    auto choice = tx::make_sender(lab.near_if, true);
    ASSERT_EQ(choice.sender->name(), "af_xdp") << choice.fallback_reason;
    auto frame = advert_frame(200);
    ASSERT_EQ(choice.sender->send(frame), 0);
    auto seen = capture->drain(500ms, 1);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0], frame);
    auto link = sh("ip link show " + lab.near_if).output;
    EXPECT_NE(link.find("xdpfilt_alw_all"), std::string::npos) << link;
}

TEST(MakeSender, AfPacketWhenXdpNotPreferred) {
    VethLab lab;
    EnterNetNs in(lab.near);
    auto choice = tx::make_sender(lab.near_if, false);
    EXPECT_EQ(choice.sender->name(), "af_packet");
    EXPECT_EQ(choice.fallback_reason, "");
}

TEST(MakeSender, FallsBackToAfPacketAndSaysWhyWhenQueueIsTaken) {
    VethLab lab;
    std::unique_ptr<Capture> capture;
    {
        EnterNetNs in(lab.far);
        capture = std::make_unique<Capture>(lab.far_if);
    }
    EnterNetNs in(lab.near);
    tx::AfXdpSender holder(lab.near_if);  // queue 0 is now bound: a second AF_XDP bind fails
    auto choice = tx::make_sender(lab.near_if, true);
    ASSERT_EQ(choice.sender->name(), "af_packet");
    EXPECT_NE(choice.fallback_reason.find("AF_XDP socket on " + lab.near_if + " queue 0"),
              std::string::npos)
        << choice.fallback_reason;
    EXPECT_NE(choice.fallback_reason.find("busy"), std::string::npos) << choice.fallback_reason;

    // The fallback sender works.
    auto frame = advert_frame(100);
    ASSERT_EQ(choice.sender->send(frame), 0);
    auto seen = capture->drain(500ms, 1);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0], frame);
}

TEST(MakeSender, MissingInterfaceIsAnErrorNamingIt) {
    VethLab lab;
    EnterNetNs in(lab.near);
    try {
        tx::make_sender("nosuchif0", true);
        FAIL() << "make_sender did not throw";
    } catch (const Error &e) {
        EXPECT_NE(std::string(e.what()).find("nosuchif0"), std::string::npos) << e.what();
    }
}

}  // namespace
}  // namespace xvrrp::test
