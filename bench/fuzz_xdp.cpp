// Fuzzing the XDP program: the real program, loaded (not attached), configured with several
// VRIDs (IPv4 and IPv6 instances) the way the controller configures them, fed seeded random
// and mutated frames through BPF_PROG_TEST_RUN. Each result is checked against the oracle
// (fuzz_xdp_oracle.h), a model written from RFC 826, RFC 4861, RFC 5798 / RFC 3768, RFC 8200
// and docs/design.md, not from bpf/: the action, the exact reply bytes, which counters moved,
// the events, and the VRID's rx_state.
//
//   bench_fuzz_xdp [--seed S] [--frames N] [--replay K] [--show N]
//
// --replay K runs frames 0..K and prints frame K in full (the model needs the frames before
// it). --show: violations printed in full (default 10; all are counted). Exit status 1 on any
// violation, 2 when it cannot run (needs root). bench/fuzz-xdp builds it and runs it.
#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/bpf.h>
#include <time.h>

#include <chrono>
#include <cstdio>
#include <cstring>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <thread>
#include <vector>

#include "dataplane/control.h"
#include "dataplane/dataplane.h"
#include "dataplane/tables.h"
#include "fuzz_xdp_frames.h"
#include "fuzz_xdp_oracle.h"

using namespace xvrrp;
using namespace xvrrp::fuzz;

namespace {

// An accepted advert restarts a watching VRID's Master_Down_Timer; one shorter than this
// could run out during a run (a takeover the oracle cannot time), so such a frame is drawn
// again. Every other advert reaches every VRID.
constexpr uint64_t kShortestTimer = 60 * kSecond;
constexpr uint64_t kFullCheckEvery = 4096;  // frames between checks of every VRID's state

uint64_t now_ns() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * kSecond + ts.tv_nsec;
}

const char *action_name(int a) {
    static const char *names[] = {"XDP_ABORTED", "XDP_DROP", "XDP_PASS", "XDP_TX", "XDP_REDIRECT"};
    return a >= 0 && a <= 4 ? names[a] : "?";
}

struct Options {
    uint64_t seed = 1, frames = 200'000;
    int64_t replay = -1;
    uint64_t show = 10;
};

// The kernel side: program, maps, the controller's typed access to them.
struct Kernel {
    dataplane::Dataplane dp;
    dataplane::MapFds fds;
    std::unique_ptr<dataplane::ControlTables> tables;
    std::unique_ptr<dataplane::StateReader> state;
    std::unique_ptr<dataplane::LeaseTable> leases;
    std::unique_ptr<dataplane::ControlProgram> control;
    ring_buffer *ring = nullptr;
    std::vector<xvrrp_event> events;

    Kernel() {
        dp.load();
        fds = dp.maps();
        tables = std::make_unique<dataplane::ControlTables>(fds);
        state = std::make_unique<dataplane::StateReader>(fds);
        leases = std::make_unique<dataplane::LeaseTable>(fds.leases);
        control = std::make_unique<dataplane::ControlProgram>(dp.control_prog_fd());
        ring = ring_buffer__new(fds.events, &Kernel::on_event, this, nullptr);
        if (!ring) throw std::runtime_error("open the events ring buffer");
    }
    ~Kernel() { ring_buffer__free(ring); }
    Kernel(const Kernel &) = delete;
    Kernel &operator=(const Kernel &) = delete;
    static int on_event(void *ctx, void *data, size_t size) {
        xvrrp_event e{};
        std::memcpy(&e, data, std::min(size, sizeof e));
        static_cast<Kernel *>(ctx)->events.push_back(e);
        return 0;
    }
    std::vector<xvrrp_event> take_events() {
        ring_buffer__consume(ring);  // reads the shared ring, no syscall
        return std::exchange(events, {});
    }
    xvrrp_rx_state rx(uint8_t vrid) const {
        auto rx = state->rx_state(vrid);
        if (!rx) throw std::runtime_error("VRID " + std::to_string(vrid) + " has no rx_state");
        return *rx;
    }
};

void check_control(const dataplane::ControlProgram::Result &r, const VridConfig &c,
                   const char *what) {
    if (r.error)
        throw std::runtime_error(std::string(what) + " for VRID " + std::to_string(c.vrid) +
                                 ": error " + std::to_string(r.error) +
                                 " (the verdicts assume the kernel has a timer for every VRID)");
}

