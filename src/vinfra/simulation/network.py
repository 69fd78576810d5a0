"""The network between events: steady states from the network engine, and how long each transition takes.

A :class:`NetState` is one steady state: the design with the VMs where they run now (HA restarts and
vMotions move them) and the live failures, as a :class:`~vinfra.network.Snapshot`.  Probes are walked by
the engine's own ping (:meth:`Forwarding.ping`, the walk ``vinfra trace`` shows), which also gives the
*path*: the devices, interfaces, host uplinks and FHRP routers a probe's frames use.

What the simulation adds is time (scenario-v1's table, timers from :mod:`vinfra.timing`):

- a probe whose path does not touch what changed is not interrupted (scenario-v1 "Spanning tree": traffic
  whose path does not change is not interrupted);
- a probe whose path crosses an element that went down is down from the change; if the new steady state
  reaches it, it comes back after the slowest mechanism on its new path (:func:`recovery`): teaming
  failover by link status (T13, ``link_failover_s``), after link-state tracking (T15, ``lst_delay_s``) or
  after beacon probing (T14, ``beacon_misses`` missed beacons at the seed's phase), plus MAC staleness when
  the team does not notify switches and the moved MAC does not send (T12, the switch's ``mac_aging_s``);
  spanning tree unblocking a port (classic 2 x forward delay, + max age when indirect; rapid
  ``rstp_converge_s``); FHRP takeover (HSRP between hold - hello and hold by the hello phase, VRRP 3 x
  advert + skew, GLBP hold), unless the router now answering already routed for the address (both peers of
  an MLAG pair, anycast: topology-v1 "MLAG pairs");
- a vDS LAG member (T6) whose link goes down leaves the bundle at once (scenario-v1 "LACP member loss":
  immediate on link down): its flows rehash over the other members with no failover to wait for and no MAC
  to move (the channel is one logical port); a member that returns takes flows back without loss;
- a probe that comes back after a repair waits for the restored element: failback (T11,
  ``failback_delay_s``), downstream ports returned by link-state tracking, a restored inter-switch link
  joining the active topology (classic 2 x forward delay, rapid ``rstp_converge_s``); with beacon probing
  the returning member is declared up at the first beacon it hears, then failback applies (T14, scenario-v1
  "Beacon probing").

Not modelled (said here and in the command's help): LACP partner loss with the link up (``lacp_rate``: 3 x
1 s fast, 3 x 30 s slow).  No scenario-v1 event can cause it: every failure target (a device, an interface,
a link, ``Po<N>``) takes its cables down at both ends (topology-v1 "Failures"), link-state tracking takes
ports down too, and a member's bundling otherwise depends only on the design (modes, settings, partner);
there is no event kind for a far-end misconfiguration, a hung partner or a unidirectional fault.  The timer
waits for such an event in the spec.  Also not modelled: MAC-flush timing after a topology change (a flushed
MAC is relearned by the probe's next frame); a root change that re-blocks a port still in use.
"""

from __future__ import annotations

import random
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from functools import cached_property
from ipaddress import IPv4Address

from ..analysis.failures import Fabric
from ..model import InterfaceRef, Inventory, po_number
from ..network import Snapshot
from ..network.endpoints import Endpoint
from ..network.forwarding import Forwarding
from ..timing import Timers

_VIP_RE = re.compile(r"received by (\S+) \((\d+\.\d+\.\d+\.\d+)\)")


def phase(seed: int, key: str) -> float:
    """The phase in [0, 1) of a periodic timer (beacons of a host, hellos of an FHRP group, DRS), drawn from
    the seed and the timer's name only: one seed gives one set of times, whatever else happens."""
    return random.Random(f"{seed}/{key}").random()


def next_beacon_s(timers: Timers, seed: int, host: str) -> float:
    """Time from a change to the next beacon of ``host``'s teams, in (0, beacon_interval_s], by the seed's
    beacon phase of that host (T14): the first one missed after a failure, or heard after a repair."""
    return (1.0 - phase(seed, f"beacon/{host}")) * timers.beacon_interval_s


