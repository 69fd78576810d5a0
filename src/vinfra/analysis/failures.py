"""``failures``: fail every element of a design in turn and say what each failure cuts, and for how long.

For each *scenario* (one element failed, or two with ``depth=2``) the network engine works out the steady
state after detection and failover (a :class:`~vinfra.network.Snapshot` with ``fail=[...]``), and it is
compared with the intact design's:

- **lost**: endpoint pairs ``[src, dst]`` whose ping succeeded intact and fails now.  Endpoints *on* a
  failed device (the VMs of a failed host, the SVIs of a failed switch) are *down*, not lost: they are
  counted in the explanation (bringing VMs back is HA's business).
- **impact**: ``outage`` when a pair is lost; ``degraded`` when nothing is lost but the failure took away
  redundancy that something in use had: a team of a port group in use that had two or more usable
  uplinks has one left (T10), or a switch that had two or more inter-switch links has one left.  A further
  failure of that last uplink or link would cut what depends on it.  (FHRP groups reduced to one router
  are not counted: their routers' links are.)  ``none`` otherwise.
- **blackholed**: endpoints that lost pairs while their team still sends (nothing told the host: link
  status cannot see a lost upstream, T13, M16; beacon probing in shotgun mode, T14, M12), each with why;
  endpoints whose team has no usable uplink left are *cut off*, said in the explanation.
- **recovery_s**: how long the transition takes, from :mod:`vinfra.timing`: teaming failover on link
  down (T13), after link-state tracking (T15) or beacon loss (T14), plus MAC aging for moved ports whose
  team does not notify switches (T12); spanning tree reconvergence where a blocked link must take over
  (classic: 30 s direct, 50 s indirect; rapid: 1 s); FHRP takeover where an active router failed and no
  router that already routed for the address remains (MLAG peers, anycast: none); a vDS LAG member lost on
  link down leaves the bundle at once (scenario-v1 "LACP member loss").  The slowest mechanism is the
  estimate.  ``None`` when pairs stay lost: nothing heals before the repair.

How a sweep shares work.  The intact design is analysed once per worker (:class:`Baseline`).  A failure
whose effects stay at hosts (a host, a host pNIC or its cable, when no switch port it takes down changes
link-state tracking or an SVI) leaves the fabric as it was, so only the endpoints of the touched hosts can
change: each is compared by its reach *signature* (:meth:`vinfra.analysis.reach.Reach.signature`: two
endpoints with one signature answer alike toward every endpoint of another host).  A Reach numbers its
distinct views (where frames enter and are taken) in the order it meets them, so a signature is only
meaningful inside its own snapshot: across snapshots they are compared in *portable* form
(:class:`Portable`: the view number replaced by the view itself).  An unchanged signature
changes nothing; a changed one is looked up among the intact design's signature classes, or walked.  Such a
failure also keeps the intact spanning tree and active topology (:func:`_share_fabric`).  A failure that
changes routes only (routed links, every virtual IP's routers as they were: :func:`_l2_unchanged`) keeps
every signature and the hosts' side too; only the class matrix is worked out again.  Any other failure is
answered by the whole reach analysis of its snapshot, compared class by class: both matrices renumbered as
groups of endpoints (intact class, failed class), whole rows at a time (:class:`_Translate`).  In the failed
snapshot's matrix, class pairs that only layer 2 around unchanged hosts decides (one subnet; a host and an
SVI, routed port or virtual IP in its subnet with the same connected route back) take the intact answer
instead of a walk (:func:`_unchanged_answers`).  The rest of that matrix starts from the intact design's
answers where the failure cannot change them (:func:`_lost_global`): the L3 interfaces it may change are found
(:func:`_changed_l3`: those on its islands, and those near its cables that differ), and the failed snapshot's
layer 3 takes every interface, neighbour list, FHRP group and route that none of them decides
(:meth:`~vinfra.network.l3.L3.inherit`, routes checked against distances worked out again); ports outside the
islands keep their intact signatures (:meth:`Reach.adopt`); and the class matrix takes the intact pieces
(legs, last legs, first hops, each router's steps, chains) that name no changed interface nor a class on the
islands (:class:`~vinfra.analysis.reach.Bulk`), a failure that changes routes only also the intact walk's
memos (:meth:`~vinfra.network.forwarding.Forwarding.inherit`).  Only the matrix is combined again.  Ports that are classes of
their own (their answer depends on the flow) are walked pair by pair, and a failure touching a host that
holds a gateway or a duplicate address is answered by the whole analysis (its effects reach ports whose
signatures do not show them).  ``tests/analysis/test_failures_exact.py`` checks every shortcut against a
walk of every pair in fresh snapshots.
"""

from __future__ import annotations

import gc
import multiprocessing
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from functools import cached_property
from ipaddress import IPv4Address
from typing import Any

from ..model import InterfaceRef, Inventory, po_number
from ..network import Snapshot
from ..network.endpoints import Endpoint
from ..network.forwarding import Forwarding
from ..network.settings import DEFAULT_SETTINGS, Settings
from ..network.stp import Component
from ..timing import DEFAULT_TIMERS, Timers
from .reach import Reach, set_bits

KINDS = ("switches", "links", "nics", "hosts")
#: at most this many lost pairs are listed per scenario (a core failure in a 40,000-VM design loses billions);
#: the explanation gives the full count
MAX_LOST_LISTED = 10_000


class SweepError(ValueError):
    """A sweep that cannot be run as asked (bad kinds or depth)."""


# what to fail ---------------------------------------------------------------------------------------------------
def elements(inv: Inventory, only: Iterable[str] | None = None) -> list[str]:
    """The failure targets of the chosen kinds, in kind order then name order: every switch, every
    inter-switch cable (``a:x--b:y``), every cabled host pNIC (``esx01:vmnic0``), every host."""
    kinds = list(only) if only else list(KINDS)
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise SweepError(f"--only {bad[0]}: expected one of {', '.join(KINDS)}")
    out: list[str] = []
    for kind in KINDS:
        if kind not in kinds:
            continue
        if kind == "switches":
            out += sorted(inv.switches)
        elif kind == "links":
            isl = {"--".join(map(str, sorted((link.a, link.b)))) for link in inv.links
                   if link.a.device in inv.switches and link.b.device in inv.switches}
            out += sorted(isl)
        elif kind == "nics":
            out += sorted(f"{h}:{n}" for h, host in inv.hosts.items() for n in host.nics
                          if inv.link_at(InterfaceRef(h, n)) is not None)
        else:
            out += sorted(inv.hosts)
    return out


def scenarios(items: Sequence[str], depth: int, singles: dict[str, dict[str, Any]] | None = None) -> list[tuple[str, ...]]:
    """Depth 1: each element alone.  Depth 2: each pair of elements neither of which is an outage alone
    (``singles``: the depth-1 results by element); a pair with an outage is already an outage."""
    if depth == 1:
        return [(x,) for x in items]
    if depth != 2:
        raise SweepError(f"--depth {depth}: expected 1 or 2")
    ok = [x for x in items if singles is None or singles[x]["impact"] != "outage"]
    return [(a, b) for i, a in enumerate(ok) for b in ok[i + 1:]]


# signatures across snapshots -------------------------------------------------------------------------------------

class Portable:
    """Signatures of one snapshot's :class:`Reach` in a form comparable with another snapshot's
    (:meth:`Reach.portable`), memoized per endpoint.  Their components are those of this snapshot's active
    topology (renamed to the intact design's where a switch failed: :class:`Renamer`)."""

    def __init__(self, reach: Reach) -> None:
        self.reach = reach
        self._sigs: dict[str, tuple] = {}

    def __call__(self, e: Endpoint) -> tuple:
        got = self._sigs.get(e.name)
        if got is None:
            got = self._sigs[e.name] = self.reach.portable(self.reach.signature(e))
        return got


