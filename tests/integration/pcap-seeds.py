#!/usr/bin/env python3
"""Write the seed corpus of the packet robustness test (SECURITY 71) as classic pcap files.

pcap-seeds.py DIR writes DIR/seed-*.pcap: Ethernet frames as the container (10.0.2.100,
fd00::100) sends them into its tap0, in the spirit of libslirp's fuzzing/IN_* captures, which
are binary and not in this repository: ARP, ICMP echo, ICMPv6 neighbour discovery and echo,
DNS to the forwarder over UDP and TCP, TCP SYN, data, FIN and RST to the gateway, IPv6 TCP and
UDP, an IPv4 fragment, and BOOTP and TFTP requests, which the helper must ignore since it runs
neither. `frame-fuzz tap0 SECONDS SEED DIR/*.pcap` replays them and then mutates them.

Every destination is the gateway (the host's loopback, closed without --allow-host-loopback),
the DNS forwarder (the test points it at an address on the host's loopback with nothing
behind it) or a broadcast or multicast address: nothing leaves the machine.
"""
import ipaddress
import os
import struct
import sys

CONTAINER_MAC = bytes.fromhex("020000000064")
GATEWAY_MAC = bytes.fromhex("52550a000202")
BROADCAST_MAC = b"\xff" * 6
CONTAINER = ipaddress.ip_address("10.0.2.100").packed
GATEWAY = ipaddress.ip_address("10.0.2.2").packed
DNS = ipaddress.ip_address("10.0.2.3").packed
CONTAINER6 = ipaddress.ip_address("fd00::100").packed
GATEWAY6 = ipaddress.ip_address("fd00::2").packed
DNS6 = ipaddress.ip_address("fd00::3").packed


