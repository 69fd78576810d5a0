"""``Bulk._combine`` walks toward each routing group once per *twin class* of routers (the same routing
neighbours: a block's distribution pair, every distribution switch under one core pair) and answers each twin
from its class's walk but for its own exceptions (groups it holds or owns something of, first legs that go
elsewhere).  Every pair it answers (regular classes, neither in the other's subnet) gets the verdict of the
ping walked whole, on generated multi-block designs (``vinfra.generate``: many twins) with failed links,
switches and interfaces that split twin classes, and on the random designs of the other reach tests."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

from _deep import examples
from _random_design import Case, cases, sample
from vinfra.analysis.reach import Reach
from vinfra.generate import generate_design


def _assert_combined_pairs_match_walk(case: Case) -> int:
    snap = case.snapshot()
    r = Reach(snap)
    r.classes([(e.name, e) for e in snap.endpoints.listed()])
    bulk = r._bulk
    assert bulk is not None
    local = bulk._local_pairs(bulk.regular)
    checked = 0
    for x, ex in enumerate(bulk.reps):
        if not bulk.regular[x]:
            continue
        for y, ey in enumerate(bulk.reps):
            if y == x or not bulk.regular[y] or (x, y) in local:
                continue
            checked += 1
            assert bool(bulk.row[x] >> y & 1) == r._eval(ex, ey, True), (ex.name, ey.name)
    return checked


@st.composite
def generated(draw: st.DrawFn) -> Case:
    """A generated design of two or three blocks, with up to two failures among its routers, routed links and
    distribution-to-access trunks (a failed uplink of one distribution switch sets it apart from its twins)."""
    hosts = draw(st.integers(33, 70))
    design = generate_design(hosts, draw(st.integers(0, 40)), seed=draw(st.integers(0, 3)),
                             pattern=draw(st.sampled_from(["independent", "stacked", "mlag", "mixed"])))
    switches = design["switches"]
    candidates = sorted(s for s, sw in switches.items() if sw.get("role") in ("core", "distribution"))
    candidates += sorted(f"{s}:{i}" for s in candidates for i, port in switches[s]["interfaces"].items()
                         if port.get("mode") in ("routed", "trunk") or i.startswith("Vlan"))
    fail = draw(st.lists(st.sampled_from(candidates), max_size=2, unique=True))
    return Case(design, tuple(fail))


def test_combined_pairs_match_the_walk_on_a_fixed_sample() -> None:
    assert sum(_assert_combined_pairs_match_walk(case) for case in sample(17, 30)) > 0
    design = generate_design(70, 20, seed=1, pattern="mixed")
    for fail in ((), ("core-1",), ("blk02-dist-1:Te1/1/1",), ("blk01-dist-2",), ("blk03-dist-1:Vlan142",)):
        assert _assert_combined_pairs_match_walk(Case(design, fail)) > 0


@pytest.mark.deep
@settings(max_examples=examples(15, 1_000), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(generated())
def test_combined_pairs_match_the_walk_on_generated_designs(case: Case) -> None:
    note(f"failures: {case.fail}")
    _assert_combined_pairs_match_walk(case)


@pytest.mark.deep
@settings(max_examples=examples(40), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_combined_pairs_match_the_walk(case: Case) -> None:
    note(case.text())
    _assert_combined_pairs_match_walk(case)