# the intact design ----------------------------------------------------------------------------------------------
@dataclass
class Baseline:
    """The intact design's answers, worked out once (per worker) and only read by scenarios."""

    inventory: Inventory
    timers: Timers = DEFAULT_TIMERS
    #: the engine's modelling choices (every scenario's snapshot is forked from the intact one: the same)
    settings: Settings = DEFAULT_SETTINGS
    snap: Snapshot = field(init=False)
    reach: Reach = field(init=False)

    def __post_init__(self) -> None:
        self.snap = Snapshot(self.inventory, settings=self.settings)
        self.reach = Reach(self.snap)
        self.endpoints: list[Endpoint] = self.snap.endpoints.listed()
        self.sig = {e.name: self.reach.signature(e) for e in self.endpoints}
        portable = Portable(self.reach)
        self.psig = {e.name: portable(e) for e in self.endpoints}  # comparable with a failed snapshot's
        self.engine_sig = {self.psig[n]: s for n, s in self.sig.items()}
        self.sig_members: dict[tuple, list[Endpoint]] = {}
        for e in self.endpoints:
            self.sig_members.setdefault(self.sig[e.name], []).append(e)
        # the class-to-class matrix, every pair at once (bit y of row[x]: class x reaches class y on another host)
        self.bulk = self.reach.bulk(list(self.sig_members))
        self.by_device: dict[str, list[Endpoint]] = {}
        for e in self.endpoints:
            self.by_device.setdefault(e.device, []).append(e)
        self.link_up = {(link.a, link.b): self.snap.link_up(link.a) for link in self.inventory.links}
        self.tracked = frozenset(self.snap.tracked_down)
        self.teams_of: dict[str, list[tuple[str, str]]] = {}  # host -> keys of its port groups in use
        for key in sorted({e.team_key for e in self.endpoints if e.on_host}):
            self.teams_of.setdefault(key[0], []).append(key)
        self.order = {e.name: k for k, e in enumerate(self.endpoints)}
        self.index = {e.name: self.bulk.index[self.sig[e.name]] for e in self.endpoints}
        self.island, self.island_hosts = _islands(self.snap)
        # hosts with a port whose address is another port's gateway or is held twice: what happens to them
        # reaches ports of other hosts, whose signatures do not show it (topology-v1 "Duplicate addresses")
        gateways = {int(e.gateway) for e in self.endpoints if e.gateway is not None}
        held: dict[int, int] = {}
        for e in self.snap.endpoints.all:
            if e.ip is not None:
                held[int(e.ip.ip)] = held.get(int(e.ip.ip), 0) + 1
        self.special_hosts = frozenset(e.device for e in self.snap.endpoints.all if e.on_host and e.ip is not None
                                       and (int(e.ip.ip) in gateways or held[int(e.ip.ip)] > 1))
        # the members of each class by its number in the matrix, the ports of a class of their own, and the
        # matrix's columns as asked (bit x of column y: class x reaches class y)
        self.members_at: list[list[Endpoint]] = [self.sig_members[s] for s in self.bulk.sigs]
        self.own_names = frozenset(n for n, p in self.psig.items() if p[0] == "own")
        self._cols: dict[int, int] = {}
        self.vip_members: dict[int, list[tuple[str, str]]] = {}  # FHRP address -> its interfaces (switch, name)
        for sname in sorted(self.inventory.switches):
            for iname, iface in self.inventory.switches[sname].interfaces.items():
                if iface.fhrp is not None:
                    self.vip_members.setdefault(int(iface.fhrp.vip), []).append((sname, iname))
        _ = self.fabric  # worked out now: scenarios only read
        _ = self.l3_near
        for r in sorted(self.snap.l3.routing):  # every router's distances: each failed L3 compares its own (L3.inherit)
            self.snap.l3._distances(r)

    def sig_reach(self, s: tuple, t: tuple) -> bool | None:
        """Whether the class of portable signature ``s`` reaches that of ``t`` (on another host) in the intact
        design; None for a class the intact design does not have."""
        es, et = self.engine_sig.get(s), self.engine_sig.get(t)
        ks, kt = self.bulk.index.get(es), self.bulk.index.get(et)  # type: ignore[arg-type]
        if ks is None or kt is None or (ks == kt and not self.diagonal_known(ks)):
            return None
        return bool(self.bulk.row[ks] >> kt & 1)

    def diagonal_known(self, k: int) -> bool:
        """Whether the matrix's bit k of row k says something: a class of one member was never asked about
        itself (:meth:`Reach.class_reaches` gives None, stored as 0), so a port a failure moves into it must be
        walked toward that member."""
        return len(self.members_at[k]) > 1

    def col(self, y: int) -> int:
        """Column ``y`` of the class matrix: the classes that reach class ``y`` (memoized: scenarios share it)."""
        got = self._cols.get(y)
        if got is None:
            got = 0
            for x, r in enumerate(self.bulk.row):
                if r >> y & 1:
                    got |= 1 << x
            self._cols[y] = got
        return got

    @cached_property
    def fabric(self) -> Fabric:
        return Fabric.of(self.snap)

    @cached_property
    def l3_near(self) -> dict[str, list[tuple[str, str]]]:
        """Logical switch -> the L3 interfaces (switch, name) whose state may follow it: its own, and those cabled
        to one of its ports (a routed port takes its segment from the port it faces; a routed port-channel,
        from whatever its switch is cabled to)."""
        inv, snap = self.inventory, self.snap
        out: dict[str, set[tuple[str, str]]] = {}
        for key in snap.l3.decls.ports:
            sname, iname = key
            near = {sname}
            links = [inv.link_at(InterfaceRef(sname, iname))]
            if links[0] is None and po_number(iname) is not None:
                links = [inv.link_at(InterfaceRef(sname, n)) for n in inv.switches[sname].interfaces]
            for link in links:
                if link is not None:
                    near |= {r.device for r in (link.a, link.b) if r.device in inv.switches}
            for d in near:
                out.setdefault(snap.bridge_of(d), set()).add(key)
        return {b: sorted(keys) for b, keys in out.items()}


def _islands(snap: Snapshot) -> tuple[dict[str, str], dict[str, frozenset[str]]]:
    """Layer-2 islands of the intact design: logical switches joined by forwarding links (any VLAN), each
    named by its first bridge (an MLAG pair or a stack is one); and the hosts with an uplink on each.  A failure inside one island changes
    spanning tree, beacons and teams only for the hosts on it."""
    parent: dict[str, str] = {}

    def find(x: str) -> str:
        while parent.get(x, x) != x:
            x = parent[x]
        return x

    for link in snap.logical_links:
        if not link.vlan_pairs():
            continue  # a routed link joins no layer-2 segments
        ends = [*link.a.bridges, *link.b.bridges]
        for other in ends[1:]:
            ra, rb = find(ends[0]), find(other)
            if ra != rb:
                parent[max(ra, rb)] = min(ra, rb)
    inv = snap.inventory
    island = {snap.bridge_of(s): "" for s in inv.switches}
    for b in island:
        island[b] = find(b)
    hosts: dict[str, set[str]] = {}
    for link in inv.links:
        for here, there in ((link.a, link.b), (link.b, link.a)):
            if here.device in inv.hosts and there.device in inv.switches:
                hosts.setdefault(island[snap.bridge_of(there.device)], set()).add(here.device)
    return island, {k: frozenset(v) for k, v in hosts.items()}


@dataclass(frozen=True)
class Fabric:
    """What failures change between switches: links per bridge, blocked spanning-tree instances per link,
    active FHRP routers per virtual IP."""

    links: dict[str, int]
    blocked: dict[tuple[str, str], tuple[frozenset, tuple[str, str], tuple[str, ...]]]
    fhrp: dict[str, frozenset[str]]

    @classmethod
    def of(cls, snap: Snapshot, bridges: Iterable[str] | None = None) -> Fabric:
        """The fabric's state on ``bridges`` (every live logical switch by default)."""
        inv = snap.inventory
        if bridges is None:
            bridges = {snap.bridge_of(s) for s in inv.switches}
        live = sorted(b for b in bridges if snap.bridge_alive(b))
        links = {b: len(snap.links_of(b)) for b in live}
        blocked = {}
        seen: set[tuple[str, str]] = set()
        for b in live:
            for link in snap.links_of(b):
                st = snap.stp.state(link)
                if st.key in seen:
                    continue
                seen.add(st.key)
                insts = frozenset(v for v in sorted({va for va, vb in st.pairs if va == vb})
                                  if not st.err_disabled and not snap.stp.forwards(link, v, v)[0])
                ends = tuple(st.blocked_end.get(v, st.blocked_end.get(None, st.port_id[1])) for v in sorted(insts))
                blocked[st.key] = (insts, st.ends, ends)
        fhrp: dict[str, frozenset[str]] = {}
        in_scope = set(live)
        for sname in sorted(inv.switches):
            if snap.bridge_of(sname) not in in_scope:
                continue
            for iface in inv.switches[sname].interfaces.values():
                if iface.fhrp is not None:
                    vip = iface.fhrp.vip
                    fhrp[str(vip)] = frozenset(i.router for i in snap.l3.owners_of(vip))
        return cls(links, blocked, fhrp)



