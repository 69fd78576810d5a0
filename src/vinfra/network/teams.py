"""Teams: the effective teaming of every port group on every host, in vmnic names.

The model resolves overrides (T16, :func:`vinfra.model.resolve_teaming`); here a vDS port
group's dvUplinks are translated to the vmnics each host binds them to (an unmapped dvUplink is
absent), and a ``lag:<name>`` entry in the failover order expands to the LAG's vmnics.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from functools import partial
from itertools import islice

from ..model import DvSwitch, EffectiveTeaming, Host, Inventory, VlanSet
from ..model.vswitch import TeamingOverride, resolve_teaming


@dataclass(slots=True, unsafe_hash=True, init=False)
class Team:
    """The uplinks a port group's traffic may use on one host, after overrides.

    A value: never changed once built, and it compares and hashes by its fields as a frozen dataclass would.
    It is not declared frozen because a frozen dataclass sets each field through ``object.__setattr__``: the
    25,000 teams of a 2,500-host design cost twice as much to build."""

    host: str
    kind: str  # "vss" | "vds"
    switch: str  # vSwitch or dvSwitch name
    portgroup: str
    vlan: int | None  # 0-4095, or None for vDS trunk / PVLAN port groups
    trunk: VlanSet | None  # vDS VLAN trunking range (V4)
    policy: str  # port_id | mac_hash | ip_hash | explicit | load_based | lag
    active: tuple[str, ...]  # vmnics, in failover order
    standby: tuple[str, ...]
    unused: tuple[str, ...]
    detection: str
    notify_switches: bool
    failback: bool
    lag: str | None  # the LAG carrying the port group (policy "lag")
    uplinks: tuple[str, ...]  # every vmnic of the switch
    mtu: int

    def __init__(self, host: str, kind: str, switch: str, portgroup: str, vlan: int | None, trunk: VlanSet | None,
                 policy: str, active: tuple[str, ...], standby: tuple[str, ...], unused: tuple[str, ...],
                 detection: str, notify_switches: bool, failback: bool, lag: str | None, uplinks: tuple[str, ...],
                 mtu: int) -> None:
        self.host = host
        self.kind = kind
        self.switch = switch
        self.portgroup = portgroup
        self.vlan = vlan
        self.trunk = trunk
        self.policy = policy
        self.active = active
        self.standby = standby
        self.unused = unused
        self.detection = detection
        self.notify_switches = notify_switches
        self.failback = failback
        self.lag = lag
        self.uplinks = uplinks
        self.mtu = mtu

    @property
    def network(self) -> str:
        """The name a VM NIC uses for this port group."""
        return self.portgroup if self.kind == "vss" else f"{self.switch}/{self.portgroup}"

    @property
    def name(self) -> str:
        return f"{self.host}:{self.switch}/{self.portgroup}"

    @property
    def team(self) -> tuple[str, ...]:
        return self.active + self.standby


def build_teams(inv: Inventory,
                tables: Callable[[str], tuple[dict[str, Team], int]] | None = None) -> dict[tuple[str, str], Team]:
    """Every team, keyed by (host, network) where network is a label or ``dvs/label``.  ``tables``: each host's
    :func:`host_table` (a snapshot's, so that the table holds the objects it answers one by one)."""
    if tables is None:
        tables = partial(host_table, inv)
    teams: dict[tuple[str, str], Team] = {}
    hosts = inv.hosts
    for hname in hosts:
        mine, n_vss = tables(hname)
        for net in islice(mine, n_vss):  # the standard port groups, in the order the vSwitches first hold them
            teams[(hname, net)] = mine[net]
    for dname, dvs in inv.dvswitches.items():
        for hname in dvs.hosts:
            if hname not in hosts:
                continue
            mine = tables(hname)[0]
            for label in dvs.portgroups:
                net = f"{dname}/{label}"
                teams[(hname, net)] = mine[net]
    return teams


def host_teams(inv: Inventory, hname: str) -> dict[str, Team]:
    """One host's entries of :func:`build_teams`, by network: what :func:`build_team` answers for each of them,
    built together (a walk that asks for one of a host's teams asks for its others)."""
    return host_table(inv, hname)[0]


def host_table(inv: Inventory, hname: str) -> tuple[dict[str, Team], int]:
    """:func:`host_teams`, and how many of its entries (the first) the standard vSwitches hold."""
    host = inv.hosts.get(hname)
    if host is None:
        return {}, 0
    out: dict[str, Team] = {}
    _vss_teams(inv, hname, host, out)  # the last vSwitch holding a label wins, as in the full table
    n_vss = len(out)
    for dname, dvs in inv.dvswitches.items():
        if hname in dvs.hosts:
            for label, team in _vds_teams(inv, hname, dname, dvs):
                out[f"{dname}/{label}"] = team  # a vDS entry is written last: it wins
    return out, n_vss


def _vss_teams(inv: Inventory, hname: str, host: Host, out: dict[str, Team]) -> None:
    """:func:`_vss_team` of every port group of every standard vSwitch of a host, put in ``out`` by label in order;
    what they share read once per vSwitch."""
    # the effective teaming's fields by the identity of the vSwitch and port-group override (as :func:`_vss_team`
    # looks it up): read off the model object once, not per team
    rows: dict[tuple[int, int], tuple] = inv.derived("network.teams.rows_by_id", dict)
    memo: dict[tuple, EffectiveTeaming] = inv.derived("network.teams.effective", dict)
    for vname, vs in host.vswitches.items():
        uplinks, mtu, idv = tuple(vs.uplinks), vs.mtu, id(vs)
        vs_level = None  # the vSwitch's part of :func:`_effective`'s key, read once for its port groups
        for label, pg in vs.portgroups.items():
            ids = (idv, id(pg.teaming))
            row = rows.get(ids)
            if row is None:
                if vs_level is None:
                    vs_level = _levels_key(vs.teaming)
                key = (uplinks, vs_level, _levels_key(pg.teaming))  # :func:`_effective`'s
                eff = memo.get(key)
                if eff is None:
                    eff = memo[key] = resolve_teaming(vs.uplinks, vs.teaming, pg.teaming)
                row = rows[ids] = (eff.policy, eff.active, eff.standby, eff.unused, eff.detection, eff.notify_switches,
                                   eff.failback)
            policy, active, standby, unused, detection, notify, failback = row
            out[label] = Team(hname, "vss", vname, label, pg.vlan, None, policy, active, standby, unused, detection,
                              notify, failback, None, uplinks, mtu)


def _vds_teams(inv: Inventory, hname: str, dname: str, dvs: DvSwitch) -> list[tuple[str, Team]]:
    """(label, :func:`_vds_team`) of every port group of a vDS on a host.  A team reads the host only through
    its dvUplink-to-vmnic mapping: the hosts that map alike (most) share the rest, worked out once."""
    mapping = dvs.hosts[hname]
    memo: dict[tuple, list[tuple]] = inv.derived("network.teams.vds_rows", dict)
    key = (dname, tuple(mapping.items()))
    rows = memo.get(key)
    if rows is None:
        rows = memo[key] = [_vds_row(inv, dname, mapping, label) for label in dvs.portgroups]
    return [(row[0], Team(hname, "vds", dname, *row)) for row in rows]


def build_team(inv: Inventory, hname: str, network: str) -> Team | None:
    """One team of :func:`build_teams` (the same answer, without building the others)."""
    host = inv.hosts.get(hname)
    if host is None:
        return None
    dname, sep, label = network.partition("/")
    if sep:
        dvs = inv.dvswitches.get(dname)
        if dvs is not None and hname in dvs.hosts and label in dvs.portgroups:
            return _vds_team(inv, hname, dname, label)  # a vDS entry is written last: it wins
    found = None
    for vname, vs in host.vswitches.items():
        if network in vs.portgroups:
            found = vname  # the last vSwitch holding the label wins, as in the full table
    return _vss_team(inv, hname, found, network) if found is not None else None


def _levels_key(level: TeamingOverride | None) -> tuple | None:
    if level is None:
        return None
    return (level.policy, None if level.active is None else tuple(level.active),
            None if level.standby is None else tuple(level.standby),
            None if level.unused is None else tuple(level.unused), level.detection, level.notify_switches,
            level.failback)


def _effective(inv: Inventory, uplinks: list[str], *levels: TeamingOverride | None) -> EffectiveTeaming:
    """:func:`resolve_teaming`, once per distinct set of inputs: the hosts of a cluster repeat one vSwitch's
    teaming, and building the answer's model object costs more than reading the inputs."""
    memo: dict[tuple, EffectiveTeaming] = inv.derived("network.teams.effective", dict)
    key = (tuple(uplinks), *map(_levels_key, levels))
    got = memo.get(key)
    if got is None:
        got = memo[key] = resolve_teaming(uplinks, *levels)
    return got


def _vss_team(inv: Inventory, hname: str, vname: str, label: str) -> Team:
    vs = inv.hosts[hname].vswitches[vname]
    pg = vs.portgroups[label]
    # the port groups of one vSwitch without an override of their own (most) share its teaming: looked up by
    # the objects' identity (the inventory is immutable and keeps them alive) before building the content key
    by_id: dict[tuple[int, int], EffectiveTeaming] = inv.derived("network.teams.effective_by_id", dict)
    ids = (id(vs), id(pg.teaming))
    eff = by_id.get(ids)  # type: ignore[assignment]
    if eff is None:
        eff = by_id[ids] = _effective(inv, vs.uplinks, vs.teaming, pg.teaming)
    return Team(hname, "vss", vname, label, pg.vlan, None, eff.policy, eff.active, eff.standby, eff.unused,
                eff.detection, eff.notify_switches, eff.failback, None, tuple(vs.uplinks), vs.mtu)


def _vds_team(inv: Inventory, hname: str, dname: str, label: str) -> Team:
    return Team(hname, "vds", dname, *_vds_row(inv, dname, inv.dvswitches[dname].hosts[hname], label))


def _vds_row(inv: Inventory, dname: str, mapping: dict[str, str], label: str) -> tuple:
    """A vDS team's fields from the port group on: what the host's dvUplink-to-vmnic ``mapping`` makes of it."""
    dvs: DvSwitch = inv.dvswitches[dname]

    def nics(entries: tuple[str, ...]) -> tuple[list[str], str | None]:
        out: list[str] = []
        lag_name: str | None = None
        for entry in entries:
            if entry.startswith("lag:"):
                lag = dvs.lacp.lags.get(entry[4:])
                if lag is None:
                    continue
                lag_name = lag_name or entry[4:]
                out.extend(mapping[u] for u in lag.uplinks if u in mapping)
            elif entry in mapping:
                out.append(mapping[entry])
        return out, lag_name

    pg = dvs.portgroups[label]
    eff = _effective(inv, dvs.uplinks, dvs.teaming, pg.teaming)
    active, lag_a = nics(eff.active)
    standby, lag_s = nics(eff.standby)
    lag = lag_a or lag_s
    policy = "lag" if eff.policy.startswith("lag:") or lag_a else eff.policy
    all_nics = tuple(mapping[u] for u in dvs.uplinks if u in mapping)
    placed = set(active) | set(standby)
    vlan = pg.vlan_id
    trunk = None if isinstance(pg.vlan, int) else pg.vlan.trunk
    return (label, vlan, trunk, policy, tuple(active), tuple(standby), tuple(n for n in all_nics if n not in placed),
            eff.detection, eff.notify_switches, eff.failback, lag, all_nics, dvs.mtu)
