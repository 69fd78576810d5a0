"""Property: the per-host network state the snapshot derives with its shortcuts (a host's teams built together, the
vDS teams of hosts mapped alike shared, uplinks asking each question once, ports in no channel group answered
without the channel index, link state and port VLANs read off the declaration, LAG modes from a table, failure
detection shared by hosts whose members are all up, the design's channels taken from the indexes) is what the
plain, step-by-step derivation answers, on random designs from across topology-v1 with their failures and settings,
with a twin of every host (so that hosts cabled alike do share the work)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, note, settings

from _deep import examples
from _random_design import Case, cases, sample, with_twins
from vinfra.model import InterfaceRef, Inventory, po_number
from vinfra.network import Snapshot
from vinfra.network.detection import detect
from vinfra.network.lag import BUNDLED, MEMBER_KEYS, STANDALONE, SUSPENDED, PortChannel, build_channels, host_lacp_mode
from vinfra.network.stp import end_bridges
from vinfra.network.teaming import TeamState, current_active, portgroup_vlan
from vinfra.network.teams import Team, _vds_team, _vss_team, build_team, build_teams, host_teams
from vinfra.network.topology import PortEnd
from vinfra.network.uplinks import UplinkPort
from vinfra.network.vlans import PortVlans


# the plain derivation ----------------------------------------------------------------------------------------------
def plain_teams(inv: Inventory) -> dict[tuple[str, str], Team]:
    """Every team, one :func:`_vss_team` / :func:`_vds_team` per entry, in the table's order."""
    teams: dict[tuple[str, str], Team] = {}
    for hname, host in inv.hosts.items():
        for vname, vs in host.vswitches.items():
            for label in vs.portgroups:
                teams[(hname, label)] = _vss_team(inv, hname, vname, label)
    for dname, dvs in inv.dvswitches.items():
        for hname in dvs.hosts:
            if hname in inv.hosts:
                for label in dvs.portgroups:
                    teams[(hname, f"{dname}/{label}")] = _vds_team(inv, hname, dname, label)
    return teams


def plain_lacp_mode(inv: Inventory, host: str, vmnic: str) -> str | None:
    for dvs in inv.dvswitches.values():
        mapping = dvs.hosts.get(host)
        if not mapping:
            continue
        for uplink, nic in mapping.items():
            if nic != vmnic:
                continue
            for lag in dvs.lacp.lags.values():
                if uplink in lag.uplinks:
                    return lag.mode
    return None


def plain_admin_up(snap: Snapshot, ref: InterfaceRef) -> bool:
    inv, failed = snap.inventory, snap.failed
    if ref.device in failed.devices or ref in failed.interfaces:
        return False
    if ref.device in inv.switches:
        owner = inv.interface_owner(ref)
        if owner is None or owner in failed.devices:
            return False
        return not inv.switches[owner].interfaces[ref.interface].shutdown
    return True


def plain_link_up(snap: Snapshot, ref: InterfaceRef) -> bool:
    """:meth:`Cabling.link_up` (raw, before tracking) asked end by end."""
    other = snap.cabling.peer(ref)
    if other is None:
        return False
    if tuple(sorted((ref, other))) in snap.failed.links:
        return False
    return plain_admin_up(snap, ref) and plain_admin_up(snap, other)


def plain_channel_of(snap: Snapshot, ref: InterfaceRef) -> PortChannel | None:
    inv = snap.inventory
    if ref.device not in inv.switches:
        return None
    by_member, by_po = snap._channel_index(ref.device)
    if po_number(ref.interface) is not None:
        ref = inv.resolve(ref)
        owner = inv.interface_owner(ref)
        return by_po.get(InterfaceRef(owner, ref.interface)) if owner else None
    return by_member.get(ref)


def plain_port_vlans(snap: Snapshot, ref: InterfaceRef) -> PortVlans:
    inv = snap.inventory
    ref = inv.resolve(ref)
    owner = inv.interface_owner(ref)
    if owner is None:
        raise KeyError(str(ref))
    sw = inv.switches[owner]
    ch = plain_channel_of(snap, ref)
    if ch is not None and (po_number(ref.interface) is not None or ch.member_state.get(ref) == BUNDLED):
        return PortVlans.of(ch.settings, sw)
    return PortVlans.of(sw.interfaces[ref.interface], sw)


def plain_port_end(snap: Snapshot, ref: InterfaceRef) -> PortEnd:
    ch = plain_channel_of(snap, ref)
    if ch is not None and ch.member_state.get(ref) == BUNDLED:
        bundled = ch.bundled
        bridges = tuple(sorted({snap.bridge_of(s) for s in ch.switches} | {snap.bridge_of(m.device) for m in bundled}))
        return PortEnd(ch.key, bridges, plain_port_vlans(snap, ref), bundled, ch.key)
    return PortEnd(str(ref), (snap.bridge_of(ref.device),), plain_port_vlans(snap, ref), (ref,))


