"""The obvious DRS load engine: every question answered by recomputing from scratch, every move tried.

:class:`vinfra.cluster.drs._FastLoad` (per-host sums, O(1) imbalance changes, bounded search) must give the
same pass; ``test_drs_equivalence.py`` runs both on generated clusters."""

from __future__ import annotations

import math
import statistics
from collections.abc import Callable

from vinfra.cluster.drs import RESOURCE_SLACK, LoadInput, pick


class SlowLoad:
    def __init__(self, data: LoadInput) -> None:
        self.d = data
        self.host_of = dict(data.host_of)
        self.vm_order = {v: i for i, v in enumerate(data.vms)}
        self.host_order = {h: i for i, h in enumerate(data.capacity)}

    def _loads(self, host_of: dict[str, str]) -> list[float]:
        out = []
        for h in self.d.hosts:
            cpu = sum(self.d.entitlement[v][0] for v in self.d.vms if host_of[v] == h)
            mem = sum(self.d.entitlement[v][1] for v in self.d.vms if host_of[v] == h)
            cap_c, cap_m = self.d.capacity[h]
            out.append(self.d.combine(cpu / cap_c, mem / cap_m))
        return out

    def imbalance(self) -> float:
        loads = self._loads(self.host_of)
        return statistics.pstdev(loads) if loads else 0.0

    def imbalance_if(self, vm: str, dst: str) -> float:
        loads = self._loads({**self.host_of, vm: dst})
        return statistics.pstdev(loads) if loads else 0.0

    def _reserved(self, host: str) -> tuple[float, float]:
        vms = [v for v in self.d.vms if self.host_of[v] == host]
        return sum(self.d.reserved[v][0] for v in vms), sum(self.d.reserved[v][1] for v in vms)

    def fits(self, vm: str, dst: str) -> bool:
        rc, rm = self._reserved(dst)
        cap_c, cap_m = self.d.capacity[dst]
        return rc + self.d.reserved[vm][0] <= cap_c + RESOURCE_SLACK and rm + self.d.reserved[vm][1] <= cap_m + RESOURCE_SLACK

    def unreserved_memory(self, host: str) -> float:
        return self.d.capacity[host][1] - self._reserved(host)[1]

    def overcommitted(self, host: str) -> bool:
        rc, rm = self._reserved(host)
        cap_c, cap_m = self.d.capacity[host]
        return rc > cap_c + RESOURCE_SLACK or rm > cap_m + RESOURCE_SLACK

    def share(self, vm: str) -> float:
        cap_c, cap_m = self.d.capacity[self.host_of[vm]]
        c, m = self.d.entitlement[vm]
        s = self.d.settings
        return {"cpu": c / cap_c, "memory": m / cap_m, "max": max(c / cap_c, m / cap_m),
                "mean": s.cpu_weight * c / cap_c + (1 - s.cpu_weight) * m / cap_m}[s.combine]

    def move(self, vm: str, dst: str) -> None:
        self.host_of[vm] = dst

    def best_move(self, vm_ok: Callable[[str], bool], source_ok: Callable[[str], bool],
                  dest_ok: Callable[[str], bool], feasible: Callable[[str, str, float], bool],
                  floor: float, tolerance: float) -> tuple[str, str, float] | None:
        if len(self.d.hosts) < 2:
            return None
        now = self.imbalance()
        best = -math.inf
        near = []
        for v in self.d.vms:
            src = self.host_of[v]
            if src not in self.d.hosts or not source_ok(src) or not vm_ok(v):
                continue
            for d in self.d.hosts:
                if d == src or not dest_ok(d):
                    continue
                gain = now - self.imbalance_if(v, d)
                if gain <= floor or not feasible(v, d, gain):
                    continue
                best = max(best, gain)
                near.append((gain, self.vm_order[v], self.host_order[d], v, d))
        return pick(near, best, tolerance)