def checksum(data, initial=0):
    if len(data) % 2:
        data += b"\0"
    total = initial + sum(struct.unpack("!%dH" % (len(data) // 2), data))
    while total >> 16:
        total = (total & 0xFFFF) + (total >> 16)
    return ~total & 0xFFFF


def ether(dst_mac, ethertype, payload):
    return dst_mac + CONTAINER_MAC + struct.pack("!H", ethertype) + payload


def ipv4(proto, dst, l4, src=CONTAINER, flags_frag=0x4000, ident=1):
    header = struct.pack("!BBHHHBBH4s4s", 0x45, 0, 20 + len(l4), ident, flags_frag, 64, proto,
                         0, src, dst)
    header = header[:10] + struct.pack("!H", checksum(header)) + header[12:]
    return header + l4


def pseudo4(src, dst, proto, length):
    return sum(struct.unpack("!4H", src + dst)) + proto + length


def pseudo6(src, dst, proto, length):
    return sum(struct.unpack("!16H", src + dst)) + proto + length


def with_checksum(l4, offset, pseudo):
    l4 = l4[:offset] + b"\0\0" + l4[offset + 2:]
    return l4[:offset] + struct.pack("!H", checksum(l4, pseudo)) + l4[offset + 2:]


def udp4(dst, sport, dport, payload, src=CONTAINER, dst_mac=GATEWAY_MAC):
    l4 = struct.pack("!HHHH", sport, dport, 8 + len(payload), 0) + payload
    l4 = with_checksum(l4, 6, pseudo4(src, dst, 17, len(l4)))
    return ether(dst_mac, 0x0800, ipv4(17, dst, l4, src=src))


def tcp_segment(sport, dport, seq, ack, flags, payload=b"", options=b""):
    offset = (20 + len(options)) // 4
    return struct.pack("!HHIIBBHHH", sport, dport, seq, ack, offset << 4, flags, 65535, 0,
                       0) + options + payload


def tcp4(dst, sport, dport, seq, ack, flags, payload=b"", options=b""):
    l4 = tcp_segment(sport, dport, seq, ack, flags, payload, options)
    l4 = with_checksum(l4, 16, pseudo4(CONTAINER, dst, 6, len(l4)))
    return ether(GATEWAY_MAC, 0x0800, ipv4(6, dst, l4))


def icmp4(dst, icmp_type, code, rest):
    l4 = struct.pack("!BBH", icmp_type, code, 0) + rest
    l4 = l4[:2] + struct.pack("!H", checksum(l4)) + l4[4:]
    return ether(GATEWAY_MAC, 0x0800, ipv4(1, dst, l4))


def ipv6(next_header, dst, l4, dst_mac=GATEWAY_MAC, hop_limit=64):
    offsets = {6: 16, 17: 6, 58: 2}
    l4 = with_checksum(l4, offsets[next_header], pseudo6(CONTAINER6, dst, next_header, len(l4)))
    header = struct.pack("!IHBB16s16s", 6 << 28, len(l4), next_header, hop_limit, CONTAINER6, dst)
    return ether(dst_mac, 0x86DD, header + l4)


def dns_query(ident, name, qtype):
    labels = b"".join(bytes([len(p)]) + p.encode() for p in name.split(".")) + b"\0"
    return struct.pack("!HHHHHH", ident, 0x0100, 1, 0, 0, 0) + labels + struct.pack("!HH", qtype, 1)


def arp_frames():
    def arp(dst_mac, op, target_mac, sender_ip, target_ip):
        body = struct.pack("!HHBBH6s4s6s4s", 1, 0x0800, 6, 4, op, CONTAINER_MAC, sender_ip,
                           target_mac, target_ip)
        return ether(dst_mac, 0x0806, body)

    return [
        arp(BROADCAST_MAC, 1, b"\0" * 6, CONTAINER, GATEWAY),
        arp(BROADCAST_MAC, 1, b"\0" * 6, CONTAINER, DNS),
        arp(BROADCAST_MAC, 1, b"\0" * 6, CONTAINER, CONTAINER),  # gratuitous
        arp(GATEWAY_MAC, 2, GATEWAY_MAC, CONTAINER, GATEWAY),  # an unasked reply
    ]


def icmp_frames():
    payload = bytes(range(56))
    return [
        icmp4(GATEWAY, 8, 0, struct.pack("!HH", 0x77, 1) + payload),
        icmp4(DNS, 8, 0, struct.pack("!HH", 0x77, 2) + payload),
        icmp4(GATEWAY, 13, 0, struct.pack("!HHIII", 0x77, 3, 0, 0, 0)),  # timestamp request
    ]


def icmp6_frames():
    solicited = ipaddress.ip_address("ff02::1:ff00:2").packed
    mcast_mac = bytes.fromhex("3333ff000002")
    source_lladdr = b"\x01\x01" + CONTAINER_MAC
    return [
        # Neighbour solicitation for fd00::2, with our link-layer address.
        ipv6(58, solicited, struct.pack("!BBHI16s", 135, 0, 0, 0, GATEWAY6) + source_lladdr,
             dst_mac=mcast_mac, hop_limit=255),
        # Router solicitation to all routers.
        ipv6(58, ipaddress.ip_address("ff02::2").packed,
             struct.pack("!BBHI", 133, 0, 0, 0) + source_lladdr,
             dst_mac=bytes.fromhex("333300000002"), hop_limit=255),
        # An unsolicited neighbour advertisement for ourselves.
        ipv6(58, ipaddress.ip_address("ff02::1").packed,
             struct.pack("!BBHI16s", 136, 0, 0, 0x20000000, CONTAINER6)
             + b"\x02\x01" + CONTAINER_MAC,
             dst_mac=bytes.fromhex("333300000001"), hop_limit=255),
        ipv6(58, GATEWAY6, struct.pack("!BBHHH", 128, 0, 0, 0x77, 1) + bytes(range(56))),
        ipv6(58, DNS6, struct.pack("!BBHHH", 128, 0, 0, 0x77, 2) + bytes(range(56))),
    ]


def dns_frames():
    query = dns_query(0x1234, "warren.test", 1)
    tcp_query = struct.pack("!H", len(query)) + query
    return [
        udp4(DNS, 40000, 53, query),
        udp4(DNS, 40000, 53, dns_query(0x1235, "warren.test", 28)),
        ipv6(17, DNS6, struct.pack("!HHHH", 40001, 53, 8 + len(query), 0) + query),
        # DNS over TCP: a SYN (with MSS and window scale), then the query.
        tcp4(DNS, 40002, 53, 1000, 0, 0x02, options=b"\x02\x04\x05\xb4\x03\x03\x07\x00"),
        tcp4(DNS, 40002, 53, 1001, 1, 0x18, tcp_query),
        tcp4(DNS, 40002, 53, 1001 + len(tcp_query), 1, 0x11),
    ]


def tcp_frames():
    return [
        tcp4(GATEWAY, 40010, 80, 5000, 0, 0x02, options=b"\x02\x04\x05\xb4"),  # SYN
        tcp4(GATEWAY, 40010, 80, 5001, 1, 0x10),  # ACK
        tcp4(GATEWAY, 40010, 80, 5001, 1, 0x18, b"GET / HTTP/1.0\r\n\r\n"),  # PSH ACK, data
        tcp4(GATEWAY, 40010, 80, 5019, 1, 0x11),  # FIN ACK
        tcp4(GATEWAY, 40010, 80, 5020, 1, 0x04),  # RST
        tcp4(GATEWAY, 40011, 22, 0, 0, 0x29, b"x" * 10),  # FIN PSH URG: a "Christmas tree"
    ]


def ipv6_frames():
    def tcp6(dport, seq, flags, payload=b""):
        return ipv6(6, GATEWAY6, tcp_segment(40020, dport, seq, 1, flags, payload))

    return [
        tcp6(80, 7000, 0x02),
        tcp6(80, 7001, 0x18, b"hello"),
        tcp6(80, 7006, 0x11),
        ipv6(17, GATEWAY6, struct.pack("!HHHH", 40021, 7, 13, 0) + b"hello"),
        ipv6(17, DNS6, struct.pack("!HHHH", 40021, 5353, 13, 0) + b"hello"),  # not port 53
    ]


def fragment_frames():
    # The first half of a UDP datagram to the DNS forwarder: fragments never reach libslirp.
    l4 = struct.pack("!HHHH", 40030, 53, 8 + 64, 0) + bytes(32)
    return [ether(GATEWAY_MAC, 0x0800, ipv4(17, DNS, l4, flags_frag=0x2000, ident=9))]


def bootp_frames():
    # DHCPDISCOVER from 0.0.0.0 to the broadcast address and to the gateway: DHCP is off.
    chaddr = CONTAINER_MAC + b"\0" * 10
    bootp = (struct.pack("!BBBBIHH4s4s4s4s", 1, 1, 6, 0, 0x3903F326, 0, 0x8000, b"\0" * 4,
                         b"\0" * 4, b"\0" * 4, b"\0" * 4)
             + chaddr + b"\0" * 192 + b"\x63\x82\x53\x63" + b"\x35\x01\x01\xff")
    zero = b"\0" * 4
    broadcast = b"\xff" * 4
    return [
        udp4(broadcast, 68, 67, bootp, src=zero, dst_mac=BROADCAST_MAC),
        udp4(GATEWAY, 68, 67, bootp, src=zero),
    ]


def tftp_frames():
    # A TFTP read request to the gateway: no TFTP server either.
    rrq = b"\x00\x01" + b"pxelinux.0\0octet\0"
    return [udp4(GATEWAY, 40040, 69, rrq), udp4(GATEWAY, 40040, 69, b"\x00\x02" + b"x\0octet\0")]


SEEDS = {
    "arp": arp_frames,
    "icmp": icmp_frames,
    "icmp6": icmp6_frames,
    "dns": dns_frames,
    "tcp": tcp_frames,
    "ipv6": ipv6_frames,
    "fragment": fragment_frames,
    "bootp": bootp_frames,
    "tftp": tftp_frames,
}


def write_pcap(path, frames):
    with open(path, "wb") as f:
        # Classic pcap, microsecond timestamps, Ethernet (link type 1).
        f.write(struct.pack("<IHHiIII", 0xA1B2C3D4, 2, 4, 0, 0, 65535, 1))
        for i, frame in enumerate(frames):
            f.write(struct.pack("<IIII", 1700000000, i * 1000, len(frame), len(frame)))
            f.write(frame)


def main():
    if len(sys.argv) != 2:
        sys.exit("usage: pcap-seeds.py DIR")
    os.makedirs(sys.argv[1], exist_ok=True)
    for name, frames in SEEDS.items():
        write_pcap(os.path.join(sys.argv[1], "seed-%s.pcap" % name), frames())


if __name__ == "__main__":
    main()
