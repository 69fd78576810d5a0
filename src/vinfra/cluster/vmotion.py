"""vMotion: the preconditions of cluster-behaviour.md §1.1 (P1-P9), the pre-copy estimate of §1.3 and the
concurrency limits of §1.4, as plain functions of a :class:`~vinfra.network.Snapshot`.

Every precondition is checked (no fail-fast), so a refusal names all its causes; each fault carries the
VMware-like name of §1.1.  The network preconditions go through the network engine: the two vMotion
VMkernel ports must ping each other (P2, :meth:`Forwarding.ping`), and in strict mode each vNIC's VLAN must
enter the destination's uplinks into the same layer-2 domain as on the source (P5b).  Nothing here prints,
keeps global state or reads the clock.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import asdict, dataclass, field
from typing import Any, Literal

from ..model.cluster import Vm
from ..model.host import Host
from ..network import Snapshot
from ..network.endpoints import Endpoint
from ..network.forwarding import Forwarding
from ..network.vlans import portgroup_egress_tag

#: Intel and AMD CPU generations, oldest first: a later generation offers a superset of an earlier one's
#: features (P4).  A family missing here is compatible only with itself.
CPU_GENERATIONS: dict[str, tuple[str, ...]] = {
    "intel": ("merom", "penryn", "nehalem", "westmere", "sandybridge", "ivybridge", "haswell", "broadwell",
              "skylake", "cascadelake", "icelake", "sapphirerapids", "emeraldrapids", "graniterapids"),
    "amd": ("k8", "k10", "barcelona", "shanghai", "istanbul", "bulldozer", "piledriver", "zen", "zen2", "zen3",
            "zen4", "zen5"),
}

Limits = Literal["vi3", "vsphere5", "vsphere7"]


@dataclass(frozen=True, slots=True)
class VmotionSettings:
    """The [model] choices of cluster-behaviour.md §1, with their defaults."""

    #: P5b [model, strict mode]: also require each vNIC's VLAN on the destination port group and carried by
    #: the destination's uplinks into the same layer-2 domain as on the source (``VlanMismatch``).
    strict_network: bool = False
    #: §1.3 [model]: what happens when pre-copy does not converge: ``abort`` (VI3), ``force`` (stop-and-copy
    #: anyway) or ``throttle`` (SDPS-like guest slow-down, vSphere 5).
    policy: Literal["abort", "force", "throttle"] = "abort"
    #: §1.3: the downtime goal t_d (s) pre-copy iterates towards.
    downtime_goal_s: float = 1.0
    #: §1.3: the most pre-copy rounds after round 0 (n_max).
    max_rounds: int = 30
    #: §1.3 [model]: fixed switchover overhead c (s): device state and RARP.
    switchover_s: float = 0.05
    #: §1.3 [model]: the share of a link's nominal rate vMotion gets (1 GbE ~ 115 MB/s, 10 GbE ~ 1150 MB/s).
    link_efficiency: float = 0.92
    #: §1.3 [model]: throttle mode slows the guest when Dr >= this share of R ...
    throttle_at: float = 0.9
    #: ... down to this share of R.
    throttle_to: float = 0.5
    #: P1: a vMotion uplink slower than this (Mb/s) draws the warning ``VMotionLinkCapacityLow``.
    min_link_mbps: int = 1000
    #: §1.4 [model]: which product's concurrency costs apply.
    limits: Limits = "vsphere5"
    #: P2: the first product version that routes vMotion between subnets (vSphere 6); older hosts need the
    #: two vMotion ports in one subnet.
    routed_since: float = 6.0


DEFAULT_VMOTION_SETTINGS = VmotionSettings()


@dataclass(frozen=True, slots=True)
class Fault:
    fault: str
    message: str
    check: str  # P1..P9

    def row(self) -> dict[str, str]:
        return {"fault": self.fault, "message": self.message}


@dataclass
class VmotionAnswer:
    vm: str
    source: str
    dest: str
    faults: list[Fault] = field(default_factory=list)
    warnings: list[Fault] = field(default_factory=list)
    estimate: dict[str, Any] | None = None

    @property
    def ok(self) -> bool:
        return not self.faults

    def row(self) -> dict[str, Any]:
        return {"vm": self.vm, "from": self.source, "to": self.dest, "ok": self.ok,
                "faults": [f.row() for f in self.faults], "warnings": [w.row() for w in self.warnings],
                "estimate": self.estimate}


def fault_slug(name: str) -> str:
    """``NetworkNotAccessible`` -> ``network-not-accessible`` (the spelling of expectation files)."""
    out = []
    for i, ch in enumerate(name):
        if ch.isupper() and i and (not name[i - 1].isupper() or (i + 1 < len(name) and name[i + 1].islower())):
            out.append("-")
        out.append(ch.lower())
    return "".join(out)


# P1, P2: the vMotion network --------------------------------------------------------------------------------
def vmotion_vmk(host: Host) -> str | None:
    """The host's first VMkernel port with vMotion enabled (P1)."""
    for name, vmk in host.vmkernel.items():
        if "vmotion" in vmk.services:
            return name
    return None


