#include "dataplane/tables.h"

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <sys/mman.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <cstring>
#include <string>

#include "common/fd.h"

namespace xvrrp::dataplane {
namespace {

void update(int fd, const void *key, const void *value, const char *what) {
    if (bpf_map_update_elem(fd, key, value, BPF_ANY))
        throw sys_error(std::string("update map ") + what);
}

void remove(int fd, const void *key, const char *what) {
    if (bpf_map_delete_elem(fd, key) && errno != ENOENT)
        throw sys_error(std::string("delete from map ") + what);
}

}  // namespace

void ControlTables::set_instance(uint8_t vrid, const xvrrp_instance &inst) {
    xvrrp_vrid_key key{vrid};
    update(fds_.instances, &key, &inst, "instances");
}

void ControlTables::remove_instance(uint8_t vrid) {
    xvrrp_vrid_key key{vrid};
    remove(fds_.instances, &key, "instances");
    remove(fds_.rx_state, &key, "rx_state");
}

std::optional<xvrrp_instance> ControlTables::instance(uint8_t vrid) const {
    xvrrp_vrid_key key{vrid};
    xvrrp_instance inst;
    if (bpf_map_lookup_elem(fds_.instances, &key, &inst)) return std::nullopt;
    return inst;
}

void ControlTables::set_vip(uint32_t addr_be, const xvrrp_vip &vip) {
    xvrrp_vip_key key{addr_be};
    update(fds_.vips, &key, &vip, "vips");
}

void ControlTables::remove_vip(uint32_t addr_be) {
    xvrrp_vip_key key{addr_be};
    remove(fds_.vips, &key, "vips");
}

namespace {

xvrrp_vip6_key vip6_key(const vrrp::IpAddress &addr) {
    if (addr.family != vrrp::Family::IPv6)
        throw Error("vips6 takes IPv6 addresses, not " + addr.to_string());
    xvrrp_vip6_key key{};
    std::copy(addr.bytes.begin(), addr.bytes.end(), key.addr);
    return key;
}

}  // namespace

void ControlTables::set_vip6(const vrrp::IpAddress &addr, const xvrrp_vip &vip) {
    xvrrp_vip6_key key = vip6_key(addr);
    update(fds_.vips6, &key, &vip, "vips6");
}

void ControlTables::remove_vip6(const vrrp::IpAddress &addr) {
    xvrrp_vip6_key key = vip6_key(addr);
    remove(fds_.vips6, &key, "vips6");
}

namespace {

// meta is one element that the controller alone writes, from one thread: read, change, write.
xvrrp_meta read_meta(int fd) {
    uint32_t key = 0;
    xvrrp_meta meta{};
    if (bpf_map_lookup_elem(fd, &key, &meta)) throw sys_error("read map meta");
    meta.schema_version = XVRRP_SCHEMA_VERSION;
    return meta;
}

void write_meta(int fd, const xvrrp_meta &meta) {
    uint32_t key = 0;
    update(fd, &key, &meta, "meta");
}

}  // namespace

void ControlTables::set_no_accept_vips(uint32_t count) {
    xvrrp_meta meta = read_meta(fds_.meta);
    meta.no_accept_vips = count;
    write_meta(fds_.meta, meta);
}

void ControlTables::set_vlan_in_use(uint16_t vlan, bool in_use) {
    if (vlan >= XVRRP_VLAN_IDS) throw Error("VLAN " + std::to_string(vlan) + " out of range");
    xvrrp_meta meta = read_meta(fds_.meta);
    const uint8_t bit = uint8_t(1u << (vlan % 8));
    if (in_use)
        meta.vlans[vlan / 8] |= bit;
    else
        meta.vlans[vlan / 8] &= uint8_t(~bit);
    write_meta(fds_.meta, meta);
}

void ControlTables::reset_meta() {
    xvrrp_meta meta{};
    meta.schema_version = XVRRP_SCHEMA_VERSION;
    write_meta(fds_.meta, meta);
}

namespace {

xvrrp_src_key src_key(uint8_t vrid, const vrrp::IpAddress &addr) {
    xvrrp_src_key key{};
    key.vrid = vrid;
    auto a = abi_address(addr);
    std::memcpy(key.addr, a.data(), sizeof key.addr);
    return key;
}

}  // namespace

std::array<uint8_t, 16> abi_address(const vrrp::IpAddress &a) {
    if (a.family == vrrp::Family::IPv6) return a.bytes;
    std::array<uint8_t, 16> m{};
    m[10] = m[11] = 0xff;
    std::copy_n(a.bytes.begin(), 4, m.begin() + 12);
    return m;
}

vrrp::IpAddress from_abi_address(const uint8_t (&a)[16], vrrp::Family family) {
    if (family == vrrp::Family::IPv4) return vrrp::IpAddress::v4(a[12], a[13], a[14], a[15]);
    std::array<uint8_t, 16> b;
    std::copy_n(a, 16, b.begin());
    return vrrp::IpAddress::v6(b);
}

void ControlTables::allow_source(uint8_t vrid, const vrrp::IpAddress &addr) {
    xvrrp_src_key key = src_key(vrid, addr);
    xvrrp_allowed_src value{};
    update(fds_.allowed_srcs, &key, &value, "allowed_srcs");
}

void ControlTables::disallow_source(uint8_t vrid, const vrrp::IpAddress &addr) {
    xvrrp_src_key key = src_key(vrid, addr);
    remove(fds_.allowed_srcs, &key, "allowed_srcs");
}

namespace {

template <class Key>
size_t clear_map(int fd, const char *what) {
    size_t removed = 0;
    Key key;
    while (bpf_map_get_next_key(fd, nullptr, &key) == 0) {
        if (bpf_map_delete_elem(fd, &key)) throw sys_error(std::string("clear map ") + what);
        removed++;
    }
    return removed;
}

}  // namespace

size_t ControlTables::clear() {
    return clear_map<xvrrp_vrid_key>(fds_.instances, "instances") +
           clear_map<xvrrp_vip_key>(fds_.vips, "vips") +
           clear_map<xvrrp_vip6_key>(fds_.vips6, "vips6") +
           clear_map<xvrrp_src_key>(fds_.allowed_srcs, "allowed_srcs") +
           clear_map<xvrrp_vrid_key>(fds_.rx_state, "rx_state");
}

std::optional<xvrrp_rx_state> StateReader::rx_state(uint8_t vrid) const {
    xvrrp_vrid_key key{vrid};
    xvrrp_rx_state st;
    if (bpf_map_lookup_elem(fds_.rx_state, &key, &st)) return std::nullopt;
    return st;
}

std::vector<xvrrp_cpu_watch> StateReader::cpu_watch() const {
    std::vector<xvrrp_cpu_watch> out;
    for (uint32_t cpu = 0; cpu < XVRRP_MAX_CPUS; cpu++) {
        xvrrp_cpu_watch w;
        if (bpf_map_lookup_elem(fds_.cpu_watch, &cpu, &w)) break;
        out.push_back(w);
    }
    return out;
}

xvrrp_counters StateReader::counters() const {
    int ncpus = libbpf_num_possible_cpus();
    if (ncpus <= 0) throw sys_error("count possible CPUs", -ncpus);
    std::vector<xvrrp_counters> per_cpu(ncpus);
    uint32_t key = 0;
    if (bpf_map_lookup_elem(fds_.counters, &key, per_cpu.data()))
        throw sys_error("read map counters");
    xvrrp_counters sum{};
    for (const auto &c : per_cpu)
        for (const auto &info : counter_infos()) sum.*info.field += c.*info.field;
    return sum;
}

const std::vector<CounterInfo> &counter_infos() {
    static const std::vector<CounterInfo> infos = {
#define XVRRP_COUNTER_INFO(name, help) {#name, help, &xvrrp_counters::name},
        XVRRP_COUNTERS(XVRRP_COUNTER_INFO)
#undef XVRRP_COUNTER_INFO
    };
    return infos;
}

LeaseTable::LeaseTable(int leases_fd) {
    bytes_ = sizeof(xvrrp_lease) * XVRRP_LEASE_SLOTS;
    long page = sysconf(_SC_PAGESIZE);
    bytes_ = (bytes_ + page - 1) / page * page;
    void *p = mmap(nullptr, bytes_, PROT_READ | PROT_WRITE, MAP_SHARED, leases_fd, 0);
    if (p == MAP_FAILED) throw sys_error("mmap the lease map");
    slots_ = static_cast<xvrrp_lease *>(p);
}

LeaseTable::~LeaseTable() {
    if (slots_) munmap(slots_, bytes_);
}

void LeaseTable::reset(uint8_t vrid) {
    xvrrp_lease &s = slots_[vrid];
    std::atomic_ref<__u64>(s.expires_ns).store(0);
    std::atomic_ref<__u64>(s.took_over_ns).store(0);
    std::atomic_ref<__u32>(s.answering).store(0);
}

void LeaseSlot::renew_until(uint64_t expires_ns) const {
    std::atomic_ref<__u64>(slot_->expires_ns).store(expires_ns, std::memory_order_release);
}

uint64_t LeaseSlot::expires() const {
    return std::atomic_ref<__u64>(slot_->expires_ns).load(std::memory_order_acquire);
}

uint64_t LeaseSlot::took_over_ns() const {
    return std::atomic_ref<__u64>(slot_->took_over_ns).load(std::memory_order_acquire);
}

bool LeaseSlot::answering() const {
    return std::atomic_ref<__u32>(slot_->answering).load(std::memory_order_acquire) != 0;
}

}  // namespace xvrrp::dataplane
