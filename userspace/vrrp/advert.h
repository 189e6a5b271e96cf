// A decoded VRRP advertisement: the fields the state machine decides on.
// The codec (codec.h) turns bytes into an Advert and back.
#pragma once

#include "vrrp/types.h"

namespace xvrrp::vrrp {

struct Advert {
    uint8_t version = 3;  // 3 (RFC 5798/9568) or 2 (RFC 3768, IPv4 only)
    uint8_t vrid = 0;
    uint8_t priority = 0;
    // The interval field exactly as carried: VRRPv3 Max Advertise Interval in centiseconds
    // (12 bits, RFC 5798 5.2.7); VRRPv2 Advertisement Interval in seconds (8 bits).
    uint16_t interval_field = 0;
    IpAddress source;  // source address of the IP header
    std::vector<IpAddress> addresses;

    // The interval the field stands for, in nanoseconds.
    Duration interval() const {
        return version == 2 ? Duration(std::chrono::seconds(interval_field))
                            : Duration(std::chrono::milliseconds(10) * interval_field);
    }
};

}  // namespace xvrrp::vrrp