def vmotion_uplink_mbps(snap: Snapshot, hname: str) -> int | None:
    """The speed (Mb/s) of the uplink the host's vMotion port sends on: its team's first active uplink that is
    up, else its first standby one (T10); None when it has none."""
    host = snap.inventory.hosts[hname]
    vmk = vmotion_vmk(host)
    if vmk is None:
        return None
    team = snap.team(hname, host.vmkernel[vmk].portgroup)
    if team is None:
        return None
    for vmnic in (*team.active, *team.standby):
        if snap.uplinks(hname, vmnic).link_up and vmnic in host.nics:
            return host.nics[vmnic].speed
    return None


def _version(host: Host) -> float:
    try:
        return float(".".join((host.version or "0").split(".")[:2]))
    except ValueError:
        return 0.0


def check_network(snap: Snapshot, src: str, dst: str, settings: VmotionSettings, fwd: Forwarding | None = None,
                  ping: Callable[[Endpoint, Endpoint], str | None] | None = None) -> tuple[list[Fault], list[Fault]]:
    """P1 and P2: both hosts have a vMotion port on a fast enough uplink, and the two ports ping each other.

    ``ping(a, b)`` answers why a cannot ping b (None when it can); by default one walk of
    :meth:`Forwarding.ping` (a caller asking about many pairs passes the reach analysis's, which shares work)."""
    inv = snap.inventory
    faults: list[Fault] = []
    warnings: list[Fault] = []
    vmks: dict[str, str] = {}
    for h in (src, dst):
        vmk = vmotion_vmk(inv.hosts[h])
        if vmk is None:
            faults.append(Fault("VMotionNotConfigured", f"{h} has no VMkernel port with vMotion enabled (P1)", "P1"))
            continue
        vmks[h] = vmk
        speed = vmotion_uplink_mbps(snap, h)
        if speed is not None and speed < settings.min_link_mbps:
            warnings.append(Fault("VMotionLinkCapacityLow",
                                  f"{h}:{vmk} sends on a {speed} Mb/s uplink, below {settings.min_link_mbps} Mb/s (P1)",
                                  "P1"))
    if len(vmks) < 2:
        return faults, warnings
    a = snap.endpoints.get(f"{src}:{vmks[src]}")
    b = snap.endpoints.get(f"{dst}:{vmks[dst]}")
    assert a is not None and b is not None
    if a.ip is not None and b.ip is not None and a.ip.network != b.ip.network:
        old = [h for h in (src, dst) if _version(inv.hosts[h]) < settings.routed_since]
        if old:
            faults.append(Fault("VMotionInterfaceIssue",
                                f"{a.name} ({a.ip}) and {b.name} ({b.ip}) are in different subnets, and routed vMotion "
                                f"needs vSphere {settings.routed_since:g} ({' and '.join(old)} {'is' if len(old) == 1 else 'are'} older) (P2)", "P2"))
            return faults, warnings
    if ping is None:
        verdict = (fwd or Forwarding(snap)).ping(a, b)
        why = None if verdict.ok else (verdict.reason or "no reply")
    else:
        why = ping(a, b)
    if why is not None:
        faults.append(Fault("VMotionInterfaceIssue", f"{a.name} cannot reach {b.name}: {why} (P2)", "P2"))
    return faults, warnings


