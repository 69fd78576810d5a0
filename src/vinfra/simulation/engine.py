"""The discrete-event core (SimPy): a design played through a scenario (``spec/scenario-v1.md``).

Everything the analyses compute holds between events (:mod:`.network` for the network, :mod:`.services`
for HA and DRS, :mod:`vinfra.cluster.vmotion` for migrations); this module adds time, with the timers of
:mod:`vinfra.timing` (the scenario's ``settings:`` override them).  Every state change is an event row
``{t, kind, subject, detail}``; probes record outage windows ``{from, to, start, end, cause}``; a summary
closes the run.  Nothing here reads the clock or keeps global state: the same design, scenario and seed give
the same rows (every random choice derives from the seed: ``fail_random`` draws, timer phases).

What each action does, and the choices the spec leaves (named and documented here):

- ``fail`` / ``restore``: the element (as the event names it) joins or leaves the live failures; the network
  moves to its new steady state through :mod:`.network`'s transitions.  A failed host's VMs stop at once
  and HA takes over (below).
- HA (cluster-behaviour §3, scenario-v1 "HA"): a failed host is declared failed ``das_failure_detection_s``
  (AAM) or ``fdm_host_dead_s`` (FDM) after it fails (``ha-host-failed``); its VMs are placed by
  :func:`vinfra.cluster.ha.restart_plan` and powered on at that moment in priority order (``vm-restarted``,
  target host in the detail); each answers ``vm_boot_s`` later.  A VM with no host gets ``vm-not-restarted``
  (powered off: it holds no room) and is tried again at the moment capacity changes (a host restored or out
  of maintenance, a VM powered off), every usable host a candidate, the failed host itself once it is back,
  up to ``das_max_restart_count`` attempts (then it stays off).  Scenario-v1 settles retries on capacity
  changes: the HA model's FDM minutes (+2, +6, +14, +30, [unverified]) are no schedule here.  An operator's
  ``power`` action on such a VM ends HA's retries of it.
- HA isolation (scenario-v1 "HA, AAM" and "HA, FDM"): after a network change, a live host of the change's
  region whose management ports reach none of the isolation addresses (the cluster's, else the port's
  gateway) is isolated.  AAM: ``ha-isolated`` at t0 + 13 s (VI3) or 12 s (vSphere 4), the isolation response
  at t0 + 14 s (power off: ``vm-powered-off`` at once; shut down: when the guest is down, taken as
  ``shutdown_timeout_s`` later [model]; leave powered on: nothing), ``ha-host-failed`` at t0 + 15 s and
  restarts of the VMs it powered off (a VM still running keeps its locks: no event).  FDM: ``ha-isolated``
  and the response at t0 + ``fdm_isolation_s``, restarts as soon as the VMs are off.  A VM HA cannot place
  after an isolation is tried again when capacity changes, like any other (scenario-v1 "HA restarts"); an
  isolated host is no candidate while it stays cut off.
- ``vmotion`` and evacuations: :func:`vinfra.cluster.vmotion.check_vmotion` decides and gives the pre-copy
  time and the switchover downtime (probes of the VM are down for the downtime); operations queue FIFO
  under the §1.4 limits (:func:`vinfra.cluster.vmotion.schedule`), by the older host's version (VI3 and 4.0:
  ``vi3``; 7 and later: ``vsphere7``; else ``vsphere5``).
- ``maintenance``: the host's powered-on VMs are evacuated (:func:`.services.evacuation`);
  ``maintenance-entered`` when the last one has left (never while a VM cannot leave).  Exit: the host is
  usable again (HA retries, DRS runs).
- DRS (§2.3): every ``drs_interval_s`` from a phase drawn from the seed, and on host failure, restore and
  maintenance (scenario-v1: on host add/remove or maintenance); recommendations are rows, the automatic
  ones are applied as vMotions.
- ``power``: off (``vm-powered-off``), on (answers after ``vm_boot_s``), reset (``vm-reset``, answers after
  ``vm_boot_s``).
- ``heartbeat_lost`` (VM monitoring, §3.5): the guest hangs (it stops answering); it is reset
  ``vm_monitoring_failure_s`` later if it has been up ``vm_monitoring_min_uptime_s`` (VMs running when the
  simulation starts count as up long enough) and has had fewer than ``vm_monitoring_max_resets`` resets.
- ``clone`` (cluster-behaviour §4.2): each clone is checked and placed by the provisioning model
  (:func:`vinfra.cluster.provisioning.check_clone`: DRS initial placement, HA admission control when powered
  on, linked clones only from a snapshot, customization against the network) against the cluster as it is,
  with the clones still in flight counted in (their names, addresses and placements).  A refused clone gets
  ``clone-done`` with ``failed: FAULT: why`` at once.  An accepted one queues FIFO with the vMotions under
  the §1.4 costs (cost 1 on its host, :func:`vinfra.cluster.provisioning.clone_operation`) and takes the
  model's time once it starts: full = :data:`CLONE_DISK_GB` / ``clone_mb_s`` (a design gives no disk
  size) [model], linked 5 s; clones run side by side, each at ``clone_mb_s`` [model].  When it ends it is
  checked again (``failed`` if the cluster changed under it), then ``clone-done`` names its host; a
  ``power_on`` clone boots then (answers ``vm_boot_s`` later).  A clone is a VM like the others from then
  on: probes may name it (``web-new-1``, ``web-new-1:nic1``: down "not cloned yet" until it answers), DRS,
  HA and vMotion move it.  A ``power`` event for a clone not made yet is ignored.
- ``load``: the VM's demand changes (DRS sees it at its next pass).
"""

from __future__ import annotations

import random
from collections.abc import Callable
from dataclasses import dataclass, field
from ipaddress import IPv4Address
from typing import Any

import simpy

from ..cluster.maxima import product_version
from ..cluster.provisioning import (
    DEFAULT_PROVISIONING_SETTINGS,
    CloneAnswer,
    CloneRequest,
    NicCustomization,
    ProvisioningSettings,
    check_clone,
    clone_operation,
)
from ..cluster.state import ClusterState
from ..cluster.vmotion import check_vmotion, maxima_for, schedule, vmotion_operation
from ..model import InterfaceRef, Inventory
from ..network.frames import BROADCAST, Frame
from ..timing import Timers
from . import services
from .network import NetState, Path, fhrp_interface, fhrp_of, next_beacon_s, phase, placed, recovery, rejoin_s
from .scenario import RANDOM_KINDS, Event, Scenario

#: [model] the disk a full clone copies, in GB (a design does not give disk sizes): the provisioning model's
CLONE_DISK_GB = DEFAULT_PROVISIONING_SETTINGS.disk_gb
#: a linked clone takes this long (scenario-v1's table)
LINKED_CLONE_S = DEFAULT_PROVISIONING_SETTINGS.linked_clone_s
#: probe pairs listed by default at most (every VM NIC pair of a cluster grows as n²)
MAX_DEFAULT_PROBES = 2_000


def _r(t: float) -> float:
    return round(t, 6)


