// [[sync_group]] at run time (keepalived's vrrp_sync_group): instances that change state
// together. FAULT is an input of each member's own fault condition (Daemon::apply_tracking,
// group_fault()); what this file does after each turn of the loop is the rest:
//   - a member that left MASTER for BACKUP on its own (a better master, a preempting router)
//     takes the members still MASTER to BACKUP (Instance::step_down);
//   - while a member in BACKUP follows a better master, the group's other BACKUP members do
//     not preempt (Instance::set_group_hold): the group goes MASTER where all members can;
//   - a change of the group's state runs the group's notify hooks once.
#pragma once

#include <functional>
#include <map>
#include <memory>
#include <string>
#include <vector>

#include "config/config.h"
#include "daemon/instance.h"
#include "daemon/notify.h"

namespace xvrrp::daemon {

// Whether a member of `name`'s group other than `name` is in fault by `own_fault` (its link
// down, or tracking with weight 0); false for an instance in no group.
bool group_fault(const config::Config &cfg, const std::string &name,
                 const std::function<bool(const config::Instance &)> &own_fault);

class SyncGroups {
  public:
    // After each turn of the loop (and after a reload: groups are found by name in `cfg`).
    void follow(const config::Config &cfg, std::vector<std::unique_ptr<Instance>> &instances,
                NotifyRunner &notify, vrrp::TimePoint now);
    // The stop hooks of every group, once (a stop signal).
    void stop(const config::Config &cfg, NotifyRunner &notify);

  private:
    std::map<std::string, std::string> notified_;  // group name -> the state its hooks last saw
};

}  // namespace xvrrp::daemon
