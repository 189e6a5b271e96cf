// bench_stall_floor: how late this host wakes a real-time thread, on each CPU and on all CPUs at
// once: the floor under any timing figure measured here. One SCHED_FIFO thread per CPU, pinned,
// sleeps to absolute CLOCK_MONOTONIC deadlines every --period-us and records every wake-up later
// than --threshold-us as a [deadline, woke] span. The stalls that matter to failover are of two
// kinds: one CPU late while another runs (a second advert thread hides them), and every CPU late
// at once (nothing in user space hides them; the kernel's late-expiry grace is for those).
//
//   bench_stall_floor --seconds S [--period-us 200] [--threshold-us 300] [--rt 60]
//                     [--json FILE] [--episodes]
// Prints one line per CPU and one for all CPUs at once; --json writes the figures and, with
// --episodes, every late span of each CPU and every all-CPU episode as [start_ns, end_ns] on
// CLOCK_MONOTONIC, so that a benchmark can tell which of its events happened during one.
// SIGINT/SIGTERM end it early.
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <sys/mman.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>
#include <vector>

namespace {

struct Span {
    int64_t from, to;  // deadline, wake-up (CLOCK_MONOTONIC ns)
};

struct Cpu {
    int cpu = 0;
    uint64_t wakeups = 0, late = 0;
    int64_t worst = 0;
    std::vector<Span> spans;
};

std::atomic<bool> g_stop{false};
int64_t g_period = 200'000, g_threshold = 300'000, g_end = 0;
int g_rt = 60;

int64_t now_ns() {
    timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return int64_t(t.tv_sec) * 1'000'000'000 + t.tv_nsec;
}

void *run(void *arg) {
    Cpu &w = *static_cast<Cpu *>(arg);
    cpu_set_t set;
    CPU_ZERO(&set);
    CPU_SET(w.cpu, &set);
    pthread_setaffinity_np(pthread_self(), sizeof set, &set);
    sched_param p{};
    p.sched_priority = g_rt;
    if (g_rt > 0) pthread_setschedparam(pthread_self(), SCHED_FIFO, &p);
    int64_t next = now_ns() + g_period;
    while (!g_stop.load(std::memory_order_relaxed) && next < g_end) {
        timespec ts{time_t(next / 1'000'000'000), long(next % 1'000'000'000)};
        clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME, &ts, nullptr);
        int64_t t = now_ns(), late = t - next;
        w.wakeups++;
        w.worst = std::max(w.worst, late);
        if (late > g_threshold) {
            w.late++;
            w.spans.push_back({next, t});
        }
        next += g_period;
        if (t > next) next = t + g_period - (t - next) % g_period;  // skip the missed ones
    }
    return nullptr;
}

void on_signal(int) {
    g_stop = true;
}

// Intervals during which every CPU was inside one of its late spans: a sweep over the spans.
std::vector<Span> joint_episodes(const std::vector<Cpu> &cpus) {
    std::vector<Span> joint = cpus[0].spans;
    for (size_t c = 1; c < cpus.size(); c++) {
        std::vector<Span> out;
        const auto &b = cpus[c].spans;
        size_t i = 0, j = 0;
        while (i < joint.size() && j < b.size()) {
            int64_t lo = std::max(joint[i].from, b[j].from), hi = std::min(joint[i].to, b[j].to);
            if (lo < hi) out.push_back({lo, hi});
            if (joint[i].to < b[j].to)
                i++;
            else
                j++;
        }
        joint = std::move(out);
    }
    return joint;
}

int usage(const char *me) {
    fprintf(stderr,
            "usage: %s --seconds S [--period-us N] [--threshold-us N] [--rt PRIO] "
            "[--json FILE] [--episodes]\n",
            me);
    return 2;
}

}  // namespace

