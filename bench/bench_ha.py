"""Benchmark of the HA model.

- ``ha-restart``: the HA restart plan (cluster-behaviour §3.3) for one failed host of a 96-host / 10,000-VM
  cluster, with the admission control before and after (§3.4): issue 11's target is under 200 ms.  The
  generator makes clusters of at most 32 hosts, so the untimed preparation joins the generated 96 hosts into
  one HA cluster (host failures tolerated: 1) and mounts every datastore on every host; VMs keep their
  port groups, so each restarts on a host of its generated block, but every host is examined.
"""

from __future__ import annotations

import vinfra
from vinfra.cluster.ha import restart_plan  # imported before timing: the target is "after loading"

from .registry import SIZES, Size, Target, add_size, case

HA_SIZE = SIZES.get("96h-10k") or add_size(Size("96h-10k", hosts=96, vms=10_000))
# Issue 11 target: an HA restart plan for a failed host of a 96-host / 10,000-VM cluster in under 200 ms.
HA_TARGETS = {HA_SIZE.name: Target(seconds=0.2)}
CLUSTER = "bench-ha"


def one_cluster(inventory: vinfra.Inventory) -> tuple[vinfra.Inventory, str]:
    """The design with all its hosts in one HA cluster sharing every datastore, and the host to fail (the
    one running the most VMs)."""
    data = inventory.model_dump(mode="json", exclude_defaults=True, by_alias=True)
    data["clusters"] = {CLUSTER: {"drs": {"enabled": True},
                                  "ha": {"enabled": True, "admission_control": {"policy": "host_failures", "value": 1}}}}
    every = sorted(data.get("datastores", {}))
    for host in data["hosts"].values():
        host["cluster"] = CLUSTER
        host["datastores"] = every
    inv = vinfra.from_data(data)
    counts: dict[str, int] = {}
    for vm in inv.vms.values():
        counts[vm.host] = counts.get(vm.host, 0) + 1
    return inv, max(sorted(counts), key=lambda h: counts[h])


@case("ha-restart", input="inventory", sizes=(HA_SIZE.name,), targets=HA_TARGETS, prepare=one_cluster)
def ha_restart(prepared: tuple[vinfra.Inventory, str]) -> object:
    """The restart plan (and admission control before and after) for one failed host, as its JSON row."""
    inv, host = prepared
    return restart_plan(inv, CLUSTER, [host]).row()
