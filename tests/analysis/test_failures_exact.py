"""Property: the failure sweep's shortcuts give exactly the pairs a full recomputation of the scenario loses.

``run_scenario`` answers a failure from the intact design's classes: host-side failures by signatures of the
touched hosts only, with the intact fabric's spanning tree reused; fabric failures that leave layer 3 as it
was on their layer-2 islands, with components renamed as the intact design names them; failures that change
routes only with every signature taken from the intact design; the rest from the failed snapshot's class
matrix with two members asked per class outside the failure's islands.  The truth here is none of that: a
fresh snapshot of the intact design and a fresh one with the scenario's failures, and ``trace``'s walk
(:class:`Forwarding`) of every ordered pair of endpoints in both.  A pair is lost when it was reachable and
is not now; endpoints on a failed device are down, not lost (the module doc of
:mod:`vinfra.analysis.failures`).

The scenarios of a drawn design (:mod:`_random_design`, whose designs cover topology-v1 with their own
``failures:`` as the intact state, and the drawn engine settings) cover every kind the sweep fails: a switch,
an inter-switch link, a host pNIC and a host (:func:`elements`, one of each kind the design has), a pair of
them (depth 2), and the case's extra failures, which may also name stack members, switch ports and
port-channels (what ``vinfra diff --fail`` accepts).
"""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from _deep import examples
from _random_design import Case, cases
from _reach_oracle import lost_by_walk
from vinfra.analysis.failures import KINDS, Baseline, elements, run_scenario


@st.composite
def scenarios_of(draw: st.DrawFn, case: Case) -> list[list[str]]:
    inv = case.inventory()
    out: list[list[str]] = []
    by_kind = {k: elements(inv, [k]) for k in KINDS}
    drawn = [draw(st.sampled_from(items)) for items in by_kind.values() if items]
    out += [[x] for x in drawn]
    everything = [x for items in by_kind.values() for x in items]
    if len(everything) >= 2:
        pair = draw(st.lists(st.sampled_from(everything), min_size=2, max_size=2, unique=True))
        out.append(pair)
    if case.fail:
        out.append(list(case.fail))
    return out


