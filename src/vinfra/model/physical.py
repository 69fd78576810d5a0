"""Physical switches: interfaces (NetBox-style mode, tagged/untagged VLANs, LAG members),
port-channels, SVIs with FHRP, spanning tree, link-state tracking and routing."""

from __future__ import annotations

import ipaddress
from typing import Annotated, Any, Literal

from pydantic import Field, PrivateAttr, field_serializer, field_validator, model_serializer, model_validator

from .base import IPv4Addr, IPv4If, Mac, Mtu, SharedSpec, Spec, Speed
from .vlan import ALL_VLANS, VlanSet

Platform = Literal["ios", "nxos", "eos"]
StpMode = Literal["stp", "rstp", "pvst", "rpvst", "mst", "none"]
ChannelMode = Literal["on", "active", "passive", "desirable", "auto"]

VlanId = Annotated[int, Field(ge=1, le=4094)]

#: Vendor defaults that decide outcomes (topology-v1, last section).
PLATFORM_DEFAULTS: dict[str, dict[str, object]] = {
    "ios": {"mac_aging_s": 300, "arp_timeout_s": 14400, "stp_mode": "pvst"},
    "nxos": {"mac_aging_s": 1800, "arp_timeout_s": 1500, "stp_mode": "rpvst"},
    "eos": {"mac_aging_s": 300, "arp_timeout_s": 14400, "stp_mode": "mst"},
}

class PortStp(SharedSpec):
    """Per-port spanning-tree settings (IOS portfast / NX-OS port type edge)."""

    edge: bool = False
    bpdu_guard: bool = False
    bpdu_filter: bool = False
    cost: Annotated[int, Field(ge=1, le=200_000_000)] | None = None


class Fhrp(Spec):
    """A first-hop redundancy group on an SVI.

    ``anycast`` is the anycast gateway (EOS ``ip address virtual`` / ``ip virtual-router address``, NX-OS
    ``fabric forwarding mode anycast-gateway``): every live router holding it is active at once.  ``vip`` may
    carry the prefix (``10.1.11.1/24``); an SVI whose only address is the anycast one then omits ``ip``
    (topology-v1, "Names and forms met in vendor configs").
    """

    protocol: Literal["hsrp", "vrrp", "glbp", "anycast"] = "hsrp"
    group: Annotated[int, Field(ge=0, le=4095)] = 0
    vip: IPv4Addr
    priority: Annotated[int, Field(ge=0, le=255)] = 100
    preempt: bool | None = None  # [false for HSRP and GLBP, true for VRRP]

    # the prefix length written with the vip, if any: kept beside it so that every user of ``vip`` still
    # sees an address, and written back with it on export
    _prefix: int | None = PrivateAttr(default=None)

    @model_validator(mode="wrap")
    @classmethod
    def _vip_prefix(cls, data: Any, handler: Any) -> Fhrp:
        prefix = None
        vip = data.get("vip") if isinstance(data, dict) else None
        if isinstance(vip, str) and "/" in vip:
            try:
                iface = ipaddress.IPv4Interface(vip)
            except ValueError:
                iface = None  # left as written: the field's own check reports it, at the vip
            if iface is not None:
                data = {**data, "vip": str(iface.ip)}
                prefix = iface.network.prefixlen
        obj = handler(data)
        obj._prefix = prefix
        return obj

    @model_validator(mode="after")
    def _preempt_default(self) -> Fhrp:
        if self.preempt is None:
            object.__setattr__(self, "preempt", self.protocol == "vrrp")
        return self

    @field_serializer("vip")
    def _vip_as_written(self, vip: ipaddress.IPv4Address) -> str:
        return f"{vip}/{self._prefix}" if self._prefix is not None else str(vip)

    @property
    def vip_interface(self) -> ipaddress.IPv4Interface | None:
        """The vip with the prefix written with it (``10.1.11.1/24``), else None."""
        return ipaddress.IPv4Interface((int(self.vip), self._prefix)) if self._prefix is not None else None

    @property
    def anycast(self) -> bool:
        return self.protocol == "anycast"


class SwitchInterface(Spec):
    """A physical port, a port-channel ``Po<N>``, an SVI ``Vlan<N>`` or a routed port."""

    mode: Literal["access", "trunk", "routed"] = "access"
    vlan: VlanId = 1
    allowed_vlans: VlanSet = ALL_VLANS
    native_vlan: VlanId = 1
    channel_group: Annotated[int, Field(ge=1, le=4096)] | None = None
    channel_mode: ChannelMode = "on"
    stp: PortStp = PortStp()
    mtu: Mtu = 1500
    speed: Speed | None = None
    shutdown: bool = False
    description: str | None = None
    ip: IPv4If | None = None
    fhrp: Fhrp | None = None
    arp_timeout_s: Annotated[int, Field(ge=1, le=2_147_483)] | None = None  # [platform's]
    mac: Mac | None = None
    peer_link: bool = False
    mlag_id: Annotated[int, Field(ge=1, le=4096)] | None = None

    @property
    def address(self) -> ipaddress.IPv4Interface | None:
        """The interface's L3 address: ``ip``, else an anycast gateway's vip with its prefix (an SVI whose only
        address is the anycast one, whose connected subnet is the vip's)."""
        if self.ip is not None:
            return self.ip
        f = self.fhrp
        return f.vip_interface if f is not None and f.protocol == "anycast" else None