def plain_forwarding(snap: Snapshot, ref: InterfaceRef) -> bool:
    if not snap.link_up(ref):
        return False
    ch = plain_channel_of(snap, ref)
    return (ch.member_state.get(ref) if ch is not None else None) in (None, BUNDLED, STANDALONE)


def plain_uplink(snap: Snapshot, host: str, vmnic: str) -> UplinkPort:
    ref = InterfaceRef(host, vmnic)
    if not snap.host_alive(host):
        return UplinkPort(host, vmnic, None, None, (), False, False, f"{host} has failed")
    port = snap.switch_port_of(host, vmnic)
    if port is None:
        return UplinkPort(host, vmnic, None, None, (), False, False, f"{ref} is not cabled to a switch")
    if not snap.link_up(ref):
        why = snap.down_reason(ref) or f"{ref} is down"
        return UplinkPort(host, vmnic, port, None, (), False, False, f"{ref} is link-down: {why}")
    end = plain_port_end(snap, port)
    ch = plain_channel_of(snap, port)
    state = ch.member_state.get(port) if ch is not None else None
    if not plain_forwarding(snap, port):
        detail = ch.reasons.get(port) if ch is not None else None
        return UplinkPort(host, vmnic, port, end, (), True, False,
                          f"{port} is {state}" + (f" ({detail})" if detail else ""))
    if end.vlans.mode == "routed":
        return UplinkPort(host, vmnic, port, end, (), True, False, f"{port} is a routed port")
    if end.channel is not None and state == BUNDLED:
        bridges = tuple(end_bridges(snap, end))
    else:
        bridges = (snap.bridge_of(port.device),)
    return UplinkPort(host, vmnic, port, end, bridges, True, True, None)


def plain_team_state(snap: Snapshot, team: Team) -> TeamState:
    pg = portgroup_vlan(snap.inventory, team, snap.settings)
    det = detect(snap, team, pg)
    lag_hash = None
    if team.kind == "vds" and team.lag:
        lag = snap.inventory.dvswitches[team.switch].lacp.lags.get(team.lag)
        lag_hash = lag.hash if lag is not None else None
    return TeamState(team, pg, det, current_active(team, det, snap.settings), lag_hash)


# the comparison ----------------------------------------------------------------------------------------------------
def _switch_refs(inv: Inventory) -> list[InterfaceRef]:
    """Every declared switch interface, the Pos its channel groups name (declared or not), and other spellings."""
    out: list[InterfaceRef] = []
    for sname, sw in inv.switches.items():
        for iname, iface in sw.interfaces.items():
            out += [InterfaceRef(sname, iname), InterfaceRef(sname, iname.lower()), InterfaceRef(sname, iname.upper())]
            if iface.channel_group is not None:
                out += [InterfaceRef(sname, f"Po{iface.channel_group}"),
                        InterfaceRef(sname, f"port-channel{iface.channel_group}")]
        out.append(InterfaceRef(sname, "Gi9/9/99"))
    for link in inv.links:
        out += [link.a, link.b]
    return list(dict.fromkeys(out))


def _agree(case: Case, teams_first: bool) -> None:
    inv = case.inventory()
    snap = Snapshot(inv, fail=list(case.fail), settings=case.settings)
    plain = plain_teams(inv)
    if teams_first:  # a check builds the whole table before asking for teams one by one
        assert list(snap.teams.items()) == list(plain.items())
    for hname in [*inv.hosts, "no-such-host"]:
        mine = {net: t for (h, net), t in plain.items() if h == hname}
        assert host_teams(inv, hname) == mine
        for net in [*mine, "no-such-pg", "dvs1/no-such-pg", "dvs9/x"]:
            assert build_team(inv, hname, net) == mine.get(net)
            assert snap.team(hname, net) == mine.get(net)
    assert list(build_teams(inv).items()) == list(plain.items())
    # host side: uplinks and LAG modes of every vmnic (and of names no host has)
    for hname, host in inv.hosts.items():
        for nic in [*host.nics, "vmnic99"]:
            assert host_lacp_mode(inv, hname, nic) == plain_lacp_mode(inv, hname, nic)
            assert snap.uplinks(hname, nic) == plain_uplink(snap, hname, nic), (hname, nic)
    assert snap.uplinks("no-such-host", "vmnic0") == plain_uplink(snap, "no-such-host", "vmnic0")
    # switch side: channels, VLANs, ends and link state of every port in any spelling
    for ref in _switch_refs(inv):
        assert snap.channel_of(ref) == plain_channel_of(snap, ref), ref
        try:
            want: PortVlans | None = plain_port_vlans(snap, ref)
        except KeyError:
            want = None
        if want is None:
            with pytest.raises(KeyError):
                snap.port_vlans(ref)
        else:
            assert snap.port_vlans(ref) == want, ref
            if snap.cabling.peer(ref) is not None:
                assert snap.port_end(ref) == plain_port_end(snap, ref), ref
                assert snap.forwarding(ref) == plain_forwarding(snap, ref), ref
        assert snap.cabling.link_up(ref) == plain_link_up(snap, ref), ref
    # the whole design's channels, taken from the neighbourhoods' indexes where they are the same (here all are
    # built), or not (a fresh snapshot)
    for fresh in (False, True):
        other = Snapshot(inv, fail=list(case.fail), settings=case.settings) if fresh else snap
        assert other.channels == build_channels(inv, other.cabling.peer, other.link_up)
    for ch in snap.channels:
        assert list(ch.members) == sorted(ch.members)
        for m in ch.members:
            if ch.member_state[m] == "down":
                continue
            iface = inv.switches[m.device].interfaces[m.interface]
            differs = any(getattr(iface, k) != getattr(ch.settings, k) for k in MEMBER_KEYS)
            assert differs == (ch.member_state[m] == SUSPENDED and ch.reasons[m].startswith("settings differ")), m
    # team states: detection and failover, shared or not
    for key, team in plain.items():
        assert snap.team_states.get(key) == plain_team_state(snap, team), key
        assert snap.team_states.get(key).team is snap.team(*key)  # type: ignore[union-attr]
    for hname in [*inv.hosts, "no-such-host"]:
        assert snap.team_states.get((hname, "no-such-pg")) is None
    assert list(snap.team_states) == list(plain)
    # the whole table holds the objects asked for one by one, whichever came first
    for key in plain:
        assert snap.teams[key] is snap.team(*key)


