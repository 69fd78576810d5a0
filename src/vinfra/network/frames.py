"""Frames of one ping, and the hashes that pick a link for them (T2, T3, M2).

A ping is ARP (request broadcast, reply unicast) and an IPv4 echo request and reply.  The hashes
are the [model] choices of :class:`~vinfra.network.settings.Settings`: the host's IP hash (T3)
works on the IPv4 addresses, and for non-IP frames such as ARP on the two 32-bit words where the
addresses would sit (frame bytes 26-29 and 30-33 when untagged: the sender MAC's last two bytes and
the sender IP's first two, then the sender IP's last two and the target MAC's first two).
"""

from __future__ import annotations

from dataclasses import dataclass
from ipaddress import IPv4Address

BROADCAST = "ff:ff:ff:ff:ff:ff"
ZERO_MAC = "00:00:00:00:00:00"


def mac_bytes(mac: str) -> bytes:
    return bytes(int(part, 16) for part in mac.split(":"))


@dataclass(frozen=True, slots=True)
class Frame:
    kind: str  # "arp-request" | "arp-reply" | "ip"
    src_mac: str
    dst_mac: str
    src_ip: IPv4Address
    dst_ip: IPv4Address

    @property
    def bum(self) -> bool:
        return self.dst_mac == BROADCAST

    @property
    def is_ip(self) -> bool:
        return self.kind == "ip"

    def hash_words(self) -> tuple[int, int]:
        """The two 32-bit words the host's IP hash reads (T3)."""
        if self.is_ip:
            return int(self.src_ip), int(self.dst_ip)
        sha = mac_bytes(self.src_mac)
        spa = self.src_ip.packed
        tha = mac_bytes(self.dst_mac if self.kind == "arp-reply" else ZERO_MAC)
        return int.from_bytes(sha[4:6] + spa[0:2], "big"), int.from_bytes(spa[2:4] + tha[0:2], "big")

    def describe(self) -> str:
        if self.kind == "arp-request":
            return f"ARP who-has {self.dst_ip} tell {self.src_ip}"
        if self.kind == "arp-reply":
            return f"ARP {self.src_ip} is-at {self.src_mac}"
        return f"ICMP {self.src_ip} > {self.dst_ip}"


def ip_hash_index(words: tuple[int, int], n: int, variant: str = "last_octet") -> int:
    """T3: ``(src[3] ^ dst[3]) % n`` by default, or the full 32-bit XOR ``% n``."""
    a, b = words
    if variant == "full_xor":
        return (a ^ b) % n
    return ((a & 0xFF) ^ (b & 0xFF)) % n


def channel_hash_index(frame: Frame, n: int, method: str = "src-dst-ip") -> int:
    """A physical switch's (or a vDS LAG's) choice of member for ``frame`` among ``n`` (M2 [model])."""
    if method != "src-dst-mac" and frame.is_ip:
        return (frame.src_ip.packed[3] ^ frame.dst_ip.packed[3]) % n
    return (mac_bytes(frame.src_mac)[5] ^ mac_bytes(frame.dst_mac)[5]) % n