def rejoin_s(prev: NetState, new: NetState, timers: Timers, refs: Iterable[InterfaceRef]) -> float:
    """The longest wait before the inter-switch links among ``refs`` that came back with the change carry
    traffic (scenario-v1 "Spanning tree": classic 2 x forward delay, rapid ``rstp_converge_s``); 0 if none."""
    inv = new.inventory
    out = 0.0
    for ref in refs:
        if ref.device not in inv.switches or prev.link_up(ref) or not new.link_up(ref):
            continue
        link = inv.link_at(ref)
        other = None if link is None else link.b if link.a == ref else link.a
        if other is None or other.device not in inv.switches:
            continue
        mode = new.snap.stp.mode(new.snap.stp.stp_bridge(new.snap.bridge_of(ref.device)))
        out = max(out, timers.stp_reconverge_s(mode, False))
    return out


def placed(inv: Inventory, hosts: Mapping[str, str], powered_on: Iterable[str] = ()) -> Inventory:
    """The design with VMs moved to other hosts (HA restarts, vMotion) and the VMs ``powered_on`` (off in the
    design, powered on since): a copy whose lookup index is rebuilt."""
    moved = {name: host for name, host in hosts.items() if name in inv.vms and inv.vms[name].host != host}
    woken = [name for name in powered_on if name in inv.vms and inv.vms[name].power != "on"]
    if not moved and not woken:
        return inv
    vms = dict(inv.vms)
    for name, host in moved.items():
        vms[name] = vms[name].model_copy(update={"host": host})
    for name in woken:
        vms[name] = vms[name].model_copy(update={"power": "on"})
    out = inv.model_copy(update={"vms": vms})
    private = dict(out.__pydantic_private__ or {})
    private["_index"] = None  # derived from the placement (ports per host): built again on use
    object.__setattr__(out, "__pydantic_private__", private)
    return out


@dataclass(frozen=True)
class Path:
    """What one probe's frames use, from its recorded walk."""

    ok: bool
    reason: str | None
    devices: frozenset[str]
    interfaces: frozenset[str]  # device:interface, physical or logical (Po, SVI)
    uplinks: frozenset[str]  # host:vmnic
    vips: frozenset[tuple[str, str]]  # (virtual address, router interface that answered)
    channels: bool = False  # whether a port-channel interface is on it


