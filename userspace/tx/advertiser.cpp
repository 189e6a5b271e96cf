#include "tx/advertiser.h"

#include <sched.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <bit>
#include <cerrno>
#include <cstring>

namespace xvrrp::tx {

namespace {

uint64_t monotonic_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);  // vDSO: no syscall
    return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
}

// The origin of every lane's grid, shared by the whole process: lanes of one interval and
// index advertise in the same wake-up whichever instance they belong to.
uint64_t grid_epoch() {
    static const uint64_t epoch = monotonic_ns();
    return epoch;
}

template <class T>
void bump(std::atomic<T> &counter, T by = 1) {  // single writer: no read-modify-write needed
    counter.store(counter.load(std::memory_order_relaxed) + by, std::memory_order_relaxed);
}

enum : uint64_t { kWakeTag = 1, kRingTag = 2 };

}  // namespace

std::string lock_process_memory() {
    if (mlockall(MCL_CURRENT | MCL_FUTURE) == 0) return "";
    int err = errno;
    return std::string("mlockall: ") + std::strerror(err) +
           " (needs CAP_IPC_LOCK or a larger RLIMIT_MEMLOCK); adverts may be delayed by page "
           "faults under memory pressure";
}

std::string_view to_string(Spread spread) {
    return spread == Spread::Redundant ? "redundant" : "staggered";
}

size_t LatenessHistogram::bucket(uint64_t lateness_ns) {
    const uint64_t us = lateness_ns / 1000;
    const size_t b = us < 2 ? 0 : size_t(std::bit_width(us) - 1);  // floor(log2(us))
    return std::min(b, kBuckets - 1);
}

// ---- AdvertThread ---------------------------------------------------------------------------

AdvertThread::AdvertThread(FrameSender &sender, int rt_priority, int cpu, int takeover_fd)
    : sender_(sender), rt_priority_(rt_priority), cpu_(cpu) {
    epoll_.reset(epoll_create1(EPOLL_CLOEXEC));
    wake_fd_.reset(eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC));
    if (!epoll_ || !wake_fd_) throw sys_error("advert thread: epoll/eventfd");
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = kWakeTag;
    if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, wake_fd_.get(), &ev))
        throw sys_error("advert thread: epoll_ctl");
    if (takeover_fd >= 0) {
        // Edge-triggered and never read here: the loop reads the ring; each new event (a
        // takeover is submitted with BPF_RB_FORCE_WAKEUP) wakes this thread once.
        ev.events = EPOLLIN | EPOLLET;
        ev.data.u64 = kRingTag;
        if (epoll_ctl(epoll_.get(), EPOLL_CTL_ADD, takeover_fd, &ev))
            throw sys_error("advert thread: watch the event ring");
    }
    (void)grid_epoch();

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
        std::string what = "start advert thread";
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

void AdvertThread::attach(AdvertLane &lane) {
    {
        std::lock_guard lock(mu_);
        lane.deadline = 0;  // due at once
        lane.extras_done = lane.owner->extra_requests_.load();
        lane.resumes_done = lane.owner->resumes_.load();
        members_.push_back(&lane);
        // The thread's scratch space grows here, not while it sends.
        frame_capacity_ += lane.owner->options_.max_frames;
        due_.reserve(members_.size());
        frames_.reserve(frame_capacity_ + kTakeoverGarpBudget);
        results_.reserve(frame_capacity_ + kTakeoverGarpBudget);
        takeover_frames_.reserve(kTakeoverGarpBudget);
        takeover_owners_.reserve(members_.size());
    }
    wake();
}

void AdvertThread::detach(AdvertLane &lane) {
    std::lock_guard lock(mu_);
    if (std::erase(members_, &lane)) frame_capacity_ -= lane.owner->options_.max_frames;
}

void AdvertThread::wake() noexcept {
    uint64_t one = 1;
    [[maybe_unused]] ssize_t n = write(wake_fd_.get(), &one, sizeof one);
}

void *AdvertThread::thread_main(void *self) {
    static_cast<AdvertThread *>(self)->run();
    return nullptr;
}