// As the controller does it: the instance entry, allowed sources, the lease, then the role
// through xvrrp_control, then Master_Down_Timer for a backup; service IPs last.
void configure(Kernel &k, const Scenario &sc) {
    for (const auto &c : sc.vrids) {
        xvrrp_instance inst{};
        if (c.allowlist) inst.flags |= XVRRP_INST_ALLOWLIST;
        if (c.pass_adverts) inst.flags |= XVRRP_INST_PASS_ADVERTS;
        inst.version = c.version;
        inst.vlan = c.vlan;
        if (c.vlan) k.tables->set_vlan_in_use(c.vlan, true);
        inst.priority = c.priority;
        inst.fixed_interval_ns = c.fixed_interval_ns;
        inst.advert_interval_ns = c.advert_interval_ns;
        inst.takeover_grace_ns = kDay;
        if (c.vmac) {
            inst.flags |= XVRRP_INST_VMAC;
            std::copy(sc.our_mac.begin(), sc.our_mac.end(), inst.host_mac);
        }
        if (c.ipv6) inst.flags |= XVRRP_INST_IPV6;
        if (c.unicast_addr || c.unicast_addr6) {
            inst.flags |= XVRRP_INST_UNICAST;
            Addr16 a = c.unicast_addr6 ? *c.unicast_addr6 : test::mapped(*c.unicast_addr);
            std::copy(a.begin(), a.end(), inst.unicast_addr);
        }
        if (c.auth_pass) {
            inst.flags |= XVRRP_INST_AUTH_PASS;
            std::copy(c.auth_pass->begin(), c.auth_pass->end(), inst.auth_pass);
        }
        k.tables->set_instance(c.vrid, inst);
        for (uint32_t a : c.allowed_srcs)
            k.tables->allow_source(c.vrid, vrrp::IpAddress::v4_from_be32(a));
        for (const Addr16 &a : c.allowed_srcs6)
            k.tables->allow_source(c.vrid, vrrp::IpAddress::v6(a));
        bool controller_lease = c.lease_fresh && !c.took_over;
        k.leases->renew(c.vrid, controller_lease ? now_ns() + kDay : c.lease_fresh ? 0 : 1);
        check_control(k.control->set_role(c.vrid, c.role, c.priority), c, "set role");
        if (c.took_over) {
            // Master_Down_Timer runs out at once while armed: the kernel takes over.
            check_control(k.control->arm_master_down(c.vrid, 1'000'000), c, "arm");
            auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(5);
            while (!(k.rx(c.vrid).flags & XVRRP_RX_TOOK_OVER)) {
                if (std::chrono::steady_clock::now() > deadline)
                    throw std::runtime_error("VRID " + std::to_string(c.vrid) +
                                             ": the kernel did not take over within 5 s");
                std::this_thread::sleep_for(std::chrono::milliseconds(1));
            }
            if (c.disarm_after_takeover) k.control->disarm_master_down(c.vrid);
        } else if (c.watching) {
            check_control(k.control->arm_master_down(c.vrid, kDay), c, "arm");
        }
    }
    uint32_t no_accept = 0;
    for (const auto &v : sc.vips) {
        xvrrp_vip vip{};
        std::copy(v.mac.begin(), v.mac.end(), vip.mac);
        vip.vrid = v.vrid;
        vip.vlan = v.vlan;
        if (v.no_accept) vip.flags = XVRRP_VIP_NO_ACCEPT, no_accept++;
        k.tables->set_vip(v.addr, vip);
    }
    for (const auto &v : sc.vips6) {
        xvrrp_vip vip{};
        std::copy(v.mac.begin(), v.mac.end(), vip.mac);
        vip.vrid = v.vrid;
        vip.vlan = v.vlan;
        if (v.no_accept) vip.flags |= XVRRP_VIP_NO_ACCEPT, no_accept++;
        if (v.router) vip.flags |= XVRRP_VIP_ND_ROUTER;
        k.tables->set_vip6(vrrp::IpAddress::v6(v.addr), vip);
    }
    k.tables->set_no_accept_vips(no_accept);
    k.take_events();  // the takeovers' events
}

