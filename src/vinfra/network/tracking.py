"""Link-state tracking (T15, Cisco ``link state track N``).

Any upstream interface up keeps the downstream interfaces up; when every upstream interface
of a group is down, its downstream interfaces are taken down (err-disabled), which the host
sees as link down (T13) and fails over from.  An upstream ``Po<N>`` counts as up while any of
its members is up.
"""

from __future__ import annotations

from collections.abc import Callable

from ..model import InterfaceRef, Inventory, po_number
from .cabling import channel_group_members


def tracked_down(inv: Inventory, link_up: Callable[[InterfaceRef], bool],
                 switch_alive: Callable[[str], bool]) -> dict[InterfaceRef, str]:
    """Downstream interfaces taken down by link-state tracking, with the reason."""
    down: dict[InterfaceRef, str] = {}
    for sname, sw in inv.switches.items():
        if not sw.link_state_tracking or not switch_alive(sname):
            continue
        for group in sw.link_state_tracking:
            if any(_up(inv, sname, name, link_up) for name in group.upstream):
                continue
            reason = f"link-state tracking group {group.group} on {sname}: every upstream interface is down"
            for name in group.downstream:
                for ref in _physical(inv, sname, name):
                    down[ref] = reason
    return down


def _physical(inv: Inventory, switch: str, name: str) -> list[InterfaceRef]:
    ref = InterfaceRef(switch, name)
    owner = inv.interface_owner(ref)
    if owner is None:
        return []
    ref = InterfaceRef(owner, name)
    if po_number(name) is not None:
        return channel_group_members(inv, ref)
    return [ref]


def _up(inv: Inventory, switch: str, name: str, link_up: Callable[[InterfaceRef], bool]) -> bool:
    return any(link_up(ref) for ref in _physical(inv, switch, name))
