// The paced advertiser on a real veth pair: about one advert per interval on the wire,
// set_frame changes the bytes, send_now adds one at once, stop() is prompt and leaves no thread.
// Counts are asserted loosely (N/2..2N): the machine is shared and noisy.
#include <gtest/gtest.h>

#include <dirent.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <time.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <fstream>
#include <mutex>
#include <sstream>
#include <memory>
#include <thread>

#include "tx/advertiser.h"
#include "tx/sender.h"
#include "tx_veth_lab.h"

namespace xvrrp::test {
namespace {

using namespace std::chrono_literals;
using Clock = std::chrono::steady_clock;

size_t thread_count() {
    size_t n = 0;
    DIR *d = opendir("/proc/self/task");
    while (dirent *e = readdir(d)) n += e->d_name[0] != '.';
    closedir(d);
    return n;
}

uint64_t monotonic_ns() {
    timespec ts{};
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return uint64_t(ts.tv_sec) * 1'000'000'000u + uint64_t(ts.tv_nsec);
}

// Waits (up to `limit`) until pred() holds.
template <class Pred>
bool eventually(Pred pred, std::chrono::milliseconds limit = 2000ms) {
    auto end = Clock::now() + limit;
    while (!pred()) {
        if (Clock::now() > end) return false;
        std::this_thread::sleep_for(1ms);
    }
    return true;
}

// A veth lab with a capture on the far end and an AF_XDP (or fallback) sender on the near end.
class AdvertiserOnVeth : public ::testing::Test {
  protected:
    void SetUp() override {
        {
            EnterNetNs in(lab.far);
            capture = std::make_unique<Capture>(lab.far_if);
        }
        EnterNetNs in(lab.near);
        auto choice = tx::make_sender(lab.near_if, true);
        EXPECT_EQ(choice.fallback_reason, "");
        sender = std::move(choice.sender);
    }

    void TearDown() override { thread_.reset(); }

    // The advert thread the test's advertisers share (created on first use).
    std::shared_ptr<tx::AdvertThread> thread() {
        if (!thread_) thread_ = std::make_shared<tx::AdvertThread>(*sender);
        return thread_;
    }