@dataclass
class ProbeState:
    src: str
    dst: str
    up: bool = True
    path: Path | None = None  # the last path it answered over
    pending: int = 0  # version of the scheduled probe-up; a newer change cancels an older one
    down_since: float | None = None
    cause: str = ""
    outages: list[dict[str, Any]] = field(default_factory=list)
    ends: list[tuple[str, str, str | None, str]] | None = None  # resolved once

    @property
    def name(self) -> str:
        return f"{self.src}->{self.dst}"


class Simulation:
    """One run of a scenario against a design (see the module doc); :meth:`run` answers the report."""

    def __init__(self, inv: Inventory, scenario: Scenario, timers: Timers, *, seed: int | None = None,
                 until: float | None = None, progress: Callable[[float, float], None] | None = None,
                 exact: bool = False) -> None:
        #: walk every probe again at every change (the slow obvious path the fast one is tested against)
        self.exact = exact
        self.inv = inv
        self.sc = scenario
        self.t = timers
        self.seed = scenario.seed if seed is None else seed
        self.until = scenario.until if until is None else until
        self.progress = progress
        self.rng = random.Random(f"{self.seed}/fail_random")
        self.env = simpy.Environment()
        self.rows: list[tuple[float, int, dict[str, Any]]] = []
        self.cs = ClusterState.of(inv)
        self._design_off = frozenset(v for v, vm in inv.vms.items() if vm.power != "on")
        self.failures: list[str] = []  # live failures, as the events name them (the design's own stay in it)
        failed = {f.device for f in inv.failures if f.kind == "device"}
        self.vm_status: dict[str, str] = {v: ("running" if s.power == "on" and s.host not in failed else "off")
                                          for v, s in self.cs.vms.items()}
        self.powered_at: dict[str, float] = {}
        self.resets: dict[str, int] = {}
        self.hung: set[str] = set()
        self.pending_restart: dict[str, tuple[str, int]] = {}  # vm -> (failed host, attempts)
        self.vm_version: dict[str, int] = {}
        self.ops: list[Any] = []  # vMotion operations submitted, FIFO
        self.op_info: dict[str, dict[str, Any]] = {}
        self.finished: set[str] = set()
        self.started: set[str] = set()
        self.maintenance: dict[str, set[str]] = {}  # host entering maintenance -> VMs still to leave
        self.in_maintenance: set[str] = {h for h, s in self.cs.hosts.items() if s.maintenance}
        self.restarts: list[float] = []
        self.isolated: dict[str, int] = {}  # isolated host -> the isolation's number
        self.isolated_version = 0
        self.powered_off_by_ha: set[str] = set()
        self.migrations = 0
        self.prov: ProvisioningSettings = DEFAULT_PROVISIONING_SETTINGS
        self.cloning: dict[str, CloneAnswer] = {}  # clone operation -> its answer, while in flight
        for ev in scenario.events:  # VMs the scenario's clones will make: not there yet
            if ev.clone is not None:
                for name in ev.clone.names():
                    self.vm_status.setdefault(name, "absent")
        self._states: dict[tuple, NetState] = {}
        self.net = self._state()
        self.probes = [ProbeState(a, b) for a, b in self._probe_pairs()]
        for p in self.probes:
            if not self._absent_end(p):  # a clone not made yet has no path to walk
                p.path = self.net.path(p.src, p.dst)
            reason = self._end_down(p) or (None if p.path is None or p.path.ok else p.path.reason)
            if reason is not None:
                p.up, p.down_since, p.cause = False, 0.0, f"at the start: {reason}"

    # state --------------------------------------------------------------------------------------------------
    def _placement(self) -> dict[str, str]:
        return {v: s.host for v, s in self.cs.vms.items() if v in self.inv.vms}

    def _state(self) -> NetState:
        placement = self._placement()
        clones = tuple(sorted((v, self.cs.vms[v].host) for v in self.cs.added))
        # a VM the design has off that the scenario powered on is on for the walk (whether it answers yet is
        # the engine's: vm_status, _end_down); the others keep the design's power
        woken = tuple(sorted(v for v in self._design_off if self.cs.vms[v].power == "on"))
        key = (tuple(sorted(self.failures)), tuple(sorted((v, h) for v, h in placement.items()
                                                           if self.inv.vms[v].host != h)), clones, woken)
        got = self._states.get(key)
        if got is None:
            inv = placed(self.inv, placement, powered_on=woken)
            got = self._states[key] = NetState(self._with_clones(inv, clones), self.failures)
            if len(self._states) > 64:  # bounded: long random runs visit many states
                self._states.pop(next(iter(self._states)))
        return got

    def _probe_pairs(self) -> list[tuple[str, str]]:
        if self.sc.probes:
            return [(p.src, p.to) for p in self.sc.probes]
        eps = self.net.snap.endpoints
        vm_eps = [e for e in eps.listed() if e.kind == "vm"]
        by_cluster: dict[str, list[str]] = {}
        out: list[tuple[str, str]] = []
        for e in vm_eps:
            cl = self.inv.hosts[e.device].cluster or ""
            by_cluster.setdefault(cl, []).append(e.name)
        for e in vm_eps:  # every VM to its gateway first: at scale the cap keeps these
            if e.gateway is not None:
                out.append((e.name, str(e.gateway)))
        for names in by_cluster.values():
            out += [(a, b) for i, a in enumerate(names) for b in names[i + 1:]]
        return out[:MAX_DEFAULT_PROBES]

    # rows ---------------------------------------------------------------------------------------------------
    def emit(self, kind: str, subject: str, detail: str = "", t: float | None = None) -> None:
        when = self.env.now if t is None else t
        self.rows.append((when, len(self.rows), {"t": _r(when), "kind": kind, "subject": subject, "detail": detail}))

    def at(self, delay: float, fn: Callable[[], None]) -> None:
        def proc() -> Any:
            yield self.env.timeout(max(0.0, delay))
            fn()
        self.env.process(proc())

    # running --------------------------------------------------------------------------------------------------
    def run(self) -> dict[str, Any]:
        self.env.process(self._timeline())
        self.env.process(self._drs_timer())
        if self.progress is not None:
            self.env.process(self._progress())
        self.env.run(until=self.until + 1e-9)
        return self.report()

    def _progress(self) -> Any:
        step = max(self.until / 100, 1.0)
        while True:
            self.progress(self.env.now, self.until)  # type: ignore[misc]
            yield self.env.timeout(step)

    def _timeline(self) -> Any:
        occurrences: list[tuple[float, int, Event]] = []
        for k, ev in enumerate(self.sc.events):
            for t in ev.times(self.until):
                occurrences.append((t, k, ev))
        occurrences.sort(key=lambda x: (x[0], x[1]))
        for t, _, ev in occurrences:
            if t > self.env.now:
                yield self.env.timeout(t - self.env.now)
            self.apply(ev)

    def apply(self, ev: Event) -> None:
        getattr(self, f"_do_{ev.action}")(getattr(ev, ev.action))

    # failures ------------------------------------------------------------------------------------------------
    def _do_fail(self, targets: str | list[str]) -> None:
        names = [targets] if isinstance(targets, str) else list(targets)
        new = [n for n in names if n not in self.failures]
        if not new:
            return
        for n in new:
            self.emit("failed", n)
        self.failures = self.failures + new
        hosts = [n for n in new if n in self.inv.hosts]
        for h in hosts:
            self.cs = self.cs.with_host(h, failed=True)
            for v in sorted(self.cs.vms_on(h)):
                if self.vm_status.get(v) in ("running", "booting"):
                    self.vm_status[v] = "crashed"
                    self.vm_version[v] = self.vm_version.get(v, 0) + 1
            self._ha_host_failed(h)
        self._network_changed(f"{', '.join(new)} failed")
        if hosts:
            self._drs_all()  # scenario-v1: DRS runs on host add/remove; a failed host leaves its cluster's pool

    def _do_restore(self, targets: str | list[str]) -> None:
        names = [targets] if isinstance(targets, str) else list(targets)
        gone = [n for n in names if n in self.failures]
        if not gone:
            return
        for n in gone:
            self.emit("restored", n)
        self.failures = [f for f in self.failures if f not in gone]
        hosts = [n for n in gone if n in self.inv.hosts]
        for h in hosts:
            self.cs = self.cs.with_host(h, failed=False)
            for v in sorted(self.cs.vms_on(h)):
                if self.vm_status.get(v) == "crashed" and v not in self.pending_restart:
                    self.vm_status[v] = "off"  # the host rebooted; HA never declared it failed, or has its VMs
                    self.cs = self.cs.with_vm(v, power="off")
        self._network_changed(f"{', '.join(gone)} restored")
        if hosts:
            # capacity changed: HA tries its unplaced VMs again, the returned hosts among the candidates, once
            # the network is back (a restarted VM's probes start from the restored state)
            self._retry_restarts()
            self._drs_all()

    def _do_fail_random(self, spec: Any) -> None:
        candidates = self._random_candidates(spec.kinds)
        if not candidates:
            return
        pick = candidates[self.rng.randrange(len(candidates))]
        self._do_fail(pick)
        if spec.restore_after is not None:
            self.at(spec.restore_after, lambda: self._do_restore(pick))

    def _random_candidates(self, kinds: list[str]) -> list[str]:
        from ..analysis.failures import elements

        names = {"host": "hosts", "switch": "switches", "link": "links", "nic": "nics"}
        live = set(self.failures)
        out = elements(self.inv, [names[k] for k in RANDOM_KINDS if k in kinds])
        failed_devices = {f for f in live if ":" not in f}
        return [x for x in out if x not in live and not any(x.startswith(d + ":") or f"--{d}:" in x for d in failed_devices)]

    # the network between states ---------------------------------------------------------------------------------
    def _network_changed(self, change: str) -> None:
        prev, new = self.net, self._state()
        self.net = new
        region = self._region(prev, new)
        touched = self._network_events(prev, new, region)
        touched["ports"] = {str(r) for r in region[2]}
        touched["failed"] = set(new.snap.failed.devices) - set(prev.snap.failed.devices)
        self._update_probes(prev, new, change, touched=touched)
        self._isolation(region[0])

    # HA isolation ----------------------------------------------------------------------------------------------
    def _isolated(self, host: str) -> bool | None:
        """Whether a live host of an HA cluster is cut off: none of its management ports reaches any isolation
        address (the cluster's ``isolation_addresses``, else the port's gateway); None when HA does not watch
        it or it has no address to ask."""
        h = self.inv.hosts[host]
        cl = h.cluster
        if cl is None or cl not in self.inv.clusters or not self.inv.clusters[cl].ha.enabled:
            return None
        if host in self.net.snap.failed.devices:
            return None
        addresses = [str(a) for a in self.inv.clusters[cl].ha.isolation_addresses]
        asked = False
        for name, vmk in h.vmkernel.items():
            if not ({"management", "service_console"} & set(vmk.services)):
                continue
            targets = addresses or ([str(vmk.gateway)] if vmk.gateway is not None else [])
            for addr in targets:
                asked = True
                try:
                    if self.net.path(f"{host}:{name}", addr).ok:
                        return False
                except ValueError:
                    continue
        return True if asked else None

    def _isolation(self, hosts: set[str]) -> None:
        """Hosts of the change's region that became isolated, or stopped being (scenario-v1 "HA, AAM/FDM")."""
        for host in sorted(hosts):
            now = self._isolated(host)
            if now is None:
                continue
            was = host in self.isolated
            if now and not was:
                self.isolated[host] = self.isolated_version = self.isolated_version + 1
                self._isolate(host, self.isolated[host])
            elif not now and was:
                del self.isolated[host]

    def _isolate(self, host: str, version: int) -> None:
        cluster = self.inv.hosts[host].cluster
        assert cluster is not None
        agent = services.agent(self.inv, cluster)
        response = services.isolation_response(self.inv, cluster, host)
        t = self.t
        if agent == "aam":
            declare = 13.0 if product_version(self.inv.hosts[host]) < (4, 0) else 12.0
            respond, failed_at = 14.0, t.das_failure_detection_s
        else:
            declare = respond = t.fdm_isolation_s
            failed_at = None

        def still() -> bool:
            return self.isolated.get(host) == version

        def isolated() -> None:
            if still():
                self.emit("ha-isolated", host, f"{agent.upper()}: no isolation address answers; response {response}")

        def off(vms: list[str]) -> None:
            if not still():
                return
            for vm in vms:
                if self.vm_status.get(vm) in ("running", "booting", "hung") and self.cs.vms[vm].host == host:
                    self.vm_status[vm] = "off"
                    self.vm_version[vm] = self.vm_version.get(vm, 0) + 1
                    self.cs = self.cs.with_vm(vm, power="off")
                    self.powered_off_by_ha.add(vm)
                    self.emit("vm-powered-off", vm, f"isolation response {response} on {host}")
            self._vm_changed(set(vms), f"isolation response on {host}")
            if agent == "fdm":
                restart()  # the master restarts what the isolated host powered off, as soon as it is off

        def respond_now() -> None:
            if not still() or response == "leave_powered_on":
                return
            vms = sorted(v for v in self.cs.vms_on(host) if self.cs.vms[v].power == "on"
                         and self.cs.spec(self.inv, v).ha.restart_priority != "disabled")
            if response == "power_off":
                off(vms)
            else:
                self.at(t.shutdown_timeout_s, lambda: off(vms))  # [model] the guest takes the whole timeout

        def restart() -> None:
            vms = sorted(v for v in self.cs.vms_on(host) if v in self.powered_off_by_ha)
            if not vms:
                return
            self.powered_off_by_ha -= set(vms)
            state = self.cs
            for v in vms:
                state = state.with_vm(v, power="on")
            self.cs = state
            self._restart(cluster, [host], vms)  # the ones not placed stay off, tried again like any (spec)

        def declared() -> None:
            if still():
                self.emit("ha-host-failed", host, f"{agent.upper()}: no heartbeat for {failed_at:g} s (isolated)")
                restart()

        self.at(declare, isolated)
        self.at(respond, respond_now)
        if failed_at is not None:
            self.at(failed_at, declared)

    def _islands(self) -> tuple[dict[str, str], dict[str, set[str]]]:
        """Switches joined by cables (any state), by logical switch: island name per switch, and the hosts
        cabled to each island.  A change on one island moves spanning tree, beacons and teams only there."""
        if getattr(self, "_island_cache", None) is None:
            inv = self.inv
            parent: dict[str, str] = {}

            def find(x: str) -> str:
                while parent.get(x, x) != x:
                    x = parent[x]
                return x

            for link in inv.links:
                a, b = link.a.device, link.b.device
                if a in inv.switches and b in inv.switches:
                    ra, rb = find(inv.logical_switch(a)), find(inv.logical_switch(b))
                    if ra != rb:
                        parent[max(ra, rb)] = min(ra, rb)
            island = {sw: find(inv.logical_switch(sw)) for sw in inv.switches}
            hosts: dict[str, set[str]] = {}
            for link in inv.links:
                for here, there in ((link.a, link.b), (link.b, link.a)):
                    if here.device in inv.hosts and there.device in inv.switches:
                        hosts.setdefault(island[there.device], set()).add(here.device)
            self._island_cache = (island, hosts)
        return self._island_cache

    def _region(self, prev: NetState, new: NetState) -> tuple[set[str], set[str], list[InterfaceRef]]:
        """(hosts, switches) a change may move, and the interfaces whose link changed.  A change that stays
        at hosts (a host or its pNIC, no link-state tracking moved) touches those hosts only."""
        inv = self.inv
        island, island_hosts = self._islands()
        changed = [r for r in prev.cabled if prev.link_up(r) != new.link_up(r)]
        devices = set(prev.snap.failed.devices) ^ set(new.snap.failed.devices)
        hosts = {d for d in devices if d in inv.hosts} | {r.device for r in changed if r.device in inv.hosts}
        host_side = (not any(d in inv.switches for d in devices) and set(prev.snap.tracked_down) == set(new.snap.tracked_down)
                     and all(any(e.device in inv.hosts for e in (r, prev.snap.cabling.peer(r)) if e is not None)
                             for r in changed))
        if host_side:
            return hosts, set(), changed
        isl = {island[d] for d in devices if d in inv.switches} | {island[r.device] for r in changed if r.device in inv.switches}
        switches = {sw for sw, i in island.items() if i in isl}
        for i in isl:
            hosts |= island_hosts.get(i, set())
        return hosts, switches, changed

    def _team_keys(self, host: str) -> list[tuple[str, str]]:
        return self.net.team_keys(host)

    def _network_events(self, prev: NetState, new: NetState, region: tuple[set[str], set[str], list[InterfaceRef]]
                        ) -> dict[str, set[str]]:
        """link-down, uplink-failed, failover, rarp, failback, stp-*, fhrp-active rows for a change; answers
        what moved: hosts whose teams changed, switches whose spanning tree changed, FHRP addresses."""
        inv, t, now = self.inv, self.t, self.env.now
        region_hosts, region_switches, changed = region
        for ref in changed:
            if prev.link_up(ref) and not new.link_up(ref):
                peer = new.snap.cabling.peer(ref)
                tracked = ref in new.snap.tracked_down or (peer is not None and peer in new.snap.tracked_down)
                self.emit("link-down", str(ref), "link-state tracking" if tracked else "",
                          t=now + (t.lst_delay_s if tracked else 0.0))
        # teams: uplinks declared failed, failover, failback
        detected: dict[str, tuple[float, str]] = {}
        pts, nts = prev.snap.team_states, new.snap.team_states
        moved: dict[tuple[str, str, str], list[str]] = {}
        back: dict[tuple[str, str], list[str]] = {}
        team_moved: set[str] = set()
        for key in (k for h in sorted(region_hosts) for k in self._team_keys(h)):
            if key[0] in new.snap.failed.devices or key[0] in prev.snap.failed.devices:
                continue
            a, b = pts[key], nts[key]
            if a.active == b.active:
                continue
            team_moved.add(key[0])
            for nic in b.detection.failed:
                if nic in a.detection.failed:
                    continue
                ref = InterfaceRef(key[0], nic)
                if not new.link_up(ref):
                    why = new.snap.down_reason(ref) or ""
                    delay = t.lst_delay_s if "link-state tracking" in why else 0.0
                    detected.setdefault(f"{key[0]}:{nic}", (now + delay, "link-status"))
                else:
                    first = next_beacon_s(t, self.seed, key[0])
                    detected.setdefault(f"{key[0]}:{nic}",
                                        (now + first + t.beacon_misses * t.beacon_interval_s, "beacon"))
            gone = [n for n in a.active if n not in b.active]
            for n in b.active:
                if n in a.active:
                    continue
                if n in a.detection.failed or not prev.link_up(InterfaceRef(key[0], n)):
                    if b.team.failback:
                        back.setdefault((key[0], n), []).append(key[1])
                    continue
                moved.setdefault((key[0], n, ",".join(gone)), []).append(key[1])
        for subject, (when, how) in sorted(detected.items()):
            self.emit("uplink-failed", subject, how, t=when)
        for (host, nic, left), pgs in sorted(moved.items()):
            when = max((detected.get(f"{host}:{x}", (now, ""))[0] for x in left.split(",") if x), default=now)
            when += t.link_failover_s
            self.emit("failover", f"{host}:{nic}", f"{', '.join(pgs)} from {left or '-'}", t=when)
            team = nts[(host, pgs[0])].team
            if team.notify_switches:
                self.emit("rarp", f"{host}:{nic}", t=when)
        for (host, nic), pgs in sorted(back.items()):
            when = now + t.failback_delay_s
            port = prev.snap.switch_port_of(host, nic)
            if port is not None and port in prev.snap.tracked_down:
                when += t.lst_delay_s
            if nts[(host, pgs[0])].team.detection == "beacon":
                # declared up at the first beacon it hears, once a restored link forwards (T14, scenario-v1)
                when += rejoin_s(prev, new, t, changed) + next_beacon_s(t, self.seed, host)
            self.emit("failback", f"{host}:{nic}", ", ".join(pgs), t=when)
            if nts[(host, pgs[0])].team.notify_switches:
                self.emit("rarp", f"{host}:{nic}", t=when)
        # spanning tree
        stp_moved: set[str] = set()
        fhrp_moved: set[str] = set()
        if not region_switches:
            return {"hosts": team_moved, "switches": stp_moved, "vips": fhrp_moved}
        fprev, fnew = prev.fabric_of(region_switches), new.fabric_of(region_switches)
        fa, fb = fprev.blocked, fnew.blocked
        lost = {prev.snap.bridge_of(r.device) for r in prev.cabled
                if r.device in inv.switches and prev.link_up(r) and not new.link_up(r)}
        for key in sorted(set(fa) | set(fb)):
            was = fa.get(key, (frozenset(), (), ()))
            now_b = fb.get(key, (frozenset(), (), ()))
            if was[0] != now_b[0]:
                stp_moved.update(x.split(":")[0] for x in key)
            for inst, end in sorted(zip(sorted(was[0], key=str), was[2], strict=False), key=lambda x: str(x[0])):
                if inst in now_b[0] or key not in fb:
                    continue
                bridge = new.snap.bridge_of(end.split(":")[0]) if ":" in end else end
                mode = new.snap.stp.mode(new.snap.stp.stp_bridge(bridge))
                indirect = bridge not in lost
                s = t.stp_reconverge_s(mode, indirect)
                self.emit("stp-forwarding", end, "every VLAN" if inst == "cst" else f"VLAN {inst}", t=now + s)
            for inst, end in sorted(zip(sorted(now_b[0], key=str), now_b[2], strict=False), key=lambda x: str(x[0])):
                if inst in was[0]:
                    continue
                self.emit("stp-blocking", end, "every VLAN" if inst == "cst" else f"VLAN {inst}")
        # FHRP
        for vip, routers in sorted(fnew.fhrp.items()):
            before = fprev.fhrp.get(vip, frozenset())
            if routers != before:
                fhrp_moved.add(vip)
            if routers and routers != before and not (routers & before):
                router = sorted(routers)[0]
                iface = fhrp_interface(inv, router, vip)
                protocol, priority, group = fhrp_of(inv, vip, iface)
                lost_router = any(r in new.snap.failed.devices or not new.snap.bridge_alive(r) for r in before)
                if protocol == "hsrp":
                    s = t.hsrp_hold_s - phase(self.seed, f"fhrp/{vip}") * t.hsrp_hello_s
                else:
                    s = t.fhrp_takeover_s(protocol, priority)
                self.emit("fhrp-active", iface, f"{protocol} group {group} {vip}", t=now + (s if lost_router else 0.0))
        return {"hosts": team_moved, "switches": stp_moved, "vips": fhrp_moved}

    def _end_down(self, p: ProbeState) -> str | None:
        """Why an end of the probe does not answer (its VM not running), or None."""
        failed = self.net.snap.failed.devices
        for _, kind, vm, device in self._ends(p):
            if kind == "vm" and vm is not None:
                status = self.vm_status.get(vm, "running")
                if status != "running":
                    return f"{vm} is {_STATUS_TEXT.get(status, status)}"
            elif kind == "vmk" and device in failed:
                return f"{device} has failed"
        return None

    def _moved_sends(self, p: ProbeState) -> dict[str, bool]:
        out: dict[str, bool] = {}
        for (_, kind, vm, device), sends in zip(self._ends(p), (True, False), strict=True):
            if kind in ("vm", "vmk"):
                host = self.cs.vms[vm].host if vm is not None and vm in self.cs.vms else device
                out[host] = out.get(host, False) or sends
        return out

    def _update_probes(self, prev: NetState, new: NetState, change: str, only: set[str] | None = None,
                       touched: dict[str, set[str]] | None = None, vms_only: set[str] | None = None) -> None:
        """Each probe after a change.  A probe that answers over a path the change left intact keeps
        answering (not interrupted); it is walked again only when the change may have moved it (a team of its
        hosts, spanning tree on a switch it crosses, an FHRP address it uses), or always with ``exact``."""
        now = self.env.now
        for p in self.probes:
            if only is not None and p.src not in only and p.dst not in only and not (only & self._vms_of(p)):
                continue
            why = self._end_down(p)
            if why is not None:
                self._down(p, now, why)
                continue
            if p.up and p.path is not None and not self.exact and self._intact(p.path, new, touched) \
                    and not self._moved(p, touched) and not (vms_only and vms_only & self._vms_of(p)):
                continue
            path = new.path(p.src, p.dst)
            if p.up:
                if p.path is not None and new.intact(p.path) and path.ok:
                    p.path = path
                    continue
                if path.ok:
                    mech = recovery(prev, new, p.path or path, path, self._moved_sends(p), self.t, self.seed, now)
                    if mech.seconds <= 0:
                        p.path = path
                        continue
                    self._down(p, now, f"{change}: {mech.what}")
                    self._schedule_up(p, mech.seconds, path)
                else:
                    self._down(p, now, f"{change}: {path.reason}")
            else:
                if path.ok:
                    ref = p.path if p.path is not None else path
                    mech = recovery(prev, new, ref, path, self._moved_sends(p), self.t, self.seed, now)
                    self._schedule_up(p, mech.seconds, path)
                else:
                    p.pending += 1  # a scheduled recovery no longer holds

    @staticmethod
    def _intact(path: Path, new: NetState, touched: dict[str, set[str]] | None) -> bool:
        """:meth:`NetState.intact`, answered from what changed when it is known: a path is broken only by a
        device that failed or a port whose link changed (a port-channel: walked in full)."""
        if touched is None or path.channels:
            return new.intact(path)
        return not (path.devices & touched["failed"] or path.interfaces & touched["ports"])

    def _moved(self, p: ProbeState, touched: dict[str, set[str]] | None) -> bool:
        """Whether the change may move the path of a probe whose path stays intact."""
        if touched is None:
            return True
        path = p.path
        assert path is not None
        return bool(path.devices & touched["hosts"] or path.devices & touched["switches"]
                    or {v for v, _ in path.vips} & touched["vips"])

    def _vms_of(self, p: ProbeState) -> set[str]:
        return {vm for _, _, vm, _ in self._ends(p) if vm is not None}

    def _ends(self, p: ProbeState) -> list[tuple[str, str, str | None, str]]:
        """(name, kind, VM, device) of both ends, resolved once (a VM's host is read from the cluster state)."""
        if p.ends is None and self._absent_end(p):  # a clone not made yet: resolved once it exists
            ends = []
            for name in (p.src, p.dst):
                vm = name.partition(":")[0]
                if self.vm_status.get(vm) == "absent":
                    ends.append((name, "vm", vm, ""))
                else:
                    e = self.net.endpoint(name)
                    ends.append((name, e.kind, e.vm, e.device))
            return ends
        if p.ends is None:
            out = []
            for name in (p.src, p.dst):
                e = self.net.endpoint(name)
                out.append((name, e.kind, e.vm, e.device))
            p.ends = out
        return p.ends

    def _down(self, p: ProbeState, t: float, cause: str) -> None:
        p.pending += 1
        if not p.up:
            return
        p.up, p.down_since, p.cause = False, t, cause
        self.emit("probe-down", p.name, cause, t=t)

    def _schedule_up(self, p: ProbeState, delay: float, path: Path) -> None:
        p.pending += 1
        version = p.pending

        def up() -> None:
            if p.pending != version or p.up:
                return
            p.up, p.path = True, path
            assert p.down_since is not None
            p.outages.append({"from": p.src, "to": p.dst, "start": _r(p.down_since), "end": _r(self.env.now),
                              "cause": p.cause})
            self.emit("probe-up", p.name)

        self.at(delay, up)

    def _vm_changed(self, vms: set[str], change: str) -> None:
        """VMs started, stopped or moved: the network's placement, then their probes."""
        prev, new = self.net, self._state()
        self.net = new
        if prev is new:
            self._update_probes(prev, new, change, only=vms)
            return
        # ports of a host are numbered over the ports it holds (T1): a VM arriving or leaving may move the
        # other ports of both hosts, so their probes are looked at too
        hosts = {i.vms[v].host for i in (prev.inventory, new.inventory) for v in vms if v in i.vms}
        self._update_probes(prev, new, change, vms_only=vms,
                            touched={"hosts": hosts, "switches": set(), "vips": set(), "ports": set(), "failed": set()})

    # HA ------------------------------------------------------------------------------------------------------
    def _cluster_of(self, host: str) -> str | None:
        return self.inv.hosts[host].cluster

    def _ha_host_failed(self, host: str) -> None:
        cluster = self._cluster_of(host)
        if cluster is None or cluster not in self.inv.clusters or not self.inv.clusters[cluster].ha.enabled:
            return
        agent = services.agent(self.inv, cluster)
        delay = self.t.das_failure_detection_s if agent == "aam" else self.t.fdm_host_dead_s
        state_at_failure = self.cs

        def declare() -> None:
            if host not in self.failures:
                return  # back before HA declared it failed
            self.emit("ha-host-failed", host, f"{agent.upper()}: no heartbeat for {delay:g} s")
            vms = [v for v in state_at_failure.vms_on(host) if self.vm_status.get(v) == "crashed"]
            self._restart(cluster, [host], vms)

        self.at(delay, declare)

    def _restart(self, cluster: str, hosts: list[str], vms: list[str], retry: list[str] | None = None) -> None:
        """HA's restart plan for ``vms`` (powered on, on the failed ``hosts``) and ``retry`` (VMs an earlier
        plan left unplaced, powered off wherever they were): powered on now, in order.  A VM not placed is
        powered off where it is, and counts one attempt (scenario-v1 "HA restarts")."""
        state = self.cs
        for h in hosts:
            state = state.with_host(h, failed=True)
        for h in sorted(self.isolated):
            if h not in hosts:
                state = state.with_host(h, maintenance=True)  # cut off: no restart lands there [model]
        wanted = set(vms)
        for v, s in state.vms.items():
            if s.host in hosts and s.power == "on" and v not in wanted:
                state = state.with_vm(v, power="off")  # restarted already, or not HA's to restart
        done, missed = services.restart(self.inv, cluster, hosts, state, retry)
        order = {"highest": 0, "high": 1, "medium": 2, "low": 3, "lowest": 4}
        moved: set[str] = set()
        for vm, target, prio in sorted(done, key=lambda x: (order.get(x[2], 9), x[0])):
            self.cs = self.cs.with_vm(vm, host=target, power="on")
            self.pending_restart.pop(vm, None)
            self.emit("vm-restarted", vm, f"on {target} (priority {prio})")
            self.restarts.append(self.env.now)
            self._boot(vm)
            moved.add(vm)
        for vm, reason in sorted(missed):
            host, tries = self.pending_restart.get(vm, (self.cs.vms[vm].host, 0))
            tries += 1
            self.cs = self.cs.with_vm(vm, power="off")  # it runs nowhere: its reservation holds no room
            if tries < self.t.das_max_restart_count:
                self.pending_restart[vm] = (host, tries)
                self.emit("vm-not-restarted", vm, f"attempt {tries} of {self.t.das_max_restart_count}: {reason}; "
                                                  "tried again when capacity changes")
            else:
                self.pending_restart.pop(vm, None)
                self.vm_status[vm] = "off"
                self.emit("vm-not-restarted", vm, f"attempt {tries} of {self.t.das_max_restart_count}: {reason}; "
                                                  "HA gives up (VmFailoverFailed, das_max_restart_count)")
        if moved:
            self._vm_changed(moved, "HA restart")

    def _retry_restarts(self) -> None:
        """Capacity changed (a host restored or out of maintenance, a VM powered off): try the VMs HA could not
        place again, at this moment (scenario-v1 "HA restarts"), every usable host a candidate, a failed
        host that came back too (cluster-behaviour §3.3).  The HA model's FDM minutes (T0, +2, +6, +14, +30,
        [unverified]) are not a schedule here: scenario-v1 settles retries on capacity changes."""
        by_cluster: dict[str, list[str]] = {}
        for vm, (host, _) in sorted(self.pending_restart.items()):
            cl = self._cluster_of(host)
            if cl is not None:
                by_cluster.setdefault(cl, []).append(vm)
        for cl, vms in sorted(by_cluster.items()):
            self._restart(cl, [], [], retry=vms)

    def _boot(self, vm: str) -> None:
        self.vm_status[vm] = "booting"
        self.vm_version[vm] = version = self.vm_version.get(vm, 0) + 1
        self.powered_at[vm] = self.env.now

        def booted() -> None:
            if self.vm_version.get(vm) != version or self.vm_status.get(vm) != "booting":
                return
            self.vm_status[vm] = "running"
            self._vm_changed({vm}, f"{vm} booted")

        self.at(self.t.vm_boot_s, booted)

    # VM actions ------------------------------------------------------------------------------------------------
    def _do_power(self, spec: Any) -> None:
        vm = spec.vm
        if vm not in self.cs.vms:
            return  # a clone not made yet
        status = self.vm_status.get(vm, "off")
        if spec.state == "off":
            self.pending_restart.pop(vm, None)  # the operator wants it off: HA no longer retries it
            if status == "off":
                return
            self.vm_status[vm] = "off"
            self.vm_version[vm] = self.vm_version.get(vm, 0) + 1
            self.cs = self.cs.with_vm(vm, power="off")
            self.hung.discard(vm)
            self.emit("vm-powered-off", vm)
            self._vm_changed({vm}, f"{vm} powered off")
            self._retry_restarts()
        elif spec.state == "on":
            if status in ("running", "booting") or self.cs.hosts[self.cs.vms[vm].host].failed:
                return
            self.pending_restart.pop(vm, None)  # the operator's now: HA no longer retries it
            self.cs = self.cs.with_vm(vm, power="on")
            self._boot(vm)
            self._vm_changed({vm}, f"{vm} powered on")
        else:
            if status not in ("running", "booting", "hung"):
                return
            self._reset(vm, "reset by the operator")

    def _reset(self, vm: str, why: str) -> None:
        self.emit("vm-reset", vm, why)
        self.hung.discard(vm)
        self._boot(vm)
        self._vm_changed({vm}, f"{vm} reset")

    def _do_heartbeat_lost(self, spec: Any) -> None:
        vm = spec.vm
        if self.vm_status.get(vm) != "running":
            return
        self.vm_status[vm] = "hung"
        self.hung.add(vm)
        version = self.vm_version.get(vm, 0)
        self._vm_changed({vm}, f"{vm} hangs (no VMware Tools heartbeat)")
        cluster = self._cluster_of(self.cs.vms[vm].host)
        if cluster is None or cluster not in self.inv.clusters or not self.inv.clusters[cluster].ha.enabled:
            return  # VM monitoring is part of HA (§3.5)
        uptime = self.env.now - self.powered_at.get(vm, float("-inf"))
        if uptime < self.t.vm_monitoring_min_uptime_s:
            return  # monitoring starts after the minimum uptime (§3.5)
        if self.resets.get(vm, 0) >= self.t.vm_monitoring_max_resets:
            return

        def reset() -> None:
            if self.vm_status.get(vm) != "hung" or self.vm_version.get(vm, 0) != version:
                return
            self.resets[vm] = self.resets.get(vm, 0) + 1
            self._reset(vm, f"VM monitoring: no heartbeat for {self.t.vm_monitoring_failure_s:g} s "
                            f"(reset {self.resets[vm]} of at most {self.t.vm_monitoring_max_resets}, §3.5)")

        self.at(self.t.vm_monitoring_failure_s, reset)

    def _do_load(self, spec: Any) -> None:
        self.cs = self.cs.with_vm(spec.vm, cpu_mhz=spec.cpu_mhz, memory_gb=spec.memory_gb)

    # clones (cluster-behaviour §4.2) ------------------------------------------------------------------------------
    def _do_clone(self, spec: Any) -> None:
        """Each clone checked and placed now (the clones in flight counted in), then queued under §1.4."""
        snapshot = spec.snapshot
        if spec.linked and snapshot is None:  # scenario-v1 names no snapshot: the template's own [model]
            snapshot = next(iter(self.prov.snapshots_of(spec.template)), None)
        state = self._clone_state()  # the cluster as it is, with the clones in flight; grows with this event's
        for k, name in enumerate(spec.names()):
            nics = tuple(NicCustomization(f"{n.ip.ip + k}/{n.ip.network.prefixlen}",
                                          None if n.gateway is None else str(n.gateway)) for n in spec.nics)
            req = CloneRequest(spec.template, name, spec.cluster, None, spec.linked, snapshot, spec.power_on,
                               name if nics else None, nics)
            answer = check_clone(self.inv, req, state=state, timers=self.t, settings=self.prov)
            if not answer.ok:
                f = answer.faults[0]
                self.emit("clone-done", name, f"failed: {f.fault}: {f.message}")
                continue
            assert answer.host is not None and answer.vm is not None
            state = state.with_added_vm(answer.vm, name)
            op_name = f"{name}#{len(self.ops)}"
            self.cloning[op_name] = answer
            self.ops.append(clone_operation(op_name, answer.host))
            self.op_info[op_name] = {"kind": "clone", "vm": name, "host": answer.host, "link": 1000,
                                     "limits": self._limits(answer.host, answer.host)}
        self._schedule_ops()

    def _clone_state(self) -> ClusterState:
        """The cluster with the clones in flight in it (their names, addresses and places are taken)."""
        state = self.cs
        for answer in self.cloning.values():
            if answer.vm is not None and answer.request.name not in state.vms:
                state = state.with_added_vm(answer.vm, answer.request.name)
        return state

    def _start_clone(self, op_name: str) -> None:
        answer = self.cloning[op_name]
        req, host = answer.request, answer.host

        def done() -> None:
            self.finished.add(op_name)
            del self.cloning[op_name]
            # checked again on the cluster as it is now, on the host it was copied to
            again = check_clone(self.inv, CloneRequest(req.template, req.name, req.cluster, host, req.linked,
                                                       req.snapshot, req.power_on, req.hostname, req.nics),
                                state=self._clone_state(), timers=self.t, settings=self.prov)
            if not again.ok or again.vm is None:
                f = again.faults[0]
                self.emit("clone-done", req.name, f"failed: {f.fault}: {f.message}")
                self._schedule_ops()
                return
            kind = f"linked clone of {req.template}@{req.snapshot}" if req.linked else f"full clone of {req.template}"
            detail = f"{kind} on {host}"
            custom = again.customization
            if custom is not None and custom["status"] == "failed":
                detail += f"; customization failed on first boot: {custom['message']}"
            self.cs = self.cs.with_added_vm(again.vm, req.name)
            self.vm_status[req.name] = "off"
            self.emit("clone-done", req.name, detail + (", powered on" if req.power_on else ""))
            if req.power_on:
                self._boot(req.name)
            self._vm_changed({req.name}, f"{req.name} cloned")
            self._schedule_ops()

        self.at(answer.duration_s, done)

    def _with_clones(self, inv: Inventory, clones: tuple[tuple[str, str], ...]) -> Inventory:
        """The network's design with the clones made so far in it, on their hosts (a copy whose lookup index
        is rebuilt, as :func:`.network.placed` does)."""
        if not clones:
            return inv
        vms = dict(inv.vms)
        for name, host in clones:
            # powered on for the walk: whether it runs is the engine's (vm_status, _end_down), as for design VMs
            vms[name] = self.cs.added[name].model_copy(update={"host": host, "power": "on"})
        out = inv.model_copy(update={"vms": vms})
        private = dict(out.__pydantic_private__ or {})
        private["_index"] = None
        object.__setattr__(out, "__pydantic_private__", private)
        return out

    def _absent_end(self, p: ProbeState) -> bool:
        return any(self.vm_status.get(n.partition(":")[0]) == "absent" for n in (p.src, p.dst))

    # vMotion, maintenance, DRS ----------------------------------------------------------------------------------
    def _do_vmotion(self, spec: Any) -> None:
        self._migrate(spec.vm, spec.to, "operator")

    def _limits(self, src: str, dst: str) -> str:
        v = min(product_version(self.inv.hosts[src]), product_version(self.inv.hosts[dst]))
        return "vi3" if v < (4, 1) else "vsphere7" if v >= (7, 0) else "vsphere5"

    def _migrate(self, vm: str, dst: str, why: str) -> None:
        src = self.cs.vms[vm].host
        if self.vm_status.get(vm) != "running" or src == dst:
            self.emit("vmotion-end", vm, f"{src} -> {dst}: refused: {vm} is not running" if src != dst else
                      f"refused: already on {dst}")
            return
        answer = check_vmotion(self.net.snap, vm, dst)
        if not answer.ok:
            faults = ", ".join(f.fault for f in answer.faults)
            self.emit("vmotion-end", vm, f"{src} -> {dst}: refused: {faults}")
            return
        est = answer.estimate
        name = f"{vm}#{len(self.ops)}"
        op = vmotion_operation(name, src, dst, self.cs.spec(self.inv, vm).datastore, est["link_mbps"], self._limits(src, dst))  # type: ignore[arg-type]
        self.ops.append(op)
        self.op_info[name] = {"vm": vm, "src": src, "dst": dst, "total": est["total_s"], "downtime": est["downtime_s"],
                              "link": est["link_mbps"], "limits": self._limits(src, dst), "why": why}
        self._schedule_ops()

    def _schedule_ops(self) -> None:
        maxima: dict[tuple[str, str], int] = {}
        for op in self.ops:
            info = self.op_info[op.name]
            maxima.update(maxima_for([op], info["link"], info["limits"]))  # type: ignore[arg-type]
        states = schedule(self.ops, maxima, frozenset(self.finished))
        for op in self.ops:
            if states[op.name] == "running" and op.name not in self.started:
                self.started.add(op.name)
                self._start_op(op.name)

    def _start_op(self, name: str) -> None:
        info = self.op_info[name]
        if info.get("kind") == "clone":
            self._start_clone(name)
            return
        vm, src, dst = info["vm"], info["src"], info["dst"]
        self.emit("vmotion-start", vm, f"{src} -> {dst} ({info['why']})")
        pre = info["total"] - info["downtime"]

        def switchover() -> None:
            if self.vm_status.get(vm) != "running" or self.cs.vms[vm].host != src or dst in self.failures:
                self.finished.add(name)
                self.emit("vmotion-end", vm, f"{src} -> {dst}: abandoned ({vm} or {dst} went away)")
                self._schedule_ops()
                return
            self.vm_status[vm] = "switching"
            self.cs = self.cs.with_vm(vm, host=dst)
            self._vm_changed({vm}, f"vMotion switchover of {vm}")
            self.at(info["downtime"], done)

        def done() -> None:
            self.finished.add(name)
            if self.vm_status.get(vm) == "switching":
                self.vm_status[vm] = "running"
            self.migrations += 1
            self.emit("vmotion-end", vm, f"{src} -> {dst}")
            for uplink in self._uplinks_of(vm):  # the destination announces the VM's MACs (cluster-behaviour §1)
                self.emit("rarp", f"{dst}:{uplink}", f"{vm} after its vMotion from {src}")
            self._vm_changed({vm}, f"{vm} resumed on {dst}")
            self._maintenance_progress(src)
            self._schedule_ops()

        self.at(pre, switchover)

    def _uplinks_of(self, vm: str) -> list[str]:
        """The uplinks a VM's RARPs leave by on its host now (scenario-v1: a ``rarp`` row names ``host:vmnic``):
        per port, the uplink its team sends a RARP on (T12): the home uplink, or for teams that hash per frame
        (IP hash, LAG) the one the hash picks [model: a RARP hashes like an ARP request with no addresses];
        none for a team with no usable uplink."""
        snap = self.net.snap
        out: set[str] = set()
        for i in range(len(self.inv.vms[vm].nics)):
            e = snap.endpoints.get(vm if i == 0 else f"{vm}:nic{i}")
            if e is None or e.network is None:
                continue
            ts = snap.team_states.get(e.team_key)
            if ts is None:
                continue
            rarp = Frame("arp-request", e.mac, BROADCAST, IPv4Address(0), IPv4Address(0))
            out.update(ts.sends_on(e.port_id, e.mac, rarp, snap.settings))
        return sorted(out)

    def _do_maintenance(self, spec: Any) -> None:
        host = spec.host
        cluster = self._cluster_of(host)
        if spec.exit:
            self.maintenance.pop(host, None)
            if host in self.in_maintenance:
                self.in_maintenance.discard(host)
                self.cs = self.cs.with_host(host, maintenance=False)
                self._retry_restarts()
                self._drs_all()
            return
        self.cs = self.cs.with_host(host, maintenance=True)
        self.in_maintenance.add(host)
        running = {v for v in self.cs.vms_on(host) if self.cs.vms[v].power == "on" and self.vm_status.get(v) != "off"}
        self.maintenance[host] = running
        if cluster is not None and running:
            moves, stuck = services.evacuation(self.inv, cluster, host, self.cs)
            for vm, reason in stuck:
                self.emit("drs-recommendation", vm, f"stays on {host}: {reason}")
            busy = self._migrating()
            for m in moves:
                if m.vm in busy:
                    continue
                self.emit("drs-recommendation", m.vm, f"{m.source} -> {m.target} priority {m.priority} applied: "
                                                      f"{m.reason}")
                self._migrate(m.vm, m.target, "maintenance")
        self._maintenance_progress(host)

    def _maintenance_progress(self, host: str) -> None:
        left = self.maintenance.get(host)
        if left is None:
            return
        still = {v for v in left if self.cs.vms.get(v) is not None and self.cs.vms[v].host == host
                 and self.vm_status.get(v) not in ("off", "crashed")}
        self.maintenance[host] = still
        if not still:
            del self.maintenance[host]
            self.emit("maintenance-entered", host)

    def _drs_timer(self) -> Any:
        interval = self.t.drs_interval_s
        first = phase(self.seed, "drs") * interval
        yield self.env.timeout(first)
        while True:
            self._drs_all()
            yield self.env.timeout(interval)

    def _migrating(self) -> set[str]:
        return {info["vm"] for name, info in self.op_info.items() if name not in self.finished}

    def _drs_all(self) -> None:
        for cl in sorted(self.inv.clusters):
            cfg = self.inv.clusters[cl]
            if not cfg.drs.enabled:
                continue
            moves = services.drs_moves(self.inv, cl, self.cs, sorted(h for h in self.maintenance
                                                                     if self._cluster_of(h) == cl))
            busy = self._migrating()
            for m in moves:
                if m.vm in busy:
                    continue  # already on its way: DRS sees the move in flight
                applied = m.automatic
                self.emit("drs-recommendation", m.vm, f"{m.source} -> {m.target} priority {m.priority}"
                          f"{' applied' if applied else ' recommended'}: {m.reason}")
                if applied:
                    self._migrate(m.vm, m.target, f"DRS priority {m.priority}")

    # the report ------------------------------------------------------------------------------------------------
    def report(self) -> dict[str, Any]:
        until = self.until
        events = [row for t, _, row in sorted(self.rows, key=lambda x: (x[0], x[1])) if t <= until + 1e-9]
        outages: list[dict[str, Any]] = []
        summary_probes = []
        last_recovery: float | None = None
        for p in self.probes:
            mine = [o for o in p.outages if o["start"] <= until]
            for o in mine:
                if o["end"] > until:
                    o["end"] = None
            if not p.up and p.down_since is not None:
                mine.append({"from": p.src, "to": p.dst, "start": _r(p.down_since), "end": None, "cause": p.cause})
            down = sum(((o["end"] if o["end"] is not None else until) - o["start"]) for o in mine)
            for o in mine:
                if o["end"] is not None:
                    last_recovery = max(last_recovery or 0.0, o["end"])
            outages += mine
            summary_probes.append({"from": p.src, "to": p.dst, "downtime_s": _r(down),
                                   "availability": _r(1 - down / until), "outages": len(mine)})
        outages.sort(key=lambda o: (o["start"], o["from"], o["to"]))
        summary = {
            "until": _r(until), "seed": self.seed, "probes": summary_probes,
            "vms_restarted": len(self.restarts),
            "last_restart_s": _r(max(self.restarts)) if self.restarts else None,
            "migrations": self.migrations,
            "recovered_by_s": _r(last_recovery) if last_recovery is not None else None,
            "never_recovered": sorted({f"{o['from']}->{o['to']}" for o in outages if o["end"] is None}),
        }
        return {"events": events, "outages": outages, "summary": summary}


_STATUS_TEXT = {"absent": "not cloned yet", "off": "powered off", "crashed": "down with its host", "booting": "booting", "hung": "hung (no heartbeat)",
                "switching": "in its vMotion switchover"}


def simulate(inv: Inventory, scenario: Scenario, timers: Timers, *, seed: int | None = None, until: float | None = None,
             progress: Callable[[float, float], None] | None = None, exact: bool = False) -> dict[str, Any]:
    """Play ``scenario`` against ``inv``: ``{"events", "outages", "summary"}`` (module doc)."""
    return Simulation(inv, scenario, timers, seed=seed, until=until, progress=progress, exact=exact).run()


__all__ = ["CLONE_DISK_GB", "Simulation", "simulate"]
