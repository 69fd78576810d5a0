"""DRS (cluster-behaviour.md §2): the resource model, the metric, the pass and its [model] settings, initial
placement, and the §7 acceptance scenarios 6, 7 and 8 (named by number)."""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from _deep import examples
from _drs_designs import build, clusters, scenario6
from vinfra.cluster.drs import (
    Claim,
    DrsSettings,
    divvy,
    drs_pass,
    place,
    priority_of,
    stddev,
    target_imbalance,
)
from vinfra.cluster.rules import PlacementRules
from vinfra.cluster.state import ClusterState


def moves(answer: Any) -> list[tuple[str, str, str, int]]:
    return [(r.vm, r.source, r.target, r.priority) for r in answer.recommendations]


def applied(inv: Any, answer: Any) -> dict[str, str]:
    placement = ClusterState.of(inv).placement()
    for r in answer.recommendations:
        placement[r.vm] = r.target
    return placement


# §7 acceptance scenarios --------------------------------------------------------------------------------------
def test_scenario_6_drs_pass() -> None:
    """§7.6: N = (0.70, 0.20, 0.10), I = 0.2625, T = 3 -> target 0.1155; exactly one move, the 3000-MHz VM
    H1 -> H3 (N = 0.4, 0.2, 0.4, I = 0.0943), priority 6 - ceil(4.55) = 1 clamped to 2."""
    answer = drs_pass(scenario6(), "c1")
    assert answer.imbalance_before == pytest.approx(0.2625, abs=5e-4)
    assert answer.target == pytest.approx(0.1155, abs=5e-5)
    assert moves(answer) == [("a", "H1", "H3", 2)]
    assert answer.imbalance_after == pytest.approx(0.0943, abs=5e-5)
    assert answer.recommendations[0].automatic  # fully automated: applied
    row = answer.row()
    assert row["imbalance"] == {"before": answer.imbalance_before, "after": answer.imbalance_after,
                                "target": answer.target}
    assert row["recommendations"] == [{"vm": "a", "from": "H1", "to": "H3", "priority": 2,
                                       "reason": "load balancing", "automatic": True}]


@pytest.mark.parametrize("level", ["manual", "partially"])
def test_scenario_6_manual_and_partial_only_list_it(level: str) -> None:
    answer = drs_pass(scenario6(drs={"automation": level}), "c1")
    assert moves(answer) == [("a", "H1", "H3", 2)] and not answer.recommendations[0].automatic


def test_scenario_6_threshold_1_balances_nothing() -> None:
    answer = drs_pass(scenario6(), "c1", threshold=1)
    assert answer.recommendations == () and math.isinf(answer.target) and answer.row()["imbalance"]["target"] is None


def _scenario7(**kw: Any) -> Any:
    """§7.7: A and B in an anti-affinity rule, both on H1 after an HA restart."""
    hosts = {"H1": {}, "H2": {}, "H3": {}}
    vms = {"A": {"host": "H1", "cpu_mhz": 1000}, "B": {"host": "H1", "cpu_mhz": 1000},
           "C": {"host": "H2", "cpu_mhz": 1000}, "D": {"host": "H3", "cpu_mhz": 1000}}
    return build(hosts, vms, rules=[{"name": "ab-apart", "type": "anti_affinity", "vms": ["A", "B"]}], **kw)


@pytest.mark.parametrize("threshold", [1, 3, 5])
def test_scenario_7_anti_affinity(threshold: int) -> None:
    """§7.7: the next pass moves one of them off H1 at priority 1, even with T = 1."""
    inv = _scenario7()
    answer = drs_pass(inv, "c1", threshold=threshold)
    first = answer.recommendations[0]
    assert (first.vm, first.source, first.priority) == ("B", "H1", 1)
    assert "ab-apart" in first.reason and first.automatic
    placement = applied(inv, answer)
    assert placement["A"] != placement["B"]
    assert PlacementRules.of(inv, "c1").violations(placement) == []
    if threshold == 1:
        assert [r.priority for r in answer.recommendations] == [1]


