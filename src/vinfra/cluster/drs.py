"""DRS (cluster-behaviour.md §2): the resource model, host load and cluster imbalance, one load-balancing pass
with its constraint corrections (rules, maintenance-mode evacuation, reservations), and initial placement.

The pass (:func:`drs_pass`) follows §2.4:

1. **Entitlements** (§2.1): each powered-on VM's CPU and memory entitlement is the divvy of the cluster's
   usable capacity: it starts at the reservation, never goes above min(limit, demand), and the rest is shared
   by shares (weighted max-min, :func:`divvy`).  The cluster is one root pool (the design format has no
   resource pools), so entitlements do not depend on placement and stay fixed during a pass.
2. **Host load** (§2.2): N_h = the VMs' entitlements on h / h's capacity, CPU and memory combined as
   :attr:`DrsSettings.combine` says; **imbalance** I = the population standard deviation of N_h over the
   hosts that can run VMs (not failed, not in maintenance or standby, not entering maintenance, not a
   dedicated HA failover host).
3. **Constraint corrections** (priority 1): VMs leave hosts entering maintenance (no move limit; a VM that no
   host can take stays and is reported in ``stuck``, §2.7), required rules broken by the placement are fixed
   (§2.6: VM-VM affinity and anti-affinity, "must (not) run on"), hosts whose reservations exceed their
   capacity are relieved.  Each VM goes to the feasible host that leaves the lowest imbalance (ties: most
   unreserved memory, then the design's host order, §2.5).
4. **Load balancing** (priority from the KB formula, §2.2): while I > the target of the migration threshold,
   take the feasible move with the largest imbalance reduction ("goodness"); stop when no move is good
   enough.  A move is feasible when vMotion allows it (P1-P6, P8 of §1.1, through
   :mod:`vinfra.cluster.vmotion`), the destination's unreserved capacity covers the VM's reservations (P7),
   no rule is broken (balancing also honours "should" rules, §2.4), the per-host move limit is not reached,
   and, when the caller gives one, HA admission control admits the state after it.

Speed: per-host sums make a move's imbalance change O(1); the best move is searched with upper bounds on the
reduction any move from a host, or of a VM, can reach (:class:`_FastLoad`), so a pass over 10,000 VMs looks
at a few hundred of them per step.  ``tests/cluster/test_drs_equivalence.py`` proves the result equal to an
exhaustive search that recomputes the imbalance from scratch.

Nothing here prints, keeps global state or reads the clock.  Not modelled: resource pools (the format has
none: the cluster is the root pool, so "expandable" does not arise), DPM (§2.7), the vSphere 7 DRS score,
the adaptive MaxMovesPerHost of vSphere 4.1 (a fixed limit, :attr:`DrsSettings.max_moves_per_host`), cold
migration of powered-off VMs out of a host entering maintenance, and fixing broken "should" rules.
"""

from __future__ import annotations

import bisect
import math
from collections.abc import Callable, Collection, Iterable, Sequence
from dataclasses import dataclass, field
from typing import Any, Literal, Protocol

from ..model import Inventory
from ..model.cluster import Vm, VmSpec
from .rules import PlacementRules
from .state import ClusterState
from .vmotion import (
    DEFAULT_VMOTION_SETTINGS,
    VmotionSettings,
    check_cpu,
    check_datastore,
    check_network,
    check_vm_networks,
)

Combine = Literal["cpu", "memory", "max", "mean"]
Automation = Literal["manual", "partially", "fully", "disabled"]
#: the HA check the pass takes (``vinfra.cluster.ha.admits`` bound to the design and cluster): the state after a
#: move -> None (admitted) or the VMware fault name
HaAdmits = Callable[[ClusterState], "str | None"]

#: §2.1 share presets [unverified]: CPU per vCPU, memory per MB of configured memory
CPU_SHARES_PER_VCPU = {"low": 500, "normal": 1000, "high": 2000}
MEMORY_SHARES_PER_MB = {"low": 5, "normal": 10, "high": 20}
#: below this a move's imbalance reduction is float noise, whatever ``min_goodness`` says
NOISE = 1e-12
#: resources compare with this slack (MHz, MB), so sums kept incrementally and sums recomputed agree
RESOURCE_SLACK = 1e-6


