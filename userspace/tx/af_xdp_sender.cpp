#include "tx/af_xdp_sender.h"

#include <linux/if_xdp.h>
#include <sys/mman.h>
#include <sys/socket.h>

#include <cerrno>
#include <cstring>

#include "common/fd.h"

namespace xvrrp::tx {

namespace {
constexpr size_t kAreaSize = size_t{AfXdpSender::kFrameCount} * AfXdpSender::kFrameSize;
}

AfXdpSender::AfXdpSender(const std::string &ifname, uint32_t queue)
    : ifname_(ifname), queue_(queue) {
    const std::string where = "AF_XDP socket on " + ifname + " queue " + std::to_string(queue);

    area_ = mmap(nullptr, kAreaSize, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
    if (area_ == MAP_FAILED) {
        area_ = nullptr;
        throw sys_error(where + ": UMEM allocation");
    }

    xsk_umem_config umem_config{};
    umem_config.fill_size = kFrameCount;
    umem_config.comp_size = kFrameCount;
    umem_config.frame_size = kFrameSize;
    umem_config.frame_headroom = 0;
    int ret = xsk_umem__create(&umem_, area_, kAreaSize, &fill_, &completion_, &umem_config);
    if (ret != 0) {
        umem_ = nullptr;
        munmap(area_, kAreaSize);
        throw sys_error(where + ": UMEM registration" +
                            (-ret == EPERM ? " (needs CAP_NET_RAW and CAP_IPC_LOCK)" : ""),
                        -ret);
    }

    xsk_socket_config config{};
    config.rx_size = 0;  // no RX ring: rx = nullptr below
    config.tx_size = kFrameCount;
    config.libxdp_flags = XSK_LIBXDP_FLAGS__INHIBIT_PROG_LOAD;
    config.xdp_flags = 0;
    // Neither XDP_COPY nor XDP_ZEROCOPY: the kernel tries zero-copy and falls back to copy mode.
    config.bind_flags = XDP_USE_NEED_WAKEUP;
    ret = xsk_socket__create(&xsk_, ifname.c_str(), queue, umem_, nullptr, &tx_, &config);
    if (ret != 0) {
        xsk_ = nullptr;
        xsk_umem__delete(umem_);
        munmap(area_, kAreaSize);
        throw sys_error(where, -ret);
    }
    fd_ = xsk_socket__fd(xsk_);

    xdp_options options{};
    socklen_t len = sizeof(options);
    if (getsockopt(fd_, SOL_XDP, XDP_OPTIONS, &options, &len) == 0)
        zero_copy_ = (options.flags & XDP_OPTIONS_ZEROCOPY) != 0;

    for (uint32_t i = 0; i < kFrameCount; ++i) free_[i] = uint64_t{i} * kFrameSize;
    free_count_ = kFrameCount;
}

AfXdpSender::~AfXdpSender() {
    xsk_socket__delete(xsk_);
    xsk_umem__delete(umem_);
    munmap(area_, kAreaSize);
}

void AfXdpSender::reap_completions() noexcept {
    uint32_t index = 0;
    uint32_t done = xsk_ring_cons__peek(&completion_, kFrameCount, &index);
    for (uint32_t i = 0; i < done; ++i)
        free_[free_count_++] = *xsk_ring_cons__comp_addr(&completion_, index + i);
    if (done > 0) xsk_ring_cons__release(&completion_, done);
}

int AfXdpSender::send(std::span<const uint8_t> frame) noexcept {
    if (frame.size() > kFrameSize) return EMSGSIZE;
    reap_completions();
    if (free_count_ == 0) return ENOBUFS;

    uint32_t index = 0;
    if (xsk_ring_prod__reserve(&tx_, 1, &index) != 1) return ENOBUFS;
    uint64_t addr = free_[--free_count_];
    std::memcpy(xsk_umem__get_data(area_, addr), frame.data(), frame.size());
    xdp_desc *desc = xsk_ring_prod__tx_desc(&tx_, index);
    desc->addr = addr;
    desc->len = static_cast<uint32_t>(frame.size());
    desc->options = 0;
    xsk_ring_prod__submit(&tx_, 1);

    // In copy mode the kernel transmits only inside this syscall; in zero-copy mode it is needed
    // only when the driver asks for a wakeup.
    if (!zero_copy_ || xsk_ring_prod__needs_wakeup(&tx_)) {
        if (sendto(fd_, nullptr, 0, MSG_DONTWAIT, nullptr, 0) < 0) return errno;
    }
    return 0;
}

std::string AfXdpSender::describe() const {
    return "af_xdp on " + ifname_ + " queue " + std::to_string(queue_) +
           (zero_copy_ ? " (zero-copy)" : " (copy mode)");
}

}  // namespace xvrrp::tx
