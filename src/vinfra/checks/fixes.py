"""Fix text for both sides of the boundary: switch commands in each platform's syntax (IOS,
NX-OS, EOS) and the vSwitch setting, as the design file spells it.

A fix is one line: its parts are joined with `` | `` (``sw-a (ios): interface Gi1/0/1;
spanning-tree portfast trunk | esx01 vSwitch0: teaming.policy: ip_hash``).
"""

from __future__ import annotations

from collections.abc import Iterable

from ..model import VlanSet


def combine(*parts: str | None) -> str:
    """Join fix parts; empty parts are left out."""
    return " | ".join(p for p in parts if p)


def on_switch(switch: str, platform: str, lines: Iterable[str], interface: str | None = None) -> str:
    """``sw-a (ios): interface Gi1/0/1; spanning-tree portfast trunk``."""
    body = ([f"interface {interface}"] if interface else []) + [ln for ln in lines if ln]
    return f"{switch} ({platform}): " + "; ".join(body)


def on_host(owner: str, setting: str) -> str:
    """``esx01 vSwitch0: teaming.policy: ip_hash`` — the design key and value to set."""
    return f"{owner}: {setting}"


def portfast(platform: str, trunk: bool) -> str:
    """P1: make a host-facing port an STP edge port."""
    if platform == "nxos":
        return "spanning-tree port type edge trunk" if trunk else "spanning-tree port type edge"
    if platform == "ios":
        return "spanning-tree portfast trunk" if trunk else "spanning-tree portfast"
    return "spanning-tree portfast"


def allowed_add(platform: str, vlans: VlanSet | int) -> str:
    return f"switchport trunk allowed vlan add {vlans}"


def allowed_remove(platform: str, vlans: VlanSet | int) -> str:
    return f"switchport trunk allowed vlan remove {vlans}"


def native_vlan(platform: str, vlan: int) -> str:
    return f"switchport trunk native vlan {vlan}"


def trunk_mode(platform: str) -> list[str]:
    if platform == "ios":
        return ["switchport trunk encapsulation dot1q", "switchport mode trunk", "switchport nonegotiate"]
    return ["switchport mode trunk"]


def create_vlan(platform: str, vlan: int) -> str:
    return f"vlan {vlan}"


def channel_group(platform: str, number: int, mode: str) -> str:
    return f"channel-group {number} mode {mode}"


def no_channel_group(platform: str) -> str:
    return "no channel-group"


def mtu(platform: str, value: int) -> str:
    if platform == "ios":
        # Catalyst access switches set jumbo frames globally; routers and newer Catalysts per port
        return f"mtu {value} (Catalyst 2960/3560/3750: system mtu jumbo {value}, then reload)"
    return f"mtu {value}"


def bpdu_filter(platform: str) -> str:
    return "spanning-tree bpdufilter enable"


def arp_timeout(platform: str, seconds: int) -> str:
    if platform == "nxos":
        return f"ip arp timeout {seconds}"
    if platform == "eos":
        return f"arp aging timeout {seconds}"
    return f"arp timeout {seconds}"


def mac_aging(platform: str, seconds: int) -> str:
    return f"mac address-table aging-time {seconds}"


def fhrp(platform: str, protocol: str, group: int, vip: str) -> list[str]:
    """The FHRP group lines under an SVI."""
    if protocol == "anycast":
        if platform == "nxos":
            return [f"ip address {vip}", "fabric forwarding mode anycast-gateway"]
        return [f"ip virtual-router address {vip}"]  # EOS (VARP); IOS has no anycast gateway
    if platform == "nxos":
        return [f"{protocol} {group}", ("address " if protocol == "vrrp" else "ip ") + vip]
    if platform == "eos":
        # EOS has no HSRP or GLBP: VRRP (or VARP) is its FHRP
        return [f"vrrp {group} ipv4 {vip}"]
    if protocol == "hsrp":
        return [f"standby {group} ip {vip}"]
    return [f"{protocol} {group} ip {vip}"]


def link_state_tracking(platform: str, switch: str, group: int, upstream: list[str], downstream: list[str]) -> str | None:
    """T15 configuration, or None where the platform has none (NX-OS)."""
    if platform == "nxos":
        return None
    lines: list[str] = []
    if platform == "ios":
        lines.append(f"link state track {group}")
        lines += [f"interface {u}; link state group {group} upstream" for u in upstream]
        lines += [f"interface {d}; link state group {group} downstream" for d in downstream]
    else:  # eos
        lines.append(f"link tracking group lst{group}")
        lines += [f"interface {u}; link tracking group lst{group} upstream" for u in upstream]
        lines += [f"interface {d}; link tracking group lst{group} downstream" for d in downstream]
    return f"{switch} ({platform}): " + "; ".join(lines)