def _scenario8(*, rule: bool = True) -> Any:
    """§7.8: X must run on {H2}; H2 holds X and two other VMs."""
    hosts = {"H1": {}, "H2": {}, "H3": {}}
    vms = {"X": {"host": "H2", "cpu_mhz": 1000}, "Y": {"host": "H2", "cpu_mhz": 1000},
           "Z": {"host": "H2", "cpu_mhz": 500}, "W": {"host": "H1", "cpu_mhz": 500}}
    rules = [{"name": "x-on-h2", "type": "vm_host", "vms": ["X"], "hosts": ["H2"], "must": True}] if rule else []
    return build(hosts, vms, rules=rules)


def test_scenario_8_required_rule_blocks_maintenance() -> None:
    """§7.8: H2 enters maintenance: X is not evacuated and the task does not complete; the others leave."""
    answer = drs_pass(_scenario8(), "c1", maintenance=["H2"])
    evacuated = {r.vm for r in answer.recommendations if r.priority == 1}
    assert evacuated == {"Y", "Z"}
    assert all(r.source == "H2" and r.target != "H2" for r in answer.recommendations if r.priority == 1)
    assert [vm for vm, _ in answer.stuck] == ["X"] and "VM-Host rule 'x-on-h2'" in answer.stuck[0][1]
    assert answer.maintenance == (("H2", False),)  # the task stays running
    assert answer.row()["maintenance"] == [{"host": "H2", "complete": False}]


def test_scenario_8_without_the_rule_the_task_completes() -> None:
    hosts = {"H1": {}, "H2": {}, "H3": {}}
    inv = build(hosts, {"X": {"host": "H2", "cpu_mhz": 1000}, "Y": {"host": "H2", "cpu_mhz": 1000}})
    answer = drs_pass(inv, "c1", maintenance=["H2"])
    assert answer.stuck == () and answer.maintenance == (("H2", True),)
    assert {r.vm for r in answer.recommendations} == {"X", "Y"}


# §2.1 entitlement ---------------------------------------------------------------------------------------------
def divvy_rounds(capacity: float, claims: list[Claim], eps: float = 1e-9) -> list[float]:
    """The doc's iterative divvy, literally (§2.1)."""
    ent = [c.reservation for c in claims]
    free = capacity - sum(ent)
    active = [i for i, c in enumerate(claims) if ent[i] < c.cap]
    while free > eps and active:
        tot = sum(claims[i].shares for i in active)
        if tot <= 0:
            break
        for i in list(active):
            ent[i] += min(free * claims[i].shares / tot, claims[i].cap - ent[i])
        free = capacity - sum(ent)
        active = [i for i in active if ent[i] < claims[i].cap - eps]
    return ent


claim = st.builds(Claim, reservation=st.sampled_from([0.0, 100.0, 500.0, 2000.0]),
                  limit=st.one_of(st.none(), st.sampled_from([200.0, 1000.0, 5000.0])),
                  shares=st.sampled_from([0.0, 500.0, 1000.0, 2000.0, 3333.0]),
                  demand=st.floats(0, 6000, allow_nan=False))


@pytest.mark.deep
@settings(max_examples=examples(300), deadline=None)
@given(st.floats(0, 20_000, allow_nan=False), st.lists(claim, max_size=8))
def test_divvy_closed_form_equals_the_iterative_loop(capacity: float, claims: list[Claim]) -> None:
    fast, slow = divvy(capacity, claims), divvy_rounds(capacity, claims)
    assert fast == pytest.approx(slow, abs=1e-5)
    for e, c in zip(fast, claims, strict=True):
        assert c.reservation - 1e-9 <= e <= c.cap + 1e-9  # starts at R, never above min(L, demand)


def test_divvy_shares_split_the_scarce_rest() -> None:
    # 3000 MHz for three VMs asking 2000 each, shares 1:1:2 -> 750, 750, 1500
    claims = [Claim(0, None, 1000, 2000), Claim(0, None, 1000, 2000), Claim(0, None, 2000, 2000)]
    assert divvy(3000, claims) == pytest.approx([750, 750, 1500])
    # a reservation is kept even above demand; a limit caps
    assert divvy(10_000, [Claim(1500, None, 1000, 200), Claim(0, 300, 1000, 2000)]) == pytest.approx([1500, 300])