@dataclass(frozen=True, slots=True)
class DrsSettings:
    """The [model] choices of cluster-behaviour.md §2, with their defaults.  Each is a named, documented field;
    ``tests/cluster/test_drs.py`` tests the invariants they promise."""

    #: §2.2 [model]: how a host's CPU and memory load combine into N_h: ``max`` (the busier resource: a host is
    #: as loaded as its scarcest resource), ``mean`` (weighted by :attr:`cpu_weight`), or one resource alone.
    combine: Combine = "max"
    #: §2.2 [model]: the CPU weight of ``combine="mean"`` (memory gets 1 - cpu_weight).
    cpu_weight: float = 0.5
    #: §2.4 MinGoodness: a load-balancing move must reduce the imbalance (a standard deviation) by more than
    #: this.  0 takes any move that helps (float noise below 1e-12 never counts).
    min_goodness: float = 0.0
    #: §2.4 CostBenefit [model of the paper's idea]: when on, a move must gain more than it costs: benefit =
    #: imbalance reduction x :attr:`stable_period_s`; cost = the vMotion's duration (memory at
    #: :attr:`migration_rate_mb_s`) x the VM's share of its source host's load.  Off (VMware's CostBenefit=0)
    #: considers every move.
    cost_benefit: bool = False
    #: §2.4 [model]: how long a new balance is expected to last (the DRS period, pollPeriodSec).
    stable_period_s: float = 300.0
    #: §2.4 [model]: the transfer rate the cost-benefit check times a vMotion with (10 GbE usable, §1.3).
    migration_rate_mb_s: float = 1150.0
    #: §2.4 MaxMovesPerHost: load-balancing moves per host per pass (None: no limit).  Constraint corrections
    #: (maintenance evacuation, rule fixes, reservations) never count and are never limited.
    max_moves_per_host: int | None = 8
    #: §2.4 [model]: which moves count against a host's limit: ``source`` (the moves out of it, as the doc's
    #: pseudo-code counts) or ``both`` (in and out: a host is in at most that many vMotions).
    move_limit_counts: Literal["source", "both"] = "source"
    #: §2.4 [model]: what a host at its limit does: ``skip`` (it stops being a source, the search goes on
    #: with the others) or ``stop`` (the pass ends when the best move's source is at its limit: the doc's
    #: pseudo-code, literally).
    at_move_limit: Literal["skip", "stop"] = "skip"
    #: §2.4 MAX_MOVES_TOTAL: load-balancing moves per pass (None: no limit).
    max_moves_total: int | None = None
    #: §2.2 [model]: the priority range a load-balancing recommendation is clamped to (1 is for mandatory moves).
    priority_range: tuple[int, int] = (2, 5)
    #: [model]: two moves whose imbalance reductions differ by at most this are a tie, broken by the design's
    #: order (the VM listed first, then the host listed first): the pass is deterministic.
    tie_tolerance: float = 1e-9
    #: check the vMotion preconditions P1-P5 (network, datastore, CPU, port groups) through
    #: :mod:`vinfra.cluster.vmotion`.  P6 (local devices) and P8 (host state) are always checked.
    vmotion_checks: bool = True
    #: the vMotion settings those checks use (strict network mode, ...).
    vmotion: VmotionSettings = DEFAULT_VMOTION_SETTINGS


DEFAULT_DRS_SETTINGS = DrsSettings()


# §2.1: entitlement ------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Claim:
    """One child of a divvy: reservation, limit (None: none), shares, demand (§2.1)."""

    reservation: float
    limit: float | None
    shares: float
    demand: float

    @property
    def cap(self) -> float:
        """What the child may get at most: min(limit, demand), never below its reservation."""
        top = self.demand if self.limit is None else min(self.limit, self.demand)
        return max(top, self.reservation)


def divvy(capacity: float, claims: Sequence[Claim]) -> list[float]:
    """§2.1's weighted max-min divvy in closed form: E = R + min(cap - R, lam * S), lam such that the
    entitlements add up to the capacity (or every child at its cap).  Equal to the doc's iterative loop
    (``tests/cluster/test_drs.py``), in O(n log n) instead of one round per saturating child."""
    out = [c.reservation for c in claims]
    free = capacity - sum(out)
    if free <= 0:
        return out
    active = []
    for i, c in enumerate(claims):
        room = c.cap - c.reservation
        if room > 0 and c.shares > 0:
            active.append((room, float(c.shares), i))
    if sum(h for h, _, _ in active) <= free:
        for h, _, i in active:
            out[i] += h
        return out
    # children saturate in the order of headroom per share; the rest share what is left by shares
    active.sort(key=lambda a: (a[0] / a[1], a[2]))
    total = sum(s for _, s, _ in active)
    k = 0
    while k < len(active):
        h, s, i = active[k]
        if h / s * total > free:
            break
        out[i] += h
        free -= h
        total -= s
        k += 1
    lam = free / total if total > 0 else 0.0
    for _h, s, i in active[k:]:
        out[i] += lam * s
    return out


def cpu_claim(spec: VmSpec, demand_mhz: float) -> Claim:
    cpu = spec.cpu
    shares = CPU_SHARES_PER_VCPU[cpu.shares] * cpu.vcpus if isinstance(cpu.shares, str) else cpu.shares
    return Claim(float(cpu.reservation_mhz), None if cpu.limit_mhz is None else float(cpu.limit_mhz),
                 float(shares), demand_mhz)


def memory_claim(spec: VmSpec, demand_gb: float) -> Claim:
    """Memory in MB; shares per MB of configured memory.  The overhead is added after the divvy [model]."""
    mem = spec.memory
    shares = MEMORY_SHARES_PER_MB[mem.shares] * spec.memory_gb * 1024 if isinstance(mem.shares, str) else mem.shares
    return Claim(mem.reservation_gb * 1024, None if mem.limit_gb is None else mem.limit_gb * 1024, float(shares),
                 demand_gb * 1024)


# §2.2: load, imbalance, target, priority --------------------------------------------------------------------
def combined(settings: DrsSettings) -> Callable[[float, float], float]:
    """N_h from a host's normalized CPU and memory entitlement (§2.2 [model])."""
    if settings.combine == "cpu":
        return lambda c, m: c
    if settings.combine == "memory":
        return lambda c, m: m
    if settings.combine == "max":
        return max
    w = settings.cpu_weight
    return lambda c, m: w * c + (1 - w) * m


def target_imbalance(threshold: int, hosts: int) -> float:
    """§2.2 [derived]: I_target = 0.1 (5 - T) / sqrt(n) for T = 2..5; T = 1 balances nothing (infinite)."""
    if threshold <= 1:
        return math.inf
    return 0.1 * (5 - threshold) / math.sqrt(max(hosts, 1))


