"""Property: a failed snapshot that takes the intact design's answers (:meth:`L3.inherit`,
:meth:`Forwarding.inherit`, ``Bulk(parent=...)``) answers every scenario exactly as one worked out from scratch.

The drawn designs are the generator's (:func:`vinfra.generate.generate_design`: blocks of an access layer and a
distribution pair, a core pair joined to every distribution switch by routed links, one layer-2 island per
block), then bent where inheritance has corners: routed links removed or added (between blocks, inside one,
to the core), distribution SVIs made non-passive (routing adjacencies that follow spanning tree), routing
taken off a router, a routed /31 inside a block's subnet (route classes of two prefixes), failures in the
design itself.  Every routing switch and routed link is failed (``test_failures_exact`` walks every pair of
small drawn designs; these are larger, and compared with the sweep's own analysis from scratch).
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import vinfra
from _deep import examples
from vinfra.analysis import failures
from vinfra.analysis.failures import Baseline, elements, run_scenario
from vinfra.generate import generate_design


def _routed(design: dict[str, Any], a: str, b: str, port: str, ips: tuple[str, str]) -> None:
    """A routed link between switches ``a`` and ``b``, on port ``port`` of each, addressed ``ips``."""
    for sw, ip in zip((a, b), ips, strict=True):
        design["switches"][sw]["interfaces"][port] = {"mode": "routed", "ip": ip, "speed": 10000}
    design["links"].append({"a": f"{a}:{port}", "b": f"{b}:{port}", "speed": 10000})


@st.composite
def designs(draw: st.DrawFn) -> dict[str, Any]:
    hosts = draw(st.integers(33, 100))
    design = generate_design(hosts, draw(st.integers(0, 40)), draw(st.integers(0, 5)),
                             draw(st.sampled_from(["mixed", "independent", "stacked", "mlag"])))
    switches = design["switches"]
    dists = sorted(s for s in switches if "-dist-" in s)
    cores = sorted(s for s in switches if s.startswith("core-"))
    # a link is {a, b, speed} or, the generator's hosts', [a, b]
    ends = [(link["a"], link["b"]) if isinstance(link, dict) else tuple(link) for link in design["links"]]
    core_links = [k for k, (a, b) in enumerate(ends) if a.split(":")[0] in cores or b.split(":")[0] in cores]
    for k in sorted(draw(st.sets(st.sampled_from(core_links), max_size=3)), reverse=True):
        del design["links"][k]
    extra = draw(st.lists(st.tuples(st.sampled_from(dists + cores), st.sampled_from(dists + cores)), max_size=4))
    for n, (a, b) in enumerate(extra, start=1):
        if a != b:
            _routed(design, a, b, f"Te9/{n}", (f"10.254.{n}.0/31", f"10.254.{n}.1/31"))
    for d in draw(st.sets(st.sampled_from(dists), max_size=3)):
        routing = switches[d].get("routing")
        if routing is not None and draw(st.booleans()):
            routing["passive_interfaces"] = routing["passive_interfaces"][: draw(st.integers(0, 3))]
        elif routing is not None:
            del switches[d]["routing"]
    if draw(st.booleans()):
        # a routed /31 inside a block's first subnet: its addresses' route class has two prefixes
        d = draw(st.sampled_from(dists))
        svi = next(i for n, i in switches[d]["interfaces"].items() if n.startswith("Vlan"))
        base_ip = svi["ip"].split("/")[0].rsplit(".", 1)[0]
        _routed(design, draw(st.sampled_from(cores)), d, "Te9/50", (f"{base_ip}.250/31", f"{base_ip}.251/31"))
    access = sorted(s for s in switches if s not in dists and s not in cores)
    if access and draw(st.integers(0, 3)):  # (most of the time: its corners are the rarest)
        # a core's routed port facing an access port of a block's VLAN, addressed in its subnet: hosts reach it
        # at layer 2, and its link is routed on one side only
        sw = draw(st.sampled_from(access))
        d = f"{sw.split('-')[0]}-dist-1"
        svis = sorted((n, i) for n, i in switches[d]["interfaces"].items()
                      if n.startswith("Vlan") and int(n[4:]) in switches[sw]["vlans"])
        if svis:
            name, svi = draw(st.sampled_from(svis))
            ip, length = svi["ip"].split("/")
            switches[sw]["interfaces"]["Gi1/0/99"] = {"mode": "access", "vlan": int(name[4:])}
            switches[cores[0]]["interfaces"]["Te9/60"] = {"mode": "routed", "ip": f"{ip.rsplit('.', 1)[0]}.240/{length}"}
            design["links"].append({"a": f"{sw}:Gi1/0/99", "b": f"{cores[0]}:Te9/60"})
            if draw(st.integers(0, 3)):
                # every other port of that subnet takes it as gateway (a router's leg to it, no FHRP)
                vip = svi["fhrp"]["vip"]
                ports = [n for vm in design["vms"].values() for n in vm["nics"]]
                ports += [k for h in design["hosts"].values() for k in h.get("vmkernel", {}).values()]
                for port in [p for p in ports if p.get("gateway") == vip][::2]:
                    port["gateway"] = f"{ip.rsplit('.', 1)[0]}.240"
    fail = draw(st.lists(st.sampled_from(dists + cores), max_size=1))
    if fail:
        design["failures"] = fail
    return design


def _routing_items(inv: vinfra.Inventory) -> list[str]:
    """Every switch with an L3 interface, and every link with one at an end."""
    out = [s for s in elements(inv, ["switches"]) if any(i.ip is not None for i in inv.switches[s].interfaces.values())]
    for item in elements(inv, ["links"]):
        a, b = item.split("--")
        ends = [inv.switches[r.partition(":")[0]].interfaces.get(r.partition(":")[2]) for r in (a, b)]
        if any(i is not None and i.ip is not None for i in ends):
            out.append(item)
    return out


@pytest.mark.deep
@settings(max_examples=examples(20, 500), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(design=designs(), data=st.data())
def test_inherited_answers_equal_the_analysis_from_scratch(design: dict[str, Any], data: st.DataObject) -> None:
    note(json.dumps({k: v for k, v in design.items() if k not in ("hosts", "vms", "clusters", "datastores")}))
    inv = vinfra.from_data(design)
    base = Baseline(inv)
    items = _routing_items(inv)
    picked = data.draw(st.lists(st.sampled_from(items), min_size=1, max_size=8, unique=True)) if items else []
    # the links this test added are always failed: the corners are theirs
    scenarios = [[x] for x in dict.fromkeys(picked + [x for x in items if "Te9/" in x])]
    if len(picked) >= 2:
        scenarios.append(picked[:2])
    for fail in scenarios:
        got = run_scenario(base, fail)
        failures.INHERIT_INTACT = False
        try:
            want = run_scenario(base, fail)
        finally:
            failures.INHERIT_INTACT = True
        assert got == want, fail
