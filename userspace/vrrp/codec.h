// VRRP advert codec: IP packet or VRRP payload bytes <-> Advert.
//   VRRPv3 (RFC 5798 as updated by RFC 9568) over IPv4 and IPv6,
//   VRRPv2 (RFC 3768) over IPv4, authentication type 0, or type 1 (simple text, RFC 2338
//   5.3.6.1) when a V2SimpleTextKey is given.
// Bad packets are values, not exceptions: every receive check of RFC 5798 7.1 / RFC 3768 7.1
// that can be made on the bytes has its own DecodeError.
// Pure: no syscalls, no clocks, no I/O.
#pragma once

#include <array>
#include <cstdint>
#include <optional>
#include <span>
#include <string_view>
#include <utility>
#include <variant>
#include <vector>

#include "vrrp/advert.h"
#include "vrrp/types.h"

namespace xvrrp::vrrp {

inline constexpr uint8_t kIpProtoVrrp = 112;  // RFC 5798 5.1.1.3 / 5.1.2.3
inline constexpr uint8_t kVrrpTtl = 255;      // RFC 5798 5.1.1.3 / 5.1.2.3
inline constexpr uint8_t kTypeAdvertisement = 1;
inline constexpr size_t kVrrpHeaderSize = 8;
inline constexpr size_t kVrrpV2AuthSize = 8;  // RFC 3768 5.3.10, after the addresses
inline constexpr size_t kIpv4HeaderSize = 20;
inline constexpr size_t kIpv6HeaderSize = 40;
inline constexpr uint16_t kMaxV3IntervalField = 0x0fff;  // 12 bits, RFC 5798 5.2.7

// VRRPv2 simple-text authentication (RFC 2338 5.3.6.1, keepalived's auth_type PASS): the
// password, zero-padded to the 8 bytes of Authentication Data. Plain text on the wire: it keeps
// misconfigured routers apart and authenticates no one.
using V2SimpleTextKey = std::array<uint8_t, 8>;

// Either a value or an error. (g++ 12 has no std::expected.)
template <class T, class E>
class Result {
  public:
    Result(T value) : v_(std::in_place_index<0>, std::move(value)) {}
    Result(E error) : v_(std::in_place_index<1>, error) {}
    bool ok() const { return v_.index() == 0; }
    explicit operator bool() const { return ok(); }
    const T &value() const & { return std::get<0>(v_); }
    T &value() & { return std::get<0>(v_); }
    T &&value() && { return std::get<0>(std::move(v_)); }
    const T *operator->() const { return &std::get<0>(v_); }
    const T &operator*() const { return std::get<0>(v_); }
    E error() const { return std::get<1>(v_); }