class Renamer:
    """Names the failed snapshot's layer-2 components as the intact design does.

    A component is named by its least node, so a failed switch renames the components it was the least of,
    and every signature on them looks changed though nothing moved.  Each component is renamed to the
    intact component holding its name node; two failed components renamed alike are a split: then
    :attr:`split` is set and renamed signatures must not be trusted."""

    def __init__(self, base: Snapshot) -> None:
        self.base = base
        self.seen: dict[object, object] = {}  # intact key -> failed key
        self.split = False

    def __call__(self, obj: Any) -> Any:
        if isinstance(obj, tuple):
            return tuple(self(x) for x in obj)
        if isinstance(obj, Component):
            renamed = self.base.active.component(obj.key)  # type: ignore[arg-type]
            if self.seen.setdefault(renamed.key, obj.key) != obj.key:
                self.split = True
            return renamed
        return obj


def _l3_same(base: Baseline, snap: Snapshot, bridges: frozenset[str], ff: Fabric, rename: Renamer) -> bool:
    """Whether layer 3 is as in the intact design around ``bridges``: no failed router, every L3 interface of
    their switches as up and on the same segment, the same active FHRP routers, and no anycast gateway held by
    two routers or more there.  Routes then stay as they were.  (A port behind an anycast gateway is routed by the
    holder nearest where its frames enter layer 2, topology-v1 "Names and forms met in vendor configs": a change
    of layer 2 around its holders may make another one the nearest, whatever the elections; a failed MLAG peer
    link did, handing a0's ports to a router without their routes.)"""
    inv = base.inventory
    for d in snap.failed.devices:
        if d in inv.switches and any(i.address is not None for i in inv.switches[d].interfaces.values()):
            return False
    bl3, fl3 = base.snap.l3, snap.l3
    for sname in sorted(inv.switches):
        if snap.bridge_of(sname) not in bridges:
            continue
        for name, iface in inv.switches[sname].interfaces.items():
            if iface.address is None:  # (an anycast-only SVI has no ip but a connected subnet: it counts)
                continue
            bi, fi = bl3.iface(sname, name), fl3.iface(sname, name)
            if bi.up != fi.up or bl3.segment(bi) != rename(fl3.segment(fi)):
                return False
    for vip, routers in ff.fhrp.items():
        if base.fabric.fhrp.get(vip) != routers or (len(routers) > 1 and fl3.is_anycast(IPv4Address(vip))):
            return False
    return True


# one scenario ---------------------------------------------------------------------------------------------------
# one scenario ---------------------------------------------------------------------------------------------------
def run_scenario(base: Baseline, fail: Sequence[str]) -> dict[str, Any]:
    """One scenario's row: ``{fail, impact, lost, blackholed, recovery_s, explanation}``."""
    snap = base.snap.fork(fail)  # it shares the intact design's endpoints (Snapshot.fork)
    failed_devices = snap.failed.devices
    down = sorted((e.name for d in failed_devices for e in base.by_device.get(d, ()) if e.kind != "vip"),
                  key=base.order.__getitem__)
    down_set = set(down)
    newly_down = _newly_down(base, snap)
    local = _touched_hosts(base, snap, newly_down)
    # a touched host holding a gateway or a duplicate address changes ports elsewhere: the whole analysis
    whole = local is not None and bool(local & base.special_hosts)
    if whole:
        local = None
    # a failure that changes routes only (a routed link) keeps layer 2, the teams and every signature
    same_l2 = local is None and not whole and _l2_unchanged(base, snap, newly_down)
    if local is not None or same_l2:
        _share_fabric(base, snap, hosts_too=same_l2)
    fr = Reach(snap, same_signatures=base.reach) if same_l2 else Reach(snap)
    ff: Fabric | None = None
    if local is not None:
        lost, changed = _lost_local(base, snap, fr, local, down_set)
        region = local
    else:
        region, bridges = _region(base, snap, newly_down)
        ff = Fabric.of(snap, bridges)
        got = None
        if whole or (not same_l2 and region & base.special_hosts):
            region = frozenset(base.inventory.hosts)
        elif not same_l2:  # (a routed interface went down: layer 3 is not as it was)
            rename = Renamer(base.snap)
            got = (_lost_local(base, snap, fr, region, down_set, rename=rename)
                   if _l3_same(base, snap, bridges, ff, rename) else None)
        if got is None:
            got = _lost_global(base, snap, fr, down_set, *((frozenset(), frozenset()) if same_l2 else (region, bridges)),
                               newly_down, same_l2)
        lost, changed = got
    lost.sort(key=lambda p: (base.order[p[0]], base.order[p[1]]))
    fw = Forwarding(snap)
    notes: list[str] = []
    blackholed = _blackholed(base, snap, fr, fw, lost, changed, notes)
    teams = _team_changes(base, snap, region)
    mech = _mechanisms(base, snap, teams, ff)
    degraded = [] if lost else _lost_redundancy(base, snap, region, ff)
    impact = "outage" if lost else ("degraded" if degraded else "none")
    recovery = None if lost else round(max((s for s, _ in mech), default=0.0), 3)
    text: list[str] = []
    if down:
        text.append(f"{len(down)} endpoint{'s' if len(down) != 1 else ''} down with {', '.join(sorted(failed_devices))}")
    text += [m for _, m in mech]
    if blackholed:
        text.append(f"black-holed: {_few([b['endpoint'] for b in blackholed])}")
    text += notes
    if lost:
        n = len(lost)
        text.append(f"{n} pair{'s' if n != 1 else ''} lost" + (f" (the first {MAX_LOST_LISTED} listed)" if n > MAX_LOST_LISTED else "")
                    + "; no recovery before the repair")
    text += degraded
    if not text:
        text.append("nothing changes")
    return {"fail": list(fail), "impact": impact, "lost": [list(p) for p in lost[:MAX_LOST_LISTED]],
            "blackholed": blackholed, "recovery_s": recovery, "explanation": "; ".join(text)}


def _share_fabric(base: Baseline, snap: Snapshot, hosts_too: bool = False) -> None:
    """Give a failure's snapshot the intact design's spanning tree and active topology (and with
    ``hosts_too`` its teams after failover, uplink ports and endpoints).

    For a host-side failure :func:`_touched_hosts` has established that no switch failed, every cable the
    failure took down has a host end, link-state tracking and the SVIs are as they were: the links between
    switches are the intact design's (hosts take no part in spanning tree, F7), so both are the intact
    design's, already worked out.  For a failure that changes routes only (:func:`_l2_unchanged`) the hosts'
    side is as it was too.  Rebuilding them per scenario was most of a pNIC failure's cost.  They stay only
    read, apart from their memos of answers about the intact design."""
    shared = ["stp", "active"] + (["team_states", "uplinks", "endpoints"] if hosts_too else [])
    for name in shared:
        # the cached_property's slot: what it would compute (one it already computed is kept: what was built
        # from it stays consistent)
        snap.__dict__.setdefault(name, getattr(base.snap, name))


def _l2_unchanged(base: Baseline, snap: Snapshot, newly_down: list[tuple[InterfaceRef, InterfaceRef]]) -> bool:
    """Whether the failure leaves layer 2 as it was: no switch or host failed, nothing but cabled ports and
    cables failed, link-state tracking as it was, and every cable it took down joins two switches and carries
    no VLAN (a routed link: topology-v1 "Layer 3"), and every virtual IP has the active routers it had.
    Spanning tree, teams, beacons and every port's views are then the intact design's, and so is every
    signature; only routes change."""
    inv = base.inventory
    if snap.failed.devices or frozenset(snap.tracked_down) != base.tracked:
        return False
    if any(inv.link_at(ref) is None for ref in snap.failed.interfaces):
        return False
    for a, b in newly_down:
        if a.device not in inv.switches or b.device not in inv.switches:
            return False
        link = inv.link_at(a)
        ll = base.snap._logical_link(link) if link is not None else None  # type: ignore[arg-type]
        if ll is not None and (ll.vlan_pairs() or type(ll)(ll.b, ll.a).vlan_pairs()):
            return False
    # layer 2 is the intact design's (no switch, no VLAN-carrying cable, the same tracking): its spanning tree
    # and active topology are shared now, so the segments the FHRP check below meets are not worked out again
    _share_fabric(base, snap)
    # the active FHRP routers decide who answers for a virtual IP (an endpoint): checked, not assumed
    bl3, fl3 = base.snap.l3, snap.l3
    for vip in sorted(bl3.decls.by_vip):
        ip = IPv4Address(vip)
        if [o.ref for o in bl3.owners_of(ip)] != [o.ref for o in fl3.owners_of(ip)]:
            return False
    return True


