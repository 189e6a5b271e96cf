#!/usr/bin/env python3
"""ARP in an 802.1Q VLAN, from a host with no VLAN interface (the lab's kernel has no 802.1Q
support): frames are written and read whole through a packet socket.

  vlan_arp.py ask IFACE VLAN TARGET SENDER
      broadcast an ARP request for TARGET from SENDER (an IPv4 address of the asking host),
      tagged with VLAN (0: untagged), three times; print one line per reply for TARGET
      heard within a second: "reply MAC vlan N" (N: 0 untagged)
  vlan_arp.py listen IFACE SECONDS
      print one line per ARP frame heard: "arp OP SPA TPA SHA vlan N"
"""
import socket
import struct
import sys
import time

ETH_P_ALL = 0x0003
SOL_PACKET = 263
PACKET_AUXDATA = 8
TP_STATUS_VLAN_VALID = 1 << 4


def open_socket(iface):
    s = socket.socket(socket.AF_PACKET, socket.SOCK_RAW, socket.htons(ETH_P_ALL))
    s.setsockopt(SOL_PACKET, PACKET_AUXDATA, 1)
    s.bind((iface, 0))
    return s


def mac_text(b):
    return ":".join("%02x" % x for x in b)


def receive(s, until):
    """Yields (vlan, ARP bytes) for each ARP frame heard before `until`. The tag may sit in
    the frame or beside it (the kernel moves it out on receive: auxdata)."""
    while True:
        left = until - time.monotonic()
        if left <= 0:
            return
        s.settimeout(left)
        try:
            data, anc, _, _ = s.recvmsg(2048, socket.CMSG_SPACE(20))
        except socket.timeout:
            return
        vlan = 0
        for level, kind, value in anc:
            if level == SOL_PACKET and kind == PACKET_AUXDATA and len(value) >= 20:
                status, _, _, _, _, tci, _ = struct.unpack("=IIIHHHH", value[:20])
                if status & TP_STATUS_VLAN_VALID:
                    vlan = tci & 0x0FFF
        ethertype = struct.unpack("!H", data[12:14])[0]
        payload = data[14:]
        if ethertype == 0x8100:
            vlan = struct.unpack("!H", data[14:16])[0] & 0x0FFF
            ethertype = struct.unpack("!H", data[16:18])[0]
            payload = data[18:]
        if ethertype == 0x0806 and len(payload) >= 28:
            yield vlan, payload


def ask(iface, vlan, target, sender):
    s = open_socket(iface)
    mac = open("/sys/class/net/%s/address" % iface).read().strip()
    src = bytes.fromhex(mac.replace(":", ""))
    tag = struct.pack("!HH", 0x8100, vlan) if vlan else b""
    request = (b"\xff" * 6 + src + tag + struct.pack("!H", 0x0806) +
               struct.pack("!HHBBH", 1, 0x0800, 6, 4, 1) + src + socket.inet_aton(sender) +
               b"\x00" * 6 + socket.inet_aton(target))
    for _ in range(3):
        s.send(request)
    for got_vlan, arp in receive(s, time.monotonic() + 1.0):
        op = struct.unpack("!H", arp[6:8])[0]
        if op == 2 and arp[14:18] == socket.inet_aton(target):
            print("reply %s vlan %d" % (mac_text(arp[8:14]), got_vlan), flush=True)


def listen(iface, seconds):
    s = open_socket(iface)
    for vlan, arp in receive(s, time.monotonic() + seconds):
        op = struct.unpack("!H", arp[6:8])[0]
        print("arp %d %s %s %s vlan %d" % (op, socket.inet_ntoa(arp[14:18]),
                                           socket.inet_ntoa(arp[24:28]), mac_text(arp[8:14]),
                                           vlan), flush=True)


if __name__ == "__main__":
    if len(sys.argv) == 6 and sys.argv[1] == "ask":
        ask(sys.argv[2], int(sys.argv[3]), sys.argv[4], sys.argv[5])
    elif len(sys.argv) == 4 and sys.argv[1] == "listen":
        listen(sys.argv[2], float(sys.argv[3]))
    else:
        sys.exit(__doc__)