class NetState:
    """One steady state: a placement of VMs and a set of live failures."""

    def __init__(self, inv: Inventory, failures: Iterable[str]) -> None:
        self.inventory = inv
        self.failures = tuple(failures)
        self.snap = Snapshot(inv, self.failures)
        self._paths: dict[tuple[str, str], Path] = {}
        self._fabric: dict[frozenset[str], Fabric] = {}

    def team_keys(self, host: str) -> list[tuple[str, str]]:
        """The (host, port group) keys of ``host``'s teams, by name (worked out once per design)."""
        def build() -> dict[str, list[tuple[str, str]]]:
            out: dict[str, list[tuple[str, str]]] = {}
            for key in sorted(self.snap.teams):
                out.setdefault(key[0], []).append(key)
            return out

        return self.inventory.derived("simulation.team_keys", build).get(host, [])

    def endpoint(self, name: str) -> Endpoint:
        return self.snap.endpoints.resolve(name)

    def path(self, src: str, dst: str) -> Path:
        got = self._paths.get((src, dst))
        if got is None:
            got = self._paths[(src, dst)] = self._walk(src, dst)
        return got

    def _walk(self, src: str, dst: str) -> Path:
        inv = self.inventory
        verdict = Forwarding(self.snap, record=True).ping(self.endpoint(src), self.endpoint(dst))
        devices: set[str] = set()
        ifaces: set[str] = set()
        uplinks: set[str] = set()
        vips: set[tuple[str, str]] = set()
        for row in verdict.rows:
            dev = row["device"]
            if dev in inv.switches or dev in inv.hosts:
                devices.add(dev)
            for key in ("in", "out"):
                value = row.get(key)
                if not value:
                    continue
                value = value.split(" (")[0]
                if ":" in value:
                    ifaces.add(value)
                elif dev in inv.hosts and value in inv.hosts[dev].nics:
                    uplinks.add(f"{dev}:{value}")
                    ifaces.add(f"{dev}:{value}")
            m = _VIP_RE.search(row.get("decision") or "")
            if m:
                vips.add((m.group(2), m.group(1)))
        channels = any(po_number(i.partition(":")[2]) is not None for i in ifaces if i.partition(":")[0] in inv.switches)
        return Path(verdict.ok, verdict.reason, frozenset(devices), frozenset(ifaces), frozenset(uplinks), frozenset(vips),
                    channels)

    def intact(self, path: Path) -> bool:
        """Whether every element ``path`` used is still up here."""
        snap, inv = self.snap, self.inventory
        if any(d in snap.failed.devices for d in path.devices):
            return False
        for text in path.interfaces:
            ref = InterfaceRef.parse(text)
            if ref.device in inv.switches and po_number(ref.interface) is not None:
                ch = snap.channel_of(ref)
                if ch is None or not ch.bundled:
                    return False
            elif inv.link_at(ref) is not None and not snap.link_up(ref):
                return False
        return True

    @cached_property
    def fabric(self) -> Fabric:
        return Fabric.of(self.snap)

    def fabric_of(self, switches: Iterable[str]) -> Fabric:
        """The fabric on the logical switches of ``switches`` (a change's islands), memoized."""
        key = frozenset(self.snap.bridge_of(s) for s in switches)
        got = self._fabric.get(key)
        if got is None:
            got = self._fabric[key] = Fabric.of(self.snap, key)
        return got

    @cached_property
    def cabled(self) -> list[InterfaceRef]:
        """Every cabled interface, in cabling order (both ends)."""
        out: list[InterfaceRef] = []
        for link in self.inventory.links:
            out += [link.a, link.b]
        return out

    def link_up(self, ref: InterfaceRef) -> bool:
        return self.snap.link_up(ref)


@dataclass(frozen=True)
class Mechanism:
    seconds: float
    what: str


def _switch_of(state: NetState, host: str, nic: str) -> str | None:
    port = state.snap.switch_port_of(host, nic)
    return port.device if port is not None else None


