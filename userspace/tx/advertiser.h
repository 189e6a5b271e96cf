// The paced advertiser of a master: a dedicated thread that sends the current advert frame
// every Advertisement_Interval (RFC 5798 6.4.3: "Send an ADVERTISEMENT ... reset the
// Adver_Timer"), paced on absolute CLOCK_MONOTONIC deadlines so it does not drift, optionally
// SCHED_FIFO and pinned to a CPU. Steady state: no allocation, no lock, one send per interval.
// The sleep is FUTEX_WAIT_BITSET with an absolute CLOCK_MONOTONIC timeout: the same pacing as
// clock_nanosleep(TIMER_ABSTIME), but send_now() and stop() can wake it.
//
// Control is from one other thread (the daemon's): start/stop/set_frame/send_now/set_interval.
// The frame is double-buffered: set_frame writes the slot the sender thread is not reading and
// publishes it with an atomic index; only the writer ever waits (for the length of one send).
#pragma once

#include <pthread.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <span>
#include <string>

#include "tx/sender.h"
#include "vrrp/types.h"

namespace xvrrp::tx {

// mlockall(MCL_CURRENT | MCL_FUTURE), so page faults do not delay an advert. Call once, before
// starting the advertiser. Returns "" on success, else a warning to log (not fatal: the
// advertiser works, with a risk of late adverts under memory pressure).
std::string lock_process_memory();

struct AdvertiserOptions {
    int rt_priority = 0;  // SCHED_FIFO priority 1..99; 0 leaves the thread SCHED_OTHER
    int cpu = -1;         // pin the thread to this CPU; -1: any
    // Called on the advertiser thread after every successful send with the CLOCK_MONOTONIC time
    // (ns). The daemon renews the liveness lease here: keep it a plain store, no syscall.
    std::function<void(uint64_t now_ns)> on_sent;
};

struct AdvertiserStats {
    uint64_t sent = 0;         // frames the sender accepted (periodic and send_now)
    uint64_t extra_sent = 0;   // of which sent by send_now()
    uint64_t send_errors = 0;  // frames the sender refused
    int last_error = 0;        // errno of the latest refusal
    // Wake-ups more than one interval after their deadline: the missed adverts were skipped
    // (one advert is sent and pacing resumes from now) rather than sent in a burst.
    uint64_t late_wakeups = 0;
    uint64_t skipped = 0;          // adverts not sent because of those late wake-ups
    uint64_t max_lateness_ns = 0;  // the worst wake-up delay after a deadline
};

class Advertiser {
  public:
    static constexpr size_t kMaxFrameSize = 1514;  // Ethernet MTU 1500 + header
    static constexpr size_t kStackBytes = 128 * 1024;  // the advert thread's stack

    // The sender must outlive the advertiser; while the thread runs, only it sends on `sender`.
    Advertiser(FrameSender &sender, AdvertiserOptions options = {});
    ~Advertiser();  // stop()
    Advertiser(const Advertiser &) = delete;
    Advertiser &operator=(const Advertiser &) = delete;

    // Starts the thread: the first advert goes out at once (RFC 5798 6.4.1/6.4.2: a new master
    // sends an ADVERTISEMENT immediately), then one per interval. Throws xvrrp::Error when it is
    // already running, the interval is not positive, or the priority/affinity cannot be set
    // (the thread is not left running then).
    // parked: create the thread but send nothing until resume().
    void start(vrrp::Duration interval, bool parked = false);
    // Wakes the thread, waits for it to exit. Returns within one send; idempotent.
    void stop();
    // Parks the running thread: it sends nothing and waits without a deadline (no CPU, no
    // wake-ups) until resume(), which sends an advert at once and then one per interval.
    // Lets a daemon create the thread (and fault in its stack) once, not at every takeover.
    void park();
    void resume();
    bool parked() const { return parked_.load(); }
    bool running() const { return running_; }

    // Replaces the frame the next adverts carry (priority 0 on shutdown, new addresses...).
    // Throws xvrrp::Error when it exceeds kMaxFrameSize. An empty frame pauses sending.
    void set_frame(std::span<const uint8_t> frame);
    // Takes effect from the next deadline.
    void set_interval(vrrp::Duration interval);
    // One extra advert at once, without moving the periodic deadlines (e.g. RFC 9568 6.4.3: a
    // master answering an advert of lower priority). Only while running.
    void send_now();

    AdvertiserStats stats() const;
    std::string_view sender_name() const { return sender_.name(); }

  private:
    struct Slot {
        std::array<uint8_t, kMaxFrameSize> bytes{};
        size_t size = 0;
    };

    static void *thread_main(void *self);
    void run() noexcept;
    void send_current(bool extra) noexcept;
    void wake() noexcept;

    FrameSender &sender_;
    AdvertiserOptions options_;
    // pthread rather than std::thread: the scheduling policy and affinity are set at creation,
    // so a refused priority fails start() before any advert goes out.
    pthread_t thread_{};
    bool running_ = false;

    std::array<Slot, 2> slots_;
    std::atomic<int> published_{0};  // slot the sender thread reads
    std::atomic<int> reading_{-1};   // slot the sender thread is copying out, -1 none

    std::atomic<int64_t> interval_ns_{0};
    // Futex word: bumped by send_now() and stop() to wake the thread.
    std::atomic<uint32_t> wakeups_{0};
    std::atomic<uint32_t> extra_requests_{0};
    std::atomic<bool> stop_{false};
    std::atomic<bool> parked_{false};
    std::atomic<bool> idle_{false};  // the thread saw parked_ and sends nothing more
    std::atomic<uint32_t> resumes_{0};

    std::atomic<uint64_t> sent_{0}, extra_sent_{0}, send_errors_{0}, late_wakeups_{0}, skipped_{0},
        max_lateness_ns_{0};
    std::atomic<int> last_error_{0};
};

}  // namespace xvrrp::tx
