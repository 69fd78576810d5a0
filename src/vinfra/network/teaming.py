"""Teaming after failures: the uplinks each port group uses, and each port's home uplink.

- **Failover** (T9, T10): ``A`` is the Active list with every failed member replaced, in order, by
  the first usable Standby member not yet used (:attr:`Settings.standby_takes_failed_slot`; with it
  off, Standby members are used only once every Active member has failed).  Unused members never
  carry or deliver the port group's traffic.  All Active and Standby members down: cut off (F6).
- **Failback** (T11): a snapshot is a steady state, so a recovered uplink is simply alive and takes
  its slot back; Failback No only matters in time (simulation).
- **Home uplink** of a port: T1/T5 ``A[port_id % n]`` with port IDs from
  :func:`~vinfra.network.endpoints.host_port_ids`;
  T2 ``A[last MAC byte % n]``; T3 IP hash per frame (:func:`~vinfra.network.frames.ip_hash_index`);
  T4 ``A[0]``; a vDS LAG hashes over its members like a port-channel.  In beacon shotgun mode every
  member is used at once.
"""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from functools import cache
from typing import TYPE_CHECKING

from ..model import Inventory
from .detection import Detection, detect
from .frames import Frame, channel_hash_index, ip_hash_index, mac_bytes
from .lag import BUNDLED
from .settings import Settings
from .teams import Team
from .vlans import PortGroupVlan

if TYPE_CHECKING:
    from .snapshot import Snapshot

HASHED = ("ip_hash", "lag")  # policies that pick an uplink per frame and accept BUM on any member (F9)


@dataclass(slots=True, unsafe_hash=True, init=False)
class TeamState:
    """A team after detection and failover.  A value (see :class:`~vinfra.network.teams.Team`: not declared
    frozen only because that makes building the 25,000 of a large design cost more)."""

    team: Team
    pg: PortGroupVlan
    detection: Detection
    active: tuple[str, ...]  # A: the uplinks in use, in slot order (T10)
    lag_hash: str | None = None

    def __init__(self, team: Team, pg: PortGroupVlan, detection: Detection, active: tuple[str, ...],
                 lag_hash: str | None = None) -> None:
        self.team = team
        self.pg = pg
        self.detection = detection
        self.active = active
        self.lag_hash = lag_hash

    @property
    def shotgun(self) -> bool:
        return self.detection.shotgun

    @property
    def cut_off(self) -> bool:
        return not self.active

    def sends_on(self, port_id: int, mac: str, frame: Frame, settings: Settings) -> tuple[str, ...]:
        """The uplink(s) a frame from this port leaves on."""
        a = self.active
        if not a:
            return ()
        if self.shotgun:
            return a
        n = len(a)
        policy = self.team.policy
        if policy in ("port_id", "load_based"):
            return (a[port_id % n],)
        if policy == "mac_hash":
            return (a[mac_bytes(mac)[5] % n],)
        if policy == "ip_hash":
            return (a[ip_hash_index(frame.hash_words(), n, settings.ip_hash)],)
        if policy == "lag":
            method = "src-dst-mac" if self.lag_hash and "mac" in self.lag_hash.lower() and "ip" not in self.lag_hash.lower() else "src-dst-ip"
            return (a[channel_hash_index(frame, n, method)],)
        return (a[0],)  # explicit (T4)

    def home(self, port_id: int, mac: str) -> str | None:
        """The home uplink of a port for policies that do not hash per frame."""
        a = self.active
        if not a or self.team.policy in HASHED:
            return None
        if self.team.policy in ("port_id", "load_based"):
            return a[port_id % len(a)]
        if self.team.policy == "mac_hash":
            return a[mac_bytes(mac)[5] % len(a)]
        return a[0]

    def delivers_bum(self, uplink: str, home: str | None) -> bool:
        """F9: BUM arriving on ``uplink`` reaches the port only on its home (any member when hashed)."""
        if uplink not in self.active:
            return False
        if self.shotgun or self.team.policy in HASHED:
            return True
        return uplink == home

    def delivers_unicast(self, uplink: str, home: str | None, settings: Settings) -> bool:
        """F9: unicast from a Standby/Unused uplink never reaches the port; from another Active one
        only with :attr:`Settings.unicast_on_other_active`."""
        if uplink not in self.active:
            return False
        if self.shotgun or self.team.policy in HASHED or uplink == home:
            return True
        return settings.unicast_on_other_active




