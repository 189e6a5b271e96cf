// Seeded frames for the XDP fuzzer: ARP, Neighbor Solicitations and VRRP adverts (IPv4 and
// IPv6) with every field varied (valid ones too, or nothing deep is reached), other IPv4 and IPv6,
// VLAN stacks of 0-3 tags, truncations, 14 to 1514 bytes; a share of them mutated afterwards
// (bytes flipped, cut, grown), with their checksums sometimes repaired so that a mutation gets
// past the checksum checks.
#pragma once

#include <cstdint>
#include <string>

#include "fuzz_xdp_oracle.h"

namespace xvrrp::fuzz {

// splitmix64: one stream per (seed, frame index), so that any frame can be rebuilt alone.
class Rng {
  public:
    Rng(uint64_t seed, uint64_t index) : s_(seed ^ (index * 0x9e3779b97f4a7c15ull)) { next(); }
    uint64_t next() {
        uint64_t z = (s_ += 0x9e3779b97f4a7c15ull);
        z = (z ^ (z >> 30)) * 0xbf58476d1ce4e5b9ull;
        z = (z ^ (z >> 27)) * 0x94d049bb133111ebull;
        return z ^ (z >> 31);
    }
    uint32_t below(uint32_t n) { return n ? uint32_t(next() % n) : 0; }
    bool percent(uint32_t p) { return below(100) < p; }
    uint8_t byte() { return uint8_t(next()); }
    template <class T>
    const T &pick(const std::vector<T> &v) {
        return v[below(uint32_t(v.size()))];
    }

  private:
    uint64_t s_;
};

struct Frame {
    Bytes bytes;
    std::string kind;  // how it was made, for the report: "ARP request, 1 tag, mutated"
};

class FrameGenerator {
  public:
    explicit FrameGenerator(const Scenario &sc);
    Frame make(Rng &rng) const;

  private:
    Frame arp(Rng &rng) const;
    Frame advert(Rng &rng) const;
    Frame advert6(Rng &rng) const;
    Frame other_ipv4(Rng &rng) const;
    Frame ipv6(Rng &rng) const;
    Frame neighbor_solicitation(Rng &rng) const;
    Ip6 any_addr6(Rng &rng) const;
    Frame noise(Rng &rng) const;
    Bytes ethernet(Rng &rng, const Mac &dst, const Mac &src, uint16_t type,
                   std::string &kind) const;
    Mac any_mac(Rng &rng) const;
    uint32_t any_addr(Rng &rng) const;

    const Scenario &sc_;
    std::vector<uint32_t> vip_addrs_, advert_srcs_;
    std::vector<Ip6> vip6_addrs_;
    std::vector<Mac> vip6_macs_;
    std::vector<Bytes> passwords_;         // the scenario's VRRPv2 passwords
    std::vector<uint32_t> unicast_addrs_;  // where the scenario's unicast instances listen
    std::vector<Addr16> advert_srcs6_, unicast_addrs6_;  // ... over IPv6
};

// Finishes a frame: pads it, cuts it, mutates it (and says so in kind).
void shape(Bytes &f, Rng &rng, std::string &kind);

}  // namespace xvrrp::fuzz
