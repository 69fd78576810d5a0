"""Small DRS clusters built as plain data: hosts on one switch, vMotion in one subnet, every datastore on
every host unless told otherwise, so only what a test changes decides the answer."""

from __future__ import annotations

from typing import Any

import vinfra
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
