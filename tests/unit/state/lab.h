// A lab for the VRRP state machine: several routers in one process, a fake clock and a fake
// wire. Each router's SendAdvert actions become Adverts delivered to every other router after a
// configurable delay; timers fire in deadline order; adverts can be dropped and links cut.
// What a router "does" is tracked only from its Actions, as the daemon would apply them.
// Each router's Master_Down_Timer is run here, as its owner (the kernel) runs it: started by
// ArmMasterDown, restarted by the adverts that master_down_restart() says restart it, stopped
// by DisarmMasterDown, reported with master_down_expired().
#pragma once

#include <gtest/gtest.h>

#include <algorithm>
#include <functional>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <tuple>
#include <vector>

#include "vrrp/state_machine.h"

namespace xvrrp::vrrp::testing {

using namespace std::chrono_literals;

inline IpAddress host(uint8_t last) {
    return IpAddress::v4(192, 0, 2, last);
}
inline const IpAddress kVip = IpAddress::v4(192, 0, 2, 100);

inline InstanceParams params(uint8_t priority, uint8_t host_byte, Duration interval = 1s) {
    InstanceParams p;
    p.vrid = 51;
    p.priority = priority;
    p.advert_interval = interval;
    p.primary_address = host(host_byte);
    p.virtual_addresses = {kVip};
    return p;
}

// The advert a router with these params would put on the wire for this SendAdvert.
inline Advert advert_from(const InstanceParams &p, uint8_t priority, uint16_t interval_field) {
    Advert a;
    a.version = p.version;
    a.vrid = p.vrid;
    a.priority = priority;
    a.interval_field = interval_field;
    a.source = p.primary_address;
    a.addresses = p.virtual_addresses;
    return a;
}
inline Advert advert_from(const InstanceParams &p) {
    return advert_from(p, p.priority, p.interval_field());
}

template <class T>
std::vector<T> all(const Actions &actions) {
    std::vector<T> out;
    for (const auto &a : actions)
        if (auto *t = std::get_if<T>(&a)) out.push_back(*t);
    return out;
}
template <class T>
bool has(const Actions &actions) {
    return !all<T>(actions).empty();
}
template <class T>
T only(const Actions &actions) {
    auto v = all<T>(actions);
    EXPECT_EQ(v.size(), 1u) << describe(actions);
    return v.empty() ? T{} : v.front();
}

struct Router {
    Router(std::string n, InstanceParams p) : name(std::move(n)), sm(std::move(p)) {}
    std::string name;
    StateMachine sm;
    bool link_up = true;
    bool arp_answering = false;
    bool takeover_armed = false;
    std::set<IpAddress> vips;
    std::vector<std::pair<TimePoint, std::string>> notifications;
    std::vector<std::pair<TimePoint, SendAdvert>> sent;
    std::optional<TimePoint> master_down;  // the owner's Master_Down_Timer, when armed
};

class Lab {
  public:
    explicit Lab(Duration wire_delay = 100us) : wire_delay_(wire_delay) {}

    size_t add(std::string name, InstanceParams p) {
        routers_.emplace_back(std::move(name), std::move(p));
        return routers_.size() - 1;
    }
    Router &operator[](size_t i) { return routers_[i]; }
    TimePoint now() const { return now_; }

    void start(size_t i) { apply(i, routers_[i].sm.start(now_)); }
    void start_all() {
        for (size_t i = 0; i < routers_.size(); ++i) start(i);
    }
    void shutdown(size_t i) { apply(i, routers_[i].sm.shutdown(now_)); }
    void end_release(size_t i) { apply(i, routers_[i].sm.end_release(now_)); }
    void cut_link(size_t i) {
        routers_[i].link_up = false;
        apply(i, routers_[i].sm.link_down(now_));
    }
    void restore_link(size_t i) {
        routers_[i].link_up = true;
        apply(i, routers_[i].sm.link_up(now_));
    }
    void set_priority(size_t i, uint8_t p) { apply(i, routers_[i].sm.set_priority(p, now_)); }
    // Drop the next n adverts router i sends (to every receiver).
    void drop_next_adverts_from(size_t i, int n) { drops_[i] += n; }

    void run_for(Duration d) { run_until(now_ + d); }
    void run_until(TimePoint t) {
        while (true) {
            // Earliest event: (time, 0 = delivery / 1 = timer, sequence, router)
            std::optional<std::tuple<TimePoint, int, uint64_t, size_t>> next;
            if (!wire_.empty() && wire_.begin()->first.first <= t) {
                const auto &[key, flight] = *wire_.begin();  // the map is in delivery order
                next = std::tuple{key.first, 0, key.second, flight.to};
            }
            for (size_t i = 0; i < routers_.size(); ++i) {
                auto d = routers_[i].sm.next_deadline();
                if (d && *d <= t) {
                    std::tuple cand{*d, 1, uint64_t(0), i};
                    next = next ? std::min(*next, cand) : cand;
                }
                auto md = routers_[i].master_down;
                if (md && *md <= t) {
                    std::tuple cand{*md, 2, uint64_t(0), i};
                    next = next ? std::min(*next, cand) : cand;
                }
            }
            if (!next) break;
            auto [at, kind, seq, i] = *next;
            now_ = std::max(now_, at);
            if (kind == 0) {
                auto node = wire_.extract({at, seq});
                Router &r = routers_[i];
                if (!r.link_up) continue;
                const Advert &a = node.mapped().advert;
                if (r.master_down && a.vrid == r.sm.params().vrid &&
                    a.version == r.sm.params().version) {
                    auto restart = master_down_restart(r.sm.params(), r.sm.priority(),
                                                       r.sm.discards_lower_priority(now_),
                                                       r.sm.master_adver_interval(), a);
                    if (restart) r.master_down = now_ + *restart;
                }
                apply(i, r.sm.advert_received(a, now_));
            } else if (kind == 2) {
                routers_[i].master_down.reset();  // fired; the machine disarms or re-arms
                apply(i, routers_[i].sm.master_down_expired(now_));
            } else {
                apply(i, routers_[i].sm.timer_expired(now_));
            }
        }
        now_ = std::max(now_, t);
    }

