"""HA (cluster-behaviour §3): admission control, the restart plan when hosts fail, isolation responses.

Plain functions of a design and a :class:`~vinfra.cluster.state.ClusterState` (``state=None``: the state
the design describes); nothing prints, keeps global state or reads the clock.

- :func:`admission`: the cluster's admission-control policy (§3.4) and its current failover capacity:
  (a) *host failures tolerated*, with slots: slot size, slots per host, slots needed, and how many of the
  largest hosts can fail with the rest still holding every VM's slots; (b) *percentage of cluster resources
  reserved*: CPU and memory failover capacity; (c) *dedicated failover hosts*: how many are up and empty.
  :func:`admits` asks whether a state after an operation (a power-on, a migration into the cluster, a larger
  reservation) still meets the policy: it says no exactly when the failover capacity after the operation is
  below the configured level, naming the fault.
- :func:`restart_plan`: what HA does when hosts fail (§3.3): VMs by restart priority, each on the compatible
  host with the most unreserved capacity; disabled VMs are never restarted; a VM no host can take is
  retried on the schedule and then fails over with ``VmFailoverFailed``.
- :func:`isolation_response`, :func:`isolation_actions` and :func:`ha_agent`: a host's isolation response (and
  what it does to each VM) and the cluster's HA agent (AAM or FDM) by product version (§3.1, §3.2).

Every [model] choice of §3 is a named field of :class:`HaSettings`.

Not modelled here: the timelines of failure detection and isolation (§3.2, the simulation's job) and VM
monitoring (§3.5).  The restart plan is one decision over a static state: a VM that finds no host is
retried on the schedule, but nothing frees capacity between tries here (the simulation replays the tries
against a state that changes).
"""

from __future__ import annotations

import math
from collections import Counter
from collections.abc import Callable, Collection, Iterable, Mapping
from dataclasses import dataclass, field, replace
from operator import attrgetter, itemgetter
from types import MappingProxyType
from typing import Any, Literal, NamedTuple, Protocol

from ..model import Inventory
from ..model.cluster import VmSpec
from .maxima import product_version, vms_per_host_limit
from .rules import PlacementRules
from .state import ClusterState, HostState

IsolationResponse = Literal["leave_powered_on", "power_off", "shutdown"]
Agent = Literal["aam", "fdm"]

#: §3.3: restart order, highest first (vSphere 6.5 added "highest" and "lowest"); "disabled" never restarts.
PRIORITY_ORDER: dict[str, int] = {"highest": 0, "high": 1, "medium": 2, "low": 3, "lowest": 4}

INSUFFICIENT = "InsufficientFailoverResources"
ON_FAILOVER_HOST = "DisallowedOperationOnFailoverHost"
FAILOVER_FAILED = "VmFailoverFailed"


