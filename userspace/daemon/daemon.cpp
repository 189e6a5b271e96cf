#include "daemon/daemon.h"

#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <linux/netlink.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/signalfd.h>
#include <sys/timerfd.h>
#include <time.h>
#include <unistd.h>

#include <algorithm>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <map>
#include <memory>
#include <optional>
#include <set>

#include "config/config.h"
#include "daemon/accounts.h"
#include "daemon/control.h"
#include "daemon/cpu_latency.h"
#include "daemon/events.h"
#include "daemon/instance.h"
#include "daemon/log.h"
#include "daemon/metrics.h"
#include "daemon/notify.h"
#include "daemon/sync_groups.h"
#include "daemon/tracking.h"
#include "daemon/pid_file.h"
#include "daemon/privileges.h"
#include "daemon/service.h"
#include "daemon/uplink.h"
#include "dataplane/dataplane.h"
#include "net/bpffs.h"
#include "net/link.h"
#include "net/link_monitor.h"
#include "net/sysctl.h"
#include "net/vlan_offload.h"
#include "net/vip_interface.h"
#include "tx/advertiser.h"

namespace xvrrp::daemon {
namespace {

// Per-interface sysctls the configuration needs, as (name, value).
//
// With the virtual MAC, the kernel's own ARP requests on the uplink must not give the service
// IP as their sender: the master resolving a client to answer it would otherwise teach the
// client the interface's MAC for the service IP, undoing the virtual MAC. arp_announce = 2
// makes them carry the interface's own address (as keepalived and LVS setups configure).
//
// With an instance in a VLAN, the XDP program leaves ARP for its service IPs in every other
// network of the trunk to the kernel (bpf/vlan.h), which would answer it for an address held
// on vip_interface (arp_ignore 0: any local address). arp_ignore = 1 answers only for
// addresses of the receiving interface, so a service IP is answered in its own VLAN only.
//
// With IPv6 service IPs, vip_interface must take IPv6 addresses: one created while
// net.ipv6.conf.default.disable_ipv6 = 1 (or so configured) refuses them, and a takeover would
// fail to put them there. Called once vip_interface exists.
std::vector<std::pair<std::string, std::string>> uplink_sysctls(const config::Config &cfg) {
    std::vector<std::pair<std::string, std::string>> wanted;
    auto want = [&](const std::string &name, const std::string &value) {
        if (std::find(wanted.begin(), wanted.end(), std::pair(name, value)) == wanted.end())
            wanted.emplace_back(name, value);
    };
    for (const auto &inst : cfg.instances) {
        if (inst.use_vmac) want("net.ipv4.conf." + inst.interface + ".arp_announce", "2");
        if (inst.vlan) want("net.ipv4.conf." + inst.interface + ".arp_ignore", "1");
        if (inst.family() == vrrp::Family::IPv6)
            want("net.ipv6.conf." + cfg.daemon.vip_interface + ".disable_ipv6", "0");
    }
    return wanted;
}

// The interfaces that carry an instance in a VLAN (trunks): XDP must see their tags.
std::vector<std::string> trunks(const config::Config &cfg) {
    std::vector<std::string> names;
    for (const auto &inst : cfg.instances)
        if (inst.vlan && std::find(names.begin(), names.end(), inst.interface) == names.end())
            names.push_back(inst.interface);
    return names;
}

TimePoint monotonic_now() {
    timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return TimePoint(int64_t(ts.tv_sec) * 1'000'000'000 + ts.tv_nsec);
}

// Prints `text` (FILE:LINE:COL: error: ... lines) on stderr, or logs each line as an error
// when the daemon runs (a reload: the log is where an operator looks).
void report_diagnostics(const std::string &text, bool log_them) {
    if (!log_them) {
        fputs(text.c_str(), stderr);
        return;
    }
    size_t start = 0;
    while (start < text.size()) {
        size_t end = text.find('\n', start);
        if (end == std::string::npos) end = text.size();
        if (end > start) error("", text.substr(start, end - start));
        start = end + 1;
    }
}

// Parses the file; prints (or logs) every error as FILE:LINE:COL: error: ... Returns nullopt on
// error.
std::optional<config::Config> read_config(const std::string &path, bool log_errors = false) {
    config::ConfigResult result;
    try {
        result = config::load_config(path);
    } catch (const std::exception &e) {
        // The reader reports every problem of a file as a diagnostic; reaching this is a bug in
        // xvrrpd, still a refused file and not a crash.
        std::string what = std::string("cannot read the configuration: ") + e.what() +
                           " (a bug in xvrrpd; please report it with the file)";
        report_diagnostics(config::format_diagnostics({{path, {}, what}}), log_errors);
        return std::nullopt;
    }
    if (!result.ok()) {
        report_diagnostics(config::format_diagnostics(result.errors), log_errors);
        return std::nullopt;
    }
    // Valid TOML and values, but beyond what this xvrrpd does yet: refuse, change nothing.
    std::vector<config::Diagnostic> errors;
    for (const auto &inst : result.config->instances) {
        auto refuse = [&](const std::string &what) {
            errors.push_back({result.config->file,
                              {inst.source_line, 0},
                              "[[instance]] '" + config::printable(inst.name) + "': " + what});
        };
        if (inst.family() == vrrp::Family::IPv6 && !inst.unicast_peers.empty())
            refuse("unicast_peers with IPv6 service addresses: not supported by this xvrrpd yet");
    }
    if (!errors.empty()) {
        report_diagnostics(config::format_diagnostics(errors), log_errors);
        return std::nullopt;
    }
    return result.config;
}

// What a reload does with a running instance whose name is still in the file (reload()).
enum class Change { None, InPlace, Recreate };

// The keys a running instance takes without being recreated: its priority (an address owner
// stays one), hooks, tracking, gratuitous ARP settings, service IPs (of the same family) and
// advert interval with the timing that follows from it. The file position does not count.
Change compare(const config::Instance &now, const config::Instance &next) {
    config::Instance a = now, b = next;
    a.source_line = b.source_line = 0;
    if (a == b) return Change::None;
    if ((a.priority == 255) != (b.priority == 255)) return Change::Recreate;
    if (a.family() != b.family()) return Change::Recreate;
    a.virtual_ips = b.virtual_ips;
    a.advert_interval = b.advert_interval;
    a.lease = b.lease;
    a.late_expiry_threshold = b.late_expiry_threshold;
    a.late_expiry_grace = b.late_expiry_grace;
    a.priority = b.priority;
    a.notify = b.notify;
    a.track_interfaces = b.track_interfaces;
    a.track_scripts = b.track_scripts;
    a.track_files = b.track_files;
    a.garp_delay = b.garp_delay;
    a.garp_count = b.garp_count;
    a.garp_interval = b.garp_interval;
    a.garp_refresh = b.garp_refresh;
    return a == b ? Change::InPlace : Change::Recreate;
}

// The [daemon] keys that a reload cannot change (the running values stay until a restart).
std::vector<std::string> daemon_keys_changed(const config::DaemonConfig &a,
                                             const config::DaemonConfig &b) {
    std::vector<std::string> keys;
    auto check = [&](bool same, const char *key) {
        if (!same) keys.push_back(key);
    };
    check(a.vip_interface == b.vip_interface, "vip_interface");
    check(a.pin_dir == b.pin_dir, "pin_dir");
    check(a.control_socket == b.control_socket, "control_socket");
    check(a.pid_file == b.pid_file, "pid_file");
    check(a.sched_priority == b.sched_priority, "sched_priority");
    check(a.release_hold == b.release_hold, "release_hold");
    check(a.cpu_latency == b.cpu_latency, "cpu_latency");
    check(a.control_socket_group == b.control_socket_group, "control_socket_group");
    check(a.metrics_listen == b.metrics_listen, "metrics_listen");
    check(a.notify_fifo == b.notify_fifo, "notify_fifo");
    return keys;
}

class Daemon {
  public:
    Daemon(config::Config cfg, std::string path, LogOptions log)
        : cfg_(std::move(cfg)), path_(std::move(path)), log_options_(log) {}
    int run();

  private:
    void start_up();
    void loop();
    void on_stop_signal(int signo);
    bool releasing() const;
    void release();
    void on_links(const net::LinkChanges &changes, TimePoint now);
    Tracking tracking_of(const Instance &inst) const;
    // The address families of the configured instances on this interface (Uplink's sources).
    std::vector<vrrp::Family> families_on(const std::string &ifname) const;
    // Whether `c` may run (not FAULT): its link up, no weight-0 tracking fault, and none in
    // the other members of its [[sync_group]].
    bool runnable(const config::Instance &c, const Tracking &t);
    void apply_tracking(Instance &inst, TimePoint now);
    // An instance's first state, as at start-up: its priority and fault from the tracking.
    void start_instance(Instance &inst, TimePoint now);
    // The running instance of that name (not one on its way out), or nullptr.
    Instance *running(std::string_view name);
    // Instances that stopped (a reload removed them, maintenance took them out) and whose
    // release hold is over leave: nothing of them is left in the kernel.
    void remove_stopped();
    // "no instance 'NAME' (there are: ...)", for the control socket.
    std::string no_instance(std::string_view name) const;
    void apply_tracking_all();
    // The file again (SIGHUP, xvrrpctl reload); the control socket's answer: the summary line,
    // or "error: ..." when the running configuration stays.
    std::string reload(const std::string &why);
    std::unique_ptr<Instance> make_instance(const config::Instance &c);
    void watch_tracking_inputs();
    void remove_leftover_vips();
    void arm_timer();
    void report_to_service();
    std::vector<InstanceStatus> status();
    std::string metrics();
    // The control socket's requests beyond status (status_format.h).
    // xvrrpctl maintenance NAME on|off: the answer (a line, or "error: ...").
    std::string maintenance(std::string_view name, bool on);
    std::optional<InstanceStatus> set_priority(std::string_view name, int priority,
                                               std::string &error);
    std::string events(bool follow);
    void publish_events();

    config::Config cfg_;
    std::string path_;         // the file, read again by a reload
    LogOptions log_options_;   // --log-level wins over the file's, at a reload too
    bool reload_due_ = false;  // SIGHUP: reload() after this turn's events
    std::unique_ptr<PidFile> pid_file_;
    std::optional<net::VipInterface> vip_interface_;
    std::optional<net::AddressEditor> vip_addresses_;  // shared by the instances
    UniqueFd takeover_netlink_;                        // the advert threads' (Instance)
    std::vector<std::unique_ptr<Uplink>> uplinks_;
    std::vector<std::unique_ptr<Instance>> instances_;
    TrackedState tracked_;  // links, checks and files the priorities follow
    // Base priorities xvrrpctl set-priority gave, by instance name: tracking starts from them
    // instead of the configured priority (tracking_of()), until xvrrpd restarts (a reload
    // keeps them, except for the instances it recreates or removes).
    std::map<std::string, int, std::less<>> runtime_priority_;
    // Instances xvrrpctl maintenance took out of the election, by name: released as at a stop,
    // not running, until maintenance off (or a reload that removes them from the file).
    std::set<std::string, std::less<>> maintenance_;
    EventFeed events_;  // what events --follow subscribers have been told
    std::vector<net::SysctlState> sysctls_changed_;   // undone if start-up fails
    std::unique_ptr<CpuLatencyRequest> cpu_latency_;  // [daemon] cpu_latency, while running
    NotifyRunner notify_;
    SyncGroups sync_groups_;
    std::unique_ptr<ScriptChecks> checks_;  // [[script]] checks some instance tracks
    std::unique_ptr<TrackFiles> track_files_;
    std::unique_ptr<net::LinkMonitor> links_;
    std::unique_ptr<ControlSocket> control_;
    std::unique_ptr<MetricsServer> metrics_;  // [daemon] metrics_listen, when set
    ServiceNotifier service_;  // systemd's READY/STATUS/WATCHDOG/STOPPING (Type=notify)
    UniqueFd epoll_, signals_, timer_;
    bool stopping_ = false;  // a stop signal came: instances shut down, holds may still run
    // Gratuitous ARP that was due went beyond one turn's budget: the rest after kGarpPause.
    // 255 VRIDs with 4096 service IPs and garp_count 5 make 20,000 frames at once; sent in one
    // go (measured in the lab) they kept a SCHED_OTHER advert thread off the CPU for up to
    // 47 ms, longer than the peers wait before taking over. At most an advert's worth of
    // frames per turn (an instance holds 255 addresses at most), 1 ms apart.
    static constexpr size_t kGarpFramesPerTurn = 256;
    static constexpr vrrp::Duration kGarpPause = std::chrono::milliseconds(1);
    bool garp_backlog_ = false;
};

enum Source : uint32_t {
    kSignal,
    kTimer,
    kLinks,
    kControl,
    kRing,
    kMetrics,
    kWatchdog,
    kScriptTimer,
    kScriptResult,
    kTrackFiles
};

void watch(int epoll, int fd, uint32_t source, uint32_t index = 0) {
    epoll_event ev{};
    ev.events = EPOLLIN;
    ev.data.u64 = (uint64_t(source) << 32) | index;
    if (epoll_ctl(epoll, EPOLL_CTL_ADD, fd, &ev)) throw sys_error("epoll_ctl");
}

// The signals the loop takes through its signalfd. Blocked before any thread exists (the advert
// threads inherit the mask): a thread that left SIGTERM unblocked would die of it instead.
const sigset_t &handled_signals() {
    static const sigset_t mask = [] {
        sigset_t m;
        sigemptyset(&m);
        for (int s : {SIGTERM, SIGINT, SIGCHLD, SIGHUP}) sigaddset(&m, s);
        return m;
    }();
    return mask;
}

void Daemon::start_up() {
    pthread_sigmask(SIG_BLOCK, &handled_signals(), nullptr);
    // 1. Read-only: every uplink exists. Nothing on the host has changed so far.
    std::vector<net::LinkInfo> links;
    for (const auto &inst : cfg_.instances) {
        if (std::none_of(links.begin(), links.end(),
                         [&](const net::LinkInfo &l) { return l.name == inst.interface; }))
            links.push_back(net::link_info(inst.interface));
        for (const auto &tr : inst.track_interfaces) {
            auto l = net::find_link(tr.name);
            tracked_.link_up[tr.name] = l && l->up_and_running();
        }
    }
    for (const auto &l : links) tracked_.link_up[l.name] = l.up_and_running();
    std::optional<Group> control_group;
    if (!cfg_.daemon.control_socket_group.empty())
        control_group =
            find_group(cfg_.daemon.control_socket_group, "[daemon] control_socket_group");
    notify_.prepare(cfg_);
    checks_ = std::make_unique<ScriptChecks>(cfg_, notify_);
    track_files_ = std::make_unique<TrackFiles>(cfg_);
    track_files_->read_all(tracked_.file_value);

    // 2. Host prerequisites, each logged. First: no other xvrrpd runs with our files.
    pid_file_ = std::make_unique<PidFile>(cfg_.daemon.pid_file);
    check_control_path(cfg_.daemon.control_socket);
    if (!cfg_.daemon.notify_fifo.empty()) notify_.open_fifo(cfg_.daemon.notify_fifo);
    if (cfg_.daemon.metrics_listen) {  // a port in use stops us here, before the network
        metrics_ = std::make_unique<MetricsServer>(*cfg_.daemon.metrics_listen,
                                                   [this] { return metrics(); });
        info("", "metrics on http://" + cfg_.daemon.metrics_listen->to_string() + "/metrics");
    }
    auto bpffs = net::ensure_bpffs(cfg_.daemon.pin_dir);
    info("", bpffs.text);
    if (!bpffs.ok) throw Error(bpffs.text);
    vip_interface_ = net::VipInterface::ensure(cfg_.daemon.vip_interface);
    info("", vip_interface_->description());
    vip_addresses_.emplace(cfg_.daemon.vip_interface);
    remove_leftover_vips();
    // The advert threads' own socket for adding service IPs at a kernel takeover. Its answers
    // are never read (the loop adds the same addresses and reads its own): once its receive
    // buffer is full, the kernel drops them.
    takeover_netlink_.reset(
        socket(AF_NETLINK, SOCK_RAW | SOCK_CLOEXEC | SOCK_NONBLOCK, NETLINK_ROUTE));
    if (!takeover_netlink_) throw sys_error("open a netlink socket for takeovers");
    for (const auto &s : net::ensure_nonlocal_bind()) {
        info("", s.text);
        if (s.changed) sysctls_changed_.push_back(s);
    }
    for (const auto &[name, value] : uplink_sysctls(cfg_)) {
        auto s = net::ensure_sysctl(name, value);
        info("", s.text);
        if (s.changed) sysctls_changed_.push_back(s);
    }
    for (const auto &name : trunks(cfg_)) {
        auto o = net::disable_rx_vlan_offload(name);
        if (o.changed)
            warn("", o.text);
        else
            info("", o.text);
    }
    if (auto warning = tx::lock_process_memory(); !warning.empty()) warn("", warning);
    if (cfg_.daemon.cpu_latency) {
        cpu_latency_ = std::make_unique<CpuLatencyRequest>(*cfg_.daemon.cpu_latency);
        info("", cpu_latency_->describe());
    }

    // 3. The XDP program on each uplink, maps pinned under pin_dir/<ifname>/.
    route_library_logs();
    for (size_t i = 0; i < links.size(); i++)
        uplinks_.push_back(
            std::make_unique<Uplink>(links[i], cfg_.daemon.pin_dir, families_on(links[i].name)));
    for (const auto &c : cfg_.instances) instances_.push_back(make_instance(c));

    // 4. The loop's sources.
    epoll_.reset(epoll_create1(EPOLL_CLOEXEC));
    signals_.reset(signalfd(-1, &handled_signals(), SFD_NONBLOCK | SFD_CLOEXEC));
    timer_.reset(timerfd_create(CLOCK_MONOTONIC, TFD_NONBLOCK | TFD_CLOEXEC));
    links_ = std::make_unique<net::LinkMonitor>();
    ControlApi api;
    api.status = [this] { return status(); };
    api.set_priority = [this](std::string_view name, int priority, std::string &error) {
        return set_priority(name, priority, error);
    };
    api.events = [this](bool follow) { return events(follow); };
    api.reload = [this] { return reload("xvrrpctl reload"); };
    api.maintenance = [this](std::string_view name, bool on) { return maintenance(name, on); };
    control_ =
        std::make_unique<ControlSocket>(cfg_.daemon.control_socket, control_group, std::move(api));
    if (!epoll_ || !signals_ || !timer_) throw sys_error("set up the event loop");
    watch(epoll_.get(), signals_.get(), kSignal);
    watch(epoll_.get(), timer_.get(), kTimer);
    watch(epoll_.get(), links_->fd(), kLinks);
    watch(epoll_.get(), control_->fd(), kControl);
    for (size_t i = 0; i < uplinks_.size(); i++)
        watch(epoll_.get(), uplinks_[i]->port().events_epoll_fd(), kRing, i);
    if (metrics_) watch(epoll_.get(), metrics_->fd(), kMetrics);
    if (service_.watchdog_fd() >= 0) watch(epoll_.get(), service_.watchdog_fd(), kWatchdog);
    watch_tracking_inputs();

    if (int prio = cfg_.daemon.sched_priority; prio > 0) {
        // After the advert threads exist: they have their own policy (advert_thread).
        sched_param param{};
        param.sched_priority = prio;
        if (int err = pthread_setschedparam(pthread_self(), SCHED_FIFO, &param))
            throw sys_error("event loop SCHED_FIFO priority " + std::to_string(prio) +
                                " (needs CAP_SYS_NICE or RLIMIT_RTPRIO)",
                            err);
        info("", "event loop runs SCHED_FIFO at priority " + std::to_string(prio));
    }

    // 5. Set-up is over: keep only the capabilities the running daemon needs.
    bool dispatcher = std::any_of(uplinks_.begin(), uplinks_.end(), [](const auto &u) {
        return u->port().attachment().dispatcher();
    });
    info("", drop_privileges({notify_.switches_user(), dispatcher}));

    for (auto &inst : instances_) {
        // Each instance's own start time: its kernel entry is written now, and only from now
        // can the kernel hear its master. Starting 255 instances takes milliseconds, which one
        // time taken before them all would have cut from the last ones' first
        // Master_Down_Interval (7 ms at 2 ms adverts).
        start_instance(*inst, monotonic_now());
    }
    sync_groups_.follow(cfg_, instances_, notify_, monotonic_now());
    if (!checks_->empty()) checks_->start();
    info("", "running: " + std::to_string(instances_.size()) + " instance(s); control socket " +
                 cfg_.daemon.control_socket);
    report_to_service();  // every instance has its first state: READY=1
}

// After the loop's work of each turn, so that a takeover never waits for it.
void Daemon::report_to_service() {
    if (!service_.enabled()) return;
    std::vector<std::pair<std::string, std::string_view>> states;
    for (const auto &inst : instances_)
        states.emplace_back(inst->config().name, vrrp::to_string(inst->state()));
    service_.update(states);
}

// Service IPs an earlier run left on the VIP interface (it was killed, or the host crashed):
// removed before anything else touches the network, so that this host never answers for them
// while another server is master (a restarted daemon starts as backup, RFC 5798 6.4.1).
void Daemon::remove_leftover_vips() {
    std::vector<net::AddressPrefix> prefixes;
    for (const auto &inst : cfg_.instances)
        for (const auto &v : inst.virtual_ips) prefixes.push_back({v.address, v.prefix_len});
    size_t removed = 0;
    for (const auto &r : vip_addresses_->remove_all(prefixes)) {
        if (r.changed) removed++;
        if (!r.error.empty()) warn("", r.error);
    }
    if (removed)
        info("", cfg_.daemon.vip_interface + ": removed " + std::to_string(removed) +
                     " service IP(s) an earlier run left there");
}

Tracking Daemon::tracking_of(const Instance &inst) const {
    auto it = runtime_priority_.find(inst.config().name);
    return tracking(inst.config(), tracked_,
                    it == runtime_priority_.end() ? std::nullopt : std::optional<int>(it->second));
}

std::unique_ptr<Instance> Daemon::make_instance(const config::Instance &c) {
    auto it = std::find_if(uplinks_.begin(), uplinks_.end(),
                           [&](const auto &u) { return u->name() == c.interface; });
    return std::make_unique<Instance>(c, **it, *vip_addresses_, cfg_.daemon.vip_interface,
                                      cfg_.daemon.release_hold, notify_, takeover_netlink_.get());
}

void Daemon::watch_tracking_inputs() {
    if (!checks_->empty()) {
        watch(epoll_.get(), checks_->timer_fd(), kScriptTimer);
        watch(epoll_.get(), checks_->result_fd(), kScriptResult);
    }
    if (!track_files_->empty()) watch(epoll_.get(), track_files_->fd(), kTrackFiles);
}

bool Daemon::runnable(const config::Instance &c, const Tracking &t) {
    auto own_fault = [&](const config::Instance &m) {
        return !tracked_.link_up[m.interface] || tracking(m, tracked_).fault;
    };
    return tracked_.link_up[c.interface] && !t.fault && !group_fault(cfg_, c.name, own_fault);
}

void Daemon::start_instance(Instance &inst, TimePoint now) {
    Tracking t = tracking_of(inst);
    inst.on_priority(static_cast<uint8_t>(t.priority), now);
    inst.start(now, runnable(inst.config(), t));
}

Instance *Daemon::running(std::string_view name) {
    for (auto &i : instances_)
        if (!i->stopped() && i->config().name == name) return i.get();
    return nullptr;
}

void Daemon::remove_stopped() {
    instances_.erase(std::remove_if(instances_.begin(), instances_.end(),
                                    [](const auto &i) { return i->stopped() && !i->releasing(); }),
                     instances_.end());
}

std::string Daemon::no_instance(std::string_view name) const {
    std::string names;
    for (const auto &i : cfg_.instances) names += (names.empty() ? "" : ", ") + i.name;
    return "no instance '" + config::printable(std::string(name)) + "' (there are: " + names + ")";
}

void Daemon::apply_tracking(Instance &inst, TimePoint now) {
    if (inst.stopped()) return;  // a removed instance on its way out
    Tracking t = tracking_of(inst);
    inst.on_priority(static_cast<uint8_t>(t.priority), now);
    inst.on_link(runnable(inst.config(), t), now);
}

void Daemon::apply_tracking_all() {
    if (stopping_) return;
    auto now = monotonic_now();
    for (auto &inst : instances_) apply_tracking(*inst, now);
}

void Daemon::on_links(const net::LinkChanges &changes, TimePoint now) {
    std::map<std::string, bool> before = tracked_.link_up;
    if (changes.overrun) {  // the kernel dropped messages: re-read everything we watch
        for (auto &[name, up] : tracked_.link_up) {
            auto l = net::find_link(name);
            up = l && l->up_and_running();
        }
    }
    for (const auto &c : changes.changes)
        if (tracked_.link_up.count(c.name))
            tracked_.link_up[c.name] = !c.removed && c.up_and_running();
    if (tracked_.link_up == before) return;
    for (const auto &[name, up] : tracked_.link_up)
        if (before[name] != up) info("", name + (up ? ": link up" : ": link down"));
    for (auto &inst : instances_) apply_tracking(*inst, now);
}

void Daemon::arm_timer() {
    std::optional<TimePoint> next;
    for (auto &inst : instances_) {
        auto t = inst->next_wakeup();
        if (t && (!next || *t < *next)) next = t;
    }
    if (garp_backlog_ && next) next = std::max(*next, monotonic_now() + kGarpPause);
    itimerspec its{};
    if (next) {
        auto n = std::max<int64_t>(next->count(), 1);
        its.it_value.tv_sec = n / 1'000'000'000;
        its.it_value.tv_nsec = n % 1'000'000'000;
    }
    timerfd_settime(timer_.get(), TFD_TIMER_ABSTIME, &its, nullptr);
}

bool Daemon::releasing() const {
    return std::any_of(instances_.begin(), instances_.end(),
                       [](const auto &inst) { return inst->releasing(); });
}

// The first SIGTERM/SIGINT shuts every instance down at once: masters send their priority-0
// adverts together and hold their service IPs in parallel, each until its own successor or
// deadline, while the loop keeps running for the kernel's events and the timer. Another one
// ends the holds at once (an operator who insists).
void Daemon::on_stop_signal(int signo) {
    auto now = monotonic_now();
    std::string name = strsignal(signo);
    if (!stopping_) {
        info("", name + ": releasing");
        stopping_ = true;
        checks_->stop();
        service_.stopping();
        for (auto &inst : instances_) {
            try {
                inst->shutdown(now);
            } catch (const std::exception &e) {
                error(inst->log_fields(), std::string("shutdown: ") + e.what());
            }
        }
        sync_groups_.stop(cfg_, notify_);
        return;
    }
    if (!releasing()) return;
    info("", name + " again: removing the service IPs now");
    for (auto &inst : instances_) {
        try {
            inst->stop_now(now, "a second " + name);
        } catch (const std::exception &e) {
            error(inst->log_fields(), std::string("shutdown: ") + e.what());
        }
    }
}

void Daemon::loop() {
    epoll_event events[16];
    while (!stopping_ || releasing()) {
        arm_timer();
        int n = epoll_wait(epoll_.get(), events, 16, -1);
        if (n < 0 && errno == EINTR) continue;
        if (n < 0) throw sys_error("epoll_wait");
        for (int i = 0; i < n; i++) {
            uint32_t source = events[i].data.u64 >> 32, index = events[i].data.u64 & 0xffffffff;
            switch (source) {
                case kSignal: {
                    signalfd_siginfo si;
                    while (read(signals_.get(), &si, sizeof si) == sizeof si) {
                        if (si.ssi_signo == SIGCHLD) notify_.reap();
                        if (si.ssi_signo == SIGHUP) reload_due_ = true;
                        if (si.ssi_signo == SIGTERM || si.ssi_signo == SIGINT)
                            on_stop_signal(int(si.ssi_signo));
                    }
                    break;
                }
                case kTimer: {
                    uint64_t expirations;
                    [[maybe_unused]] auto r = read(timer_.get(), &expirations, sizeof expirations);
                    auto now = monotonic_now();
                    size_t budget = kGarpFramesPerTurn;
                    for (auto &inst : instances_) inst->on_wakeup(now, budget);
                    garp_backlog_ = std::any_of(instances_.begin(), instances_.end(),
                                                [&](const auto &i) { return i->garps_due(now); });
                    break;
                }
                case kLinks: {
                    auto changes = links_->drain();
                    // Stopping: no election left to move (a hold ends on its own deadline).
                    if (!stopping_) on_links(changes, monotonic_now());
                    break;
                }
                case kControl:
                    control_->on_ready();
                    break;
                case kRing:
                    uplinks_[index]->port().poll_events();
                    break;
                case kMetrics:
                    metrics_->on_ready();
                    break;
                case kWatchdog:
                    service_.on_watchdog_timer();
                    break;
                case kScriptTimer:
                    checks_->on_timer();
                    break;
                case kScriptResult:
                    if (checks_->on_results(tracked_.script_ok)) apply_tracking_all();
                    break;
                case kTrackFiles:
                    if (track_files_->on_event(tracked_.file_value)) apply_tracking_all();
                    break;
            }
        }
        if (reload_due_) {
            reload_due_ = false;
            if (!stopping_) reload("SIGHUP");
        }
        // Instances a reload removed, once their release hold is over.
        if (!stopping_) remove_stopped();
        if (!stopping_) sync_groups_.follow(cfg_, instances_, notify_, monotonic_now());
        report_to_service();
        publish_events();
    }
}

std::vector<vrrp::Family> Daemon::families_on(const std::string &ifname) const {
    std::vector<vrrp::Family> out;
    for (const auto &c : cfg_.instances)
        if (c.interface == ifname && std::find(out.begin(), out.end(), c.family()) == out.end())
            out.push_back(c.family());
    return out;
}

// SIGHUP: the file again. On any error the running configuration stays, whole. Otherwise, by
// instance name: an unchanged instance is not touched; one whose priority, hooks, tracking,
// gratuitous ARP settings, service IPs or advert interval changed takes them in place (its
// state stays, compare()); one with any other change is recreated (a master hands over and starts
// again as backup); one no longer in the file is stopped as at SIGTERM (priority-0 advert, release
// hold); a new one starts as at start-up. [daemon] keys other than log_level need a restart.
std::string Daemon::reload(const std::string &why) {
    if (stopping_) return "error: xvrrpd is stopping\n";
    info("", why + ": reloading " + path_);
    service_.reloading(true);
    auto fresh = read_config(path_, /*log_errors=*/true);
    if (!fresh) {
        std::string line =
            "reload: " + path_ + " has errors (logged); still running the previous configuration";
        error("", line);
        service_.reloading(false);
        return "error: " + line + "\n";
    }
    // 1. Everything that can refuse, before anything changes: new interfaces, users, the
    //    directories of tracked files, a first hook or script that switches users.
    std::map<std::string, net::LinkInfo> new_links;
    std::unique_ptr<TrackFiles> files;
    try {
        for (const auto &c : fresh->instances) {
            bool have = std::any_of(uplinks_.begin(), uplinks_.end(),
                                    [&](const auto &u) { return u->name() == c.interface; });
            if (!have && !new_links.count(c.interface))
                new_links.emplace(c.interface, net::link_info(c.interface));
            for (const auto &tr : c.track_interfaces)
                if (!tracked_.link_up.count(tr.name)) {
                    auto l = net::find_link(tr.name);
                    tracked_.link_up[tr.name] = l && l->up_and_running();
                }
        }
        bool switched = notify_.switches_user();
        notify_.prepare(*fresh);
        if (!switched && notify_.switches_user())
            throw Error(
                "a hook or script now runs as another user, which needs the capabilities xvrrpd "
                "dropped at start-up (no user was configured then): restart xvrrpd");
        files = std::make_unique<TrackFiles>(*fresh);
        // What the new file needs of the uplinks (the virtual MAC's arp_announce, a trunk's
        // arp_ignore and tag offload), set as at start-up; a reload undoes none of them.
        for (const auto &[name, value] : uplink_sysctls(*fresh)) {
            auto st = net::ensure_sysctl(name, value);
            if (st.changed) info("", "reload: " + st.text);
        }
        for (const auto &name : trunks(*fresh)) {
            auto o = net::disable_rx_vlan_offload(name);
            if (o.changed) warn("", "reload: " + o.text);
        }
    } catch (const std::exception &e) {
        std::string line =
            std::string("reload: ") + e.what() + "; still running the previous configuration";
        error("", line);
        service_.reloading(false);
        return "error: " + line + "\n";
    }
    for (const auto &key : daemon_keys_changed(cfg_.daemon, fresh->daemon))
        warn("", "reload: [daemon] " + key + " changed; it takes effect at the next restart");
    const config::LogLevel file_level = fresh->daemon.log_level;
    fresh->daemon = cfg_.daemon;  // the running values, except the log level
    fresh->daemon.log_level = file_level;
    if (!log_options_.level) set_log_level(file_level);  // --log-level wins, as at start-up

    // 2. Instances that go: removed from the file, or recreated. A removed master holds its
    //    service IPs until its successor advertises, unless a new instance needs its VRID now.
    auto now = monotonic_now();
    std::vector<std::string> kept, updated, added, recreated, removed;
    auto find_new = [&](const std::string &name) -> const config::Instance * {
        for (const auto &c : fresh->instances)
            if (c.name == name) return &c;
        return nullptr;
    };
    // Whether an instance the new file starts binds this one's (interface, VRID).
    auto vrid_reused = [&](const Instance &inst) {
        return std::any_of(
            fresh->instances.begin(), fresh->instances.end(), [&](const config::Instance &c) {
                return !maintenance_.count(c.name) && c.interface == inst.config().interface &&
                       c.vrid == inst.config().vrid;
            });
    };
    for (auto &inst : instances_) {
        if (inst->stopped()) {
            // Removed by an earlier reload (or in maintenance), still releasing: its hold ends
            // now if the new file binds its VRID again.
            if (inst->releasing() && vrid_reused(*inst)) inst->stop_now(now, "reload");
            continue;
        }
        const config::Instance *next = find_new(inst->config().name);
        Change change = next ? compare(inst->config(), *next) : Change::Recreate;
        if (next && change == Change::None) {
            kept.push_back(next->name);
            continue;
        }
        if (next && change == Change::InPlace) {
            try {
                inst->reconfigure(*next, now);
                updated.push_back(next->name);
                continue;
            } catch (const std::exception &e) {
                // The election refused the new values (config checks should have): the
                // instance is recreated with them instead, which reports what is wrong.
                error(inst->log_fields(), std::string("reload: ") + e.what());
            }
        }
        // Its (interface, VRID) taken again by the new file: it must leave the kernel now.
        try {
            if (vrid_reused(*inst))
                inst->stop_now(now, "reload");
            else
                inst->shutdown(now);
        } catch (const std::exception &e) {
            error(inst->log_fields(), std::string("reload: stop: ") + e.what());
        }
        (next ? recreated : removed).push_back(inst->config().name);
        runtime_priority_.erase(inst->config().name);  // set-priority was for the old one
    }
    // Recreated and reused VRIDs leave the kernel before their successors bind them.
    remove_stopped();

    // 3. The tracking inputs of the new file (checks keep their state when unchanged).
    std::map<std::string, bool> previous_ok = tracked_.script_ok;
    for (auto it = previous_ok.begin(); it != previous_ok.end();) {
        const config::Script *before = cfg_.script(it->first), *after = fresh->script(it->first);
        it = before && after && *before == *after ? std::next(it) : previous_ok.erase(it);
    }
    if (!checks_->empty()) {
        epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, checks_->timer_fd(), nullptr);
        epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, checks_->result_fd(), nullptr);
        checks_->stop();
    }
    if (!track_files_->empty()) epoll_ctl(epoll_.get(), EPOLL_CTL_DEL, track_files_->fd(), nullptr);
    cfg_ = std::move(*fresh);
    checks_ = std::make_unique<ScriptChecks>(cfg_, notify_);
    checks_->seed(previous_ok);
    tracked_.script_ok = previous_ok;
    track_files_ = std::move(files);
    tracked_.file_value.clear();
    track_files_->read_all(tracked_.file_value);
    watch_tracking_inputs();