# P3: datastores ---------------------------------------------------------------------------------------------
def check_datastore(snap: Snapshot, vm: Vm, dst: str) -> list[Fault]:
    """P3: the VM's datastore is mounted on the destination, and is not a host-local disk."""
    if vm.datastore is None:
        return []
    inv = snap.inventory
    if vm.datastore not in inv.hosts[dst].datastores:
        return [Fault("DatastoreNotAccessible", f"datastore {vm.datastore} of {vm.name} is not mounted on {dst} (P3)", "P3")]
    ds = inv.datastores.get(vm.datastore)
    if ds is not None and ds.transport == "local":
        return [Fault("DatastoreNotAccessible",
                      f"datastore {vm.datastore} of {vm.name} is a host-local disk: only Storage vMotion moves it (P3)", "P3")]
    return []


# P4: CPU ----------------------------------------------------------------------------------------------------
def cpu_level(vendor: str, family: str | None) -> tuple[str, int | str | None]:
    """(vendor, generation index in :data:`CPU_GENERATIONS`, or the family's own name when not listed)."""
    if family is None:
        return vendor, None
    gens = CPU_GENERATIONS.get(vendor, ())
    key = family.lower().replace("-", "").replace("_", "").replace(" ", "")
    return vendor, gens.index(key) if key in gens else key


def evc_level(evc: str) -> tuple[str, int | str | None]:
    """An EVC baseline such as ``intel-penryn`` as a :func:`cpu_level`."""
    vendor, _, family = evc.partition("-")
    return cpu_level(vendor.lower(), family or None)


def check_cpu(snap: Snapshot, src: str, dst: str) -> list[Fault]:
    """P4: same vendor, and the features the VM saw (its source cluster's EVC baseline, else the source CPU)
    are offered by the destination (its cluster's EVC baseline, else its CPU): an equal or later generation.
    A family left out of the design matches any."""
    inv = snap.inventory
    s, d = inv.hosts[src], inv.hosts[dst]
    s_evc = inv.clusters[s.cluster].evc if s.cluster in inv.clusters else None
    d_evc = inv.clusters[d.cluster].evc if d.cluster in inv.clusters else None
    seen = evc_level(s_evc) if s_evc else cpu_level(s.cpu.vendor, s.cpu.family)
    offered = evc_level(d_evc) if d_evc else cpu_level(d.cpu.vendor, d.cpu.family)
    seen_text = f"EVC baseline {s_evc}" if s_evc else f"{s.cpu.vendor} {s.cpu.family or ''}".strip()
    offered_text = f"EVC baseline {d_evc}" if d_evc else f"{d.cpu.vendor} {d.cpu.family or ''}".strip()
    if s.cpu.vendor != d.cpu.vendor or seen[0] != offered[0]:
        return [Fault("CpuIncompatible", f"the VM runs on {seen_text} on {src}; {dst} offers {offered_text}: "
                                         "CPU vendors differ (P4)", "P4")]
    a, b = seen[1], offered[1]
    if a is None or b is None or a == b:
        return []
    if isinstance(a, int) and isinstance(b, int) and b > a:
        return []
    return [Fault("CpuIncompatible", f"the VM saw the features of {seen_text} on {src}; {dst} offers {offered_text}, "
                                     "which lacks some of them (P4)", "P4")]


# P5, P5b: the VM's networks ---------------------------------------------------------------------------------
def check_vm_networks(snap: Snapshot, vm: Vm, dst: str, settings: VmotionSettings) -> list[Fault]:
    """P5: each vNIC's port-group label exists on the destination, exactly (case-sensitive), or the
    destination is in the vNIC's dvSwitch; no vNIC on an internal-only switch.  P5b (strict mode): the
    destination port group has the same VLAN, and its uplinks put it in the source's layer-2 domain."""
    inv = snap.inventory
    src = vm.host
    d_host = inv.hosts[dst]
    faults: list[Fault] = []
    for i, nic in enumerate(vm.nics):
        where = f"{vm.name} NIC {i} ({nic.network})"
        dvs, sep, _ = nic.network.partition("/")
        if sep:
            if dst not in inv.dvswitches[dvs].hosts:
                faults.append(Fault("NetworkNotAccessible", f"{where}: {dst} is not a member of dvSwitch {dvs} (P5)", "P5"))
                continue
        else:
            vs_name = inv.hosts[src].portgroup_vswitch(nic.network)
            if vs_name is not None and not inv.hosts[src].vswitches[vs_name].uplinks:
                faults.append(Fault("NetworkNotAccessible", f"{where}: {src}'s {vs_name} has no uplinks: an internal-only "
                                                            "switch (P5)", "P5"))
                continue
            if d_host.portgroup_vswitch(nic.network) is None:
                near = [pg for vs in d_host.vswitches.values() for pg in vs.portgroups if pg.lower() == nic.network.lower()]
                hint = f" (it has {near[0]!r}: labels match case-sensitively)" if near else ""
                faults.append(Fault("NetworkNotAccessible", f"{where}: {dst} has no port group {nic.network!r}{hint} (P5)", "P5"))
                continue
        if settings.strict_network:
            fault = _vlan_fault(snap, src, dst, nic.network, nic.guest_vlan, where)
            if fault is not None:
                faults.append(fault)
    return faults


