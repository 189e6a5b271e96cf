#include "daemon/privileges.h"

#include <cap-ng.h>
#include <dirent.h>
#include <linux/bpf.h>
#include <linux/capability.h>
#include <signal.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cerrno>
#include <chrono>
#include <fstream>
#include <thread>
#include <vector>

#include "common/fd.h"

namespace xvrrp::daemon {
namespace {

// What the running daemon needs, found by trying each without it (docs/operations.md).
struct Kept {
    int capability;
    bool (*when)(const PrivilegeNeeds &, bool bpf_needs_cap);
};

bool always(const PrivilegeNeeds &, bool) {
    return true;
}
bool kernel_checks_bpf(const PrivilegeNeeds &, bool bpf_needs_cap) {
    return bpf_needs_cap;
}
bool dispatcher(const PrivilegeNeeds &n, bool) {
    return n.xdp_dispatcher;
}
bool hooks_switch_user(const PrivilegeNeeds &n, bool) {
    return n.hooks_switch_user;
}
bool memlock_limited(const PrivilegeNeeds &, bool) {
    rlimit lim{};
    return getrlimit(RLIMIT_MEMLOCK, &lim) != 0 || lim.rlim_cur != RLIM_INFINITY;
}

const Kept kKept[] = {
    // Service IPs on the VIP interface (netlink); at exit: detaching XDP, removing dummy0.
    {CAP_NET_ADMIN, always},
    // mlockall(MCL_FUTURE) locks every page mapped later (thread stacks, allocations). Without
    // it they count against RLIMIT_MEMLOCK, and past it allocations fail; unless unlimited.
    {CAP_IPC_LOCK, memlock_limited},
    // libxdp's dispatcher: its detach at exit finds the attached programs by id
    // (BPF_PROG_GET_FD_BY_ID). A single program is detached by its fd, which needs no more.
    {CAP_SYS_ADMIN, dispatcher},
    // Reads and updates of the maps it holds: kernels before 6.5 check every bpf() call when
    // kernel.unprivileged_bpf_disabled is set; later ones check only loading and creating.
    {CAP_BPF, kernel_checks_bpf},
    // libxdp's dispatcher: detaching our program at exit builds and loads a new dispatcher
    // for the programs that stay (kernels whose verifier refuses freplace never get here).
    {CAP_BPF, dispatcher},
    {CAP_PERFMON, dispatcher},
    // notify.user: switching a hook's credentials, and killing it at its time-out.
    {CAP_SETUID, hooks_switch_user},
    {CAP_SETGID, hooks_switch_user},
    {CAP_KILL, hooks_switch_user},
};

std::string name_of(int cap) {
    const char *n = capng_capability_to_name(static_cast<unsigned>(cap));
    std::string s = n ? n : "cap_" + std::to_string(cap);
    for (auto &c : s) c = static_cast<char>(toupper(static_cast<unsigned char>(c)));
    return "CAP_" + s;
}

// Whether this kernel refuses a bpf() call on a map fd without CAP_BPF (or CAP_SYS_ADMIN):
// asked with both out of the effective set (kept in the permitted set to come back), on an
// invalid fd: EPERM is the blanket check, EBADF says the call got past it.
bool bpf_calls_need_cap() {
    capng_get_caps_process();
    capng_updatev(CAPNG_DROP, CAPNG_EFFECTIVE, CAP_BPF, CAP_SYS_ADMIN, -1);
    if (capng_apply(CAPNG_SELECT_CAPS) != 0) return true;
    bpf_attr attr{};
    attr.map_fd = static_cast<__u32>(-1);
    long rc = syscall(SYS_bpf, BPF_MAP_LOOKUP_ELEM, &attr, sizeof attr);
    bool eperm = rc != 0 && errno == EPERM;
    capng_get_caps_process();
    capng_updatev(CAPNG_ADD, CAPNG_EFFECTIVE, CAP_BPF, CAP_SYS_ADMIN, -1);
    capng_apply(CAPNG_SELECT_CAPS);
    return eperm;
}

// ---- every thread ----------------------------------------------------------------------------
//
// Capabilities (and the bounding set) belong to a thread, not to the process: the threads
// that set-up started (advert threads) keep the full set whatever the main thread drops. Each
// is asked, by a signal, to make the same raw syscalls (async-signal-safe) that leave it with
// the main thread's sets, as glibc does for setuid().

struct ThreadTarget {
    __user_cap_header_struct header{_LINUX_CAPABILITY_VERSION_3, 0};
    __user_cap_data_struct data[_LINUX_CAPABILITY_U32S_3]{};
    int bounding_drop[64]{};
    int bounding_count = 0;
    std::atomic<int> done{0}, failed{0};
};

// Static: a thread that answers after the wait gave up (start-up then fails) still finds it.
ThreadTarget g_target;
std::atomic<bool> g_armed{false};

void apply_in_this_thread(int) {
    if (!g_armed) return;
    int saved = errno;
    ThreadTarget *t = &g_target;
    bool ok = true;
    for (int i = 0; i < t->bounding_count; i++)
        if (prctl(PR_CAPBSET_DROP, t->bounding_drop[i], 0, 0, 0) != 0) ok = false;
    prctl(PR_CAP_AMBIENT, PR_CAP_AMBIENT_CLEAR_ALL, 0, 0, 0);
    if (syscall(SYS_capset, &t->header, t->data) != 0) ok = false;
    (ok ? t->done : t->failed).fetch_add(1);
    errno = saved;
}

std::vector<pid_t> other_threads() {
    std::vector<pid_t> tids;
    DIR *d = opendir("/proc/self/task");
    if (!d) throw sys_error("capabilities: list the threads (/proc/self/task)");
    pid_t self = static_cast<pid_t>(syscall(SYS_gettid));
    while (dirent *e = readdir(d)) {
        pid_t tid = static_cast<pid_t>(atoi(e->d_name));
        if (tid > 0 && tid != self) tids.push_back(tid);
    }
    closedir(d);
    return tids;
}

// The Cap* lines of a thread's status: what the test and an operator see.
std::string cap_lines(pid_t tid) {
    std::ifstream in("/proc/self/task/" + std::to_string(tid) + "/status");
    std::string line, caps;
    while (std::getline(in, line))
        if (line.rfind("Cap", 0) == 0) caps += line + "\n";
    return caps;
}

void copy_to_other_threads() {
    ThreadTarget *target = &g_target;
    if (syscall(SYS_capget, &target->header, target->data) != 0)
        throw sys_error("capabilities: capget");
    target->bounding_count = 0;
    for (int cap = 0; cap < 64; cap++) {
        int in = prctl(PR_CAPBSET_READ, cap, 0, 0, 0);
        if (in < 0) break;  // past the kernel's last capability
        if (in == 0) target->bounding_drop[target->bounding_count++] = cap;
    }
    g_armed = true;
    // The handler stays installed, disarmed, afterwards: a late signal then does nothing (the
    // default action of a real-time signal would end the process).
    int signo = SIGRTMIN;
    struct sigaction sa {};
    sa.sa_handler = apply_in_this_thread;
    sa.sa_flags = SA_RESTART;
    sigemptyset(&sa.sa_mask);
    sigaction(signo, &sa, nullptr);
    int asked = 0;
    for (pid_t tid : other_threads())
        if (syscall(SYS_tgkill, getpid(), tid, signo) == 0) asked++;  // ESRCH: it has ended
    auto deadline = std::chrono::steady_clock::now() + std::chrono::seconds(2);
    while (target->done + target->failed < asked && std::chrono::steady_clock::now() < deadline)
        std::this_thread::sleep_for(std::chrono::milliseconds(1));
    g_armed = false;
    int answered = target->done + target->failed;
    if (answered < asked)
        throw Error("capabilities: " + std::to_string(asked - answered) + " of " +
                    std::to_string(asked) + " threads did not drop theirs within 2 s");
    if (target->failed)
        throw Error("capabilities: " + std::to_string(target->failed.load()) +
                    " thread(s) could not drop theirs");
    std::string mine = cap_lines(static_cast<pid_t>(syscall(SYS_gettid)));
    for (pid_t tid : other_threads())
        if (auto theirs = cap_lines(tid); !theirs.empty() && theirs != mine)
            throw Error("capabilities: thread " + std::to_string(tid) + " still has:\n" + theirs);
}

}  // namespace

std::string drop_privileges(const PrivilegeNeeds &needs) {
    if (capng_get_caps_process() != 0) throw Error("capabilities: read this process's");
    bool can_drop_bounding = capng_have_capability(CAPNG_EFFECTIVE, CAP_SETPCAP);
    std::vector<int> have;
    for (int cap = 0; cap <= CAP_LAST_CAP; cap++)
        if (capng_have_capability(CAPNG_PERMITTED, static_cast<unsigned>(cap))) have.push_back(cap);
    bool bpf_needs_cap = bpf_calls_need_cap();

    capng_clear(CAPNG_SELECT_ALL);
    std::string kept;
    for (const Kept &k : kKept) {
        if (!k.when(needs, bpf_needs_cap)) continue;
        if (capng_have_capability(CAPNG_PERMITTED, static_cast<unsigned>(k.capability)))
            continue;  // listed twice, for two reasons
        if (std::find(have.begin(), have.end(), k.capability) == have.end()) continue;
        capng_update(
            CAPNG_ADD,
            static_cast<capng_type_t>(CAPNG_EFFECTIVE | CAPNG_PERMITTED | CAPNG_BOUNDING_SET),
            static_cast<unsigned>(k.capability));
        kept += (kept.empty() ? "" : ", ") + name_of(k.capability);
    }
    // Without CAP_SETPCAP (a unit that left it out) the bounding set stays as it was given.
    capng_select_t what =
        can_drop_bounding ? CAPNG_SELECT_ALL
                          : static_cast<capng_select_t>(CAPNG_SELECT_CAPS | CAPNG_SELECT_AMBIENT);
    if (int rc = capng_apply(what); rc != 0)
        throw Error("capabilities: drop all but the ones needed (libcap-ng error " +
                    std::to_string(rc) + ")");
    copy_to_other_threads();
    return "capabilities from now on: " + (kept.empty() ? std::string("none") : kept) +
           "; every other one dropped" +
           (can_drop_bounding ? ", bounding set included"
                              : "; bounding set left as given (no CAP_SETPCAP to change it)");
}

}  // namespace xvrrp::daemon