struct Verdict {
    int action = -1;
    Bytes out;
    CounterMap counters;
    std::vector<xvrrp_event> events;
    Window when;
};

std::string counters_text(const CounterMap &m) {
    std::string s;
    for (const auto &[name, n] : m) s += (s.empty() ? "" : " ") + name + "=" + std::to_string(n);
    return s.empty() ? "(none)" : s;
}

std::string event_text(const xvrrp_event &e) {
    char buf[300];
    snprintf(buf, sizeof buf,
             "type %u VRID %u src %s priority %u v%u interval %u md_interval %llu deadline %llu "
             "flags %u",
             e.type, e.vrid, ip_text(test::addr16(e.src)).c_str(), e.priority, e.version,
             e.interval_field, (unsigned long long)e.master_down_interval_ns,
             (unsigned long long)e.deadline_ns, e.flags);
    return buf;
}

std::string event_text(const ExpectedEvent &w) {
    xvrrp_event e{};
    e.type = w.type;
    e.vrid = w.vrid;
    std::copy(w.src.begin(), w.src.end(), e.src);
    e.priority = w.priority;
    e.version = w.version;
    e.interval_field = w.interval_field;
    e.master_down_interval_ns = w.master_down_interval_ns;
    return event_text(e);
}

// Everything in which the kernel's verdict differs from the oracle's, one line each.
std::string compare(const Expectation &e, const Verdict &v) {
    std::string p;
    if (v.action != e.action)
        p += std::string("action: expected ") + action_name(e.action) + ", is " +
             action_name(v.action) + "\n";
    else if ((e.action == XDP_TX || e.action == XDP_PASS) && v.out != e.out)
        p += "output bytes differ from the expected " +
             std::string(e.action == XDP_TX ? "reply" : "untouched frame") + "\n";
    if (v.counters != e.counters)
        p += "counters: expected " + counters_text(e.counters) + ", moved " +
             counters_text(v.counters) + "\n";
    if (v.events.size() != e.events.size()) {
        p += "events: expected " + std::to_string(e.events.size()) + ", got " +
             std::to_string(v.events.size()) + "\n";
        for (const auto &x : v.events) p += "  got " + event_text(x) + "\n";
        return p;
    }
    for (size_t i = 0; i < e.events.size(); i++) {
        const ExpectedEvent &w = e.events[i];
        const xvrrp_event &g = v.events[i];
        if (g.type != w.type || g.vrid != w.vrid || test::addr16(g.src) != w.src ||
            g.priority != w.priority || g.version != w.version ||
            g.interval_field != w.interval_field ||
            g.master_down_interval_ns != w.master_down_interval_ns || g.deadline_ns != 0 ||
            g.flags != 0 || !v.when.contains(g.ts_ns)) {
            p += "event: expected " + event_text(w) + " (ts within the run)\n  got      " +
                 event_text(g) + "\n";
        }
    }
    return p;
}

class Fuzzer {
  public:
    Fuzzer(Kernel &k, const Scenario &sc, const Options &o)
        : k_(k), sc_(sc), o_(o), oracle_(sc), gen_(sc) {
        resync(-1);  // the model starts from the state the controller's setup left
        std::string p = check_all();
        if (!p.empty()) throw std::runtime_error("the configured state is not the oracle's:\n" + p);
        baseline_ = last_;
    }

    int run();

  private:
    Verdict execute(const Bytes &in);
    std::string check_all();
    void resync(int vrid);
    void report(uint64_t index, const Frame &f, const Expectation &e, const Verdict &v,
                const std::string &problems);

    Kernel &k_;
    const Scenario &sc_;
    Options o_;
    Oracle oracle_;
    FrameGenerator gen_;
    xvrrp_counters baseline_{}, last_{};
    uint64_t lease_expires_[256] = {}, lease_took_over_[256] = {};
    // Violations by what the oracle expected and what the kernel counted: (how many, first).
    std::map<std::string, std::pair<uint64_t, uint64_t>> kinds_;
    uint64_t violations_ = 0, first_violation_ = 0, redrawn_ = 0, restarts_ = 0, actions_[5] = {};
};