int main(int argc, char **argv) {
    double seconds = 0;
    const char *json = nullptr;
    bool episodes = false;
    for (int i = 1; i < argc; i++) {
        std::string a = argv[i];
        auto value = [&]() -> const char * { return i + 1 < argc ? argv[++i] : nullptr; };
        const char *v = nullptr;
        if (a == "--episodes") {
            episodes = true;
            continue;
        }
        if (!(v = value())) return usage(argv[0]);
        if (a == "--seconds")
            seconds = atof(v);
        else if (a == "--period-us")
            g_period = int64_t(atof(v) * 1000);
        else if (a == "--threshold-us")
            g_threshold = int64_t(atof(v) * 1000);
        else if (a == "--rt")
            g_rt = atoi(v);
        else if (a == "--json")
            json = v;
        else
            return usage(argv[0]);
    }
    if (seconds <= 0 || g_period <= 0 || g_threshold < 0) return usage(argv[0]);
    signal(SIGINT, on_signal);
    signal(SIGTERM, on_signal);
    mlockall(MCL_CURRENT | MCL_FUTURE);

    cpu_set_t allowed;
    sched_getaffinity(0, sizeof allowed, &allowed);
    std::vector<Cpu> cpus;
    for (int c = 0; c < CPU_SETSIZE; c++)
        if (CPU_ISSET(c, &allowed)) {
            Cpu cpu;
            cpu.cpu = c;
            cpus.push_back(std::move(cpu));
        }
    for (auto &c : cpus) c.spans.reserve(100'000);
    const int64_t start = now_ns();
    g_end = start + int64_t(seconds * 1e9);
    std::vector<pthread_t> threads(cpus.size());
    for (size_t i = 0; i < cpus.size(); i++)
        if (int err = pthread_create(&threads[i], nullptr, run, &cpus[i])) {
            fprintf(stderr, "%s: thread for CPU %d: %s\n", argv[0], cpus[i].cpu, strerror(err));
            return 1;
        }
    for (auto &t : threads) pthread_join(t, nullptr);
    const double measured = double(now_ns() - start) / 1e9;

    auto joint = joint_episodes(cpus);
    int64_t joint_total = 0, joint_longest = 0;
    const double edges_ms[] = {0.5, 1, 2, 5, 10};
    uint64_t by_length[6] = {};
    for (const auto &e : joint) {
        int64_t len = e.to - e.from;
        joint_total += len;
        joint_longest = std::max(joint_longest, len);
        int b = 0;
        while (b < 5 && double(len) / 1e6 >= edges_ms[b]) b++;
        by_length[b]++;
    }
    for (const auto &c : cpus)
        printf("cpu%d: %llu wake-ups, %llu later than %.0f us, worst %.3f ms\n", c.cpu,
               (unsigned long long)c.wakeups, (unsigned long long)c.late, double(g_threshold) / 1e3,
               double(c.worst) / 1e6);
    printf(
        "all CPUs late at once: %zu episodes, %.3f ms in all, longest %.3f ms "
        "(<0.5 ms %llu, 0.5-1 %llu, 1-2 %llu, 2-5 %llu, 5-10 %llu, >=10 %llu) in %.1f s\n",
        joint.size(), double(joint_total) / 1e6, double(joint_longest) / 1e6,
        (unsigned long long)by_length[0], (unsigned long long)by_length[1],
        (unsigned long long)by_length[2], (unsigned long long)by_length[3],
        (unsigned long long)by_length[4], (unsigned long long)by_length[5], measured);

    if (json) {
        FILE *f = fopen(json, "w");
        if (!f) {
            fprintf(stderr, "%s: %s: %s\n", argv[0], json, strerror(errno));
            return 1;
        }
        fprintf(f, "{\"seconds\":%.3f,\"period_us\":%.1f,\"threshold_us\":%.1f,\"cpus\":[",
                measured, double(g_period) / 1e3, double(g_threshold) / 1e3);
        for (size_t i = 0; i < cpus.size(); i++) {
            fprintf(f, "%s{\"cpu\":%d,\"wakeups\":%llu,\"late\":%llu,\"worst_ms\":%.3f",
                    i ? "," : "", cpus[i].cpu, (unsigned long long)cpus[i].wakeups,
                    (unsigned long long)cpus[i].late, double(cpus[i].worst) / 1e6);
            if (episodes) {
                fprintf(f, ",\"spans_ns\":[");
                for (size_t k = 0; k < cpus[i].spans.size(); k++)
                    fprintf(f, "%s[%lld,%lld]", k ? "," : "", (long long)cpus[i].spans[k].from,
                            (long long)cpus[i].spans[k].to);
                fprintf(f, "]");
            }
            fprintf(f, "}");
        }
        fprintf(f,
                "],\"all_cpus\":{\"episodes\":%zu,\"total_ms\":%.3f,\"longest_ms\":%.3f,"
                "\"by_length_ms\":{\"<0.5\":%llu,\"0.5-1\":%llu,\"1-2\":%llu,\"2-5\":%llu,"
                "\"5-10\":%llu,\">=10\":%llu}",
                joint.size(), double(joint_total) / 1e6, double(joint_longest) / 1e6,
                (unsigned long long)by_length[0], (unsigned long long)by_length[1],
                (unsigned long long)by_length[2], (unsigned long long)by_length[3],
                (unsigned long long)by_length[4], (unsigned long long)by_length[5]);
        if (episodes) {
            fprintf(f, ",\"spans_ns\":[");
            for (size_t i = 0; i < joint.size(); i++)
                fprintf(f, "%s[%lld,%lld]", i ? "," : "", (long long)joint[i].from,
                        (long long)joint[i].to);
            fprintf(f, "]");
        }
        fprintf(f, "}}\n");
        fclose(f);
    }
    return 0;
}
