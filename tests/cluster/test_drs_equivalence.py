"""The fast DRS pass equals the obvious one (cluster-behaviour §2.4).

:class:`vinfra.cluster.drs._FastLoad` keeps per-host sums, changes the imbalance in O(1) per move and prunes
the search with upper bounds; ``_drs_reference.SlowLoad`` recomputes every host's load for every candidate
move and tries them all.  Over generated clusters (rules, reservations, limits, shares, powered-off VMs,
maintenance hosts, automation levels, vMotion refusals, HA refusals, every [model] setting) both passes must
recommend the same moves, in the same order, and leave the same imbalance."""

from __future__ import annotations

from typing import Any

import pytest
from _drs_reference import SlowLoad
from hypothesis import HealthCheck, given, settings

from _deep import examples
from _drs_designs import build, clusters
from vinfra.cluster.drs import _FastLoad, _setup, run_pass
from vinfra.cluster.state import ClusterState


def _ha(limit: int | None):  # type: ignore[no-untyped-def]
    """A stand-in for HA admission control: refuse any state with more than ``limit`` VMs on H1."""
    if limit is None:
        return None

    def admits(state: ClusterState) -> str | None:
        on_h1 = sum(1 for s in state.vms.values() if s.host == "H1" and s.power == "on")
        return "InsufficientFailoverResources" if on_h1 > limit else None

    return admits


def _both(case: dict[str, Any]):  # type: ignore[no-untyped-def]
    inv = build(case["hosts"], case["vms"], drs=case["drs"], rules=case["rules"], datastores=("ds1", "ds2"))
    state = ClusterState.of(inv)
    out = []
    for engine in (_FastLoad, SlowLoad):
        setup = _setup(inv, "c1", state, case["maintenance"], case["settings"])
        out.append(run_pass(setup, engine(setup.data), case["threshold"], _ha(case["ha_limit"])))
    return out


@pytest.mark.deep
@settings(max_examples=examples(120), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters())
def test_fast_pass_equals_the_obvious_pass(case: dict[str, Any]) -> None:
    fast, slow = _both(case)
    assert fast.recommendations == slow.recommendations
    assert fast.stuck == slow.stuck
    assert fast.maintenance == slow.maintenance
    assert fast.imbalance_before == pytest.approx(slow.imbalance_before, abs=1e-9)
    # an incremental sum leaves rounding-level variance where the loads are equal, and a standard deviation is
    # its square root: 1e-17 of variance is 3e-9 of imbalance, so compare at 1e-6
    assert fast.imbalance_after == pytest.approx(slow.imbalance_after, abs=1e-6)


def test_the_generator_reaches_what_it_should() -> None:
    """The strategy above makes balancing moves, maintenance evacuations, rule fixes and stuck VMs: an
    equivalence over clusters where nothing happens would prove nothing."""
    seen: set[str] = set()

    # derandomized: a coverage claim must not depend on the draw (a random run once missed every rule fix)
    @settings(max_examples=150, deadline=None, database=None, derandomize=True,
              suppress_health_check=[HealthCheck.too_slow])
    @given(clusters())
    def run(case: dict[str, Any]) -> None:
        fast, _ = _both(case)
        for r in fast.recommendations:
            seen.add("balance" if r.reason == "load balancing" else "maintenance" if "maintenance" in r.reason
                     else "rule" if r.reason.startswith("rule") else "reservations")
        if fast.stuck:
            seen.add("stuck")

    run()
    assert {"balance", "maintenance", "rule", "stuck"} <= seen, seen
