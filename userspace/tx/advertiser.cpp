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

// ---- AdvertThread ---------------------------------------------------------------------------

AdvertThread::AdvertThread(FrameSender &sender, int rt_priority, int cpu)
    : sender_(sender), rt_priority_(rt_priority), cpu_(cpu), epoch_ns_(monotonic_ns()) {
    pthread_attr_t attr;
    pthread_attr_init(&attr);
    // Under mlockall(MCL_FUTURE) a new thread's whole stack is faulted in and locked when the
    // thread is created: glibc's default 8 MiB took ~3.5 ms. The loop needs little: 128 KiB.
    pthread_attr_setstacksize(&attr, kStackBytes);
    if (rt_priority > 0) {
        sched_param param{};
        param.sched_priority = rt_priority;
        pthread_attr_setinheritsched(&attr, PTHREAD_EXPLICIT_SCHED);
        pthread_attr_setschedpolicy(&attr, SCHED_FIFO);
        pthread_attr_setschedparam(&attr, &param);
    }
    if (cpu >= 0) {
        cpu_set_t set;
        CPU_ZERO(&set);
        CPU_SET(cpu, &set);
        pthread_attr_setaffinity_np(&attr, sizeof(set), &set);
    }
    int err = pthread_create(&thread_, &attr, &AdvertThread::thread_main, this);
    pthread_attr_destroy(&attr);
    if (err != 0) {
        std::string what = "start advertiser thread";
        if (rt_priority > 0) what += " (SCHED_FIFO priority " + std::to_string(rt_priority) + ")";
        if (cpu >= 0) what += " on CPU " + std::to_string(cpu);
        if (err == EPERM) what += " (SCHED_FIFO needs CAP_SYS_NICE or RLIMIT_RTPRIO)";
        if (err == EINVAL && cpu >= 0) what += " (no such CPU, or not allowed)";
        throw sys_error(what, err);
    }
    pthread_setname_np(thread_, "xvrrp-advert");
}

AdvertThread::~AdvertThread() {
    stop_.store(true);
    wake();
    pthread_join(thread_, nullptr);
}

size_t AdvertThread::advertisers() const {
    std::lock_guard lock(mu_);
    return members_.size();
}

void AdvertThread::attach(Advertiser &a) {
    {
        std::lock_guard lock(mu_);
        a.deadline_ = 0;  // due at once
        a.extras_done_ = a.extra_requests_.load();
        a.resumes_done_ = a.resumes_.load();
        members_.push_back(&a);
        // The thread's scratch space grows here, not while it sends.
        due_.reserve(members_.size());
        frames_.reserve(members_.size());
        results_.reserve(members_.size());
    }
    wake();
}

void AdvertThread::detach(Advertiser &a) {
    std::lock_guard lock(mu_);
    std::erase(members_, &a);
}

void AdvertThread::wake() noexcept {
    wakeups_.fetch_add(1);
    syscall(SYS_futex, reinterpret_cast<uint32_t *>(&wakeups_), FUTEX_WAKE_PRIVATE, 1, nullptr,
            nullptr, 0);
}

void *AdvertThread::thread_main(void *self) {
    static_cast<AdvertThread *>(self)->run();
    return nullptr;
}

void AdvertThread::run() noexcept {
    // Timers of a SCHED_OTHER thread fire up to 50 us late by default (timer slack); adverts at
    // sub-millisecond intervals want the deadline itself.
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

    for (;;) {
        const uint32_t seen = wakeups_.load();
        if (stop_.load()) break;
        uint64_t next = 0;  // the earliest deadline of an advertiser not parked; 0: none
        {
            std::lock_guard lock(mu_);
            const uint64_t now = monotonic_ns();
            due_.clear();
            for (Advertiser *a : members_) {
                if (a->parked_.load()) {
                    // Parked (a backup): no deadline, no wake-ups until resume() or stop().
                    a->extras_done_ = a->extra_requests_.load();
                    a->idle_.store(true);
                    continue;
                }
                a->idle_.store(false);
                if (const uint32_t r = a->resumes_.load(); r != a->resumes_done_) {
                    a->resumes_done_ = r;
                    a->deadline_ = 0;  // a new master advertises at once (RFC 5798 6.4.2)
                }
                bool extra = false;
                if (const uint32_t x = a->extra_requests_.load(); x != a->extras_done_) {
                    a->extras_done_ = x;  // several send_now() before we ran: one advert
                    extra = true;
                }
                const bool periodic = now >= a->deadline_;
                if (periodic) a->next_deadline(now, epoch_ns_);
                if (periodic || extra) due_.push_back({a, !periodic});
                if (next == 0 || a->deadline_ < next) next = a->deadline_;
            }
            send_batch();
        }
        wait_until(wakeups_, seen, next);
    }
}

