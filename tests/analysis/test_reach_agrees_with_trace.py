"""Property: ``reach`` (signature classes, memoized legs) gives the verdict ``trace`` gives (the full
hop-by-hop walk) on every pair of endpoints of small random designs with random failures."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vinfra
from _deep import examples
from vinfra.analysis.reach import Reach, reach
from vinfra.network import Snapshot
from vinfra.network.forwarding import Forwarding

VLANS = [1, 10, 20]


@st.composite
def designs(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    n_sw = draw(st.integers(1, 3))
    platforms = ["ios", "nxos", "eos"]
    switches: dict[str, Any] = {}
    links: list[list[str]] = []
    ports: dict[str, int] = {}

    def port(sw: str) -> str:
        ports[sw] = ports.get(sw, 0) + 1
        return f"Gi{sw[1:]}/0/{ports[sw]}"  # unique across a stack

    def trunk_or_access() -> dict[str, Any]:
        if draw(st.booleans()):
            allowed = draw(st.lists(st.sampled_from(VLANS), min_size=1, max_size=3, unique=True))
            return {"mode": "trunk", "allowed_vlans": sorted(allowed), "native_vlan": draw(st.sampled_from(VLANS))}
        return {"mode": "access", "vlan": draw(st.sampled_from(VLANS))}

    names = [f"s{i}" for i in range(n_sw)]
    for name in names:
        mode = draw(st.sampled_from(["rpvst", "mst", "none", "pvst"]))
        switches[name] = {"platform": draw(st.sampled_from(platforms)), "vlans": VLANS,
                          "stp": {"mode": mode, "priority": draw(st.sampled_from([4096, 32768]))}, "interfaces": {}}
    stacked = n_sw >= 2 and draw(st.integers(0, 3)) == 0
    if stacked:  # s0 and s1 are one logical switch: same settings, interfaces and Po/SVIs declared once
        switches["s1"].update(platform=switches["s0"]["platform"], stp=switches["s0"]["stp"], stack="stk")
        switches["s0"]["stack"] = "stk"
    # inter-switch links (possibly parallel: loops for spanning tree)
    for _ in range(draw(st.integers(0, 3))):
        if n_sw < 2:
            break
        a, b = draw(st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True))
        pa, pb = port(a), port(b)
        settings_ = trunk_or_access()
        switches[a]["interfaces"][pa] = dict(settings_)
        switches[b]["interfaces"][pb] = dict(settings_) if draw(st.booleans()) else trunk_or_access()
        links.append([f"{a}:{pa}", f"{b}:{pb}"])
    # an SVI (with FHRP on some) per switch, sometimes
    for name in names:
        if stacked and name == "s1":
            continue
        for vlan in VLANS:
            if draw(st.integers(0, 3)) == 0:
                iface: dict[str, Any] = {"ip": f"10.0.{vlan}.{250 - names.index(name)}/24"}
                if draw(st.booleans()):
                    iface["fhrp"] = {"group": vlan, "vip": f"10.0.{vlan}.1", "priority": draw(st.sampled_from([100, 110]))}
                switches[name]["interfaces"][f"Vlan{vlan}"] = iface
        if draw(st.booleans()):
            switches[name]["routing"] = {"protocol": "ospf"}
    hosts: dict[str, Any] = {}
    vms: dict[str, Any] = {}
    for h in range(draw(st.integers(1, 3))):
        hname = f"esx{h}"
        n_nic = draw(st.integers(1, 3))
        nics = [f"vmnic{i}" for i in range(n_nic)]
        # sometimes IP hash over a properly formed static channel (T3): every uplink active and bundled into
        # one channel on one switch or one stack, whose members match its Po; such ports are not flow-sensitive
        proper = n_nic >= 2 and draw(st.integers(0, 3)) == 0
        home = draw(st.sampled_from(names))
        for nic in nics:
            if proper:
                sw = draw(st.sampled_from(["s0", "s1"])) if stacked and home in ("s0", "s1") else home
                p = port(sw)
                switches[sw]["interfaces"][p] = {"mode": "trunk", "allowed_vlans": VLANS, "stp": {"edge": True},
                                                 "channel_group": 1 + h, "channel_mode": "on"}
                links.append([f"{hname}:{nic}", f"{sw}:{p}"])
                continue
            if draw(st.integers(0, 5)) == 0:
                continue  # uncabled
            sw = draw(st.sampled_from(names))
            p = port(sw)
            iface = trunk_or_access()
            iface["stp"] = {"edge": True}
            if draw(st.integers(0, 4)) == 0:
                iface["channel_group"] = 1 + h
                iface["channel_mode"] = draw(st.sampled_from(["on", "active"]))
            switches[sw]["interfaces"][p] = iface
            links.append([f"{hname}:{nic}", f"{sw}:{p}"])
        policy = "ip_hash" if proper else draw(st.sampled_from(["port_id", "mac_hash", "ip_hash", "explicit"]))
        order = draw(st.permutations(nics))
        k = n_nic if proper else draw(st.integers(1, n_nic))
        teaming: dict[str, Any] = {"policy": policy, "active": list(order[:k]), "standby": list(order[k:]),
                                   "detection": "link_status" if proper else draw(st.sampled_from(["link_status", "beacon"]))}
        pgs = {f"PG{v}": {"vlan": v} for v in draw(st.lists(st.sampled_from([0, 1, 10, 20]), min_size=1, max_size=3, unique=True))}
        hosts[hname] = {"nics": {n: {} for n in nics},
                        "vswitches": {"vSwitch0": {"uplinks": nics, "teaming": teaming, "portgroups": pgs}},
                        "vmkernel": {}}
        for j in range(draw(st.integers(1, 3))):
            pg = draw(st.sampled_from(sorted(pgs)))
            vlan = pgs[pg]["vlan"] or draw(st.sampled_from(VLANS))
            nic: dict[str, Any] = {"network": pg}
            if draw(st.integers(0, 4)):
                nic["ip"] = f"10.0.{vlan}.{10 + 10 * h + j}/24"
                if draw(st.booleans()):
                    nic["gateway"] = draw(st.sampled_from([f"10.0.{vlan}.1", f"10.0.{vlan}.250"]))
            vms[f"vm{h}{j}"] = {"host": hname, "nics": [nic]}
    declared: set[int] = set()
    for name in names:
        for po in sorted({i.get("channel_group") for i in switches[name]["interfaces"].values()} - {None}):
            if stacked and name in ("s0", "s1") and po in declared:
                continue
            declared.add(po)
            switches[name]["interfaces"][f"Po{po}"] = {"mode": "trunk", "allowed_vlans": VLANS}
    design = {"name": "random", "switches": switches, "hosts": hosts, "vms": vms, "links": links}
    candidates = names + [lk[0] for lk in links] + [lk[1] for lk in links] + list(hosts)
    fail = draw(st.lists(st.sampled_from(candidates), max_size=2, unique=True))
    return design, fail


@pytest.mark.deep
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(designs())
def test_reach_equals_trace_on_every_pair(case: tuple[dict[str, Any], list[str]]) -> None:
    design, fail = case
    try:
        inv = vinfra.from_data(design)
    except vinfra.DesignError:
        return  # a random channel whose members disagree may be rejected; nothing to compare
    snap = Snapshot(inv, fail=fail)
    eps = snap.endpoints.listed()
    r = Reach(snap)
    answer = reach(snap, list_pairs=True, reasons=False)
    listed = {(p["src"], p["dst"]): p["reachable"] for p in answer["pairs"]}
    for a in eps:
        for b in eps:
            if a.name == b.name:
                continue
            verdict = Forwarding(snap, record=True).ping(a, b)
            assert r.pair(a, b) == verdict.ok, (a.name, b.name, verdict.reason)
            assert listed[(a.name, b.name)] == verdict.ok, (a.name, b.name, verdict.reason)
    # classes: every member of a class reaches every other member
    for cls in answer["classes"]:
        members = [snap.endpoints.resolve(m) for m in cls["members"]]
        for a in members:
            for b in members:
                if a.name != b.name:
                    assert Forwarding(snap, record=True).ping(a, b).ok, (cls, a.name, b.name)