def _entries(snap: Snapshot, host: str, network: str, guest_vlan: int | None) -> list[tuple[str, int]]:
    team = snap.team(host, network)
    if team is None or team.vlan is None:
        return []
    tag = portgroup_egress_tag(team.vlan, guest_vlan)
    out = []
    for vmnic in team.team:
        node, _ = snap.uplinks(host, vmnic).entry(tag)
        if node is not None:
            out.append(node)
    return out


def _vlan_fault(snap: Snapshot, src: str, dst: str, network: str, guest_vlan: int | None, where: str) -> Fault | None:
    s_team, d_team = snap.team(src, network), snap.team(dst, network)
    if s_team is None or d_team is None:
        return None
    if (s_team.vlan, s_team.trunk) != (d_team.vlan, d_team.trunk):
        def text(t: Any) -> str:
            return f"VLAN {t.vlan}" if t.vlan is not None else f"trunk {t.trunk}"
        return Fault("VlanMismatch", f"{where}: {text(s_team)} on {src}, {text(d_team)} on {dst} (P5b)", "P5b")
    d_nodes = _entries(snap, dst, network, guest_vlan)
    if d_team.vlan is not None and not d_nodes:
        return Fault("VlanMismatch", f"{where}: no uplink of {dst} carries the port group's VLAN into the network (P5b)",
                     "P5b")
    s_nodes = _entries(snap, src, network, guest_vlan)
    if s_nodes and d_nodes and not any(snap.same_l2_domain(a, b) for a in s_nodes for b in d_nodes):
        return Fault("VlanMismatch", f"{where}: {dst}'s uplinks put it in VLAN {d_nodes[0][1]} at {d_nodes[0][0]}, "
                                     f"not in the layer-2 domain it has on {src} (P5b)", "P5b")
    return None


# P6: local devices ------------------------------------------------------------------------------------------
def check_devices(vm: Vm) -> list[Fault]:
    """P6: no device backed by something local to the source host (CD-ROM, floppy, serial, parallel, USB)."""
    if not vm.local_devices:
        return []
    return [Fault("DeviceBackingNotAccessible",
                  f"{vm.name} has devices backed by its host: {', '.join(vm.local_devices)}; disconnect them (P6)", "P6")]


# P7: resources, admission control and rules -----------------------------------------------------------------
def unreserved(snap: Snapshot, hname: str, without: str | None = None) -> tuple[float, float]:
    """The host's unreserved CPU (MHz) and memory (MB): capacity less the reservations and memory overhead of
    its powered-on VMs (``without`` left out)."""
    inv = snap.inventory
    host = inv.hosts[hname]
    cpu, mem = float(host.cpu.capacity_mhz), host.memory_gb * 1024
    for v in inv.vms.values():
        if v.host == hname and v.power == "on" and v.name != without:
            cpu -= v.cpu.reservation_mhz
            mem -= v.memory.reservation_gb * 1024 + v.memory.overhead_mb
    return cpu, mem


