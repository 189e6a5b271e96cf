// The paced adverts of a master: RFC 5798 6.4.3, "Send an ADVERTISEMENT ... reset the
// Adver_Timer to Advertisement_Interval", from dedicated threads paced on absolute
// CLOCK_MONOTONIC deadlines so they do not drift, optionally SCHED_FIFO and pinned to CPUs.
//
// From more than one CPU. An Advertiser (one per VRRP instance) has a lane on each of its
// AdvertThreads (one per CPU it was given): a CPU that stalls (a descheduled vCPU, an
// interrupt storm) silences one lane, not the instance. Spread::Redundant: every lane sends
// every interval, the lanes' phases spread over it (N adverts per interval on the wire; with
// one lane stalled the gap is still one interval). Spread::Staggered: the lanes take turns,
// each every N intervals (the wire rate of one sender; with one lane stalled the gap is two
// intervals, still under Master_Down_Interval).
//
// One AdvertThread sends for many Advertisers. Deadlines lie on one grid for the whole process
// (an epoch + a lane's phase + k x its period), so the instances of one interface with the same
// interval advertise in the same wake-up: 255 instances at 10 ms cost 100 wake-ups a second
// per lane, not 25,500 (a thread per instance, measured: one vCPU of a 2-vCPU VM, most of it
// context switches).
//
// The takeover does not wait for one particular thread. When the kernel's master-down timer
// fires while armed, the XDP program answers ARP at once, records the instant in the VRID's
// lease slot and wakes everyone waiting on the event ring: the daemon's loop and every advert
// thread (which wait on the ring without reading it). Whichever gets there first claims the
// takeover (claim_takeover: exactly one winner per kernel takeover) and sends its first
// frames: the service IPs to the VIP interface (a prepared netlink request), an advert from
// every lane at once, the first round of gratuitous ARP. The loop completes the rest.
//
// The sleep is epoll_pwait2 on the thread's eventfd (park, resume, send_now, stop) and the
// event ring, with the time left to the next deadline as timeout (timer slack 1 ns; a
// SCHED_FIFO thread gets no slack at all). Steady state: no allocation, one uncontended lock
// and one wake-up per grid tick, one send per advert due.
//
// Control of an Advertiser (start/stop/park/resume/set_frame/send_now/arm_takeover) is from
// one thread, the daemon's; the lanes' threads only claim takeovers. The frames are
// double-buffered: set_frame writes the slot no lane is reading and publishes it with an atomic
// index; only the writer ever waits (for the length of one batch of sends). An advert is one
// frame to the multicast group, or one frame per unicast peer (set_frames), all sent together.
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

#include "common/fd.h"
#include "tx/sender.h"
#include "vrrp/types.h"

