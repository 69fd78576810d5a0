"""Layer 3: SVIs, routed links, FHRP, routing domains and routes (topology-v1 "Layer 3").

- **Routers.** A logical switch with L3 interfaces is one router: a stack is one router whose
  SVIs and routed ports are pooled (and live while any member lives); MLAG peers are two routers.
- **Interfaces.** A routed port is up while its link is up.  An SVI is up while its switch lives,
  its VLAN exists there and, with IOS autostate (:attr:`Settings.svi_autostate`, default), some live
  L2 port of that switch forwards the VLAN.  An SVI sits in the ``(switch, VLAN)`` node of the
  active topology; a routed port cabled to an L2 port sits in that port's untagged VLAN.
- **FHRP.** Among the live SVIs of one group joined at layer 2 (same component of the active
  topology) the highest priority is active, ties to the highest SVI address.  Both MLAG peers route
  for the virtual IP (vPC): the active router's MLAG peer, live in the same component with the same
  VIP, also owns it.  Preemption does not change the converged answer.  An **anycast gateway**
  (topology-v1 "Names and forms met in vendor configs") has no election: every live router holding it
  owns the VIP, and a host's frames for it are taken by the holder nearest (in hops of the active
  topology, ties to the interface name) to where they enter layer 2.  An SVI whose only address is
  the anycast one sits in the vip's subnet and has no address of its own.
- **Routing.** Routers with ``routing:`` (a stack's from any member) whose non-passive interfaces
  share a subnet on one segment (a routed link, or an SVI subnet joined at layer 2) are neighbours;
  each connected set is one routing domain.  Every router knows its connected subnets; a router in
  a domain also learns every subnet (passive ones included) of the other routers of its domain, by
  the fewest hops; equal-cost ties go to the neighbour first in name order, then the lower address.
- **Lookups** (topology-v1 "Routing lookups"): longest-prefix match over a router's connected and
  learned routes, so a more specific subnet elsewhere wins over a covering connected one; among routes
  to one subnet, the fewest hops, ties to the holding router's name.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import TYPE_CHECKING

from ..model import Fhrp, InterfaceRef, VlanSet, po_number, svi_vlan
from .endpoints import router_seed, synthetic_mac, vip_mac
from .stp import Component, Node

if TYPE_CHECKING:

    from .snapshot import Snapshot


@dataclass(frozen=True)
class L3If:
    """One L3 interface: an SVI or a routed port."""

    router: str  # the logical switch (stack or switch)
    owner: str  # the switch that declares it
    name: str  # "Vlan10", "Te1/1"
    ip: IPv4Interface
    kind: str  # "svi" | "routed"
    vlan: int | None
    up: bool
    reason: str | None
    node: Node | None  # the (bridge, VLAN) it sits in, if it is on an L2 segment
    peer: InterfaceRef | None  # a routed port's far end when that is a routed port too
    passive: bool
    fhrp: Fhrp | None
    mac: str

    @cached_property
    def ref(self) -> str:
        return f"{self.owner}:{self.name}"


@dataclass(frozen=True)
class Route:
    network: IPv4Network
    kind: str  # "connected" | "learned"
    iface: L3If
    next_hop: IPv4Address | None = None
    next_router: str | None = None
    hops: int = 0


@dataclass(frozen=True)
class L3Decls:
    """The design's L3 interfaces and routing, indexed (failure-independent: shared by every snapshot)."""

    ports: dict[tuple[str, str], object]  # (switch, interface) -> its settings, in design order
    by_ip: dict[int, list[tuple[str, str]]]
    by_vip: dict[int, list[tuple[str, str]]]
    by_net: dict[tuple[int, int], list[tuple[str, str]]]  # subnet as (length, bits)
    lengths: list[int]  # prefix lengths of those subnets, longest first
    routing_of: dict[str, set[str]]  # router with routing -> its passive interfaces
    routers: list[str]
    by_router: dict[str, list[tuple[str, str]]]


