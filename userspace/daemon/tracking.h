// What an instance's priority follows besides its own configured value, as keepalived's
// track_interface, track_script and track_file: the state of each input, the priority and
// FAULT they make (tracking()), and the two inputs that the loop has to fetch, the [[script]]
// checks (ScriptChecks) and the tracked files (TrackFiles).
#pragma once

#include <chrono>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <string>
#include <vector>

#include "common/fd.h"
#include "config/config.h"
#include "daemon/notify.h"

namespace xvrrp::daemon {

struct TrackedState {
    std::map<std::string, bool> link_up;          // uplinks and tracked interfaces, by name
    std::map<std::string, bool> script_ok;        // by [[script]] name; absent: OK
    std::map<std::string, long long> file_value;  // by path; absent: 0
};

struct Tracking {
    bool fault = false;
    int priority = 0;  // 1..254 (255 for the address owner, whom nothing moves down from 255)
};

// The priority and FAULT `inst` has under `state`: its base priority plus the weights that
// apply, clamped to 1..254; FAULT for a weight-0 link that is down or check that failed, a
// weight-0 file that holds a number other than 0, or a file whose weight x number is -254 or
// less. The base is the configured priority, or `runtime_base` when set (xvrrpctl set-priority,
// never for the address owner).
Tracking tracking(const config::Instance &inst, const TrackedState &state,
                  std::optional<int> runtime_base = std::nullopt);

// The [[script]] checks the instances track, each run every interval by the notify runner's
// thread (the loop never waits for one, nor starts one: starting a process blocks its caller
// until the execve). Results come back through result_fd().
class ScriptChecks {
  public:
    using Clock = std::chrono::steady_clock;
    // The scripts of `cfg` that some instance tracks; none: empty() (no fds are needed).
    ScriptChecks(const config::Config &cfg, NotifyRunner &runner);
    bool empty() const { return checks_.empty(); }
    int timer_fd() const { return timer_.get(); }          // readable: a run is due
    int result_fd() const { return inbox_->event.get(); }  // readable: a run has ended

    // Checks found in `ok` (a reload: the same script as before) start in that state.
    void seed(const std::map<std::string, bool> &ok);
    void start();     // the first run of every check, at once
    void on_timer();  // starts the runs that are due
    // Takes the runs that ended. A check that changed between OK and FAILED is written to
    // `ok` and logged; true when one did.
    bool on_results(std::map<std::string, bool> &ok);
    void stop() { stopped_ = true; }  // no run starts from now on

  private:
    struct Check {
        const config::Script *script;
        Clock::time_point next;  // when the next run is due
        bool running = false;
        bool ok = true;  // the state instances see (keepalived: OK until it falls)
        unsigned successes = 0, failures = 0;  // in a row
    };
    struct Inbox {  // shared with the runner's thread, which outlives nothing here
        std::mutex mu;
        std::vector<std::pair<size_t, HookOutcome>> results;
        UniqueFd event;
    };
    void run(size_t i);
    void arm();

    NotifyRunner &runner_;
    std::vector<Check> checks_;
    std::shared_ptr<Inbox> inbox_;
    UniqueFd timer_;
    bool stopped_ = false;
};

// The tracked files, re-read when inotify reports a change in their directory (written and
// closed, replaced by a rename, created, removed). A writer that keeps the file open and
// rewrites it in place is seen when it closes the file.
class TrackFiles {
  public:
    explicit TrackFiles(const config::Config &cfg);
    bool empty() const { return paths_.empty(); }
    int fd() const { return inotify_.get(); }
    // Reads every file into `values`, logging each value (start-up).
    void read_all(std::map<std::string, long long> &values);
    // Drains the inotify events and re-reads the files they concern; true when a value changed.
    bool on_event(std::map<std::string, long long> &values);

  private:
    bool read(const std::string &path, std::map<std::string, long long> &values);

    std::vector<std::string> paths_;
    std::map<int, std::string> dirs_;              // inotify watch descriptor -> directory
    std::map<std::string, std::string> problems_;  // path -> the last problem logged
    UniqueFd inotify_;
};

// The number a tracked file holds: optional blanks, an optional sign, decimal digits, optional
// blanks (a trailing newline is fine); nullopt for anything else.
std::optional<long long> parse_track_file(std::string_view text);

}  // namespace xvrrp::daemon
