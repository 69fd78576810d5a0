"""ClusterState: the design's placement, power and demand, changed by copy only."""

from __future__ import annotations

from _paths import OWN_EXAMPLES as EXAMPLES
from vinfra.cluster.state import ClusterState
from vinfra.io.design import load


def test_state_reads_the_design_and_changes_by_copy() -> None:
    inv = load(EXAMPLES / "small-cluster-templates.yaml")
    state = ClusterState.of(inv)
    assert set(state.vms) == set(inv.vms)
    vm = next(iter(inv.vms))
    first = inv.vms[vm]
    assert state.vms[vm].host == first.host and state.vms[vm].cpu_mhz == first.load.cpu_mhz
    other = next(h for h in inv.hosts if h != first.host)
    moved = state.with_vm(vm, host=other, cpu_mhz=1234)
    assert moved.vms[vm].host == other and moved.vms[vm].cpu_mhz == 1234
    assert state.vms[vm].host == first.host  # the original is untouched
    down = moved.with_host(other, failed=True)
    assert not down.hosts[other].usable and moved.hosts[other].usable
    cluster = inv.hosts[other].cluster
    if cluster is not None:
        assert other not in down.cluster_hosts(inv, cluster)
        assert other in down.cluster_hosts(inv, cluster, usable_only=False)
    assert (vm in moved.placement()) == (first.power == "on")


def test_a_clone_is_added_with_its_own_name() -> None:
    inv = load(EXAMPLES / "small-cluster-templates.yaml")
    state = ClusterState.of(inv)
    vm = next(iter(inv.vms.values()))
    clone = state.with_added_vm(vm, "clone-01")
    assert clone.spec(inv, "clone-01").name == "clone-01"
    assert "clone-01" not in state.vms
