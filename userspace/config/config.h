// The validated configuration of xvrrpd, and the functions that build it from a TOML file.
// Every value here has passed the checks in docs/configuration.md: a Config that exists is one
// the daemon can run. Errors come back as FILE:LINE[:COLUMN] diagnostics, all of them at once.
#pragma once

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "config/diagnostics.h"
#include "vrrp/types.h"

namespace xvrrp::config {

using vrrp::Duration;
using vrrp::Family;
using vrrp::IpAddress;

// How much xvrrpd logs: each level shows itself and the ones above it. The order and the
// names are syslog's (the journal's PRIORITY= 3..7).
enum class LogLevel { Error, Warning, Notice, Info, Debug };

// "error", "warning", "notice", "info", "debug"; nullopt for any other word.
std::optional<LogLevel> parse_log_level(std::string_view text);
std::string_view to_string(LogLevel level);

// Below this, an advert interval cannot be carried in the VRRPv3 centisecond field: fast mode.
inline constexpr Duration kCentisecond = std::chrono::milliseconds(10);

// A numeric TCP address to listen on: "127.0.0.1:9650" or "[::1]:9650".
struct ListenAddress {
    IpAddress address;
    uint16_t port = 0;
    std::string to_string() const;  // as the file spells it, brackets for IPv6

    bool operator==(const ListenAddress &) const = default;
};

// "ADDR:PORT" (IPv4) or "[ADDR]:PORT" (IPv6), numeric only, port 1-65535; nullopt otherwise.
std::optional<ListenAddress> parse_listen_address(std::string_view text);
// Why a well-formed address can never be bound (multicast, broadcast, IPv6 link-local without
// an interface, IPv4-mapped), or nullptr.
const char *unbindable_listen_address(const IpAddress &a);

struct DaemonConfig {
    std::string vip_interface = "dummy0";  // holds the service IPs while master
    std::string pin_dir = "/sys/fs/bpf/xvrrp";
    std::string control_socket = "/run/xvrrp/xvrrpd.sock";
    std::string pid_file = "/run/xvrrp/xvrrpd.pid";
    // The event loop: it turns a kernel master-down event into gratuitous ARP and service IPs.
    // 0: SCHED_OTHER; 1..99: SCHED_FIFO at that priority.
    int sched_priority = 0;
    // On SIGTERM/SIGINT a master keeps its service IPs (ARP off) until another router advertises
    // for the VRID, at most this long. nullopt: "auto", from each instance's interval
    // (vrrp::auto_release_hold); 0: they go with the priority-0 advert.
    std::optional<Duration> release_hold;
    // A PM QoS CPU latency request (/dev/cpu_dma_latency) held while the daemon runs: idle
    // CPUs stay out of idle states slower to leave than this (0: they poll). nullopt: "off".
    std::optional<Duration> cpu_latency;
    // The group whose members may use the control socket (mode 0660, this group); empty: root
    // and the daemon's own user only (mode 0600).
    std::string control_socket_group;
    // The Prometheus endpoint (docs/metrics.md): HTTP GET /metrics on this numeric address and
    // port. nullopt: "off", no socket at all.
    std::optional<ListenAddress> metrics_listen;
    // Messages below this level are not logged (xvrrpd --log-level overrides it).
    LogLevel log_level = LogLevel::Info;
    // keepalived's notify_fifo: a FIFO that gets one line per state change,
    // `INSTANCE "web" MASTER 150`. Empty: none.
    std::string notify_fifo;
};

// A service IP with the prefix length it is added with on the VIP interface.
struct VirtualIp {
    IpAddress address;
    uint8_t prefix_len = 32;  // /32 or /128 when the file gives none

    bool operator==(const VirtualIp &) const = default;
};

enum class Checksum : uint8_t {
    WithPseudoHeader,    // RFC 5798 5.2.8, what keepalived and routers send
    WithoutPseudoHeader  // over the VRRP message alone, as VRRPv2 does; for peers that
                         // compute the IPv4 VRRPv3 checksum that way. IPv4 VRRPv3 only
};

// Hooks run with execve (no shell) on a state change. Each is one argv; empty = no hook.
// argv[0] is an absolute path.
struct NotifyHooks {
    std::vector<std::string> master, backup, fault, stop;
    std::vector<std::string> any;  // run on every change, after the state's own hook
    // A hook still running after this long is killed (SIGKILL to its process group).
    Duration timeout = std::chrono::seconds(10);
    std::string user;  // run the hooks as this user and its groups; empty: as the daemon

