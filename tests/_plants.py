"""Small plants shared by the failure-analysis tests."""

from __future__ import annotations

from typing import Any

from _build import edge_trunk, host, trunk, vm


def scenario12_plant(*, lst: bool = False, n_uplinks: int = 2, detection: str = "link_status", notify: bool = True,
            single_homed: bool = False) -> dict[str, Any]:
    """Scenario 12's plant: h1 vmnic0 -> s1, vmnic1 (and vmnic2) -> s2, s1 and s2 under d (the gateway);
    VM va on vmnic0 (explicit, vmnic1 standby), vb on vmnic1; h2 (one uplink to d) holds vc."""
    s1 = {"vlans": [10], "interfaces": {"Gi0/1": edge_trunk("10"), "Gi0/47": trunk("10")}}
    s2 = {"vlans": [10], "interfaces": {"Gi0/1": edge_trunk("10"), "Gi0/2": edge_trunk("10"), "Gi0/47": trunk("10")}}
    d = {"vlans": [10], "stp": {"priority": 4096},
         "interfaces": {"Gi0/1": trunk("10"), "Gi0/2": trunk("10"), "Gi0/3": edge_trunk("10"), "Vlan10": {"ip": "10.0.10.1/24"}}}
    if lst:
        s1["link_state_tracking"] = [{"group": 1, "upstream": ["Gi0/47"], "downstream": ["Gi0/1"]}]
    nics = ["vmnic0", "vmnic1"] + (["vmnic2"] if n_uplinks == 3 else [])
    links = [["h1:vmnic0", "s1:Gi0/1"], ["h1:vmnic1", "s2:Gi0/1"], ["s1:Gi0/47", "d:Gi0/1"], ["s2:Gi0/47", "d:Gi0/2"],
             ["h2:vmnic0", "d:Gi0/3"]]
    if n_uplinks == 3:
        links.append(["h1:vmnic2", "s2:Gi0/2"])
    pgs = {"A": {"vlan": 10, "teaming": {"policy": "explicit", "active": ["vmnic0"], "standby": nics[1:]}},
           "B": {"vlan": 10, "teaming": {"policy": "explicit", "active": ["vmnic1"], "standby": ["vmnic0"]}}}
    if single_homed:
        pgs["A"]["teaming"] = {"policy": "explicit", "active": ["vmnic0"], "standby": [], "unused": nics[1:]}
    return {"name": "t", "switches": {"s1": s1, "s2": s2, "d": d},
            "hosts": {"h1": host(nics, pgs, teaming={"detection": detection, "notify_switches": notify}),
                      "h2": host(["vmnic0"], {"A": {"vlan": 10}})},
            "vms": {"va": vm("h1", "A", "10.0.10.11/24", "10.0.10.1"), "vb": vm("h1", "B", "10.0.10.12/24", "10.0.10.1"),
                    "vc": vm("h2", "A", "10.0.10.13/24", "10.0.10.1")},
            "links": links}
