"""Small DRS clusters built as plain data: hosts on one switch, vMotion in one subnet, every datastore on
every host unless told otherwise, so only what a test changes decides the answer."""

from __future__ import annotations

from typing import Any

from hypothesis import strategies as st

import vinfra
from vinfra.cluster.drs import DrsSettings
from vinfra.model import Inventory


def cluster_design(hosts: dict[str, dict[str, Any]], vms: dict[str, dict[str, Any]], *,
                   drs: dict[str, Any] | None = None, rules: list[dict[str, Any]] | None = None,
                   ha: dict[str, Any] | None = None, datastores: tuple[str, ...] = ("ds1",)) -> dict[str, Any]:
    """``hosts``: name -> {mhz (capacity), memory_gb, datastores, state, vmotion (False: no port)};
    ``vms``: name -> VM fields plus ``cpu_mhz``/``mem_gb`` (its demand)."""
    ports = {f"Gi1/0/{k + 1}": {"mode": "trunk", "allowed_vlans": "10,120", "stp": {"edge": True}}
             for k in range(len(hosts))}
    design: dict[str, Any] = {
        "name": "drs",
        "switches": {"sw": {"vlans": [1, 10, 120], "interfaces": ports}},
        "hosts": {}, "links": [],
        "clusters": {"c1": {"drs": {"enabled": True, "automation": "fully", "threshold": 3, **(drs or {})},
                            "rules": rules or [], **({"ha": ha} if ha else {})}},
        "datastores": {ds: {"type": "vmfs", "transport": "fc"} for ds in datastores},
        "vms": {},
    }
    for k, (name, h) in enumerate(hosts.items()):
        vmk = {"vmk0": {"portgroup": "VMotion", "ip": f"10.0.120.{k + 11}/24", "services": ["vmotion"]}}
        design["hosts"][name] = {
            "cluster": "c1", "product": "esxi", "version": "4.1",
            "cpu": {"sockets": 1, "cores": 1, "mhz": h.get("mhz", 10_000), "vendor": "intel", "family": "westmere"},
            "memory_gb": h.get("memory_gb", 64),
            "nics": {"vmnic0": {"speed": 10000}},
            "vswitches": {"vSwitch0": {"uplinks": ["vmnic0"], "portgroups": {"VM-10": {"vlan": 10},
                                                                            "VMotion": {"vlan": 120}}}},
            "vmkernel": vmk if h.get("vmotion", True) else {},
            "datastores": list(h.get("datastores", datastores)),
            **({"state": h["state"]} if "state" in h else {}),
        }
        design["links"].append([f"{name}:vmnic0", f"sw:Gi1/0/{k + 1}"])
    for name, v in vms.items():
        v = dict(v)
        load = {"cpu_mhz": v.pop("cpu_mhz", 0), "memory_gb": v.pop("mem_gb", 0)}
        design["vms"][name] = {"datastore": datastores[0], "nics": [{"network": "VM-10"}], "load": load, **v}
    return design


def build(hosts: dict[str, dict[str, Any]], vms: dict[str, dict[str, Any]], **kw: Any) -> Inventory:
    return vinfra.from_data(cluster_design(hosts, vms, **kw))


def scenario6(**kw: Any) -> Inventory:
    """cluster-behaviour §7 scenario 6: three 10,000-MHz hosts; H1 3000, 2000, 2000 MHz; H2 2000; H3 1000."""
    hosts = {"H1": {}, "H2": {}, "H3": {}}
    vms = {"a": {"host": "H1", "cpu_mhz": 3000}, "b": {"host": "H1", "cpu_mhz": 2000},
           "c": {"host": "H1", "cpu_mhz": 2000}, "d": {"host": "H2", "cpu_mhz": 2000},
           "e": {"host": "H3", "cpu_mhz": 1000}}
    return build(hosts, vms, **kw)


SHARES = st.sampled_from(["low", "normal", "high", 0, 3000, 50_000])