def priority_of(imbalance: float, hosts: int, settings: DrsSettings = DEFAULT_DRS_SETTINGS) -> int:
    """§2.2 (KB 1007485): priority = 6 - ceil(I / 0.1 * sqrt(n)), clamped to :attr:`DrsSettings.priority_range`."""
    lo, hi = settings.priority_range
    raw = 6 - math.ceil(imbalance / 0.1 * math.sqrt(max(hosts, 1)) - 1e-12)
    return min(max(raw, lo), hi)


def stddev(values: Sequence[float]) -> float:
    """Population standard deviation (cluster-behaviour's convention)."""
    n = len(values)
    if n == 0:
        return 0.0
    mu = sum(values) / n
    return math.sqrt(sum((v - mu) ** 2 for v in values) / n)


# answers ----------------------------------------------------------------------------------------------------
@dataclass(frozen=True, slots=True)
class Recommendation:
    """One migration: ``automatic`` when the automation level would apply it (fully automated, §2.3)."""

    vm: str
    source: str
    target: str
    priority: int
    reason: str
    automatic: bool

    def row(self) -> dict[str, Any]:
        return {"vm": self.vm, "from": self.source, "to": self.target, "priority": self.priority,
                "reason": self.reason, "automatic": self.automatic}


@dataclass(frozen=True)
class DrsAnswer:
    cluster: str
    imbalance_before: float
    imbalance_after: float
    target: float
    recommendations: tuple[Recommendation, ...]
    #: (vm, reason): powered-on VMs that cannot leave a host entering maintenance (its task does not complete)
    stuck: tuple[tuple[str, str], ...] = ()
    threshold: int = 3
    #: the hosts the imbalance is taken over (usable, not entering maintenance)
    hosts: int = 0
    #: hosts entering maintenance mode, and whether each has no powered-on VM left after the pass
    maintenance: tuple[tuple[str, bool], ...] = ()

    def row(self) -> dict[str, Any]:
        target = None if math.isinf(self.target) else self.target
        return {"cluster": self.cluster, "threshold": self.threshold,
                "imbalance": {"before": self.imbalance_before, "after": self.imbalance_after, "target": target},
                "recommendations": [r.row() for r in self.recommendations],
                "stuck": [{"vm": vm, "reason": why} for vm, why in self.stuck],
                "maintenance": [{"host": h, "complete": done} for h, done in self.maintenance]}


# the load engines --------------------------------------------------------------------------------------------
class Load(Protocol):
    """Host loads under a changing placement: what the pass asks.  :class:`_FastLoad` answers incrementally;
    the tests' reference recomputes everything (they must agree)."""

    def imbalance(self) -> float: ...
    def imbalance_if(self, vm: str, dst: str) -> float: ...
    def fits(self, vm: str, dst: str) -> bool: ...
    def unreserved_memory(self, host: str) -> float: ...
    def overcommitted(self, host: str) -> bool: ...
    def share(self, vm: str) -> float: ...
    def move(self, vm: str, dst: str) -> None: ...
    def best_move(self, vm_ok: Callable[[str], bool], source_ok: Callable[[str], bool],
                  dest_ok: Callable[[str], bool], feasible: Callable[[str, str, float], bool],
                  floor: float, tolerance: float) -> tuple[str, str, float] | None: ...


@dataclass
class LoadInput:
    """What a load engine starts from: metric hosts, all hosts holding VMs, capacities, VMs."""

    hosts: list[str]  # the metric hosts (usable destinations), design order
    capacity: dict[str, tuple[float, float]]  # host -> (CPU MHz, memory MB), every host below
    vms: list[str]  # powered-on VMs the pass knows, design order
    host_of: dict[str, str]
    entitlement: dict[str, tuple[float, float]]  # vm -> (MHz, MB)
    reserved: dict[str, tuple[float, float]]  # vm -> (MHz, MB incl. overhead)
    combine: Callable[[float, float], float]
    settings: DrsSettings