def _newly_down(base: Baseline, snap: Snapshot) -> list[tuple[InterfaceRef, InterfaceRef]]:
    """Cables up in the intact design and down now: those of the failed elements, and those link-state
    tracking took down (looked at alone: a sweep of a large design must not scan every cable per scenario)."""
    inv = base.inventory
    refs: set[InterfaceRef] = set(snap.tracked_down) ^ base.tracked
    for d in snap.failed.devices:
        dev = inv.switches.get(d) or inv.hosts.get(d)
        names = dev.interfaces if d in inv.switches else dev.nics  # type: ignore[union-attr]
        refs.update(InterfaceRef(d, n) for n in names)
    refs.update(snap.failed.interfaces)
    for a, _ in snap.failed.links:
        refs.add(a)
    out = set()
    for ref in refs:
        link = inv.link_at(ref)
        if link is not None and base.link_up.get((link.a, link.b)) and not snap.link_up(link.a):
            out.add((link.a, link.b))
    return sorted(out)


def _region(base: Baseline, snap: Snapshot,
            newly_down: list[tuple[InterfaceRef, InterfaceRef]]) -> tuple[frozenset[str], frozenset[str]]:
    """The hosts a fabric failure may change: those on the layer-2 islands of the failed switches and of the
    switch ends of the cables it takes down (link-state tracking included); and those islands' bridges."""
    inv = base.inventory
    islands = {base.island[snap.bridge_of(d)] for d in snap.failed.devices if d in inv.switches}
    refs = [r for pair in newly_down for r in pair] + list(snap.failed.interfaces) + [r for pair in snap.failed.links for r in pair]
    islands |= {base.island[snap.bridge_of(r.device)] for r in refs if r.device in inv.switches}
    hosts = {d for d in snap.failed.devices if d in inv.hosts} | {r.device for r in refs if r.device in inv.hosts}
    for i in islands:
        hosts |= base.island_hosts.get(i, frozenset())
    return frozenset(hosts), frozenset(b for b, i in base.island.items() if i in islands)


def _touched_hosts(base: Baseline, snap: Snapshot, newly_down: list[tuple[InterfaceRef, InterfaceRef]]) -> frozenset[str] | None:
    """The hosts a failure touches when its effects stay at hosts; None when it reaches the fabric."""
    inv = base.inventory
    if any(d in inv.switches for d in snap.failed.devices):
        return None
    hosts = {d for d in snap.failed.devices if d in inv.hosts}
    switch_ports: list[InterfaceRef] = []
    for a, b in newly_down:
        h = a if a.device in inv.hosts else b if b.device in inv.hosts else None
        if h is None:
            return None
        hosts.add(h.device)
        other = b if h is a else a
        if other.device in inv.switches:
            switch_ports.append(other)
    if frozenset(snap.tracked_down) != base.tracked:
        return None
    # an SVI whose VLAN's last live port went down goes down with it (autostate): the fabric changed.  A stack's
    # SVIs are the stack's, declared on any member (topology-v1 "Stacks"): every member is looked at
    members = {m for p in switch_ports
               for m in (inv.stack_members(inv.logical_switch(p.device)) or [p.device])}
    for s in sorted(members):
        for name, iface in inv.switches[s].interfaces.items():
            if (iface.ip is not None and name.lower().startswith("vlan")
                    and base.snap.l3.iface(s, name).up != snap.l3.iface(s, name).up):
                return None
    return frozenset(hosts)


#: a fabric failure that changes the signature of more classes than this is answered by the whole analysis
MAX_CHANGED_CLASSES = 16
#: whether a failed snapshot that gets the whole analysis takes the intact design's answers where the failure
#: cannot change them (:func:`_lost_global`); tests turn it off to compare with the analysis from scratch
INHERIT_INTACT = True


def _lost_local(base: Baseline, snap: Snapshot, fr: Reach, hosts: frozenset[str], down: set[str],
                rename: Renamer | None = None) -> tuple[list[tuple[str, str]], set[str]] | None:
    """Lost pairs when only the endpoints of ``hosts`` may have changed, by signature against the intact
    design's classes.  Host-side failures: a changed endpoint whose new signature is a class of the intact
    design answers as that class did; others are walked.  Fabric failures that leave layer 3 as it was
    (``rename`` given): signatures are compared with components renamed as the intact design names them, and
    every changed endpoint is walked in the failed snapshot, a class at a time; None when a component split
    or too many classes changed to be worth it."""
    fabric = rename is not None
    eps = snap.endpoints
    touched = [e for h in sorted(hosts) for e in base.by_device.get(h, ()) if e.name not in down]
    changed: dict[str, tuple[Endpoint, Endpoint, tuple, tuple]] = {}
    portable = Portable(fr)
    for e in touched:
        ef = eps.get(e.name)
        assert ef is not None
        sb, sf = base.psig[e.name], portable(ef)
        if rename is not None:
            sf = rename(sf)
        if sb != sf or sb[0] == "own":
            changed[e.name] = (e, ef, sb, sf)
    if rename is not None and rename.split:
        return None
    lost: list[tuple[str, str]] = []
    if not changed:
        return lost, set()
    new_classes = {sf if sf[0] != "own" else ("own", n) for n, (_, _, _, sf) in changed.items()}
    if fabric and len(new_classes) > MAX_CHANGED_CLASSES:
        return None
    # unchanged endpoints keep their class: grouped by it (built when needed: it is every endpoint)
    groups: dict[tuple, list[Endpoint]] = {}
    if fabric or any(base.engine_sig.get(sf) is None for _, _, _, sf in changed.values()):
        for e in base.endpoints:
            if e.name not in changed and e.name not in down and base.psig[e.name][0] != "own":
                groups.setdefault(base.psig[e.name], []).append(e)
    memo: dict[tuple, bool] = {}

    def now(a: Endpoint, sa: tuple, x: Endpoint, sx: tuple) -> bool:
        """a -> x in the failed snapshot (different hosts), a class pair at a time."""
        key = (sa if sa[0] != "own" else a.name, sx if sx[0] != "own" else x.name)
        got = memo.get(key)
        if got is None:
            got = base.sig_reach(sa, sx) if not fabric and sa[0] != "own" and sx[0] != "own" else None
            if got is None:
                got = fr.pair(eps.get(a.name), eps.get(x.name))  # type: ignore[arg-type]
            memo[key] = got
        return got

    def other_host(members: list[Endpoint], device: str) -> Endpoint | None:
        return next((m for m in members if not (m.on_host and m.device == device)), None)

    # a class of its own answers per flow (Reach.signature): its pairs are walked one by one (_own_pairs); the
    # class matrix's bit for it also speaks for members of the other class on its own host
    own = {n for n, (_, _, sb, sf) in changed.items() if sb[0] == "own" or sf[0] == "own"}
    for name in sorted(changed, key=base.order.__getitem__):
        if name in own:
            continue
        e, ef, sb, sf = changed[name]
        k = base.bulk.index.get(base.engine_sig.get(sf)) if not fabric else None  # type: ignore[arg-type]
        if k is not None:
            # a host-side failure moved the port into an intact class: what it lost toward each class (and each
            # class toward it) is a bit of that class's row (column) and not of the new one's
            i = base.index[name]
            row = base.bulk.row
            # the new class's bit about itself is unknown when it had one member: that pair is walked below
            unknown = 0 if base.diagonal_known(k) else 1 << k
            for t, out in [(t, True) for t in set_bits(row[i] & ~row[k] & ~unknown)] + [(t, False) for t in set_bits(base.col(i) & ~base.col(k) & ~unknown)]:
                lost += [(e.name, m.name) if out else (m.name, e.name) for m in base.members_at[t]
                         if m.name not in changed and m.name not in down and m.name not in base.own_names
                         and not (m.on_host and m.device == e.device)]
            if unknown:
                for m in base.members_at[k]:
                    if (m.name in changed or m.name in down or m.name in base.own_names
                            or (m.on_host and m.device == e.device)):
                        continue
                    # was (an exact bit: i is not k) and now (walked: the failed snapshot's answer)
                    if row[i] >> k & 1 and not fr.pair(ef, eps.get(m.name)):  # type: ignore[arg-type]
                        lost.append((e.name, m.name))
                    if row[k] >> i & 1 and not fr.pair(eps.get(m.name), ef):  # type: ignore[arg-type]
                        lost.append((m.name, e.name))
            continue
        for t, members in groups.items():
            x = other_host(members, e.device)
            if x is None:
                continue
            for out in (True, False):
                was = base.sig_reach(sb, t) if out else base.sig_reach(t, sb)
                if was and not (now(e, sf, x, t) if out else now(x, t, e, sf)):
                    lost += [(e.name, m.name) if out else (m.name, e.name) for m in members
                             if not (m.on_host and m.device == e.device)]
    # changed endpoints of different hosts toward each other, a class pair at a time
    by_new: dict[tuple[tuple, tuple], list[Endpoint]] = {}
    for name, (e, _, sb, sf) in changed.items():
        if name not in own:
            by_new.setdefault((sb, sf), []).append(e)
    for (sb1, _), xs in by_new.items():
        for (sb2, _), ys in by_new.items():
            pairs = [(a, b) for a in xs for b in ys if a is not b and a.device != b.device]
            if not pairs or not base.sig_reach(sb1, sb2):
                continue
            a, b = pairs[0]
            if not now(a, changed[a.name][3], b, changed[b.name][3]):
                lost += [(a.name, b.name) for a, b in pairs]
    # ports of one host with a changed end: the vSwitch decides (F3, F10), walked both ways in both snapshots
    br = Reach(base.snap)  # this scenario's own walks in the intact design (the shared one is only read)
    # every port of its own (a changed one, or one elsewhere that a changed port talks to), walked pair by pair
    own |= base.own_names - down
    if own:
        alive = [e for e in base.endpoints if e.name not in down]
        lost += _own_pairs(own, alive, br, fr, {e.name: eps.get(e.name) for e in alive},  # type: ignore[misc]
                           only=set(changed))
    for h in sorted(hosts):
        on = [e for e in base.by_device.get(h, ()) if e.name not in down]
        if not any(e.name in changed for e in on):
            continue
        for a in on:
            for b in on:
                if (a is not b and (a.name in changed or b.name in changed) and br.pair(a, b)
                        and not fr.pair(eps.get(a.name), eps.get(b.name))):  # type: ignore[arg-type]
                    lost.append((a.name, b.name))
    return lost, set(changed)