namespace xvrrp::tx {

// mlockall(MCL_CURRENT | MCL_FUTURE), so page faults do not delay an advert. Call once, before
// starting the advertiser. Returns "" on success, else a warning to log (not fatal: the
// advertiser works, with a risk of late adverts under memory pressure).
std::string lock_process_memory();

enum class Spread : uint8_t { Redundant, Staggered };
std::string_view to_string(Spread spread);

// What the first advert thread to see a kernel takeover sends for the instance.
struct TakeoverPlan {
    // When the kernel last took over on its own for this VRID (0: never): a plain load.
    std::function<uint64_t()> kernel_stamp;
    std::vector<std::vector<uint8_t>> garp_frames;  // the first round of gratuitous ARP
    std::vector<uint8_t> netlink_request;           // adds the service IPs to the VIP interface
    int netlink_fd = -1;                            // a NETLINK_ROUTE socket of the daemon's
};

struct AdvertiserOptions {
    // Called on a lane's thread after every successful send with the CLOCK_MONOTONIC time
    // (ns), from any lane. The daemon renews the liveness lease here: keep it a plain store.
    std::function<void(uint64_t now_ns)> on_sent;
    Spread spread = Spread::Redundant;
    // Frames one advert may have (one per unicast peer): the slots and the threads' scratch
    // space are sized for it up front, so that sending never allocates.
    size_t max_frames = 1;
};

struct LaneStats {
    int cpu = -1;              // the lane's thread's CPU, -1: any
    uint64_t sent = 0;         // adverts of which the sender accepted a frame (periodic, send_now)
    uint64_t send_errors = 0;  // frames the sender refused
    // Wake-ups more than one period after their deadline: the missed adverts were skipped
    // (one advert is sent and pacing resumes from now) rather than sent in a burst.
    uint64_t late_wakeups = 0;
    uint64_t skipped = 0;          // adverts not sent because of those late wake-ups
    uint64_t max_lateness_ns = 0;  // the worst wake-up delay after a deadline
};

// How late the lanes' threads woke for their advert deadlines, every periodic advert counted
// (not the first after a resume, nor send_now()): the kernel's log2 microsecond buckets
// (include/xvrrp/abi.h, late_hist): [0] below 2 us, [i] 2^i to 2^(i+1) us, the last the rest.
struct LatenessHistogram {
    static constexpr size_t kBuckets = 24;
    static size_t bucket(uint64_t lateness_ns);
    std::array<uint64_t, kBuckets> counts{};
    uint64_t sum_ns = 0;
};

struct AdvertiserStats {
    uint64_t sent = 0, extra_sent = 0, send_errors = 0;
    int last_error = 0;                                           // errno of the latest refusal
    uint64_t late_wakeups = 0, skipped = 0, max_lateness_ns = 0;  // over all lanes
    uint64_t takeovers_by_lane = 0;  // kernel takeovers whose first frames a lane sent
    LatenessHistogram lateness;      // over all lanes
    std::vector<LaneStats> lanes;
};

class Advertiser;
struct AdvertLane;

// The thread that sends the adverts of its Advertisers' lanes on one sender.
class AdvertThread {
  public:
    static constexpr size_t kStackBytes = 128 * 1024;  // the thread's stack
    // Gratuitous ARP frames a thread sends for takeovers in one wake-up: what does not fit is
    // left to the daemon's loop, so that adverts of other instances are not delayed and the
    // sender's ring (64 frames for AF_XDP) takes them all.
    static constexpr size_t kTakeoverGarpBudget = 32;

    // Starts the thread (named xvrrp-advert). The sender must outlive it; while it exists, only
    // this thread sends on `sender`. takeover_fd: the event ring, watched for kernel
    // takeovers (-1: none). Throws xvrrp::Error when the priority or the CPU cannot be set (no
    // thread is left running then).
    explicit AdvertThread(FrameSender &sender, int rt_priority = 0, int cpu = -1,
                          int takeover_fd = -1);
    ~AdvertThread();  // stops and joins the thread; its Advertisers must have stopped
    AdvertThread(const AdvertThread &) = delete;
    AdvertThread &operator=(const AdvertThread &) = delete;

    FrameSender &sender() const { return sender_; }
    int rt_priority() const { return rt_priority_; }
    int cpu() const { return cpu_; }
    size_t advertisers() const;  // lanes attached, parked or not

  private:
    friend class Advertiser;
    void attach(AdvertLane &lane);  // wakes the thread: the advert goes out at once unless parked
    void detach(AdvertLane &lane);  // once it returns the thread never touches `lane` again
    void wake() noexcept;
    static void *thread_main(void *self);
    void run() noexcept;
    void check_takeovers(uint64_t now) noexcept;
    void send_batch() noexcept;

    FrameSender &sender_;
    const int rt_priority_, cpu_;
    UniqueFd epoll_, wake_fd_;
    pthread_t thread_{};

