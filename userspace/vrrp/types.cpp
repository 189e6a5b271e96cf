#include "vrrp/types.h"

#include <arpa/inet.h>

#include <cstring>

namespace xvrrp::vrrp {

IpAddress IpAddress::v4_from_be32(uint32_t be) {
    IpAddress ip;
    std::memcpy(ip.bytes.data(), &be, 4);
    return ip;
}

uint32_t IpAddress::to_be32() const {
    uint32_t be;
    std::memcpy(&be, bytes.data(), 4);
    return be;
}

std::optional<IpAddress> IpAddress::parse(std::string_view text) {
    std::string s(text);
    IpAddress ip;
    if (inet_pton(AF_INET, s.c_str(), ip.bytes.data()) == 1) return ip;
    ip.family = Family::IPv6;
    if (inet_pton(AF_INET6, s.c_str(), ip.bytes.data()) == 1) return ip;
    return std::nullopt;
}

std::string IpAddress::to_string() const {
    char buf[INET6_ADDRSTRLEN];
    inet_ntop(family == Family::IPv4 ? AF_INET : AF_INET6, bytes.data(), buf, sizeof buf);
    return buf;
}

}  // namespace xvrrp::vrrp