class _FastLoad:
    """Per-host sums; a move's imbalance in O(1); the best move searched under upper bounds.

    With n metric hosts, mean mu and a move of a VM from s to d that lowers N_s by x and raises N_d by y,
    n * (var - var') = 2 (N_s - mu) x - x^2 - 2 (N_d - mu) y - y^2 + (y - x)^2 / n.  x and y never exceed
    z = the VM's largest per-resource share of the smallest host, every term grows with x and y up to its
    peak, so a bound in z alone orders each host's VMs (largest z first) and each host (its largest z): the
    search stops at the first bound below the best move found."""

    def __init__(self, data: LoadInput) -> None:
        self.s = data.settings
        self.comb = data.combine
        self.hosts = data.hosts
        self.metric = set(data.hosts)
        self.cap = data.capacity
        self.vm_order = {v: i for i, v in enumerate(data.vms)}
        self.host_order = {h: i for i, h in enumerate(data.capacity)}
        self.host_of = dict(data.host_of)
        self.ent = data.entitlement
        self.res = data.reserved
        self.C: dict[str, float] = {h: 0.0 for h in data.capacity}
        self.M: dict[str, float] = {h: 0.0 for h in data.capacity}
        self.RC: dict[str, float] = {h: 0.0 for h in data.capacity}
        self.RM: dict[str, float] = {h: 0.0 for h in data.capacity}
        for v in data.vms:
            h = self.host_of[v]
            c, m = self.ent[v]
            rc, rm = self.res[v]
            self.C[h] += c
            self.M[h] += m
            self.RC[h] += rc
            self.RM[h] += rm
        self.N = {h: self._n(h, self.C[h], self.M[h]) for h in self.hosts}
        # the bound's z: a VM's largest possible x or y, anywhere
        if self.hosts:
            min_c = min(self.cap[h][0] for h in self.hosts)
            min_m = min(self.cap[h][1] for h in self.hosts)
        else:
            min_c = min_m = 1.0
        self.z = {v: self._shift(self.ent[v], min_c, min_m) for v in data.vms}
        self.members: dict[str, list[tuple[float, int, str]]] = {h: [] for h in data.capacity}
        for v in data.vms:
            self.members[self.host_of[v]].append((-self.z[v], self.vm_order[v], v))
        for lst in self.members.values():
            lst.sort()
        self._sums()

    def _n(self, h: str, c: float, m: float) -> float:
        cc, cm = self.cap[h]  # never 0: the model wants a CPU and memory on every host
        return self.comb(c / cc, m / cm)

    def _shift(self, e: tuple[float, float], cap_c: float, cap_m: float) -> float:
        """The most a VM of entitlement ``e`` can change N of a host of these capacities."""
        c, m = e[0] / cap_c, e[1] / cap_m
        if self.s.combine == "cpu":
            return c
        if self.s.combine == "memory":
            return m
        if self.s.combine == "max":
            return max(c, m)
        return self.s.cpu_weight * c + (1 - self.s.cpu_weight) * m

    def _sums(self) -> None:
        values = [self.N[h] for h in self.hosts]
        self.S1 = math.fsum(values)
        self.S2 = math.fsum(v * v for v in values)

    def _std(self, s1: float, s2: float) -> float:
        n = len(self.hosts)
        if n == 0:
            return 0.0
        return math.sqrt(max(s2 / n - (s1 / n) ** 2, 0.0))

    # Load ------------------------------------------------------------------------------------------------
    def imbalance(self) -> float:
        return self._std(self.S1, self.S2)

    def _after(self, vm: str, dst: str) -> tuple[float, float]:
        src = self.host_of[vm]
        c, m = self.ent[vm]
        s1, s2 = self.S1, self.S2
        if src in self.metric:
            old, new = self.N[src], self._n(src, self.C[src] - c, self.M[src] - m)
            s1 += new - old
            s2 += new * new - old * old
        if dst in self.metric:
            old, new = self.N[dst], self._n(dst, self.C[dst] + c, self.M[dst] + m)
            s1 += new - old
            s2 += new * new - old * old
        return s1, s2

    def imbalance_if(self, vm: str, dst: str) -> float:
        return self._std(*self._after(vm, dst))

    def fits(self, vm: str, dst: str) -> bool:
        rc, rm = self.res[vm]
        cc, cm = self.cap[dst]
        return self.RC[dst] + rc <= cc + RESOURCE_SLACK and self.RM[dst] + rm <= cm + RESOURCE_SLACK

    def unreserved_memory(self, host: str) -> float:
        return self.cap[host][1] - self.RM[host]

    def overcommitted(self, host: str) -> bool:
        cc, cm = self.cap[host]
        return self.RC[host] > cc + RESOURCE_SLACK or self.RM[host] > cm + RESOURCE_SLACK

    def share(self, vm: str) -> float:
        h = self.host_of[vm]
        return self._shift(self.ent[vm], *self.cap[h])

    def move(self, vm: str, dst: str) -> None:
        src = self.host_of[vm]
        c, m = self.ent[vm]
        rc, rm = self.res[vm]
        self.C[src] -= c
        self.M[src] -= m
        self.RC[src] -= rc
        self.RM[src] -= rm
        self.C[dst] += c
        self.M[dst] += m
        self.RC[dst] += rc
        self.RM[dst] += rm
        self.host_of[vm] = dst
        item = (-self.z[vm], self.vm_order[vm], vm)
        self.members[src].remove(item)
        bisect.insort(self.members[dst], item)
        for h in (src, dst):
            if h in self.metric:
                self.N[h] = self._n(h, self.C[h], self.M[h])
        self._sums()  # from scratch (96 terms): no drift over hundreds of moves

    def best_move(self, vm_ok: Callable[[str], bool], source_ok: Callable[[str], bool],
                  dest_ok: Callable[[str], bool], feasible: Callable[[str, str, float], bool],
                  floor: float, tolerance: float) -> tuple[str, str, float] | None:
        n = len(self.hosts)
        if n < 2:
            return None
        mu = self.S1 / n
        var = max(self.S2 / n - mu * mu, 0.0)
        std = math.sqrt(var)
        N = self.N
        dests = sorted((h for h in self.hosts if dest_ok(h)), key=lambda h: (N[h], self.host_order[h]))
        if not dests:
            return None
        n_min = N[dests[0]]
        comb, cap, C, M, ent = self.comb, self.cap, self.C, self.M, self.ent
        S1, S2 = self.S1, self.S2

        # bounds are on delta = n * (var - var'); a reduction g in standard deviation is
        # delta >= n * (var - (std - g)^2)
        def delta_for(g: float) -> float:
            left = std - g
            return math.inf if left < 0 else n * (var - left * left) - 1e-12

        def b_bound(nd: float, z: float) -> float:
            if nd >= mu:
                return 0.0
            y = mu - nd if mu - nd < z else z
            return 2 * (mu - nd) * y - y * y

        def bound(ns: float, z: float) -> float:
            a = 0.0
            if ns > mu:
                x = ns - mu if ns - mu < z else z
                a = 2 * (ns - mu) * x - x * x
            return a + b_bound(n_min, z) + z * z / n

        best = -math.inf
        thr = floor  # the reduction a move must reach to matter now
        need = delta_for(thr)
        near: list[tuple[float, int, int, str, str]] = []
        sources = [h for h in self.hosts if self.members[h] and source_ok(h)]
        ub = {h: bound(N[h], -self.members[h][0][0]) for h in sources}
        sources.sort(key=lambda h: -ub[h])
        for s in sources:
            if ub[s] < need:
                break
            ns = N[s]
            cs, ms = C[s], M[s]
            cap_s = cap[s]
            for negz, _, v in self.members[s]:
                z = -negz
                if bound(ns, z) < need:
                    break
                if not vm_ok(v):
                    continue
                c, m = ent[v]
                ns_new = comb((cs - c) / cap_s[0], (ms - m) / cap_s[1])
                x = ns - ns_new
                a = 2 * (ns - mu) * x - x * x + z * z / n
                s1 = S1 - ns + ns_new
                s2 = S2 - ns * ns + ns_new * ns_new
                for d in dests:
                    nd = N[d]
                    if nd < mu:  # the most a move into d can help (b_bound, inlined: the innermost loop)
                        y = mu - nd if mu - nd < z else z
                        if a + 2 * (mu - nd) * y - y * y < need:
                            break  # destinations only get busier from here
                    elif a < need:
                        break
                    if d == s:
                        continue
                    cap_d = cap[d]
                    nd_new = comb((C[d] + c) / cap_d[0], (M[d] + m) / cap_d[1])
                    gain = std - self._std(s1 - nd + nd_new, s2 - nd * nd + nd_new * nd_new)
                    if gain <= floor or gain < thr:
                        continue
                    if not feasible(v, d, gain):
                        continue
                    if gain > best:
                        best = gain
                        thr = max(floor, best - tolerance)
                        need = delta_for(thr)
                    near.append((gain, self.vm_order[v], self.host_order[d], v, d))
        return pick(near, best, tolerance)


