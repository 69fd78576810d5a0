"""The one door from the simulation to the cluster services: HA (:mod:`vinfra.cluster.ha`) and DRS
(:mod:`vinfra.cluster.drs`), called through their public functions and never re-implemented.

Each function answers plain data the engine plays in time.
"""

from __future__ import annotations

from ..cluster import drs, ha
from ..cluster.state import ClusterState
from ..model import Inventory

#: one migration the engine plays: DRS's own recommendation
Move = drs.Recommendation


def agent(inv: Inventory, cluster: str) -> str:
    """``aam`` (VI3, vSphere 4) or ``fdm`` (vSphere 5+): cluster-behaviour §3.1."""
    return ha.ha_agent(inv, cluster)


def isolation_response(inv: Inventory, cluster: str, host: str) -> str:
    return ha.isolation_response(inv, cluster, host)


def restart(inv: Inventory, cluster: str, failed_hosts: list[str], state: ClusterState, retry: list[str] | None = None
            ) -> tuple[list[tuple[str, str, str]], list[tuple[str, str]]]:
    """HA's restart plan (§3.3): ``[(vm, host, priority)]`` in restart order, ``[(vm, reason)]`` not placed
    (restart priority ``disabled`` left out: never restarted, no event).  ``retry``: VMs an earlier plan could
    not place, powered off, tried again with every usable host a candidate (their own host too, once back).

    The reasons drop the HA model's FDM retry minutes: the simulation tries again when capacity changes
    (scenario-v1 "HA restarts"), not on that schedule."""
    plan = ha.restart_plan(inv, cluster, failed_hosts, state=state, retry=retry or ())
    done = [(r.vm, r.host, r.priority) for r in plan.restarted]
    missed = [(n.vm, n.reason.split(_SCHEDULE)[0]) for n in plan.not_restarted
              if state.spec(inv, n.vm).ha.restart_priority != "disabled"]
    return done, missed


#: where the HA model's reason for a VM it cannot place starts telling its retry schedule
_SCHEDULE = "; retried at "


def drs_moves(inv: Inventory, cluster: str, state: ClusterState, maintenance: list[str]) -> list[Move]:
    """One DRS pass (§2.4, §2.7), every move also passing HA admission control (§1.1 P7)."""
    answer = drs.drs_pass(inv, cluster, state=state, maintenance=tuple(maintenance),
                          ha_admits=ha.admission_hook(inv, cluster))
    return list(answer.recommendations)


def evacuation(inv: Inventory, cluster: str, host: str, state: ClusterState) -> tuple[list[Move], list[tuple[str, str]]]:
    """Where the powered-on VMs of ``host`` go when it enters maintenance: DRS's priority-1 evacuations (§2.7);
    and the VMs that cannot leave, with why."""
    out = [m for m in drs_moves(inv, cluster, state, [host]) if m.source == host]
    left = {m.vm for m in out}
    stuck = [(v, "DRS found no host for it (§2.7)") for v in sorted(state.vms_on(host))
             if state.vms[v].power == "on" and v not in left]
    return out, stuck


__all__ = ["Move", "agent", "drs_moves", "evacuation", "isolation_response", "restart"]
