"""Property (bug hunting for issue 7, items 1-3): on small random designs with several routers, routed links,
overlapping and covering prefixes and duplicate addresses, ``reach`` answers every pair as ``trace`` does, and
each class's ``reaches`` list holds exactly: class A reaches class B when every member of A reaches every
member of B."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import vinfra
from _deep import examples
from _random_design import Case
from _reach_oracle import disagreements

VLANS = [10, 20, 30]
# subnets that overlap and cover each other: (VLAN, prefix, router address)
SUBNETS = [(10, "10.0.10.0/24", 1), (20, "10.0.10.192/26", 193), (30, "10.0.10.128/25", 129),
           (20, "10.0.20.0/24", 1), (30, "10.0.30.0/24", 1), (10, "10.0.10.0/23", 2)]
HOST_ADDRS = ["10.0.10.20", "10.0.10.200", "10.0.10.140", "10.0.11.5", "10.0.20.20", "10.0.30.30", "10.0.10.1"]
# addresses that fit a subnet of their VLAN (drawn twice: a duplicate): (VLAN, address, gateway)
FITTING = [(10, "10.0.10.20/24", "10.0.10.1"), (10, "10.0.10.200/24", "10.0.10.1"), (10, "10.0.10.140/24", "10.0.10.1"),
           (10, "10.0.11.5/23", "10.0.10.2"), (10, "10.0.10.21/23", "10.0.10.2"), (20, "10.0.10.200/26", "10.0.10.193"),
           (20, "10.0.10.210/26", "10.0.10.193"), (20, "10.0.20.20/24", "10.0.20.1"), (30, "10.0.10.140/25", "10.0.10.129"),
           (30, "10.0.30.30/24", "10.0.30.1"), (30, "10.0.30.31/24", "10.0.30.1")]


@st.composite
def designs(draw: st.DrawFn) -> tuple[dict[str, Any], list[str]]:
    n_r = draw(st.integers(1, 3))
    routers = [f"r{i}" for i in range(n_r)]
    switches: dict[str, Any] = {}
    links: list[list[str]] = []
    ports: dict[str, int] = {}

    def port(sw: str) -> str:
        ports[sw] = ports.get(sw, 0) + 1
        return f"Gi1/0/{ports[sw]}"

    for idx, r in enumerate(routers):
        ifaces: dict[str, Any] = {}
        for vlan, prefix, last in draw(st.lists(st.sampled_from(SUBNETS), min_size=1, max_size=3, unique_by=lambda s: s[0])):
            net, length = prefix.split("/")
            # the same address on two routers now and then (a duplicate), else one of its own
            own = last if draw(st.integers(0, 3)) == 0 else last + 10 + idx
            iface: dict[str, Any] = {"ip": f"{net.rsplit('.', 1)[0]}.{own}/{length}"}
            if draw(st.integers(0, 2)) == 0:  # an FHRP group answering for the usual gateway address
                iface["fhrp"] = {"group": vlan, "vip": f"{net.rsplit('.', 1)[0]}.{last}",
                                 "priority": draw(st.sampled_from([100, 110]))}
            ifaces[f"Vlan{vlan}"] = iface
        sw: dict[str, Any] = {"vlans": [1, *VLANS], "interfaces": ifaces, "stp": {"mode": "rpvst"}}
        if draw(st.integers(0, 3)):
            sw["routing"] = {"protocol": "ospf"}
        switches[r] = sw
    # routed links, and layer-2 trunks joining routers' VLANs
    k = 0
    for i in range(n_r):
        for j in range(i + 1, n_r):
            if draw(st.integers(0, 3)):
                k += 1
                pa, pb = f"Te1/{k}", f"Te1/{k}"
                switches[routers[i]]["interfaces"][pa] = {"mode": "routed", "ip": f"10.9.{k}.1/30"}
                switches[routers[j]]["interfaces"][pb] = {"mode": "routed", "ip": f"10.9.{k}.2/30"}
                links.append([f"{routers[i]}:{pa}", f"{routers[j]}:{pb}"])
            if draw(st.integers(0, 2)) == 0:
                pa, pb = port(routers[i]), port(routers[j])
                allowed = draw(st.sampled_from(["10,20,30", "10", "20,30"]))
                switches[routers[i]]["interfaces"][pa] = {"mode": "trunk", "allowed_vlans": allowed}
                switches[routers[j]]["interfaces"][pb] = {"mode": "trunk", "allowed_vlans": allowed}
                links.append([f"{routers[i]}:{pa}", f"{routers[j]}:{pb}"])
    hosts: dict[str, Any] = {}
    vms: dict[str, Any] = {}
    pgs = {f"PG{v}": {"vlan": v} for v in VLANS}
    pgs["Other10"] = {"vlan": 10}

    def address(nic: dict[str, Any]) -> dict[str, Any]:
        """An address (and often a gateway) that fits the port group's VLAN, or now and then any."""
        if draw(st.integers(0, 3)):
            vlan, ip, gw = draw(st.sampled_from(FITTING))
            nic.update(network="Other10" if vlan == 10 and draw(st.booleans()) else f"PG{vlan}", ip=ip)
            if draw(st.integers(0, 5)):
                nic["gateway"] = gw
        else:
            nic["network"] = draw(st.sampled_from(sorted(pgs)))
            if draw(st.integers(0, 5)):
                nic["ip"] = f"{draw(st.sampled_from(HOST_ADDRS))}/{draw(st.sampled_from([23, 24, 25, 26]))}"
                if draw(st.integers(0, 3)):
                    nic["gateway"] = draw(st.sampled_from(["10.0.10.1", "10.0.10.193", "10.0.10.129", "10.0.10.2",
                                                           "10.0.20.1", "10.0.30.1", "10.0.10.20"]))
        return nic

    for h in range(draw(st.integers(1, 3))):
        hname = f"esx{h}"
        nics = [f"vmnic{i}" for i in range(draw(st.integers(1, 2)))]
        for nic_name in nics:
            r = draw(st.sampled_from(routers))
            p = port(r)
            switches[r]["interfaces"][p] = {"mode": "trunk", "native_vlan": 1, "stp": {"edge": True},
                                           "allowed_vlans": draw(st.sampled_from(["10,20,30", "10,20,30", "10", "20,30"]))}
            links.append([f"{hname}:{nic_name}", f"{r}:{p}"])
        order = draw(st.permutations(nics))
        n_active = draw(st.integers(1, len(nics)))
        teaming = {"policy": draw(st.sampled_from(["port_id", "mac_hash", "explicit"])),
                   "active": list(order[:n_active]), "standby": list(order[n_active:])}
        vmkernel: dict[str, Any] = {}
        if draw(st.integers(0, 2)) == 0:
            vmk = address({})
            vmkernel["vmk0"] = {"portgroup": vmk.pop("network"), **vmk}
            if "ip" not in vmkernel["vmk0"]:
                del vmkernel["vmk0"]
        hosts[hname] = {"nics": {n: {} for n in nics}, "vmkernel": vmkernel,
                        "vswitches": {"vSwitch0": {"uplinks": nics, "teaming": teaming, "portgroups": pgs}}}
        for j in range(draw(st.integers(1, 4))):
            vms[f"vm{h}{j}"] = {"host": hname, "nics": [address({})]}
    design = {"name": "random-routing", "switches": switches, "hosts": hosts, "vms": vms, "links": links}
    candidates = routers + [lk[0] for lk in links] + list(hosts)
    fail = draw(st.lists(st.sampled_from(candidates), max_size=1, unique=True))
    return design, fail


@pytest.mark.deep
@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(designs())
def test_reach_equals_trace_with_prefixes_routers_and_duplicates(case: tuple[dict[str, Any], list[str]]) -> None:
    design, fail = case
    c = Case(design, tuple(fail))
    try:
        c.inventory()
    except vinfra.DesignError:
        return  # e.g. a gateway outside its subnet: nothing to compare
    note(c.text())
    wrong = disagreements(c)
    assert not wrong, "\n".join(wrong)