    VethLab lab;
    std::unique_ptr<Capture> capture;
    std::unique_ptr<tx::FrameSender> sender;
    std::shared_ptr<tx::AdvertThread> thread_;
};

TEST_F(AdvertiserOnVeth, SendsAboutOneAdvertPerIntervalAndCallsHookOncePerSend) {
    std::atomic<uint64_t> hook_calls{0}, last_hook_ns{0};
    std::atomic<bool> hook_time_went_back{false};
    tx::AdvertiserOptions options;
    options.on_sent = [&](uint64_t now_ns) {
        if (now_ns < last_hook_ns.load()) hook_time_went_back = true;
        last_hook_ns = now_ns;
        hook_calls.fetch_add(1);
    };
    tx::Advertiser advertiser(thread(), options);
    const auto frame = advert_frame(150);
    advertiser.set_frame(frame);

    const int n = 30;
    const auto interval = 10ms;
    advertiser.start(interval);
    std::this_thread::sleep_for(interval * n);
    advertiser.stop();

    auto stats = advertiser.stats();
    auto seen = capture->drain(300ms);
    EXPECT_GE(count_equal(seen, frame), size_t(n / 2));
    EXPECT_LE(count_equal(seen, frame), size_t(2 * n));
    EXPECT_EQ(count_equal(seen, frame), seen.size()) << "only the advert is on the wire";
    EXPECT_EQ(stats.sent, seen.size());
    EXPECT_EQ(stats.send_errors, 0u) << "last error " << stats.last_error;
    EXPECT_EQ(hook_calls.load(), stats.sent);
    EXPECT_FALSE(hook_time_went_back);
    EXPECT_LE(last_hook_ns.load(), monotonic_ns());
    EXPECT_GT(last_hook_ns.load(), monotonic_ns() - 2'000'000'000u);
}

TEST_F(AdvertiserOnVeth, SetFrameChangesTheBytesOnTheWire) {
    tx::Advertiser advertiser(thread());
    const auto before = advert_frame(150);
    const auto after = advert_frame(0);  // priority 0: what a master sends when it leaves
    advertiser.set_frame(before);
    advertiser.start(5ms);
    ASSERT_TRUE(eventually([&] { return advertiser.stats().sent >= 3; }));
    advertiser.set_frame(after);
    const uint64_t sent_at_switch = advertiser.stats().sent;
    ASSERT_TRUE(eventually([&] { return advertiser.stats().sent >= sent_at_switch + 3; }));
    advertiser.stop();

    auto seen = capture->drain(300ms);
    ASSERT_FALSE(seen.empty());
    size_t first_after = seen.size();
    for (size_t i = 0; i < seen.size(); ++i) {
        ASSERT_TRUE(seen[i] == before || seen[i] == after) << "frame " << i << " is neither";
        if (seen[i] == after && first_after == seen.size()) first_after = i;
    }
    EXPECT_GE(first_after, 3u);
    EXPECT_GE(seen.size() - first_after, 3u);
    for (size_t i = first_after; i < seen.size(); ++i)
        EXPECT_EQ(seen[i], after) << "old frame after the switch at " << i;
}

TEST_F(AdvertiserOnVeth, FramesReplacedWhileSendingAreNeverTorn) {
    // The daemon replaces the frame while the thread sends every 100 us: every frame on the
    // wire must be one of the frames set, whole (sizes differ, so a torn copy would show).
    std::vector<std::vector<uint8_t>> frames;
    for (uint8_t p = 1; p <= 20; ++p) {
        vrrp::Advert advert;
        advert.vrid = 51;
        advert.priority = p;
        advert.interval_field = 1;
        advert.source = vrrp::IpAddress::v4(10, 0, 0, 1);
        for (uint8_t i = 0; i < p; ++i)
            advert.addresses.push_back(vrrp::IpAddress::v4(192, 0, 2, i));
        vrrp::AdvertFrameOptions o;
        o.source_mac = {0x02, 0, 0, 0, 0, 1};
        frames.push_back(vrrp::build_advert_frame(advert, o).value());
    }
    tx::Advertiser advertiser(thread());
    advertiser.set_frame(frames[0]);
    advertiser.start(100us);
    for (int round = 0; round < 2000; ++round) {
        advertiser.set_frame(frames[size_t(round) % frames.size()]);
        if (round % 10 == 0) std::this_thread::sleep_for(100us);
    }
    advertiser.stop();
    auto seen = capture->drain(300ms);
    EXPECT_GT(seen.size(), 10u);
    size_t valid = 0;
    for (const auto &f : frames) valid += count_equal(seen, f);
    EXPECT_EQ(valid, seen.size());
    EXPECT_EQ(advertiser.stats().sent, seen.size());
}

TEST_F(AdvertiserOnVeth, SendNowSendsOneExtraAdvertAtOnce) {
    tx::Advertiser advertiser(thread());
    const auto frame = advert_frame(150);
    advertiser.set_frame(frame);
    advertiser.start(1h);  // only the immediate first advert is periodic in this test
    ASSERT_TRUE(eventually([&] { return advertiser.stats().sent == 1; }));
    ASSERT_EQ(capture->drain(5000ms, 1).size(), 1u);

    // The next periodic advert is an hour away: this one can only come from send_now().
    advertiser.send_now();
    auto seen = capture->drain(5000ms, 1);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0], frame);