def test_entitlement_reservation_limit_and_shares_move_the_load() -> None:
    """A limit caps what counts for a host; shares decide who gets scarce CPU (§2.1)."""
    hosts = {"H1": {"mhz": 4000}, "H2": {"mhz": 4000}}
    capped = build(hosts, {"a": {"host": "H1", "cpu_mhz": 4000, "cpu": {"limit_mhz": 1000}},
                           "b": {"host": "H2", "cpu_mhz": 1000}})
    assert drs_pass(capped, "c1").imbalance_before == pytest.approx(0.0)
    # 8000 MHz of cluster for 12000 asked: high shares get twice normal's share of the rest
    scarce = build(hosts, {"a": {"host": "H1", "cpu_mhz": 6000, "cpu": {"shares": "high"}},
                           "b": {"host": "H2", "cpu_mhz": 6000}})
    # lam * (2000 + 1000) = 8000: a gets 5333 MHz, b 2667, of 4000 each
    assert drs_pass(scarce, "c1", threshold=1).imbalance_before == pytest.approx(stddev([16 / 12, 8 / 12]))


# §2.2 metric ---------------------------------------------------------------------------------------------------
def test_target_and_priority_formulas() -> None:
    assert target_imbalance(3, 3) == pytest.approx(0.2 / math.sqrt(3))
    assert target_imbalance(5, 4) == 0.0 and math.isinf(target_imbalance(1, 4))
    assert priority_of(0.2625, 3) == 2  # 6 - ceil(4.55) = 1, clamped
    assert priority_of(0.02, 4) == 5  # 6 - ceil(0.4) = 5
    assert priority_of(0.09, 4) == 4  # 6 - ceil(1.8) = 4
    assert priority_of(0.0, 4) == 5
    assert priority_of(0.05, 4, DrsSettings(priority_range=(1, 5))) == 5


@pytest.mark.parametrize(("combine", "before"), [
    ("cpu", stddev([0.6, 0.2])), ("memory", stddev([0.125, 0.5])), ("max", stddev([0.6, 0.5])),
    ("mean", stddev([0.8 * 0.6 + 0.2 * 0.125, 0.8 * 0.2 + 0.2 * 0.5])),
])
def test_combine_cpu_and_memory(combine: str, before: float) -> None:
    """§2.2 [model]: N_h combines normalized CPU and memory entitlement as ``combine`` says."""
    inv = build({"H1": {"memory_gb": 16}, "H2": {"memory_gb": 16}},
                {"a": {"host": "H1", "cpu_mhz": 6000, "mem_gb": 2}, "b": {"host": "H2", "cpu_mhz": 2000, "mem_gb": 8}})
    answer = drs_pass(inv, "c1", threshold=1, settings=DrsSettings(combine=combine, cpu_weight=0.8))  # type: ignore[arg-type]
    assert answer.imbalance_before == pytest.approx(before)


# §2.4 the pass and its settings -------------------------------------------------------------------------------
def _hot_cold(n_vms: int = 12, **kw: Any) -> Any:
    """H1 carries every VM (each 500 MHz of 10,000), H2 and H3 are empty."""
    return build({"H1": {}, "H2": {}, "H3": {}}, {f"v{k:02d}": {"host": "H1", "cpu_mhz": 500} for k in range(n_vms)},
                 **kw)


def test_max_moves_per_host_limits_balancing_only() -> None:
    answer = drs_pass(_hot_cold(), "c1", threshold=5, settings=DrsSettings(max_moves_per_host=3))
    assert len(answer.recommendations) == 3 and all(r.source == "H1" for r in answer.recommendations)
    # evacuation for maintenance has no limit (§2.7)
    evac = drs_pass(_hot_cold(), "c1", maintenance=["H1"], settings=DrsSettings(max_moves_per_host=3))
    assert sum(1 for r in evac.recommendations if r.priority == 1) == 12 and evac.stuck == ()