def pick(near: Iterable[tuple[float, int, int, str, str]], best: float, tolerance: float
         ) -> tuple[str, str, float] | None:
    """Among the moves within ``tolerance`` of the best reduction, the first VM, then the first host."""
    ties = [c for c in near if c[0] >= best - tolerance]
    if not ties:
        return None
    g, _, _, v, d = min(ties, key=lambda c: (c[1], c[2]))
    return v, d, g


# feasibility -------------------------------------------------------------------------------------------------
class _Compat:
    """vMotion preconditions that do not depend on load (P1-P5 of §1.1), cached by what they depend on: the
    host pair (P1, P2, P4) and the VM's datastore and networks (P3, P5).

    They are facts of the design (with its own ``failures:``) and the vMotion settings alone, so one is kept
    with the inventory (:meth:`Inventory.derived`) per vMotion settings: every cluster's pass, and every
    later pass over the same design (the simulation runs one every 5 minutes), shares its answers."""

    def __init__(self, inv: Inventory, settings: VmotionSettings) -> None:
        self.inv = inv
        self.settings = settings
        self._snap: Any = None
        self._reach: Any = None
        self._pairs: dict[tuple[str, str], str | None] = {}
        self._vm: dict[tuple[Any, ...], str | None] = {}

    @property
    def snap(self) -> Any:
        if self._snap is None:
            from ..network import Snapshot  # the network engine, built only when a move is checked

            self._snap = Snapshot(self.inv)
        return self._snap

    def _ping(self, a: Any, b: Any) -> str | None:
        """P2 through the reach analysis: the vMotion ports of a cluster mostly share one class, so one walk
        answers for every pair of it."""
        if self._reach is None:
            from ..analysis.reach import Reach

            self._reach = Reach(self.snap)
        return None if self._reach.pair(a, b) else (self._reach.reason(a, b) or "no reply")

    def pair(self, src: str, dst: str) -> str | None:
        key = (src, dst)
        if key not in self._pairs:
            faults, _ = check_network(self.snap, src, dst, self.settings, ping=self._ping)
            faults += check_cpu(self.snap, src, dst)
            self._pairs[key] = f"{faults[0].fault}: {faults[0].message}" if faults else None
        return self._pairs[key]

    def vm(self, spec: VmSpec, src: str, dst: str) -> str | None:
        nets = tuple((n.network, n.guest_vlan) for n in spec.nics)
        key = (spec.datastore, nets, src, dst)
        if key not in self._vm:
            # the checks read the VM's host as the source: the pass may have moved it already
            vm = spec if isinstance(spec, Vm) and spec.host == src else Vm.model_construct(
                **{**dict(spec), "host": src})
            faults = check_datastore(self.snap, vm, dst) + check_vm_networks(self.snap, vm, dst, self.settings)
            self._vm[key] = f"{faults[0].fault}: {faults[0].message}" if faults else None
        return self._vm[key]

    def refusal(self, spec: VmSpec, src: str, dst: str) -> str | None:
        """Why vMotion of the VM from ``src`` to ``dst`` is refused (P1-P5), or None."""
        return self.pair(src, dst) or self.vm(spec, src, dst)

    @classmethod
    def of(cls, inv: Inventory, settings: VmotionSettings) -> _Compat:
        return inv.derived(f"cluster.drs.vmotion:{settings!r}", lambda: cls(inv, settings))  # type: ignore[no-any-return]


# the pass ---------------------------------------------------------------------------------------------------
@dataclass
class _Setup:
    inv: Inventory
    cluster: str
    state: ClusterState
    settings: DrsSettings
    rules: PlacementRules
    metric: list[str]  # usable hosts, not entering maintenance, not failover hosts (design order)
    evacuate: list[str]  # hosts entering maintenance (or already in maintenance/standby) that hold VMs
    entering: list[str]  # hosts the caller or the state puts in maintenance
    specs: dict[str, VmSpec]
    automation: dict[str, Automation]
    data: LoadInput = field(repr=False, default=None)  # type: ignore[assignment]


