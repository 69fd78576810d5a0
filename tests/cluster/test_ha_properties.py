"""Invariants of HA's [model] choices over random clusters (cluster-behaviour §3.3, §3.4, §2.6), and the fast
slot-capacity count against the obvious one.

Whatever the settings: a restart plan never breaks a required VM-Host rule, never over-commits a host's
unreserved capacity, places higher priorities first, never restarts a ``disabled`` VM, accounts for every
VM of the failed hosts exactly once; admission control says no exactly when the failover capacity after an
operation is below the configured level, and that capacity equals the slow computation over every set of
failed hosts.
"""

from __future__ import annotations

import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vinfra
from _deep import examples
from vinfra.cluster.ha import (
    PRIORITY_ORDER,
    HaSettings,
    admission,
    admissions,
    admits,
    restart_plan,
    slot_failover_capacity,
    slot_failover_capacity_exhaustive,
)
from vinfra.cluster.rules import PlacementRules
from vinfra.cluster.state import ClusterState
from vinfra.model import Inventory

PRIORITIES = ["highest", "high", "medium", "low", "lowest", "disabled"]


@st.composite
def clusters(draw: st.DrawFn) -> tuple[Inventory, HaSettings, list[str]]:
    n_hosts = draw(st.integers(1, 6))
    hosts: dict[str, Any] = {}
    names = [f"h{i}" for i in range(n_hosts)]
    version = draw(st.sampled_from(["3.5", "4.1", "5.5", "8.0"]))
    for h in names:
        hosts[h] = {"cluster": "c1", "version": version,
                    "cpu": {"sockets": 1, "cores": 1, "mhz": draw(st.integers(500, 10_000))},
                    "memory_gb": draw(st.integers(1, 32)),
                    "datastores": ["ds1"] if draw(st.integers(0, 4)) else [],
                    "state": draw(st.sampled_from(["connected"] * 5 + ["maintenance"]))}
    vms: dict[str, Any] = {}
    for i in range(draw(st.integers(0, 14))):
        vms[f"v{i}"] = {"host": draw(st.sampled_from(names)),
                        "cpu": {"reservation_mhz": draw(st.sampled_from([0, 0, 100, 500, 1000, 3000]))},
                        "memory_gb": 8,
                        "memory": {"reservation_gb": draw(st.sampled_from([0, 0, 0.5, 1, 2, 4])),
                                   "overhead_mb": draw(st.sampled_from([0, 0, 64, 200]))},
                        "power": draw(st.sampled_from(["on", "on", "on", "off"])),
                        "ha": {"restart_priority": draw(st.sampled_from(PRIORITIES))},
                        "datastore": "ds1" if draw(st.booleans()) else None}
    rules: list[dict[str, Any]] = []
    vm_names = list(vms)
    if vm_names:
        for k in range(draw(st.integers(0, 4))):
            kinds = ["vm_host", "vm_anti_host"] + (["anti_affinity", "affinity"] if len(vm_names) > 1 else [])
            kind = draw(st.sampled_from(kinds))
            members = draw(st.lists(st.sampled_from(vm_names), min_size=1 if kind.startswith("vm_") else 2,
                                    max_size=3, unique=True))
            rule: dict[str, Any] = {"name": f"r{k}", "type": kind, "vms": members, "must": draw(st.booleans())}
            if kind.startswith("vm_"):
                rule["hosts"] = draw(st.lists(st.sampled_from(names), min_size=1, max_size=n_hosts, unique=True))
            rules.append(rule)
    policy = draw(st.sampled_from(["host_failures", "percentage", "failover_hosts", "disabled"]))
    value: Any = {"host_failures": draw(st.integers(0, 3)), "percentage": draw(st.integers(0, 60)),
                  "failover_hosts": draw(st.lists(st.sampled_from(names), max_size=2, unique=True)),
                  "disabled": 1}[policy]
    inv = vinfra.from_data({
        "name": "p", "datastores": {"ds1": {}}, "hosts": hosts, "vms": vms,
        "clusters": {"c1": {"ha": {"enabled": True, "admission_control": {"policy": policy, "value": value}},
                            "rules": rules}}})
    ha = HaSettings(slot_cpu_mhz=draw(st.sampled_from([None, 200, 1000])),
                    slot_memory_mb=draw(st.sampled_from([None, 256, 1024])),
                    prefer=draw(st.sampled_from(["memory", "cpu"])),
                    same_priority=draw(st.sampled_from(["design", "largest_first"])),
                    honour_vm_vm_rules=draw(st.booleans()), honour_should_rules=draw(st.booleans()),
                    agent_from=draw(st.sampled_from(["newest", "oldest"])))
    failed = draw(st.lists(st.sampled_from(names), min_size=1, max_size=max(1, n_hosts - 1), unique=True))
    return inv, ha, failed


def _reservation(inv: Inventory, vm: str) -> tuple[int, float]:
    v = inv.vms[vm]
    return v.cpu.reservation_mhz, v.memory.reservation_gb * 1024 + v.memory.overhead_mb