def test_move_limit_counting_both_ends() -> None:
    hosts = {"H1": {}, "H2": {}, "H3": {}}
    vms = {**{f"a{k}": {"host": "H1", "cpu_mhz": 800} for k in range(8)},
           **{f"b{k}": {"host": "H2", "cpu_mhz": 800} for k in range(8)}}
    inv = build(hosts, vms)
    by_source = drs_pass(inv, "c1", threshold=5, settings=DrsSettings(max_moves_per_host=2, move_limit_counts="source"))
    both = drs_pass(inv, "c1", threshold=5, settings=DrsSettings(max_moves_per_host=2))  # the default: both ends
    assert len(by_source.recommendations) == 4  # two out of H1, two out of H2, all into H3
    assert len(both.recommendations) == 2  # H3 takes part in at most two
    for answer, limit in ((by_source, 2), (both, 2)):
        counts: dict[str, int] = {}
        for r in answer.recommendations:
            counts[r.source] = counts.get(r.source, 0) + 1
            if answer is both:
                counts[r.target] = counts.get(r.target, 0) + 1
        assert max(counts.values()) <= limit


def test_at_move_limit_stop_ends_the_pass() -> None:
    """``skip``: a host at its limit stops being a source, the others go on; ``stop``: the doc's pseudo-code,
    the pass ends when the best move's source is at its limit."""
    vms = {**{f"a{k}": {"host": "H1", "cpu_mhz": 800} for k in range(8)},
           **{f"b{k}": {"host": "H2", "cpu_mhz": 800} for k in range(4)}}
    inv = build({"H1": {}, "H2": {}, "H3": {}}, vms)
    base = DrsSettings(max_moves_per_host=1, move_limit_counts="source")
    skip = drs_pass(inv, "c1", threshold=5, settings=base)
    stop = drs_pass(inv, "c1", threshold=5, settings=DrsSettings(max_moves_per_host=1, move_limit_counts="source",
                                                                 at_move_limit="stop"))
    assert [(r.source, r.target) for r in stop.recommendations] == [("H1", "H3")]
    assert [(r.source, r.target) for r in skip.recommendations] == [("H1", "H3"), ("H2", "H3")]


def test_max_moves_total() -> None:
    answer = drs_pass(_hot_cold(), "c1", threshold=5, settings=DrsSettings(max_moves_per_host=None, max_moves_total=2))
    assert len(answer.recommendations) == 2


def test_min_goodness_drops_small_gains() -> None:
    every = drs_pass(_hot_cold(), "c1", threshold=5, settings=DrsSettings(max_moves_per_host=None))
    picky = drs_pass(_hot_cold(), "c1", threshold=5, settings=DrsSettings(max_moves_per_host=None, min_goodness=0.031))
    assert 0 < len(picky.recommendations) < len(every.recommendations)
    assert picky.imbalance_after > every.imbalance_after


def test_cost_benefit_drops_moves_that_cost_more_than_they_gain() -> None:
    big = build({"H1": {}, "H2": {}}, {"a": {"host": "H1", "cpu_mhz": 1000, "memory_gb": 64},
                                       "b": {"host": "H1", "cpu_mhz": 1000, "memory_gb": 64}},)
    assert len(drs_pass(big, "c1", threshold=5).recommendations) == 1
    # 64 GB at 1150 MB/s is 57 s of vMotion; the gain (0.1 of stddev) lasts 1 s: not worth it
    costly = DrsSettings(cost_benefit=True, stable_period_s=1.0)
    assert drs_pass(big, "c1", threshold=5, settings=costly).recommendations == ()
    assert len(drs_pass(big, "c1", threshold=5, settings=DrsSettings(cost_benefit=True)).recommendations) == 1


def test_vm_automation_disabled_never_moves_but_counts() -> None:
    spec = {"v00": {"host": "H1", "cpu_mhz": 3000, "drs": {"automation": "disabled"}},
            "v01": {"host": "H1", "cpu_mhz": 3000, "drs": {"automation": "manual"}}}
    inv = build({"H1": {}, "H2": {}}, spec)
    answer = drs_pass(inv, "c1")
    assert moves(answer) == [("v01", "H1", "H2", 2)] and not answer.recommendations[0].automatic
    assert answer.imbalance_before == pytest.approx(0.3)
    stuck = drs_pass(inv, "c1", maintenance=["H1"])
    assert stuck.stuck == (("v00", "DRS is disabled for the VM"),)


