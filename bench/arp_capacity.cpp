// bench_arp_capacity: how many ARP requests one CPU answers, xvrrp's XDP responder against the
// kernel's own ARP path, without a traffic generator in the way. BPF_PROG_TEST_RUN with
// BPF_F_TEST_XDP_LIVE_FRAMES (kernel 5.18 and later) pushes real frames through the real
// program as if they had arrived on a veth: XDP_TX sends the reply out of that veth, XDP_PASS
// hands the request to the kernel's stack, which answers it (arp_rcv -> arp_send) out of the
// same veth. Both replies really leave: the client end of the veth runs a program that counts
// what arrives and drops it (so that XDP_TX towards it is not dropped, and so that the
// client's own processing of the replies weighs on neither path). Timed as the kernel's own
// `duration` over the repeats, on one CPU.
//
//   bench_arp_capacity [--frames N] [--rounds R] [--cpu C] [--json FILE]
//
// Builds its own namespace and veth pair (removed at exit). Needs root and a build
// (bpf/xdp_pass.bpf.o for the peer).
#include <arpa/inet.h>
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <linux/if_link.h>
#include <net/if.h>
#include <sched.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

#include "bpf/packets.h"
#include "dataplane/control.h"
#include "dataplane/dataplane.h"
#include "dataplane/tables.h"
#include "xvrrp_bench.skel.h"

using namespace xvrrp;
using namespace xvrrp::test;

namespace {

std::string g_ns, g_client_ns;
int g_server_fd = -1, g_client_fd = -1;  // the namespaces, to move between them

int shell(const std::string &cmd) {
    return system((cmd + " >/dev/null 2>&1").c_str());
}

void cleanup() {
    if (!g_ns.empty()) shell("ip netns del " + g_ns);
    if (!g_client_ns.empty()) shell("ip netns del " + g_client_ns);
}

void enter(int nsfd) {
    if (setns(nsfd, CLONE_NEWNET)) {
        perror("setns");
        exit(1);
    }
}

uint64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000ull + uint64_t(ts.tv_nsec);
}

xvrrp_bench *g_client = nullptr;  // bench_count_drop on the client end

// Replies that reached the client end.
uint64_t client_received() {
    return __atomic_load_n(&g_client->bss->bench_received, __ATOMIC_RELAXED);
}

// Runs the frame `frames` times as live frames arriving on `ifindex`; ns per frame, the
// kernel's own measure (`duration`, averaged over the repeats; syscall entry and exit not
// included). In runs of kChunk (64, one batch of the live mode): in longer runs only the first
// batch's XDP_TX replies reached the client here (measured: 64 of 128, 64 of 1024), which
// would flatter the XDP path with work it did not finish.
constexpr int kChunk = 64;

double run_live(int prog_fd, const Bytes &frame, int ifindex, int frames) {
    xdp_md ctx{};
    ctx.data_end = uint32_t(frame.size());
    ctx.ingress_ifindex = uint32_t(ifindex);
    double total_ns = 0;
    int done = 0;
    while (done < frames) {
        int n = std::min(kChunk, frames - done);
        LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = frame.data(),
                    .data_size_in = uint32_t(frame.size()), .ctx_in = &ctx,
                    .ctx_size_in = sizeof ctx, .repeat = n, .flags = BPF_F_TEST_XDP_LIVE_FRAMES);
        if (int err = bpf_prog_test_run_opts(prog_fd, &opts)) {
            fprintf(stderr, "bench_arp_capacity: live test run: %s (kernel 5.18 or later?)\n",
                    strerror(-err));
            exit(1);
        }
        total_ns += double(opts.duration) * n;
        done += n;
    }
    return total_ns / frames;
}

}  // namespace

