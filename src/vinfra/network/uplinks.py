"""Where a host's uplinks meet the physical network: the switch port, the logical switch a frame
enters, the VLAN it is put in, and the tag frames come back with.

A frame a port group sends out of uplink U leaves with the port group's tag (V1-V3), reaches U's
switch port (or, for a bundled member, the port-channel) and is admitted into a VLAN by that port's
mode (:meth:`PortVlans.ingress`); a frame in VLAN v leaves the switch port with the tag
:meth:`PortVlans.egress` gives, and the port group takes it only if it accepts that tag (V2, V6).
A frame entering a bundled channel whose members sit on several switches (stack, MLAG pair) is
placed on the channel's first live switch in name order: the pair is joined by the stack or the
peer link, so which member it lands on does not change where it can go.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import TYPE_CHECKING

from ..model import InterfaceRef, Inventory
from .lag import BUNDLED, STANDALONE
from .stp import Node, end_bridges
from .topology import PortEnd
from .vlans import PortVlans, Tag

if TYPE_CHECKING:
    from .snapshot import Snapshot


@dataclass(slots=True, unsafe_hash=True, init=False)
class UplinkPort:
    """One host uplink and the switch port at its far end, under the snapshot's failures.

    A value: never changed once built, and it compares and hashes by its fields as a frozen dataclass would (as
    :class:`~vinfra.network.teams.Team`, not declared frozen: a large design has one per cabled vmnic)."""

    host: str
    vmnic: str
    port: InterfaceRef | None  # the switch port the vmnic is cabled to
    end: PortEnd | None  # the port end: the bundled channel, or the port itself
    bridges: tuple[str, ...]  # logical switches that deliver frames over this end
    link_up: bool
    forwarding: bool  # the switch port passes frames (up, not suspended)
    reason: str | None  # why no frame passes, when that is so

    def __init__(self, host: str, vmnic: str, port: InterfaceRef | None, end: PortEnd | None,
                 bridges: tuple[str, ...], link_up: bool, forwarding: bool, reason: str | None) -> None:
        self.host = host
        self.vmnic = vmnic
        self.port = port
        self.end = end
        self.bridges = bridges
        self.link_up = link_up
        self.forwarding = forwarding
        self.reason = reason

    @property
    def entry_bridge(self) -> str | None:
        return self.bridges[0] if self.bridges else None

    @property
    def vlans(self) -> PortVlans | None:
        return self.end.vlans if self.end is not None else None

    def entry(self, tag: Tag) -> tuple[Node | None, str | None]:
        """The ``(bridge, VLAN)`` a frame sent out of this uplink with ``tag`` lands in."""
        if self.reason is not None:
            return None, self.reason
        assert self.vlans is not None and self.port is not None
        vlan = self.vlans.ingress(tag)
        if vlan is None:
            return None, self._refusal(tag)
        return (self.entry_bridge, vlan), None  # type: ignore[return-value]

    def _refusal(self, tag: Tag) -> str:
        v = self.vlans
        assert v is not None
        if v.mode == "access" and tag is not None:
            return f"{self.port} is an access port (VLAN {v.access_vlan}) and drops frames tagged {tag} (V2)"
        if v.mode == "trunk" and tag is not None and tag not in v.allowed:
            return f"VLAN {tag} is not allowed on {self.port} (V8)"
        if v.mode == "trunk" and tag is None and v.native_vlan not in v.allowed:
            return f"{self.port} carries nothing untagged: its native VLAN {v.native_vlan} is not allowed (V8)"
        vlan = (v.access_vlan if v.mode == "access" else v.native_vlan) if tag is None else tag
        if vlan not in v.switch_vlans:
            return f"VLAN {vlan} does not exist on {self.port.device if self.port else 'the switch'} (V8)"
        return f"{_tag_text(tag)} frames are not admitted by {self.port} ({_mode_text(v)})"

    def egress(self, vlan: int) -> tuple[bool, Tag, str | None]:
        """Whether a frame of ``vlan`` leaves the switch port toward the host, and with which tag."""
        if self.reason is not None:
            return False, None, self.reason
        assert self.vlans is not None
        ok, tag = self.vlans.egress(vlan)
        if not ok:
            return False, None, f"VLAN {vlan} is not allowed on {self.port}"
        return True, tag, None


def _tag_text(tag: Tag) -> str:
    return "untagged" if tag is None else f"VLAN {tag} tagged"


def _mode_text(v: PortVlans) -> str:
    if v.mode == "access":
        return f"access VLAN {v.access_vlan}"
    if v.mode == "trunk":
        return f"trunk allowing {v.allowed}, native VLAN {v.native_vlan}"
    return "routed port"


def host_cables(inv: Inventory) -> dict[tuple[str, str], tuple[InterfaceRef, InterfaceRef]]:
    """``(host, vmnic)`` -> (the vmnic's reference, the switch port it is cabled to), for every vmnic cabled to a
    switch (:meth:`Snapshot.switch_port_of` without building a reference per question)."""

    def build() -> dict[tuple[str, str], tuple[InterfaceRef, InterfaceRef]]:
        hosts, switches = inv.hosts, inv.switches
        out: dict[tuple[str, str], tuple[InterfaceRef, InterfaceRef]] = {}
        for link in inv.links:
            for here, there in ((link.a, link.b), (link.b, link.a)):
                if here.device in hosts and there.device in switches:
                    out[(here.device, here.interface)] = (here, there)
        return out

    return inv.derived("network.host_cables", build)


class Uplinks:
    """Lazily built :class:`UplinkPort` per (host, vmnic)."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self._cache: dict[tuple[str, str], UplinkPort] = {}
        self._cables = host_cables(snap.inventory)
        self._bridges: dict[str, tuple[str, ...]] = {}  # a bundled end's, by name (its members' uplinks share it)

    def __call__(self, host: str, vmnic: str) -> UplinkPort:
        key = (host, vmnic)
        got = self._cache.get(key)
        if got is None:
            got = self._cache[key] = self._build(host, vmnic)
        return got

    def _build(self, host: str, vmnic: str) -> UplinkPort:
        """Most uplinks: a live host's vmnic cabled to a switch port that is up and forwards as a switched port
        (the answer of :meth:`build_plain`, asking each question once); anything else as there."""
        snap = self.snap
        cable = self._cables.get((host, vmnic))
        if cable is not None and host not in snap.failed.devices:
            ref, port = cable
            if snap.link_up(ref):  # the cable is up at both ends: at the port too
                ch = snap.channel_of(port)
                state = ch.member_state.get(port) if ch is not None else None
                if state in (None, BUNDLED, STANDALONE):
                    end = snap.port_end(port, ch)
                    if end.vlans.mode != "routed":
                        if state == BUNDLED:  # its end is the channel's
                            bridges = self._bridges.get(end.name)
                            if bridges is None:
                                bridges = self._bridges[end.name] = tuple(end_bridges(snap, end))
                        else:
                            bridges = end.bridges  # a port's own end: its switch's logical switch
                        return UplinkPort(host, vmnic, port, end, bridges, True, True, None)
        return self.build_plain(host, vmnic)

    def build_plain(self, host: str, vmnic: str) -> UplinkPort:
        """The uplink worked out step by step, each state asked of the snapshot (what :meth:`_build` answers)."""
        snap = self.snap
        ref = InterfaceRef(host, vmnic)
        if not snap.host_alive(host):
            return UplinkPort(host, vmnic, None, None, (), False, False, f"{host} has failed")
        port = snap.switch_port_of(host, vmnic)
        if port is None:
            return UplinkPort(host, vmnic, None, None, (), False, False, f"{ref} is not cabled to a switch")
        if not snap.link_up(ref):
            why = snap.down_reason(ref) or f"{ref} is down"
            return UplinkPort(host, vmnic, port, None, (), False, False, f"{ref} is link-down: {why}")
        end = snap.port_end(port)
        if not snap.forwarding(port):
            ch = snap.channel_of(port)
            detail = ch.reasons.get(port) if ch is not None else None
            state = snap.member_state(port)
            why = f"{port} is {state}" + (f" ({detail})" if detail else "")
            return UplinkPort(host, vmnic, port, end, (), True, False, why)
        if end.vlans.mode == "routed":
            return UplinkPort(host, vmnic, port, end, (), True, False, f"{port} is a routed port")
        if end.channel is not None and snap.member_state(port) == BUNDLED:
            bridges = tuple(end_bridges(snap, end))
        else:
            bridges = (snap.bridge_of(port.device),)
        return UplinkPort(host, vmnic, port, end, bridges, True, True, None)