def test_local_device_pins_a_vm() -> None:
    inv = build({"H1": {}, "H2": {}}, {"a": {"host": "H1", "cpu_mhz": 3000, "local_devices": ["cdrom"]},
                                       "b": {"host": "H1", "cpu_mhz": 100}})
    answer = drs_pass(inv, "c1", maintenance=["H1"])
    assert [vm for vm, _ in answer.stuck] == ["a"] and "DeviceBackingNotAccessible" in answer.stuck[0][1]


def test_vmotion_refusals_keep_vms_where_they_are() -> None:
    """P3 (H2 lacks the datastore) and P1 (H3 has no vMotion port): the only way out is H4."""
    hosts = {"H1": {}, "H2": {"datastores": []}, "H3": {"vmotion": False}, "H4": {}}
    inv = build(hosts, {"a": {"host": "H1", "cpu_mhz": 3000}, "b": {"host": "H1", "cpu_mhz": 3000}})
    answer = drs_pass(inv, "c1", threshold=5)
    assert {r.target for r in answer.recommendations} == {"H4"}
    evac = drs_pass(inv, "c1", maintenance=["H1", "H4"])
    assert [vm for vm, _ in evac.stuck] == ["a", "b"]
    assert "DatastoreNotAccessible" in evac.stuck[0][1] and "VMotionNotConfigured" in evac.stuck[0][1]
    off = drs_pass(inv, "c1", maintenance=["H1", "H4"], settings=DrsSettings(vmotion_checks=False))
    assert off.stuck == ()


def test_reservations_must_fit_and_overcommitted_hosts_are_relieved() -> None:
    hosts = {"H1": {"mhz": 4000}, "H2": {"mhz": 4000}}
    vms = {"a": {"host": "H1", "cpu_mhz": 100, "cpu": {"reservation_mhz": 3000}},
           "b": {"host": "H1", "cpu_mhz": 100, "cpu": {"reservation_mhz": 3000}}}
    answer = drs_pass(build(hosts, vms), "c1", threshold=1)
    assert moves(answer) == [("b", "H1", "H2", 1)] and "exceed" in answer.recommendations[0].reason
    full = {**vms, "c": {"host": "H2", "cpu_mhz": 3900, "cpu": {"reservation_mhz": 3000}}}
    assert drs_pass(build(hosts, full), "c1", threshold=5).recommendations == ()  # nowhere fits


def test_should_rules_are_honoured_by_balancing() -> None:
    rules = [{"name": "pref", "type": "vm_host", "vms": ["a", "b"], "hosts": ["H1", "H2"], "must": False}]
    inv = build({"H1": {}, "H2": {}, "H3": {}}, {"a": {"host": "H1", "cpu_mhz": 4000},
                                                 "b": {"host": "H1", "cpu_mhz": 4000}}, rules=rules)
    assert {r.target for r in drs_pass(inv, "c1").recommendations} == {"H2"}
    # evacuation breaks a "should" rule when there is no alternative
    evac = drs_pass(inv, "c1", maintenance=["H1", "H2"])
    assert {r.target for r in evac.recommendations} == {"H3"} and evac.stuck == ()


def test_affinity_violation_joins_the_majority() -> None:
    rules = [{"name": "together", "type": "affinity", "vms": ["a", "b", "c"]}]
    inv = build({"H1": {}, "H2": {}}, {"a": {"host": "H1", "cpu_mhz": 100}, "b": {"host": "H2", "cpu_mhz": 100},
                                       "c": {"host": "H2", "cpu_mhz": 100}}, rules=rules)
    answer = drs_pass(inv, "c1", threshold=1)
    assert moves(answer) == [("a", "H1", "H2", 1)]


def test_ha_admission_is_a_pluggable_check() -> None:
    """The HA check is the caller's: a refusal drops the move (§2.4 feasible, P7) and leaves VMs stuck."""
    seen: list[ClusterState] = []

    def refuse_h3(state: ClusterState) -> str | None:
        seen.append(state)
        return "InsufficientFailoverResources" if any(s.host == "H3" for s in state.vms.values()) else None

    answer = drs_pass(scenario6(), "c1", ha_admits=refuse_h3)
    assert all(r.target != "H3" for r in answer.recommendations) and seen
    assert seen[0].hosts["H1"].maintenance is False
    evac = drs_pass(_scenario8(rule=False), "c1", maintenance=["H2", "H1"], ha_admits=refuse_h3)
    assert {vm for vm, _ in evac.stuck} == {"W", "X", "Y", "Z"}  # H3 is all that is left, and HA refuses it
    assert all(s.hosts["H2"].maintenance for s in seen[-3:])  # the state HA sees has the host going away


