#include "tx/af_packet_sender.h"
#include "tx/af_xdp_sender.h"
#include "tx/sender.h"

#include "common/fd.h"

namespace xvrrp::tx {

SenderChoice make_sender(const std::string &ifname, bool prefer_xdp) {
    SenderChoice choice;
    if (prefer_xdp) {
        try {
            choice.sender = std::make_unique<AfXdpSender>(ifname);
            return choice;
        } catch (const Error &e) {
            choice.fallback_reason = std::string(e.what()) + "; using AF_PACKET";
        }
    }
    choice.sender = std::make_unique<AfPacketSender>(ifname);
    return choice;
}

}  // namespace xvrrp::tx