def lag_design(platform: str, switch_mode: str, lag_mode: str | None) -> dict:
    """Two hosts alike, each with two vmnics in a channel group of its own on one switch: a vDS LAG in ``lag_mode``
    (None: an IP-hash standard vSwitch) against ``switch_mode`` channels."""
    interfaces: dict = {}
    links = []
    hosts: dict = {}
    for h in (1, 2):
        for n in (0, 1):
            interfaces[f"Gi{2 * h + n}"] = {"mode": "trunk", "allowed_vlans": "10", "channel_group": h,
                                            "channel_mode": switch_mode}
            links.append([f"esx{h}:vmnic{n}", f"sw:Gi{2 * h + n}"])
        interfaces[f"Po{h}"] = {"mode": "trunk", "allowed_vlans": "10"}
        hosts[f"esx{h}"] = {"nics": {"vmnic0": {}, "vmnic1": {}}}
        if lag_mode is None:
            hosts[f"esx{h}"]["vswitches"] = {"vSwitch0": {"uplinks": ["vmnic0", "vmnic1"], "teaming": {"policy": "ip_hash"},
                                                         "portgroups": {"VM": {"vlan": 10}}}}
    design: dict = {"name": "lag", "switches": {"sw": {"platform": platform, "vlans": [10], "interfaces": interfaces}},
                    "hosts": hosts, "links": links}
    if lag_mode is not None:
        design["dvswitches"] = {"dvs1": {
            "uplinks": ["uplink1", "uplink2"],
            "hosts": {h: {"uplink1": "vmnic0", "uplink2": "vmnic1"} for h in hosts},
            "lacp": {"lags": {"lag1": {"mode": lag_mode, "uplinks": ["uplink1", "uplink2"]}}},
            "portgroups": {"VM": {"vlan": 10, "teaming": {"active": ["lag:lag1"]}},
                           "Mgmt": {"vlan": 10, "teaming": {"active": ["uplink1"], "standby": ["uplink2"]}}},
        }}
    return design


@pytest.mark.parametrize("fail", [(), ("esx1:vmnic0",), ("sw:Gi2--esx1:vmnic0",), ("sw:Gi5",), ("esx2",)])
@pytest.mark.parametrize(("platform", "switch_mode", "lag_mode"),
                         [("nxos", "active", "passive"), ("nxos", "passive", "passive"), ("ios", "active", None),
                          ("nxos", "on", None), ("eos", "active", "active"), ("ios", "desirable", "active")])
def test_lag_members_bundled_or_not_agree(platform: str, switch_mode: str, lag_mode: str | None,
                                          fail: tuple[str, ...]) -> None:
    """LAG members that negotiate or not (T6, M5, M6), with a member, cable, port or host failed."""
    for teams_first in (False, True):
        _agree(Case(lag_design(platform, switch_mode, lag_mode), fail), teams_first)


def test_the_sample_agrees() -> None:
    for i, case in enumerate(sample(21, 12)):
        _agree(case, teams_first=bool(i % 2))
        _agree(with_twins(case), teams_first=not i % 2)


@pytest.mark.deep
@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_per_host_state_agrees_with_the_plain_derivation(case: Case) -> None:
    twins = with_twins(case)
    note(twins.text())
    _agree(case, teams_first=False)
    _agree(twins, teams_first=True)