def test_disabled_drs_recommends_nothing() -> None:
    answer = drs_pass(scenario6(drs={"enabled": False}), "c1", maintenance=["H1"])
    assert answer.recommendations == () and len(answer.stuck) == 3


def test_bad_arguments() -> None:
    with pytest.raises(KeyError):
        drs_pass(scenario6(), "nope")
    with pytest.raises(ValueError, match="not in cluster"):
        drs_pass(scenario6(), "c1", maintenance=["H9"])
    with pytest.raises(ValueError, match=r"1\.\.5"):
        drs_pass(scenario6(), "c1", threshold=6)


def test_state_overrides_the_design() -> None:
    inv = scenario6()
    state = ClusterState.of(inv).with_vm("a", cpu_mhz=0).with_vm("b", power="off")
    answer = drs_pass(inv, "c1", state=state)
    assert answer.imbalance_before == pytest.approx(stddev([0.2, 0.2, 0.1]))
    failed = ClusterState.of(inv).with_host("H3", failed=True)
    assert all(r.target != "H3" for r in drs_pass(inv, "c1", state=failed).recommendations)
    assert drs_pass(inv, "c1", state=failed).hosts == 2


# invariants over generated clusters ---------------------------------------------------------------------------
def _required_broken(inv: Any, placement: dict[str, str]) -> int:
    return sum(1 for v in PlacementRules.of(inv, "c1").violations(placement)
               if v.must or v.kind in ("affinity", "anti_affinity"))


@pytest.mark.deep
@settings(max_examples=examples(80), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters())
def test_pass_invariants(case: dict[str, Any]) -> None:
    """Whatever the cluster and settings: load balancing never raises the imbalance and gains more than
    MinGoodness per move; no move breaks a required rule; balancing stays within MaxMovesPerHost; T = 1 gives
    priority-1 moves only; the pass is deterministic."""
    inv = build(case["hosts"], case["vms"], drs=case["drs"], rules=case["rules"], datastores=("ds1", "ds2"))
    s: DrsSettings = case["settings"]
    start = _required_broken(inv, ClusterState.of(inv).placement())
    answer = drs_pass(inv, "c1", threshold=case["threshold"], maintenance=case["maintenance"], settings=s)
    assert answer == drs_pass(inv, "c1", threshold=case["threshold"], maintenance=case["maintenance"], settings=s)
    placement = ClusterState.of(inv).placement()
    broken = start
    per_host: dict[str, int] = {}
    state = ClusterState.of(inv)
    for h in case["maintenance"]:
        state = state.with_host(h, maintenance=True)
    for r in answer.recommendations:
        before = drs_pass(inv, "c1", state=state, threshold=1, settings=s).imbalance_before
        placement[r.vm] = r.target
        state = state.with_vm(r.vm, host=r.target)
        now = _required_broken(inv, placement)
        if r.priority > 1:  # balancing never breaks one (an evacuating affinity group moves one by one)
            assert now <= broken, r
            after = drs_pass(inv, "c1", state=state, threshold=1, settings=s).imbalance_before
            assert after < before - max(s.min_goodness, 0.0), r
            per_host[r.source] = per_host.get(r.source, 0) + 1
            if s.move_limit_counts == "both":
                per_host[r.target] = per_host.get(r.target, 0) + 1
        broken = now
    stuck = {vm for vm, _ in answer.stuck}
    left = [v for v in PlacementRules.of(inv, "c1").violations(placement)
            if (v.must or v.kind in ("affinity", "anti_affinity")) and not stuck & set(v.vms)]
    assert len(left) <= start
    if s.max_moves_per_host is not None:
        assert all(n <= s.max_moves_per_host for n in per_host.values())
    if case["threshold"] == 1:
        assert all(r.priority == 1 for r in answer.recommendations)