// Sends the frames of due_ in one call to the sender, then accounts for each.
void AdvertThread::send_batch() noexcept {
    if (due_.empty()) return;
    frames_.clear();
    for (Due &d : due_) {
        d.slot = d.a->pin_slot();
        const auto &s = d.a->slots_[size_t(d.slot)];
        if (s.size == 0) {  // no frame yet: nothing to send for it
            d.a->unpin_slot();
            d.slot = -1;
            continue;
        }
        frames_.emplace_back(s.bytes.data(), s.size);
    }
    results_.assign(frames_.size(), 0);  // within the capacity reserved by attach()
    sender_.send_batch(frames_, results_);
    const uint64_t now = monotonic_ns();
    size_t i = 0;
    for (Due &d : due_) {
        if (d.slot < 0) continue;
        d.a->unpin_slot();
        d.a->account(results_[i++], d.extra, now);
    }
}

// ---- Advertiser -----------------------------------------------------------------------------

Advertiser::Advertiser(FrameSender &sender, AdvertiserOptions options)
    : sender_(sender), options_(std::move(options)), own_thread_(true) {}

Advertiser::Advertiser(std::shared_ptr<AdvertThread> thread, AdvertiserOptions options)
    : sender_(thread->sender()),
      options_(std::move(options)),
      thread_(std::move(thread)),
      own_thread_(false) {}

Advertiser::~Advertiser() {
    stop();
}

void Advertiser::start(vrrp::Duration interval, bool parked) {
    if (running_) throw Error("advertiser on " + std::string(sender_.name()) + ": already running");
    if (interval.count() <= 0) throw Error("advertiser: the interval must be positive");
    if (own_thread_)
        thread_ = std::make_shared<AdvertThread>(sender_, options_.rt_priority, options_.cpu);
    interval_ns_.store(interval.count());
    parked_.store(parked);
    idle_.store(false);
    thread_->attach(*this);
    running_ = true;
}

void Advertiser::stop() {
    if (!running_) return;
    thread_->detach(*this);
    running_ = false;
    if (own_thread_) thread_.reset();  // joins it
}

void Advertiser::set_frame(std::span<const uint8_t> frame) {
    if (frame.size() > kMaxFrameSize)
        throw Error("advertiser: frame of " + std::to_string(frame.size()) +
                    " bytes exceeds the Ethernet maximum of " + std::to_string(kMaxFrameSize));
    // Write the slot the sender thread is not reading. It may still be sending out of it for
    // a batch that started before the previous publish: wait for that (microseconds).
    const int slot = 1 - published_.load();
    while (reading_.load() == slot) sched_yield();
    Slot &s = slots_[size_t(slot)];
    std::memcpy(s.bytes.data(), frame.data(), frame.size());
    s.size = frame.size();
    published_.store(slot);
}

void Advertiser::park() {
    parked_.store(true);
    if (!running_) return;
    thread_->wake();
    // Return only once the thread is idle for us, so that no on_sent() (a lease renewal) can
    // follow.
    while (!idle_.load()) sched_yield();
}

void Advertiser::resume() {
    // Not idle from now on: a park() right after this must wait for the thread to see it.
    idle_.store(false);
    resumes_.fetch_add(1);
    parked_.store(false);
    if (running_) thread_->wake();
}

void Advertiser::set_interval(vrrp::Duration interval) {
    if (interval.count() <= 0) throw Error("advertiser: the interval must be positive");
    interval_ns_.store(interval.count());
}

void Advertiser::send_now() {
    extra_requests_.fetch_add(1);
    if (running_) thread_->wake();
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

int Advertiser::pin_slot() noexcept {
    // Announce a slot, then check that it is still the published one (the writer only writes
    // the other slot, and waits while we announce that one). All seq_cst.
    int slot;
    do {
        slot = published_.load();
        reading_.store(slot);
    } while (published_.load() != slot);
    return slot;
}

// The deadline `now` met has passed: the next one is the first grid point after now. On time,
// that is the deadline plus one interval (no drift). More than one interval late (a stall, a
// preempted VM): the missed adverts are skipped, not sent in a burst, and counted. Right after
// start or resume (deadline 0), the first grid point may be closer than an interval: one early
// advert, so that from then on this advertiser shares the thread's wake-ups.
void Advertiser::next_deadline(uint64_t now, uint64_t epoch) noexcept {
    const uint64_t interval = uint64_t(interval_ns_.load());
    if (deadline_ != 0) {
        const uint64_t lateness = now - deadline_;
        if (lateness > max_lateness_ns_.load(std::memory_order_relaxed))
            max_lateness_ns_.store(lateness, std::memory_order_relaxed);
        if (lateness >= interval) {
            bump(late_wakeups_);
            bump(skipped_, lateness / interval);
        }
    }
    deadline_ = epoch + ((now - epoch) / interval + 1) * interval;
}

void Advertiser::account(int err, bool extra, uint64_t now) noexcept {
    if (err != 0) {
        bump(send_errors_);
        last_error_.store(err, std::memory_order_relaxed);
        return;
    }
    bump(sent_);
    if (extra) bump(extra_sent_);
    if (options_.on_sent) options_.on_sent(now);
}

}  // namespace xvrrp::tx
