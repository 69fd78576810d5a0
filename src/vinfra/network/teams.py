"""Teams: the effective teaming of every port group on every host, in vmnic names.

The model resolves overrides (T16, :func:`vinfra.model.resolve_teaming`); here a vDS port
group's dvUplinks are translated to the vmnics each host binds them to (an unmapped dvUplink is
absent), and a ``lag:<name>`` entry in the failover order expands to the LAG's vmnics.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..model import DvSwitch, Inventory, VlanSet


@dataclass(frozen=True, slots=True)
class Team:
    """The uplinks a port group's traffic may use on one host, after overrides."""

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


def build_teams(inv: Inventory) -> dict[tuple[str, str], Team]:
    """Every team, keyed by (host, network) where network is a label or ``dvs/label``."""
    teams: dict[tuple[str, str], Team] = {}
    for hname, host in inv.hosts.items():
        for vname, vs in host.vswitches.items():
            for label, pg in vs.portgroups.items():
                eff = vs.effective_teaming(label)
                teams[(hname, label)] = Team(
                    hname, "vss", vname, label, pg.vlan, None, eff.policy, eff.active, eff.standby, eff.unused,
                    eff.detection, eff.notify_switches, eff.failback, None, tuple(vs.uplinks), vs.mtu,
                )
    for dname, dvs in inv.dvswitches.items():
        for hname, mapping in dvs.hosts.items():
            if hname not in inv.hosts:
                continue

            def nics(entries: tuple[str, ...], mapping: dict[str, str] = mapping, dvs: DvSwitch = dvs) -> tuple[list[str], str | None]:
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

            for label, pg in dvs.portgroups.items():
                eff = dvs.effective_teaming(label)
                active, lag_a = nics(eff.active)
                standby, lag_s = nics(eff.standby)
                lag = lag_a or lag_s
                policy = "lag" if eff.policy.startswith("lag:") or lag_a else eff.policy
                all_nics = tuple(mapping[u] for u in dvs.uplinks if u in mapping)
                placed = set(active) | set(standby)
                vlan = pg.vlan_id
                trunk = None if isinstance(pg.vlan, int) else pg.vlan.trunk
                teams[(hname, f"{dname}/{label}")] = Team(
                    hname, "vds", dname, label, vlan, trunk, policy, tuple(active), tuple(standby),
                    tuple(n for n in all_nics if n not in placed), eff.detection, eff.notify_switches, eff.failback,
                    lag, all_nics, dvs.mtu,
                )
    return teams
