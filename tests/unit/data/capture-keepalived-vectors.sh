#!/bin/bash
# Captures golden vectors from a real keepalived for the codec tests (tests/unit/codec/).
#
# Two network namespaces joined by a veth pair: keepalived runs in "a" as MASTER of three
# instances (VRRPv2/IPv4, VRRPv3/IPv4, VRRPv3/IPv6), tcpdump listens in "b". The first frame of
# each kind is written as a small hex file next to this script:
#   keepalived-v2-ipv4.hex   VRRPv2 advert (RFC 3768), auth type 0
#   keepalived-v3-ipv4.hex   VRRPv3 advert over IPv4, keepalived's default checksum
#   keepalived-v3-ipv6.hex   VRRPv3 advert over IPv6
#   keepalived-garp.hex      gratuitous ARP sent on becoming master
#   keepalived-na.hex        unsolicited Neighbor Advertisement sent on becoming master
#
# Needs root, iproute2, tcpdump and keepalived. Usage: capture-keepalived-vectors.sh [OUTDIR]
# Everything it creates (namespaces, processes, temp dir) is removed on exit, even on failure.
set -euo pipefail

OUT=${1:-$(cd "$(dirname "$0")" && pwd)}
KEEPALIVED=${KEEPALIVED:-/usr/sbin/keepalived}
NS_A="xvc-$$-a"
NS_B="xvc-$$-b"
TMP=$(mktemp -d /tmp/xvc-$$.XXXXXX)
KA_PID=""
TD_PID=""

cleanup() {
    [[ -n "$KA_PID" ]] && kill "$KA_PID" 2>/dev/null && wait "$KA_PID" 2>/dev/null
    [[ -n "$TD_PID" ]] && kill "$TD_PID" 2>/dev/null && wait "$TD_PID" 2>/dev/null
    ip netns del "$NS_A" 2>/dev/null || true
    ip netns del "$NS_B" 2>/dev/null || true
    rm -rf "$TMP"
}
trap cleanup EXIT
trap "exit 130" INT TERM

MAC_A=02:00:00:00:0a:01
MAC_B=02:00:00:00:0b:01

ip netns add "$NS_A"
ip netns add "$NS_B"
ip link add xva0 netns "$NS_A" address $MAC_A type veth peer name xvb0 netns "$NS_B" address $MAC_B
for ns in "$NS_A" "$NS_B"; do
    # Deterministic addresses: no EUI-64 link-local, no DAD delay.
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.all.accept_dad=0 net.ipv6.conf.default.accept_dad=0
    ip netns exec "$ns" sysctl -qw net.ipv6.conf.default.addr_gen_mode=1
done
ip -n "$NS_A" link set xva0 addrgenmode none
ip -n "$NS_B" link set xvb0 addrgenmode none
ip -n "$NS_A" addr add 192.0.2.1/24 dev xva0
ip -n "$NS_A" addr add fe80::a1/64 dev xva0 nodad
ip -n "$NS_B" addr add 192.0.2.2/24 dev xvb0
ip -n "$NS_B" addr add fe80::b1/64 dev xvb0 nodad
ip -n "$NS_A" link set lo up
ip -n "$NS_B" link set lo up
ip -n "$NS_B" link set xvb0 up
ip -n "$NS_A" link set xva0 up

# This kernel has no dummy link type, so the VIPs go on the veth itself.
cat >"$TMP/keepalived.conf" <<EOF
global_defs {
    router_id xvc
    script_user root
}
vrrp_instance V2_IPV4 {
    state MASTER
    interface xva0
    virtual_router_id 51
    priority 150
    advert_int 1
    version 2
    virtual_ipaddress {
        192.0.2.51/32 dev xva0
    }
}
vrrp_instance V3_IPV4 {
    state MASTER
    interface xva0
    virtual_router_id 52
    priority 200
    advert_int 1
    version 3
    virtual_ipaddress {
        192.0.2.52/32 dev xva0
        192.0.2.152/32 dev xva0
    }
}
vrrp_instance V3_IPV6 {
    state MASTER
    interface xva0
    virtual_router_id 53
    priority 100
    advert_int 1
    version 3
    virtual_ipaddress {
        2001:db8::53/64 dev xva0
    }
}
EOF

