"""Property: around an MLAG pair whose FHRP groups may be split (its peer link failed: each peer active, topology-v1
"Layer 3") and hosts probing beacons over uplinks to both peers (shotgun mode when the peers are cut apart, T14,
M12), ``reach`` gives the verdict ``trace`` gives on every pair, under random failures.  A shotgun port's ARP for a
split group's virtual IP is answered by both peers with one virtual MAC: both engines walk the ping through each
(:mod:`vinfra.network.forwarding`, "Split answers"), and a pair whose answer depends on which one takes the packet
is unreachable ("duplicate address").  The wide generator (:mod:`_random_design`) almost never draws this (the
counterexample in ``tests/data/reach-trace-shotgun-split-fhrp.yaml`` took a 10,000-example deep run)."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from _deep import examples
from _random_design import Case
from _reach_oracle import disagreements, lost_by_walk
from vinfra.analysis.failures import KINDS, Baseline, elements, run_scenario

VLANS = [10, 20, 30]
PEERS = ("a0", "a1")


@st.composite
def designs(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    trunk = {"mode": "trunk", "allowed_vlans": VLANS}
    switches: dict[str, Any] = {}
    links: list[list[str]] = []
    protocol = draw(st.sampled_from(["hsrp", "vrrp"]))
    routed = draw(st.booleans())
    for i, name in enumerate(PEERS):
        slot = i + 1
        ifaces: dict[str, Any] = {"Po1": {**trunk, "peer_link": True}}
        for m in (1, 2):
            ifaces[f"Gi{slot}/0/{m}"] = {**trunk, "channel_group": 1, "channel_mode": "active"}
        for vlan in (10, 20):
            if draw(st.integers(0, 3)):  # most peers route the VLAN, with the group's virtual IP
                ifaces[f"Vlan{vlan}"] = {"ip": f"10.0.{vlan}.{2 + i}/24", "fhrp": {
                    "protocol": protocol, "group": vlan, "vip": f"10.0.{vlan}.1",
                    "priority": draw(st.sampled_from([100, 100, 110]))}}
        if draw(st.booleans()):  # VLAN 30 routed by one peer or both, without FHRP
            ifaces["Vlan30"] = {"ip": f"10.0.30.{2 + i}/24"}
        if routed:
            ifaces[f"Te{slot}/1/1"] = {"mode": "routed", "ip": f"10.255.0.{i}/31"}
        switches[name] = {"platform": draw(st.sampled_from(["nxos", "eos"])), "vlans": VLANS, "interfaces": ifaces,
                          "mlag": {"peer": PEERS[1 - i], "domain": 1}}
        if draw(st.booleans()):
            switches[name]["routing"] = {"protocol": "ospf"}
    links += [["a0:Gi1/0/1", "a1:Gi2/0/1"], ["a0:Gi1/0/2", "a1:Gi2/0/2"]]
    if routed:
        links.append(["a0:Te1/1/1", "a1:Te2/1/1"])
    hosts: dict[str, Any] = {}
    vms: dict[str, Any] = {}
    ports = {"a0": 3, "a1": 3}
    for h in range(draw(st.integers(1, 3))):
        host = f"esx{h}"
        # the first host mostly has one uplink to each peer: with beacons and the peers cut apart, shotgun (two
        # members that do not hear each other); three members, two of them on one peer, fail the third instead
        if h == 0 and draw(st.integers(0, 3)):
            sides = draw(st.permutations(PEERS))
        else:
            sides = draw(st.lists(st.sampled_from(PEERS), min_size=1, max_size=3))
        nics = {f"vmnic{k}": {} for k in range(len(sides))}
        teaming: dict[str, Any] = {"policy": draw(st.sampled_from(["port_id", "port_id", "mac_hash", "explicit"]))}
        if draw(st.integers(0, 3)):
            teaming["detection"] = "beacon"
        hosts[host] = {"nics": nics, "vswitches": {"vSwitch0": {
            "uplinks": list(nics), "teaming": teaming, "portgroups": {f"VM{v}": {"vlan": v} for v in VLANS}}}}
        for k, side in enumerate(sides):
            port = f"Gi{PEERS.index(side) + 1}/0/{ports[side]}"
            ports[side] += 1
            switches[side]["interfaces"][port] = {**trunk, "stp": {"edge": True}}
            links.append([f"{host}:vmnic{k}", f"{side}:{port}"])
        for j in range(draw(st.integers(1, 2))):
            vlan = draw(st.sampled_from(VLANS))
            gw = f"10.0.{vlan}.1" if vlan != 30 else f"10.0.30.{draw(st.sampled_from([2, 3]))}"
            vms[f"vm{h}{j}"] = {"host": host, "nics": [{"network": f"VM{vlan}", "ip": f"10.0.{vlan}.{10 + 10 * h + j}/24",
                                                        "gateway": gw}]}
    design = {"name": "split-fhrp-random", "switches": switches, "hosts": hosts, "vms": vms, "links": links}
    fail = ["a0:Po1"] if draw(st.integers(0, 3)) else []  # mostly split
    others = [lk[0] for lk in links if lk[0] not in ("a0:Gi1/0/1", "a0:Gi1/0/2")] + list(hosts)
    fail += draw(st.lists(st.sampled_from(others), max_size=1))
    return design, fail


@pytest.mark.deep
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(designs())
def test_reach_equals_trace_around_split_fhrp_routers(case: tuple[dict[str, Any], list[str]]) -> None:
    design, fail = case
    c = Case(design, tuple(fail))
    note(c.text())
    wrong = disagreements(c)
    assert not wrong, "\n".join(wrong)


@pytest.mark.deep
@settings(max_examples=examples(20, 1_000), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(designs(), st.data())
def test_the_failure_sweep_loses_exactly_what_the_walk_loses_around_split_fhrp_routers(
        case: tuple[dict[str, Any], list[str]], data: st.DataObject) -> None:
    """The failure sweep's shortcuts against fresh walks of every pair (as ``test_failures_exact``), with the drawn
    failures as the intact state: a failure may make a split (the peer link) or end a shotgun (a host pNIC)."""
    design, fail = case
    design = {**design, "failures": fail}
    c = Case(design)
    note(c.text())
    inv = c.inventory()
    base = Baseline(inv, settings=c.settings)
    items = elements(inv, list(KINDS)) + ["a0:Po1"]
    for scenario in data.draw(st.lists(st.sampled_from(items), min_size=1, max_size=3, unique=True)):
        row = run_scenario(base, [scenario])
        want = lost_by_walk(c, [scenario])
        assert {(a, b) for a, b in row["lost"]} == want, scenario