  private:
    std::variant<T, E> v_;
};

enum class DecodeError : uint8_t {
    // IP layer
    TruncatedIpHeader,    // fewer bytes than the IP header needs
    BadIpVersion,         // IP version nibble not 4 or 6
    BadIpHeaderLength,    // IPv4 IHL < 5 or total length shorter than the header
    BadIpHeaderChecksum,  // IPv4 header checksum wrong (RFC 791 3.1)
    TruncatedPacket,      // IP total/payload length claims more bytes than were received
    Fragment,             // IPv4 MF/offset set, or IPv6 fragment header: VRRP is never fragmented
    WrongProtocol,        // IPv4 protocol / IPv6 next header not 112 (RFC 5798 5.1.1.3, 5.1.2.3)
    TtlNot255,            // IPv4 TTL / IPv6 hop limit not 255 (RFC 5798 7.1, RFC 3768 7.1)
    Ipv6SourceNotLinkLocal,  // RFC 5798 5.1.2.1: the source is the interface's link-local address
    // VRRP layer
    TruncatedVrrp,             // fewer than 8 bytes of VRRP header
    BadVersion,                // version not 2 or 3 (RFC 5798 7.1)
    UnexpectedVersion,         // a valid version, but not the one this instance speaks
    Version2OverIpv6,          // VRRPv2 is IPv4 only (RFC 3768, RFC 5798 1.1)
    BadType,                   // type not 1, ADVERTISEMENT (RFC 5798 5.2.2)
    VridZero,                  // VRID 0 is not a valid virtual router (RFC 5798 5.2.3: 1..255)
    VridNotConfigured,         // not the VRID DecodeOptions::expected_vrid names (RFC 5798 7.1)
    NoAddresses,               // Count IPvX Addr 0; the minimum is 1 (RFC 5798 5.2.5)
    LengthMismatch,            // IP payload length != 8 + n*4 | 8 + n*16 | v2: 8 + n*4 + 8
    BadChecksum,               // VRRP checksum wrong (RFC 5798 5.2.8, RFC 3768 5.3.8)
    IntervalZero,              // Max Adver Int / Adver Int 0: no valid Master_Down_Interval
    FirstAddressNotLinkLocal,  // IPv6: first address must be link-local (RFC 5798 5.2.9)
    UnsupportedAuthType,       // VRRPv2 auth type other than 0 (or 1 when allowed)
    AuthMismatch,              // VRRPv2 auth type/data differ from the configured ones
};

std::string_view to_string(DecodeError error);

// How the VRRPv3 checksum over IPv4 covers the IPv4 pseudo-header. RFC 5798 5.2.8 is ambiguous;
// keepalived and FRR include it (and Wireshark checks that), some vendors (Cisco) do not; see the
// RFC 9568 discussion. IPv6 always includes its pseudo-header; VRRPv2 never does (RFC 3768 5.3.8).
enum class Ipv4Checksum : uint8_t { WithPseudoHeader, WithoutPseudoHeader };
enum class Ipv4ChecksumAccept : uint8_t { WithPseudoHeader, WithoutPseudoHeader, Either };

struct DecodeOptions {
    std::optional<uint8_t> expected_version;  // UnexpectedVersion when set and different
    std::optional<uint8_t> expected_vrid;     // VridNotConfigured when set and different
    Ipv4ChecksumAccept ipv4_checksum = Ipv4ChecksumAccept::WithPseudoHeader;
    bool require_ipv6_link_local_source = true;
    // RFC 5798 5.2.9 asks the SENDER to put the link-local address first; keepalived 2.2.7 does
    // not (it sends only the configured VIPs), so checking it is off by default.
    bool require_link_local_first_address = false;
    // VRRPv2 (RFC 3768 7.1: the Auth Type must be ours): unset, only type 0 is accepted; set,
    // only type 1 (simple text, RFC 2338 5.3.6.1, removed by RFC 3768) whose 8 bytes equal it.
    std::optional<V2SimpleTextKey> v2_simple_text_key;
};

// What the IP layer tells the VRRP layer. Filled by decode_ip_packet from the header, or by
// the daemon from a raw socket's ancillary data (IPV6_RECVHOPLIMIT, IPV6_PKTINFO).
struct IpInfo {
    IpAddress source;
    IpAddress destination;
    uint8_t ttl = 0;  // IPv4 TTL or IPv6 hop limit
};

// Decodes a whole IP packet (IPv4 or IPv6 header first). Bytes after the IP total length
// (Ethernet padding) are ignored.
Result<Advert, DecodeError> decode_ip_packet(std::span<const uint8_t> packet,
                                             const DecodeOptions &options = {});

// Decodes a VRRP payload whose IP header was already taken apart; runs every check on the TTL,
// the addresses and the payload. The family is the one of ip.source.
Result<Advert, DecodeError> decode_vrrp(std::span<const uint8_t> payload, const IpInfo &ip,
                                        const DecodeOptions &options = {});

// Verifies the VRRP checksum of a payload as the given family/version/mode requires.
bool vrrp_checksum_ok(std::span<const uint8_t> payload, const IpInfo &ip, uint8_t version,
                      Ipv4ChecksumAccept mode);

enum class EncodeError : uint8_t {
    BadVersion,        // not 2 or 3
    Version2OverIpv6,  // VRRPv2 is IPv4 only
    VridZero,
    NoAddresses,
    TooManyAddresses,  // Count is 8 bits, and the packet must fit an Ethernet MTU
    FamilyMismatch,    // an address (or the destination) not of the source's family
    IntervalZero,
    IntervalTooLarge,       // > 4095 centiseconds (v3) or > 255 seconds (v2)
    MissingDestinationMac,  // frames: a unicast destination needs an explicit MAC
};

std::string_view to_string(EncodeError error);

// The checks encode runs, exported so the daemon can validate an instance once at start-up.
std::optional<EncodeError> validate_advert(const Advert &advert);

// VRRP payload size for this advert: 8 + n * address size (+ 8 auth bytes for VRRPv2).
size_t vrrp_payload_size(const Advert &advert);

// The VRRP payload (RFC 5798 5.2 / RFC 3768 5.3) with the checksum filled in. The checksum
// covers the pseudo-header built from advert.source and `destination`. A VRRPv2 advert carries
// Auth Type 1 and `v2_key` when one is given, else Auth Type 0 and zeros; VRRPv3 ignores it.
Result<std::vector<uint8_t>, EncodeError> encode_vrrp(
    const Advert &advert, const IpAddress &destination,
    Ipv4Checksum ipv4_checksum = Ipv4Checksum::WithPseudoHeader,
    const std::optional<V2SimpleTextKey> &v2_key = std::nullopt);

struct IpHeaderOptions {
    // Default is keepalived's: 224.0.0.18 / ff02::12 (RFC 5798 5.1.1.2, 5.1.2.2).
    std::optional<IpAddress> destination;
    Ipv4Checksum ipv4_checksum = Ipv4Checksum::WithPseudoHeader;
    // IPv4 TOS / IPv6 traffic class. 0xc0 is IP precedence 6, internetwork control (DSCP CS6),
    // what keepalived sends.
    uint8_t tos = 0xc0;
    uint16_t ipv4_id = 0;     // see IpIdCounter; keepalived never sends 0
    uint32_t flow_label = 0;  // IPv6 only, 20 bits (the kernel picks one for keepalived)
};

// keepalived's IPv4 identification: a per-instance counter that starts at 1 and never sends 0
// (the kernel would fill in an ID of 0). DF stays unset, as keepalived sends it.
class IpIdCounter {
  public:
    uint16_t next() {
        if (++last_ == 0) last_ = 1;
        return last_;
    }

  private:
    uint16_t last_ = 0;
};

IpAddress vrrp_multicast_group(Family family);  // 224.0.0.18 or ff02::12

// A whole IP packet (IPv4 header without options, or IPv6 header) carrying the advert,
// TTL / hop limit 255, protocol 112, both checksums filled in.
Result<std::vector<uint8_t>, EncodeError> encode_ip_packet(
    const Advert &advert, const IpHeaderOptions &options = {},
    const std::optional<V2SimpleTextKey> &v2_key = std::nullopt);

// The interval field that carries `interval`: VRRPv3 centiseconds rounded to nearest, VRRPv2
// seconds rounded to nearest, clamped to the legal range (1..4095, 1..255). An interval below
// 10 ms (xvrrp fast mode) thus carries 1 centisecond.
uint16_t interval_field_for(uint8_t version, Duration interval);

}  // namespace xvrrp::vrrp