ip netns exec "$NS_B" tcpdump -i xvb0 -n -U -s 0 -w "$TMP/cap.pcap" 2>"$TMP/tcpdump.log" &
TD_PID=$!
sleep 1.5  # let tcpdump open the interface before keepalived's first frames

ip netns exec "$NS_A" "$KEEPALIVED" -n -l -D -P -f "$TMP/keepalived.conf" \
    -p "$TMP/keepalived.pid" -r "$TMP/vrrp.pid" >"$TMP/keepalived.log" 2>&1 &
KA_PID=$!
sleep 6
if ! kill "$KA_PID" 2>/dev/null; then
    echo "keepalived exited early; its log:" >&2
    cat "$TMP/keepalived.log" >&2
    exit 1
fi
wait "$KA_PID" 2>/dev/null || true
KA_PID=""
sleep 0.5
kill "$TD_PID"
wait "$TD_PID" 2>/dev/null || true
TD_PID=""

VERSION=$("$KEEPALIVED" --version 2>&1 || true)
VERSION=${VERSION%%$'\n'*}

# write_vector FILE DESCRIPTION PCAP-FILTER: first matching frame as hex, 16 bytes a line.
write_vector() {
    local file=$1 desc=$2 filter=$3
    local hex
    hex=$(tcpdump -r "$TMP/cap.pcap" -n -c 1 -xx "$filter" 2>/dev/null |
        awk '/^[ \t]+0x[0-9a-f]+:/ { for (i = 2; i <= NF; i++) printf "%s", $i }')
    if [[ -z "$hex" ]]; then
        echo "no frame matched '$filter'; keepalived log:" >&2
        cat "$TMP/keepalived.log" >&2
        exit 1
    fi
    {
        echo "# $desc"
        echo "# Captured from $VERSION by tests/unit/data/capture-keepalived-vectors.sh:"
        echo "# keepalived in a netns on veth xva0 (MAC $MAC_A, 192.0.2.1/24, fe80::a1), tcpdump on"
        echo "# the peer. Instances (all state MASTER, advert_int 1, no authentication):"
        echo "#   vrid 51 version 2 priority 150 VIP 192.0.2.51"
        echo "#   vrid 52 version 3 priority 200 VIPs 192.0.2.52 192.0.2.152"
        echo "#   vrid 53 version 3 priority 100 VIP 2001:db8::53"
        echo "# pcap filter: $filter"
        echo "# Whole Ethernet frame as on the wire (no FCS):"
        echo "$hex" | fold -w 32
    } >"$OUT/$file"
    echo "wrote $OUT/$file ($((${#hex} / 2)) bytes)"
}

# The VRRP version/type byte sits right after a 20-byte IPv4 header (keepalived uses no options).
write_vector keepalived-v2-ipv4.hex "VRRPv2 advert over IPv4 (RFC 3768)" \
    "ip proto 112 and ip[20] = 0x21"
write_vector keepalived-v3-ipv4.hex "VRRPv3 advert over IPv4 (RFC 5798), default checksum" \
    "ip proto 112 and ip[20] = 0x31"
write_vector keepalived-v3-ipv6.hex "VRRPv3 advert over IPv6 (RFC 5798)" \
    "ip6 and ip6[6] = 112"
write_vector keepalived-garp.hex "gratuitous ARP for 192.0.2.52 sent on becoming master" \
    "arp and arp[24:4] = 0xc0000234"
write_vector keepalived-na.hex "unsolicited Neighbor Advertisement for 2001:db8::53" \
    "icmp6 and ip6[40] = 136"