def _setup(inv: Inventory, cluster: str, state: ClusterState, maintenance: Collection[str], settings: DrsSettings,
           extra_vm: str | None = None) -> _Setup:
    if cluster not in inv.clusters:
        raise KeyError(cluster)
    cl = inv.clusters[cluster]
    members = [h for h, host in inv.hosts.items() if host.cluster == cluster]
    for h in maintenance:
        if h not in members:
            raise ValueError(f"host {h!r} is not in cluster {cluster!r}")
    for h in maintenance:
        state = state.with_host(h, maintenance=True)
    ac = cl.ha.admission_control
    failover = set(ac.value) if cl.ha.enabled and ac.policy == "failover_hosts" and isinstance(ac.value, list) else set()
    live = [h for h in members if not state.hosts[h].failed]
    metric = [h for h in live if state.hosts[h].usable and h not in failover]
    entering = [h for h in live if state.hosts[h].maintenance or state.hosts[h].standby]
    specs: dict[str, VmSpec] = {}
    vms: list[str] = []
    for name, vs in state.vms.items():
        if (vs.host in live and vs.power == "on") or name == extra_vm:
            vms.append(name)
            specs[name] = state.spec(inv, name)
    level = cl.drs.automation
    automation: dict[str, Automation] = {v: specs[v].drs.automation or level for v in vms}
    cap_c = sum(inv.hosts[h].cpu.capacity_mhz for h in metric)
    cap_m = sum(inv.hosts[h].memory_gb * 1024 for h in metric)
    e_cpu = divvy(cap_c, [cpu_claim(specs[v], state.vms[v].cpu_mhz) for v in vms])
    e_mem = divvy(cap_m, [memory_claim(specs[v], state.vms[v].memory_gb) for v in vms])
    data = LoadInput(
        hosts=metric,
        capacity={h: (float(inv.hosts[h].cpu.capacity_mhz), inv.hosts[h].memory_gb * 1024) for h in live},
        vms=vms,
        host_of={v: state.vms[v].host for v in vms},
        entitlement={v: (e_cpu[i], e_mem[i] + specs[v].memory.overhead_mb) for i, v in enumerate(vms)},
        reserved={v: (float(specs[v].cpu.reservation_mhz),
                      specs[v].memory.reservation_gb * 1024 + specs[v].memory.overhead_mb) for v in vms},
        combine=combined(settings),
        settings=settings,
    )
    evacuate = [h for h in entering if any(data.host_of[v] == h for v in vms if v != extra_vm)]
    s = _Setup(inv, cluster, state, settings, PlacementRules.of(inv, cluster), metric, evacuate, entering, specs,
               automation)
    s.data = data
    return s