    EXPECT_EQ(capture->drain(200ms).size(), 0u) << "exactly one extra";
    auto stats = advertiser.stats();
    EXPECT_EQ(stats.sent, 2u);
    EXPECT_EQ(stats.extra_sent, 1u);
    advertiser.stop();
}

TEST_F(AdvertiserOnVeth, ParkedThreadSendsNothingUntilResumeWhichSendsAtOnce) {
    std::atomic<int> hooks{0};
    tx::AdvertiserOptions opts;
    opts.on_sent = [&](uint64_t) { hooks++; };
    tx::Advertiser advertiser(thread(), opts);
    const auto frame = advert_frame(150);
    advertiser.set_frame(frame);
    advertiser.start(1h, /*parked=*/true);  // a backup: the thread exists, nothing goes out
    EXPECT_TRUE(advertiser.parked());
    EXPECT_EQ(capture->drain(300ms).size(), 0u);
    advertiser.send_now();  // ignored while parked
    EXPECT_EQ(capture->drain(300ms).size(), 0u);

    advertiser.resume();  // takeover: the first advert at once, not an hour later
    auto seen = capture->drain(5000ms, 1);
    ASSERT_EQ(seen.size(), 1u);
    EXPECT_EQ(seen[0], frame);

    advertiser.park();  // returns once no further advert (and no on_sent) can follow
    int hooks_at_park = hooks.load();
    EXPECT_EQ(capture->drain(300ms).size(), 0u);
    EXPECT_EQ(hooks.load(), hooks_at_park);
    EXPECT_EQ(advertiser.stats().sent, 1u);
    advertiser.stop();
}

TEST_F(AdvertiserOnVeth, StopReturnsPromptlyAndTheThreadEndsWithItsLastOwner) {
    const size_t threads_before = thread_count();
    {
        auto t = std::make_shared<tx::AdvertThread>(*sender);
        EXPECT_EQ(thread_count(), threads_before + 1);
        tx::Advertiser advertiser(t);
        advertiser.set_frame(advert_frame(150));
        advertiser.start(1h);  // a stop() that failed to reach the thread would hang here
        ASSERT_TRUE(eventually([&] { return advertiser.stats().sent == 1; }));
        advertiser.stop();
        EXPECT_FALSE(advertiser.running());
        EXPECT_EQ(t->advertisers(), 0u);
        advertiser.stop();  // idempotent

        // Restartable: a backup that becomes master again reuses it.
        advertiser.start(10s);
        ASSERT_TRUE(eventually([&] { return advertiser.stats().sent == 2; }));
    }  // the advertiser's destructor stops it; the thread's joins it
    EXPECT_EQ(thread_count(), threads_before);
    EXPECT_EQ(capture->drain(300ms).size(), 2u);
}

TEST_F(AdvertiserOnVeth, RealtimePriorityAndCpuAreApplied) {
    std::shared_ptr<tx::AdvertThread> t;
    try {
        t = std::make_shared<tx::AdvertThread>(*sender, 10, 0);
    } catch (const Error &e) {
        GTEST_SKIP() << "SCHED_FIFO not allowed here: " << e.what();
    }
    tx::Advertiser advertiser(t);
    advertiser.set_frame(advert_frame(150));
    advertiser.start(1s);
    // Find the thread by name and read its policy (field 41 of stat) and allowed CPUs.
    std::string policy, cpus;
    DIR *d = opendir("/proc/self/task");
    while (dirent *e = readdir(d)) {
        std::string dir = std::string("/proc/self/task/") + e->d_name;
        std::string comm;
        std::getline(std::ifstream(dir + "/comm"), comm);
        if (comm != "xvrrp-advert") continue;
        std::string stat;
        std::getline(std::ifstream(dir + "/stat"), stat);
        std::istringstream fields(stat.substr(stat.rfind(')') + 2));
        std::string field;
        for (int i = 3; i <= 41 && fields >> field; ++i) policy = field;  // ends on field 41
        std::ifstream status(dir + "/status");
        for (std::string line; std::getline(status, line);)
            if (line.rfind("Cpus_allowed_list:", 0) == 0) cpus = line.substr(line.find('\t') + 1);
    }
    closedir(d);
    advertiser.stop();
    EXPECT_EQ(policy, "1") << "SCHED_FIFO";
    EXPECT_EQ(cpus, "0");
}

TEST_F(AdvertiserOnVeth, RejectsBadArguments) {
    tx::Advertiser advertiser(thread());
    std::vector<uint8_t> jumbo(tx::Advertiser::kMaxFrameSize + 1);
    EXPECT_THROW(advertiser.set_frame(jumbo), Error);
    EXPECT_THROW(advertiser.start(0ns), Error);
    advertiser.start(1s);
    EXPECT_THROW(advertiser.start(1s), Error);
    advertiser.stop();
}

TEST_F(AdvertiserOnVeth, NoFrameMeansNothingSent) {
    tx::Advertiser advertiser(thread());
    advertiser.start(5ms);
    std::this_thread::sleep_for(50ms);
    advertiser.stop();
    EXPECT_EQ(advertiser.stats().sent, 0u);
    EXPECT_EQ(capture->drain(200ms).size(), 0u);
}

// ---- one thread, many advertisers (one per VRRP instance) -----------------------------------

TEST_F(AdvertiserOnVeth, AdvertisersShareOneThreadAndParkOneAtATime) {
    const size_t threads_before = thread_count();
    auto thread = std::make_shared<tx::AdvertThread>(*sender);
    EXPECT_EQ(thread_count(), threads_before + 1);
    std::array<std::atomic<uint64_t>, 3> hooks{};
    std::vector<std::unique_ptr<tx::Advertiser>> ads;
    std::vector<std::vector<uint8_t>> frames;
    for (size_t i = 0; i < 3; ++i) {
        tx::AdvertiserOptions o;
        o.on_sent = [&hooks, i](uint64_t) { hooks[i].fetch_add(1); };
        ads.push_back(std::make_unique<tx::Advertiser>(thread, o));
        frames.push_back(advert_frame(150, uint8_t(51 + i)));  // one VRID each
        ads[i]->set_frame(frames[i]);
        ads[i]->start(10ms);
    }
    EXPECT_EQ(thread_count(), threads_before + 1) << "no thread per advertiser";
    EXPECT_EQ(thread->advertisers(), 3u);
    std::this_thread::sleep_for(300ms);
    ads[1]->park();  // the others go on
    std::array<uint64_t, 3> at_park{};
    for (size_t i = 0; i < 3; ++i) at_park[i] = ads[i]->stats().sent;
    const uint64_t parked_hooks = hooks[1].load();
    std::this_thread::sleep_for(300ms);
    for (auto &a : ads) a->stop();
    EXPECT_EQ(thread->advertisers(), 0u);
    auto seen = capture->drain(300ms);  // quiet only now: everything has stopped

    for (size_t i = 0; i < 3; ++i) {
        auto stats = ads[i]->stats();
        EXPECT_GE(at_park[i], 15u) << "advertiser " << i;
        EXPECT_LE(at_park[i], 60u) << "advertiser " << i;
        EXPECT_EQ(count_equal(seen, frames[i]), stats.sent) << "advertiser " << i;
        EXPECT_EQ(hooks[i].load(), stats.sent) << "advertiser " << i;
        EXPECT_EQ(stats.send_errors, 0u) << "advertiser " << i;
    }
    EXPECT_EQ(ads[1]->stats().sent, at_park[1]) << "parked, yet it sent";
    EXPECT_EQ(hooks[1].load(), parked_hooks);
    EXPECT_GE(ads[0]->stats().sent, at_park[0] + 15);
    EXPECT_GE(ads[2]->stats().sent, at_park[2] + 15);
    ads.clear();
    thread.reset();  // the last owner: joins it
    EXPECT_EQ(thread_count(), threads_before);
}

// Records what each send_batch() carried: the first byte of every frame.
class RecordingSender : public tx::FrameSender {
  public:
    int send(std::span<const uint8_t>) noexcept override { return 0; }
    void send_batch(std::span<const std::span<const uint8_t>> frames,
                    std::span<int> errors) noexcept override {
        std::vector<uint8_t> tags;
        for (size_t i = 0; i < frames.size(); ++i) tags.push_back(frames[i][0]), errors[i] = 0;
        std::lock_guard lock(mu);
        batches.push_back(std::move(tags));
    }
    std::string_view name() const override { return "recording"; }
    std::string describe() const override { return "recording"; }