int main(int argc, char **argv) {
    int frames = 1'000'000, rounds = 7, cpu = 0;
    const char *json = nullptr;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (i + 1 >= argc) {
            fprintf(stderr, "usage: %s [--frames N] [--rounds R] [--cpu C] [--json FILE]\n",
                    argv[0]);
            return 2;
        }
        if (a == "--frames")
            frames = atoi(argv[++i]);
        else if (a == "--rounds")
            rounds = atoi(argv[++i]);
        else if (a == "--cpu")
            cpu = atoi(argv[++i]);
        else if (a == "--json")
            json = argv[++i];
        else {
            fprintf(stderr, "%s: unknown option %s\n", argv[0], a.c_str());
            return 2;
        }
    }
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(cpu, &set);
    sched_setaffinity(0, sizeof set, &set);

    // Two namespaces joined by a veth pair: the server end (veth-s, 192.0.2.11; the frames
    // arrive there) and the client end (veth-c, 192.0.2.50, an XDP_PASS program so that XDP_TX
    // towards it is not dropped; its rx counter counts the replies). Apart, so that the
    // kernel does not take the client's address for its own.
    g_ns = "xvcs" + std::to_string(getpid());
    g_client_ns = "xvcc" + std::to_string(getpid());
    atexit(cleanup);
    const std::string ips = "ip -n " + g_ns + " ", ipc = "ip -n " + g_client_ns + " ";
    if (shell("ip netns add " + g_ns) || shell("ip netns add " + g_client_ns) ||
        shell(ips + "link set lo up") || shell(ipc + "link set lo up") ||
        shell(ips +
              "link add veth-s address 02:00:00:00:00:11 type veth peer name veth-c "
              "address 02:00:00:00:00:50 netns " +
              g_client_ns) ||
        shell(ips + "addr add 192.0.2.11/24 dev veth-s") ||
        shell(ipc + "addr add 192.0.2.50/24 dev veth-c") || shell(ips + "link set veth-s up") ||
        shell(ipc + "link set veth-c up")) {
        fprintf(stderr, "bench_arp_capacity: cannot build the namespaces (need root)\n");
        return 1;
    }
    g_server_fd = open(("/run/netns/" + g_ns).c_str(), O_RDONLY | O_CLOEXEC);
    g_client_fd = open(("/run/netns/" + g_client_ns).c_str(), O_RDONLY | O_CLOEXEC);
    if (g_server_fd < 0 || g_client_fd < 0) {
        perror("open the namespaces");
        return 1;
    }
    enter(g_client_fd);
    int cli = int(if_nametoindex("veth-c"));
    g_client = xvrrp_bench::open_and_load();
    if (!g_client || bpf_xdp_attach(cli, bpf_program__fd(g_client->progs.bench_count_drop),
                                    XDP_FLAGS_DRV_MODE, nullptr)) {
        fprintf(stderr, "bench_arp_capacity: attach the counter to the client end failed\n");
        return 1;
    }
    enter(g_server_fd);
    int srv = int(if_nametoindex("veth-s"));
    // The receiving side must be ready for XDP frames too: attaching a program to veth-s
    // (native) is what makes veth accept redirected frames; the live test run uses our own.
    dataplane::Dataplane dp;
    dp.load();
    bpf_xdp_attach(srv, dp.prog_fd(), XDP_FLAGS_DRV_MODE, nullptr);
    auto fds = dp.maps();
    dataplane::ControlTables tables(fds);
    dataplane::LeaseTable leases(fds.leases);
    dataplane::ControlProgram control(dp.control_prog_fd());
    xvrrp_instance inst{};
    inst.version = 3;
    inst.priority = 150;
    inst.advert_interval_ns = 1'000'000'000;
    tables.set_instance(51, inst);
    leases.renew(51, now_ns() + 3600'000'000'000ull);
    control.set_role(51, XVRRP_ROLE_MASTER | XVRRP_ROLE_PREEMPT, 150);
    xvrrp_vip vip{};
    const Mac server_mac = {0x02, 0, 0, 0, 0, 0x11};
    std::copy(server_mac.begin(), server_mac.end(), vip.mac);
    vip.vrid = 51;
    tables.set_vip(ip("192.0.2.100"), vip);

    const Mac client_mac = {0x02, 0, 0, 0, 0, 0x50};
    ArpFields to_vip;  // who-has 192.0.2.100 (a service IP): xvrrp answers in XDP
    to_vip.sha = client_mac;
    ArpFields to_host = to_vip;  // who-has 192.0.2.11 (the server's own): the kernel answers
    to_host.tpa = ip("192.0.2.11");
    Bytes xdp_frame = arp_request_frame(to_vip, {}, client_mac);
    Bytes kernel_frame = arp_request_frame(to_host, {}, client_mac);

    struct Path {
        const char *name;
        const Bytes *frame;
        std::vector<double> ns;
        uint64_t replies = 0, sent = 0;
    } paths[] = {{"xvrrp XDP responder (XDP_TX)", &xdp_frame, {}, 0, 0},
                 {"kernel ARP (XDP_PASS, arp_rcv)", &kernel_frame, {}, 0, 0}};
    for (auto &p : paths) run_live(dp.prog_fd(), *p.frame, srv, 10'000);  // warm up
    usleep(100'000);
    for (int r = 0; r < rounds; r++)
        for (auto &p : paths) {
            uint64_t before = client_received();
            p.ns.push_back(run_live(dp.prog_fd(), *p.frame, srv, frames));
            usleep(50'000);  // the last replies reach the client end
            p.replies += client_received() - before;
            p.sent += uint64_t(frames);
        }

    printf(
        "ARP answering capacity on one CPU (CPU %d), BPF_F_TEST_XDP_LIVE_FRAMES, %d frames x "
        "%d rounds\n",
        cpu, frames, rounds);
    printf("%-32s %10s %14s %10s\n", "path", "ns/request", "replies/s", "answered");
    std::string out = "{\"benchmark\":\"arp_capacity\",\"frames\":" + std::to_string(frames) +
                      ",\"rounds\":" + std::to_string(rounds) + ",\"paths\":[";
    double rate[2] = {};
    for (int k = 0; k < 2; k++) {
        auto &p = paths[k];
        std::sort(p.ns.begin(), p.ns.end());
        double med = p.ns[p.ns.size() / 2];
        double answered = double(p.replies) / double(p.sent);
        rate[k] = 1e9 / med * std::min(1.0, answered);
        printf("%-32s %10.1f %14.0f %9.1f%%\n", p.name, med, rate[k], 100 * answered);
        char row[256];
        snprintf(row, sizeof row,
                 "%s{\"path\":\"%s\",\"ns_per_request\":%.2f,\"replies_per_s\":%.0f,"
                 "\"answered\":%.4f}",
                 k ? "," : "", p.name, med, rate[k], answered);
        out += row;
    }
    printf("xvrrp / kernel: %.2fx\n", rate[0] / rate[1]);
    char tail[64];
    snprintf(tail, sizeof tail, "],\"ratio\":%.3f}\n", rate[0] / rate[1]);
    out += tail;
    if (json) {
        FILE *f = fopen(json, "w");
        if (!f || fputs(out.c_str(), f) < 0 || fclose(f)) {
            perror(json);
            return 1;
        }
    }
    xvrrp_bench::destroy(g_client);
    return 0;
}