@pytest.mark.deep
@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters())
def test_restart_plan_invariants(case: tuple[Inventory, HaSettings, list[str]]) -> None:
    inv, ha, failed = case
    state = ClusterState.of(inv)
    plan = restart_plan(inv, "c1", failed, state=state, settings=ha)
    down = [v for v, s in state.vms.items() if s.power == "on" and s.host in failed]
    # every VM of the failed hosts exactly once, nothing else
    seen = [r.vm for r in plan.restarted] + [n.vm for n in plan.not_restarted]
    assert sorted(seen) == sorted(down)
    # disabled never restarted
    assert all(inv.vms[r.vm].ha.restart_priority != "disabled" for r in plan.restarted)
    # higher priority first
    ranks = [PRIORITY_ORDER[r.priority] for r in plan.restarted]
    assert ranks == sorted(ranks)
    # targets: usable, in the cluster, not failed
    for r in plan.restarted:
        assert r.host not in failed and inv.hosts[r.host].cluster == "c1" and state.hosts[r.host].usable
    # never over-commits a host's unreserved capacity
    placement = {v: s.host for v, s in state.vms.items() if s.power == "on" and s.host not in failed}
    for h in {r.host for r in plan.restarted}:
        host = inv.hosts[h]
        cpu = host.cpu.capacity_mhz - sum(_reservation(inv, v)[0] for v, x in placement.items() if x == h)
        mem = host.memory_gb * 1024 - sum(_reservation(inv, v)[1] for v, x in placement.items() if x == h)
        added = [_reservation(inv, r.vm) for r in plan.restarted if r.host == h]
        assert sum(c for c, _ in added) <= cpu and sum(m for _, m in added) <= mem + 1e-9
    # never breaks a required VM-Host rule (nor a VM-VM rule when told to honour them)
    for r in plan.restarted:
        placement[r.vm] = r.host
    restarted = {r.vm for r in plan.restarted}
    rules = PlacementRules.of(inv, "c1")
    for v in rules.violations(placement):
        if v.kind in ("vm_host", "vm_anti_host") and v.must:
            assert not set(v.vms) & restarted, v
    if ha.honour_vm_vm_rules:
        order = [r.vm for r in plan.restarted]
        for i, r in enumerate(plan.restarted):  # each restart was allowed where the others were at that moment
            before = {v: h for v, h in placement.items() if v not in restarted or v in order[:i]}
            assert rules.allowed(r.vm, r.host, before)
    # the datastore is mounted where it lands
    for r in plan.restarted:
        ds = inv.vms[r.vm].datastore
        assert ds is None or ds in inv.hosts[r.host].datastores


def _slow_slot_capacity(inv: Inventory, state: ClusterState, ha: HaSettings, cpu_min: int) -> int:
    """§3.4a written out the obvious way, every set of failed hosts tried."""
    hosts = [h for h, x in inv.hosts.items() if x.cluster == "c1" and state.hosts[h].usable]
    on = [v for v, s in state.vms.items() if s.power == "on" and s.host in hosts]
    res = [_reservation(inv, v) for v in on]
    cpu = max([cpu_min] + [c for c, _ in res])
    mem = math.ceil(max([0.0] + [m for _, m in res]))
    cpu = min(cpu, ha.slot_cpu_mhz) if ha.slot_cpu_mhz is not None else cpu
    mem = min(mem, ha.slot_memory_mb) if ha.slot_memory_mb is not None else mem
    per = []
    for h in hosts:
        caps = [inv.hosts[h].cpu.capacity_mhz // cpu if cpu else None,
                int(inv.hosts[h].memory_gb * 1024 // mem) if mem else None]
        per.append(min(c for c in caps if c is not None) if any(c is not None for c in caps) else 0)
    need = sum(max(1, math.ceil(c / cpu) if cpu else 1, math.ceil(m / mem) if mem else 1) for c, m in res)
    return slot_failover_capacity_exhaustive(per, need)


@pytest.mark.deep
@settings(max_examples=examples(200), deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(clusters(), st.data())
def test_admission_says_no_exactly_below_the_configured_level(case: tuple[Inventory, HaSettings, list[str]],
                                                             data: st.DataObject) -> None:
    inv, ha, _ = case
    state = ClusterState.of(inv)
    # an operation: power a VM on or off, move it, or fail a host
    if inv.vms and data.draw(st.booleans()):
        vm = data.draw(st.sampled_from(sorted(inv.vms)))
        host = data.draw(st.sampled_from(sorted(inv.hosts)))
        after = state.with_vm(vm, host=host, power=data.draw(st.sampled_from(["on", "off"])))
    else:
        after = state.with_host(data.draw(st.sampled_from(sorted(inv.hosts))), failed=True)
    a = admission(inv, "c1", state=after, settings=ha)
    assert admissions(inv, state=after, settings=ha)["c1"] == a  # every cluster in one pass: the same answer
    fault = admits(inv, "c1", state_after=after, settings=ha)
    if a.policy == "disabled":
        assert fault is None
    else:
        assert (fault is None) == (a.failover_capacity >= a.configured)
    if a.policy == "host_failures":
        cpu_min = ha.cpu_min_mhz_fdm if a.agent == "fdm" else ha.cpu_min_mhz_aam
        assert a.failover_capacity == _slow_slot_capacity(inv, after, ha, cpu_min)


@pytest.mark.deep
@settings(max_examples=examples(500), deadline=None)
@given(st.lists(st.integers(0, 12), max_size=8), st.integers(0, 60))
def test_fast_slot_capacity_equals_every_failure_set(per_host: list[int], need: int) -> None:
    """The fast count (remove the largest hosts first) equals the largest k for which every set of k failed
    hosts leaves ``need`` slots (§3.4a)."""
    assert slot_failover_capacity(per_host, need) == slot_failover_capacity_exhaustive(per_host, need)