def recovery(prev: NetState, new: NetState, ref_path: Path, path: Path, moved_sends: Mapping[str, bool],
             timers: Timers, seed: int, t0: float) -> Mechanism:
    """How long after the change at ``t0`` a probe whose reference path ``ref_path`` broke (or that was down)
    answers again over ``path`` in the new state: the slowest mechanism on the new path (module doc).
    ``moved_sends``: per host of a probe end, whether that end sends by itself (the probe's source)."""
    inv = new.inventory
    found: list[Mechanism] = [Mechanism(0.0, "no mechanism: the path is unchanged")]
    old_by_host: dict[str, set[str]] = {}
    for u in ref_path.uplinks:
        h, _, n = u.partition(":")
        old_by_host.setdefault(h, set()).add(n)
    for u in sorted(path.uplinks - ref_path.uplinks):
        host, _, nic = u.partition(":")
        ref = InterfaceRef(host, nic)
        lag = _lag_of(new, host, nic)
        if lag is not None and not prev.link_up(ref):
            # a LAG member back: flows rehash onto it once LACP bundles it, and stay on working members until
            # then (the channel is one logical port to the switch: no MAC moves, T6)
            found.append(Mechanism(0.0, f"{u} rejoins {lag}: flows rehash onto it without loss (T6)"))
            continue
        if not prev.link_up(ref):
            # the uplink itself came back: failback (T11); after link-state tracking released its port (T15)
            port = prev.snap.switch_port_of(host, nic)
            s, how = timers.failback_delay_s, f"{u} returns: failback after {timers.failback_delay_s:g} s (T11)"
            if port is not None and port in prev.snap.tracked_down:
                s += timers.lst_delay_s
                how = f"{u} returns when link-state tracking releases {port} (T15), then failback (T11)"
            team = _team_of(new, host, nic)
            if team is not None and team.detection == "beacon":
                s += next_beacon_s(timers, seed, host)  # declared up at the first beacon it hears (T14)
                how += "; beacon probing declares it up at the first beacon it hears (T14)"
            found.append(Mechanism(s, how))
            continue
        if "beacon" in _failed_reason(prev, host, nic):
            # scenario-v1 "Beacon probing": after the repair the member is declared up at the first beacon it
            # receives (once a restored link on its path forwards), then failback applies (T14, T11)
            wait = rejoin_s(prev, new, timers, (InterfaceRef.parse(x) for x in sorted(path.interfaces)))
            s = wait + next_beacon_s(timers, seed, host) + timers.failback_delay_s
            found.append(Mechanism(s, f"{u} is heard again at the first beacon after the repair"
                                      f"{f' (its path forwards after {wait:g} s)' if wait else ''} (T14), then "
                                      f"failback after {timers.failback_delay_s:g} s (T11)"))
            continue
        for old in sorted(old_by_host.get(host, ())):
            oref = InterfaceRef(host, old)
            if lag is not None and not new.link_up(oref) and _lag_of(prev, host, old) == lag:
                # scenario-v1 "LACP member loss": immediate on link down; the LAG rehashes over its other members
                # and the switch's channel (one logical port, T6) its own: no failover, no MAC to move
                found.append(Mechanism(0.0, f"{host}:{old} leaves {lag} on link down: immediate (LACP, M*)"))
                continue
            if new.link_up(oref):
                if "beacon" not in _failed_reason(new, host, old):
                    continue  # the port moved with its team's new slots (T10): no detector to wait for
                # link still up but the team left it: beacon probing found the broken path (T14)
                s = next_beacon_s(timers, seed, host) + timers.beacon_misses * timers.beacon_interval_s + timers.link_failover_s
                how = (f"beacon probing misses {timers.beacon_misses} beacons on {host}:{old}, then failover to "
                       f"{u} (T14)")
            else:
                why = new.snap.down_reason(oref) or ""
                if "link-state tracking" in why:
                    s = timers.lst_delay_s + timers.link_failover_s
                    how = f"link-state tracking takes {host}:{old} down, then failover to {u} (T15, T13)"
                else:
                    s = timers.link_failover_s
                    how = f"link-status failover from {host}:{old} to {u} (T13)"
            team = _team_of(new, host, nic)
            if team is not None and not team.notify_switches and not moved_sends.get(host, False):
                sw = _switch_of(new, host, old)
                aging = inv.switches[sw].mac_aging if sw in inv.switches else 0
                s += aging
                how += f"; no RARP (notify switches off): inbound follows the stale MAC entry on {sw} until aging, {aging} s (T12)"
            elif team is not None and team.notify_switches:
                how += ", RARP updates the switches (T12)"
            found.append(Mechanism(s, how))
    # spanning tree: a port on the new path that was blocked, or whose link was down, before the change
    switches = [d for d in path.devices if d in inv.switches]
    blocked_before = {end for insts, _, ends in prev.fabric_of(switches).blocked.values() if insts for end in ends}
    for text in sorted(path.interfaces - ref_path.interfaces):
        ref = InterfaceRef.parse(text)
        if ref.device not in inv.switches:
            continue
        link = inv.link_at(ref)
        if link is None:
            continue
        other = link.b if link.a == ref else link.a
        if other.device not in inv.switches:
            continue
        bridge = new.snap.bridge_of(ref.device)
        mode = new.snap.stp.mode(new.snap.stp.stp_bridge(bridge))
        if not prev.link_up(ref):
            s = timers.stp_reconverge_s(mode, False)
            if s:
                found.append(Mechanism(s, f"the restored link {ref}--{other} joins the active topology ({mode}): {s:g} s"))
        elif text in blocked_before or str(other) in blocked_before:
            lost_link = {prev.snap.bridge_of(r.device) for r in prev.cabled
                         if r.device in inv.switches and prev.link_up(r) and not new.link_up(r)}
            indirect = bridge not in lost_link and new.snap.bridge_of(other.device) not in lost_link
            s = timers.stp_reconverge_s(mode, indirect)
            if s:
                found.append(Mechanism(s, f"spanning tree ({mode}) unblocks {ref}--{other} after "
                                          f"{'an indirect' if indirect else 'a direct'} failure: {s:g} s"))
    # FHRP: the virtual address answered by another router
    before = dict(ref_path.vips)
    for vip, router_if in sorted(path.vips):
        was = before.get(vip)
        if was is None or was == router_if:
            continue
        was_router = was.split(":")[0]
        if was_router not in new.snap.failed.devices and prev.snap.switch_alive(was_router):
            continue  # a preempting router returning takes over at once (no preempt delay in v1)
        if _forwarded_before(prev, vip, router_if):
            continue  # it already routed for the address (an MLAG pair, anycast): nothing to take over
        protocol, priority, group = fhrp_of(inv, vip, router_if)
        if protocol == "hsrp":
            last = phase(seed, f"fhrp/{vip}") * timers.hsrp_hello_s
            s = timers.hsrp_hold_s - last
        else:
            s = timers.fhrp_takeover_s(protocol, priority)
        found.append(Mechanism(s, f"{protocol.upper()} group {group} ({vip}) moves to {router_if}: {s:g} s"))
    return max(found, key=lambda m: (m.seconds, m.what))