@dataclass(frozen=True, slots=True)
class HaSettings:
    """The [model] choices and advanced options of cluster-behaviour §3, with their defaults."""

    #: ``das.slotcpuinmhz``: the most a CPU slot may be (MHz); None: no cap.  A VM whose reservation is larger
    #: than a capped slot counts as several slots (§3.4a).
    slot_cpu_mhz: int | None = None
    #: ``das.slotmeminmb``: the most a memory slot may be (MB); None: no cap.
    slot_memory_mb: int | None = None
    #: ``das.vmcpuminmhz``: the CPU a VM without a CPU reservation counts for, in slots and in the percentage
    #: policy; None: by HA agent, :attr:`cpu_min_mhz_aam` (VI3, vSphere 4) or :attr:`cpu_min_mhz_fdm` (5+).
    vm_cpu_min_mhz: int | None = None
    cpu_min_mhz_aam: int = 256
    cpu_min_mhz_fdm: int = 32
    #: §3.1 [model]: the first product version whose HA agent is FDM (earlier ones run AAM).
    fdm_since: tuple[int, int] = (5, 0)
    #: §3.1 [model]: whose version decides a cluster's agent: vCenter installs one agent on every host and is at
    #: least as new as the newest host, so ``newest``; ``oldest`` models a vCenter as old as the oldest host.
    agent_from: Literal["newest", "oldest"] = "newest"
    #: §3.2: default isolation response by product version (first version, response), oldest first: VC 2.0
    #: power off, VI3.5 leave powered on, vSphere 4.x shut down, vSphere 5+ leave powered on.
    isolation_defaults: tuple[tuple[tuple[int, int], IsolationResponse], ...] = (
        ((0, 0), "power_off"), ((3, 5), "leave_powered_on"), ((4, 0), "shutdown"), ((5, 0), "leave_powered_on"))
    #: §3.3 [model]: which host a restarted VM goes to among the compatible ones: the most unreserved memory,
    #: then CPU (``memory``), or CPU first (``cpu``); a tie goes to the host listed first in the design
    #: (scenario 12: "tie on free memory -> lower host id").
    prefer: Literal["memory", "cpu"] = "memory"
    #: §3.3 [model]: the order of VMs of one priority: as the design lists them (``design``), or the largest
    #: memory reservation first (``largest_first``, a bin-packing order).
    same_priority: Literal["design", "largest_first"] = "design"
    #: §2.6: HA honours VM-VM rules on failover only when this advanced option says so
    #: (``das.respectVmVmAntiAffinityRules``); DRS fixes them later otherwise.
    honour_vm_vm_rules: bool = False
    #: §2.6: preferential ("should") VM-Host rules are followed when some compatible host allows it, and broken
    #: only when there is no alternative.
    honour_should_rules: bool = True
    #: §3.3 ``das.maxvmrestartcount``: tries before a VM's failover fails (VC 2.5 U4 and later).
    max_restart_tries: int = 5
    #: §3.3 [unverified]: minutes after the failure of each try (FDM: T0, +2, +6, +14, +30 min).
    retry_minutes: tuple[float, ...] = (0.0, 2.0, 6.0, 14.0, 30.0)
    #: §3.3 / §4.4: a restart respects the host's VMs-per-host maximum.
    enforce_vms_per_host: bool = True

    def __post_init__(self) -> None:
        for name in ("slot_cpu_mhz", "slot_memory_mb", "vm_cpu_min_mhz"):
            value = getattr(self, name)
            if value is not None and value < 0:
                raise ValueError(f"{name} must be 0 or more, got {value}")
        if self.max_restart_tries < 1:
            raise ValueError(f"max_restart_tries must be at least 1, got {self.max_restart_tries}")


DEFAULT_HA_SETTINGS = HaSettings()


# agents and isolation (§3.1, §3.2) -----------------------------------------------------------------------------
def ha_agent(inv: Inventory, cluster: str, *, settings: HaSettings = DEFAULT_HA_SETTINGS,
             members: Iterable[str] | None = None) -> Agent:
    """The cluster's HA agent: AAM (VI3 / vSphere 4, 5 primaries) or FDM (vSphere 5+, one master), §3.1.
    ``members``: the cluster's hosts, when the caller has them."""
    if members is None:
        members = [n for n, h in inv.hosts.items() if h.cluster == cluster]
    versions = [product_version(inv.hosts[n]) for n in members]
    if not versions:
        return "fdm"
    v = max(versions) if settings.agent_from == "newest" else min(versions)
    return "fdm" if v >= settings.fdm_since else "aam"


def isolation_response(inv: Inventory, cluster: str, host: str, *,
                       settings: HaSettings = DEFAULT_HA_SETTINGS) -> IsolationResponse:
    """What ``host`` does with its VMs when isolated (§3.2): the cluster's configured response, else the
    default of the host's product version."""
    configured = inv.clusters[cluster].ha.isolation_response if cluster in inv.clusters else None
    if configured is not None:
        return configured
    version = product_version(inv.hosts[host])
    response: IsolationResponse = settings.isolation_defaults[0][1]
    for since, value in settings.isolation_defaults:
        if version >= since:
            response = value
    return response


def isolation_actions(inv: Inventory, cluster: str, host: str, *, state: ClusterState | None = None,
                      settings: HaSettings = DEFAULT_HA_SETTINGS) -> list[tuple[str, IsolationResponse]]:
    """What an isolated ``host`` does with each of its powered-on VMs (§3.2): the isolation response, except
    that VMs with restart priority ``disabled`` get none (they are left powered on).  Empty when HA is not
    enabled on the cluster."""
    state = state if state is not None else ClusterState.of(inv)
    if cluster not in inv.clusters or not inv.clusters[cluster].ha.enabled:
        return []
    response = isolation_response(inv, cluster, host, settings=settings)
    out: list[tuple[str, IsolationResponse]] = []
    for vm, s in state.vms.items():
        if s.host == host and s.power == "on":
            disabled = state.spec(inv, vm).ha.restart_priority == "disabled"
            out.append((vm, "leave_powered_on" if disabled else response))
    return out