class _Pass:
    """One DRS pass over a load engine: constraint corrections, then load balancing (§2.4)."""

    def __init__(self, setup: _Setup, load: Load, threshold: int, ha_admits: HaAdmits | None) -> None:
        self.su = setup
        self.load = load
        self.threshold = threshold
        self.ha_admits = ha_admits
        self.settings = setup.settings
        self.compat = _Compat.of(setup.inv, setup.settings.vmotion) if setup.settings.vmotion_checks else None
        self.placement: dict[str, str] = dict(setup.data.host_of)
        self.recs: list[Recommendation] = []
        self.stuck: list[tuple[str, str]] = []
        self.moves: dict[str, int] = {}
        self.banned: set[tuple[str, str]] = set()
        self.state = setup.state
        self._pinned = {v: why for v in setup.data.vms if (why := self._pinned_why(v)) is not None}

    # checks -----------------------------------------------------------------------------------------
    def pinned(self, vm: str) -> str | None:
        """Why DRS cannot move this VM at all, or None (P6, a VM DRS is disabled for)."""
        return self._pinned.get(vm)

    def _pinned_why(self, vm: str) -> str | None:
        spec = self.su.specs[vm]
        if self.su.automation[vm] == "disabled":
            return "DRS is disabled for the VM"
        if spec.local_devices:
            return f"DeviceBackingNotAccessible: devices backed by its host: {', '.join(spec.local_devices)} (P6)"
        return None

    def refusal(self, vm: str, dst: str, *, preferential: bool) -> str | None:
        """Why moving ``vm`` to ``dst`` now is not feasible (§2.4 feasible: §1.1, reservations, rules), or None."""
        src = self.placement[vm]
        if dst == src:
            return "already there"
        if (vm, dst) in self.banned:
            return "HA admission control refuses it"
        if not self.load.fits(vm, dst):
            return "InsufficientResources: reservations do not fit (P7)"
        if not self.su.rules.allowed(vm, dst, self.placement):
            return "a required rule forbids it (§2.6)"
        if preferential and not self.su.rules.allowed(vm, dst, self.placement, preferential=True):
            return "a preferential rule forbids it (§2.6)"
        return None if self.compat is None else self.compat.refusal(self.su.specs[vm], src, dst)

    def admitted(self, vm: str, dst: str) -> bool:
        """HA admission control (P7) on the state after the move; a refusal bans the move for this pass."""
        if self.ha_admits is None:
            return True
        after = self.state.with_vm(vm, host=dst)
        if self.ha_admits(after) is not None:
            self.banned.add((vm, dst))
            return False
        return True

    # moves ------------------------------------------------------------------------------------------
    def apply(self, vm: str, dst: str, priority: int, reason: str) -> None:
        src = self.placement[vm]
        self.load.move(vm, dst)
        self.placement[vm] = dst
        if self.ha_admits is not None:
            self.state = self.state.with_vm(vm, host=dst)
        automatic = self.su.automation[vm] == "fully" and priority <= max(self.threshold, 1)
        self.recs.append(Recommendation(vm, src, dst, priority, reason, automatic))

    def best_host(self, vm: str) -> tuple[str | None, str]:
        """The feasible host that leaves the lowest imbalance (ties: most unreserved memory, then host order);
        "should" rules are honoured when some host allows it (§2.6).  Returns (host, why none)."""
        tol = self.settings.tie_tolerance
        order = {h: k for k, h in enumerate(self.su.metric)}
        why: list[str] = []
        for preferential in (True, False):
            options: list[tuple[float, str]] = []
            for h in self.su.metric:
                if self.refusal(vm, h, preferential=preferential) is None:
                    options.append((self.load.imbalance_if(vm, h), h))
            while options:
                low = min(i for i, _ in options)
                ties = [h for i, h in options if i <= low + tol]
                h = min(ties, key=lambda t: (-round(self.load.unreserved_memory(t), 3), order[t]))
                if self.admitted(vm, h):
                    return h, ""
                options = [o for o in options if o[1] != h]
        for h in self.su.metric:
            reason = self.refusal(vm, h, preferential=False)
            if reason is not None and reason != "already there":
                why.append(f"{h}: {reason}")
        if not self.su.metric:
            return None, "no usable host in the cluster"
        return None, "no host can take it: " + "; ".join(why[:3]) + (f"; and {len(why) - 3} more" if len(why) > 3 else "")

    # 1. constraint corrections (priority 1) ---------------------------------------------------------
    def evacuate(self) -> None:
        """§2.7: every powered-on VM leaves a host entering maintenance; no per-host move limit."""
        for host in self.su.evacuate:
            for vm in [v for v in self.su.data.vms if self.placement[v] == host]:
                pinned = self.pinned(vm)
                if pinned is not None:
                    self.stuck.append((vm, pinned))
                    continue
                dst, why = self.best_host(vm)
                if dst is None:
                    self.stuck.append((vm, why))
                    continue
                self.apply(vm, dst, 1, f"{host} enters maintenance mode")

    def fix_rules(self) -> None:
        """§2.6: required VM-Host rules and VM-VM rules broken by the placement get priority-1 moves."""
        metric = set(self.su.metric)
        for violation in self.su.rules.violations(self.placement):
            if violation.kind in ("vm_host", "vm_anti_host") and not violation.must:
                continue  # "should" rules are honoured by moves, not fixed [model]
            if violation.kind == "anti_affinity":
                movers = list(violation.vms[1:])  # the first listed stays
            elif violation.kind == "affinity":
                # they join the host most of them run on (a tie: the first listed VM's host)
                placed = [v for v in violation.vms if v in self.placement]
                hosts = [self.placement[v] for v in placed]
                keep = max(dict.fromkeys(hosts), key=hosts.count)
                movers = [v for v in placed if self.placement[v] != keep]
            else:
                movers = list(violation.vms)
            for vm in movers:
                if vm not in self.placement or self.placement[vm] not in metric:
                    continue
                if self.su.rules.allowed(vm, self.placement[vm], self.placement):
                    continue  # an earlier fix already mended it
                if self.pinned(vm) is not None:
                    continue
                dst, _ = self.best_host(vm)
                if dst is not None:
                    self.apply(vm, dst, 1, f"rule '{violation.rule}': {violation.message}")

    def relieve(self) -> None:
        """Reservations exceeding a host's capacity: move VMs off it (the last listed first) until they fit."""
        for host in self.su.metric:
            if not self.load.overcommitted(host):
                continue
            for vm in reversed([v for v in self.su.data.vms if self.placement[v] == host]):
                if not self.load.overcommitted(host):
                    break
                if self.pinned(vm) is not None:
                    continue
                dst, _ = self.best_host(vm)
                if dst is not None:
                    self.apply(vm, dst, 1, f"reservations on {host} exceed its capacity")

    # 2. load balancing -------------------------------------------------------------------------------
    def balance(self) -> None:
        s = self.settings
        n = len(self.su.metric)
        target = target_imbalance(self.threshold, n)
        if self.load.imbalance() <= target:
            return
        priority = priority_of(self.load.imbalance(), n, s)
        if priority > self.threshold:
            return
        limit = s.max_moves_per_host
        metric = set(self.su.metric)
        balanced = 0
        floor = max(s.min_goodness, NOISE)

        def under(h: str) -> bool:
            return limit is None or self.moves.get(h, 0) < limit

        pinned = self._pinned

        def vm_ok(vm: str) -> bool:
            return vm not in pinned

        def dest_ok(h: str) -> bool:
            return s.move_limit_counts == "source" or under(h)

        def feasible(vm: str, dst: str, gain: float) -> bool:
            if self.refusal(vm, dst, preferential=True) is not None:
                return False
            if s.cost_benefit:
                spec = self.su.specs[vm]
                seconds = spec.memory_gb * 1024 / s.migration_rate_mb_s
                if gain * s.stable_period_s <= seconds * self.load.share(vm):
                    return False
            return True

        while self.load.imbalance() > target:
            if s.max_moves_total is not None and balanced >= s.max_moves_total:
                break
            src_ok = under if s.at_move_limit == "skip" else (lambda h: h in metric)
            best = self.load.best_move(vm_ok, src_ok, dest_ok, feasible, floor, s.tie_tolerance)
            if best is None:
                break
            vm, dst, _ = best
            src = self.placement[vm]
            if s.at_move_limit == "stop" and not under(src):
                break
            if not self.admitted(vm, dst):
                continue
            self.apply(vm, dst, priority, "load balancing")
            balanced += 1
            self.moves[src] = self.moves.get(src, 0) + 1
            if s.move_limit_counts == "both":
                self.moves[dst] = self.moves.get(dst, 0) + 1


