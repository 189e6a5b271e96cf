// XDP cost per packet, through BPF_PROG_TEST_RUN, for each path of the program, side by side
// in one run, with the bare XDP_PASS floor subtracted, against Ethernet line-rate budgets.
//
// Method. Every figure is the time of one test run with a large repeat divided by the repeat,
// so the syscall costs nothing per packet and caches are warm as on a busy uplink. Rounds of all
// paths are interleaved so that machine noise hits them alike; each figure is the median over
// rounds. The ARP reply path rewrites the frame, and with repeat > 1 the kernel feeds the reply to
// the next run (docs/testing.md); it is measured with bench/bpf/xvrrp_bench.bpf.c, which turns the
// reply back into the request before each run, minus the same restore followed by XDP_PASS.
//
//   bench_xdp_cost [--rounds N] [--repeat N] [--json FILE]
// --json also writes every figure to FILE, for bench/report.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <time.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <functional>
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

struct Path {
    std::string name;
    int prog_fd;
    Bytes frame;
    int expect_action;
    int floor_fd;  // subtracted: the bare XDP_PASS program, or the restore-only program
    uint32_t no_accept_vips = 0;  // meta while it runs: 0, or VIPs refuse traffic (accept.h)
    std::vector<double> ns = {};
    std::vector<double> floor_ns = {};
};

uint64_t now_ns();

// ns per run: wall time of the whole test run over repeat, for sub-ns resolution (the
// kernel's own `duration` is a whole number of ns); one syscall spread over the repeats.
double run(int fd, const Bytes &in, int repeat, int *action) {
    Bytes out(in.size() + 256);
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in.data(), .data_out = out.data(),
                .data_size_in = (__u32)in.size(), .data_size_out = (__u32)out.size(),
                .repeat = repeat);
    uint64_t start = now_ns();
    if (int err = bpf_prog_test_run_opts(fd, &opts)) {
        fprintf(stderr, "bpf_prog_test_run_opts: %s\n", strerror(-err));
        exit(1);
    }
    uint64_t elapsed = now_ns() - start;
    if (action) *action = (int)opts.retval;
    return double(elapsed) / repeat;
}

double median(std::vector<double> v) {
    std::sort(v.begin(), v.end());
    return v.empty() ? 0 : v[v.size() / 2];
}

uint64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1000000000ull + ts.tv_nsec;
}

}  // namespace