def l3_decls(inv) -> L3Decls:
    def build() -> L3Decls:
        ports: dict[tuple[str, str], object] = {}
        by_ip: dict[int, list[tuple[str, str]]] = {}
        by_vip: dict[int, list[tuple[str, str]]] = {}
        by_net: dict[tuple[int, int], list[tuple[str, str]]] = {}
        routing_of: dict[str, set[str]] = {}
        by_router: dict[str, list[tuple[str, str]]] = {}
        for sname, sw in inv.switches.items():
            bridge = sw.stack or sname
            if sw.routing is not None:
                routing_of[bridge] = routing_of.get(bridge, set()) | set(sw.routing.passive_interfaces)
            for iname, iface in sw.interfaces.items():
                ip = iface.address  # an anycast-only SVI's is its vip's: a subnet, but no address of its own
                if ip is None:
                    continue
                key = (sname, iname)
                ports[key] = iface
                by_router.setdefault(bridge, []).append(key)
                if iface.ip is not None:
                    by_ip.setdefault(int(ip), []).append(key)
                net = ip.network
                by_net.setdefault((net.prefixlen, int(net.network_address) >> (32 - net.prefixlen)), []).append(key)
                if iface.fhrp is not None:
                    by_vip.setdefault(int(iface.fhrp.vip), []).append(key)
        return L3Decls(ports, by_ip, by_vip, by_net, sorted({n for n, _ in by_net}, reverse=True), routing_of,
                       sorted(by_router), by_router)
    return inv.derived("network.l3", build)