@st.composite
def clusters(draw: st.DrawFn) -> dict[str, Any]:
    n_hosts = draw(st.integers(2, 6))
    hosts: dict[str, dict[str, Any]] = {}
    for k in range(n_hosts):
        h: dict[str, Any] = {"mhz": draw(st.sampled_from([4000, 8000, 10_000])),
                             "memory_gb": draw(st.sampled_from([16, 32, 64]))}
        if draw(st.integers(0, 4)) == 0:
            h["datastores"] = ["ds1"]  # no ds2: its VMs cannot come here (P3)
        if draw(st.integers(0, 12)) == 0:
            h["vmotion"] = False  # P1
        if draw(st.integers(0, 8)) == 0:
            h["state"] = "maintenance"
        hosts[f"H{k + 1}"] = h
    names = list(hosts)
    vms: dict[str, dict[str, Any]] = {}
    for k in range(draw(st.integers(0, 14))):
        host = draw(st.sampled_from(names))
        ds = "ds2" if "datastores" not in hosts[host] and draw(st.booleans()) else "ds1"
        vcpus = draw(st.sampled_from([1, 2, 4]))
        memory_gb = draw(st.sampled_from([1, 2, 4, 8]))
        cpu: dict[str, Any] = {"vcpus": vcpus, "shares": draw(SHARES)}
        if draw(st.integers(0, 3)) == 0:
            cpu["reservation_mhz"] = draw(st.sampled_from([500, 1000, 3000, 9000]))
        if draw(st.integers(0, 3)) == 0:
            cpu["limit_mhz"] = draw(st.sampled_from([300, 1000, 2500]))
        memory: dict[str, Any] = {"shares": draw(SHARES)}
        if draw(st.integers(0, 3)) == 0:
            memory["reservation_gb"] = draw(st.sampled_from([0.5, 1, 4, 20]))
        if draw(st.integers(0, 3)) == 0:
            memory["limit_gb"] = draw(st.sampled_from([0.5, 2]))
        if draw(st.integers(0, 3)) == 0:
            memory["overhead_mb"] = draw(st.sampled_from([50, 200]))
        vm: dict[str, Any] = {
            "host": host, "datastore": ds, "cpu": cpu, "memory_gb": memory_gb, "memory": memory,
            "power": draw(st.sampled_from(["on", "on", "on", "on", "off", "suspended"])),
            "cpu_mhz": draw(st.integers(0, 40)) * 100, "mem_gb": draw(st.integers(0, 16)) / 2,
        }
        auto = draw(st.sampled_from([None, None, None, "manual", "partially", "fully", "disabled"]))
        if auto is not None:
            vm["drs"] = {"automation": auto}
        if draw(st.integers(0, 10)) == 0:
            vm["local_devices"] = ["cdrom"]
        vms[f"v{k}"] = vm
    rules: list[dict[str, Any]] = []
    vm_names = list(vms)
    for k in range(draw(st.integers(0, 3)) if len(vm_names) >= 2 else 0):
        kind = draw(st.sampled_from(["anti_affinity", "affinity", "vm_host", "vm_anti_host"]))
        members = draw(st.lists(st.sampled_from(vm_names), min_size=1 if kind.startswith("vm_") else 2,
                                max_size=3, unique=True))
        rule: dict[str, Any] = {"name": f"r{k}", "type": kind, "vms": members}
        if kind.startswith("vm_"):
            rule["hosts"] = draw(st.lists(st.sampled_from(names), min_size=1, max_size=n_hosts, unique=True))
            rule["must"] = draw(st.booleans())
        rules.append(rule)
    return {
        "hosts": hosts, "vms": vms, "rules": rules,
        "drs": {"automation": draw(st.sampled_from(["manual", "partially", "fully"]))},
        "threshold": draw(st.integers(1, 5)),
        "maintenance": draw(st.lists(st.sampled_from(names), max_size=1)),
        "settings": DrsSettings(
            combine=draw(st.sampled_from(["cpu", "memory", "max", "mean"])),
            cpu_weight=draw(st.sampled_from([0.5, 0.8])),
            min_goodness=draw(st.sampled_from([0.0, 0.0, 0.01])),
            cost_benefit=draw(st.booleans()),
            stable_period_s=draw(st.sampled_from([1.0, 300.0])),
            max_moves_per_host=draw(st.sampled_from([None, 1, 2, 8])),
            move_limit_counts=draw(st.sampled_from(["source", "both"])),
            at_move_limit=draw(st.sampled_from(["skip", "stop"])),
            max_moves_total=draw(st.sampled_from([None, None, 2])),
        ),
        "ha_limit": draw(st.sampled_from([None, None, 2, 4])),
    }
