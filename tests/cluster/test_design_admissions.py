"""Property: :func:`design_admissions` (read from the design, the fast path VN906 takes) answers what
:func:`admissions` answers over :meth:`ClusterState.of` with the same hosts failed (the slow obvious path), on
random clusters of every admission-control policy (cluster-behaviour §3.4), hosts in maintenance, VMs
powered off, and any set of failed hosts (none included); and the placement the checks give VM-VM and VM-Host
rules (§2.6) is judged as the whole placement is."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_ha_properties import clusters

from _deep import examples
from vinfra.checks.context import CheckContext
from vinfra.checks.rules.ha import _violations
from vinfra.cluster.ha import HaSettings, admissions, design_admissions
from vinfra.cluster.rules import PlacementRules
from vinfra.cluster.state import ClusterState
from vinfra.model import Inventory
from vinfra.network import Snapshot


def _slow(inv: Inventory, failed: list[str], ha: HaSettings) -> dict[str, object]:
    state = ClusterState.of(inv)
    for h in failed:
        state = state.with_host(h, failed=True)
    return admissions(inv, state=state, settings=ha)  # type: ignore[return-value]


@pytest.mark.deep
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters(), st.data())
def test_design_admissions_equal_those_of_the_cluster_state(case: tuple[Inventory, HaSettings, list[str]],
                                                            data: st.DataObject) -> None:
    inv, ha, _ = case
    failed = data.draw(st.lists(st.sampled_from(sorted(inv.hosts)), max_size=len(inv.hosts), unique=True))
    assert design_admissions(inv, failed=failed, settings=ha) == _slow(inv, failed, ha)


def test_the_property_sees_every_policy_and_verdict() -> None:
    """The strategy draws each policy, and admissions that pass and fail (else the property compares little)."""
    seen: set[tuple[str, bool]] = set()

    @settings(max_examples=300, deadline=None, derandomize=True, suppress_health_check=[HealthCheck.too_slow])
    @given(clusters())
    def collect(case: tuple[Inventory, HaSettings, list[str]]) -> None:
        inv, ha, failed = case
        got = design_admissions(inv, failed=failed, settings=ha)
        assert got == _slow(inv, failed, ha)
        seen.update((a.policy, a.ok) for a in got.values())

    collect()
    for policy in ("host_failures", "percentage", "failover_hosts"):
        assert (policy, True) in seen and (policy, False) in seen, seen


@pytest.mark.deep
@settings(max_examples=examples(100), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters())
def test_the_checks_placement_violations_equal_those_of_the_whole_placement(
        case: tuple[Inventory, HaSettings, list[str]]) -> None:
    """VN908-VN910 place only the VMs the rules name (all :meth:`PlacementRules.violations` reads): the answer of
    placing every powered-on VM of the cluster's live hosts."""
    inv, _, _ = case
    state = ClusterState.of(inv)
    placement = {vm: s.host for vm, s in state.vms.items()
                 if s.power == "on" and inv.hosts[s.host].cluster == "c1" and not state.hosts[s.host].failed}
    slow = [("c1", v) for v in PlacementRules.of(inv, "c1").violations(placement)] if inv.clusters["c1"].rules else []
    assert _violations(CheckContext(Snapshot(inv))) == slow