    // 4. New uplinks, then the new and recreated instances, as at start-up.
    for (const auto &[name, link] : new_links) {
        try {
            uplinks_.push_back(
                std::make_unique<Uplink>(link, cfg_.daemon.pin_dir, families_on(name)));
            watch(epoll_.get(), uplinks_.back()->port().events_epoll_fd(), kRing,
                  uint32_t(uplinks_.size() - 1));
            tracked_.link_up[name] = link.up_and_running();
        } catch (const std::exception &e) {
            error("", "reload: " + name + ": " + e.what());
        }
    }
    for (const auto &c : cfg_.instances) {
        if (running(c.name) || maintenance_.count(c.name)) continue;  // maintenance: until off
        bool has_uplink = std::any_of(uplinks_.begin(), uplinks_.end(),
                                      [&](const auto &u) { return u->name() == c.interface; });
        if (!has_uplink) continue;  // reported above
        try {
            instances_.push_back(make_instance(c));
            start_instance(*instances_.back(), monotonic_now());
            if (std::find(recreated.begin(), recreated.end(), c.name) == recreated.end())
                added.push_back(c.name);
        } catch (const std::exception &e) {
            if (!instances_.empty() && instances_.back()->config().name == c.name)
                instances_.pop_back();
            error("", "reload: instance " + c.name + ": " + e.what());
        }
    }
    // Maintenance ends for an instance the file no longer has.
    std::erase_if(maintenance_, [&](const std::string &n) {
        return std::none_of(cfg_.instances.begin(), cfg_.instances.end(),
                            [&](const config::Instance &c) { return c.name == n; });
    });
    if (!checks_->empty()) checks_->start();
    apply_tracking_all();  // priorities and hooks changed in place, checks and files re-read