    int masters() const {
        return int(std::count_if(routers_.begin(), routers_.end(),
                                 [](const Router &r) { return r.arp_answering; }));
    }
    // Longest stretch in [from, to) during which the number of routers answering ARP satisfied
    // pred (e.g. "== 0" is an outage, "> 1" a split brain).
    Duration longest(std::function<bool(int)> pred, TimePoint from, TimePoint to) const {
        return longest_in(timeline_, pred, from, to);
    }
    // Longest stretch in [from, to) during which no router held any service IP on its host:
    // packets that reach a server then find nobody to answer them.
    Duration longest_without_vips(TimePoint from, TimePoint to) const {
        auto none = [](int n) { return n == 0; };
        return longest_in(vip_timeline_, none, from, to);
    }
    Duration longest_outage(TimePoint from, TimePoint to) const {
        return longest([](int n) { return n == 0; }, from, to);
    }
    Duration longest_split_brain(TimePoint from, TimePoint to) const {
        return longest([](int n) { return n > 1; }, from, to);
    }
    // Every instant of [from, to) outside the excused windows has exactly one master.
    ::testing::AssertionResult exactly_one_master(
        TimePoint from, TimePoint to, std::vector<std::pair<TimePoint, TimePoint>> excused = {}) {
        for (size_t k = 0; k < timeline_.size(); ++k) {
            if (timeline_[k].second == 1) continue;
            TimePoint b = std::max(timeline_[k].first, from);
            TimePoint e = std::min(k + 1 < timeline_.size() ? timeline_[k + 1].first : now_, to);
            if (e <= b) continue;
            bool ok = std::any_of(excused.begin(), excused.end(),
                                  [&](const auto &w) { return w.first <= b && e <= w.second; });
            if (!ok)
                return ::testing::AssertionFailure() << timeline_[k].second << " masters from "
                                                     << b.count() << "ns to " << e.count() << "ns";
        }
        return ::testing::AssertionSuccess();
    }

  private:
    struct InFlight {
        size_t to;
        Advert advert;
    };

    using Timeline = std::vector<std::pair<TimePoint, int>>;

    Duration longest_in(const Timeline &timeline, const std::function<bool(int)> &pred,
                        TimePoint from, TimePoint to) const {
        Duration best{0};
        for (size_t k = 0; k < timeline.size(); ++k) {
            if (!pred(timeline[k].second)) continue;
            TimePoint b = std::max(timeline[k].first, from);
            TimePoint e = std::min(k + 1 < timeline.size() ? timeline[k + 1].first : now_, to);
            if (e > b) best = std::max(best, e - b);
        }
        return best;
    }

    void apply(size_t i, const Actions &actions) {
        Router &r = routers_[i];
        for (const auto &a : actions) {
            if (auto *s = std::get_if<SendAdvert>(&a)) {
                r.sent.emplace_back(now_, *s);
                if (drops_[i] > 0) {
                    --drops_[i];
                    continue;
                }
                if (!r.link_up) continue;
                for (size_t j = 0; j < routers_.size(); ++j)
                    if (j != i)
                        wire_.emplace(std::pair{now_ + wire_delay_, seq_++},
                                      InFlight{j, advert_from(r.sm.params(), s->priority,
                                                              s->interval_field)});
            } else if (auto *arp = std::get_if<SetArpAnswering>(&a)) {
                r.arp_answering = arp->on;
            } else if (auto *t = std::get_if<SetTakeoverOnTimeout>(&a)) {
                r.takeover_armed = t->armed;
            } else if (auto *add = std::get_if<AddVips>(&a)) {
                r.vips.insert(add->addresses.begin(), add->addresses.end());
            } else if (auto *rm = std::get_if<RemoveVips>(&a)) {
                for (const auto &v : rm->addresses) r.vips.erase(v);
            } else if (auto *n = std::get_if<RunNotify>(&a)) {
                r.notifications.emplace_back(now_, n->state);
            } else if (auto *arm = std::get_if<ArmMasterDown>(&a)) {
                r.master_down = now_ + arm->interval;
            } else if (std::get_if<DisarmMasterDown>(&a)) {
                r.master_down.reset();
            }
        }
        int m = masters();
        if (timeline_.empty() || timeline_.back().second != m) timeline_.emplace_back(now_, m);
        int held = int(std::count_if(routers_.begin(), routers_.end(),
                                     [](const Router &r) { return !r.vips.empty(); }));
        if (vip_timeline_.back().second != held) vip_timeline_.emplace_back(now_, held);
    }

    Duration wire_delay_;
    TimePoint now_{0};
    uint64_t seq_ = 0;
    std::vector<Router> routers_;
    std::map<std::pair<TimePoint, uint64_t>, InFlight> wire_;
    std::map<size_t, int> drops_;
    Timeline timeline_{{TimePoint{0}, 0}};      // routers answering ARP
    Timeline vip_timeline_{{TimePoint{0}, 0}};  // routers holding service IPs
};

}  // namespace xvrrp::vrrp::testing