Verdict Fuzzer::execute(const Bytes &in) {
    Verdict v;
    v.out.resize(in.size() + 256);
    LIBBPF_OPTS(bpf_test_run_opts, opts, .data_in = in.data(), .data_out = v.out.data(),
                .data_size_in = (__u32)in.size(), .data_size_out = (__u32)v.out.size(),
                .repeat = 1);
    v.when.lo = now_ns();
    int err = bpf_prog_test_run_opts(k_.dp.prog_fd(), &opts);
    v.when.hi = now_ns();
    if (err)
        throw std::runtime_error("BPF_PROG_TEST_RUN of a " + std::to_string(in.size()) +
                                 "-byte frame: " + strerror(-err));
    v.action = int(opts.retval);
    v.out.resize(opts.data_size_out);
    xvrrp_counters now = k_.state->counters();
    for (const auto &c : dataplane::counter_infos())
        if (now.*c.field != last_.*c.field)
            v.counters[std::string(c.name)] = now.*c.field - last_.*c.field;
    last_ = now;
    v.events = k_.take_events();
    return v;
}

// After a violation: start again from what the kernel did, so that one fault is reported
// once. An advert the kernel took and the oracle did not may have started a short
// Master_Down_Timer: armed again for a day, as the controller arms it.
void Fuzzer::resync(int vrid) {
    const VridConfig *c = vrid >= 0 ? sc_.vrid(uint8_t(vrid)) : nullptr;
    if (c && (k_.rx(c->vrid).flags & XVRRP_RX_WATCHING))
        check_control(k_.control->arm_master_down(c->vrid, kDay), *c, "arm");
    for (const auto &v : sc_.vrids) {
        oracle_.set_initial(v.vrid, RxModel::from_kernel(k_.rx(v.vrid)));
        lease_expires_[v.vrid] = k_.leases->slot(v.vrid).expires();
        lease_took_over_[v.vrid] = k_.leases->slot(v.vrid).took_over_ns();
    }
    k_.take_events();
    last_ = k_.state->counters();
}

// Every VRID's rx_state against the model, and the leases as the setup left them.
std::string Fuzzer::check_all() {
    std::string p;
    for (const auto &c : sc_.vrids) {
        std::string d = oracle_.model(c.vrid)->diff(k_.rx(c.vrid));
        if (!d.empty()) p += "VRID " + std::to_string(c.vrid) + ":\n" + d;
        auto slot = k_.leases->slot(c.vrid);
        if (slot.answering() != oracle_.answering(c.vrid))
            p += "VRID " + std::to_string(c.vrid) + ": ARP answering is " +
                 (slot.answering() ? "on" : "off") + ", expected the opposite\n";
        if (slot.expires() != lease_expires_[c.vrid] ||
            slot.took_over_ns() != lease_took_over_[c.vrid])
            p += "VRID " + std::to_string(c.vrid) + ": the lease changed\n";
    }
    return p;
}

void Fuzzer::report(uint64_t index, const Frame &f, const Expectation &e, const Verdict &v,
                    const std::string &problems) {
    printf("%s frame %llu (seed %llu): %s, %zu bytes\n", problems.empty() ? "REPLAY" : "VIOLATION",
           (unsigned long long)index, (unsigned long long)o_.seed, f.kind.c_str(), f.bytes.size());
    printf("  oracle: %s\n", e.why.c_str());
    for (size_t at = 0, nl; (nl = problems.find('\n', at)) != std::string::npos; at = nl + 1)
        printf("  ! %s\n", problems.substr(at, nl - at).c_str());
    printf("  kernel: %s, counters %s, %zu event(s)\n", action_name(v.action),
           counters_text(v.counters).c_str(), v.events.size());
    printf("  in:\n%s", hex_dump(f.bytes).c_str());
    if (e.action == XDP_TX || v.action == XDP_TX) {
        printf("  expected out:\n%s", hex_dump(e.out).c_str());
        printf("  kernel out:\n%s", hex_dump(v.out).c_str());
    }
    printf("  replay: bench/fuzz-xdp --seed %llu --frames %llu --replay %llu\n\n",
           (unsigned long long)o_.seed, (unsigned long long)o_.frames, (unsigned long long)index);
}