def current_active(team: Team, det: Detection, settings: Settings) -> tuple[str, ...]:
    """T10: the Active list after failover."""
    alive = set(det.alive)
    if det.shotgun:
        return tuple(m for m in team.active + team.standby if m in alive)
    standby = [m for m in team.standby if m in alive]
    if settings.standby_takes_failed_slot:
        out: list[str] = []
        for m in team.active:
            if m in alive:
                out.append(m)
            elif standby:
                out.append(standby.pop(0))
        return tuple(out)
    active = tuple(m for m in team.active if m in alive)
    return active or tuple(standby)


@cache
def _pg_vlan(vlan: int | None, trunk: object, pvlan: object, vgt_untagged: bool) -> PortGroupVlan:
    """One object per distinct VLAN setting: teams of a design share a handful, and a shared object compares
    equal to itself at once in the memo keys that hold it."""
    return PortGroupVlan(vlan, trunk, pvlan, vgt_untagged=vgt_untagged)  # type: ignore[arg-type]


def portgroup_vlan(inv: Inventory, team: Team, settings: Settings) -> PortGroupVlan:
    if team.kind == "vds":
        pg = inv.dvswitches[team.switch].portgroups[team.portgroup]
        if not isinstance(pg.vlan, int) and pg.vlan.pvlan is not None:
            return _pg_vlan(None, None, pg.vlan.pvlan, True)
    return _pg_vlan(team.vlan, team.trunk, None, settings.vgt_passes_untagged)


class TeamStates(Mapping[tuple[str, str], TeamState]):
    """Every team's state, keyed like :attr:`Snapshot.teams`, worked out on first use of each key (a
    trace touches a handful of the tens of thousands a large design has)."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self._done: dict[tuple[str, str], TeamState] = {}

    def __getitem__(self, key: tuple[str, str]) -> TeamState:
        got = self.get(key)
        if got is None:
            raise KeyError(key)
        return got

    def get(self, key: tuple[str, str], default: TeamState | None = None) -> TeamState | None:  # type: ignore[override]
        got = self._done.get(key)  # asked per frame: skip Mapping.get's KeyError round trip
        if got is None:
            team = self.snap.team(*key)
            if team is None:
                return default
            got = self._done[key] = team_state(self.snap, team)
        return got

    def __iter__(self) -> Iterator[tuple[str, str]]:
        return iter(self.snap.teams)

    def __len__(self) -> int:
        return len(self.snap.teams)


def team_state(snap: Snapshot, team: Team) -> TeamState:
    inv = snap.inventory
    pg = portgroup_vlan(inv, team, snap.settings)
    if team.detection == "beacon":
        det = detect(snap, team, pg)  # beacons are sent in the port group's VLAN (T14): per team
    else:
        # link status (T13) and LAG members (T6) look at the uplinks only: the port groups of one vSwitch on a
        # host with one failover order share the outcome, worked out once
        key = (team.host, team.active, team.standby, team.policy == "lag")
        memo = snap.detections
        got = memo.get(key)
        if got is None:
            got = memo[key] = _link_detection(snap, team, pg)
        det, active = got
    lag_hash = None
    if team.kind == "vds" and team.lag:
        lag = inv.dvswitches[team.switch].lacp.lags.get(team.lag)
        lag_hash = lag.hash if lag is not None else None
    if team.detection == "beacon":
        active = current_active(team, det, snap.settings)
    return TeamState(team, pg, det, active, lag_hash)


def _link_detection(snap: Snapshot, team: Team, pg: PortGroupVlan) -> tuple[Detection, tuple[str, ...]]:
    """:func:`detect` and :func:`current_active` of a team that does not probe beacons.  When every member has link
    (and, in a LAG, is bundled), as on most hosts, the outcome names no host or port: it is the one of every team
    with that failover order, made once per snapshot and shared."""
    lag = team.policy == "lag"
    uplinks, host = snap.uplinks, team.host
    for nic in team.active + team.standby:
        up = uplinks(host, nic)
        if not up.link_up or (lag and up.port is not None and snap.member_state(up.port) != BUNDLED):
            det = detect(snap, team, pg)  # a member has failed: the reasons name it
            return det, current_active(team, det, snap.settings)
    key = (team.active, team.standby, lag)
    got = snap.clean_detections.get(key)
    if got is None:
        det = Detection("lag" if lag else "link_status", team.active + team.standby, {})
        got = snap.clean_detections[key] = (det, current_active(team, det, snap.settings))
    return got


def build_team_states(snap: Snapshot) -> TeamStates:
    return TeamStates(snap)
