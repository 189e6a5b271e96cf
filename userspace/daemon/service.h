// xvrrpd as a systemd service (Type=notify): what it tells the service manager through
// sd_notify(3), docs/operations.md "Run under systemd".
//   READY=1      once every instance has its first state (the start-up election decided),
//                not when the process starts: `systemctl start` returns then;
//   STATUS=...   a one-line summary on every change, "2 instances: VI_1 MASTER, VI_2 BACKUP";
//   WATCHDOG=1   from the event loop, every half WATCHDOG_USEC: a loop that no longer turns
//                stops sending it, and systemd restarts the daemon (WatchdogSec=);
//   RELOADING=1  with MONOTONIC_USEC= when a SIGHUP reload starts, READY=1 when it is over
//                (Type=notify-reload's protocol; with Type=notify and ExecReload= sending
//                SIGHUP, systemctl reload returns at once);
//   STOPPING=1   on SIGTERM/SIGINT; STATUS=failed: ... when start-up fails.
// Without NOTIFY_SOCKET in the environment (not started by systemd) every call does nothing.
#pragma once

#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "common/fd.h"

namespace xvrrp::daemon {

class ServiceNotifier {
  public:
    ServiceNotifier();

    bool enabled() const { return enabled_; }  // NOTIFY_SOCKET is set
    // The watchdog's timerfd for the event loop's epoll, or -1 when systemd does not watch.
    int watchdog_fd() const { return watchdog_.get(); }
    // The watchdog timerfd fired: WATCHDOG=1.
    void on_watchdog_timer();
    // Each instance's name and state ("INIT", "BACKUP", ...), after start-up and after each
    // turn of the loop: STATUS= when the summary changed; READY=1 the first time none is INIT.
    void update(const std::vector<std::pair<std::string, std::string_view>> &states);
    void stopping();
    // A reload starts (true) or is over (false).
    void reloading(bool started);
    // Start-up (or the loop) failed: the error `systemctl status` shows. (No ERRNO=: the
    // error text carries the cause, the number is not kept.)
    void failed(const std::string &error);

  private:
    bool enabled_ = false;
    bool ready_ = false;
    bool stopping_ = false;
    std::string status_;
    UniqueFd watchdog_;
};

// "2 instances: VI_1 MASTER, VI_2 BACKUP"; beyond kListed instances, counts by state:
// "255 instances: 1 MASTER, 254 BACKUP".
std::string status_summary(const std::vector<std::pair<std::string, std::string_view>> &states);

}  // namespace xvrrp::daemon