def check_resources(snap: Snapshot, vm: Vm, dst: str) -> list[Fault]:
    """P7: the destination's unreserved capacity covers the VM's reservations plus overhead; the move breaks
    no required VM-Host rule of the destination's cluster; HA admission control (see below) still passes.

    HA admission control: a move inside one cluster changes neither the cluster's powered-on reservations nor
    its slot size, so it cannot break any policy.  A move into another cluster with HA admission control adds
    the VM there: the ``percentage`` policy is checked here; the ``host_failures`` (slot) policy needs the HA
    model and is not checked (the failover-host case is P8)."""
    inv = snap.inventory
    faults: list[Fault] = []
    cpu, mem = unreserved(snap, dst, without=vm.name)
    need_cpu = vm.cpu.reservation_mhz
    need_mem = vm.memory.reservation_gb * 1024 + vm.memory.overhead_mb
    if need_cpu > cpu or need_mem > mem:
        faults.append(Fault("InsufficientResources",
                            f"{dst} has {cpu:g} MHz and {mem:g} MB unreserved; {vm.name} reserves {need_cpu} MHz and "
                            f"{need_mem:g} MB (with overhead) (P7)", "P7"))
    d_cluster = inv.hosts[dst].cluster
    cl = inv.clusters.get(d_cluster) if d_cluster else None
    if cl is None:
        return faults
    for rule in cl.rules:
        if not (rule.enabled and rule.must and vm.name in rule.vms):
            continue
        if rule.type == "vm_host" and dst not in rule.hosts:
            faults.append(Fault("VmHostAffinityRuleViolation",
                                f"required rule {rule.name}: {vm.name} must run on {', '.join(rule.hosts)} (P7)", "P7"))
        if rule.type == "vm_anti_host" and dst in rule.hosts:
            faults.append(Fault("VmHostAffinityRuleViolation",
                                f"required rule {rule.name}: {vm.name} must not run on {dst} (P7)", "P7"))
    ac = cl.ha.admission_control
    if cl.ha.enabled and ac.policy == "percentage" and inv.hosts[vm.host].cluster != d_cluster and vm.power == "on":
        members = [h for h, host in inv.hosts.items() if host.cluster == d_cluster and host.state == "connected"]
        cap_cpu = sum(inv.hosts[h].cpu.capacity_mhz for h in members)
        cap_mem = sum(inv.hosts[h].memory_gb * 1024 for h in members)
        used_cpu = need_cpu + sum(v.cpu.reservation_mhz for v in inv.vms.values() if v.host in members and v.power == "on")
        used_mem = need_mem + sum(v.memory.reservation_gb * 1024 + v.memory.overhead_mb
                                  for v in inv.vms.values() if v.host in members and v.power == "on")
        for what, cap, used in (("CPU", cap_cpu, used_cpu), ("memory", cap_mem, used_mem)):
            left = 100 * (cap - used) / cap if cap else 0.0
            if left < ac.value:  # type: ignore[operator]
                faults.append(Fault("InsufficientResources",
                                    f"HA admission control of {d_cluster}: {what} failover capacity would be {left:.1f}% "
                                    f"< {ac.value}% (P7)", "P7"))
    return faults


# P8: destination state --------------------------------------------------------------------------------------
def check_host_state(snap: Snapshot, dst: str) -> list[Fault]:
    """P8: the destination is connected (not in maintenance, not disconnected, not failed) and not a dedicated
    HA failover host."""
    inv = snap.inventory
    host = inv.hosts[dst]
    if not snap.host_alive(dst):
        return [Fault("InvalidHostState", f"{dst} has failed (P8)", "P8")]
    if host.state != "connected":
        return [Fault("InvalidHostState", f"{dst} is in state {host.state} (P8)", "P8")]
    cl = inv.clusters.get(host.cluster) if host.cluster else None
    if cl is not None and cl.ha.enabled and cl.ha.admission_control.policy == "failover_hosts" \
            and dst in cl.ha.admission_control.value:  # type: ignore[operator]
        return [Fault("DisallowedOperationOnFailoverHost", f"{dst} is a dedicated HA failover host of {host.cluster} (P8)",
                       "P8")]
    return []