int main(int argc, char **argv) {
    int rounds = 21, repeat = 200000;
    const char *json_path = nullptr;
    for (int i = 1; i < argc; i += 2) {
        if (i + 1 >= argc) {
            fprintf(stderr, "usage: %s [--rounds N] [--repeat N] [--json FILE]\n", argv[0]);
            return 2;
        }
        if (!strcmp(argv[i], "--rounds")) {
            rounds = atoi(argv[i + 1]);
        } else if (!strcmp(argv[i], "--repeat")) {
            repeat = atoi(argv[i + 1]);
        } else if (!strcmp(argv[i], "--json")) {
            json_path = argv[i + 1];
        } else {
            fprintf(stderr, "%s: unknown option '%s'\n", argv[0], argv[i]);
            return 2;
        }
    }
    if (rounds < 1 || repeat < 1) {
        fprintf(stderr, "%s: --rounds and --repeat must be at least 1\n", argv[0]);
        return 2;
    }

    auto *bench = xvrrp_bench::open_and_load();
    if (!bench) {
        perror("load the benchmark XDP object (need root)");
        return 1;
    }
    dataplane::MapFds fds{.instances = bpf_map__fd(bench->maps.instances),
                          .vips = bpf_map__fd(bench->maps.vips),
                          .allowed_srcs = bpf_map__fd(bench->maps.allowed_srcs),
                          .leases = bpf_map__fd(bench->maps.leases),
                          .rx_state = bpf_map__fd(bench->maps.rx_state),
                          .counters = bpf_map__fd(bench->maps.counters),
                          .events = bpf_map__fd(bench->maps.events),
                          .cpu_watch = bpf_map__fd(bench->maps.cpu_watch),
                          .meta = bpf_map__fd(bench->maps.meta)};
    dataplane::ControlTables tables(fds);
    dataplane::LeaseTable leases(fds.leases);
    dataplane::ControlProgram control(bpf_program__fd(bench->progs.xvrrp_control));
    // VRID 51: master, lease fresh, the kernel's timer watching it (the production path).
    // VRID 52: master, but its lease checked against the clock on every request: the path a
    // VRID takes when the kernel has no timer for it, and the path every request took before
    // the timer watched the lease.
    for (uint8_t vrid : {51, 52}) {
        xvrrp_instance inst{};
        inst.version = 3;
        inst.priority = 100;
        inst.advert_interval_ns = 1'000'000'000;
        tables.set_instance(vrid, inst);
        leases.renew(vrid, now_ns() + 3600'000'000'000ull);
        if (control.set_role(vrid, XVRRP_ROLE_MASTER | XVRRP_ROLE_PREEMPT, 100).error) {
            fprintf(stderr, "VRID %u: set role failed\n", vrid);
            return 1;
        }
        xvrrp_vip vip{};
        std::copy(kServerMac.begin(), kServerMac.end(), vip.mac);
        vip.vrid = vrid;
        tables.set_vip(ip(vrid == 51 ? "192.0.2.100" : "192.0.2.101"), vip);
    }
    {
        // "Answer while the clock says the lease is fresh" (answering = 2, see bpf/answering.h).
        uint32_t key = 52;
        xvrrp_lease by_clock{};
        by_clock.expires_ns = now_ns() + 3600'000'000'000ull;
        by_clock.answering = 2;
        bpf_map_update_elem(fds.leases, &key, &by_clock, BPF_ANY);
    }
    {
        // VRID 53's service IP refuses traffic (accept mode off), for the rows that set meta.
        xvrrp_vip vip{};
        std::copy(kServerMac.begin(), kServerMac.end(), vip.mac);
        vip.vrid = 53;
        vip.flags = XVRRP_VIP_NO_ACCEPT;
        tables.set_vip(ip("192.0.2.102"), vip);
    }
    // A backup's advert path: VRID 53 watches its master (the Master_Down_Timer armed).
    {
        xvrrp_instance inst{};
        inst.version = 3;
        inst.priority = 100;
        inst.advert_interval_ns = 1'000'000'000;
        tables.set_instance(53, inst);
        control.set_role(53, XVRRP_ROLE_PREEMPT | XVRRP_ROLE_TAKEOVER_ARMED, 100);
        control.arm_master_down(53, 3600'000'000'000ull);
    }

    Ipv4Fields tcp;
    tcp.proto = 6;
    tcp.ttl = 64;
    tcp.dst = ip("192.0.2.100");
    Bytes foreign = cat({eth(kServerMac, kClientMac, 0x0800), ipv4(tcp, Bytes(20 + 6, 0))});
    tcp.dst = ip("192.0.2.102");
    Bytes refused = cat({eth(kServerMac, kClientMac, 0x0800), ipv4(tcp, Bytes(20 + 6, 0))});
    VrrpFields v;  // master 192.0.2.11, priority 150 >= ours: accepted, re-arms the timer
    v.vrid = 53;
    VrrpFields bad = v;
    bad.csum = Csum::Wrong;
    Ipv4Fields ttl;
    ttl.ttl = 64;

    int xvrrp = bpf_program__fd(bench->progs.xvrrp_xdp);
    int pass = bpf_program__fd(bench->progs.bench_pass);
    int restore_pass = bpf_program__fd(bench->progs.bench_arp_restore_pass);
    int restore_xvrrp = bpf_program__fd(bench->progs.bench_arp_restore_xvrrp);
    std::vector<Path> paths = {
        {"foreign IPv4/TCP (pass)", xvrrp, foreign, XDP_PASS, pass},
        {"... while a VIP has accept off (pass)", xvrrp, foreign, XDP_PASS, pass, 1},
        {"IPv4/TCP to a VIP, accept off (drop)", xvrrp, refused, XDP_DROP, pass, 1},
        {"ARP request for VIP (reply, XDP_TX)", restore_xvrrp, arp_request_frame(), XDP_TX,
         restore_pass},
        {"ARP reply, lease checked by the clock", restore_xvrrp,
         arp_request_frame({.tpa = ip("192.0.2.101")}), XDP_TX, restore_pass},
        {"ARP for another IP (pass)", xvrrp, arp_request_frame({.tpa = ip("192.0.2.12")}), XDP_PASS,
         pass},
        {"valid advert (consume, move deadline)", xvrrp, advert_frame(v), XDP_DROP, pass},
        {"invalid advert: bad checksum", xvrrp, advert_frame(bad), XDP_DROP, pass},
        {"invalid advert: TTL 64", xvrrp, advert_frame(v, ttl), XDP_DROP, pass},
    };
    for (auto &p : paths) {
        int action;
        tables.set_no_accept_vips(p.no_accept_vips);
        run(p.prog_fd, p.frame, 1, &action);
        if (action != p.expect_action) {
            fprintf(stderr, "%s: action %d, expected %d\n", p.name.c_str(), action,
                    p.expect_action);
            return 1;
        }
    }

    for (int r = 0; r < rounds; r++) {
        for (auto &p : paths) {
            tables.set_no_accept_vips(p.no_accept_vips);
            p.floor_ns.push_back(run(p.floor_fd, p.frame, repeat, nullptr));
            p.ns.push_back(run(p.prog_fd, p.frame, repeat, nullptr));
        }
    }

    printf("xvrrp XDP cost per packet (BPF_PROG_TEST_RUN, repeat %d, median of %d rounds)\n",
           repeat, rounds);
    printf("floor: the bare XDP_PASS program, %.1f ns per run (the test loop itself)\n",
           median(paths[0].floor_ns));
    printf("line-rate budget per 64-byte frame: 10GbE 67.2 ns, 25GbE 26.9 ns, 100GbE 6.7 ns\n\n");
    printf("%-38s %8s %8s %9s   %s\n", "path", "raw ns", "floor", "xvrrp ns",
           "share of budget 10G / 25G / 100G");
    std::string json = "{\"benchmark\":\"xdp_cost\",\"repeat\":" + std::to_string(repeat) +
                       ",\"rounds\":" + std::to_string(rounds) +
                       ",\"budget_ns\":{\"10G\":67.2,\"25G\":26.9,\"100G\":6.7},\"paths\":[";
    for (size_t k = 0; k < paths.size(); k++) {
        auto &p = paths[k];
        std::vector<double> diff;
        for (size_t i = 0; i < p.ns.size(); i++) diff.push_back(p.ns[i] - p.floor_ns[i]);
        double net = median(diff);
        printf("%-38s %8.1f %8.1f %9.1f   %5.0f%% / %5.0f%% / %5.0f%%\n", p.name.c_str(),
               median(p.ns), median(p.floor_ns), net, 100 * net / 67.2, 100 * net / 26.9,
               100 * net / 6.7);
        char row[256];
        snprintf(row, sizeof row,
                 "%s{\"path\":\"%s\",\"raw_ns\":%.2f,\"floor_ns\":%.2f,\"xvrrp_ns\":%.2f}",
                 k ? "," : "", p.name.c_str(), median(p.ns), median(p.floor_ns), net);
        json += row;
    }
    json += "]}\n";
    if (json_path) {
        FILE *f = fopen(json_path, "w");
        if (!f || fputs(json.c_str(), f) < 0 || fclose(f) != 0) {
            fprintf(stderr, "%s: cannot write %s: %s\n", argv[0], json_path, strerror(errno));
            return 1;
        }
    }
    printf(
        "\nxvrrp ns = raw - floor, per round, median. The ARP reply row's floor is the restore\n"
        "program (reply -> request) with XDP_PASS; its raw figure includes the same restore.\n");
    xvrrp_bench::destroy(bench);
    return 0;
}