# admission control (§3.4) -------------------------------------------------------------------------------------
def slot_failover_capacity(per_host: Iterable[int], need: int) -> int:
    """§3.4a: how many hosts can fail, the largest first, with the rest still holding ``need`` slots.

    Removing the hosts with the most slots is the worst case for any number of failures, so this equals the
    largest k such that *every* set of k hosts can fail (:func:`slot_failover_capacity_exhaustive`)."""
    per = sorted(per_host, reverse=True)
    remaining = sum(per)
    k = 0
    while k < len(per) and remaining - per[k] >= need:
        remaining -= per[k]
        k += 1
    return k


def slot_failover_capacity_exhaustive(per_host: Iterable[int], need: int) -> int:
    """The obvious computation (for tests): the largest k such that for every set of k failed hosts the
    others hold ``need`` slots (0 when even all hosts do not)."""
    from itertools import combinations

    per = list(per_host)
    total = sum(per)
    best = 0
    for k in range(1, len(per) + 1):
        if all(total - sum(gone) >= need for gone in combinations(per, k)):
            best = k
        else:
            break
    return best


@dataclass(frozen=True)
class Admission:
    """A cluster's admission-control policy and how the powered-on VMs stand against it (§3.4).

    ``failover_capacity`` is in the policy's unit: host failures (slots), percent (percentage: the lower of
    CPU and memory) or free failover hosts; ``configured`` is the level the policy asks for in that unit.
    ``ok`` is ``failover_capacity >= configured`` (always True when admission control is disabled)."""

    cluster: str
    policy: str  # host_failures | percentage | failover_hosts | disabled
    agent: Agent
    configured: float
    failover_capacity: float
    hosts: tuple[str, ...]  # the usable hosts counted
    #: host_failures
    slot_cpu_mhz: int | None = None
    slot_memory_mb: int | None = None
    slots_per_host: Mapping[str, int] = field(default_factory=dict)
    slots_needed: int | None = None
    #: percentage
    cpu_pct: float | None = None
    memory_pct: float | None = None
    #: failover_hosts
    failover_hosts: tuple[str, ...] = ()
    free_failover_hosts: tuple[str, ...] = ()
    #: why admission control is off, or other remarks
    note: str = ""

    @property
    def ok(self) -> bool:
        return self.policy == "disabled" or self.failover_capacity >= self.configured

    def row(self) -> dict[str, Any]:
        out: dict[str, Any] = {"cluster": self.cluster, "policy": self.policy, "agent": self.agent,
                               "configured": _num(self.configured), "failover_capacity": _num(self.failover_capacity),
                               "ok": self.ok, "hosts": len(self.hosts)}
        if self.policy == "host_failures":
            out.update({"slot": {"cpu_mhz": self.slot_cpu_mhz, "memory_mb": self.slot_memory_mb},
                        "slots_per_host": dict(self.slots_per_host),
                        "slots_total": sum(self.slots_per_host.values()), "slots_needed": self.slots_needed})
        elif self.policy == "percentage":
            out.update({"cpu_pct": round(self.cpu_pct or 0.0, 1), "memory_pct": round(self.memory_pct or 0.0, 1)})
        elif self.policy == "failover_hosts":
            out.update({"failover_hosts": list(self.failover_hosts), "free_failover_hosts": list(self.free_failover_hosts)})
        if self.note:
            out["note"] = self.note
        return out


def _num(x: float) -> float | int:
    return int(x) if float(x).is_integer() else round(x, 1)


def _reservation(spec: VmSpec) -> tuple[int, float]:
    """A VM's CPU reservation (MHz) and memory reservation plus overhead (MB), as HA counts them."""
    return spec.cpu.reservation_mhz, spec.memory.reservation_gb * 1024 + spec.memory.overhead_mb


def _cpu_min(agent: Agent, settings: HaSettings) -> int:
    if settings.vm_cpu_min_mhz is not None:
        return settings.vm_cpu_min_mhz
    return settings.cpu_min_mhz_fdm if agent == "fdm" else settings.cpu_min_mhz_aam


def _host_capacity(inv: Inventory, host: str) -> tuple[int, float]:
    h = inv.hosts[host]
    return h.cpu.capacity_mhz, h.memory_gb * 1024


def slot_size(reservations: Iterable[tuple[int, float]], cpu_min: int, settings: HaSettings) -> tuple[int, int]:
    """§3.4a: the slot: the largest CPU reservation (at least ``cpu_min``) and the largest memory reservation
    plus overhead among the powered-on VMs, each capped by ``das.slotcpuinmhz`` / ``das.slotmeminmb``."""
    cpu, mem = cpu_min, 0.0
    for c, m in reservations:
        cpu = max(cpu, c)
        mem = max(mem, m)
    mem_mb = math.ceil(mem)
    if settings.slot_cpu_mhz is not None:
        cpu = min(cpu, settings.slot_cpu_mhz)
    if settings.slot_memory_mb is not None:
        mem_mb = min(mem_mb, settings.slot_memory_mb)
    return cpu, mem_mb


