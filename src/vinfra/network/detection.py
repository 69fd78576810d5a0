"""Failure detection: which team uplinks a port group considers alive (T13, T14, T6).

- **Link status** (T13, the default): an uplink fails only when its link is down (NIC, cable, the
  switch port failed or shut, or taken down by link-state tracking, T15).  It misses everything
  beyond the first switch port: STP blocking, pruned VLANs, upstream loss, suspended channel members
  (an LACP-suspended port keeps its link up).
- **vDS LAG members** (T6) also need their switch port bundled with an LACP partner.
- **Beacon probing** (T14): each Active and Standby member with link sends a beacon in the port
  group's VLAN; a member that hears no other member's beacon over the active layer-2 topology counts
  as failed.  When every member is deaf (two uplinks and one broken path, or a port-channel, which
  never floods a frame back into itself, M13) the host cannot tell which is bad and goes to
  **shotgun** mode: all of them stay in use and the state is flagged (M12).  VGT and VLAN-trunk port
  groups fall back to link status (beacons are per VLAN).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from .lag import BUNDLED
from .teams import Team
from .vlans import PortGroupVlan

if TYPE_CHECKING:
    from .snapshot import Snapshot


@dataclass(frozen=True)
class Detection:
    """The outcome of failure detection for one team."""

    method: str  # "link_status" | "beacon" | "lag"
    alive: tuple[str, ...]  # active and standby members considered usable, in team order
    failed: dict[str, str] = field(default_factory=dict)  # member -> why it is considered failed
    shotgun: bool = False
    note: str | None = None


def detect(snap: Snapshot, team: Team, pg: PortGroupVlan) -> Detection:
    members = team.active + team.standby
    failed: dict[str, str] = {}
    linked: list[str] = []
    for nic in members:
        up = snap.uplinks(team.host, nic)
        if not up.link_up:
            failed[nic] = up.reason or f"{team.host}:{nic} is link-down"
            continue
        if team.policy == "lag" and up.port is not None and snap.member_state(up.port) != BUNDLED:
            state = snap.member_state(up.port) or "not in a port-channel"
            failed[nic] = f"LAG member {team.host}:{nic}: {up.port} is {state}, not bundled with an LACP partner (T6)"
            continue
        linked.append(nic)
    if team.detection != "beacon":
        return Detection("lag" if team.policy == "lag" else "link_status", tuple(linked), failed)
    if pg.trunk is not None or pg.vlan == 4095:
        return Detection("link_status", tuple(linked), failed, note="beacon probing is not used with VGT (T14)")
    if len(linked) < 2:
        return Detection("beacon", tuple(linked), failed, note="fewer than two members with link: nothing to compare")
    deaf = [m for m in linked if not _hears_anyone(snap, team, pg, m, linked)]
    if len(deaf) == len(linked):
        return Detection("beacon", tuple(linked), failed, shotgun=True,
                         note=f"no member hears another's beacon: shotgun mode on {', '.join(linked)} (T14, M12)")
    for m in deaf:
        failed[m] = f"{team.host}:{m} hears no beacon from the other members in {pg} (T14)"
    return Detection("beacon", tuple(m for m in linked if m not in deaf), failed)


def _hears_anyone(snap: Snapshot, team: Team, pg: PortGroupVlan, me: str, linked: list[str]) -> bool:
    tag = pg.egress_tag()
    mine = snap.uplinks(team.host, me)
    targets = delivery_nodes(snap, mine, pg)
    if not targets:
        return False
    for other in linked:
        if other == me:
            continue
        up = snap.uplinks(team.host, other)
        node, _ = up.entry(tag)
        if node is None or (up.end is not None and mine.end is not None and up.end.name == mine.end.name):
            continue  # a switch never floods a frame back out of the port (or channel) it came in on
        if any(snap.active.reaches(node, t) for t, _ in targets):
            return True
    return False


def delivery_nodes(snap: Snapshot, up, pg: PortGroupVlan) -> list[tuple[tuple[str, int], object]]:
    """``((bridge, VLAN), tag)`` from which frames leave ``up``'s switch port in a form ``pg`` accepts."""
    if up.reason is not None or up.vlans is None:
        return []
    v = up.vlans
    vlans: list[int] = []
    if pg.accepts(None):
        untagged = v.access_vlan if v.mode == "access" else v.native_vlan
        vlans.append(untagged)
    if pg.pvlan is not None:
        vlans.append(pg.pvlan)
    elif pg.guest is not None:
        vlans.append(pg.guest)  # a tagging guest on VGT or a trunk (V3, V4)
    elif pg.trunk is not None:
        vlans.extend(x for x in (pg.trunk & v.carried))
    elif pg.vlan not in (None, 0, 4095):
        vlans.append(pg.vlan)  # type: ignore[arg-type]
    out = []
    for vlan in dict.fromkeys(vlans):
        ok, tag = v.egress(vlan)
        if ok and pg.accepts(tag):
            for bridge in up.bridges:
                out.append(((bridge, vlan), tag))
    return out