    auto list = [](const std::vector<std::string> &names) {
        std::string out;
        for (const auto &n : names) out += (out.empty() ? "" : ", ") + n;
        return out.empty() ? std::string("none") : out;
    };
    std::string summary = "reloaded: unchanged " + list(kept) + "; updated " + list(updated) +
                          "; added " + list(added) + "; recreated " + list(recreated) +
                          "; removed " + list(removed);
    info("", summary);
    service_.reloading(false);
    return summary + "\n";
}

// Clean exit: a priority-0 advert from every master (RFC 5798 6.4.3), service IPs removed,
// XDP detached, pins removed, dummy0 removed if we created it. After a stop signal the loop has
// already done the first two (release holds included); on a failure they happen here, at once.
void Daemon::release() {
    auto now = monotonic_now();
    for (auto &inst : instances_) {
        try {
            inst->stop_now(now, "xvrrpd is exiting");
        } catch (const std::exception &e) {
            error(inst->log_fields(), std::string("shutdown: ") + e.what());
        }
    }
    instances_.clear();
    for (auto &u : uplinks_) u->release();
    uplinks_.clear();
    std::error_code ec;
    std::filesystem::remove(cfg_.daemon.pin_dir, ec);  // only if empty
    if (vip_interface_ && vip_interface_->remove_if_created())
        info("", cfg_.daemon.vip_interface + ": removed (we created it)");
    control_.reset();
    metrics_.reset();
    pid_file_.reset();
}

// Each instance's status, with its runtime base priority and its interface's XDP counters
// (read once per uplink).
std::vector<InstanceStatus> Daemon::status() {
    std::map<std::string, std::vector<std::pair<std::string_view, uint64_t>>> counters;
    for (auto &u : uplinks_) counters[u->name()] = u->port().counters();
    std::vector<InstanceStatus> out;
    auto now = monotonic_now();
    for (auto &inst : instances_) {
        if (inst->stopped() && maintenance_.count(inst->config().name)) continue;  // below
        out.push_back(inst->status(now));
        auto &s = out.back();
        if (auto it = runtime_priority_.find(s.name); it != runtime_priority_.end())
            s.runtime_priority = it->second;
        s.xdp_counters = counters[s.interface];
    }
    for (const auto &c : cfg_.instances) {
        if (!maintenance_.count(c.name)) continue;
        InstanceStatus s;
        s.name = c.name;
        s.interface = c.interface;
        s.vlan = c.vlan;
        s.vrid = c.vrid;
        s.state = "MAINTENANCE";
        s.configured_priority = c.priority;
        for (const auto &v : c.virtual_ips) s.virtual_ips.push_back(v.address.to_string());
        s.xdp_counters = counters[s.interface];
        out.push_back(std::move(s));
    }
    return out;
}

std::string Daemon::metrics() {
    std::vector<UplinkCounters> uplinks;
    for (auto &u : uplinks_) uplinks.push_back({u->name(), u->port().counters()});
    auto instances = status();
    // An instance in maintenance runs nothing: it has no series until it is back.
    std::erase_if(instances, [](const InstanceStatus &s) { return s.state == "MAINTENANCE"; });
    return render_metrics(instances, uplinks);
}

std::string Daemon::maintenance(std::string_view name, bool on) {
    if (stopping_) return "error: xvrrpd is stopping\n";
    auto c = std::find_if(cfg_.instances.begin(), cfg_.instances.end(),
                          [&](const config::Instance &i) { return i.name == name; });
    if (c == cfg_.instances.end()) return "error: " + no_instance(name) + "\n";
    auto now = monotonic_now();
    if (on) {
        if (maintenance_.count(c->name)) return c->name + ": already in maintenance\n";
        maintenance_.insert(c->name);
        if (Instance *inst = running(name)) {
            notice(inst->log_fields(),
                   "maintenance on: handing over as at a stop; out of the election until "
                   "maintenance off");
            inst->shutdown(now);  // the priority-0 advert, the release hold
        }
        return c->name +
               ": maintenance on: priority-0 advert sent, the service IPs stay until another "
               "router advertises; out of the election until 'maintenance " +
               c->name + " off'\n";
    }
    if (!maintenance_.count(c->name)) return c->name + ": not in maintenance\n";
    // A release hold still running ends now: the VRID must be free for the instance again.
    for (auto &i : instances_)
        if (i->stopped() && i->config().name == name) i->stop_now(now, "maintenance off");
    remove_stopped();
    maintenance_.erase(c->name);
    try {
        instances_.push_back(make_instance(*c));
        Instance &inst = *instances_.back();
        // As at start-up: its link, its tracking and its sync group decide (runnable()).
        start_instance(inst, now);
        notice(inst.log_fields(), "maintenance off: back in the election");
    } catch (const std::exception &e) {
        if (!instances_.empty() && instances_.back()->config().name == name) instances_.pop_back();
        maintenance_.insert(c->name);
        error("", "maintenance off: instance " + c->name + ": " + e.what());
        return "error: " + c->name + " could not start again: " + e.what() + "\n";
    }
    return c->name + ": maintenance off: back in the election (it starts as BACKUP)\n";
}

std::optional<InstanceStatus> Daemon::set_priority(std::string_view name, int priority,
                                                   std::string &error) {
    Instance *found = running(name);
    if (!found) {
        error = no_instance(name);
        return std::nullopt;
    }
    Instance &inst = *found;
    if (inst.config().priority == 255) {
        error = "'" + inst.config().name +
                "' is the address owner (priority 255, RFC 5798 5.2.4): its priority does not "
                "change; give it a priority below 255 in the configuration instead";
        return std::nullopt;
    }
    if (stopping_) {
        error = "xvrrpd is stopping";
        return std::nullopt;
    }
    runtime_priority_[inst.config().name] = priority;
    info(inst.log_fields(), "set-priority: base priority " + std::to_string(priority) +
                                " until xvrrpd restarts (configured " +
                                std::to_string(inst.config().priority) + ")");
    apply_tracking_all();  // a sync group's other members follow its fault
    for (auto &s : status())
        if (s.name == inst.config().name) return s;
    return std::nullopt;  // not reached: the instance is there
}

double unix_now() {
    timespec ts;
    clock_gettime(CLOCK_REALTIME, &ts);
    return double(ts.tv_sec) + double(ts.tv_nsec) / 1e9;
}

// A subscriber's first lines come after the changes the others have not been told yet, so
// that each sees every change once, after the state it started from.
std::string Daemon::events(bool follow) {
    if (!follow) return EventFeed::current(status(), unix_now());
    publish_events();
    return events_.snapshot(status(), unix_now());
}

// After each turn of the loop (and at least every ControlSocket::kEventPoll while someone
// follows): what changed since the last time, to the subscribers.
void Daemon::publish_events() {
    if (!control_ || !control_->has_subscribers()) return;
    control_->publish(events_.changes(status(), unix_now()));
}

int Daemon::run() {
    try {
        start_up();
        loop();
    } catch (const std::exception &e) {
        error("", e.what());
        service_.failed(e.what());
        release();
        // A failed start leaves the host as it found it. (A clean exit keeps ip_nonlocal_bind:
        // services bound to the service IP rely on it.)
        for (const auto &s : sysctls_changed_) {
            try {
                net::write_sysctl(s.name, s.before);
                info("", s.name + ": restored " + s.before);
            } catch (const std::exception &e2) {
                warn("", e2.what());
            }
        }
        return 1;
    }
    release();
    info("", "stopped");
    return 0;
}

}  // namespace

