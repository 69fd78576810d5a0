"""Property: with anycast gateways (topology-v1 "Names and forms met in vendor configs") held by some switches
of a layer-2 chain, ``reach`` gives the verdict ``trace`` gives on every pair, under random failures: the
holder a host's frames reach first routes them, and holders may differ in what they route."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from _deep import examples
from _random_design import Case
from _reach_oracle import disagreements

VLANS = [10, 20, 30]


@st.composite
def designs(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    n_leaf = draw(st.integers(2, 3))
    names = [f"leaf{i}" for i in range(n_leaf)]
    switches: dict[str, Any] = {}
    links: list[list[str]] = []
    trunk = {"mode": "trunk", "allowed_vlans": VLANS}
    for i, name in enumerate(names):
        ifaces: dict[str, Any] = {"Ethernet47": dict(trunk), "Ethernet48": dict(trunk)}
        for vlan in (10, 20):
            if draw(st.booleans()):  # this leaf holds VLAN's anycast gateway
                ifaces[f"Vlan{vlan}"] = {"fhrp": {"protocol": "anycast", "vip": f"10.0.{vlan}.1/24"}}
        if draw(st.booleans()):  # and maybe routes VLAN 30 with an address of its own
            ifaces["Vlan30"] = {"ip": f"10.0.30.{2 + i}/24"}
        switches[name] = {"platform": "eos", "vlans": VLANS, "interfaces": ifaces}
        if i:
            links.append([f"{names[i - 1]}:Ethernet48", f"{name}:Ethernet47"])
    hosts: dict[str, Any] = {}
    vms: dict[str, Any] = {}
    n_host = draw(st.integers(1, 3))
    for h in range(n_host):
        host = f"esx{h}"
        leaves = draw(st.lists(st.sampled_from(names), min_size=1, max_size=2, unique=True))
        nics = {f"vmnic{k}": {} for k in range(len(leaves))}
        hosts[host] = {"nics": nics, "vswitches": {"vSwitch0": {
            "uplinks": list(nics), "portgroups": {f"VM-{v}": {"vlan": v} for v in VLANS}}}}
        for k, leaf in enumerate(leaves):
            port = f"Ethernet{h + 1}"
            switches[leaf]["interfaces"][port] = {**trunk, "stp": {"edge": True}}
            links.append([f"{host}:vmnic{k}", f"{leaf}:{port}"])
        for j in range(draw(st.integers(1, 2))):
            vlan = draw(st.sampled_from(VLANS))
            gw = f"10.0.{vlan}.1" if vlan != 30 else f"10.0.30.{2 + draw(st.integers(0, n_leaf - 1))}"
            vms[f"vm{h}{j}"] = {"host": host, "nics": [{"network": f"VM-{vlan}", "ip": f"10.0.{vlan}.{10 + 10 * h + j}/24",
                                                        "gateway": gw}]}
    design = {"name": "anycast-random", "switches": switches, "hosts": hosts, "vms": vms, "links": links}
    candidates = names + [lk[0] for lk in links] + list(hosts)
    fail = draw(st.lists(st.sampled_from(candidates), max_size=2, unique=True))
    return design, fail


@pytest.mark.deep
@settings(max_examples=examples(60), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(designs())
def test_reach_equals_trace_through_anycast_gateways(case: tuple[dict[str, Any], list[str]]) -> None:
    design, fail = case
    c = Case(design, tuple(fail))
    note(c.text())
    wrong = disagreements(c)
    assert not wrong, "\n".join(wrong)