def host_slots(capacity: tuple[int, float], slot: tuple[int, int]) -> int:
    """§3.4a: the slots a host holds; a slot dimension of 0 does not constrain (a host with both 0: none)."""
    cpu, mem = capacity
    by_cpu = cpu // slot[0] if slot[0] else None
    by_mem = int(mem // slot[1]) if slot[1] else None
    found = [n for n in (by_cpu, by_mem) if n is not None]
    return int(min(found)) if found else 0


def vm_slots(reservation: tuple[int, float], slot: tuple[int, int]) -> int:
    """§3.4a: the slots one VM takes: one, or more when its reservation exceeds a capped slot."""
    cpu, mem = reservation
    n = 1
    if slot[0]:
        n = max(n, math.ceil(cpu / slot[0]))
    if slot[1]:
        n = max(n, math.ceil(mem / slot[1]))
    return n


def admission(inv: Inventory, cluster: str, *, state: ClusterState | None = None,
              settings: HaSettings = DEFAULT_HA_SETTINGS) -> Admission:
    """The cluster's admission-control policy and current failover capacity (§3.4).

    Counts the cluster's usable hosts (not failed, in maintenance or in standby) and the powered-on VMs on
    them.  Raises KeyError for an unknown cluster."""
    return _admission(inv, cluster, state if state is not None else ClusterState.of(inv), settings, {})


def admissions(inv: Inventory, *, state: ClusterState | None = None,
               settings: HaSettings = DEFAULT_HA_SETTINGS) -> dict[str, Admission]:
    """:func:`admission` of every cluster that has hosts, by name, in one pass over the VMs (the check rules
    ask about every cluster of designs with hundreds of them)."""
    state = state if state is not None else ClusterState.of(inv)
    added = state.added
    specs = inv.vms
    return _admissions(inv, state.hosts, state.vms.items(), settings,
                       (lambda name: added[name] if name in added else specs[name]) if added else specs.__getitem__)


def design_admissions(inv: Inventory, *, failed: Collection[str] = (),
                      settings: HaSettings = DEFAULT_HA_SETTINGS) -> dict[str, Admission]:
    """:func:`admissions` of the state the design describes (:meth:`ClusterState.of`) with the hosts ``failed``
    failed too, read from the design itself: no :class:`VmState` per VM is built (the check rules ask once
    about designs with tens of thousands of VMs)."""
    return _admissions(inv, ClusterState.design_hosts(inv, failed), inv.vms.items(), settings, None)


#: What :func:`_admissions` reads of a design VM: where it runs, its power, and its reservation's parts.
_READING = attrgetter("host", "power", "cpu.reservation_mhz", "memory.reservation_gb", "memory.overhead_mb")


class _Placed(Protocol):
    host: str
    power: str


def _admissions(inv: Inventory, host_states: Mapping[str, HostState], vms: Iterable[tuple[str, _Placed]],
                settings: HaSettings, spec_of: Callable[[str], VmSpec] | None) -> dict[str, Admission]:
    """:func:`admissions` over ``host_states`` and ``vms`` ((name, where it runs and its power), in the design's
    order); ``spec_of``: each VM's configuration by name (None: the VM of ``vms`` is its own)."""
    members: dict[str, list[str]] = {}
    clusters = inv.clusters
    for name, h in inv.hosts.items():
        if h.cluster is not None and h.cluster in clusters:
            members.setdefault(h.cluster, []).append(name)
    usable = {c: [h for h in hosts if host_states[h].usable] for c, hosts in members.items()}
    # only the clusters whose policy counts VMs, and of those only the powered-on VMs on usable hosts, each with
    # its reservation: what :func:`_admission` reads of the VMs, gathered in one pass over the VMs
    counting = {c for c in members if clusters[c].ha.enabled and clusters[c].ha.admission_control.policy != "disabled"}
    home = {h: c for c in counting for h in usable[c]}
    tallies: dict[str, tuple[Counter[tuple[int, float]], set[str]]] = {c: (Counter(), set()) for c in counting}
    if spec_of is None:
        # each VM is its own configuration (the design's VMs): what the tally reads of them is read and counted in C,
        # then each distinct reading is tallied once (40,000 VMs at 2,500 hosts share a few thousand); the
        # reservations reach each cluster's count in the order of their first VM, as one by one
        for (host, power, cpu, gb, mb), n in Counter(map(_READING, map(itemgetter(1), vms))).items():
            c = home.get(host)
            if c is not None and power == "on":
                res, busy = tallies[c]
                res[(cpu, gb * 1024 + mb)] += n  # _reservation
                busy.add(host)
        vms = ()
    for name, s in vms:
        c = home.get(s.host)
        if c is not None and s.power == "on":
            spec: VmSpec = s if spec_of is None else spec_of(name)  # type: ignore[assignment]
            memory = spec.memory
            res, busy = tallies[c]
            res[(spec.cpu.reservation_mhz, memory.reservation_gb * 1024 + memory.overhead_mb)] += 1  # _reservation
            busy.add(s.host)
    # ``state`` is not read: the usable hosts and the tally are given
    return {c: _admission(inv, c, None, settings, {}, hosts=usable[c], vms=(),  # type: ignore[arg-type]
                          agent=ha_agent(inv, c, settings=settings, members=members[c]), tally=tallies.get(c))
            for c in sorted(members)}


def _admission(inv: Inventory, cluster: str, state: ClusterState, settings: HaSettings,
               cache: dict[str, tuple[int, float]], *, hosts: list[str] | None = None,
               vms: Iterable[str] | None = None, agent: Agent | None = None,
               tally: tuple[Counter[tuple[int, float]], set[str]] | None = None) -> Admission:
    """:func:`admission`; ``cache`` keeps each VM's reservation between calls over states of one design (a
    restart plan asks before and after); ``hosts`` (the cluster's usable hosts) and ``vms`` (at least the
    VMs on them) when the caller knows them already; ``tally``: the count of each reservation
    (:func:`_reservation`) of the powered-on VMs on ``hosts`` and the hosts they run on, when the caller has
    counted them (``vms`` is then not read)."""
    cl = inv.clusters[cluster]
    agent = agent if agent is not None else ha_agent(inv, cluster, settings=settings)
    hosts = hosts if hosts is not None else state.cluster_hosts(inv, cluster)
    usable = set(hosts)
    ac = cl.ha.admission_control
    if not cl.ha.enabled or ac.policy == "disabled":
        why = "HA is not enabled" if not cl.ha.enabled else "admission control is disabled"
        return Admission(cluster, "disabled", agent, 0, 0, tuple(hosts), note=why)
    # thousands of VMs share a handful of reservations: count each distinct one once
    res: Counter[tuple[int, float]] = Counter()
    busy: set[str] = set()
    if tally is not None:
        res, busy = tally
    for name in () if tally is not None else vms if vms is not None else state.vms:
        s = state.vms[name]
        if s.power == "on" and s.host in usable:
            r = cache.get(name)
            if r is None:
                r = cache[name] = _reservation(state.spec(inv, name))
            res[r] += 1
            busy.add(s.host)
    cpu_min = _cpu_min(agent, settings)
    if ac.policy == "host_failures":
        slot = slot_size(res, cpu_min, settings)
        per = {h: host_slots(_host_capacity(inv, h), slot) for h in hosts}
        need = sum(vm_slots(r, slot) * n for r, n in res.items())
        cap = slot_failover_capacity(per.values(), need)
        note = ""
        if agent == "aam" and int(ac.value) > 4:  # type: ignore[arg-type]
            note = "AAM has 5 primary nodes: at most 4 host failures can be tolerated (§3.1)"
        return Admission(cluster, "host_failures", agent, float(ac.value), float(cap), tuple(hosts),  # type: ignore[arg-type]
                         slot_cpu_mhz=slot[0], slot_memory_mb=slot[1], slots_per_host=per, slots_needed=need, note=note)
    if ac.policy == "percentage":
        total_cpu = sum(_host_capacity(inv, h)[0] for h in hosts)
        total_mem = sum(_host_capacity(inv, h)[1] for h in hosts)
        used_cpu = sum(max(c, cpu_min) * n for (c, _), n in res.items())
        used_mem = sum(m * n for (_, m), n in res.items())
        cpu_pct = 100 * (total_cpu - used_cpu) / total_cpu if total_cpu else 0.0
        mem_pct = 100 * (total_mem - used_mem) / total_mem if total_mem else 0.0
        return Admission(cluster, "percentage", agent, float(ac.value), min(cpu_pct, mem_pct), tuple(hosts),  # type: ignore[arg-type]
                         cpu_pct=cpu_pct, memory_pct=mem_pct)
    # failover_hosts: a failover host counts while it is usable and runs no powered-on VM (§3.4c)
    failover = tuple(ac.value)  # type: ignore[arg-type]
    free = tuple(h for h in failover if h in usable and h not in busy)
    note = "VI3 (AAM) supports one failover host (§3.4c)" if agent == "aam" and len(failover) > 1 else ""
    return Admission(cluster, "failover_hosts", agent, float(len(failover)), float(len(free)), tuple(hosts),
                     failover_hosts=failover, free_failover_hosts=free, note=note)


def admits(inv: Inventory, cluster: str, *, state_after: ClusterState,
           settings: HaSettings = DEFAULT_HA_SETTINGS) -> str | None:
    """Whether admission control allows an operation whose result is ``state_after`` (§3.4): None, or the
    fault: ``InsufficientFailoverResources`` when the failover capacity after it is below the configured
    level (``DisallowedOperationOnFailoverHost`` when that is because a VM would run on a failover host)."""
    a = admission(inv, cluster, state=state_after, settings=settings)
    if a.ok:
        return None
    if a.policy == "failover_hosts":
        usable = set(a.hosts)
        occupied = {s.host for s in state_after.vms.values() if s.power == "on"}
        if any(h in usable and h in occupied for h in a.failover_hosts):
            return ON_FAILOVER_HOST
    return INSUFFICIENT


def admission_hook(inv: Inventory, cluster: str, settings: HaSettings = DEFAULT_HA_SETTINGS
                   ) -> Callable[[ClusterState], str | None] | None:
    """The HA admission check DRS applies to each move and placement (``drs_pass(ha_admits=...)``, §2.4
    ``feasible``, §3.4): None when the cluster has HA off or admission control disabled (nothing to block)."""
    ha = inv.clusters[cluster].ha
    if not ha.enabled or ha.admission_control.policy == "disabled":
        return None
    return lambda state_after: admits(inv, cluster, state_after=state_after, settings=settings)


# the restart plan (§3.3) --------------------------------------------------------------------------------------
class Restart(NamedTuple):
    vm: str
    host: str
    priority: str


class NotRestarted(NamedTuple):
    vm: str
    reason: str


@dataclass(frozen=True)
class RestartPlan:
    """What HA does when ``failed_hosts`` fail (§3.3).

    ``restarted``: in restart order; ``not_restarted``: disabled VMs (never restarted) and VMs no host can
    take (retried at ``retry_minutes``, then ``VmFailoverFailed``: listed in ``failover_failed``);
    ``admission``: the policy before the failure; ``admission_after``: after the failure and the restarts."""

    cluster: str
    failed_hosts: tuple[str, ...]
    admission: Admission
    admission_after: Admission
    restarted: tuple[Restart, ...]
    not_restarted: tuple[NotRestarted, ...]
    failover_failed: tuple[str, ...] = ()
    retry_minutes: tuple[float, ...] = ()
    isolation: Mapping[str, IsolationResponse] = field(default_factory=dict)

    def row(self) -> dict[str, Any]:
        failed = set(self.failover_failed)
        return {
            "cluster": self.cluster,
            "failed_hosts": list(self.failed_hosts),
            "admission": self.admission.row(),
            "admission_after": self.admission_after.row(),
            "restarted": [{"vm": r.vm, "host": r.host, "priority": r.priority} for r in self.restarted],
            "not_restarted": [{"vm": n.vm, "reason": n.reason, "fault": FAILOVER_FAILED if n.vm in failed else None}
                              for n in self.not_restarted],
            "retry_minutes": [_num(m) for m in self.retry_minutes],
            "isolation_response": dict(self.isolation),
        }


class _Host:
    """A restart target's unreserved capacity and VM count, updated as VMs land on it."""

    __slots__ = ("cpu", "failover", "index", "limit", "mem", "name", "vms")

    def __init__(self, name: str, index: int, cpu: float, mem: float, limit: int | None, failover: bool) -> None:
        self.name, self.index, self.cpu, self.mem, self.limit, self.failover = name, index, cpu, mem, limit, failover
        self.vms = 0


class _Networks:
    """Which hosts have each vNIC network: the port group label, case-sensitive, on a standard vSwitch, or
    membership of the dvSwitch for ``dvs/portgroup`` (worked out once per network, not once per VM and
    host)."""

    def __init__(self, inv: Inventory, hosts: Iterable[str]) -> None:
        self.inv = inv
        self.hosts = list(hosts)
        self.has: dict[str, frozenset[str]] = {}

    def _hosts(self, network: str) -> frozenset[str]:
        dvs, sep, _ = network.partition("/")
        if sep:
            members = self.inv.dvswitches[dvs].hosts if dvs in self.inv.dvswitches else {}
            return frozenset(h for h in self.hosts if h in members)
        return frozenset(h for h in self.hosts if self.inv.hosts[h].portgroup_vswitch(network) is not None)

    def missing(self, spec: VmSpec, host: str) -> str | None:
        """The first connected vNIC network the host lacks, or None."""
        for nic in spec.nics:
            if not nic.connected:
                continue
            have = self.has.get(nic.network)
            if have is None:
                have = self.has[nic.network] = self._hosts(nic.network)
            if host not in have:
                return nic.network
        return None


def _why_not(counts: dict[str, list[str]]) -> str:
    parts = []
    for why, hosts in counts.items():
        shown = ", ".join(hosts[:3]) + (f" and {len(hosts) - 3} more" if len(hosts) > 3 else "")
        parts.append(f"{shown}: {why}")
    return "; ".join(parts)


def restart_plan(inv: Inventory, cluster: str, failed_hosts: Collection[str], *, state: ClusterState | None = None,
                 settings: HaSettings = DEFAULT_HA_SETTINGS, retry: Collection[str] = ()) -> RestartPlan:
    """Where HA restarts the powered-on VMs of ``failed_hosts`` (§3.3).

    VMs go by restart priority (highest first; within one priority by :attr:`HaSettings.same_priority`),
    each to a compatible host with the most unreserved capacity (:attr:`HaSettings.prefer`, ties to the host
    listed first).  Compatible: usable (not failed, in maintenance or standby), the VM's datastore mounted,
    every connected vNIC's port group label present (or the host a member of its dvSwitch), no required
    VM-Host rule broken (VM-VM rules only with :attr:`HaSettings.honour_vm_vm_rules`), the reservation plus
    overhead within the host's unreserved CPU and memory, and the host's VMs-per-host maximum (§4.4).
    Preferential VM-Host rules are followed where some compatible host allows it.  With dedicated failover
    hosts (§3.4c) those are tried first, then any host.  Restart priority ``disabled``: never restarted.

    A restart never over-commits a host's unreserved capacity and never breaks a required rule.  HA restarts
    whatever admission control says: admission control reserves the room, it does not block failover.

    ``retry``: VMs of the cluster that an earlier plan could not place and HA tries again (§3.3 retries),
    powered off in ``state`` on whatever host they were left on; they are placed like the failed hosts' VMs
    (by priority, among them), and the host they were left on is a candidate like any other usable host (a
    failed host that has come back).

    Raises KeyError for an unknown cluster, ValueError for a failed host or a retried VM outside the cluster."""
    cl = inv.clusters[cluster]
    state = state if state is not None else ClusterState.of(inv)
    failed = tuple(dict.fromkeys(failed_hosts))
    for h in failed:
        if h not in inv.hosts or inv.hosts[h].cluster != cluster:
            raise ValueError(f"host {h!r} is not in cluster {cluster!r}")
    cache: dict[str, tuple[int, float]] = {}  # VM -> reservation, shared by every question below
    before = _admission(inv, cluster, state, settings, cache)
    after_state = state
    for h in failed:
        after_state = after_state.with_host(h, failed=True)
    isolation = {h: isolation_response(inv, cluster, h, settings=settings) for h in failed}
    gone = set(failed)
    down = [v for v, s in state.vms.items() if s.power == "on" and s.host in gone]
    for v in dict.fromkeys(retry):
        if v not in state.vms or inv.hosts[state.vms[v].host].cluster != cluster:
            raise ValueError(f"VM {v!r} is not in cluster {cluster!r}")
        if state.vms[v].power != "on":
            down.append(v)  # still down: tried again; one powered on meanwhile is no longer HA's to restart

    if not cl.ha.enabled:
        plan_not = tuple(NotRestarted(v, f"HA is not enabled on cluster {cluster}") for v in down)
        return RestartPlan(cluster, failed, before, _admission(inv, cluster, after_state, settings, cache),
                           (), plan_not, isolation=isolation)

    rules = PlacementRules.of(inv, cluster)
    targets = after_state.cluster_hosts(inv, cluster)
    ac = cl.ha.admission_control
    failover = set(ac.value) if ac.policy == "failover_hosts" and isinstance(ac.value, list) else set()
    tgt: dict[str, _Host] = {}
    for i, h in enumerate(targets):
        cpu, mem = _host_capacity(inv, h)
        limit = vms_per_host_limit(inv, h) if settings.enforce_vms_per_host else None
        tgt[h] = _Host(h, i, cpu, mem, limit, h in failover)
    placement: dict[str, str] = {}
    for v, s in after_state.vms.items():
        if s.power == "on" and s.host not in tgt and not after_state.hosts[s.host].failed:
            placement[v] = s.host  # still running (a host in maintenance or standby): VM-VM rules see it there
        if s.power == "on" and s.host in tgt:
            t = tgt[s.host]
            r = cache.get(v)
            if r is None:
                r = cache[v] = _reservation(after_state.spec(inv, v))
            c, m = r
            t.cpu -= c
            t.mem -= m
            t.vms += 1
            placement[v] = s.host

    disabled: list[NotRestarted] = []
    pending: list[tuple[int, int, float, str]] = []
    for i, v in enumerate(down):
        spec = after_state.spec(inv, v)
        prio = spec.ha.restart_priority
        if prio == "disabled":
            disabled.append(NotRestarted(v, "restart priority is disabled: HA never restarts it (§3.3)"))
            continue
        size = -_reservation(spec)[1] if settings.same_priority == "largest_first" else 0.0
        pending.append((PRIORITY_ORDER[prio], i, size, v))
    pending.sort(key=lambda p: (p[0], p[2], p[1]))

    restarted: list[Restart] = []
    unplaced: list[NotRestarted] = []
    networks = _Networks(inv, tgt)
    vm_vm = settings.honour_vm_vm_rules
    memory_first = settings.prefer == "memory"
    for _, _, _, v in pending:
        spec = after_state.spec(inv, v)
        need_cpu, need_mem = _reservation(spec)
        why: dict[str, list[str]] = {}
        fits: list[_Host] = []
        for t in tgt.values():
            if spec.datastore is not None and spec.datastore not in inv.hosts[t.name].datastores:
                why.setdefault(f"datastore {spec.datastore} not mounted", []).append(t.name)
            elif (net := networks.missing(spec, t.name)) is not None:
                why.setdefault(f"no port group {net}", []).append(t.name)
            elif not rules.allowed(v, t.name, placement, vm_vm=vm_vm):
                why.setdefault("a required rule forbids it", []).append(t.name)
            elif t.cpu < need_cpu:
                why.setdefault(f"less than {need_cpu} MHz unreserved CPU", []).append(t.name)
            elif t.mem < need_mem:
                why.setdefault(f"less than {need_mem:g} MB unreserved memory", []).append(t.name)
            elif t.limit is not None and t.vms >= t.limit:
                why.setdefault("at its maximum of VMs per host (§4.4)", []).append(t.name)
            else:
                fits.append(t)
        if not fits:
            detail = _why_not(why) if why else "the cluster has no usable host left"
            tries = settings.retry_minutes[:settings.max_restart_tries]
            schedule = ", ".join(f"{m:g}" for m in tries)
            unplaced.append(NotRestarted(v, f"no compatible host with room ({detail}); retried at {schedule} min, "
                                            f"then {FAILOVER_FAILED} (§3.3)"))
            continue
        if settings.honour_should_rules:
            soft = [t for t in fits if rules.allowed(v, t.name, placement, preferential=True, vm_vm=vm_vm)]
            fits = soft or fits
        preferred = [t for t in fits if t.failover]
        fits = preferred or fits
        if memory_first:
            best = max(fits, key=lambda t: (t.mem, t.cpu, -t.index))
        else:
            best = max(fits, key=lambda t: (t.cpu, t.mem, -t.index))
        best.cpu -= need_cpu
        best.mem -= need_mem
        best.vms += 1
        placement[v] = best.name
        restarted.append(Restart(v, best.name, spec.ha.restart_priority))
    # one copy for every change (with_vm per VM would copy the whole state each time): restarted VMs run on
    # their new hosts, the others are down
    changed = dict(after_state.vms)
    for r in restarted:
        changed[r.vm] = replace(changed[r.vm], host=r.host, power="on")
    for n in unplaced + disabled:
        changed[n.vm] = replace(changed[n.vm], power="off")
    after_state = replace(after_state, vms=MappingProxyType(changed))
    after = _admission(inv, cluster, after_state, settings, cache)
    order = {v: i for i, v in enumerate(down)}
    not_restarted = tuple(sorted(unplaced + disabled, key=lambda n: order[n.vm]))
    return RestartPlan(cluster, failed, before, after, tuple(restarted), not_restarted,
                       tuple(n.vm for n in unplaced), settings.retry_minutes[:settings.max_restart_tries], isolation)
