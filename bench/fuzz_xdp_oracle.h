// The fuzzer's oracle: what xvrrp's XDP program must do with a frame, written from RFC 826,
// RFC 4861 7.1.1 / 7.2.4, RFC 5798 7.1 / 6.4.2 (over IPv4 and IPv6), RFC 3768 7.1 and
// docs/design.md, not from bpf/. It
// keeps its own model of each VRID's receive state and answers, per frame: the XDP action, the
// exact output bytes, which counters move, which events are sent and how rx_state changes.
#pragma once

#include <xvrrp/abi.h>

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <variant>
#include <vector>

#include "bpf/packets.h"

namespace xvrrp::fuzz {

using test::Addr16;
using test::Bytes;
using test::Ip6;
using test::Mac;

constexpr uint64_t kSecond = 1'000'000'000ull;
constexpr uint64_t kDay = 86'400 * kSecond;

// What the controller configured for one VRID before the run. Leases are a day in the future
// or long past, Master_Down_Timers armed for a day: nothing the clock does during a run may
// change a verdict.
struct VridConfig {
    uint8_t vrid = 0;
    const char *name = "";
    uint8_t version = 3;
    uint8_t priority = 100;  // ours
    uint32_t role = 0;       // enum xvrrp_role_flags
    bool allowlist = false;
    bool pass_adverts = false;
    uint64_t fixed_interval_ns = 0;  // fast mode
    uint64_t advert_interval_ns = kSecond;
    bool lease_fresh = false;  // the controller's lease: a day ahead, or long expired
    bool watching = false;     // Master_Down_Timer armed (Backup)
    bool took_over = false;    // the timer fired while armed, before the run
    bool disarm_after_takeover = false;
    std::vector<uint32_t> allowed_srcs = {};
    bool accept = true;  // accept mode (bpf/accept.h): false drops IPv4 sent to its VIPs
    // VRRPv2 simple-text password (XVRRP_INST_AUTH_PASS), zero-padded; none when unset.
    std::optional<std::array<uint8_t, 8>> auth_pass = std::nullopt;
    // Unicast peers (XVRRP_INST_UNICAST): adverts must be addressed to this (network order).
    std::optional<uint32_t> unicast_addr = std::nullopt;
    // use_vmac (XVRRP_INST_VMAC): ARP answered with 00-00-5E-00-01-{vrid}; frames to it pass
    // untouched (the tc program, not XDP, hands them to the stack).
    bool vmac = false;
    // The 802.1Q VLAN the instance belongs to (0: untagged); its VIPs belong to it too.
    uint16_t vlan = 0;
    // VRRPv3 over IPv6 (XVRRP_INST_IPV6): its allow-list and unicast address are these.
    bool ipv6 = false;
    std::vector<Addr16> allowed_srcs6 = {};
    std::optional<Addr16> unicast_addr6 = std::nullopt;
};

struct VipConfig {
    uint32_t addr;  // network byte order
    uint8_t vrid;
    Mac mac;
    bool no_accept = false;  // XVRRP_VIP_NO_ACCEPT: its VRID has accept mode off
    uint16_t vlan = 0;       // its instance's VLAN
};

// An IPv6 service IP (vips6), whose Neighbor Solicitations are answered.
struct Vip6Config {
    Ip6 addr;
    uint8_t vrid;
    Mac mac;  // with the virtual MAC: 00-00-5E-00-02-{VRID}
    bool no_accept = false;
    uint16_t vlan = 0;
    bool router = false;  // XVRRP_VIP_ND_ROUTER: the NA carries the Router flag
};

// Everything the frames are about: our MAC, the VRIDs, the service IPs.
struct Scenario {
    Mac our_mac;
    std::vector<VridConfig> vrids;
    std::vector<VipConfig> vips;
    std::vector<Vip6Config> vips6;
    const VridConfig *vrid(uint8_t id) const;
    const VipConfig *vip(uint32_t addr) const;
    const Vip6Config *vip6(const uint8_t *addr) const;
    // Does an instance belong to this VLAN? (Untagged, 0: always looked at.)
    bool vlan_in_use(uint32_t vlan) const;
};
Scenario default_scenario();

// An instant known only to lie between two clock reads (the program reads the clock once,
// somewhere inside the test run).
struct Window {
    uint64_t lo = 0, hi = 0;
    bool contains(uint64_t t) const { return t >= lo && t <= hi; }
    Window plus(uint64_t d) const { return {lo + d, hi + d}; }
};

// The oracle's view of one VRID's rx_state: the fields the receive path owns. (The timer's
// own bookkeeping, timer_expires_ns, timer_rearms, late_hist and the TIMER_RUNNING and
// LEASE_WATCH bits, moves when the timer re-sleeps; it is not compared.)
struct RxModel {
    static constexpr uint32_t kFlagsCompared = XVRRP_RX_TIMER_READY | XVRRP_RX_MASTER_DOWN |
                                               XVRRP_RX_TOOK_OVER | XVRRP_RX_WATCHING |
                                               XVRRP_RX_GRACE;
    uint32_t flags = 0;
    Addr16 master_addr{};  // IPv4: mapped (abi.h)
    uint8_t master_priority = 0, version = 0;
    uint16_t interval_field = 0;
    uint32_t last_event_type = 0;
    uint64_t last_event_ns = 0;
    Window last_advert;
    uint64_t master_adver_interval_ns = 0;  // learned; 0: none yet (ours applies)
    uint64_t md_interval_ns = 0;
    Window md_deadline;
    uint64_t adverts = 0, accepted = 0, gaps = 0;
    // Declarations of the timer: none may happen during a run.
    uint64_t timer_fires = 0, master_down_at_ns = 0, lease_expiries = 0, late_expiries = 0;

