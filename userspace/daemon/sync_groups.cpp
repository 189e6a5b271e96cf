#include "daemon/sync_groups.h"

#include <algorithm>

namespace xvrrp::daemon {

namespace {

// The running instances of `group`, in the group's order.
std::vector<Instance *> members(const config::SyncGroup &group,
                                std::vector<std::unique_ptr<Instance>> &instances) {
    std::vector<Instance *> out;
    for (const auto &name : group.instances)
        for (auto &inst : instances)
            if (!inst->stopped() && inst->config().name == name) out.push_back(inst.get());
    return out;
}

// FAULT while a member is in FAULT, MASTER or BACKUP when every member is; "" otherwise (a
// member starting, or members on their way to the same state).
std::string group_state(const std::vector<Instance *> &members) {
    auto all = [&](vrrp::State s) {
        return std::all_of(members.begin(), members.end(),
                           [&](const Instance *i) { return i->state() == s; });
    };
    if (std::any_of(members.begin(), members.end(),
                    [](const Instance *i) { return i->state() == vrrp::State::Fault; }))
        return "FAULT";
    if (all(vrrp::State::Master)) return "MASTER";
    if (all(vrrp::State::Backup)) return "BACKUP";
    return "";
}

}  // namespace

bool group_fault(const config::Config &cfg, const std::string &name,
                 const std::function<bool(const config::Instance &)> &own_fault) {
    const config::SyncGroup *group = cfg.sync_group_of(name);
    if (!group) return false;
    for (const auto &other : group->instances) {
        if (other == name) continue;
        for (const auto &c : cfg.instances)
            if (c.name == other && own_fault(c)) return true;
    }
    return false;
}

void SyncGroups::follow(const config::Config &cfg,
                        std::vector<std::unique_ptr<Instance>> &instances, NotifyRunner &notify,
                        vrrp::TimePoint now) {
    std::map<std::string, std::string> notified;
    for (const auto &group : cfg.sync_groups) {
        std::vector<Instance *> m = members(group, instances);
        // 1. Mastership given up by one member is given up by all.
        std::string lost;
        for (Instance *i : m)
            if (i->take_lost_mastership() && lost.empty()) lost = i->config().name;
        if (!lost.empty())
            for (Instance *i : m)
                if (i->state() == vrrp::State::Master)
                    i->step_down(now, "sync group " + group.name + ": " + lost + " left MASTER");
        // 2. No member preempts while another follows a better master.
        for (Instance *i : m) {
            bool held = std::any_of(m.begin(), m.end(), [&](const Instance *other) {
                return other != i && other->follows_better_master(now);
            });
            i->set_group_hold(held, now);
        }
        // 3. The group's hooks, once per change.
        std::string state = group_state(m);
        auto it = notified_.find(group.name);
        std::string before = it == notified_.end() ? "" : it->second;
        if (!state.empty() && state != before) {
            notify.run_group(group, state);
            before = state;
        }
        notified[group.name] = before;
    }
    // Instances in no group (any more, after a reload): nothing holds them.
    for (auto &inst : instances)
        if (!inst->stopped() && !cfg.sync_group_of(inst->config().name)) {
            inst->take_lost_mastership();
            inst->set_group_hold(false, now);
        }
    notified_ = std::move(notified);  // groups a reload removed are forgotten
}

void SyncGroups::stop(const config::Config &cfg, NotifyRunner &notify) {
    for (const auto &group : cfg.sync_groups) notify.run_group(group, "STOP");
    notified_.clear();
}

}  // namespace xvrrp::daemon