class StpPriority(Spec):
    """Bridge priority, optionally per VLAN: ``{10: 4096, default: 32768}``."""

    default: Annotated[int, Field(ge=0, le=65535)] = 32768
    per_vlan: dict[VlanId, Annotated[int, Field(ge=0, le=65535)]] = {}

    def for_vlan(self, vlan: int) -> int:
        return self.per_vlan.get(vlan, self.default)

    @model_serializer(mode="plain")
    def _as_written(self) -> int | dict[int | str, int]:
        # Dump the way topology-v1 spells it (a number, or a map per VLAN plus 'default'), so an
        # export is a valid design and reads back through SwitchStp._priority unchanged.
        if not self.per_vlan:
            return self.default
        return {**dict(sorted(self.per_vlan.items())), "default": self.default}


class SwitchStp(Spec):
    mode: StpMode | None = None  # [the platform's: ios pvst, nxos rpvst, eos mst]
    priority: StpPriority = StpPriority()

    @field_validator("priority", mode="before")
    @classmethod
    def _priority(cls, value: object) -> object:
        if isinstance(value, bool):
            raise ValueError("priority must be an integer or a map of VLAN to priority")
        if isinstance(value, int):
            return {"default": value}
        if isinstance(value, dict) and "per_vlan" not in value:
            out: dict[str, object] = {"per_vlan": {}}
            for key, prio in value.items():
                if key == "default":
                    out["default"] = prio
                else:
                    out["per_vlan"][key] = prio  # type: ignore[index]
            return out
        return value


class Mlag(Spec):
    """An MLAG / vPC pair.  ``domain`` is NX-OS's ``vpc domain 10`` (a number) or EOS's ``domain-id DC1_LEAF1``
    (a word); both peers state the same one (topology-v1, "Names and forms met in vendor configs")."""

    peer: str
    domain: int | str = 1

    @field_validator("domain", mode="before")
    @classmethod
    def _domain(cls, value: object) -> object:
        # checked here rather than by an annotated union, whose errors would name both branches
        if isinstance(value, bool) or not isinstance(value, (int, str)):
            raise ValueError("an MLAG domain is an integer (vpc domain 10) or a word (domain-id DC1_LEAF1)")
        if isinstance(value, int) and not 0 <= value <= 65535:
            raise ValueError("an MLAG domain number is in 0-65535")
        if isinstance(value, str) and (not value or any(c.isspace() for c in value)):
            raise ValueError("an MLAG domain word is not empty and has no spaces")
        return value

    @property
    def domain_id(self) -> str:
        """The domain as text, so that ``10`` and ``"10"`` are one domain."""
        return str(self.domain)


class LinkStateGroup(Spec):
    """Cisco ``link state track N``: downstream ports go down when every upstream is down (T15)."""

    group: Annotated[int, Field(ge=1, le=10)]
    upstream: list[str]
    downstream: list[str]


class Routing(Spec):
    protocol: Literal["ospf", "eigrp", "isis", "bgp", "static"] = "ospf"
    passive_interfaces: list[str] = []


class Switch(Spec):
    """A physical switch.  Platform-dependent defaults are filled by the inventory after
    stack members have inherited each other's settings."""

    name: str = Field("", exclude=True)
    role: Literal["access", "distribution", "core"] = "access"
    platform: Platform = "ios"
    mac_aging_s: Annotated[int, Field(ge=0, le=1_000_000)] | None = None  # [ios 300, nxos 1800, eos 300]
    stack: str | None = None
    mlag: Mlag | None = None
    stp: SwitchStp = SwitchStp()
    vlans: VlanSet = VlanSet.of(1)
    interfaces: dict[str, SwitchInterface] = {}
    link_state_tracking: list[LinkStateGroup] = []
    routing: Routing | None = None
    description: str | None = None

    @field_validator("vlans", mode="after")
    @classmethod
    def _vlan1(cls, value: VlanSet) -> VlanSet:
        return value | VlanSet.of(1)  # VLAN 1 always exists on a switch

    @property
    def stp_mode(self) -> str:
        return self.stp.mode or str(PLATFORM_DEFAULTS[self.platform]["stp_mode"])

    @property
    def mac_aging(self) -> int:
        return self.mac_aging_s if self.mac_aging_s is not None else int(PLATFORM_DEFAULTS[self.platform]["mac_aging_s"])  # type: ignore[arg-type]

    def arp_timeout(self, interface: SwitchInterface) -> int:
        if interface.arp_timeout_s is not None:
            return interface.arp_timeout_s
        return int(PLATFORM_DEFAULTS[self.platform]["arp_timeout_s"])  # type: ignore[arg-type]
