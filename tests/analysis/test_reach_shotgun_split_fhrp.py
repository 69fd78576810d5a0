"""A reach==trace counterexample found by ``make deep-test``, fixed: a port in beacon shotgun mode between
split-brain FHRP routers.

a0 and a1 are an MLAG pair whose peer link a0:Po1 has failed: each keeps its own VLANs, and both are active for
HSRP groups 10 and 20 (split brain; ``duplicate-ip`` counts two owners of 10.0.10.1 and of 10.0.20.1).  esx0
probes beacons over vmnic1 (to a1) and vmnic2 (to a0); neither hears the other, so it is in shotgun mode and
every frame leaves on both (T14, M12).  Its ARP for its gateway 10.0.10.1 is answered by a0 and by a1 with the
group's one virtual MAC.  Before the fix each engine took one of the two answers (trace the first uplink's, reach
the first component's) and they disagreed on 8 ordered pairs: vm00 and esx0:vmk0 with a0's and a1's VLAN 20
SVIs, both ways.

The rule now (:mod:`vinfra.network.forwarding`, "Split answers"; topology-v1 "Duplicate addresses"): which router
takes the packet is a race, so the ping is walked through each; the same answer through both is the answer,
different answers make the pair unreachable ("duplicate address").  10.0.20.2 is answered through a0 only and
10.0.20.3 through a1 only (VLAN 20 is cut between them): those 8 pairs are unreachable.  a0:Vlan30 is reached
through either (a1 routes to it over the routed link), and so is everything else.
"""

from __future__ import annotations

import copy
from pathlib import Path
from typing import Any

import yaml_rs

from _random_design import Case
from _reach_oracle import disagreements, lost_by_walk, walk
from vinfra.analysis.failures import KINDS, Baseline, elements, run_scenario
from vinfra.analysis.reach import Reach, reach

DESIGN = Path(__file__).resolve().parents[1] / "data" / "reach-trace-shotgun-split-fhrp.yaml"
SHOTGUN_PORTS = ("vm00", "esx0:vmk0")
SPLIT_SVIS = ("a0:Vlan20", "a1:Vlan20")


def _design() -> dict[str, Any]:
    return yaml_rs.loads(DESIGN.read_text(encoding="utf-8"))


def _answers(design: dict[str, Any]) -> dict[tuple[str, str], tuple[bool, str | None]]:
    """Every listed pair as ``reach`` answers it, with trace's reason."""
    case = Case(design)
    return {(p["src"], p["dst"]): (p["reachable"], p["reason"])
            for p in reach(case.snapshot(), list_pairs=True)["pairs"]}


def test_reach_equals_trace_with_a_shotgun_host_between_split_fhrp_routers() -> None:
    wrong = disagreements(Case(_design()))
    assert not wrong, "\n".join(wrong)


def test_a_pair_whose_answer_depends_on_which_router_answers_is_a_duplicate_address() -> None:
    """The 8 pairs of the counterexample: through a0 10.0.20.2 answers and 10.0.20.3 does not, through a1 the
    other way round, so each depends on the race (topology-v1 "Duplicate addresses")."""
    answers = _answers(_design())
    affected = [(a, b) for a in SHOTGUN_PORTS for b in SPLIT_SVIS] + [(b, a) for a in SHOTGUN_PORTS for b in SPLIT_SVIS]
    assert len(affected) == 8
    for pair in affected:
        ok, reason = answers[pair]
        assert not ok, pair
        assert reason is not None and reason.startswith("duplicate address: ARP for 10.0.10.1"), (pair, reason)
        assert "a0:Vlan10 (10.0.10.1)" in reason and "a1:Vlan10 (10.0.10.1)" in reason, reason


def test_a_pair_answered_alike_through_either_router_keeps_its_answer() -> None:
    """The race does not matter where both routers lead to the same answer: a0:Vlan30 is a0's own and a1 routes
    to it over the routed link; the virtual IPs are owned by whichever router takes the packet; vm10 and esx1:vmk0 are in the host's own subnet (no gateway asked)."""
    answers = _answers(_design())
    for a in SHOTGUN_PORTS:
        for b in ("a0:Vlan30", "10.0.10.1", "10.0.20.1", "a0:Vlan10", "a1:Vlan10", "vm10", "esx1:vmk0"):
            assert answers[(a, b)] == (True, None), (a, b, answers[(a, b)])
            assert answers[(b, a)] == (True, None), (b, a, answers[(b, a)])
    # only the shotgun ports' pairs with the split VLAN 20 SVIs are duplicate addresses
    raced = {pair for pair, (ok, reason) in answers.items() if reason and reason.startswith("duplicate address")}
    assert raced == {(a, b) for a in SHOTGUN_PORTS for b in SPLIT_SVIS} | {(b, a) for a in SHOTGUN_PORTS for b in SPLIT_SVIS}


