"""The one door from the simulation to the cluster services: HA (:mod:`vinfra.cluster.ha`) and DRS
(:mod:`vinfra.cluster.drs`), called through the contract of ``cluster-api.md`` and never re-implemented.

Each function answers plain data the engine plays in time.  DRS is optional: while
:mod:`vinfra.cluster.drs` is not installed, :func:`drs_available` is False, DRS invocations are skipped (the
engine says so in its summary) and a maintenance evacuation places the host's VMs with HA's placement
(:func:`evacuation`: the most unreserved capacity, the required rules: cluster-behaviour §3.3) instead of
DRS's §2.7 evacuation.
"""

from __future__ import annotations

import importlib
from dataclasses import dataclass
from typing import Any

from ..cluster import ha
from ..cluster.state import ClusterState
from ..model import Inventory


def _drs() -> Any | None:
    try:
        return importlib.import_module("vinfra.cluster.drs")
    except ImportError:
        return None


def drs_available() -> bool:
    mod = _drs()
    return mod is not None and hasattr(mod, "drs_pass")


@dataclass(frozen=True)
class Move:
    vm: str
    source: str
    target: str
    priority: int
    reason: str
    automatic: bool


def agent(inv: Inventory, cluster: str) -> str:
    """``aam`` (VI3, vSphere 4) or ``fdm`` (vSphere 5+): cluster-behaviour §3.1."""
    return ha.ha_agent(inv, cluster)


def isolation_response(inv: Inventory, cluster: str, host: str) -> str:
    return ha.isolation_response(inv, cluster, host)


def restart(inv: Inventory, cluster: str, failed_hosts: list[str], state: ClusterState
            ) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """HA's restart plan (§3.3): ``[(vm, host, priority)]`` in restart order, ``[(vm, reason)]`` not placed
    (restart priority ``disabled`` left out: never restarted, no event)."""
    plan = ha.restart_plan(inv, cluster, failed_hosts, state=state)
    done = [(r.vm, r.host, r.priority) for r in plan.restarted]
    missed = [(n.vm, n.reason) for n in plan.not_restarted
              if state.spec(inv, n.vm).ha.restart_priority != "disabled"]
    return done, missed


def drs_moves(inv: Inventory, cluster: str, state: ClusterState, maintenance: list[str]) -> list[Move] | None:
    """One DRS pass (§2.4, §2.7): its recommendations, or None without the DRS model."""
    mod = _drs()
    if mod is None or not hasattr(mod, "drs_pass"):
        return None
    def admits(after: ClusterState) -> str | None:
        return ha.admits(inv, cluster, state_after=after)

    answer = mod.drs_pass(inv, cluster, state=state, maintenance=tuple(maintenance),
                          ha_admits=admits if inv.clusters[cluster].ha.enabled else None)
    return [Move(r.vm, r.source, r.target, int(r.priority), str(r.reason), bool(r.automatic))
            for r in answer.recommendations]


def evacuation(inv: Inventory, cluster: str, host: str, state: ClusterState) -> tuple[list[Move], list[tuple[str, str]]]:
    """Where the powered-on VMs of ``host`` go when it enters maintenance: DRS's priority-1 evacuations when
    the DRS model is there, else HA's placement (module doc); and the VMs that cannot leave, with why."""
    moves = drs_moves(inv, cluster, state, [host])
    if moves is not None:
        out = [m for m in moves if m.source == host]
        left = {m.vm for m in out}
        stuck = [(v, "DRS found no host for it (§2.7)") for v in sorted(state.vms_on(host))
                 if state.vms[v].power == "on" and v not in left]
        return out, stuck
    done, missed = restart(inv, cluster, [host], state)
    return ([Move(vm, host, target, 1, "evacuation for maintenance (HA placement, §3.3)", True)
             for vm, target, _ in done], missed)


__all__ = ["Move", "agent", "drs_available", "drs_moves", "evacuation", "isolation_response", "restart"]
