#include "vrrp/checksum.h"

namespace xvrrp::vrrp::checksum {

uint32_t add(std::span<const uint8_t> data, uint32_t sum) {
    size_t i = 0;
    for (; i + 1 < data.size(); i += 2) {
        sum += uint32_t(data[i]) << 8 | data[i + 1];
        // Fold early so that no input length can overflow the 32-bit accumulator.
        if (sum & 0x80000000u) sum = (sum & 0xffff) + (sum >> 16);
    }
    if (i < data.size()) sum += uint32_t(data[i]) << 8;
    return sum;
}

uint16_t finish(uint32_t sum) {
    while (sum >> 16) sum = (sum & 0xffff) + (sum >> 16);
    return uint16_t(~sum & 0xffff);
}

uint16_t internet_checksum(std::span<const uint8_t> data) {
    return finish(add(data));
}

uint32_t ipv4_pseudo_header_sum(const IpAddress &source, const IpAddress &destination,
                                uint8_t protocol, uint16_t length) {
    uint32_t sum = add(std::span(source.bytes.data(), 4));
    sum = add(std::span(destination.bytes.data(), 4), sum);
    return sum + protocol + length;
}

uint32_t ipv6_pseudo_header_sum(const IpAddress &source, const IpAddress &destination,
                                uint8_t next_header, uint32_t length) {
    uint32_t sum = add(source.bytes);
    sum = add(destination.bytes, sum);
    return sum + (length >> 16) + (length & 0xffff) + next_header;
}

}  // namespace xvrrp::vrrp::checksum