    // The thread holds it while it looks at and sends for its lanes (never while it sleeps);
    // attach and detach take it. Park, resume, set_frame and send_now do not.
    mutable std::mutex mu_;
    std::vector<AdvertLane *> members_;
    struct Due {
        AdvertLane *lane;
        bool extra;  // sent for send_now() only, not for a deadline
        int slot = -1;
        size_t first = 0, count = 0;  // its frames in frames_
    };
    std::vector<Due> due_;  // the thread's scratch: reserved in attach, no allocation later
    std::vector<std::span<const uint8_t>> frames_;
    std::vector<int> results_;
    std::vector<std::span<const uint8_t>> takeover_frames_;  // gratuitous ARP of a takeover
    struct TakeoverGarp {
        Advertiser *a;
        uint64_t stamp;
        size_t first, count;  // in takeover_frames_
    };
    std::vector<TakeoverGarp> takeover_owners_;
    size_t frame_capacity_ = 0;      // frames of all members' adverts, for the reserves
    bool takeover_pending_ = false;  // the ring woke us: a kernel takeover may be waiting

    std::atomic<bool> stop_{false};
};

// One lane of an Advertiser: its part on one AdvertThread.
struct AdvertLane {
    Advertiser *owner = nullptr;
    AdvertThread *thread = nullptr;
    uint64_t phase_ns = 0, period_ns = 0;  // deadlines: epoch + phase + k x period
    // The thread's own bookkeeping (under its lock).
    uint64_t deadline = 0;
    uint32_t extras_done = 0;
    uint32_t resumes_done = 0;
    std::atomic<int> reading{-1};   // slot the thread is sending from, -1 none
    std::atomic<bool> idle{false};  // the thread saw the advertiser parked and sends nothing
    std::atomic<uint64_t> sent{0}, send_errors{0}, late_wakeups{0}, skipped{0}, max_lateness_ns{0};
    // LatenessHistogram, kept by the lane's thread alone; read at any time (relaxed).
    std::array<std::atomic<uint64_t>, LatenessHistogram::kBuckets> lateness_counts{};
    std::atomic<uint64_t> lateness_sum_ns{0};
};

// The adverts of one instance: what to send, how often, from which CPUs, and whether at all.
class Advertiser {
  public:
    static constexpr size_t kMaxFrameSize = 1514;  // Ethernet MTU 1500 + header

    // One lane on each thread (at least one; one thread per CPU, distinct).
    Advertiser(std::vector<std::shared_ptr<AdvertThread>> threads, AdvertiserOptions options = {});
    Advertiser(std::shared_ptr<AdvertThread> thread, AdvertiserOptions options = {});
    ~Advertiser();  // stop()
    Advertiser(const Advertiser &) = delete;
    Advertiser &operator=(const Advertiser &) = delete;

    // Starts advertising: the first advert goes out at once (RFC 5798 6.4.1/6.4.2: a new
    // master sends an ADVERTISEMENT immediately), then on the lanes' grid. Throws xvrrp::Error
    // when it is already running or the interval is not positive.
    // parked: attach to the threads but send nothing until resume() (or a takeover claim).
    void start(vrrp::Duration interval, bool parked = false);
    // Detaches from the threads. Returns within one batch of sends; idempotent.
    void stop();
    // Parks: nothing more is sent (no CPU, no wake-ups for it) until resume(), which sends an
    // advert from every lane at once and then paces again. Returns once no advert and no
    // on_sent() of it can follow.
    void park();
    void resume();
    bool parked() const { return parked_.load(); }
    bool running() const { return running_; }
    size_t lanes() const { return lanes_.size(); }

    // Replaces the frame the next adverts carry (priority 0 on shutdown, new addresses...).
    // Throws xvrrp::Error when it exceeds kMaxFrameSize. An empty frame pauses sending.
    void set_frame(std::span<const uint8_t> frame);
    // The same for an advert of several frames (one per unicast peer), sent together; at most
    // options.max_frames of them (xvrrp::Error otherwise). None pauses sending.
    void set_frames(std::span<const std::vector<uint8_t>> frames);
    // Takes effect from the next deadline.
    void set_interval(vrrp::Duration interval);
    // One extra advert at once from every lane (e.g. RFC 9568 6.4.3: a master answering an
    // advert of lower priority). Only while running and not parked.
    void send_now();