def _own_pairs(own: set[str], alive: list[Endpoint], br: Reach, fr: Reach, now_of: dict[str, Endpoint],
               only: set[str] | None = None) -> list[tuple[str, str]]:
    """Lost pairs with an end in a class of its own (``own``) and the other on another host (or a router),
    each walked in both snapshots: such a port's answer depends on the flow (Reach.signature).  ``only``:
    just the pairs with an end in it (the others are known not to have changed)."""
    lost: list[tuple[str, str]] = []
    if not own:
        return lost
    seen: set[tuple[str, str]] = set()
    for o in (e for e in alive if e.name in own):
        for x in alive:
            if x is o or (o.on_host and x.on_host and o.device == x.device):
                continue
            for a, b in ((o, x), (x, o)):
                key = (a.name, b.name)
                if key in seen or (only is not None and a.name not in only and b.name not in only):
                    continue
                seen.add(key)
                if br.pair(a, b) and not fr.pair(now_of[a.name], now_of[b.name]):
                    lost.append(key)
    return lost


def _classify(base: Baseline, snap: Snapshot, fr: Reach, down: set[str], region: frozenset[str],
              rename: Renamer | None) -> tuple[list[Endpoint], dict[str, Endpoint], dict[str, tuple], set[str]] | None:
    """For :func:`_lost_global`: the live endpoints, their failed-snapshot selves, their failed-snapshot
    signatures, and the names of those whose signature changed (compared through ``rename``; None when a
    component split under it)."""
    eps = snap.endpoints
    alive = [e for e in base.endpoints if e.name not in down]
    now_of = {e.name: eps.get(e.name) for e in alive}
    portable = Portable(fr)
    sig_f: dict[str, tuple] = {}  # the failed snapshot's own signatures (for its class matrix)
    psig_f: dict[str, tuple] = {}  # their portable forms, renamed: comparable with the intact design's
    renamed: dict[tuple, tuple] = {}
    outside: dict[tuple, list[Endpoint]] = {}

    def ask(e: Endpoint) -> None:
        ef = now_of[e.name]
        sig_f[e.name] = fr.signature(ef)  # type: ignore[arg-type]
        p = portable(ef)  # type: ignore[arg-type]
        if rename is not None:
            r = renamed.get(p)
            if r is None:
                r = renamed[p] = rename(p)
            p = r
        psig_f[e.name] = p

    for e in alive:
        if e.on_host and e.device not in region:
            outside.setdefault(base.psig[e.name], []).append(e)
        else:
            ask(e)
    for sb, members in outside.items():
        # two of a class are asked: a class judges itself by two of its members (Reach.class_reaches)
        for m in members[:2]:
            ask(m)
        if sb[0] != "own" and all(psig_f[m.name] == sb for m in members[:2]):
            for m in members[2:]:
                sig_f[m.name], psig_f[m.name] = sig_f[members[0].name], sb
        else:
            for m in members[2:]:
                ask(m)
    if rename is not None and rename.split:
        return None
    changed = {e.name for e in alive if base.psig[e.name][0] == "own" or psig_f[e.name] != base.psig[e.name]}
    return alive, now_of, sig_f, changed  # type: ignore[return-value]


class _Translate:
    """Rows of a class matrix (bit y of ``rows[x]``: class x reaches class y) with their bits renumbered as
    groups: group g stands for class ``targets[g]``; a class of several groups sets each of their bits, one of
    none sets nothing.  Where
    consecutive classes are consecutive groups (most of them: groups are numbered in class order) a run of
    bits moves with one shift.  ``self[x]``: row x renumbered, memoized."""

    def __init__(self, n: int, targets: list[int], rows: list[int]) -> None:
        by_class: list[list[int]] = [[] for _ in range(n)]
        for g, c in enumerate(targets):
            by_class[c].append(g)
        self.runs: list[tuple[int, int, int]] = []  # (first class, mask of the run, first group)
        self.extra: list[tuple[int, int]] = []  # (class, group) beyond each class's first group
        run: list[int] | None = None  # [first class, length, first group]
        for c, gs in enumerate(by_class):
            if not gs:
                continue
            if run is not None and run[0] + run[1] == c and run[2] + run[1] == gs[0]:
                run[1] += 1
            else:
                if run is not None:
                    self.runs.append((run[0], (1 << run[1]) - 1, run[2]))
                run = [c, 1, gs[0]]
            self.extra += [(c, g) for g in gs[1:]]
        if run is not None:
            self.runs.append((run[0], (1 << run[1]) - 1, run[2]))
        self.rows = rows
        self.memo: dict[int, int] = {}

    def __getitem__(self, x: int) -> int:
        got = self.memo.get(x)
        if got is None:
            r = self.rows[x]
            got = 0
            for c, mask, g in self.runs:
                got |= (r >> c & mask) << g
            for c, g in self.extra:
                if r >> c & 1:
                    got |= 1 << g
            self.memo[x] = got
        return got


