#include "vrrp/codec.h"

#include <algorithm>

#include "vrrp/checksum.h"

namespace xvrrp::vrrp {
namespace {

constexpr size_t kEthernetMtu = 1500;
constexpr uint8_t kAuthNone = 0;        // RFC 3768 5.3.6
constexpr uint8_t kAuthSimpleText = 1;  // RFC 2338 5.3.6.1
constexpr uint8_t kIpv6FragmentHeader = 44;

uint16_t be16(const uint8_t *p) {
    return uint16_t(p[0] << 8 | p[1]);
}

void put16(uint8_t *p, uint16_t v) {
    p[0] = uint8_t(v >> 8);
    p[1] = uint8_t(v);
}

size_t ip_header_size(Family family) {
    return family == Family::IPv4 ? kIpv4HeaderSize : kIpv6HeaderSize;
}

uint32_t pseudo_header_sum(const IpInfo &ip, size_t length) {
    if (ip.source.family == Family::IPv6)
        return checksum::ipv6_pseudo_header_sum(ip.source, ip.destination, kIpProtoVrrp,
                                                uint32_t(length));
    return checksum::ipv4_pseudo_header_sum(ip.source, ip.destination, kIpProtoVrrp,
                                            uint16_t(length));
}

Result<Advert, DecodeError> decode_ipv4(std::span<const uint8_t> p, const DecodeOptions &opt) {
    if (p.size() < kIpv4HeaderSize) return DecodeError::TruncatedIpHeader;
    const size_t ihl = size_t(p[0] & 0x0f) * 4;
    if (ihl < kIpv4HeaderSize) return DecodeError::BadIpHeaderLength;
    if (p.size() < ihl) return DecodeError::TruncatedIpHeader;
    const size_t total = be16(&p[2]);
    if (total < ihl) return DecodeError::BadIpHeaderLength;
    if (total > p.size()) return DecodeError::TruncatedPacket;
    if (checksum::internet_checksum(p.first(ihl)) != 0) return DecodeError::BadIpHeaderChecksum;
    // MF flag or a fragment offset: VRRP adverts are never fragmented.
    if ((be16(&p[6]) & 0x3fff) != 0) return DecodeError::Fragment;
    if (p[9] != kIpProtoVrrp) return DecodeError::WrongProtocol;
    IpInfo ip;
    ip.ttl = p[8];
    ip.source = IpAddress::v4(p[12], p[13], p[14], p[15]);
    ip.destination = IpAddress::v4(p[16], p[17], p[18], p[19]);
    return decode_vrrp(p.subspan(ihl, total - ihl), ip, opt);
}

Result<Advert, DecodeError> decode_ipv6(std::span<const uint8_t> p, const DecodeOptions &opt) {
    if (p.size() < kIpv6HeaderSize) return DecodeError::TruncatedIpHeader;
    const size_t payload = be16(&p[4]);
    if (kIpv6HeaderSize + payload > p.size()) return DecodeError::TruncatedPacket;
    // Extension headers are not walked: VRRP is sent without any (RFC 5798 5.1.2), so a
    // fragment header is a fragment and anything else is not VRRP.
    if (p[6] == kIpv6FragmentHeader) return DecodeError::Fragment;
    if (p[6] != kIpProtoVrrp) return DecodeError::WrongProtocol;
    IpInfo ip;
    ip.ttl = p[7];
    std::array<uint8_t, 16> a;
    std::copy_n(&p[8], 16, a.begin());
    ip.source = IpAddress::v6(a);
    std::copy_n(&p[24], 16, a.begin());
    ip.destination = IpAddress::v6(a);
    return decode_vrrp(p.subspan(kIpv6HeaderSize, payload), ip, opt);
}

}  // namespace

std::string_view to_string(DecodeError error) {
    switch (error) {
        case DecodeError::TruncatedIpHeader:
            return "truncated IP header";
        case DecodeError::BadIpVersion:
            return "IP version not 4 or 6";
        case DecodeError::BadIpHeaderLength:
            return "bad IPv4 header length";
        case DecodeError::BadIpHeaderChecksum:
            return "bad IPv4 header checksum";
        case DecodeError::TruncatedPacket:
            return "IP length exceeds received bytes";
        case DecodeError::Fragment:
            return "IP fragment";
        case DecodeError::WrongProtocol:
            return "IP protocol/next header not 112 (VRRP)";
        case DecodeError::TtlNot255:
            return "IP TTL/hop limit not 255";
        case DecodeError::Ipv6SourceNotLinkLocal:
            return "IPv6 source address not link-local";
        case DecodeError::TruncatedVrrp:
            return "truncated VRRP header";
        case DecodeError::BadVersion:
            return "VRRP version not 2 or 3";
        case DecodeError::UnexpectedVersion:
            return "VRRP version not the configured one";
        case DecodeError::Version2OverIpv6:
            return "VRRPv2 over IPv6";
        case DecodeError::BadType:
            return "VRRP type not ADVERTISEMENT (1)";
        case DecodeError::VridZero:
            return "VRID 0";
        case DecodeError::VridNotConfigured:
            return "VRID not configured";
        case DecodeError::NoAddresses:
            return "address count 0";
        case DecodeError::LengthMismatch:
            return "VRRP length does not match address count";
        case DecodeError::BadChecksum:
            return "bad VRRP checksum";
        case DecodeError::IntervalZero:
            return "advertisement interval 0";
        case DecodeError::FirstAddressNotLinkLocal:
            return "first IPv6 address not link-local";
        case DecodeError::UnsupportedAuthType:
            return "unsupported VRRPv2 authentication type";
        case DecodeError::AuthMismatch:
            return "VRRPv2 authentication mismatch";
    }
    return "unknown decode error";
}

std::string_view to_string(EncodeError error) {
    switch (error) {
        case EncodeError::BadVersion:
            return "VRRP version not 2 or 3";
        case EncodeError::Version2OverIpv6:
            return "VRRPv2 over IPv6";
        case EncodeError::VridZero:
            return "VRID 0";
        case EncodeError::NoAddresses:
            return "no addresses";
        case EncodeError::TooManyAddresses:
            return "too many addresses";
        case EncodeError::FamilyMismatch:
            return "address family differs from the source's";
        case EncodeError::IntervalZero:
            return "advertisement interval 0";
        case EncodeError::IntervalTooLarge:
            return "advertisement interval too large";
        case EncodeError::MissingDestinationMac:
            return "unicast destination without a MAC";
    }
    return "unknown encode error";
}

Result<Advert, DecodeError> decode_ip_packet(std::span<const uint8_t> packet,
                                             const DecodeOptions &options) {
    if (packet.empty()) return DecodeError::TruncatedIpHeader;
    switch (packet[0] >> 4) {
        case 4:
            return decode_ipv4(packet, options);
        case 6:
            return decode_ipv6(packet, options);
        default:
            return DecodeError::BadIpVersion;
    }
}

bool vrrp_checksum_ok(std::span<const uint8_t> payload, const IpInfo &ip, uint8_t version,
                      Ipv4ChecksumAccept mode) {
    const uint32_t bare = checksum::add(payload);
    // RFC 3768 5.3.8: VRRPv2 covers the VRRP message only.
    if (version == 2) return checksum::finish(bare) == 0;
    const bool with_ok = checksum::finish(pseudo_header_sum(ip, payload.size()) + bare) == 0;
    // RFC 5798 5.2.8: IPv6 always includes its pseudo-header.
    if (ip.source.family == Family::IPv6) return with_ok;
    switch (mode) {
        case Ipv4ChecksumAccept::WithPseudoHeader:
            return with_ok;
        case Ipv4ChecksumAccept::WithoutPseudoHeader:
            return checksum::finish(bare) == 0;
        case Ipv4ChecksumAccept::Either:
            return with_ok || checksum::finish(bare) == 0;
    }
    return false;
}

// RFC 5798 7.1 / RFC 3768 7.1, in the order of the RFC where it gives one.
Result<Advert, DecodeError> decode_vrrp(std::span<const uint8_t> p, const IpInfo &ip,
                                        const DecodeOptions &opt) {
    const bool v6 = ip.source.family == Family::IPv6;
    if (ip.ttl != kVrrpTtl) return DecodeError::TtlNot255;
    if (v6 && opt.require_ipv6_link_local_source && !ip.source.is_ipv6_link_local())
        return DecodeError::Ipv6SourceNotLinkLocal;
    if (p.size() < kVrrpHeaderSize) return DecodeError::TruncatedVrrp;

    Advert a;
    a.version = p[0] >> 4;
    if (a.version != 2 && a.version != 3) return DecodeError::BadVersion;
    if (v6 && a.version == 2) return DecodeError::Version2OverIpv6;
    if (opt.expected_version && a.version != *opt.expected_version)
        return DecodeError::UnexpectedVersion;
    if ((p[0] & 0x0f) != kTypeAdvertisement) return DecodeError::BadType;
    a.vrid = p[1];
    if (a.vrid == 0) return DecodeError::VridZero;
    if (opt.expected_vrid && a.vrid != *opt.expected_vrid) return DecodeError::VridNotConfigured;
    a.priority = p[2];
    const size_t count = p[3];
    if (count == 0) return DecodeError::NoAddresses;
    const size_t addr_size = v6 ? 16 : 4;
    const size_t auth_size = a.version == 2 ? kVrrpV2AuthSize : 0;
    if (p.size() != kVrrpHeaderSize + count * addr_size + auth_size)
        return DecodeError::LengthMismatch;
    if (!vrrp_checksum_ok(p, ip, a.version, opt.ipv4_checksum)) return DecodeError::BadChecksum;

    // RFC 5798 5.2.7: 4 reserved bits, then a 12-bit Max Adver Int in centiseconds.
    // RFC 3768 5.3.6/5.3.7: Auth Type, then an 8-bit Adver Int in seconds.
    a.interval_field = a.version == 3 ? be16(&p[4]) & kMaxV3IntervalField : p[5];
    if (a.interval_field == 0) return DecodeError::IntervalZero;

    a.source = ip.source;
    a.addresses.reserve(count);
    for (size_t i = 0; i < count; ++i) {
        const uint8_t *q = &p[kVrrpHeaderSize + i * addr_size];
        if (v6) {
            std::array<uint8_t, 16> b;
            std::copy_n(q, 16, b.begin());
            a.addresses.push_back(IpAddress::v6(b));
        } else {
            a.addresses.push_back(IpAddress::v4(q[0], q[1], q[2], q[3]));
        }
    }
    if (v6 && opt.require_link_local_first_address && !a.addresses[0].is_ipv6_link_local())
        return DecodeError::FirstAddressNotLinkLocal;

    if (a.version == 2) {
        const uint8_t auth_type = p[4];
        const auto auth_data = p.last(kVrrpV2AuthSize);
        if (auth_type == kAuthSimpleText) {
            if (!opt.v2_simple_text_key) return DecodeError::UnsupportedAuthType;
            if (!std::equal(auth_data.begin(), auth_data.end(), opt.v2_simple_text_key->begin()))
                return DecodeError::AuthMismatch;
        } else if (auth_type != kAuthNone) {
            return DecodeError::UnsupportedAuthType;
        } else if (opt.v2_simple_text_key) {
            return DecodeError::AuthMismatch;  // RFC 3768 7.1: auth type must match ours
        }
    }
    return a;
}

std::optional<EncodeError> validate_advert(const Advert &a) {
    if (a.version != 2 && a.version != 3) return EncodeError::BadVersion;
    const Family family = a.source.family;
    if (a.version == 2 && family == Family::IPv6) return EncodeError::Version2OverIpv6;
    if (a.vrid == 0) return EncodeError::VridZero;
    if (a.addresses.empty()) return EncodeError::NoAddresses;
    for (const IpAddress &ip : a.addresses)
        if (ip.family != family) return EncodeError::FamilyMismatch;
    if (a.addresses.size() > 255 || ip_header_size(family) + vrrp_payload_size(a) > kEthernetMtu)
        return EncodeError::TooManyAddresses;
    if (a.interval_field == 0) return EncodeError::IntervalZero;
    if (a.interval_field > (a.version == 3 ? kMaxV3IntervalField : 255))
        return EncodeError::IntervalTooLarge;
    return std::nullopt;
}

size_t vrrp_payload_size(const Advert &a) {
    return kVrrpHeaderSize + a.addresses.size() * a.source.size() +
           (a.version == 2 ? kVrrpV2AuthSize : 0);
}

Result<std::vector<uint8_t>, EncodeError> encode_vrrp(
    const Advert &a, const IpAddress &destination, Ipv4Checksum ipv4_checksum,
    const std::optional<V2SimpleTextKey> &v2_key) {
    if (auto err = validate_advert(a)) return *err;
    if (destination.family != a.source.family) return EncodeError::FamilyMismatch;
    std::vector<uint8_t> p(vrrp_payload_size(a), 0);
    p[0] = uint8_t(a.version << 4 | kTypeAdvertisement);
    p[1] = a.vrid;
    p[2] = a.priority;
    p[3] = uint8_t(a.addresses.size());
    if (a.version == 3) {
        put16(&p[4], a.interval_field);  // reserved bits stay 0 (RFC 5798 5.2.6)
    } else {
        p[4] = v2_key ? kAuthSimpleText : kAuthNone;
        p[5] = uint8_t(a.interval_field);
    }
    size_t off = kVrrpHeaderSize;
    for (const IpAddress &ip : a.addresses) {
        std::copy_n(ip.bytes.begin(), ip.size(), &p[off]);
        off += ip.size();
    }
    // Auth data (VRRPv2): zero (RFC 3768 5.3.10), or the password (RFC 2338 5.3.6.1).
    if (a.version == 2 && v2_key) std::copy(v2_key->begin(), v2_key->end(), p.end() - 8);
    uint32_t sum = checksum::add(p);
    const bool pseudo = a.version == 3 && (a.source.family == Family::IPv6 ||
                                           ipv4_checksum == Ipv4Checksum::WithPseudoHeader);
    if (pseudo) sum += pseudo_header_sum(IpInfo{a.source, destination, 0}, p.size());
    put16(&p[6], checksum::finish(sum));
    return p;
}

IpAddress vrrp_multicast_group(Family family) {
    if (family == Family::IPv4) return IpAddress::v4(224, 0, 0, 18);
    return IpAddress::v6({0xff, 0x02, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0x12});
}

Result<std::vector<uint8_t>, EncodeError> encode_ip_packet(
    const Advert &a, const IpHeaderOptions &opt, const std::optional<V2SimpleTextKey> &v2_key) {
    const Family family = a.source.family;
    const IpAddress dst = opt.destination.value_or(vrrp_multicast_group(family));
    auto payload = encode_vrrp(a, dst, opt.ipv4_checksum, v2_key);
    if (!payload) return payload.error();
    const size_t hlen = ip_header_size(family);
    std::vector<uint8_t> pkt(hlen + payload->size(), 0);
    uint8_t *h = pkt.data();
    if (family == Family::IPv4) {
        // RFC 791 3.1; RFC 5798 5.1.1: TTL 255, protocol 112. keepalived: TOS 0xc0, DF unset.
        h[0] = 0x45;
        h[1] = opt.tos;
        put16(&h[2], uint16_t(pkt.size()));
        put16(&h[4], opt.ipv4_id);
        h[8] = kVrrpTtl;
        h[9] = kIpProtoVrrp;
        std::copy_n(a.source.bytes.begin(), 4, &h[12]);
        std::copy_n(dst.bytes.begin(), 4, &h[16]);
        put16(&h[10], checksum::internet_checksum(std::span(h, hlen)));
    } else {
        // RFC 8200 3; RFC 5798 5.1.2: hop limit 255, next header 112.
        const uint32_t word = 6u << 28 | uint32_t(opt.tos) << 20 | (opt.flow_label & 0xfffff);
        put16(&h[0], uint16_t(word >> 16));
        put16(&h[2], uint16_t(word));
        put16(&h[4], uint16_t(payload->size()));
        h[6] = kIpProtoVrrp;
        h[7] = kVrrpTtl;
        std::copy_n(a.source.bytes.begin(), 16, &h[8]);
        std::copy_n(dst.bytes.begin(), 16, &h[24]);
    }
    std::copy(payload->begin(), payload->end(), pkt.begin() + hlen);
    return pkt;
}

uint16_t interval_field_for(uint8_t version, Duration interval) {
    using namespace std::chrono;
    const long long unit = version == 2 ? duration_cast<nanoseconds>(seconds(1)).count()
                                        : duration_cast<nanoseconds>(milliseconds(10)).count();
    const long long max = version == 2 ? 255 : kMaxV3IntervalField;
    // Rounded without adding first: an interval near the largest Duration would overflow.
    const long long count = std::max<long long>(interval.count(), 0);
    const long long rounded = count / unit + (count % unit >= unit / 2 ? 1 : 0);
    return uint16_t(std::clamp(rounded, 1LL, max));
}

}  // namespace xvrrp::vrrp