void AdvertThread::run() noexcept {
    // Timers of a SCHED_OTHER thread fire up to 50 us late by default (timer slack); adverts at
    // sub-millisecond intervals want the deadline itself.
    prctl(PR_SET_TIMERSLACK, 1UL, 0UL, 0UL, 0UL);

    epoll_event events[4];
    for (;;) {
        if (stop_.load()) break;
        uint64_t next = 0;  // the earliest deadline of a lane not parked; 0: none
        {
            std::lock_guard lock(mu_);
            uint64_t now = monotonic_ns();
            takeover_frames_.clear();
            if (takeover_pending_) {
                takeover_pending_ = false;
                check_takeovers(now);
            }
            due_.clear();
            for (AdvertLane *lane : members_) {
                Advertiser &a = *lane->owner;
                if (a.parked_.load()) {
                    // Parked (a backup): no deadline, no wake-ups until resume() or stop().
                    lane->extras_done = a.extra_requests_.load();
                    lane->idle.store(true);
                    continue;
                }
                lane->idle.store(false);
                if (const uint32_t r = a.resumes_.load(); r != lane->resumes_done) {
                    lane->resumes_done = r;
                    lane->deadline = 0;  // a new master advertises at once (RFC 5798 6.4.2)
                }
                bool extra = false;
                if (const uint32_t x = a.extra_requests_.load(); x != lane->extras_done) {
                    lane->extras_done = x;  // several send_now() before we ran: one advert
                    extra = true;
                }
                const bool periodic = now >= lane->deadline;
                if (periodic) a.next_deadline(*lane, now);
                if (periodic || extra) due_.push_back({lane, !periodic});
                if (next == 0 || lane->deadline < next) next = lane->deadline;
            }
            send_batch();
        }
        timespec timeout{}, *wait = nullptr;
        if (next != 0) {
            const uint64_t now = monotonic_ns();
            const uint64_t left = next > now ? next - now : 0;
            timeout.tv_sec = time_t(left / 1'000'000'000u);
            timeout.tv_nsec = long(left % 1'000'000'000u);
            wait = &timeout;
        }
        int n = epoll_pwait2(epoll_.get(), events, 4, wait, nullptr);
        for (int i = 0; i < n; i++) {
            if (events[i].data.u64 == kRingTag) {
                takeover_pending_ = true;
            } else {
                uint64_t count;
                [[maybe_unused]] ssize_t r = read(wake_fd_.get(), &count, sizeof count);
            }
        }
    }
}

// The ring woke us: for every advertiser of ours that the kernel just took over for, be the
// first to send its takeover frames (claim_takeover decides who is).
void AdvertThread::check_takeovers(uint64_t now) noexcept {
    (void)now;
    size_t budget = kTakeoverGarpBudget;
    takeover_owners_.clear();
    for (AdvertLane *lane : members_) {
        const size_t first = takeover_frames_.size();
        bool garp = false;
        uint64_t stamp = lane->owner->try_take_over(budget, takeover_frames_, garp);
        if (stamp && garp)
            takeover_owners_.push_back(
                {lane->owner, stamp, first, takeover_frames_.size() - first});
    }
}

// Sends the adverts of due_ (then a takeover's gratuitous ARP) in one call to the sender, then
// accounts for each advert.
void AdvertThread::send_batch() noexcept {
    if (due_.empty() && takeover_frames_.empty()) return;
    frames_.clear();
    for (Due &d : due_) {
        Advertiser &a = *d.lane->owner;
        d.slot = a.pin_slot(*d.lane);
        const auto &s = a.slots_[size_t(d.slot)];
        if (s.sizes.empty()) {  // no frame yet: nothing to send for it
            d.lane->reading.store(-1);
            d.slot = -1;
            continue;
        }
        d.first = frames_.size();
        d.count = s.sizes.size();
        for (size_t k = 0; k < s.sizes.size(); k++)
            frames_.emplace_back(s.bytes.data() + k * Advertiser::kMaxFrameSize, s.sizes[k]);
    }
    const size_t adverts = frames_.size();
    for (auto f : takeover_frames_) frames_.push_back(f);
    results_.assign(frames_.size(), 0);  // within the capacity reserved by attach()
    sender_.send_batch(frames_, results_);
    const uint64_t now = monotonic_ns();
    for (Due &d : due_) {
        if (d.slot < 0) continue;
        d.lane->reading.store(-1);
        size_t refused = 0;
        int err = 0;
        for (size_t k = d.first; k < d.first + d.count; k++)
            if (results_[k] != 0) refused++, err = results_[k];
        d.lane->owner->account(*d.lane, d.count - refused, refused, err, d.extra, now);
    }
    // A takeover's gratuitous ARP that the sender did not take all of is the loop's to send.
    for (const TakeoverGarp &t : takeover_owners_) {
        bool all = true;
        for (size_t k = 0; k < t.count; k++) all = all && results_[adverts + t.first + k] == 0;
        t.a->takeover_garp_done(t.stamp, all);
    }
    takeover_owners_.clear();
}

// ---- Advertiser -----------------------------------------------------------------------------

Advertiser::Advertiser(std::vector<std::shared_ptr<AdvertThread>> threads,
                       AdvertiserOptions options)
    : threads_(std::move(threads)), options_(std::move(options)) {
    if (threads_.empty()) throw Error("advertiser: needs at least one advert thread");
    if (options_.max_frames == 0) throw Error("advertiser: max_frames must be at least 1");
    for (Slot &s : slots_) {
        s.bytes.assign(options_.max_frames * kMaxFrameSize, 0);
        s.sizes.reserve(options_.max_frames);
    }
    for (auto &t : threads_) {
        auto lane = std::make_unique<AdvertLane>();
        lane->owner = this;
        lane->thread = t.get();
        lanes_.push_back(std::move(lane));
    }
}

Advertiser::Advertiser(std::shared_ptr<AdvertThread> thread, AdvertiserOptions options)
    : Advertiser(std::vector<std::shared_ptr<AdvertThread>>{std::move(thread)},
                 std::move(options)) {}

Advertiser::~Advertiser() {
    stop();
}

void Advertiser::layout_lanes() {
    const uint64_t interval = uint64_t(interval_ns_.load());
    const uint64_t n = lanes_.size();
    for (uint64_t k = 0; k < n; k++) {
        AdvertLane &lane = *lanes_[k];
        if (options_.spread == Spread::Redundant) {
            lane.period_ns = interval;
            lane.phase_ns = k * interval / n;
        } else {
            lane.period_ns = n * interval;
            lane.phase_ns = k * interval;
        }
    }
}

void Advertiser::start(vrrp::Duration interval, bool parked) {
    if (running_) throw Error("advertiser on " + std::string(sender_name()) + ": already running");
    if (interval.count() <= 0) throw Error("advertiser: the interval must be positive");
    interval_ns_.store(interval.count());
    layout_lanes();
    parked_.store(parked);
    for (auto &lane : lanes_) {
        lane->idle.store(false);
        lane->thread->attach(*lane);
    }
    running_ = true;
}

void Advertiser::stop() {
    if (!running_) return;
    for (auto &lane : lanes_) lane->thread->detach(*lane);
    running_ = false;
}

void Advertiser::set_frame(std::span<const uint8_t> frame) {
    if (frame.empty()) return set_frames({});
    std::vector<uint8_t> one(frame.begin(), frame.end());
    set_frames(std::span(&one, 1));
}

void Advertiser::set_frames(std::span<const std::vector<uint8_t>> frames) {
    if (frames.size() > options_.max_frames)
        throw Error("advertiser: " + std::to_string(frames.size()) + " frames for one advert, " +
                    std::to_string(options_.max_frames) + " at most");
    for (const auto &frame : frames)
        if (frame.size() > kMaxFrameSize)
            throw Error("advertiser: frame of " + std::to_string(frame.size()) +
                        " bytes exceeds the Ethernet maximum of " + std::to_string(kMaxFrameSize));
    // Write the slot no lane is reading. A lane may still be sending out of it for a batch
    // that started before the previous publish: wait for that (microseconds).
    const int slot = 1 - published_.load();
    for (auto &lane : lanes_)
        while (lane->reading.load() == slot) sched_yield();
    Slot &s = slots_[size_t(slot)];
    s.sizes.clear();  // within the capacity reserved by the constructor
    for (size_t k = 0; k < frames.size(); k++) {
        std::memcpy(s.bytes.data() + k * kMaxFrameSize, frames[k].data(), frames[k].size());
        s.sizes.push_back(frames[k].size());
    }
    published_.store(slot);
}

void Advertiser::park() {
    {
        std::lock_guard lock(ctl_);
        parked_.store(true);
    }
    if (!running_) return;
    for (auto &lane : lanes_) lane->thread->wake();
    // Return only once every lane is idle for us, so that no on_sent() (a lease renewal) can
    // follow.
    for (auto &lane : lanes_)
        while (!lane->idle.load()) sched_yield();
}

void Advertiser::resume() {
    std::lock_guard lock(ctl_);
    resume_locked();
}

void Advertiser::resume_locked() {
    // Not idle from now on: a park() right after this must wait for the threads to see it.
    for (auto &lane : lanes_) lane->idle.store(false);
    resumes_.fetch_add(1);
    parked_.store(false);
    if (running_)
        for (auto &lane : lanes_) lane->thread->wake();
}

void Advertiser::set_interval(vrrp::Duration interval) {
    if (interval.count() <= 0) throw Error("advertiser: the interval must be positive");
    interval_ns_.store(interval.count());
    layout_lanes();
}

void Advertiser::send_now() {
    extra_requests_.fetch_add(1);
    if (running_)
        for (auto &lane : lanes_) lane->thread->wake();
}

void Advertiser::set_takeover(TakeoverPlan plan) {
    // A lane that claimed a takeover sends the plan's gratuitous ARP out of takeover_ after
    // letting go of ctl_ (try_take_over), until takeover_garp_done. garp_pending_ is only set
    // under ctl_: holding it and seeing none pending, no lane reads the old plan.
    for (;;) {
        {
            std::lock_guard lock(ctl_);
            if (garp_pending_.load() == 0) {
                takeover_ = std::move(plan);
                return;
            }
        }
        sched_yield();  // takeover_garp_done takes ctl_ before it clears garp_pending_
    }
}

void Advertiser::arm_takeover(bool armed) {
    std::lock_guard lock(ctl_);
    if (armed && !armed_ && takeover_.kernel_stamp) armed_after_ = takeover_.kernel_stamp();
    armed_ = armed;
}

bool Advertiser::claim_takeover(uint64_t stamp) {
    std::lock_guard lock(ctl_);
    if (stamp == 0 || stamp == claimed_) return false;
    claimed_ = stamp;
    return true;
}

uint64_t Advertiser::try_take_over(size_t &garp_budget, std::vector<std::span<const uint8_t>> &garp,
                                   bool &garp_added) {
    std::lock_guard lock(ctl_);
    if (!armed_ || !parked_.load() || !takeover_.kernel_stamp) return 0;
    const uint64_t stamp = takeover_.kernel_stamp();
    if (stamp == 0 || stamp <= armed_after_ || stamp == claimed_) return 0;
    claimed_ = stamp;
    bump(takeovers_by_lane_);
    // The service IPs first (packets the clients send once they hear us need them), then
    // the adverts (every lane, at once), then gratuitous ARP with this thread's batch.
    if (!takeover_.netlink_request.empty() && takeover_.netlink_fd >= 0) {
        [[maybe_unused]] ssize_t n =
            send(takeover_.netlink_fd, takeover_.netlink_request.data(),
                 takeover_.netlink_request.size(), MSG_DONTWAIT | MSG_NOSIGNAL);
    }
    resume_locked();
    if (takeover_.garp_frames.size() <= garp_budget) {
        garp_budget -= takeover_.garp_frames.size();
        for (const auto &f : takeover_.garp_frames) garp.emplace_back(f.data(), f.size());
        garp_pending_.store(stamp);
        garp_added = true;
    }
    return stamp;
}

void Advertiser::takeover_garp_done(uint64_t stamp, bool sent) {
    {
        std::lock_guard lock(ctl_);
        if (sent) garp_sent_ = stamp;
    }
    garp_pending_.store(0);
}

bool Advertiser::takeover_garp_sent(uint64_t stamp) {
    if (stamp == 0) return false;
    const uint64_t give_up = monotonic_ns() + 1'000'000;
    while (garp_pending_.load() == stamp && monotonic_ns() < give_up) sched_yield();
    std::lock_guard lock(ctl_);
    return garp_sent_ == stamp;
}

AdvertiserStats Advertiser::stats() const {
    AdvertiserStats s;
    s.extra_sent = extra_sent_.load(std::memory_order_relaxed);
    s.last_error = last_error_.load(std::memory_order_relaxed);
    s.takeovers_by_lane = takeovers_by_lane_.load(std::memory_order_relaxed);
    for (const auto &lane : lanes_) {
        LaneStats l;
        l.cpu = lane->thread->cpu();
        l.sent = lane->sent.load(std::memory_order_relaxed);
        l.send_errors = lane->send_errors.load(std::memory_order_relaxed);
        l.late_wakeups = lane->late_wakeups.load(std::memory_order_relaxed);
        l.skipped = lane->skipped.load(std::memory_order_relaxed);
        l.max_lateness_ns = lane->max_lateness_ns.load(std::memory_order_relaxed);
        s.sent += l.sent;
        s.send_errors += l.send_errors;
        s.late_wakeups += l.late_wakeups;
        s.skipped += l.skipped;
        s.max_lateness_ns = std::max(s.max_lateness_ns, l.max_lateness_ns);
        for (size_t b = 0; b < LatenessHistogram::kBuckets; b++)
            s.lateness.counts[b] += lane->lateness_counts[b].load(std::memory_order_relaxed);
        s.lateness.sum_ns += lane->lateness_sum_ns.load(std::memory_order_relaxed);
        s.lanes.push_back(l);
    }
    return s;
}

std::string_view Advertiser::sender_name() const {
    return threads_.front()->sender().name();
}

int Advertiser::pin_slot(AdvertLane &lane) noexcept {
    // Announce a slot, then check that it is still the published one (the writer only writes
    // the other slot, and waits while a lane announces that one). All seq_cst.
    int slot;
    do {
        slot = published_.load();
        lane.reading.store(slot);
    } while (published_.load() != slot);
    return slot;
}

// The deadline `now` met has passed: the next one is the lane's first grid point after now. On
// time, that is the deadline plus one period (no drift). More than one period late (a stall, a
// preempted VM): the missed adverts are skipped, not sent in a burst, and counted. Right after
// start or resume (deadline 0), the first grid point may be closer than a period: one early
// advert, so that from then on this lane shares the thread's wake-ups.
void Advertiser::next_deadline(AdvertLane &lane, uint64_t now) noexcept {
    const uint64_t period = lane.period_ns;
    if (lane.deadline != 0) {
        const uint64_t lateness = now - lane.deadline;
        bump(lane.lateness_counts[LatenessHistogram::bucket(lateness)]);
        bump(lane.lateness_sum_ns, lateness);
        if (lateness > lane.max_lateness_ns.load(std::memory_order_relaxed))
            lane.max_lateness_ns.store(lateness, std::memory_order_relaxed);
        if (lateness >= period) {
            bump(lane.late_wakeups);
            bump(lane.skipped, lateness / period);
        }
    }
    const uint64_t base = grid_epoch() + lane.phase_ns;
    lane.deadline = now < base ? base : base + ((now - base) / period + 1) * period;
}

void Advertiser::account(AdvertLane &lane, size_t taken, size_t refused, int err, bool extra,
                         uint64_t now) noexcept {
    if (refused != 0) {
        bump(lane.send_errors, refused);
        last_error_.store(err, std::memory_order_relaxed);
    }
    // One peer's frame refused does not stop the others renewing the lease.
    if (taken == 0) return;
    bump(lane.sent);
    if (extra) extra_sent_.fetch_add(1, std::memory_order_relaxed);
    if (options_.on_sent) options_.on_sent(now);
}

}  // namespace xvrrp::tx