def _unchanged_answers(base: Baseline, snap: Snapshot, groups: dict[tuple[int, tuple], list[Endpoint]],
                       region: frozenset[str], bridges: frozenset[str], fr: Reach) -> dict[tuple[tuple, tuple], bool]:
    """Class pairs of the failed snapshot that the failure cannot change, with the intact design's answer (the
    bulk matrix walks pairs within a subnet whole, :class:`~vinfra.analysis.reach.Bulk`; these are not walked
    again).  Each is a ping that stays on layer 2 around a host class whose layer-2 island is as it was:

    - two host classes of one subnet (each holds the other's address: both legs go straight, no router);
    - a host class and an SVI or routed port whose address is in the host's subnet (the host goes straight to
      it) on a live switch outside the failure's islands, every interface holding that address up as it
      was, and whose router's route back to the host is connected through one interface, the same in both
      snapshots, on a switch outside the failure's islands (the reply's only routing step);
    - likewise a host class and an FHRP virtual IP in its subnet whose every interface is on a switch outside
      the failure's islands and up as it was, with the same active routers (each one's route back checked).

    A class asked about itself (two of its members walked) is taken where those two are the intact design's
    (``fr``: the failed snapshot's Reach, its signatures asked).

    A host class counts when it is the failed form of exactly one intact class and that class's only failed
    form, every member of both on a host outside ``region`` (``region`` and ``bridges``: the hosts and logical
    switches of the failure's layer-2 islands; both empty for a failure that changes routes only, whose layer
    2 is the intact design's).  Addresses held twice in the design are left to the walk."""
    inv = base.inventory
    dup = inv.addresses()["more"]
    to_base: dict[tuple, set[int]] = {}
    to_failed: dict[int, set[tuple]] = {}
    inside: set[tuple] = set()
    for (i, sf), members in groups.items():
        to_base.setdefault(sf, set()).add(i)
        to_failed.setdefault(i, set()).add(sf)
        if any(not e.on_host or e.device in region for e in members):
            inside.add(sf)
    sigs, row, index = base.bulk.sigs, base.bulk.row, base.bulk.index
    by_subnet: dict[tuple[int, int], list[tuple[tuple, int]]] = {}
    for sf, bs in to_base.items():
        if sf[0] != "host" or sf[1] is None or sf in inside or len(bs) != 1:
            continue
        i = next(iter(bs))
        sb = sigs[i]
        if (sb[0] != "host" or len(to_failed[i]) != 1
                or any(not e.on_host or e.device in region for e in base.sig_members[sb])):
            continue
        by_subnet.setdefault(sf[1], []).append((sf, i))
    out: dict[tuple[tuple, tuple], bool] = {}
    for classes in by_subnet.values():
        for sx, ix in classes:
            for sy, iy in classes:
                # a class asked about itself walks its first two members: taken where they are the intact one's
                if ix != iy or [e.name for e in fr.members(sx)[:2]] == [e.name for e in base.reach.members(sigs[ix])[:2]]:
                    out[(sx, sy)] = bool(row[ix] >> iy & 1)
    if not by_subnet:
        return out
    bl3, fl3 = base.snap.l3, snap.l3
    lengths = sorted({n for n, _ in by_subnet}, reverse=True)

    def same_up(ip: int) -> bool:
        return all(bi.up == fi.up for bi, fi in zip(bl3.ifaces_at(IPv4Address(ip)), fl3.ifaces_at(IPv4Address(ip)),
                                                     strict=True))

    def outside(switch: str) -> bool:
        return snap.switch_alive(switch) and snap.bridge_of(switch) not in bridges

    for sy, iy in ((sg, index[sg]) for sg, bs in to_base.items() if sg[0] == "router" and len(bs) == 1):
        if sy not in index or index[sy] != next(iter(to_base[sy])):
            continue
        y = base.sig_members[sy][0]
        if y.ip is None:
            continue
        ip = int(y.ip.ip)
        if y.kind in ("svi", "routed"):
            if not outside(y.device) or ip in dup or ip in bl3.decls.by_vip:
                continue
            routers = [bl3.iface(y.device, y.interface).router]  # type: ignore[arg-type]
        elif y.kind == "vip":
            # every interface of the group live as it was, on switches outside the failure's islands, and the
            # same routers active: the same one answers the host's ARP (per segment, or nearest for anycast)
            members = base.vip_members.get(ip, [])
            owners = [o.ref for o in bl3.owners_of(IPv4Address(ip))]
            if (ip in dup or not owners or owners != [o.ref for o in fl3.owners_of(IPv4Address(ip))]
                    or not all(outside(s) and bl3.iface(s, n).up == fl3.iface(s, n).up for s, n in members)):
                continue
            routers = sorted({o.router for o in bl3.owners_of(IPv4Address(ip))})
        else:
            continue
        if not same_up(ip):
            continue
        for n in lengths:
            for sx, ix in by_subnet.get((n, ip >> (32 - n) << (32 - n)), ()):
                xip = base.sig_members[sigs[ix]][0].ip
                assert xip is not None
                if all(_same_connected(bl3.route(r, xip.ip), fl3.route(r, xip.ip), outside) for r in routers):
                    out[(sx, sy)] = bool(row[ix] >> iy & 1)
                    out[(sy, sx)] = bool(row[iy] >> ix & 1)
    return out


def _same_connected(rb: Any, rf: Any, outside: Callable[[str], bool]) -> bool:
    """Whether a router's route back to a host is connected through one interface in both snapshots, on a switch
    outside the failure's islands."""
    return (rb is not None and rf is not None and rb.kind == "connected" and rf.kind == "connected"
            and rb.iface.ref == rf.iface.ref and outside(rb.iface.owner))


def _changed_l3(base: Baseline, snap: Snapshot, newly_down: list[tuple[InterfaceRef, InterfaceRef]],
                bridges: frozenset[str]) -> frozenset[tuple[str, str]]:
    """The L3 interfaces (switch, name) that may differ from the intact design's (up, node, peer or segment):
    every one on the failure's layer-2 islands (``bridges``: their spanning tree, and so their segments, may
    have changed), and those near a switch at an end of a cable the failure took down, or of a failed switch,
    interface or link (:attr:`Baseline.l3_near`) that differ, compared one by one.  Layer 2 elsewhere is as
    it was (the failure's islands hold every change of spanning tree, :func:`_region`), and so is every
    other interface."""
    inv = base.inventory
    refs = [r for pair in newly_down for r in pair] + list(snap.failed.interfaces)
    refs += [r for pair in snap.failed.links for r in pair]
    ends = {snap.bridge_of(r.device) for r in refs if r.device in inv.switches}
    ends |= {snap.bridge_of(d) for d in snap.failed.devices if d in inv.switches}
    out: set[tuple[str, str]] = set()
    bl3, fl3 = base.snap.l3, snap.l3
    for bridge in sorted(ends | bridges):
        for key in base.l3_near.get(bridge, ()):
            if key in out:
                continue
            if snap.bridge_of(key[0]) in bridges:
                out.add(key)
                continue
            bi, fi = bl3.iface(*key), fl3.iface(*key)
            if (bi != fi or any(i.node is not None and i.node[0] in bridges for i in (bi, fi))
                    or bl3.segment(bi) != fl3.segment(fi)):
                out.add(key)
    return frozenset(out)