// The command line's --log-level wins over the file's log_level.
void apply_log_options(const config::Config &cfg, const LogOptions &options) {
    configure_logging(options.level.value_or(cfg.daemon.log_level), options.format);
}

int run_daemon(const std::string &config_path, const LogOptions &log_options) {
    auto cfg = read_config(config_path);
    if (!cfg) {
        // The errors are in the log, FILE:LINE:COL each; systemctl status says where to look.
        ServiceNotifier().failed("bad configuration in " + config_path +
                                 " (exit 2, not restarted): the log has each error");
        return 2;
    }
    apply_log_options(*cfg, log_options);
    Daemon d(std::move(*cfg), config_path, log_options);
    return d.run();
}

int run_check(const std::string &config_path, const LogOptions &log_options) {
    auto cfg = read_config(config_path);
    if (!cfg) return 2;
    apply_log_options(*cfg, log_options);
    bool ok = true;
    auto report = [&](bool good, const std::string &text) {
        printf("%s %s\n", good ? "ok:  " : "FAIL:", text.c_str());
        ok = ok && good;
    };
    // Each check reads the host; one that throws is reported as failed, never an abort.
    auto checking = [&](const std::string &what, const auto &check) {
        try {
            check();
        } catch (const std::exception &e) {
            report(false, what + ": " + e.what());
        }
    };
    report(true, config::printable(config_path, 4 * config::kMaxShown) + ": " +
                     std::to_string(cfg->instances.size()) + " instance(s)");
    for (const auto &inst : cfg->instances) {
        checking("[" + inst.name + "] uplink " + inst.interface, [&] {
            auto l = net::find_link(inst.interface);
            report(l.has_value(), "[" + inst.name + "] uplink " + inst.interface +
                                      (l ? (l->up_and_running() ? ": up" : ": exists, down")
                                         : ": no such interface"));
        });
    }
    checking("bpffs",
             [&] { report(true, "bpffs: " + net::check_bpffs(cfg->daemon.pin_dir).text); });
    checking("vip_interface", [&] {
        report(true, "vip_interface: " + net::VipInterface::check(cfg->daemon.vip_interface).text);
    });
    checking("sysctl", [&] {
        for (const auto &s : net::check_nonlocal_bind()) report(true, "sysctl: " + s.text);
        for (const auto &[name, value] : uplink_sysctls(*cfg))
            report(true, "sysctl: " + net::check_sysctl(name, value).text);
    });
    for (const auto &name : trunks(*cfg))
        checking("vlan_offload " + name,
                 [&] { report(true, "vlan_offload: " + net::check_rx_vlan_offload(name).text); });
    if (cfg->daemon.cpu_latency) {
        checking("cpu_latency", [&] {
            bool can = access("/dev/cpu_dma_latency", W_OK) == 0;
            report(can,
                   "cpu_latency: /dev/cpu_dma_latency " +
                       std::string(can ? "writable" : "cannot be written") + "; cpuidle driver " +
                       describe_cpuidle() +
                       (cpuidle_driver_present() ? "" : " (the request would change nothing)"));
        });
    }
    checking("XDP program", [&] {
        route_library_logs();
        dataplane::Dataplane dp;
        dp.load();
        report(true, "XDP program: loads and passes the verifier on this kernel");
    });
    printf("%s\n", ok ? "check passed: nothing was changed" : "check failed: nothing was changed");
    return ok ? 0 : 1;
}

}  // namespace xvrrp::daemon