    static RxModel from_kernel(const xvrrp_rx_state &rx);
    // Differences from the kernel's rx_state, one line each ("" when equal).
    std::string diff(const xvrrp_rx_state &rx) const;
};

struct ExpectedEvent {
    uint32_t type;
    uint8_t vrid;
    Addr16 src;
    uint8_t priority, version;
    uint16_t interval_field;
    uint64_t master_down_interval_ns;
};

using CounterMap = std::map<std::string, uint64_t>;

// The oracle's verdict on one frame.
struct Expectation {
    int action = -1;
    Bytes out;            // XDP_TX: the reply; XDP_PASS: the frame untouched
    CounterMap counters;  // exactly these move, by exactly this much
    std::vector<ExpectedEvent> events;
    std::string why;                  // the reasoning, for the report
    int vrid = -1;                    // a configured VRID whose rx_state this frame was judged for
    std::optional<RxModel> next;      // its rx_state afterwards (last_event_ns: from the event)
    uint64_t restart_timeout_ns = 0;  // > 0: restarts a watching VRID's Master_Down_Timer
};

class Oracle {
  public:
    explicit Oracle(const Scenario &sc) : sc_(sc) {}

    // The model's starting point: each VRID's rx_state as the controller's setup left it.
    void set_initial(uint8_t vrid, const RxModel &m) { rx_[vrid] = m; }
    const RxModel *model(uint8_t vrid) const;
    // Is ARP for this VRID's service IPs answered now?
    bool answering(uint8_t vrid) const;

    // The verdict on a frame run at some instant within `now`. Two alternatives when the
    // rate limit of adverts heard while master or releasing (one event per advert interval)
    // cannot be decided from the clock reads alone: with and without the event.
    std::vector<Expectation> judge(const Bytes &frame, Window now) const;
    // Takes the chosen verdict into the model; event_ts: the timestamp of the event it sent.
    void commit(const Expectation &e, uint64_t event_ts);

  private:
    // vlan: the frame's (docs/design.md, VLANs): 0 untagged, the id of a single 802.1Q tag,
    // kNoVlan for anything else.
    Expectation judge_arp(const Bytes &f, size_t off, uint32_t vlan, Expectation e) const;
    std::vector<Expectation> judge_ipv4(const Bytes &f, size_t off, uint32_t vlan, Expectation e,
                                        Window now) const;
    Expectation judge_ns(const Bytes &f, size_t ip, uint32_t vlan, Expectation e) const;
    // Why the VRID's service IPs are not answered now (a counter suffix: "backup", "lease",
    // "no_instance"), or "" when they are; how, for the report.
    std::string refusal(uint8_t vrid, std::string &how) const;
    // Whose advert this is, for either family (bpf/advert.h advert_instance): the VRRP header
    // at v in the frame, its VRID configured here, in the frame's VLAN and family; else the
    // verdict (truncated: dropped; another VRID, VLAN or family: passed).
    std::variant<const VridConfig *, Expectation> advert_instance(const Bytes &f, size_t v,
                                                                  uint32_t vlan, bool ipv6,
                                                                  Expectation e) const;
    std::vector<Expectation> judge_advert(const Bytes &f, size_t ip, size_t ihl,
                                          const VridConfig &c, Expectation e, Window now) const;
    std::vector<Expectation> judge_ipv6(const Bytes &f, size_t off, uint32_t vlan, Expectation e,
                                        Window now) const;
    std::vector<Expectation> judge_vrrp6(const Bytes &f, size_t ip, uint32_t vlan, Expectation e,
                                         Window now) const;
    std::vector<Expectation> judge_advert6(const Bytes &f, size_t ip, const VridConfig &c,
                                           Expectation e, Window now) const;
    // A valid advert of either family (src: 16 bytes, IPv4 mapped): RFC 5798 6.4.2 and the
    // events (docs/design.md).
    std::vector<Expectation> judge_valid(const Bytes &f, const VridConfig &c, Expectation e,
                                         Window now, const Addr16 &src, uint8_t version,
                                         uint8_t prio, uint16_t interval) const;

    const Scenario &sc_;
    std::map<uint8_t, RxModel> rx_;
};

// RFC 5798 6.1 / RFC 3768 6.1, written out here (not the shared formula in timing.h).
uint64_t skew_time_ns(uint8_t version, uint8_t our_priority, uint64_t master_adver_interval_ns);
uint64_t master_down_interval_ns(uint8_t version, uint8_t our_priority,
                                 uint64_t master_adver_interval_ns);

std::string ip_text(uint32_t be);
std::string ip_text(const Addr16 &a);  // IPv4-mapped shown as IPv4
std::string hex_dump(const Bytes &b, const char *indent = "    ");

}  // namespace xvrrp::fuzz
