#include "tx/advertiser.h"

#include <linux/futex.h>
#include <sched.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "common/fd.h"

namespace xvrrp::tx {

namespace {

static_assert(std::atomic<uint32_t>::is_always_lock_free && sizeof(std::atomic<uint32_t>) == 4,
              "the futex word must be a plain 32-bit integer");

uint64_t monotonic_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);  // vDSO: no syscall
    return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
}

// Sleeps until the absolute CLOCK_MONOTONIC time `deadline_ns`, or until *word != expected
// (another thread bumped it and called FUTEX_WAKE). FUTEX_WAIT_BITSET takes an ABSOLUTE
// CLOCK_MONOTONIC timeout: the same pacing as clock_nanosleep(CLOCK_MONOTONIC, TIMER_ABSTIME),
// but send_now() and stop() can wake it.
// Waits until the word changes or the absolute CLOCK_MONOTONIC deadline (0: no deadline).
void wait_until(std::atomic<uint32_t> &word, uint32_t expected, uint64_t deadline_ns) {
    timespec ts{};
    ts.tv_sec = time_t(deadline_ns / 1'000'000'000u);
    ts.tv_nsec = long(deadline_ns % 1'000'000'000u);
    syscall(SYS_futex, reinterpret_cast<uint32_t *>(&word), FUTEX_WAIT_BITSET | FUTEX_PRIVATE_FLAG,
            expected, deadline_ns ? &ts : nullptr, nullptr, FUTEX_BITSET_MATCH_ANY);
    // EAGAIN (word already changed), EINTR, ETIMEDOUT: the caller re-checks everything.
}

template <class T>
void bump(std::atomic<T> &counter, T by = 1) {  // single writer: no read-modify-write needed
    counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

}  // namespace

std::string lock_process_memory() {
    if (mlockall(MCL_CURRENT | MCL_FUTURE) == 0) return "";
    int err = errno;
    return std::string("mlockall: ") + std::strerror(err) +
           " (needs CAP_IPC_LOCK or a larger RLIMIT_MEMLOCK); adverts may be delayed by page "
           "faults under memory pressure";
}

Advertiser::Advertiser(FrameSender &sender, AdvertiserOptions options)
    : sender_(sender), options_(std::move(options)) {}

Advertiser::~Advertiser() {
    stop();
}

void Advertiser::start(vrrp::Duration interval, bool parked) {
    if (running_) throw Error("advertiser on " + std::string(sender_.name()) + ": already running");
    if (interval.count() <= 0) throw Error("advertiser: the interval must be positive");
    interval_ns_.store(interval.count());
    stop_.store(false);
    parked_.store(parked);
    idle_.store(false);

    pthread_attr_t attr;
    pthread_attr_init(&attr);
    // Under mlockall(MCL_FUTURE) a new thread's whole stack is faulted in and locked when the
    // thread is created: glibc's default 8 MiB took ~3.5 ms, which a takeover waited for before
    // its first advert. The loop needs little: 128 KiB.
    pthread_attr_setstacksize(&attr, kStackBytes);
    if (options_.rt_priority > 0) {
        sched_param param{};
        param.sched_priority = options_.rt_priority;
        pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
        pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
        pthread_attr_setschedparam(&attr, &param);
    }
    if (options_.cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(options_.cpu, &set);
        pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
    }
    int err = pthread_create(&thread_, &attr, &Advertiser::thread_main, this);
    pthread_attr_destroy(&attr);
    if (err != 0) {
        std::string what = "start advertiser thread";
        if (options_.rt_priority > 0)
            what += " (SCHED_FIFO priority " + std::to_string(options_.rt_priority) + ")";
        if (options_.cpu >= 0) what += " on CPU " + std::to_string(options_.cpu);
        if (err == EPERM) what += " (SCHED_FIFO needs CAP_SYS_NICE or RLIMIT_RTPRIO)";
        if (err == EINVAL && options_.cpu >= 0) what += " (no such CPU, or not allowed)";
        throw sys_error(what, err);
    }
    pthread_setname_np(thread_, "xvrrp-advert");
    running_ = true;
}

void Advertiser::stop() {
    if (!running_) return;
    stop_.store(true);
    wake();
    pthread_join(thread_, nullptr);
    running_ = false;
}

void Advertiser::set_frame(std::span<const uint8_t> frame) {
    if (frame.size() > kMaxFrameSize)
        throw Error("advertiser: frame of " + std::to_string(frame.size()) +
                    " bytes exceeds the Ethernet maximum of " + std::to_string(kMaxFrameSize));
    // Write the slot the sender thread is not reading. It may still be copying out of it for
    // one send that started before the previous publish: wait for that (microseconds).
    const int slot = 1 - published_.load();
    while (reading_.load() == slot) sched_yield();
    Slot &s = slots_[size_t(slot)];
    std::memcpy(s.bytes.data(), frame.data(), frame.size());
    s.size = frame.size();
    published_.store(slot);
}

void Advertiser::park() {
    parked_.store(true);
    wake();
    // Return only once the thread is idle, so that no on_sent() (a lease renewal) can follow.
    while (running_ && !idle_.load()) sched_yield();
}

void Advertiser::resume() {
    resumes_.fetch_add(1);
    parked_.store(false);
    wake();
}

void Advertiser::set_interval(vrrp::Duration interval) {
    if (interval.count() <= 0) throw Error("advertiser: the interval must be positive");
    interval_ns_.store(interval.count());
}

void Advertiser::send_now() {
    extra_requests_.fetch_add(1);
    wake();
}

void Advertiser::wake() noexcept {
    wakeups_.fetch_add(1);
    syscall(SYS_futex, reinterpret_cast<uint32_t *>(&wakeups_), FUTEX_WAKE_PRIVATE, 1, nullptr,
            nullptr, 0);
}

AdvertiserStats Advertiser::stats() const {
    AdvertiserStats s;
    s.sent = sent_.load(std::memory_order_relaxed);
    s.extra_sent = extra_sent_.load(std::memory_order_relaxed);
    s.send_errors = send_errors_.load(std::memory_order_relaxed);
    s.last_error = last_error_.load(std::memory_order_relaxed);
    s.late_wakeups = late_wakeups_.load(std::memory_order_relaxed);
    s.skipped = skipped_.load(std::memory_order_relaxed);
    s.max_lateness_ns = max_lateness_ns_.load(std::memory_order_relaxed);
    return s;
}

void *Advertiser::thread_main(void *self) {
    static_cast<Advertiser *>(self)->run();
    return nullptr;
}

void Advertiser::send_current(bool extra) noexcept {
    // Pin a slot: announce it, then check that it is still the published one (the writer only
    // writes the other slot, and waits while we announce that one). All seq_cst.
    int slot;
    do {
        slot = published_.load();
        reading_.store(slot);
    } while (published_.load() != slot);
    const Slot &s = slots_[size_t(slot)];
    int err = s.size == 0 ? -1 : sender_.send(std::span<const uint8_t>(s.bytes.data(), s.size));
    reading_.store(-1);

    if (err < 0) return;  // no frame yet
    if (err != 0) {
        bump(send_errors_);
        last_error_.store(err, std::memory_order_relaxed);
        return;
    }
    bump(sent_);
    if (extra) bump(extra_sent_);
    if (options_.on_sent) options_.on_sent(monotonic_ns());
}

void Advertiser::run() noexcept {
    // Timers of a SCHED_OTHER thread fire up to 50 us late by default (timer slack); adverts at
    // sub-millisecond intervals want the deadline itself.
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

    uint32_t extras_done = extra_requests_.load();
    uint32_t resumes_done = resumes_.load();
    uint64_t deadline = monotonic_ns();  // the first advert goes out at once
    for (;;) {
        const uint32_t seen = wakeups_.load();
        if (stop_.load()) break;
        if (parked_.load()) {
            // Parked (a backup): no deadline, no wake-ups, no CPU until resume() or stop().
            extras_done = extra_requests_.load();
            idle_.store(true);
            wait_until(wakeups_, seen, 0);
            continue;
        }
        idle_.store(false);
        if (const uint32_t r = resumes_.load(); r != resumes_done) {
            resumes_done = r;
            deadline = monotonic_ns();  // a new master advertises at once (RFC 5798 6.4.2)
        }

        const uint32_t extras = extra_requests_.load();
        if (extras != extras_done) {
            extras_done = extras;  // several send_now() before we ran: one advert answers all
            send_current(true);
        }

        const uint64_t now = monotonic_ns();
        if (now < deadline) {
            wait_until(wakeups_, seen, deadline);
            continue;
        }
        const uint64_t lateness = now - deadline;
        if (lateness > max_lateness_ns_.load(std::memory_order_relaxed))
            max_lateness_ns_.store(lateness, std::memory_order_relaxed);
        send_current(false);

        // Next deadline = previous deadline + interval: no drift. When we fell more than one
        // interval behind (a stall, a preempted VM), do not burst the missed adverts out:
        // keep the phase, skip to the next deadline in the future, and count it.
        const uint64_t interval = uint64_t(interval_ns_.load());
        if (lateness >= interval) {
            const uint64_t missed = lateness / interval;
            bump(late_wakeups_);
            bump(skipped_, missed);
            deadline += (missed + 1) * interval;
        } else {
            deadline += interval;
        }
    }
}

}  // namespace xvrrp::tx
