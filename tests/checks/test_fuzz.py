"""Property: on any valid design, however odd, every rule runs without an exception, every
finding is well formed and located, and two runs give the same findings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vinfra
from _deep import examples
from vinfra.checks import all_rules, run_checks
from vinfra.checks.finding import SEVERITIES
from vinfra.checks.report import text_lines, to_sarif
from vinfra.network import Snapshot

VLANS = [1, 10, 20]
PG_VLANS = [0, 1, 10, 20, 4095]
MODES = ["on", "on", "active", "passive", "desirable"]


@st.composite
def designs(draw: st.DrawFn) -> dict[str, Any]:
    n_sw = draw(st.integers(1, 3))
    switches: dict[str, Any] = {}
    names = [f"s{i}" for i in range(n_sw)]
    counter: dict[str, int] = {}

    def port(sw: str) -> str:
        counter[sw] = counter.get(sw, 0) + 1
        return f"Gi{sw[1:]}/0/{counter[sw]}"  # unique across a stack

    def settings_() -> dict[str, Any]:
        if draw(st.booleans()):
            allowed = draw(st.lists(st.sampled_from(VLANS), min_size=1, max_size=3, unique=True))
            out: dict[str, Any] = {"mode": "trunk", "allowed_vlans": sorted(allowed),
                                   "native_vlan": draw(st.sampled_from(VLANS))}
        else:
            out = {"mode": "access", "vlan": draw(st.sampled_from(VLANS))}
        out["mtu"] = draw(st.sampled_from([1500, 1500, 9000]))
        return out

    platform = draw(st.sampled_from(["ios", "nxos", "eos"]))
    for name in names:
        switches[name] = {"platform": draw(st.sampled_from(["ios", "nxos", "eos"])), "vlans": VLANS,
                          "stp": {"mode": draw(st.sampled_from(["rpvst", "none", "mst"]))}, "interfaces": {}}
    pair = n_sw >= 2 and draw(st.sampled_from(["none", "stack", "mlag"]))
    if pair == "stack":
        for name in ("s0", "s1"):
            switches[name].update(platform=platform, stp={"mode": "rpvst"}, stack="stk")
    elif pair == "mlag":
        for name, peer in (("s0", "s1"), ("s1", "s0")):
            switches[name].update(platform="nxos", mlag={"peer": peer, "domain": 1})
    links: list[list[str]] = []
    if pair == "mlag":
        for name in ("s0", "s1"):
            switches[name]["interfaces"]["Po1"] = {"mode": "trunk", "allowed_vlans": VLANS, "peer_link": True}
        for _ in range(2):
            pa, pb = port("s0"), port("s1")
            for sw, p in (("s0", pa), ("s1", pb)):
                switches[sw]["interfaces"][p] = {"mode": "trunk", "allowed_vlans": VLANS, "channel_group": 1,
                                                 "channel_mode": "active"}
            links.append([f"s0:{pa}", f"s1:{pb}"])
    for _ in range(draw(st.integers(0, 3))):
        if n_sw < 2:
            break
        a, b = draw(st.lists(st.sampled_from(names), min_size=2, max_size=2, unique=True))
        pa, pb = port(a), port(b)
        s = settings_()
        switches[a]["interfaces"][pa] = dict(s)
        switches[b]["interfaces"][pb] = dict(s) if draw(st.booleans()) else settings_()
        if draw(st.integers(0, 3)) == 0:
            mode = draw(st.sampled_from(MODES))
            switches[a]["interfaces"][pa].update(channel_group=9, channel_mode=mode)
        links.append([f"{a}:{pa}", f"{b}:{pb}"])
    for name in names:
        if switches[name].get("stack") and name == "s1":
            continue
        if draw(st.booleans()):
            vlan = draw(st.sampled_from(VLANS))
            svi: dict[str, Any] = {"ip": f"10.0.{vlan}.{250 - int(name[1:])}/24"}
            if draw(st.booleans()):
                svi["fhrp"] = {"protocol": draw(st.sampled_from(["hsrp", "vrrp"])),
                               "group": draw(st.sampled_from([vlan, vlan + 1])), "vip": f"10.0.{vlan}.1"}
            if draw(st.booleans()):
                svi["arp_timeout_s"] = 270
            switches[name]["interfaces"][f"Vlan{vlan}"] = svi

    hosts: dict[str, Any] = {}
    vms: dict[str, Any] = {}
    dvswitches: dict[str, Any] = {}
    for h in range(draw(st.integers(1, 2))):
        host = f"esx{h}"
        n_nics = draw(st.integers(1, 3))
        nics = [f"vmnic{i}" for i in range(n_nics)]
        group = 10 + h
        for nic in nics:
            if draw(st.integers(0, 5)) == 0:
                continue  # uncabled
            sw = draw(st.sampled_from(names))
            p = port(sw)
            iface = settings_()
            iface["stp"] = {"edge": draw(st.booleans()), "bpdu_guard": draw(st.booleans())}
            if draw(st.integers(0, 2)) == 0:
                iface.update(channel_group=group, channel_mode=draw(st.sampled_from(MODES)))
                if pair == "mlag" and sw in ("s0", "s1") and draw(st.booleans()):
                    switches[sw]["interfaces"][f"Po{group}"] = {"mode": iface["mode"], "mlag_id": group,
                                                                 **{k: iface[k] for k in ("allowed_vlans", "native_vlan", "vlan") if k in iface}}
            switches[sw]["interfaces"][p] = iface
            links.append([f"{host}:{nic}", f"{sw}:{p}"])
        use_vds = n_nics >= 2 and draw(st.integers(0, 3)) == 0
        pgs = {f"PG{v}": v for v in draw(st.lists(st.sampled_from(PG_VLANS), min_size=1, max_size=3, unique=True))}
        team: dict[str, Any] = {"policy": draw(st.sampled_from(["port_id", "ip_hash", "explicit", "mac_hash"])),
                                "detection": draw(st.sampled_from(["link_status", "beacon"])),
                                "notify_switches": draw(st.booleans())}
        if use_vds:
            ups = [f"uplink{i}" for i in range(n_nics)]
            dvs = dvswitches.setdefault("dvs1", {"uplinks": ups, "hosts": {}, "portgroups": {},
                                                 "lacp": {"lags": {"lag1": {"mode": draw(st.sampled_from(["active", "passive"])),
                                                                            "uplinks": ups[:2]}}}})
            dvs["uplinks"] = sorted(set(dvs["uplinks"]) | set(ups))
            dvs["hosts"][host] = dict(zip(ups, nics, strict=True))
            for label, v in pgs.items():
                vlan: Any = {"trunk": "1-20"} if v == 4095 else v
                pg: dict[str, Any] = {"vlan": vlan}
                if draw(st.booleans()):
                    pg["teaming"] = {"policy": "lag:lag1", "active": ["lag:lag1"]}
                dvs["portgroups"][label] = pg
            hosts[host] = {"nics": {n: {} for n in nics}}
            network = lambda label: f"dvs1/{label}"  # noqa: E731
        else:
            portgroups: dict[str, Any] = {}
            for label, v in pgs.items():
                pg = {"vlan": v}
                if n_nics >= 2 and draw(st.booleans()):
                    pg["teaming"] = {"active": nics[:1], "standby": nics[1:2], "unused": nics[2:]}
                portgroups[label] = pg
            hosts[host] = {"nics": {n: {} for n in nics}, "settings": {"block_guest_bpdu": draw(st.booleans())},
                           "vswitches": {"vSwitch0": {"uplinks": nics, "mtu": draw(st.sampled_from([1500, 9000])),
                                                      "teaming": team, "portgroups": portgroups}}}
            network = lambda label: label  # noqa: E731
        first = next(iter(pgs))
        if not use_vds:
            hosts[host]["vmkernel"] = {
                "vmk0": {"portgroup": first, "ip": f"10.0.{draw(st.sampled_from(VLANS))}.{11 + h}/24",
                         "services": [draw(st.sampled_from(["management", "vmotion", "iscsi"]))],
                         "mtu": draw(st.sampled_from([1500, 9000])),
                         "iscsi_port_binding": draw(st.booleans()),
                         **({"gateway": f"10.0.{draw(st.sampled_from(VLANS))}.1"} if draw(st.booleans()) else {})}}
        hosts[host]["cluster"] = "c1"
        for k in range(draw(st.integers(0, 3))):
            label = draw(st.sampled_from(sorted(pgs)))
            nic: dict[str, Any] = {"network": network(label)}
            if draw(st.booleans()):
                nic["ip"] = f"10.0.{draw(st.sampled_from(VLANS))}.{draw(st.sampled_from([21, 22]))}/24"
                if draw(st.booleans()):
                    nic["gateway"] = f"10.0.{draw(st.sampled_from(VLANS))}.1"
            if draw(st.booleans()):
                nic["mac"] = f"00:50:56:00:00:{draw(st.sampled_from(['01', '02']))}"
            vms[f"vm{h}{k}"] = {"host": host, "nics": [nic]}
    # link-state tracking on a switch, sometimes
    lst_sw = draw(st.sampled_from(names))
    ifaces = [i for i in switches[lst_sw]["interfaces"] if not i.startswith(("Po", "Vlan"))]
    if len(ifaces) >= 2 and draw(st.booleans()):
        switches[lst_sw]["link_state_tracking"] = [{"group": 1, "upstream": ifaces[:1], "downstream": ifaces[1:]}]
    design: dict[str, Any] = {"name": "fuzz", "switches": switches, "hosts": hosts, "vms": vms, "links": links,
                              "clusters": {"c1": {}}}
    if dvswitches:
        design["dvswitches"] = dvswitches
    return design


@pytest.mark.deep
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(designs())
def test_every_rule_runs_on_any_design(tmp_path_factory: Any, design: dict[str, Any]) -> None:
    path: Path = tmp_path_factory.mktemp("fuzz") / "design.json"
    path.write_text(json.dumps(design, indent=1), encoding="utf-8")
    inv = vinfra.load(path)
    run = run_checks(Snapshot(inv))
    codes = {r.code for r in all_rules()}
    for f in run.located():
        assert f.code in codes and f.severity in SEVERITIES and f.status in ("fail", "unknown")
        assert f.message and f.objects and all(isinstance(o, str) and o for o in f.objects)
        assert f.location is not None and f.location.line is not None
    again = run_checks(Snapshot(vinfra.load(path)))
    assert [f.sort_key() for f in again.findings] == [f.sort_key() for f in run.findings]
    assert text_lines(run) == text_lines(again)
    assert to_sarif(run)["runs"][0]["results"] == to_sarif(again)["runs"][0]["results"]