def test_with_the_peer_link_up_there_is_one_active_router_and_no_race() -> None:
    """Not too broad: with a0:Po1 up the pair is one layer-2 domain, esx0's beacons pass (no shotgun) and one
    router is active for each group (topology-v1 "Layer 3"): every pair is reachable, no duplicate address."""
    design = _design()
    design["failures"] = []
    snap = Case(design).snapshot()
    assert not any(ts.shotgun for ts in snap.team_states.values())
    answers = _answers(design)
    assert all(ok for ok, _ in answers.values()), sorted(p for p, (ok, _) in answers.items() if not ok)
    assert not disagreements(Case(design))


def test_a_host_not_in_shotgun_mode_keeps_its_answers_beside_split_routers() -> None:
    """Not too broad: the same split, but esx0 detects failures by link status (T13): its frames leave on one
    uplink, its ARP for the gateway reaches one active router, and nothing races.  Port IDs home vm00 and
    esx0:vmk0 on vmnic1 or vmnic2 (the first live active members, T1), so each reaches the VLAN 20 SVI on its
    own uplink's switch only, as before the fix."""
    design = _design()
    design["hosts"]["esx0"]["vswitches"]["vSwitch0"]["teaming"]["detection"] = "link_status"
    snap = Case(design).snapshot()
    assert not any(ts.shotgun for ts in snap.team_states.values())
    truth = walk(snap, snap.endpoints.listed())
    assert not any(v.reason and v.reason.startswith("duplicate address") for v in truth.values())
    for a in SHOTGUN_PORTS:
        reached = {b for b in SPLIT_SVIS if truth[(a, b)].ok}
        assert len(reached) == 1, (a, reached)
    assert not disagreements(Case(design))


def test_the_shotgun_ports_are_walked_pair_by_pair() -> None:
    """reach gives the ports that may meet a split answer classes of their own: its bulk pieces ask for a
    gateway once, the walk asks through each answering router."""
    snap = Case(_design()).snapshot()
    r = Reach(snap)
    for e in snap.endpoints.listed():
        sig = r.signature(e)
        assert (sig[0] == "own") is (e.name in SHOTGUN_PORTS), (e.name, sig)


def test_an_anycast_gateway_held_on_both_sides_is_no_race() -> None:
    """An anycast gateway has no election: every live holder is active by design (topology-v1 "Layer 3"), and
    ``duplicate-ip`` counts one endpoint however many switches hold it.  The same split with anycast gateways
    is no duplicate address, and reach agrees with trace."""
    design = copy.deepcopy(_design())
    for sw in ("a0", "a1"):
        for vlan, vip in (("Vlan10", "10.0.10.1/24"), ("Vlan20", "10.0.20.1/24")):
            design["switches"][sw]["interfaces"][vlan]["fhrp"] = {"protocol": "anycast", "vip": vip}
    snap = Case(design).snapshot()
    truth = walk(snap, snap.endpoints.listed())
    assert not any(v.reason and v.reason.startswith("duplicate address") for v in truth.values())
    assert not disagreements(Case(design))


def test_the_failure_sweep_loses_exactly_what_the_walk_loses_around_the_split() -> None:
    """The failure sweep's shortcuts (signatures of touched hosts, inherited classes) against fresh walks of every
    pair: from the intact pair (peer link up) failing a0:Po1 makes the split and the shotgun, and every other
    element is failed too; from the split design, every element (a host pNIC ends the shotgun)."""
    for intact_failures in ([], ["a0:Po1"]):
        design = _design()
        design["failures"] = intact_failures
        case = Case(design)
        inv = case.inventory()
        base = Baseline(inv, settings=case.settings)
        scenarios = [[x] for x in elements(inv, list(KINDS))] + ([["a0:Po1"]] if not intact_failures else [])
        for fail in scenarios:
            row = run_scenario(base, fail)
            want = lost_by_walk(case, fail)
            if fail == ["a0:Po1"]:  # the split makes the race: lost, as is a1's side from a0's
                assert {("vm00", "a0:Vlan20"), ("vm00", "a1:Vlan20"), ("a1:Vlan20", "esx0:vmk0")} <= want
            assert {(a, b) for a, b in row["lost"]} == want, (intact_failures, fail)