int Fuzzer::run() {
    uint64_t frames = o_.replay >= 0 ? uint64_t(o_.replay) + 1 : o_.frames;
    uint64_t start = now_ns();
    for (uint64_t i = 0; i < frames; i++) {
        Rng rng(o_.seed, i);
        Frame f;
        for (;;) {
            f = gen_.make(rng);
            uint64_t t = oracle_.judge(f.bytes, {0, 0})[0].restart_timeout_ns;
            if (!t || t >= kShortestTimer) break;
            redrawn_++;
        }
        Verdict v = execute(f.bytes);
        auto alternatives = oracle_.judge(f.bytes, v.when);
        const Expectation *e = &alternatives[0];
        for (const auto &a : alternatives)
            if (a.events.size() == v.events.size()) e = &a;
        oracle_.commit(*e, v.events.empty() ? 0 : v.events[0].ts_ns);
        if (e->restart_timeout_ns) restarts_++;
        std::string problems = compare(*e, v);
        if (e->vrid >= 0)
            problems += oracle_.model(uint8_t(e->vrid))->diff(k_.rx(uint8_t(e->vrid)));
        if (problems.empty() && (i % kFullCheckEvery == kFullCheckEvery - 1 || i + 1 == frames))
            problems = check_all();
        if (v.action >= 0 && v.action <= 4) actions_[v.action]++;
        if (!problems.empty()) {
            if (!violations_++) first_violation_ = i;
            auto &kind = kinds_[counters_text(e->counters) + " -> " + counters_text(v.counters)];
            if (!kind.first++) kind.second = i;
            bool shown = o_.replay >= 0 ? int64_t(i) == o_.replay : violations_ <= o_.show;
            if (shown) report(i, f, *e, v, problems);
            resync(e->vrid);
        } else if (int64_t(i) == o_.replay) {
            report(i, f, *e, v, "");
        }
    }
    double secs = double(now_ns() - start) / kSecond;

    printf("xvrrp XDP fuzz: seed %llu, %llu frames in %.1f s: %.0f frames/s\n",
           (unsigned long long)o_.seed, (unsigned long long)frames, secs, frames / secs);
    printf(
        "Master_Down_Timer restarted by %llu adverts; %llu frames drawn again (they would "
        "have started it for less than %llu s)\n",
        (unsigned long long)restarts_, (unsigned long long)redrawn_,
        (unsigned long long)(kShortestTimer / kSecond));
    printf("verdicts:");
    for (int a = 0; a <= 4; a++)
        if (actions_[a]) printf(" %s %llu", action_name(a), (unsigned long long)actions_[a]);
    printf("\ncounters:\n");
    xvrrp_counters end = k_.state->counters();
    for (const auto &c : dataplane::counter_infos())
        if (end.*c.field != baseline_.*c.field)
            printf("  %-26s %llu\n", std::string(c.name).c_str(),
                   (unsigned long long)(end.*c.field - baseline_.*c.field));
    if (violations_) {
        printf("VIOLATIONS: %llu (first at frame %llu), by expected -> counted:\n",
               (unsigned long long)violations_, (unsigned long long)first_violation_);
        for (const auto &[kind, n] : kinds_)
            printf("  %8llu  %s (first: frame %llu)\n", (unsigned long long)n.first, kind.c_str(),
                   (unsigned long long)n.second);
        return 1;
    }
    printf("violations: 0\n");
    return 0;
}

Options parse(int argc, char **argv) {
    Options o;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        if (i + 1 >= argc) throw std::invalid_argument("'" + a + "' needs a value");
        uint64_t n = std::stoull(argv[++i]);
        if (a == "--seed")
            o.seed = n;
        else if (a == "--frames")
            o.frames = n;
        else if (a == "--replay")
            o.replay = int64_t(n);
        else if (a == "--show")
            o.show = n;
        else
            throw std::invalid_argument("unknown option '" + a + "'");
    }
    return o;
}

}  // namespace

int main(int argc, char **argv) {
    Options o;
    try {
        o = parse(argc, argv);
    } catch (const std::exception &e) {
        fprintf(stderr, "%s: %s\nusage: %s [--seed S] [--frames N] [--replay K] [--show N]\n",
                argv[0], e.what(), argv[0]);
        return 2;
    }
    try {
        Scenario sc = default_scenario();
        Kernel k;
        configure(k, sc);
        Fuzzer f(k, sc, o);
        return f.run();
    } catch (const std::exception &e) {
        fprintf(stderr, "%s: %s\n", argv[0], e.what());
        return 2;
    }
}