    std::mutex mu;
    std::vector<std::vector<uint8_t>> batches;
};

// Advertisers of one interval started at different times advertise at once (the first advert
// of each), then on the thread's shared grid: every later wake-up sends all of them together.
TEST(AdvertThread, AdvertisersOfOneIntervalShareEveryWakeUp) {
    RecordingSender rec;
    auto thread = std::make_shared<tx::AdvertThread>(rec);
    std::vector<std::unique_ptr<tx::Advertiser>> ads;
    for (uint8_t tag = 1; tag <= 3; ++tag) {
        ads.push_back(std::make_unique<tx::Advertiser>(thread));
        const std::vector<uint8_t> frame = {tag};
        ads.back()->set_frame(frame);
        ads.back()->start(20ms);
        std::this_thread::sleep_for(std::chrono::milliseconds(7 * tag));  // off the grid
    }
    ASSERT_TRUE(eventually([&] { return ads[2]->stats().sent >= 6; }, 5000ms));
    for (auto &a : ads) a->stop();

    std::lock_guard lock(rec.mu);
    // The batch that carried the third advertiser's first advert; after it, all three together.
    size_t third = 0;
    while (third < rec.batches.size() &&
           std::find(rec.batches[third].begin(), rec.batches[third].end(), 3) ==
               rec.batches[third].end())
        ++third;
    ASSERT_LT(third + 5, rec.batches.size());
    for (size_t b = third + 1; b < rec.batches.size(); ++b) {
        auto tags = rec.batches[b];
        std::sort(tags.begin(), tags.end());
        EXPECT_EQ(tags, (std::vector<uint8_t>{1, 2, 3})) << "wake-up " << b;
    }
}

// ---- lanes: one advertiser sending from several CPUs ---------------------------------------

// Counts what was sent on it; can be made to hang in send_batch() like a stalled CPU.
class GatedSender : public tx::FrameSender {
  public:
    int send(std::span<const uint8_t>) noexcept override { return 0; }
    void send_batch(std::span<const std::span<const uint8_t>> frames,
                    std::span<int> errors) noexcept override {
        std::lock_guard gate(gate_);
        std::lock_guard lock(mu);
        for (size_t i = 0; i < frames.size(); ++i) {
            errors[i] = 0;
            sent.emplace_back(frames[i].begin(), frames[i].end());
        }
    }
    std::string_view name() const override { return "gated"; }
    std::string describe() const override { return "gated"; }
    size_t count(uint8_t tag) {
        std::lock_guard lock(mu);
        return size_t(std::count_if(sent.begin(), sent.end(),
                                    [&](const auto &f) { return !f.empty() && f[0] == tag; }));
    }