    // The takeover's first frames, and whether the kernel may take over now (the election
    // armed it: Backup, no preempt_delay hold). A kernel takeover older than the arming is never
    // acted on. set_takeover may replace the plan at any time (a reload changed the service
    // IPs): it waits for a lane that is sending the old plan's gratuitous ARP (one batch).
    void set_takeover(TakeoverPlan plan);
    void arm_takeover(bool armed);
    // Exactly one caller per kernel takeover (stamp) gets true: it sends the takeover's first
    // frames; a lane that wins also resumes the adverts. The daemon's loop calls it when it
    // learns of the takeover; false means a lane was first (and did that part).
    bool claim_takeover(uint64_t stamp);
    // A lane has sent the first round of gratuitous ARP for this kernel takeover. If a lane is
    // sending it right now, waits for that (a millisecond at most: past it, false, and the
    // round may go out twice rather than not at all).
    bool takeover_garp_sent(uint64_t stamp);

    AdvertiserStats stats() const;
    std::string_view sender_name() const;

  private:
    friend class AdvertThread;
    struct Slot {
        std::vector<uint8_t> bytes;  // max_frames x kMaxFrameSize, allocated once
        std::vector<size_t> sizes;   // capacity max_frames; one per frame of the advert
    };

    void resume_locked();  // with ctl_ held
    void layout_lanes();   // phases and periods from the interval and the spread
    // On a lane's thread, with its lock held.
    int pin_slot(AdvertLane &lane) noexcept;  // the slot to send from; set_frame leaves it alone
    void next_deadline(AdvertLane &lane, uint64_t now) noexcept;  // and the lateness statistics
    // One advert: `refused` of its frames were refused (err: the last error), the rest taken.
    void account(AdvertLane &lane, size_t taken, size_t refused, int err, bool extra,
                 uint64_t now) noexcept;
    // The ring woke a lane's thread: claims a kernel takeover if one is due; returns the
    // gratuitous ARP frames the thread must send with its batch (empty: none, or over budget).
    // Returns the kernel stamp claimed (0: none) and adds the frames to `garp` when they fit.
    uint64_t try_take_over(size_t &garp_budget, std::vector<std::span<const uint8_t>> &garp,
                           bool &garp_added);
    // After the thread's send: whether all of the takeover's gratuitous ARP went out (if not,
    // the loop sends the round).
    void takeover_garp_done(uint64_t stamp, bool sent);

    std::vector<std::shared_ptr<AdvertThread>> threads_;
    AdvertiserOptions options_;
    std::vector<std::unique_ptr<AdvertLane>> lanes_;
    bool running_ = false;

    std::array<Slot, 2> slots_;
    std::atomic<int> published_{0};  // slot the lanes read

    std::atomic<int64_t> interval_ns_{0};
    std::atomic<uint32_t> extra_requests_{0};
    std::atomic<uint32_t> resumes_{0};

    // park/resume/arm/claim: from the daemon's thread and, for claims, the lanes' threads.
    std::mutex ctl_;
    std::atomic<bool> parked_{false};
    bool armed_ = false;
    uint64_t armed_after_ = 0;               // kernel stamps up to this one predate the arming
    uint64_t claimed_ = 0;                   // the last kernel stamp somebody claimed
    uint64_t garp_sent_ = 0;                 // the last kernel stamp a lane sent gratuitous ARP for
    std::atomic<uint64_t> garp_pending_{0};  // ... is sending it for (until its batch is out)
    TakeoverPlan takeover_;

    std::atomic<uint64_t> extra_sent_{0}, takeovers_by_lane_{0};
    std::atomic<int> last_error_{0};
};

}  // namespace xvrrp::tx
