"""Property: on designs with VGT guests (a VM NIC's ``guest_vlan`` on VLAN 4095 port groups and vDS VLAN trunks,
untagged guests beside them, V3, V4), ``reach`` gives the verdict ``trace`` gives on every pair, both ways,
whichever way :attr:`Settings.vgt_passes_untagged` is set.

A small generator of its own: the general reach==trace generator draws VGT guests too once it is replaced."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from _deep import examples
from _random_design import Case
from _reach_oracle import disagreements
from vinfra.network.settings import Settings

VLANS = [1, 10, 20, 30]


@st.composite
def vgt_designs(draw: st.DrawFn) -> tuple[dict[str, Any], list[str], Settings]:
    names = [f"s{i}" for i in range(draw(st.integers(1, 2)))]
    switches: dict[str, Any] = {n: {"vlans": VLANS, "stp": {"mode": "rpvst"}, "interfaces": {}} for n in names}
    links: list[list[str]] = []
    count: dict[str, int] = {}

    def port(sw: str, settings_: dict[str, Any]) -> str:
        count[sw] = count.get(sw, 0) + 1
        name = f"Gi1/0/{count[sw]}"
        switches[sw]["interfaces"][name] = settings_
        return f"{sw}:{name}"

    def host_port() -> dict[str, Any]:
        kind = draw(st.integers(0, 5))
        if kind == 0:
            return {"mode": "access", "vlan": draw(st.sampled_from(VLANS)), "stp": {"edge": True}}
        if kind == 1:  # a pruned trunk
            allowed = draw(st.lists(st.sampled_from(VLANS), min_size=1, max_size=3, unique=True))
            return {"mode": "trunk", "allowed_vlans": sorted(allowed), "native_vlan": draw(st.sampled_from(VLANS)),
                    "stp": {"edge": True}}
        # every VLAN, the native one drawn: a guest tagging it hears nothing back (V6)
        return {"mode": "trunk", "native_vlan": draw(st.sampled_from([1, 1, 1, 10, 20])), "stp": {"edge": True}}

    if len(names) == 2:
        links.append([port("s0", {"mode": "trunk", "allowed_vlans": draw(st.sampled_from(["all", "1,10,20"]))}),
                      port("s1", {"mode": "trunk"})])
    for sw in names:
        for vlan in VLANS:
            if sw == "s0" or draw(st.booleans()):  # s0 routes every VLAN, at .250
                switches[sw]["interfaces"][f"Vlan{vlan}"] = {"ip": f"10.0.{vlan}.{250 + names.index(sw)}/24"}
    trunk_range = draw(st.sampled_from(["10-20", "1-30", "20-30"]))
    lo, hi = (int(x) for x in trunk_range.split("-"))
    use_vds = draw(st.booleans())
    dvs: dict[str, Any] = {"uplinks": ["uplink1"], "hosts": {},
                           "portgroups": {"dv-trunk": {"vlan": {"trunk": trunk_range}}, "dv-20": {"vlan": 20}}}
    hosts: dict[str, Any] = {}
    vms: dict[str, Any] = {}
    n = 0
    for h in range(draw(st.integers(1, 3))):
        host = f"esx{h}"
        nics = ["vmnic0", "vmnic1"] if draw(st.booleans()) else ["vmnic0"]
        pgs = {"VGT": {"vlan": 4095}, "V10": {"vlan": 10}, "V20": {"vlan": 20}, "EST": {"vlan": 0}}
        hosts[host] = {"nics": {nic: {} for nic in [*nics, "vmnic9"]},
                       "vswitches": {"vSwitch0": {"uplinks": nics, "portgroups": pgs,
                                                  "teaming": {"policy": draw(st.sampled_from(["port_id", "mac_hash", "explicit"]))}}}}
        for nic in nics:
            if draw(st.integers(0, 5)):
                links.append([f"{host}:{nic}", port(draw(st.sampled_from(names)), host_port())])
        networks = list(pgs)
        if use_vds:
            dvs["hosts"][host] = {"uplink1": "vmnic9"}
            links.append([f"{host}:vmnic9", port(draw(st.sampled_from(names)), host_port())])
            networks += ["dvs/dv-trunk", "dvs/dv-20"]
        for _ in range(draw(st.integers(1, 4))):
            network = draw(st.sampled_from(networks))
            nic: dict[str, Any] = {"network": network}
            guest = None
            if network == "VGT" and draw(st.integers(0, 2)):
                guest = draw(st.sampled_from([10, 20, 30, 10, 20, 1]))
            elif network == "dvs/dv-trunk" and draw(st.integers(0, 3)):
                guest = draw(st.sampled_from([v for v in VLANS if lo <= v <= hi]))
            if guest is not None:
                nic["guest_vlan"] = guest
            # an address mostly in the VLAN the port is meant for, sometimes in another (a mismatch)
            # untagged ports are mostly meant for VLAN 1, the usual native VLAN
            meant = guest or {"V10": 10, "V20": 20, "dvs/dv-20": 20}.get(network) or draw(st.sampled_from([1, 1, 10]))
            vlan = meant if draw(st.integers(0, 6)) else draw(st.sampled_from(VLANS))
            n += 1
            nic["ip"] = f"10.0.{vlan}.{n}/24"
            if draw(st.integers(0, 3)):
                nic["gateway"] = f"10.0.{vlan}.{draw(st.sampled_from([250, 250, 250, 251]))}"
            vms[f"vm{n}"] = {"host": host, "nics": [nic]}
    design: dict[str, Any] = {"name": "vgt", "switches": switches, "hosts": hosts, "vms": vms, "links": links}
    if use_vds:
        design["dvswitches"] = {"dvs": dvs}
    candidates = names + [end for lk in links for end in lk]
    fail = draw(st.lists(st.sampled_from(candidates), max_size=1))
    return design, fail, Settings(vgt_passes_untagged=draw(st.booleans()))


@pytest.mark.deep
@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(vgt_designs())
def test_reach_equals_trace_with_vgt_guests(case: tuple[dict[str, Any], list[str], Settings]) -> None:
    design, fail, engine = case
    c = Case(design, tuple(fail), engine)
    note(c.text())
    wrong = disagreements(c)
    assert not wrong, "\n".join(wrong)