    std::mutex gate_;  // held by a test: this "CPU" is stalled
    std::mutex mu;
    std::vector<std::vector<uint8_t>> sent;
};

struct TwoLanes {
    GatedSender s0, s1;
    int ring = eventfd(0, EFD_NONBLOCK | EFD_CLOEXEC);  // stands in for the event ring
    std::shared_ptr<tx::AdvertThread> t0 = std::make_shared<tx::AdvertThread>(s0, 0, -1, ring);
    std::shared_ptr<tx::AdvertThread> t1 = std::make_shared<tx::AdvertThread>(s1, 0, -1, ring);
    ~TwoLanes() {
        t0.reset();
        t1.reset();
        close(ring);
    }
    void ring_wakes() {
        uint64_t one = 1;
        ASSERT_EQ(write(ring, &one, sizeof one), ssize_t(sizeof one));
    }
};

TEST(AdvertLanes, RedundantLanesEachSendEveryInterval) {
    TwoLanes l;
    tx::AdvertiserOptions o;
    o.spread = tx::Spread::Redundant;
    tx::Advertiser a({l.t0, l.t1}, o);
    a.set_frame(std::vector<uint8_t>{7});
    a.start(10ms);
    std::this_thread::sleep_for(400ms);
    a.stop();
    auto st = a.stats();
    ASSERT_EQ(st.lanes.size(), 2u);
    for (const auto &lane : st.lanes) {
        EXPECT_GE(lane.sent, 20u);  // about 40 each
        EXPECT_LE(lane.sent, 80u);
    }
    EXPECT_EQ(st.sent, l.s0.count(7) + l.s1.count(7));
}

// Unicast: one frame per peer, all in the same wake-up, one advert in the statistics; a frame
// the sender refuses is counted, and the peers whose frames went out still renew the lease.
TEST(AdvertLanes, AnAdvertOfSeveralFramesSendsEveryFrameEachTime) {
    TwoLanes l;
    std::atomic<uint64_t> renewals{0};
    tx::AdvertiserOptions o;
    o.max_frames = 3;
    o.on_sent = [&](uint64_t) { renewals.fetch_add(1); };
    tx::Advertiser a({l.t0}, o);
    const std::vector<std::vector<uint8_t>> three = {{1}, {2}, {3}};
    EXPECT_THROW(a.set_frames(std::vector<std::vector<uint8_t>>{{1}, {2}, {3}, {4}}), Error);
    a.set_frames(three);
    a.start(10ms);
    std::this_thread::sleep_for(200ms);
    a.stop();
    auto st = a.stats();
    EXPECT_GE(st.sent, 10u);
    for (uint8_t tag : {1, 2, 3}) EXPECT_EQ(l.s0.count(tag), st.sent) << int(tag);
    EXPECT_EQ(renewals.load(), st.sent);
    EXPECT_EQ(st.send_errors, 0u);
}

// Refuses every frame that starts with 9.
class RefusingSender : public tx::FrameSender {
  public:
    int send(std::span<const uint8_t> f) noexcept override {
        if (!f.empty() && f[0] == 9) return ENOBUFS;
        taken.fetch_add(1);
        return 0;
    }
    std::string_view name() const override { return "refusing"; }
    std::string describe() const override { return "refusing"; }
    std::atomic<uint64_t> taken{0};
};

TEST(AdvertLanes, OneRefusedFrameOfAnAdvertIsAnErrorButTheOthersStillRenewTheLease) {
    RefusingSender sender;
    auto thread = std::make_shared<tx::AdvertThread>(sender);
    std::atomic<uint64_t> renewals{0};
    tx::AdvertiserOptions o;
    o.max_frames = 2;
    o.on_sent = [&](uint64_t) { renewals.fetch_add(1); };
    tx::Advertiser a(thread, o);
    a.set_frames(std::vector<std::vector<uint8_t>>{{1}, {9}});
    a.start(10ms);
    std::this_thread::sleep_for(200ms);
    a.stop();
    auto st = a.stats();
    EXPECT_GE(st.sent, 10u);
    EXPECT_EQ(st.send_errors, st.sent);  // the frame to the second peer, every time
    EXPECT_EQ(st.last_error, ENOBUFS);
    EXPECT_EQ(renewals.load(), st.sent);
    // Only the refused frame left: nothing goes out, nothing renews.
    a.set_frames(std::vector<std::vector<uint8_t>>{{9}});
    const uint64_t before = renewals.load();
    a.start(10ms);
    std::this_thread::sleep_for(100ms);
    a.stop();
    EXPECT_EQ(renewals.load(), before);
    EXPECT_EQ(a.stats().sent, st.sent);
}

TEST(AdvertLanes, StaggeredLanesTakeTurns) {
    TwoLanes l;
    tx::AdvertiserOptions o;
    o.spread = tx::Spread::Staggered;
    tx::Advertiser a({l.t0, l.t1}, o);
    a.set_frame(std::vector<uint8_t>{7});
    a.start(10ms);
    std::this_thread::sleep_for(400ms);
    a.stop();
    auto st = a.stats();
    for (const auto &lane : st.lanes) {
        EXPECT_GE(lane.sent, 10u);  // about 20 each: every other interval
        EXPECT_LE(lane.sent, 40u);
    }
}

// The point of lanes: a CPU that stalls silences its lane, not the instance.
TEST(AdvertLanes, AStalledLaneDoesNotSilenceTheOther) {
    for (auto spread : {tx::Spread::Redundant, tx::Spread::Staggered}) {
        TwoLanes l;
        tx::AdvertiserOptions o;
        o.spread = spread;
        tx::Advertiser a({l.t0, l.t1}, o);
        a.set_frame(std::vector<uint8_t>{7});
        a.start(10ms);
        ASSERT_TRUE(eventually([&] { return l.s0.count(7) >= 2 && l.s1.count(7) >= 2; }));
        size_t before;
        {
            std::lock_guard stall(l.s0.gate_);  // lane 0's thread hangs in its next send
            before = l.s1.count(7);
            std::this_thread::sleep_for(300ms);
            EXPECT_GE(l.s1.count(7), before + 8) << tx::to_string(spread);
        }
        a.stop();
    }
}

// The lateness histogram (metrics: xvrrp_advert_lateness_seconds) counts every periodic wake-up
// but each lane's first advert, and a stalled lane's late wake-up lands in a high bucket.
TEST(AdvertLanes, LatenessHistogramCountsEveryPeriodicAdvertAndShowsAStall) {
    TwoLanes l;
    tx::Advertiser a({l.t0, l.t1});
    a.set_frame(std::vector<uint8_t>{7});
    a.start(10ms);
    ASSERT_TRUE(eventually([&] { return l.s0.count(7) >= 2 && l.s1.count(7) >= 2; }));
    {
        std::lock_guard stall(l.s0.gate_);  // lane 0's thread hangs in its next send
        std::this_thread::sleep_for(300ms);
    }
    ASSERT_TRUE(eventually([&] { return l.s0.count(7) >= 40; }));
    a.stop();
    auto st = a.stats();
    uint64_t counted = 0, above_100ms = 0;
    for (size_t b = 0; b < st.lateness.counts.size(); b++) {
        counted += st.lateness.counts[b];
        if (b >= 17) above_100ms += st.lateness.counts[b];  // bucket 17: from 131 ms
    }
    EXPECT_EQ(counted + a.lanes(), st.sent);
    EXPECT_GE(above_100ms, 1u);
    EXPECT_GE(st.lateness.sum_ns, 100'000'000u);
    EXPECT_EQ(tx::LatenessHistogram::bucket(0), 0u);
    EXPECT_EQ(tx::LatenessHistogram::bucket(1'999), 0u);
    EXPECT_EQ(tx::LatenessHistogram::bucket(2'000), 1u);
    EXPECT_EQ(tx::LatenessHistogram::bucket(4'000), 2u);
    EXPECT_EQ(tx::LatenessHistogram::bucket(300'000'000), 18u);
    EXPECT_EQ(tx::LatenessHistogram::bucket(uint64_t(1) << 62), 23u);
}

TEST(AdvertLanes, AKernelTakeoverIsClaimedOnceAndSendsFromEveryLane) {
    TwoLanes l;
    std::atomic<uint64_t> stamp{0};
    int nl[2];
    ASSERT_EQ(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, nl), 0);
    tx::Advertiser a({l.t0, l.t1});
    tx::TakeoverPlan plan;
    plan.kernel_stamp = [&] { return stamp.load(); };
    plan.garp_frames = {{9}, {9}};
    plan.netlink_request = {1, 2, 3};
    plan.netlink_fd = nl[0];
    a.set_takeover(plan);
    a.set_frame(std::vector<uint8_t>{7});
    a.start(1h, /*parked=*/true);
    a.arm_takeover(true);
    stamp = 12345;
    l.ring_wakes();
    ASSERT_TRUE(eventually([&] { return l.s0.count(7) >= 1 && l.s1.count(7) >= 1; }))
        << "every lane advertises at once";
    EXPECT_FALSE(a.parked());
    EXPECT_EQ(l.s0.count(9) + l.s1.count(9), 2u) << "one round of gratuitous ARP, once";
    EXPECT_EQ(a.stats().takeovers_by_lane, 1u);
    EXPECT_FALSE(a.claim_takeover(12345)) << "the loop learns a lane was first";
    EXPECT_TRUE(a.takeover_garp_sent(12345)) << "it waits for the lane's send";
    uint8_t got[8];
    EXPECT_EQ(recv(nl[1], got, sizeof got, MSG_DONTWAIT), 3) << "the service IPs, once";
    EXPECT_EQ(recv(nl[1], got, sizeof got, MSG_DONTWAIT), -1);
    a.stop();
    close(nl[0]);
    close(nl[1]);
}

TEST(AdvertLanes, NoLaneActsOnATakeoverWhenDisarmedOlderOrClaimedByTheLoop) {
    TwoLanes l;
    std::atomic<uint64_t> stamp{100};  // a takeover from before the arming
    tx::Advertiser a({l.t0, l.t1});
    tx::TakeoverPlan plan;
    plan.kernel_stamp = [&] { return stamp.load(); };
    plan.garp_frames = {{9}};
    a.set_takeover(plan);
    a.set_frame(std::vector<uint8_t>{7});
    a.start(1h, /*parked=*/true);
    l.ring_wakes();  // not armed
    a.arm_takeover(true);
    l.ring_wakes();                      // armed, but the stamp predates it
    EXPECT_TRUE(a.claim_takeover(200));  // the loop was first for this one
    stamp = 200;
    l.ring_wakes();
    std::this_thread::sleep_for(200ms);
    EXPECT_TRUE(a.parked());
    EXPECT_EQ(l.s0.sent.size() + l.s1.sent.size(), 0u);
    EXPECT_EQ(a.stats().takeovers_by_lane, 0u);
    a.arm_takeover(false);
    stamp = 300;
    l.ring_wakes();
    std::this_thread::sleep_for(200ms);
    EXPECT_TRUE(a.parked());
    a.stop();
}

TEST(LockProcessMemory, SucceedsAsRootOrExplainsWhy) {
    std::string warning = tx::lock_process_memory();
    if (!warning.empty()) {
        EXPECT_NE(warning.find("mlockall"), std::string::npos) << warning;
    }
    munlockall();
}

}  // namespace
}  // namespace xvrrp::test