def _lost_global(base: Baseline, snap: Snapshot, fr: Reach, down: set[str], region: frozenset[str],
                 bridges: frozenset[str], newly_down: list[tuple[InterfaceRef, InterfaceRef]],
                 same_l2: bool) -> tuple[list[tuple[str, str]], set[str]]:
    """Lost pairs from the whole reach analysis of the failed snapshot: its class matrix against the intact
    one's, a group of endpoints at a time (endpoints with one signature in both snapshots answer alike toward
    other hosts); pairs on one host a pair at a time.  Endpoints on hosts outside ``region`` keep their
    signature: two of each class are asked (and if a signature did change, all of them are).

    Signatures are compared with the failed snapshot's components named as the intact design names them
    (:class:`Renamer`): a failed switch that named a component would otherwise make every signature on it
    look changed and every pair of ports on its hosts be walked.  Where a component split, they are compared
    as they are.

    The failed snapshot's layer 3 takes the intact design's answers where no changed interface decides them
    (:func:`_changed_l3`, :meth:`L3.inherit`); when layer 2 is the intact design's (``same_l2``, a failure
    that changes routes only: every class is the intact one's), so do its walk (:meth:`Forwarding.inherit`)
    and the pieces of its class matrix (:class:`~vinfra.analysis.reach.Bulk`)."""
    inherit = INHERIT_INTACT
    refs: frozenset[str] = frozenset()
    if inherit:
        l3x = _changed_l3(base, snap, newly_down, bridges)
        snap.l3.inherit(base.snap.l3, l3x)
        refs = frozenset(f"{s}:{i}" for s, i in l3x)
        if same_l2:
            fr.fw.inherit(base.reach.fw, refs)
        elif fr._shared == base.reach._shared:
            # outside the failure's islands a port's team, views and addressing are as they were, and with the
            # same addresses held twice so is its signature (Reach.signature): taken, not worked out again
            fr.adopt(base.reach, [e for e in base.endpoints
                                  if e.on_host and e.device not in region and e.name not in down])
    got = _classify(base, snap, fr, down, region, Renamer(base.snap))
    if got is None:
        got = _classify(base, snap, fr, down, region, None)
    assert got is not None
    alive, now_of, sig_f, changed = got
    # groups: endpoints by (intact class, failed signature), in intact class order; the failed snapshot's
    # classes are numbered in the order the groups meet them, so both matrices translate into group
    # numbers by a few shifted runs of bits (:class:`_Translate`) rather than bit by bit
    pre: dict[tuple[int, tuple], list[Endpoint]] = {}
    for e in alive:
        pre.setdefault((base.index[e.name], sig_f[e.name]), []).append(e)
    order = sorted(pre, key=lambda k: k[0])
    fr.assume(_unchanged_answers(base, snap, pre, region, bridges, fr))
    bulk = fr.bulk(list(dict.fromkeys(s for _, s in order)), base.bulk if inherit else None, refs, region)
    members = [pre[k] for k in order]
    gb_of = [i for i, _ in order]
    gf_of = [bulk.index[s] for _, s in order]
    group_of = {e.name: g for g, xs in enumerate(members) for e in xs}
    was = _Translate(len(base.bulk.sigs), gb_of, base.bulk.row)  # was[i]: whom intact class i reached
    now = _Translate(len(bulk.sigs), gf_of, bulk.row)  # now[j]: whom failed class j reaches
    lost: list[tuple[str, str]] = []
    # a class of its own answers per flow: walked a pair at a time (see _lost_local)
    own = {e.name for e in alive if base.psig[e.name][0] == "own" or sig_f[e.name][0] == "own"}
    for ga, xs in enumerate(members):
        for gb in set_bits(was[gb_of[ga]] & ~now[gf_of[ga]]):
            for a in xs:
                for b in members[gb]:
                    if (a is not b and not (a.on_host and b.on_host and a.device == b.device)
                            and a.name not in own and b.name not in own):
                        lost.append((a.name, b.name))
    br = Reach(base.snap)  # this scenario's own walks in the intact design (the shared one is only read)
    lost += _own_pairs(own, alive, br, fr, now_of)
    by_host: dict[str, list[Endpoint]] = {}
    for e in alive:
        if e.on_host:
            by_host.setdefault(e.device, []).append(e)
    for on in by_host.values():
        if not any(m.name in changed for m in on):
            # no end changed: a pair is walked only where its classes' answer changed
            mask = 0
            for m in on:
                mask |= 1 << group_of[m.name]
            if not any((was[gb_of[g]] ^ now[gf_of[g]]) & mask for g in {group_of[m.name] for m in on}):
                continue
        for a in on:
            ga = group_of[a.name]
            wa, na = was[gb_of[ga]], now[gf_of[ga]]
            for b in on:
                # walked where an end changed, or where the failure changed the answer between their classes
                # (on different hosts): ports of one host that talk through the fabric may follow it
                gb = group_of[b.name]
                if (a is not b and (a.name in changed or b.name in changed or (wa >> gb & 1) != (na >> gb & 1))
                        and br.pair(a, b) and not fr.pair(now_of[a.name], now_of[b.name])):  # type: ignore[arg-type]
                    lost.append((a.name, b.name))
    return lost, changed


def _blackholed(base: Baseline, snap: Snapshot, fr: Reach, fw: Forwarding, lost: list[tuple[str, str]],
                changed: set[str], notes: list[str]) -> list[dict[str, str]]:
    """Endpoints that lost pairs because their own frames now go nowhere (their signature changed, or the switch
    their uplink lands on lost its upstream) while their team still sends, with why; the cut-off ones go to
    ``notes``.  The far ends of their lost pairs are not listed: nothing changed on their side."""
    first: dict[str, str] = {}
    for a, b in lost:
        first.setdefault(a, b)
    eps = snap.endpoints
    out: list[dict[str, str]] = []
    cut: list[str] = []
    why_by_sig: dict[tuple, str] = {}
    for name in sorted(first, key=base.order.__getitem__):
        e = eps.get(name)
        assert e is not None
        if not e.on_host:
            continue
        ts = fw.team(e)
        if fw.host_problem(e) is not None or ts is None or ts.cut_off:
            cut.append(name)
            continue
        why = _upstream_blind(base, snap, e, ts)
        if why is None and name not in changed:
            continue
        if why is None:
            sig = fr.signature(e)
            why = why_by_sig.get(sig) if sig[0] != "own" else None
            if why is None:
                other = eps.get(first[name])
                why = fr.reason(e, other) or "unreachable"  # type: ignore[arg-type]
                if ts.shotgun and ts.detection.note:
                    why = f"{ts.detection.note}: {why}"
                why_by_sig[sig] = why
        out.append({"endpoint": name, "why": why})
    if cut:
        notes.append(f"cut off (no usable uplink): {_few(cut)}")
    return out


def _upstream_blind(base: Baseline, snap: Snapshot, e: Endpoint, ts: Any) -> str | None:
    """"Link status cannot see sw-a's lost upstream" when the port's uplink lands on a switch that has lost
    every inter-switch link while the uplink stays up (T13, M16)."""
    nic = ts.home(e.port_id, e.mac) or (ts.active[0] if ts.active else None)
    if nic is None:
        return None
    port = snap.uplinks(e.device, nic).port
    if port is None:
        return None
    bridge = snap.bridge_of(port.device)
    if base.fabric.links.get(bridge, 0) and not snap.links_of(bridge):
        method = ts.detection.method
        if method == "beacon":
            return f"beacon probing cannot tell which uplink is bad: {e.device}:{nic} stays in use toward {port.device}, which lost its upstream (T14, M12)"
        return (f"link status cannot see {port.device}'s lost upstream: {e.device}:{nic} stays up and in use "
                f"(T13; link-state tracking or beacon probing would fail over, T14, T15)")
    return None


@dataclass(frozen=True)
class TeamChange:
    key: tuple[str, str]
    before: tuple[str, ...]
    after: tuple[str, ...]
    reasons: tuple[str, ...]
    notify: bool
    left: tuple[InterfaceRef, ...]  # switch ports of the uplinks ports moved away from
    shotgun: bool  # beacon probing cannot tell which member is bad: all of them in use (T14, M12)
    lag: bool = False  # a vDS LAG (T6): a member lost on link down leaves the bundle at once (LACP)


def _team_changes(base: Baseline, snap: Snapshot, hosts: frozenset[str]) -> list[TeamChange]:
    """Teams of port groups in use on ``hosts`` whose uplinks in use changed (failover, T10)."""
    out = []
    for key in (k for h in sorted(hosts) for k in base.teams_of.get(h, ())):
        if not snap.host_alive(key[0]):
            continue
        b, f = base.snap.team_states.get(key), snap.team_states.get(key)
        if b is None or f is None or b.active == f.active:
            continue
        gone = tuple(n for n in b.active if n not in f.active)
        reasons = tuple(f.detection.failed.get(n, "") for n in gone)
        ports = tuple(p for p in (base.snap.uplinks(key[0], n).port for n in gone) if p is not None)
        out.append(TeamChange(key, b.active, f.active, reasons, f.team.notify_switches, ports, f.shotgun and not b.shotgun,
                              f.team.policy == "lag"))
    return out