def _failed_reason(state: NetState, host: str, nic: str) -> str:
    """Why a team of ``host`` counts ``nic`` failed (T13, T14), or ""."""
    for key in state.team_keys(host):
        why = state.snap.team_states[key].detection.failed.get(nic)
        if why:
            return why
    return ""


def _lag_of(state: NetState, host: str, nic: str) -> str | None:
    """``host:lag`` of a vDS LAG (T6) on ``host`` that has ``nic`` among its members, or None."""
    for key in state.team_keys(host):
        team = state.snap.team_states[key].team
        if team.policy == "lag" and team.lag is not None and nic in team.active + team.standby:
            return f"{team.switch}:{team.lag}"
    return None


def _forwarded_before(prev: NetState, vip: str, router_if: str) -> bool:
    """Whether the router of ``router_if`` (a switch, or the stack it is a member of) already routed for ``vip``
    before the change: both peers of an MLAG pair (topology-v1 "MLAG pairs") and every anycast holder do."""
    owners = {o.router for o in prev.snap.l3.owners_of(IPv4Address(vip))}
    sw = router_if.split(":")[0]
    if sw in prev.inventory.switches:
        return bool({sw, prev.inventory.logical_switch(sw)} & owners)
    return sw in owners


def _team_of(state: NetState, host: str, nic: str):
    """A team on ``host`` that uses ``nic`` (for notify switches): the first port group's, by name."""
    for key in state.team_keys(host):
        ts = state.snap.team_states[key]
        if nic in ts.active:
            return ts.team
    return None


def fhrp_of(inv: Inventory, vip: str, router_if: str) -> tuple[str, int, int]:
    """(protocol, priority, group) of the FHRP group of ``vip`` on ``router_if`` (``switch:VlanN``)."""
    dev, _, name = router_if.partition(":")
    sw = inv.switches.get(dev)
    if sw is not None:
        for iname, iface in sw.interfaces.items():
            f = iface.fhrp
            if f is not None and str(f.vip) == vip and (iname == name or not name):
                return f.protocol, f.priority, f.group
    return "hsrp", 100, 0


def fhrp_interface(inv: Inventory, router: str, vip: str) -> str:
    """``switch:VlanN`` of the interface of ``router`` (a switch or a stack) holding ``vip``."""
    members = inv.stack_members(router) or [router]
    for sname in members:
        sw = inv.switches.get(sname)
        if sw is None:
            continue
        for iname, iface in sw.interfaces.items():
            if iface.fhrp is not None and str(iface.fhrp.vip) == vip:
                return f"{sname}:{iname}"
    return router


__all__ = ["Mechanism", "NetState", "Path", "fhrp_interface", "fhrp_of", "next_beacon_s", "phase", "placed", "recovery",
           "rejoin_s"]
