"""Benchmarks of the cluster models.

- ``vmotion``: every vMotion precondition (§1.1 of cluster-behaviour.md, P1-P9, including the vMotion ports'
  ping through the network engine) and the pre-copy estimate, for one VM to another host of its cluster,
  on a fresh snapshot of the loaded design: issue 11's target is under 50 ms.
"""

from __future__ import annotations

import vinfra
from vinfra.cluster.vmotion import check_vmotion  # imported before timing: the target is "after loading"
from vinfra.network import Snapshot

from .registry import Target, case

# Issue 11 target: all vMotion checks for one VM in under 50 ms.
VMOTION_TARGETS = {"200h-2k": Target(seconds=0.05), "2500h-40k": Target(seconds=0.05)}


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
