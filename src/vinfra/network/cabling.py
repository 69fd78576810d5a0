"""Cabling and link state: which interface is cabled to which, and which links are up.

Topology-v1, "Failures" and "Cabling and speed": a failed or ``shutdown`` interface takes its
cable down at both ends; a failed link likewise; a failed switch loses all its ports; a failed
stack member only its own physical ports; a failed host loses its NICs; failing ``Po<N>`` fails
its members.  A declared interface without a link is down.  Link-state tracking (T15) is
applied by :mod:`vinfra.network.tracking` on top of this raw state.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

from ..model import FailureRef, InterfaceRef, Inventory, po_number, svi_vlan

DEFAULT_SPEED = 1000


@dataclass(frozen=True, slots=True)
class FailureSet:
    """Failed elements, resolved: devices, interfaces (Po expanded to members) and links."""

    devices: frozenset[str]
    interfaces: frozenset[InterfaceRef]
    links: frozenset[tuple[InterfaceRef, InterfaceRef]]

    @classmethod
    def resolve(cls, inv: Inventory, failures: Iterable[FailureRef]) -> FailureSet:
        devices: set[str] = set()
        interfaces: set[InterfaceRef] = set()
        links: set[tuple[InterfaceRef, InterfaceRef]] = set()
        for f in failures:
            if f.kind == "device":
                devices.add(f.device)
            elif f.kind == "interface":
                assert f.interface is not None
                interfaces.add(f.interface)
                if po_number(f.interface.interface) is not None:
                    interfaces.update(channel_group_members(inv, f.interface))
            else:
                assert f.interface is not None and f.other is not None
                a, b = sorted((f.interface, f.other))
                links.add((a, b))
        return cls(frozenset(devices), frozenset(interfaces), frozenset(links))


def channel_group_members(inv: Inventory, po: InterfaceRef) -> list[InterfaceRef]:
    """Physical members of ``Po<N>`` on a switch or, for a stack, on any member."""
    n = po_number(po.interface)
    sw = inv.switches.get(po.device)
    if n is None or sw is None:
        return []
    switches = inv.stack_members(sw.stack) if sw.stack else [po.device]
    return [
        InterfaceRef(s, iname)
        for s in switches
        for iname, iface in inv.switches[s].interfaces.items()
        if iface.channel_group == n
    ]


def is_logical(name: str) -> bool:
    """``Po<N>`` and ``Vlan<N>`` are never cabled."""
    return po_number(name) is not None or svi_vlan(name) is not None


class Cabling:
    """Raw physical state of every cabled interface under a failure set, each worked out on first use."""

    def __init__(self, inv: Inventory, failed: FailureSet) -> None:
        self.inv = inv
        self.failed = failed
        self._speed: dict[InterfaceRef, int] = {}
        self._up: dict[InterfaceRef, bool] = {}
        self._link_at = inv._idx()["link_at"]  # asked per port: skip the method call

    def peer(self, ref: InterfaceRef) -> InterfaceRef | None:
        """The far end of ``ref``'s cable, whatever its state."""
        link = self._link_at.get(ref)
        if link is None:
            return None
        return link.b if ref == link.a else link.a

    def speed(self, ref: InterfaceRef) -> int:
        got = self._speed.get(ref)
        if got is None:
            link = self._link_at.get(ref)
            if link is None:
                return DEFAULT_SPEED
            got = link.speed or _lower_declared_speed(self.inv, link.a, link.b) or DEFAULT_SPEED
            self._speed[ref] = got
        return got

    def device_failed(self, device: str) -> bool:
        return device in self.failed.devices

    def admin_up(self, ref: InterfaceRef) -> bool:
        """Not failed, not shut down, on a live device."""
        if ref.device in self.failed.devices or ref in self.failed.interfaces:
            return False
        sw = self.inv.switches.get(ref.device)
        if sw is not None:
            iface = sw.interfaces.get(ref.interface)
            if iface is not None:  # declared on the device as spelled (every cabled port): its own owner
                return not iface.shutdown
            owner = self.inv.interface_owner(ref)
            if owner is None or owner in self.failed.devices:
                return False
            return not self.inv.switches[owner].interfaces[ref.interface].shutdown
        return True

    def _compute_up(self, ref: InterfaceRef) -> bool:
        link = self._link_at.get(ref)
        if link is None:
            return False
        a, b = link.a, link.b
        # a failed link is named with its ends in order (sorted only when there is one to find)
        if self.failed.links and ((a, b) if a <= b else (b, a)) in self.failed.links:
            return False
        return self.admin_up(a) and self.admin_up(b)

    def link_up(self, ref: InterfaceRef) -> bool:
        """Raw link state of a cabled physical interface (before link-state tracking)."""
        got = self._up.get(ref)
        if got is None:
            got = self._up[ref] = self._compute_up(ref)
        return got

    def cabled(self) -> Iterable[InterfaceRef]:
        for link in self.inv.links:
            yield link.a
            yield link.b


def _lower_declared_speed(inv: Inventory, a: InterfaceRef, b: InterfaceRef) -> int | None:
    speeds = []
    for ref in (a, b):
        try:
            iface = inv.interface(ref)
        except KeyError:
            continue
        speed = iface.speed
        # a host NIC always has a speed (default 1000); a switch port only when declared
        if speed is not None and (ref.device in inv.switches or "speed" in iface.model_fields_set):
            speeds.append(speed)
    return min(speeds) if speeds else None