@pytest.mark.deep
@settings(max_examples=examples(40, 3_000), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(st.data())
def test_every_scenario_loses_exactly_what_a_full_recomputation_loses(data: st.DataObject) -> None:
    case = data.draw(cases())
    note(case.text())
    base = Baseline(case.inventory(), settings=case.settings)
    for fail in data.draw(scenarios_of(case)):
        row = run_scenario(base, fail)
        want = lost_by_walk(case, fail)
        got = {(a, b) for a, b in row["lost"]}
        assert got == want, (fail, sorted(got - want)[:5], sorted(want - got)[:5])
        assert (row["impact"] == "outage") is bool(want), (fail, row["impact"])
        assert (row["recovery_s"] is None) is bool(want), (fail, row["recovery_s"])


def test_a_host_port_failure_that_downs_a_stack_svi_reaches_the_fabric() -> None:
    """Found by the property test: the port is on stack member a0, the SVIs are declared on member a1 (they are
    the stack's, topology-v1 "Stacks"); when esx0's only uplink fails, the stack has no live port in VLAN 10,
    20 or 30 and its SVIs go down (autostate), so pairs between the SVIs are lost too."""
    import vinfra

    vlan_ports = {"VM10": {"vlan": 10}, "VM20": {"vlan": 20}, "VM30": {"vlan": 30}}
    design = {
        "name": "stack-svi",
        "switches": {
            "a0": {"stack": "stk", "vlans": [1, 10, 20, 30], "interfaces": {
                "Gi1/0/1": {"mode": "trunk", "allowed_vlans": "1,10,20,30", "stp": {"edge": True}}}},
            "a1": {"stack": "stk", "interfaces": {"Vlan10": {"ip": "10.0.10.1/24"}, "Vlan20": {"ip": "10.0.20.1/24"},
                                                 "Vlan30": {"ip": "10.0.30.1/24"}}}},
        "hosts": {"esx0": {"nics": {"vmnic0": {}}, "vswitches": {"vSwitch0": {"uplinks": ["vmnic0"],
                                                                             "portgroups": vlan_ports}}}},
        "vms": {"vm00": {"host": "esx0", "nics": [{"network": "VM10", "ip": "10.0.10.11/24", "gateway": "10.0.10.1"}]}},
        "links": [["esx0:vmnic0", "a0:Gi1/0/1"]],
    }
    case = Case(design)
    row = run_scenario(Baseline(vinfra.from_data(design)), ["esx0:vmnic0"])
    want = lost_by_walk(case, ["esx0:vmnic0"])
    assert ("a1:Vlan10", "a1:Vlan20") in want
    assert {(a, b) for a, b in row["lost"]} == want


@pytest.mark.deep
@settings(max_examples=examples(1, 30), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(seed=st.integers(0, 100_000), data=st.data())
def test_a_failure_in_one_block_keeps_the_other_blocks_pairs_exactly(seed: int, data: st.DataObject) -> None:
    """Several layer-2 islands joined by routed links (the benchmark's block design, small: two blocks and a
    routed core): a failure in one block leaves the hosts of the other outside its islands, and their pairs
    within a subnet (host to host, to an SVI, to a virtual IP) take the intact design's answer instead of a
    walk (``failures._unchanged_answers``; the random designs above are one island, where a routed failure
    exercises it).  Checked against the walk of every pair, for a switch or link of either block or the core,
    and a pair of them."""
    from vinfra.generate import generate_design

    design = generate_design(36, 8, seed=seed)
    case = Case(design)
    inv = case.inventory()
    base = Baseline(inv)
    items = elements(inv, ["switches", "links"])
    # a router's failure is answered from the failed snapshot's class matrix, where the shortcut applies
    routers = [s for s in sorted(inv.switches) if any(i.ip is not None for i in inv.switches[s].interfaces.values())]
    fails = [[data.draw(st.sampled_from(routers))],
             data.draw(st.lists(st.sampled_from(items), min_size=2, max_size=2, unique=True))]
    for fail in fails:
        row = run_scenario(base, fail)
        want = lost_by_walk(case, fail)
        assert {(a, b) for a, b in row["lost"]} == want, fail
        assert (row["impact"] == "outage") is bool(want), (fail, row["impact"])


def test_an_anycast_only_svi_split_from_its_peer_is_a_layer_3_change() -> None:
    """Regression (found by the property above): a0 fails, and r0's anycast-only Vlan20 SVI (no ip of its own;
    its connected subnet is the anycast vip's, topology-v1 anycast gateways) is cut from r1's Vlan20 while
    staying up (svi_autostate off).  Layer 3 is not as it was, so the pairs between r0's SVIs and r1:Vlan20 are
    lost; the layer-3-unchanged shortcut used to skip an SVI without an ip and miss them."""
    import dataclasses
    from pathlib import Path

    import yaml_rs

    from _random_design import DEFAULT_SETTINGS

    data = yaml_rs.loads((Path(__file__).resolve().parents[1] / "data" / "failures-anycast-only-svi-split.yaml")
                         .read_text(encoding="utf-8"))
    case = Case(data, tuple(data.pop("failures")), dataclasses.replace(DEFAULT_SETTINGS, svi_autostate=False))
    base = Baseline(case.inventory(), settings=case.settings)
    fail = ["esx0:vmnic1", "a0"]
    got = {(a, b) for a, b in run_scenario(base, fail)["lost"]}
    want = lost_by_walk(case, fail)
    assert ("r0:Vlan10", "r1:Vlan20") in want
    assert got == want


def test_a_port_moved_into_a_one_member_class_is_walked_toward_its_member() -> None:
    """Regression (found by the first property above): failing esx0:vmnic0 re-homes esx0:vmk0 on dvs1's other
    uplinks (T10; beacon probing, T14), so its frames enter layer 2 at a1 and the anycast gateway routing them is
    a1's (topology-v1 anycast gateway): vmk0 joins the intact class of vm12:nic1 on esx1, a class of one member.
    The class matrix has no answer for such a class toward itself (stored as 0), and the host-side shortcut
    (``failures._lost_local``) read it as the pair vmk0 <-> vm12:nic1 being lost; both still reach each other."""
    import dataclasses
    from pathlib import Path

    import yaml_rs

    from _random_design import DEFAULT_SETTINGS

    data = yaml_rs.loads((Path(__file__).resolve().parents[1] / "data" / "failures-local-one-member-class-joined.yaml")
                         .read_text(encoding="utf-8"))
    case = Case(data, (), dataclasses.replace(DEFAULT_SETTINGS, svi_autostate=False, pvst_blocks_native_mismatch=False))
    base = Baseline(case.inventory(), settings=case.settings)
    fail = ["esx0:vmnic0"]
    got = {(a, b) for a, b in run_scenario(base, fail)["lost"]}
    want = lost_by_walk(case, fail)
    assert ("esx0:vmk0", "10.0.30.1") in want  # pairs it does lose: still reported
    assert ("esx0:vmk0", "vm12:nic1") not in want
    assert got == want