def _mechanisms(base: Baseline, snap: Snapshot, teams: list[TeamChange], ff: Fabric | None) -> list[tuple[float, str]]:
    """(seconds, what happens) for every recovery mechanism the failure sets off, slowest first."""
    t = base.timers
    inv = base.inventory
    out: dict[str, float] = {}
    for ch in teams:
        text = " ".join(ch.reasons)
        if ch.lag and ch.after and not ch.shotgun:
            # scenario-v1 "LACP member loss": immediate on link down; the LAG rehashes over its other members and
            # is one logical port to the switch (no failover to wait for, no MAC to move)
            if "link-state tracking" in text:
                s, how = t.lst_delay_s, "link-state tracking takes LAG members down; they leave the bundle at once (T15, LACP)"
            else:
                s, how = 0.0, "LAG members leave the bundle on link down at once; the LAG rehashes over the others (LACP, T6)"
            out[how] = max(out.get(how, 0.0), s)
            continue
        if ch.shotgun:
            s, how = t.beacon_detect_s(), "beacon probing hears no beacon on any member: shotgun mode, frames leave on every uplink (T14, M12)"
        elif "link-state tracking" in text:
            s, how = t.lst_delay_s + t.link_failover_s, "link-state tracking takes the host ports down, then failover (T15, T13)"
        elif "beacon" in text:
            s, how = t.beacon_detect_s() + t.link_failover_s, "beacon probing misses beacons, then failover (T14)"
        elif ch.after:
            s, how = t.link_failover_s, "link-status failover (T13)"
        else:
            continue
        if ch.after and not ch.notify:
            aging = max((inv.switches[p.device].mac_aging for p in ch.left if p.device in inv.switches), default=0)
            s += aging
            how += f", no RARP (notify switches off): inbound follows stale MAC entries until aging, {aging} s (T12)"
        elif ch.after:
            how += ", RARP updates the switches (T12)"
        out[how] = max(out.get(how, 0.0), s)
    if teams:
        moved = [f"{h}/{pg}" for (h, pg) in (c.key for c in teams)]
        out = {f"{k} [{_few(moved)}]": v for k, v in out.items()}
    if ff is not None:
        bf = base.fabric
        lost_link_bridges = {b for b, n in ff.links.items() if n < bf.links.get(b, 0)}
        unblocked: dict[tuple[str, str, bool], list[str]] = {}  # (port, mode, indirect) -> instances
        for key, (insts, ends, blocked_ends) in bf.blocked.items():
            now = ff.blocked.get(key)  # links of the failure's islands only (None: not there, or gone)
            if now is None or not insts - now[0]:
                continue
            for inst, end in zip(sorted(insts, key=str), blocked_ends, strict=True):
                if inst in now[0]:
                    continue
                bridge = ends[0] if end == key[0] else ends[1]
                mode = snap.stp.mode(bridge)
                unblocked.setdefault((end, mode, bridge not in lost_link_bridges), []).append(
                    "every VLAN" if inst == "cst" else f"VLAN {inst}")
        for (end, mode, indirect), what in sorted(unblocked.items()):
            how = (f"spanning tree ({mode}) unblocks {end} for {_few(what)} after "
                   f"{'an indirect' if indirect else 'a direct'} failure")
            out[how] = t.stp_reconverge_s(mode, indirect)
        for vip, routers in sorted(bf.fhrp.items()):
            if vip in ff.fhrp and routers - ff.fhrp[vip]:
                new = ff.fhrp.get(vip)
                if not new or new & routers:
                    continue  # none left, or one that already routed for it remains (an MLAG pair, anycast)
                protocol, priority = _fhrp_of(inv, vip, new)
                s = t.fhrp_takeover_s(protocol, priority)
                out[f"{protocol.upper()} {vip} moves to {', '.join(sorted(new))}"] = s
    return sorted(((s, f"{how}: {s:g} s") for how, s in out.items()), key=lambda x: (-x[0], x[1]))


def _fhrp_of(inv: Inventory, vip: str, routers: frozenset[str]) -> tuple[str, int]:
    for sname in sorted(inv.switches):
        for iface in inv.switches[sname].interfaces.values():
            f = iface.fhrp
            if f is not None and str(f.vip) == vip and (sname in routers or inv.logical_switch(sname) in routers):
                return f.protocol, f.priority
    return "hsrp", 100


def _lost_redundancy(base: Baseline, snap: Snapshot, hosts: frozenset[str], ff: Fabric | None) -> list[str]:
    """What the failure left without a backup (see the module doc: ``degraded``)."""
    out: list[str] = []
    single: dict[str, list[str]] = {}
    lands: dict[str, list[str]] = {}
    shotgun: list[str] = []
    for key in (k for h in sorted(hosts) for k in base.teams_of.get(h, ())):
        if not snap.host_alive(key[0]):
            continue
        b, f = base.snap.team_states.get(key), snap.team_states.get(key)
        if b is None or f is None:
            continue
        if f.shotgun and not b.shotgun:
            shotgun.append(f"{key[0]}/{key[1]}")
        if len(b.detection.alive) >= 2 and len(f.detection.alive) == 1:
            single.setdefault(f"{key[0]}:{f.detection.alive[0]}", []).append(key[1])
            continue
        was, now = _bridges(base.snap, key[0], b.detection.alive), _bridges(snap, key[0], f.detection.alive)
        if len(was) >= 2 and len(now) == 1:
            lands.setdefault(f"{key[0]} lands on {next(iter(now))} alone", []).append(key[1])
    if shotgun:
        out.append(f"shotgun mode (duplicate frames, MAC flaps) on {_few(shotgun)}")
    for what, pgs in sorted(lands.items()):
        host, _, rest = what.partition(" ")
        out.append(f"every usable uplink of {host} {_few(pgs)} {rest}")
    for nic, pgs in sorted(single.items()):
        out.append(f"{nic} is the last usable uplink of {_few(pgs)}")
    if ff is not None:
        for bridge, n in sorted(ff.links.items()):
            if base.fabric.links.get(bridge, 0) >= 2 and n == 1:
                out.append(f"{bridge} has one inter-switch link left")
    return out


def _bridges(snap: Snapshot, host: str, nics: Iterable[str]) -> set[str]:
    """The logical switches a host's uplinks land on."""
    out = set()
    for n in nics:
        port = snap.uplinks(host, n).port
        if port is not None:
            out.add(snap.bridge_of(port.device))
    return out


def _few(names: Sequence[str], n: int = 4) -> str:
    return ", ".join(names[:n]) + (f" and {len(names) - n} more" if len(names) > n else "")


# the sweep ------------------------------------------------------------------------------------------------------
Runner = Callable[[list[tuple[str, ...]]], list[dict[str, Any]]]


def sweep(inv: Inventory, *, depth: int = 1, only: Iterable[str] | None = None,
          run: Runner | None = None, timers: Timers = DEFAULT_TIMERS,
          settings: Settings = DEFAULT_SETTINGS) -> dict[str, Any]:
    """Every scenario of the chosen kinds and depth, in element order.  ``run`` runs a batch of scenarios
    (:func:`runner`: on an executor, which brings its own timers and settings); by default they run here,
    one after the other."""
    if depth not in (1, 2):
        raise SweepError(f"--depth {depth}: expected 1 or 2")
    items = elements(inv, only)
    if run is None:
        base = Baseline(inv, timers, settings)

        def run(batch: list[tuple[str, ...]]) -> list[dict[str, Any]]:
            return [run_scenario(base, s) for s in batch]

    rows = run(scenarios(items, 1))
    if depth == 2:
        singles = {r["fail"][0]: r for r in rows}
        rows = rows + run(scenarios(items, 2, singles))
    return {"scenarios": rows}


def runner(text: str, source: str, *, timers: Timers = DEFAULT_TIMERS, workers: int | None = None,
           scheduler: str | None = None, progress: Callable[[int, int], None] | None = None) -> Runner:
    """Scenarios run through :func:`vinfra.execute.run`: the design's text is the payload, each worker
    loads it and analyses the intact design once.  ``progress(done, total)`` after each chunk."""
    from .. import execute

    def run(batch: list[tuple[str, ...]]) -> list[dict[str, Any]]:
        done = 0

        def step(n: int) -> None:
            nonlocal done
            done += n
            if progress is not None:
                progress(done, len(batch))

        if progress is not None:
            progress(0, len(batch))
        return execute.run(_job, batch, (text, source, timers), _setup, workers=workers, scheduler=scheduler,
                           progress=step)

    return run


def _setup(payload: tuple[str, str, Timers]) -> Baseline:
    from ..io.design import load_text

    text, source, timers = payload
    base = Baseline(load_text(text, source), timers)
    if multiprocessing.parent_process() is not None:
        # a pool's worker: its design and intact analysis live as long as it does, so full collections need not
        # walk them again for every scenario (see cli.heap; the worker ends with the sweep, nothing is thawed).
        # In the caller's own process (one worker) the command's own heap handling applies.
        gc.freeze()
    return base


def _job(base: Baseline, fail: tuple[str, ...]) -> dict[str, Any]:
    return run_scenario(base, fail)


__all__ = ["KINDS", "Baseline", "SweepError", "elements", "run_scenario", "runner", "scenarios", "sweep"]
