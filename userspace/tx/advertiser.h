// The paced adverts of a master: RFC 5798 6.4.3, "Send an ADVERTISEMENT ... reset the
// Adver_Timer to Advertisement_Interval", on a dedicated thread paced on absolute
// CLOCK_MONOTONIC deadlines so it does not drift, optionally SCHED_FIFO and pinned to a CPU.
//
// One AdvertThread sends for many Advertisers (one per VRRP instance). Deadlines lie on a grid
// shared by every advertiser of the thread (its start time + k x interval), so the instances of
// one interface with the same interval advertise in the same wake-up: 255 instances at 10 ms
// cost 100 wake-ups a second, not 25,500 (a thread per instance, measured: one vCPU of a
// 2-vCPU VM, most of it context switches). An Advertiser built on a sender alone gets a thread
// of its own, created by start() and joined by stop().
//
// The sleep is FUTEX_WAIT_BITSET with an absolute CLOCK_MONOTONIC timeout: the same pacing as
// clock_nanosleep(TIMER_ABSTIME), but send_now(), resume(), park() and stop() can wake it.
// Steady state: no allocation, one uncontended lock and one wake-up per grid tick, one send per
// advert due.
//
// Control of an Advertiser is from one other thread (the daemon's): start/stop/park/resume/
// set_frame/send_now/set_interval. The frame is double-buffered: set_frame writes the slot the
// sender thread is not reading and publishes it with an atomic index; only the writer ever
// waits (for the length of one batch of sends).
#pragma once

#include <pthread.h>

#include <array>
#include <atomic>
#include <cstdint>
#include <functional>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <vector>

#include "tx/sender.h"
#include "vrrp/types.h"

namespace xvrrp::tx {

// mlockall(MCL_CURRENT | MCL_FUTURE), so page faults do not delay an advert. Call once, before
// starting the advertiser. Returns "" on success, else a warning to log (not fatal: the
// advertiser works, with a risk of late adverts under memory pressure).
std::string lock_process_memory();

struct AdvertiserOptions {
    // For an Advertiser with a thread of its own; a shared AdvertThread has its own settings.
    int rt_priority = 0;  // SCHED_FIFO priority 1..99; 0 leaves the thread SCHED_OTHER
    int cpu = -1;         // pin the thread to this CPU; -1: any
    // Called on the advert thread after every successful send with the CLOCK_MONOTONIC time
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

class Advertiser;

// The thread that sends the adverts of its Advertisers on one sender.
class AdvertThread {
  public:
    static constexpr size_t kStackBytes = 128 * 1024;  // the thread's stack

    // Starts the thread (named xvrrp-advert). The sender must outlive it; while it exists, only
    // this thread sends on `sender`. Throws xvrrp::Error when the priority or the CPU cannot
    // be set (no thread is left running then).
    explicit AdvertThread(FrameSender &sender, int rt_priority = 0, int cpu = -1);
    ~AdvertThread();  // stops and joins the thread; its Advertisers must have stopped
    AdvertThread(const AdvertThread &) = delete;
    AdvertThread &operator=(const AdvertThread &) = delete;

    FrameSender &sender() const { return sender_; }
    int rt_priority() const { return rt_priority_; }
    int cpu() const { return cpu_; }
    size_t advertisers() const;  // started, parked or not

  private:
    friend class Advertiser;
    void attach(Advertiser &a);  // wakes the thread: the advert goes out at once unless parked
    void detach(Advertiser &a);  // once it returns the thread never touches `a` again
    void wake() noexcept;
    static void *thread_main(void *self);
    void run() noexcept;
    void send_batch() noexcept;

    FrameSender &sender_;
    const int rt_priority_, cpu_;
    uint64_t epoch_ns_ = 0;  // origin of the deadline grid
    pthread_t thread_{};

    // The thread holds it while it looks at and sends for its advertisers (never while it
    // sleeps); attach and detach take it. Park, resume, set_frame and send_now do not.
    mutable std::mutex mu_;
    std::vector<Advertiser *> members_;
    struct Due {
        Advertiser *a;
        bool extra;  // sent for send_now() only, not for a deadline
        int slot = -1;
    };
    std::vector<Due> due_;  // the thread's scratch: reserved in attach, no allocation later
    std::vector<std::span<const uint8_t>> frames_;
    std::vector<int> results_;