# §1.3: the pre-copy estimate --------------------------------------------------------------------------------
def precopy(memory_mb: float, dirty_mb_s: float, rate_mb_s: float, downtime_goal_s: float, max_rounds: int = 30,
            policy: str = "abort", switchover_s: float = 0.05, throttle_at: float = 0.9,
            throttle_to: float = 0.5) -> dict[str, Any]:
    """The reference pre-copy model of §1.3: round 0 sends all memory, round i the pages dirtied during round
    i-1; stop when the rest fits the downtime goal.  ``rounds`` counts the pre-copy rounds sent."""
    if rate_mb_s <= 0:
        raise ValueError("the transfer rate must be positive")
    dirty = dirty_mb_s
    if policy == "throttle" and dirty >= throttle_at * rate_mb_s:
        dirty = throttle_to * rate_mb_s
    remaining, sent, t = float(memory_mb), 0.0, 0.0
    volumes: list[float] = []
    for i in range(max_rounds + 1):
        if remaining / rate_mb_s <= downtime_goal_s:
            return _done(i, t, remaining, rate_mb_s, switchover_s, sent, volumes, dirty)
        if i == max_rounds:
            break
        volumes.append(remaining)
        sent += remaining
        t += remaining / rate_mb_s
        remaining *= dirty / rate_mb_s
    if policy == "force":
        return _done(max_rounds, t, remaining, rate_mb_s, switchover_s, sent, volumes, dirty)
    return {"ok": False, "fault": "MigrationNotConverging", "vm_stays_on": "source", "rounds": max_rounds,
            "precopy_s": t, "mb_sent": sent, "dirty_mb_s": dirty}


def _done(rounds: int, t: float, remaining: float, rate: float, c: float, sent: float, volumes: list[float],
          dirty: float) -> dict[str, Any]:
    downtime = remaining / rate + c
    return {"ok": True, "rounds": rounds, "round_mb": volumes, "precopy_s": t, "last_mb": remaining,
            "downtime_s": downtime, "total_s": t + downtime, "mb_sent": sent + remaining, "dirty_mb_s": dirty}


def precopy_rounds_closed_form(memory_mb: float, dirty_mb_s: float, rate_mb_s: float, downtime_goal_s: float) -> int:
    """§1.3 [derived]: n = ceil(ln(t_d R / M) / ln(lam)), 0 when M / R <= t_d (lam < 1)."""
    if memory_mb / rate_mb_s <= downtime_goal_s:
        return 0
    lam = dirty_mb_s / rate_mb_s
    return math.ceil(math.log(downtime_goal_s * rate_mb_s / memory_mb) / math.log(lam))


def transfer_rate(snap: Snapshot, src: str, dst: str, settings: VmotionSettings) -> tuple[float, int] | None:
    """The vMotion transfer rate R (MB/s) and the link speed (Mb/s) it comes from: the slower of the two
    hosts' vMotion uplinks, at ``link_efficiency`` of its nominal rate."""
    speeds = [vmotion_uplink_mbps(snap, h) for h in (src, dst)]
    if any(s is None for s in speeds):
        return None
    mbps = min(speeds)  # type: ignore[type-var]
    return mbps / 8 * settings.link_efficiency, mbps  # type: ignore[operator]


# §1.4: concurrency ------------------------------------------------------------------------------------------
#: (host max, vMotion cost on a host) per product [model for VI3: max 8, cost 4]
HOST_COSTS: dict[str, tuple[int, int]] = {"vi3": (8, 4), "vsphere5": (8, 1), "vsphere7": (16, 2)}
DATASTORE_MAX, DATASTORE_VMOTION_COST = 128, 1