def run_pass(setup: _Setup, load: Load, threshold: int, ha_admits: HaAdmits | None = None) -> DrsAnswer:
    """The pass on a given load engine (the tests run it on the reference engine too)."""
    before = load.imbalance()
    p = _Pass(setup, load, threshold, ha_admits)
    cl = setup.inv.clusters[setup.cluster]
    if cl.drs.enabled:
        p.evacuate()
        p.fix_rules()
        p.relieve()
        p.balance()
    else:
        for host in setup.evacuate:
            p.stuck.extend((v, "DRS is disabled on the cluster") for v in setup.data.vms if p.placement[v] == host)
    left = {p.placement[v] for v in setup.data.vms}
    return DrsAnswer(setup.cluster, before, load.imbalance(), target_imbalance(threshold, len(setup.metric)),
                     tuple(p.recs), tuple(p.stuck), threshold, len(setup.metric),
                     tuple((h, h not in left) for h in setup.entering))


def drs_pass(inv: Inventory, cluster: str, *, state: ClusterState | None = None, threshold: int | None = None,
             maintenance: Collection[str] = (), settings: DrsSettings = DEFAULT_DRS_SETTINGS,
             ha_admits: HaAdmits | None = None) -> DrsAnswer:
    """One DRS invocation on ``cluster`` (cluster-behaviour §2.4): priority-1 corrections (hosts in
    ``maintenance`` evacuated, broken required rules fixed, overcommitted reservations relieved), then load
    balancing down to the target of ``threshold`` (default: the cluster's).  Recommendations are listed in
    the order they are applied to the simulated cluster; ``automatic`` says which the automation level would
    execute.

    ``ha_admits(state_after) -> None | fault`` is HA admission control (P7): when given, every move is
    checked on the state after it and dropped when refused (``vinfra.cluster.ha.admits`` bound to the design
    and cluster).  Without it, HA admission control is not checked.  Raises KeyError for an unknown cluster,
    ValueError for a maintenance host outside it or a threshold outside 1..5."""
    state = ClusterState.of(inv) if state is None else state
    t = inv.clusters[cluster].drs.threshold if threshold is None and cluster in inv.clusters else threshold
    if t is None or not 1 <= t <= 5:
        raise ValueError(f"the migration threshold is 1..5, got {t}")
    setup = _setup(inv, cluster, state, maintenance, settings)
    return run_pass(setup, _FastLoad(setup.data), t, ha_admits)


def place(inv: Inventory, cluster: str, vm: str, *, state: ClusterState | None = None,
          settings: DrsSettings = DEFAULT_DRS_SETTINGS, ha_admits: HaAdmits | None = None) -> list[str]:
    """Initial placement (§2.5): the hosts a power-on of ``vm`` may use, best first.

    Candidates: usable hosts of the cluster where the VM's datastore and port groups are (P3, P5), required
    VM-Host and VM-VM rules allow it, its reservations fit, and ``ha_admits`` (when given) admits the state
    with it powered on there.  Ranked [model]: hosts that honour "should" rules first, then the lowest
    imbalance after placement, then most unreserved memory, then the design's host order.  Empty: the
    power-on fails (``NoCompatibleHost``).  A powered-on VM is placed as if it were powered on afresh."""
    state = ClusterState.of(inv) if state is None else state
    if vm not in state.vms:
        raise KeyError(vm)
    setup = _setup(inv, cluster, state, (), settings, extra_vm=vm)
    data = setup.data
    spec = setup.specs[vm]
    # the VM starts nowhere: its load and reservations are added per candidate
    data.host_of = {v: h for v, h in data.host_of.items() if v != vm}
    data.vms = [v for v in data.vms if v != vm]
    ent, res = data.entitlement[vm], data.reserved[vm]
    load = _FastLoad(data)
    compat = _Compat.of(inv, settings.vmotion)
    placement = state.placement()
    placement.pop(vm, None)
    ranked: list[tuple[int, float, float, int, str]] = []
    for k, h in enumerate(setup.metric):
        if settings.vmotion_checks and compat.vm(spec, h, h) is not None:
            continue
        if not setup.rules.allowed(vm, h, placement):
            continue
        cc, cm = load.cap[h]
        if load.RC[h] + res[0] > cc + RESOURCE_SLACK or load.RM[h] + res[1] > cm + RESOURCE_SLACK:
            continue
        if ha_admits is not None and ha_admits(state.with_vm(vm, host=h, power="on")) is not None:
            continue
        soft = 0 if setup.rules.allowed(vm, h, placement, preferential=True) else 1
        new = load._n(h, load.C[h] + ent[0], load.M[h] + ent[1])
        s1 = load.S1 - load.N[h] + new
        s2 = load.S2 - load.N[h] ** 2 + new * new
        ranked.append((soft, round(load._std(s1, s2), 12), -round(cm - load.RM[h] - res[1], 3), k, h))
    ranked.sort()
    return [h for *_, h in ranked]


__all__ = ["DEFAULT_DRS_SETTINGS", "Claim", "DrsAnswer", "DrsSettings", "HaAdmits", "Recommendation", "divvy",
           "drs_pass", "place", "priority_of", "stddev", "target_imbalance"]