    bool operator==(const NotifyHooks &) const = default;
};

// A link whose state changes the priority, as keepalived's track_interface: a positive weight
// is added while the link is up, a negative one while it is down; weight 0 puts the instance in
// FAULT while the link is down.
struct TrackInterface {
    std::string name;
    int weight = 0;  // -254..254

    bool operator==(const TrackInterface &) const = default;
};

// A health check, as keepalived's vrrp_script: `command` runs every `interval`; exit status 0
// is a success, anything else (a signal, no start, still running at `timeout`) a failure.
// `fall` failures in a row make the check FAILED, `rise` successes in a row make it OK again;
// it starts OK (keepalived without init_fail). Run only when an instance tracks it.
struct Script {
    std::string name;
    std::vector<std::string> command;  // argv; argv[0] is an absolute path
    Duration interval = std::chrono::seconds(1);
    Duration timeout = std::chrono::seconds(1);  // default: the interval
    int weight = 0;                              // -254..254, each instance may override it
    unsigned rise = 1, fall = 1;
    std::string user;  // run as this user and its groups; empty: as the daemon
    uint32_t source_line = 0;

    bool operator==(const Script &) const = default;
};

// A check an instance follows, keepalived's meaning: weight 0 puts the instance in FAULT while
// the check is FAILED; a positive weight is added while it is OK, a negative one while it is
// FAILED.
struct TrackScript {
    std::string name;  // a [[script]] of the file
    int weight = 0;    // the script's own weight unless the instance gives one

    bool operator==(const TrackScript &) const = default;
};

// A file holding one integer, as keepalived's vrrp_track_file: the priority moves by
// weight x the number; with weight 0 a non-zero number is FAULT. A result of -254 or less is
// FAULT too. A file that is missing or holds no integer counts as 0.
struct TrackFile {
    std::string path;  // absolute
    int weight = 1;    // -254..254

    bool operator==(const TrackFile &) const = default;
};

// The threads that send adverts while master: one per CPU, each pinned to it, so that one
// stalled CPU silences no instance.
enum class AdvertSpread : uint8_t {
    Redundant,  // every thread sends every interval (phases spread over it)
    Staggered   // the threads take turns: each every N intervals
};

struct AdvertThread {
    int sched_priority = 0;  // 0: SCHED_OTHER; 1..99: SCHED_FIFO at that priority
    // The CPUs to send from, one thread each. Empty: "auto", the first two CPUs the daemon
    // may run on (one on a one-CPU host). `cpu = N` in the file is cpus = [N].
    std::vector<int> cpus;
    AdvertSpread spread = AdvertSpread::Redundant;