def concurrency_limits(link_mbps: int, limits: Limits = "vsphere5") -> dict[str, Any]:
    """§1.4's costs for one vMotion over a link of ``link_mbps``: per resource, its maximum and the cost a
    vMotion charges, and how many vMotions may run at once on one host."""
    host_max, host_cost = HOST_COSTS[limits]
    net_max = 8 if link_mbps >= 10_000 else 4
    resources = {"host": {"max": host_max, "cost": host_cost}, "network": {"max": net_max, "cost": 1},
                 "datastore": {"max": DATASTORE_MAX, "cost": DATASTORE_VMOTION_COST}}
    per_host = min(host_max // host_cost, net_max)
    return {"mode": limits, "resources": resources, "vmotions_per_host": per_host}


@dataclass(frozen=True, slots=True)
class Operation:
    """One queued operation: what it charges against which resource, e.g. {("host", "esx01"): 1, ...}."""

    name: str
    costs: tuple[tuple[tuple[str, str], int], ...]


def vmotion_operation(name: str, src: str, dst: str, datastore: str | None, link_mbps: int,
                      limits: Limits = "vsphere5") -> Operation:
    """A vMotion's charges: host cost on both hosts, network cost on both hosts' vMotion NICs, datastore cost."""
    res = concurrency_limits(link_mbps, limits)["resources"]
    costs = [(("host", src), res["host"]["cost"]), (("host", dst), res["host"]["cost"]),
             (("network", src), 1), (("network", dst), 1)]
    if datastore:
        costs.append((("datastore", datastore), DATASTORE_VMOTION_COST))
    return Operation(name, tuple(costs))


def schedule(ops: list[Operation], maxima: dict[tuple[str, str], int], finished: frozenset[str] = frozenset()
             ) -> dict[str, str]:
    """§1.4 (P9): the state of each submitted operation, ``running`` or ``queued``, FIFO: operations are
    started in order while ``in_use + cost <= max`` for every resource they touch; the first that does not
    fit waits, and so does every later one.  ``finished`` ones are ``done`` and free their charges."""
    in_use: dict[tuple[str, str], int] = {}
    state: dict[str, str] = {}
    blocked = False
    for op in ops:
        if op.name in finished:
            state[op.name] = "done"
            continue
        fits = all(in_use.get(r, 0) + c <= maxima[r] for r, c in op.costs)
        if blocked or not fits:
            blocked = True
            state[op.name] = "queued"
            continue
        for r, c in op.costs:
            in_use[r] = in_use.get(r, 0) + c
        state[op.name] = "running"
    return state


def maxima_for(ops: list[Operation], link_mbps: int, limits: Limits = "vsphere5") -> dict[tuple[str, str], int]:
    res = concurrency_limits(link_mbps, limits)["resources"]
    return {r: res[r[0]]["max"] for op in ops for r, _ in op.costs}


# the whole check ---------------------------------------------------------------------------------------------
def check_vmotion(snap: Snapshot, vm_name: str, dst: str, settings: VmotionSettings = DEFAULT_VMOTION_SETTINGS,
                  fwd: Forwarding | None = None) -> VmotionAnswer:
    """Every precondition of §1.1 for moving ``vm_name`` to ``dst``, and when all hold, the §1.3 estimate and
    the §1.4 limits.  Raises KeyError for an unknown VM or host, ValueError when the VM is already there."""
    inv = snap.inventory
    vm = inv.vms[vm_name]
    if dst not in inv.hosts:
        raise KeyError(dst)
    src = vm.host
    if src == dst:
        raise ValueError(f"{vm_name} already runs on {dst}")
    answer = VmotionAnswer(vm_name, src, dst)
    if vm.power != "on":
        answer.faults.append(Fault("InvalidPowerState", f"{vm_name} is powered {vm.power}: vMotion moves a running VM "
                                                        "(use a cold migration)", "P0"))
    if not snap.host_alive(src):
        answer.faults.append(Fault("InvalidHostState", f"the source host {src} has failed", "P8"))
    net_faults, warnings = check_network(snap, src, dst, settings, fwd)
    answer.faults += net_faults
    answer.warnings += warnings
    answer.faults += check_datastore(snap, vm, dst)
    answer.faults += check_cpu(snap, src, dst)
    answer.faults += check_vm_networks(snap, vm, dst, settings)
    answer.faults += check_devices(vm)
    answer.faults += check_resources(snap, vm, dst)
    answer.faults += check_host_state(snap, dst)
    if answer.ok:
        rate = transfer_rate(snap, src, dst, settings)
        assert rate is not None  # P2 held: both vMotion ports send on a live uplink
        r_mb_s, mbps = rate
        est = precopy(vm.memory_gb * 1024, vm.memory.dirty_mb_s, r_mb_s, settings.downtime_goal_s, settings.max_rounds,
                      settings.policy, settings.switchover_s, settings.throttle_at, settings.throttle_to)
        est.update({"memory_mb": vm.memory_gb * 1024, "rate_mb_s": r_mb_s, "link_mbps": mbps, "policy": settings.policy,
                    "downtime_goal_s": settings.downtime_goal_s,
                    "concurrency": concurrency_limits(mbps, settings.limits), "settings": asdict(settings)})
        answer.estimate = est
        if not est["ok"]:
            answer.faults.append(Fault("MigrationNotConverging",
                                       f"memory dirtied at {vm.memory.dirty_mb_s:g} MB/s against {r_mb_s:g} MB/s of transfer: "
                                       f"pre-copy does not converge in {settings.max_rounds} rounds; the VM stays on {src} "
                                       "(§1.3)", "P1.3"))
    return answer