class L3:
    """Layer 3 of a snapshot, worked out on use: an interface's state when it is asked about, a VIP's
    FHRP group when its address is, the routing domains when a route is, a route per router and subnet."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.decls = decls = l3_decls(snap.inventory)
        self.routing = set(decls.routing_of)
        self.routers = decls.routers
        self._ifaces: dict[tuple[str, str], L3If] = {}
        self._live: dict[str, VlanSet] = {}
        self._fhrp_done: dict[int, tuple[dict[object, L3If], list[L3If], str | None]] = {}
        self._nb: dict[str, dict[str, list[tuple[L3If, L3If]]]] = {}
        self._hops: dict[tuple[str, str], int | None] = {}
        self._levels: dict[str, list[list[str]]] = {}
        self._levels_seen: dict[str, set[str]] = {}
        self._dist: dict[str, dict[str, int]] = {}  # a router's hops to every router of its domain
        self._asked: dict[str, int] = {}  # hops asked from each router, while it has no distance map
        self._route_cache: dict[tuple[str, int], Route | None] = {}
        self._for_net: dict[tuple[str, tuple[int, int]], Route | None] = {}
        self._parts: dict[tuple[str, tuple[int, int]], tuple | None] = {}
        self._holder_routers: dict[tuple[int, int], tuple[str, ...]] = {}
        self._nearest_router: dict[tuple[str, tuple[str, ...]], tuple[int, str] | None] = {}
        self._toward: dict[tuple[str, str], tuple[L3If, IPv4Address, str]] = {}
        self._level_sets: dict[tuple[str, int], frozenset[str]] = {}
        self._link_to: dict[tuple[str, str], tuple[L3If, IPv4Address]] = {}
        self._holders: dict[tuple[int, int], list[L3If]] = {}
        self._nearest: dict[tuple[int, Node], L3If | None] = {}
        #: routes taken from another snapshot's L3 (:meth:`inherit`)
        self.inherited: set[tuple[str, tuple[int, int]]] = set()

    # answers of another snapshot ---------------------------------------------------------------------------
    def inherit(self, parent: L3, changed: frozenset[tuple[str, str]]) -> None:
        """Take ``parent``'s answers (the L3 of another snapshot of the same design, e.g. the intact one) that
        cannot differ here.  The caller vouches that every L3 interface but ``changed`` ((switch, interface)
        keys) is here as in ``parent``: up or not for the same reason, on the same node, peer and segment.

        Then an interface, a subnet's holders (no changed interface in it), a router's neighbours (none of its
        subnets holds a changed interface: the relation is symmetric, so its interface pairs with any
        neighbour are its own list's) and an FHRP group (no changed member) are the parent's.  Routes also
        depend on the routing domain's distances, worked out here again from every routing router (a
        breadth-first pass each, over the neighbours taken).  A route of router ``r`` to a subnet without a
        changed interface is the parent's when it is connected, or when ``r``'s distances to the subnet's
        holders are the parent's (the nearest holder ``t`` and the hops to it) and, learned, ``r``'s
        neighbours are the parent's and so are ``t``'s distances to them (they decide the first hop: the first
        by name of ``r``'s neighbours one hop nearer ``t``).  :attr:`inherited` holds the (router, subnet)
        routes so taken."""
        decls = self.decls
        nets_x: set[tuple[int, int]] = set()
        for key in changed:
            net = decls.ports[key].address.network  # type: ignore[attr-defined]
            nets_x.add((net.prefixlen, int(net.network_address) >> (32 - net.prefixlen)))
        touched = {self.snap.bridge_of(k[0]) for net in nets_x for k in decls.by_net.get(net, ())}
        self._ifaces.update((k, i) for k, i in parent._ifaces.items() if k not in changed)
        self._holders.update((n, h) for n, h in parent._holders.items() if n not in nets_x)
        self._holder_routers.update((n, h) for n, h in parent._holder_routers.items() if n not in nets_x)
        self._nb.update((r, nb) for r, nb in parent._nb.items() if r not in touched)
        for vip, got in parent._fhrp_done.items():
            if not any(k in changed for k in decls.by_vip.get(vip, ())):
                self._fhrp_done[vip] = got
        # per router, the routers whose distance from it differs from the parent's (or that it reaches in one only)
        moved: dict[str, set[str]] = {}
        for r in sorted(self.routing):
            mine, theirs = self._distances(r), parent._distances(r)
            if mine != theirs:
                moved[r] = {o for o in mine.keys() | theirs.keys() if mine.get(o) != theirs.get(o)}
        none: set[str] = set()
        near_ok: set[tuple[str, tuple[str, ...]]] = set()  # (what this L3 may have worked out already is not vouched for)
        for (r, routers), best in parent._nearest_router.items():
            if moved.get(r, none).isdisjoint(routers):
                self._nearest_router[(r, routers)] = best
                near_ok.add((r, routers))
        toward_ok: set[tuple[str, str]] = set()
        for (r, t), via in parent._toward.items():
            if (r not in touched and t not in moved.get(r, none)
                    and moved.get(t, none).isdisjoint(parent.neighbours_of(r))):
                self._toward[(r, t)] = via
                toward_ok.add((r, t))
        inherited: set[tuple[str, tuple[int, int]]] = set()
        for (r, net), parts in parent._parts.items():
            if net in nets_x:
                continue
            if (parts[0] == "connected") if parts is not None else r not in self.routing:
                ok = True
            else:
                routers = parent._holder_routers[net]
                ok = (r, routers) in near_ok
                if ok and parts is not None:
                    best = parent._nearest_router[(r, routers)]
                    ok = (r, best[1]) in toward_ok  # type: ignore[index]
            if ok:
                self._parts[(r, net)] = parts
                inherited.add((r, net))
                got = parent._for_net.get((r, net), False)
                if got is not False:
                    self._for_net[(r, net)] = got
        self.inherited = inherited

    # interfaces ------------------------------------------------------------------------------------------
    def iface(self, sname: str, iname: str) -> L3If:
        key = (sname, iname)
        got = self._ifaces.get(key)
        if got is None:
            got = self._ifaces[key] = self._make(sname, iname)
        return got

    def _live_vlans(self, bridge: str) -> VlanSet:
        """VLANs some live L2 port of ``bridge`` forwards (IOS autostate)."""
        got = self._live.get(bridge)
        if got is None:
            snap = self.snap
            inv = snap.inventory
            carried: dict[VlanSet, None] = {}  # each distinct set once: most ports of a bridge carry the same
            for sw in inv.stack_members(bridge) or [bridge]:
                for iname in inv.switches[sw].interfaces:
                    if svi_vlan(iname) is not None or po_number(iname) is not None:
                        continue
                    ref = InterfaceRef(sw, iname)
                    if snap.cabling.peer(ref) is None or not snap.forwarding(ref):
                        continue
                    pv = snap.port_vlans(ref)
                    if pv.mode != "routed":
                        carried[pv.carried] = None
            got = VlanSet(r for vs in carried for r in vs.ranges)
            self._live[bridge] = got
        return got

    def _make(self, sname: str, iname: str) -> L3If:
        snap = self.snap
        inv = snap.inventory
        sw = inv.switches[sname]
        iface = sw.interfaces[iname]
        bridge = snap.bridge_of(sname)
        vlan = svi_vlan(iname)
        mac = iface.mac or synthetic_mac(router_seed(f"{sname}:{iname}"), b"\x02")
        routing_of = self.decls.routing_of
        # an anycast-only SVI forms no adjacency: a routing protocol speaks from an address of its own
        passive = bridge not in routing_of or iname in routing_of[bridge] or iface.ip is None
        node: Node | None = None
        peer: InterfaceRef | None = None
        if vlan is not None:
            up, why = True, None
            if not snap.bridge_alive(bridge):
                up, why = False, f"{bridge} has failed"
            elif iface.shutdown:
                up, why = False, f"{sname}:{iname} is shut down"
            elif vlan not in sw.vlans:
                up, why = False, f"VLAN {vlan} does not exist on {sname}"
            elif snap.settings.svi_autostate and vlan not in self._live_vlans(bridge):
                up, why = False, f"{sname}:{iname} is down (autostate: no live port of {bridge} forwards VLAN {vlan})"
            node = (bridge, vlan)
            kind = "svi"
        else:
            kind = "routed"
            ref = InterfaceRef(sname, iname)
            up = snap.link_up(ref)
            why = None if up else (snap.down_reason(ref) or f"{ref} is down")
            far = snap.cabling.peer(ref)
            if up and far is not None and far.device in inv.switches:
                far_iface = inv.interface(far)
                if getattr(far_iface, "mode", None) == "routed":
                    peer = far
                elif snap.forwarding(far):
                    v = snap.port_vlans(far).ingress(None)
                    if v is not None:
                        node = (snap.bridge_of(far.device), v)
        address = iface.address
        assert address is not None
        return L3If(bridge, sname, iname, address, kind, vlan, up, why, node, peer, passive, iface.fhrp, mac)

    def _sorted(self, keys) -> list[L3If]:
        return sorted((self.iface(*k) for k in keys), key=lambda i: (i.router, i.ref))

    @cached_property
    def ifaces(self) -> list[L3If]:
        """Every L3 interface, by router and name."""
        return self._sorted(self.decls.ports)

    @property
    def by_router(self) -> dict[str, list[L3If]]:
        out: dict[str, list[L3If]] = {}
        for i in self.ifaces:
            out.setdefault(i.router, []).append(i)
        return out

    @property
    def by_ip(self) -> dict[IPv4Address, list[L3If]]:
        out: dict[IPv4Address, list[L3If]] = {}
        for i in self.ifaces:
            out.setdefault(i.ip.ip, []).append(i)
        return out

    def ifaces_at(self, ip: IPv4Address) -> list[L3If]:
        """The L3 interfaces with address ``ip`` (live or not), by router and name."""
        keys = self.decls.by_ip.get(int(ip))
        return self._sorted(keys) if keys else []

    @property
    def by_ref(self) -> _ByRef:
        """``by_ref["sw:Vlan10"]``: an interface by the switch that declares it and its name."""
        return _ByRef(self)

    # segments ------------------------------------------------------------------------------------------
    def segment(self, i: L3If) -> object | None:
        if not i.up:
            return None
        if i.peer is not None:
            return ("p2p", tuple(sorted((i.ref, str(i.peer)))))
        if i.node is not None:
            return self.snap.active.component(i.node)
        return None

    # FHRP -----------------------------------------------------------------------------------------------
    def _fhrp(self, vip: int) -> tuple[dict[object, L3If], list[L3If], str | None]:
        """One virtual IP's groups: the active router per segment, the owners, and the virtual MAC."""
        got = self._fhrp_done.get(vip)
        if got is not None:
            return got
        members_all = self._sorted(self.decls.by_vip.get(vip, ()))
        groups: dict[object, list[L3If]] = {}
        for i in members_all:
            if i.up:
                groups.setdefault(self.segment(i), []).append(i)
        active: dict[object, L3If] = {}
        owners: list[L3If] = []
        inv = self.snap.inventory
        for seg, members in sorted(groups.items(), key=lambda kv: str(kv[0])):
            if members[0].fhrp.anycast:  # type: ignore[union-attr]
                # every holder is active; seen from a whole segment, the first by name answers
                active[seg] = members[0]
                owners += members
                continue
            act = max(members, key=lambda i: (i.fhrp.priority, i.ip.ip))  # type: ignore[union-attr]
            active[seg] = act
            owners.append(act)
            sw = inv.switches.get(act.owner)
            if sw is not None and sw.mlag is not None:
                owners += [m for m in members if m.owner == sw.mlag.peer and m is not act]
        last = members_all[-1].fhrp if members_all else None  # the last interface's protocol names the MAC
        mac = vip_mac(last.protocol, last.group) if last is not None else None
        got = self._fhrp_done[vip] = (active, owners, mac)
        return got

    def owners_of(self, vip: IPv4Address) -> list[L3If]:
        """The interfaces routing for virtual IP ``vip`` (the active router of each segment, and its MLAG peer)."""
        return self._fhrp(int(vip))[1]

    def vip_mac_of(self, ip: IPv4Address) -> str | None:
        """The virtual MAC of ``ip`` if it is an FHRP virtual IP."""
        addr = int(ip)
        return self._fhrp(addr)[2] if addr in self.decls.by_vip else None

    @property
    def vip_active(self) -> dict[tuple[IPv4Address, object], L3If]:
        return {(IPv4Address(vip), seg): i for vip in sorted(self.decls.by_vip) for seg, i in self._fhrp(vip)[0].items()}

    @property
    def vip_owners(self) -> dict[IPv4Address, list[L3If]]:
        return {IPv4Address(vip): self._fhrp(vip)[1] for vip in sorted(self.decls.by_vip) if self._fhrp(vip)[1]}

    @property
    def vip_mac(self) -> dict[IPv4Address, str]:
        return {IPv4Address(vip): self._fhrp(vip)[2] for vip in self.decls.by_vip}  # type: ignore[misc]

    def vip_answerer(self, vip: IPv4Address, where: Node | Component) -> L3If | None:
        """The router interface that answers ARP for ``vip`` seen from a node or component (the active router)."""
        if not isinstance(where, Component) and self.is_anycast(vip):
            return self._nearest_holder(int(vip), where)
        comp = where if isinstance(where, Component) else self.snap.active.component(where)
        return self._fhrp(int(vip))[0].get(comp)

    def is_anycast(self, vip: IPv4Address) -> bool:
        """Whether ``vip`` is an anycast gateway's virtual IP."""
        keys = self.decls.by_vip.get(int(vip))
        return bool(keys) and self.decls.ports[keys[0]].fhrp.anycast  # type: ignore[attr-defined]

    def _nearest_holder(self, vip: int, node: Node) -> L3If | None:
        """The live holder of anycast ``vip`` that frames entering layer 2 at ``node`` reach first: the fewest
        hops of the active topology, ties to the interface's name."""
        key = (vip, node)
        got = self._nearest.get(key, False)
        if got is False:
            active = self.snap.active
            comp = active.component(node)
            best: tuple[int, str] | None = None
            got = None
            for i in self._fhrp(vip)[1]:
                if i.node is None or self.segment(i) != comp:
                    continue
                hops = active.path(node, i.node)
                if hops is not None and (best is None or (len(hops), i.ref) < best):
                    best, got = (len(hops), i.ref), i
            self._nearest[key] = got
        return got  # type: ignore[return-value]

    def owns(self, router: str, ip: IPv4Address) -> L3If | None:
        """The interface of ``router`` that makes ``ip`` its own, if any (live addresses and owned VIPs)."""
        addr = int(ip)  # int keys: an IPv4Address hashes in Python code, and this is asked per hop
        for i in self._sorted(self.decls.by_ip.get(addr, ())):
            if i.router == router and i.up:
                return i
        if addr in self.decls.by_vip:
            for i in self._fhrp(addr)[1]:
                if i.router == router:
                    return i
        return None

    def owner_routers(self, ip: IPv4Address) -> frozenset[str]:
        """The routers for which :meth:`owns` finds ``ip``."""
        addr = int(ip)
        vips = self._fhrp(addr)[1] if addr in self.decls.by_vip else []
        return frozenset([i.router for i in self._sorted(self.decls.by_ip.get(addr, ())) if i.up]
                         + [i.router for i in vips])

    # routing ----------------------------------------------------------------------------------------------
    def _passive(self, key: tuple[str, str]) -> bool:
        """No routing on its router, a passive interface, or an anycast-only SVI."""
        bridge = self.snap.bridge_of(key[0])
        routing_of = self.decls.routing_of
        return (bridge not in routing_of or key[1] in routing_of[bridge]
                or self.decls.ports[key].ip is None)  # type: ignore[attr-defined]  # anycast-only: see _make

    def neighbours_of(self, r: str) -> dict[str, list[tuple[L3If, L3If]]]:
        """Routing neighbours of ``r``: routers whose non-passive interfaces share a subnet on one segment with
        one of ``r``'s, each with the (mine, theirs) interface pairs, by their address then mine."""
        got = self._nb.get(r)
        if got is None:
            got = {}
            if r in self.routing:
                for key in self.decls.by_router.get(r, ()):
                    if self._passive(key):
                        continue
                    x = self.iface(*key)
                    seg = self.segment(x)
                    if seg is None:
                        continue
                    net = x.ip.network
                    for other in self.decls.by_net.get((net.prefixlen, int(net.network_address) >> (32 - net.prefixlen)), ()):
                        if other == key or self._passive(other):
                            continue
                        y = self.iface(*other)
                        if y.router != r and y.router in self.routing and self.segment(y) == seg:
                            got.setdefault(y.router, []).append((x, y))
                for pairs in got.values():
                    pairs.sort(key=lambda p: (p[1].ip.ip, p[0].ip.ip))
            self._nb[r] = got
        return got

    @property
    def adjacency(self) -> dict[str, set[str]]:
        """Every routing router's neighbours."""
        return {r: set(self.neighbours_of(r)) for r in sorted(self.routing)}

    @property
    def neighbours(self) -> dict[tuple[str, str], list[tuple[L3If, L3If]]]:
        return {(r, o): pairs for r in sorted(self.routing) for o, pairs in self.neighbours_of(r).items()}

    def _cost(self, r: str) -> int:
        return len(self.decls.by_router.get(r, ()))

    def _adjacent(self, a: str, b: str) -> bool:
        """Whether two routers are neighbours, asked of the one with fewer interfaces (the relation is symmetric)."""
        return b in self.neighbours_of(a) if self._cost(a) <= self._cost(b) else a in self.neighbours_of(b)

    def _pairs(self, r: str, o: str) -> list[tuple[L3If, L3If]]:
        """(r's interface, o's interface) for every segment the two share."""
        if self._cost(r) <= self._cost(o):
            return self.neighbours_of(r).get(o, [])
        return [(x, y) for y, x in self.neighbours_of(o).get(r, [])]

    def _level(self, r: str, depth: int) -> list[str]:
        """The routers exactly ``depth`` hops from ``r`` (breadth first from ``r``, as far as asked)."""
        levels = self._levels.get(r)
        if levels is None:  # not setdefault: it would build a list and a set per call (asked per router and block)
            levels = self._levels[r] = [[r]]
            self._levels_seen[r] = {r}
        elif depth < len(levels):
            return levels[depth]
        seen = self._levels_seen[r]
        while len(levels) <= depth and levels[-1]:
            nxt = []
            for n in levels[-1]:
                for m in self.neighbours_of(n):
                    if m not in seen:
                        seen.add(m)
                        nxt.append(m)
            levels.append(nxt)
        return levels[depth] if depth < len(levels) else []

    def _toward_first(self, r: str, target: str, depth: int) -> list[str]:
        """The neighbours of ``r`` exactly ``depth`` hops from ``target`` (neighbourhood is symmetric: what
        :meth:`_adjacent` relies on too)."""
        level = self._level(target, depth)
        mine = self.neighbours_of(r)
        if len(level) <= len(mine):
            return [n for n in level if n in mine]
        key = (target, depth)
        at = self._level_sets.get(key)
        if at is None:
            at = self._level_sets[key] = frozenset(level)
        return [n for n in mine if n in at]

    def hops(self, a: str, b: str) -> int | None:
        """Routing hops between two routers (None: not one domain), searched from both ends at once: the
        routers in between (a core with a hundred neighbours) need not be expanded."""
        if a == b:
            return 0
        dist = self._dist
        if a in dist:
            return dist[a].get(b)
        if b in dist:
            return dist[b].get(a)
        key = (a, b) if a <= b else (b, a)
        if key in self._hops:
            return self._hops[key]
        asked = self._asked[a] = self._asked.get(a, 0) + 1
        if asked > 4:
            # a router asked about many others (reach asks every router about every block): one breadth-first
            # pass gives its hops to all of them, where a search per pair would expand the core each time
            return self._distances(a).get(b)
        sides = [({a: 0}, [a]), ({b: 0}, [b])]
        found: int | None = None
        while found is None and sides[0][1] and sides[1][1]:
            # grow the side whose routers have fewer interfaces: a core's neighbours cost a hundred look-ups
            cost = [sum(len(self.decls.by_router.get(n, ())) for n in side[1]) for side in sides]
            k = 0 if cost[0] <= cost[1] else 1
            seen, frontier = sides[k]
            other = sides[1 - k][0]
            nxt = []
            for n in frontier:
                for m in self.neighbours_of(n):
                    if m not in seen:
                        seen[m] = seen[n] + 1
                        nxt.append(m)
                        if m in other and (found is None or seen[m] + other[m] < found):
                            found = seen[m] + other[m]
            sides[k] = (seen, nxt)
        self._hops[key] = found
        return found

    def _distances(self, r: str) -> dict[str, int]:
        """Hops from ``r`` to every router of its routing domain (its breadth-first levels, grown to the end)."""
        got = self._dist.get(r)
        if got is None:
            depth = 0
            while self._level(r, depth):
                depth += 1
            got = self._dist[r] = {n: d for d, level in enumerate(self._levels[r]) for n in level}
        return got

    def holders(self, net: tuple[int, int]) -> list[L3If]:
        """The live interfaces in subnet ``net`` ((length, bits)), by router and name."""
        got = self._holders.get(net)
        if got is None:
            got = self._holders[net] = [i for i in self._sorted(self.decls.by_net.get(net, ())) if i.up]
        return got

    def route(self, router: str, ip: IPv4Address) -> Route | None:
        """Longest-prefix match in ``router``'s table (see :meth:`route_for` for the table's entries)."""
        addr = int(ip)  # int keys: an IPv4Address hashes in Python code
        key = (router, addr)
        cache = self._route_cache
        if key in cache:
            return cache[key]
        nets = self.decls.by_net
        found = None
        for n in self.decls.lengths:
            net = (n, addr >> (32 - n))
            if net in nets:
                found = self.route_for(router, net)
                if found is not None:
                    break
        cache[key] = found
        return found

    def route_for(self, r: str, net: tuple[int, int]) -> Route | None:
        """``r``'s route to one subnet (see :meth:`route_parts`)."""
        key = (r, net)
        got = self._for_net.get(key, False)
        if got is False:
            parts = self.route_parts(r, net)
            got = None
            if parts is not None:
                kind, iface, next_hop, next_router, hops = parts
                network = self.holders(net)[0].ip.network
                got = Route(network, kind, iface, next_hop, next_router, hops)
            self._for_net[key] = got
        return got  # type: ignore[return-value]

    def route_parts(self, r: str, net: tuple[int, int]) -> tuple | None:
        """``r``'s route to one subnet as (kind, interface, next hop, next router, hops), worked out on first
        use: connected when ``r`` has a live interface in it (the first by name), else learned from the router
        of its domain holding it at the fewest hops (ties to the name), through the neighbour first in name
        order on a shortest path."""
        key = (r, net)
        got = self._parts.get(key, False)
        if got is not False:
            return got  # type: ignore[return-value]
        holders = self.holders(net)
        routers = self._holder_routers.get(net)
        if routers is None:
            routers = self._holder_routers[net] = tuple(dict.fromkeys(i.router for i in holders))
        found: tuple | None = None
        if r in routers:
            for i in holders:
                if i.router == r:
                    found = ("connected", i, None, None, 0)
                    break
        if found is None and r in self.routing:
            # the nearest holder depends on the holders' routers only: subnets held by the same routers (an
            # anycast gateway's, held by every leaf) share the search
            best: tuple[int, str] | bool | None = self._nearest_router.get((r, routers), False)
            if best is False:
                best = None
                for o in routers:
                    if o == r or o not in self.routing:
                        continue
                    d = self.hops(r, o)
                    if d is not None and (best is None or (d, o) < best):
                        best = (d, o)
                self._nearest_router[(r, routers)] = best
            if best is not None:
                hops, target = best  # type: ignore[misc]
                via = self._toward.get((r, target))
                if via is None:  # the same for every subnet learned from that router
                    # the neighbour of r first in name order among the routers hops - 1 away from the target
                    # (reach asks every router toward every block: scan whichever of the two sets is smaller)
                    first = min(self._toward_first(r, target, hops - 1))
                    via = self._toward[(r, target)] = (*self.link_to(r, first), first)
                found = ("learned", via[0], via[1], via[2], hops)
        self._parts[key] = found
        return found

    def link_to(self, r: str, first: str) -> tuple[L3If, IPv4Address]:
        """(``r``'s interface, the neighbour's address) of the link by which routing router ``r`` sends through its
        neighbour ``first``: the lowest neighbour address, then the lowest of ``r``'s (what a learned route takes)."""
        link = self._link_to.get((r, first))
        if link is None:  # the same for every target reached through that neighbour
            mine, theirs = min(self._pairs(r, first), key=lambda p: (p[1].ip.ip, p[0].ip.ip))
            link = self._link_to[(r, first)] = (mine, theirs.ip.ip)
        return link

    @property
    def tables(self) -> dict[str, list[Route]]:
        """Every router's whole table, longest prefixes first."""
        out: dict[str, list[Route]] = {}
        nets = self.decls.by_net
        for r in self.routers:
            found = [rt for net in nets if (rt := self.route_for(r, net)) is not None]
            out[r] = sorted(found, key=lambda rt: (-rt.network.prefixlen, rt.network))
        return out

    def prefixes_holding(self, ip: int) -> tuple[tuple[int, int], ...]:
        """The routed prefixes (every live interface's subnet) holding address ``ip``, as (length, bits):
        addresses with the same answer meet the same longest-prefix match at every router."""
        nets = self.decls.by_net
        return tuple((n, ip >> (32 - n)) for n in self.decls.lengths
                     if (n, ip >> (32 - n)) in nets and self.holders((n, ip >> (32 - n))))

    def rows(self) -> list[dict]:
        out = []
        for r in self.routers:
            for rt in self.tables.get(r, []):
                out.append({"router": r, "network": str(rt.network), "kind": rt.kind, "interface": rt.iface.ref,
                            "next_hop": str(rt.next_hop) if rt.next_hop else None, "hops": rt.hops})
        return out


class _ByRef:
    """A read-only mapping ``"switch:interface"`` -> :class:`L3If`, each built on first use."""

    def __init__(self, l3: L3) -> None:
        self.l3 = l3

    def get(self, ref: str, default: L3If | None = None) -> L3If | None:
        sname, _, iname = ref.partition(":")
        if (sname, iname) not in self.l3.decls.ports:
            return default
        return self.l3.iface(sname, iname)

    def __getitem__(self, ref: str) -> L3If:
        got = self.get(ref)
        if got is None:
            raise KeyError(ref)
        return got

    def __contains__(self, ref: object) -> bool:
        return isinstance(ref, str) and self.get(ref) is not None
