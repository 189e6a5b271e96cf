// libFuzzer target: the advert codec (userspace/vrrp/codec.h) on arbitrary bytes.
//
// Input: one byte of DecodeOptions bits, one byte of IP-layer facts for decode_vrrp, then the
// bytes, decoded both as a whole IP packet (decode_ip_packet) and as a bare VRRP payload
// (decode_vrrp). There is no frame decoder; the frame builders (frames.h) get every advert
// that decodes. Beyond "no crash, no sanitizer report" it checks:
//   - a decoded advert is one the receive checks allow (RFC 5798 7.1, RFC 3768 7.1);
//   - it encodes again (unless too large for one Ethernet frame) and decodes to itself;
//   - the advert frame carries exactly the encoded packet;
//   - interval_field_for() stays within the legal field range for any interval.
#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <span>
#include <string>

#include "vrrp/codec.h"
#include "vrrp/frames.h"

namespace {

using namespace xvrrp::vrrp;

[[noreturn]] void broken(const char *promise) {
    std::fprintf(stderr, "codec_fuzzer: broken promise: %s\n", promise);
    std::abort();
}

#define PROMISE(cond)               \
    do {                            \
        if (!(cond)) broken(#cond); \
    } while (0)

DecodeOptions options_from(uint8_t bits, uint8_t vrid) {
    DecodeOptions o;
    if (bits & 0x01) o.expected_version = (bits & 0x02) ? 3 : 2;
    if (bits & 0x04) o.expected_vrid = vrid;
    switch ((bits >> 3) & 0x03) {
        case 0:
            o.ipv4_checksum = Ipv4ChecksumAccept::WithPseudoHeader;
            break;
        case 1:
            o.ipv4_checksum = Ipv4ChecksumAccept::WithoutPseudoHeader;
            break;
        default:
            o.ipv4_checksum = Ipv4ChecksumAccept::Either;
            break;
    }
    o.require_ipv6_link_local_source = bits & 0x20;
    o.require_link_local_first_address = bits & 0x40;
    if (bits & 0x80)
        o.v2_simple_text_key = std::array<uint8_t, 8>{'x', 'v', 'r', 'r', 'p', 0, 0, 0};
    return o;
}

// IP-layer facts for decode_vrrp: the family, a TTL of 255 or not, link-local or global source.
IpInfo ip_info_from(uint8_t bits) {
    IpInfo ip;
    if (bits & 0x01) {
        ip.source =
            IpAddress::v6({uint8_t(bits & 0x02 ? 0xfe : 0x20), uint8_t(bits & 0x02 ? 0x80 : 0x01),
                           0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1});
        ip.destination = vrrp_multicast_group(Family::IPv6);
    } else {
        ip.source = IpAddress::v4(192, 0, 2, 1);
        ip.destination = vrrp_multicast_group(Family::IPv4);
    }
    ip.ttl = (bits & 0x04) ? 64 : kVrrpTtl;
    return ip;
}

void check_advert(const Advert &a, const DecodeOptions &o) {
    PROMISE(a.version == 2 || a.version == 3);
    PROMISE(a.version == 3 || a.source.family == Family::IPv4);
    PROMISE(!o.expected_version || a.version == *o.expected_version);
    PROMISE(a.vrid != 0 && (!o.expected_vrid || a.vrid == *o.expected_vrid));
    PROMISE(!a.addresses.empty() && a.addresses.size() <= 255);
    for (const IpAddress &ip : a.addresses) PROMISE(ip.family == a.source.family);
    PROMISE(a.interval_field != 0);
    PROMISE(a.interval_field <= (a.version == 3 ? kMaxV3IntervalField : 255));
}

bool same_advert(const Advert &a, const Advert &b) {
    return a.version == b.version && a.vrid == b.vrid && a.priority == b.priority &&
           a.interval_field == b.interval_field && a.source == b.source &&
           a.addresses == b.addresses;
}

// Encodes `a` to `destination` and decodes it back, with either IPv4 checksum rule.
void check_round_trip(const Advert &a, const IpAddress &destination) {
    for (Ipv4Checksum sum : {Ipv4Checksum::WithPseudoHeader, Ipv4Checksum::WithoutPseudoHeader}) {
        IpHeaderOptions h;
        h.destination = destination;
        h.ipv4_checksum = sum;
        auto packet = encode_ip_packet(a, h);
        if (!packet) {
            // The receive side takes IPv6 jumbo adverts a 1500-byte frame cannot carry.
            PROMISE(packet.error() == EncodeError::TooManyAddresses);
            return;
        }
        DecodeOptions back;
        back.require_ipv6_link_local_source = false;
        back.ipv4_checksum = sum == Ipv4Checksum::WithPseudoHeader
                                 ? Ipv4ChecksumAccept::WithPseudoHeader
                                 : Ipv4ChecksumAccept::WithoutPseudoHeader;
        auto again = decode_ip_packet(packet.value(), back);
        PROMISE(again.ok());
        PROMISE(same_advert(again.value(), a));

        AdvertFrameOptions f;
        f.source_mac = {0x02, 0, 0, 0, 0, 1};
        f.ip = h;
        // Half the time the destination MAC comes from the group; a unicast destination
        // needs one given.
        const bool multicast = destination.family == Family::IPv4
                                   ? (destination.bytes[0] & 0xf0) == 0xe0
                                   : destination.bytes[0] == 0xff;
        if (a.priority & 1) f.destination_mac = MacAddress{0x02, 0, 0, 0, 0, 2};
        auto frame = build_advert_frame(a, f);
        if (!f.destination_mac && !multicast) {
            PROMISE(!frame.ok() && frame.error() == EncodeError::MissingDestinationMac);
            continue;
        }
        PROMISE(frame.ok());
        PROMISE(frame->size() == kEthernetHeaderSize + packet->size());
        PROMISE(std::equal(packet->begin(), packet->end(), frame->begin() + kEthernetHeaderSize));
    }
    for (const IpAddress &ip : a.addresses) {
        if (ip.family == Family::IPv4)
            PROMISE(build_gratuitous_arp({0x02, 0, 0, 0, 0, 1}, ip).size() == 42);
        else
            PROMISE(build_unsolicited_na({0x02, 0, 0, 0, 0, 1}, ip).size() == 86);
    }
}

// The destination as the packet's own header gives it (decode_ip_packet does not return it).
IpAddress destination_of(std::span<const uint8_t> p) {
    if ((p[0] >> 4) == 4) return IpAddress::v4(p[16], p[17], p[18], p[19]);
    std::array<uint8_t, 16> b;
    std::copy_n(&p[24], 16, b.begin());
    return IpAddress::v6(b);
}

}  // namespace

extern "C" int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    if (size < 2) return 0;
    const DecodeOptions options = options_from(data[0], data[1]);
    const std::span<const uint8_t> bytes(data + 2, size - 2);

    auto packet = decode_ip_packet(bytes, options);
    if (packet.ok()) {
        check_advert(packet.value(), options);
        check_round_trip(packet.value(), destination_of(bytes));
    } else {
        PROMISE(to_string(packet.error()) != "unknown decode error");
    }

    const IpInfo ip = ip_info_from(data[1]);
    auto payload = decode_vrrp(bytes, ip, options);
    if (payload.ok()) {
        check_advert(payload.value(), options);
        PROMISE(payload->source == ip.source);
        check_round_trip(payload.value(), ip.destination);
    } else {
        PROMISE(to_string(payload.error()) != "unknown decode error");
    }

    // Any interval at all, from the bytes: the field stays in its legal range.
    if (bytes.size() >= 8) {
        int64_t ns;
        std::memcpy(&ns, bytes.data(), sizeof ns);
        for (uint8_t version : {uint8_t(2), uint8_t(3)}) {
            uint16_t field = interval_field_for(version, Duration(ns));
            PROMISE(field >= 1 && field <= (version == 3 ? kMaxV3IntervalField : 255));
        }
    }
    return 0;
}
