"""Benchmarks of the cluster models.

- ``vmotion``: every vMotion precondition (§1.1 of cluster-behaviour.md, P1-P9, including the vMotion ports'
  ping through the network engine) and the pre-copy estimate, for one VM to another host of its cluster,
  on a fresh snapshot of the loaded design: issue 11's target is under 50 ms, also on the DRS cluster below.
- ``drs``: one DRS pass (§2.4) over each cluster of a generated 96-host / 10,000-VM design whose hosts
  alternate near 80 % and near 20 % of CPU (``vinfra generate --skew 0.8/0.2``; three clusters of 32, one per
  access block, since vMotion stays inside a block's layer 2).  Timed: the runtime state and the three passes
  (entitlements, every vMotion check a move needs, the search).  Issue 11's targets: under 2 s, and a lower
  host CPU-load standard deviation than OpenStack Watcher's workload_stabilization reaches on the same cluster
  (0.30 -> 0.18 in 5.1 s, ~340 migrations, no capacity, rule or move-limit checks), within DRS's per-pass
  move limits: MaxMovesPerHost 8 (DrsSettings.max_moves_per_host), counted on both ends of a vMotion
  (DrsSettings.move_limit_counts="both": no host takes part in more than 8 vMotions), so 48 hot and 48 cold
  hosts allow at most 384 load-balancing moves.  The figures are printed after the table; a miss stops the run.
"""

from __future__ import annotations

from typing import Any

import vinfra
from vinfra.cluster.drs import DEFAULT_DRS_SETTINGS, DrsAnswer, drs_pass, stddev
from vinfra.cluster.state import ClusterState
from vinfra.cluster.vmotion import check_vmotion  # imported before timing: the target is "after loading"
from vinfra.network import Snapshot

from .registry import Size, Target, add_size, case

#: issue 11's DRS cluster: 96 hosts, 10,000 VMs, half the hosts near 80 % CPU and half near 20 %
DRS_SIZE = add_size(Size("96h-10k-skew", hosts=96, vms=10_000, skew=(0.8, 0.2), cases=("drs", "vmotion")))
#: OpenStack Watcher workload_stabilization on the same cluster (issue 11): host CPU-load stddev after its pass
WATCHER_STDDEV = 0.18

# Issue 11 target: all vMotion checks for one VM in under 50 ms.
VMOTION_TARGETS = {"200h-2k": Target(seconds=0.05), "2500h-40k": Target(seconds=0.05),
                   DRS_SIZE.name: Target(seconds=0.05)}


def vmotion_move(inventory: vinfra.Inventory) -> tuple[str, str]:
    """The first powered-on VM and another host of its cluster (the last one, far in the block)."""
    for name, vm in inventory.vms.items():
        if vm.power != "on":
            continue
        cluster = inventory.hosts[vm.host].cluster
        others = [h for h, host in inventory.hosts.items() if host.cluster == cluster and h != vm.host]
        if others:
            return name, others[-1]
    raise ValueError("no powered-on VM with another host in its cluster")


@case("vmotion", input="inventory", targets=VMOTION_TARGETS)
def vmotion_checks(inventory: vinfra.Inventory) -> object:
    """All vMotion checks and the estimate for one VM, on a fresh snapshot, after loading."""
    vm, host = vmotion_move(inventory)
    return check_vmotion(Snapshot(inventory), vm, host).row()


def _cpu_stddev(inventory: vinfra.Inventory, placement: dict[str, str]) -> float:
    """Population stddev over all hosts of (CPU demand of the VMs on it) / (its CPU capacity)."""
    used = dict.fromkeys(inventory.hosts, 0.0)
    for vm, host in placement.items():
        used[host] += inventory.vms[vm].load.cpu_mhz
    return stddev([used[h] / host.cpu.capacity_mhz for h, host in inventory.hosts.items()])


def drs_figures(answer: tuple[vinfra.Inventory, ClusterState, list[DrsAnswer]]) -> dict[str, Any]:
    """CPU-load stddev before and after, moves, the most vMotions any host takes part in; checked against the
    issue (lower than Watcher's, within the move limit)."""
    inventory, state, answers = answer
    placement = state.placement()
    before = _cpu_stddev(inventory, placement)
    per_host: dict[str, int] = {}
    for a in answers:
        for r in a.recommendations:
            placement[r.vm] = r.target
            if r.reason == "load balancing":
                for h in (r.source, r.target):
                    per_host[h] = per_host.get(h, 0) + 1
    after = _cpu_stddev(inventory, placement)
    limit = DEFAULT_DRS_SETTINGS.max_moves_per_host
    figures = {"cpu_stddev": f"{before:.3f} -> {after:.3f} (Watcher {WATCHER_STDDEV})",
               "moves": sum(len(a.recommendations) for a in answers),
               "most_vmotions_per_host": f"{max(per_host.values(), default=0)} (limit {limit}, both ends)",
               "drs_imbalance": ", ".join(f"{a.cluster} {a.imbalance_before:.3f} -> {a.imbalance_after:.3f}"
                                          for a in answers)}
    if not after < WATCHER_STDDEV:
        raise SystemExit(f"drs: CPU-load stddev {after:.3f} is not below Watcher's {WATCHER_STDDEV}")
    if limit is not None and max(per_host.values(), default=0) > limit:
        raise SystemExit(f"drs: a host takes part in more than {limit} load-balancing vMotions")
    return figures


# Issue 11 target: one DRS pass on the 96-host / 10,000-VM skewed cluster in under 2 s.
@case("drs", input="inventory", sizes=(DRS_SIZE.name,), targets={DRS_SIZE.name: Target(seconds=2.0)},
      figures=drs_figures)
def drs_passes(inventory: vinfra.Inventory) -> tuple[vinfra.Inventory, ClusterState, list[DrsAnswer]]:
    """The runtime state and one DRS pass over every cluster, after loading."""
    state = ClusterState.of(inventory)
    return inventory, state, [drs_pass(inventory, c, state=state) for c in inventory.clusters]