# §2.5 initial placement ---------------------------------------------------------------------------------------
def test_place_ranks_by_imbalance_then_memory() -> None:
    inv = build({"H1": {}, "H2": {"memory_gb": 128}, "H3": {}},
                {"a": {"host": "H1", "cpu_mhz": 5000}, "new": {"host": "H1", "cpu_mhz": 1000, "power": "off"}})
    assert place(inv, "c1", "new") == ["H2", "H3", "H1"]  # H2, H3 tie on imbalance; H2 has more memory


def test_place_honours_rules_reservations_and_datastores() -> None:
    hosts = {"H1": {}, "H2": {"datastores": []}, "H3": {"mhz": 2000}, "H4": {}}
    vms = {"a": {"host": "H4", "cpu_mhz": 100},
           "new": {"host": "H1", "power": "off", "cpu": {"reservation_mhz": 3000}}}
    rules = [{"name": "apart", "type": "anti_affinity", "vms": ["a", "new"]}]
    inv = build(hosts, vms, rules=rules)
    assert place(inv, "c1", "new") == ["H1"]  # H2 lacks the datastore, H3 the CPU, H4 holds 'a'
    assert place(inv, "c1", "new", ha_admits=lambda s: "InsufficientFailoverResources") == []


def test_place_prefers_should_rule_hosts() -> None:
    rules = [{"name": "pref", "type": "vm_host", "vms": ["new"], "hosts": ["H1"], "must": False}]
    inv = build({"H1": {}, "H2": {}}, {"a": {"host": "H1", "cpu_mhz": 5000},
                                       "new": {"host": "H2", "power": "off", "cpu_mhz": 100}}, rules=rules)
    assert place(inv, "c1", "new") == ["H1", "H2"]


# the design fields DRS reads -----------------------------------------------------------------------------------
def test_memory_limit_and_shares() -> None:
    """``memory.limit_gb`` caps a VM's memory entitlement; ``memory.shares`` split scarce memory (§2.1)."""
    hosts = {"H1": {"memory_gb": 16}, "H2": {"memory_gb": 16}}
    capped = build(hosts, {"a": {"host": "H1", "mem_gb": 8, "memory": {"limit_gb": 2}},
                           "b": {"host": "H2", "mem_gb": 2}})
    assert drs_pass(capped, "c1", settings=DrsSettings(combine="memory")).imbalance_before == pytest.approx(0.0)
    # 32 GB of cluster for 48 GB asked: high shares (20 per MB) get twice normal's (10 per MB) of it
    scarce = build(hosts, {"a": {"host": "H1", "mem_gb": 24, "memory_gb": 8, "memory": {"shares": "high"}},
                           "b": {"host": "H2", "mem_gb": 24, "memory_gb": 8}})
    answer = drs_pass(scarce, "c1", threshold=1, settings=DrsSettings(combine="memory"))
    assert answer.imbalance_before == pytest.approx(stddev([32 * 2 / 3 / 16, 32 / 3 / 16]))


def test_vm_drs_automation_overrides_the_cluster() -> None:
    inv = build({"H1": {}, "H2": {}}, {"a": {"host": "H1", "cpu_mhz": 3000, "drs": {"automation": "fully"}},
                                       "b": {"host": "H1", "cpu_mhz": 3000}}, drs={"automation": "manual"})
    (rec,) = drs_pass(inv, "c1").recommendations
    assert rec.vm == "a" and rec.automatic  # the VM's own level wins over the cluster's manual


def test_an_affinity_group_leaves_a_host_in_maintenance_together() -> None:
    rules = [{"name": "pair", "type": "affinity", "vms": ["a", "b"]}]
    inv = build({"H1": {}, "H2": {}, "H3": {}}, {"a": {"host": "H1", "cpu_mhz": 1000},
                                                 "b": {"host": "H1", "cpu_mhz": 1000},
                                                 "c": {"host": "H2", "cpu_mhz": 500}}, rules=rules)
    answer = drs_pass(inv, "c1", maintenance=["H1"])
    assert answer.stuck == ()
    placement = applied(inv, answer)
    assert placement["a"] == placement["b"] != "H1"