    // Futex word: bumped by whoever wants the thread to look again.
    std::atomic<uint32_t> wakeups_{0};
    std::atomic<bool> stop_{false};
};

// The adverts of one instance: what to send, how often, and whether to send at all.
class Advertiser {
  public:
    static constexpr size_t kMaxFrameSize = 1514;  // Ethernet MTU 1500 + header
    static constexpr size_t kStackBytes = AdvertThread::kStackBytes;

    // A thread of its own, created by start() with options.rt_priority and options.cpu. The
    // sender must outlive the advertiser; while it runs, only its thread sends on `sender`.
    Advertiser(FrameSender &sender, AdvertiserOptions options = {});
    // Shares `thread` (its priority and CPU; those of `options` are not used).
    Advertiser(std::shared_ptr<AdvertThread> thread, AdvertiserOptions options = {});
    ~Advertiser();  // stop()
    Advertiser(const Advertiser &) = delete;
    Advertiser &operator=(const Advertiser &) = delete;

    // Starts advertising: the first advert goes out at once (RFC 5798 6.4.1/6.4.2: a new
    // master sends an ADVERTISEMENT immediately), then one per interval. Throws xvrrp::Error
    // when it is already running, the interval is not positive, or its own thread cannot get
    // the priority/affinity asked for (nothing is left running then).
    // parked: attach to the thread but send nothing until resume().
    void start(vrrp::Duration interval, bool parked = false);
    // Detaches from the thread (and ends its own thread). Returns within one batch of sends;
    // idempotent.
    void stop();
    // Parks: nothing more is sent for this advertiser (no CPU, no wake-ups for it) until
    // resume(), which sends an advert at once and then one per interval. Returns once no
    // advert and no on_sent() of it can follow. Lets a daemon set everything up once, not at
    // every takeover.
    void park();
    void resume();
    bool parked() const { return parked_.load(); }
    bool running() const { return running_; }

    // Replaces the frame the next adverts carry (priority 0 on shutdown, new addresses...).
    // Throws xvrrp::Error when it exceeds kMaxFrameSize. An empty frame pauses sending.
    void set_frame(std::span<const uint8_t> frame);
    // Takes effect from the next deadline.
    void set_interval(vrrp::Duration interval);
    // One extra advert at once (e.g. RFC 9568 6.4.3: a master answering an advert of lower
    // priority). Only while running and not parked.
    void send_now();

    AdvertiserStats stats() const;
    std::string_view sender_name() const { return sender_.name(); }

  private:
    friend class AdvertThread;
    struct Slot {
        std::array<uint8_t, kMaxFrameSize> bytes{};
        size_t size = 0;
    };

    // On the thread, with its lock held.
    int pin_slot() noexcept;  // the slot to send from; set_frame leaves it alone until unpinned
    void unpin_slot() noexcept { reading_.store(-1); }
    void next_deadline(uint64_t now, uint64_t epoch) noexcept;  // and the lateness statistics
    void account(int err, bool extra, uint64_t now) noexcept;

    FrameSender &sender_;
    AdvertiserOptions options_;
    std::shared_ptr<AdvertThread> thread_;  // shared, or our own while running
    const bool own_thread_;
    bool running_ = false;

    std::array<Slot, 2> slots_;
    std::atomic<int> published_{0};  // slot the thread reads
    std::atomic<int> reading_{-1};   // slot the thread is sending from, -1 none

    std::atomic<int64_t> interval_ns_{0};
    std::atomic<uint32_t> extra_requests_{0};
    std::atomic<bool> parked_{false};
    std::atomic<bool> idle_{false};  // the thread saw parked_ and sends nothing more
    std::atomic<uint32_t> resumes_{0};

    // The thread's own bookkeeping (under its lock).
    uint64_t deadline_ = 0;
    uint32_t extras_done_ = 0;
    uint32_t resumes_done_ = 0;

    std::atomic<uint64_t> sent_{0}, extra_sent_{0}, send_errors_{0}, late_wakeups_{0}, skipped_{0},
        max_lateness_ns_{0};
    std::atomic<int> last_error_{0};
};

}  // namespace xvrrp::tx