    bool operator==(const AdvertThread &) const = default;
};

struct Instance {
    std::string name;
    std::string interface;
    // The 802.1Q VLAN on `interface` (a trunk) the instance belongs to; 0: untagged. Its
    // adverts and gratuitous ARP are sent tagged, and only frames of this VLAN are its own.
    uint16_t vlan = 0;
    uint8_t vrid = 0;
    uint8_t priority = 100;  // 255: address owner (RFC 5798 5.2.4)
    uint8_t version = 3;
    Duration advert_interval = std::chrono::seconds(1);
    bool preempt = true;
    Duration preempt_delay{0};
    bool accept = true;  // accept mode, RFC 5798 6.1 (keepalived's default too)
    std::vector<VirtualIp> virtual_ips;
    std::vector<IpAddress> unicast_peers;    // empty: multicast
    std::vector<IpAddress> allowed_sources;  // empty: adverts from any source
    Checksum checksum = Checksum::WithPseudoHeader;
    // VRRPv2 simple-text authentication (keepalived's auth_type PASS): 1-8 characters, sent
    // and required in every advert. Empty: none (Auth Type 0).
    std::string auth_pass;
    bool use_vmac = false;  // false: adverts and ARP use the interface's own MAC
    // Valid adverts received go on to the kernel stack (so tcpdump on the uplink sees them)
    // instead of being consumed by the XDP program.
    bool pass_adverts = false;
    // Gratuitous ARP on becoming master, as keepalived's garp_master_*: garp_count messages
    // garp_interval apart, a second burst garp_delay later (0: none), and while master a burst
    // every garp_refresh (0: never).
    Duration garp_delay = std::chrono::seconds(5);
    unsigned garp_count = 5;
    Duration garp_interval{0};
    Duration garp_refresh{0};
    NotifyHooks notify;
    std::vector<TrackInterface> track_interfaces;
    std::vector<TrackScript> track_scripts;
    std::vector<TrackFile> track_files;
    AdvertThread advert_thread;
    // How long the XDP program keeps answering ARP after the last advert the controller sent.
    Duration lease = std::chrono::seconds(3);  // default: 3 x advert_interval
    // A Master_Down_Timer expiry later than the threshold after its deadline (the host
    // stalled) gives the wire the grace to deliver queued adverts before the master is
    // declared down; zero grace: never. Defaults from the interval (vrrp::late_expiry_*).
    Duration late_expiry_threshold{};
    Duration late_expiry_grace{};
    uint32_t source_line = 0;  // line of the [[instance]] header, for later runtime messages

    Family family() const { return virtual_ips.front().address.family; }
    bool address_owner() const { return priority == 255; }
    // Fast mode: an interval below 10ms, only understood by xvrrp peers configured alike.
    bool fast_mode() const { return version == 3 && advert_interval < kCentisecond; }
    // The advert's interval field: VRRPv3 centiseconds (1 in fast mode, the nearest legal
    // value), VRRPv2 seconds.
    uint16_t advert_interval_field() const;

    bool operator==(const Instance &) const = default;
};

// Instances that change state together, as keepalived's vrrp_sync_group: while any member is
// in FAULT every member is held in FAULT; a member that leaves MASTER for BACKUP takes the
// members still MASTER to BACKUP (docs/configuration.md, [[sync_group]]).
struct SyncGroup {
    std::string name;
    std::vector<std::string> instances;  // 2+ names of [[instance]]s, each in one group at most
    NotifyHooks notify;                  // run once per change of the group's state
    uint32_t source_line = 0;

    bool operator==(const SyncGroup &) const = default;
};

struct Config {
    std::string file;  // the file name the diagnostics and source_line refer to
    DaemonConfig daemon;
    std::vector<Script> scripts;  // [[script]], in file order
    std::vector<Instance> instances;
    std::vector<SyncGroup> sync_groups;  // [[sync_group]], in file order

    const Script *script(std::string_view name) const {
        for (const auto &s : scripts)
            if (s.name == name) return &s;
        return nullptr;
    }
    // The group `instance` belongs to, or nullptr.
    const SyncGroup *sync_group_of(std::string_view instance) const {
        for (const auto &g : sync_groups)
            for (const auto &name : g.instances)
                if (name == instance) return &g;
        return nullptr;
    }
};

// Either a Config or the list of everything wrong with the file (sorted by position; past
// kMaxErrors, the last entry says how many more there were).
struct ConfigResult {
    std::optional<Config> config;
    std::vector<Diagnostic> errors;

    bool ok() const { return config.has_value(); }
};

// A user or group name as `useradd`/`groupadd` accept it: 1-32 of letters, digits, '_', '-',
// '.', not starting with '-' (and not all digits: a number would be taken for an id).
inline bool valid_account_name(std::string_view name) {
    if (name.empty() || name.size() > 32 || name[0] == '-') return false;
    bool digits_only = true;
    for (char c : name) {
        bool digit = c >= '0' && c <= '9';
        bool ok = digit || (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || c == '_' ||
                  c == '-' || c == '.';
        if (!ok) return false;
        digits_only = digits_only && digit;
    }
    return !digits_only;
}

// Parses and validates configuration text. Pure: no syscalls. `filename` only labels errors.
ConfigResult parse_config(std::string_view text, std::string filename);

// Reads `path` and parses it; an unreadable file is one diagnostic "PATH: error: ...".
ConfigResult load_config(const std::string &path);

}  // namespace xvrrp::config
