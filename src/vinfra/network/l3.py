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
  VIP, also owns it.  Preemption does not change the converged answer.
- **Routing.** Routers with ``routing:`` (a stack's from any member) whose non-passive interfaces
  share a subnet on one segment (a routed link, or an SVI subnet joined at layer 2) are neighbours;
  each connected set is one routing domain.  Every router knows its connected subnets; a router in
  a domain also learns every subnet (passive ones included) of the other routers of its domain, by
  the fewest hops; equal-cost ties go to the neighbour first in name order, then the lower address.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import cached_property
from ipaddress import IPv4Address, IPv4Interface, IPv4Network
from typing import TYPE_CHECKING

from ..model import Fhrp, InterfaceRef, VlanSet, svi_vlan
from .endpoints import synthetic_mac, vip_mac
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


class L3:
    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        inv = snap.inventory
        live_vlans: dict[str, VlanSet] = {}
        if snap.settings.svi_autostate:
            for ref, _ in inv.iter_interfaces():
                if ref.device not in inv.switches or svi_vlan(ref.interface) is not None or ref.interface.startswith("Po"):
                    continue
                if snap.cabling.peer(ref) is None or not snap.forwarding(ref):
                    continue
                pv = snap.port_vlans(ref)
                if pv.mode == "routed":
                    continue
                bridge = snap.bridge_of(ref.device)
                live_vlans[bridge] = live_vlans.get(bridge, VlanSet()) | pv.carried
        self.ifaces: list[L3If] = []
        routing_of: dict[str, set[str] | None] = {}
        for sname, sw in inv.switches.items():
            bridge = snap.bridge_of(sname)
            if sw.routing is not None:
                passive = routing_of.get(bridge) or set()
                routing_of[bridge] = passive | set(sw.routing.passive_interfaces)
        for sname, sw in inv.switches.items():
            bridge = snap.bridge_of(sname)
            for iname, iface in sw.interfaces.items():
                if iface.ip is None:
                    continue
                vlan = svi_vlan(iname)
                mac = iface.mac or synthetic_mac(f"{sname}:{iname}", b"\x02")
                passive = bridge not in routing_of or iname in (routing_of.get(bridge) or set())
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
                    elif snap.settings.svi_autostate and vlan not in live_vlans.get(bridge, VlanSet()):
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
                self.ifaces.append(L3If(bridge, sname, iname, iface.ip, kind, vlan, up, why, node, peer, passive,
                                        iface.fhrp, mac))
        self.ifaces.sort(key=lambda i: (i.router, i.ref))
        self.routers = sorted({i.router for i in self.ifaces})
        self.by_router: dict[str, list[L3If]] = {}
        self.by_ip: dict[IPv4Address, list[L3If]] = {}
        self.by_ref: dict[str, L3If] = {}
        for i in self.ifaces:
            self.by_router.setdefault(i.router, []).append(i)
            self.by_ip.setdefault(i.ip.ip, []).append(i)
            self.by_ref[i.ref] = i
        self._by_ipi = {int(ip): ifaces for ip, ifaces in self.by_ip.items()}
        self.routing = set(routing_of)
        self._fhrp()
        self._adjacency()

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
    def _fhrp(self) -> None:
        groups: dict[tuple[IPv4Address, object], list[L3If]] = {}
        for i in self.ifaces:
            if i.fhrp is not None and i.up:
                groups.setdefault((i.fhrp.vip, self.segment(i)), []).append(i)
        self.vip_active: dict[tuple[IPv4Address, object], L3If] = {}
        self.vip_owners: dict[IPv4Address, list[L3If]] = {}
        inv = self.snap.inventory
        for (vip, seg), members in sorted(groups.items(), key=lambda kv: (kv[0][0], str(kv[0][1]))):
            act = max(members, key=lambda i: (i.fhrp.priority, i.ip.ip))  # type: ignore[union-attr]
            self.vip_active[(vip, seg)] = act
            owners = [act]
            sw = inv.switches.get(act.owner)
            if sw is not None and sw.mlag is not None:
                owners += [m for m in members if m.owner == sw.mlag.peer and m is not act]
            self.vip_owners.setdefault(vip, []).extend(owners)
        self.vip_mac = {i.fhrp.vip: vip_mac(i.fhrp.protocol, i.fhrp.group) for i in self.ifaces if i.fhrp is not None}
        self._vip_ownersi = {int(ip): owners for ip, owners in self.vip_owners.items()}

    def vip_answerer(self, vip: IPv4Address, where: Node | Component) -> L3If | None:
        """The router interface that answers ARP for ``vip`` seen from a node or component (the active router)."""
        comp = where if isinstance(where, Component) else self.snap.active.component(where)
        return self.vip_active.get((vip, comp))

    def owns(self, router: str, ip: IPv4Address) -> L3If | None:
        """The interface of ``router`` that makes ``ip`` its own, if any (live addresses and owned VIPs)."""
        addr = int(ip)  # int keys: an IPv4Address hashes in Python code, and this is asked per hop
        for i in self._by_ipi.get(addr, ()):
            if i.router == router and i.up:
                return i
        for i in self._vip_ownersi.get(addr, ()):
            if i.router == router:
                return i
        return None

    def owner_routers(self, ip: IPv4Address) -> frozenset[str]:
        """The routers for which :meth:`owns` finds ``ip``."""
        addr = int(ip)
        return frozenset([i.router for i in self._by_ipi.get(addr, ()) if i.up]
                         + [i.router for i in self._vip_ownersi.get(addr, ())])

    # routing ----------------------------------------------------------------------------------------------
    def _adjacency(self) -> None:
        import networkx as nx  # imported on use: it costs 0.2 s at start-up
        g = nx.Graph()
        g.add_nodes_from(sorted(self.routing))
        by_seg: dict[tuple[object, IPv4Network], list[L3If]] = {}
        for i in self.ifaces:
            seg = self.segment(i)
            if seg is None or i.passive or i.router not in self.routing:
                continue
            by_seg.setdefault((seg, i.ip.network), []).append(i)
        self.neighbours: dict[tuple[str, str], list[tuple[L3If, L3If]]] = {}
        for members in by_seg.values():
            for x in members:
                for y in members:
                    if x.router != y.router:
                        g.add_edge(x.router, y.router)
                        self.neighbours.setdefault((x.router, y.router), []).append((x, y))
        for pairs in self.neighbours.values():
            pairs.sort(key=lambda p: (p[1].ip.ip, p[0].ip.ip))
        self.graph = g
        self._dist: dict[str, dict[str, int]] = {}
        self._route_cache: dict[tuple[str, int], Route | None] = {}
        self._for_net: dict[tuple[str, tuple[int, int]], Route | None] = {}
        self._toward: dict[tuple[str, str], tuple[L3If, IPv4Address, str]] = {}
        self._nets: tuple[list[int], dict[tuple[int, int], list[L3If]]] | None = None

    def dist(self, r: str) -> dict[str, int]:
        """Hops from router ``r`` to each router of its routing domain (breadth first, on use)."""
        got = self._dist.get(r)
        if got is None:
            got = {r: 0}
            frontier = [r]
            g = self.graph
            while frontier:
                nxt = []
                for a in frontier:
                    for b in g.neighbors(a):
                        if b not in got:
                            got[b] = got[a] + 1
                            nxt.append(b)
                frontier = nxt
            self._dist[r] = got
        return got

    def _networks(self) -> tuple[list[int], dict[tuple[int, int], list[L3If]]]:
        """Every live interface's subnet as (length, bits) -> its interfaces in router, name order."""
        if self._nets is None:
            by: dict[tuple[int, int], list[L3If]] = {}
            for i in self.ifaces:
                if i.up:
                    net = i.ip.network
                    by.setdefault((net.prefixlen, int(net.network_address) >> (32 - net.prefixlen)), []).append(i)
            self._nets = (sorted({n for n, _ in by}, reverse=True), by)
        return self._nets

    def route(self, router: str, ip: IPv4Address) -> Route | None:
        """Longest-prefix match in ``router``'s table (see :meth:`route_for` for the table's entries)."""
        addr = int(ip)  # int keys: an IPv4Address hashes in Python code
        key = (router, addr)
        cache = self._route_cache
        if key in cache:
            return cache[key]
        lengths, nets = self._networks()
        found = None
        for n in lengths:
            net = (n, addr >> (32 - n))
            if net in nets:
                found = self.route_for(router, net)
                if found is not None:
                    break
        cache[key] = found
        return found

    def route_for(self, r: str, net: tuple[int, int]) -> Route | None:
        """``r``'s route to one subnet, worked out on first use: connected when ``r`` has a live interface in
        it (the first by name), else learned from the router of its domain holding it at the fewest hops
        (ties to the name), through the neighbour first in name order on a shortest path."""
        key = (r, net)
        got = self._for_net.get(key, False)
        if got is not False:
            return got  # type: ignore[return-value]
        holders = self._networks()[1].get(net, [])
        found: Route | None = None
        for i in holders:
            if i.router == r:
                found = Route(i.ip.network, "connected", i)
                break
        if found is None and r in self.routing:
            d = self.dist(r)
            best: tuple[int, str] | None = None
            network = None
            for i in holders:
                o = i.router
                if o != r and o in d and (best is None or (d[o], o) < best):
                    best, network = (d[o], o), i.ip.network
            if best is not None:
                hops, target = best
                via = self._toward.get((r, target))
                if via is None:  # the same for every subnet learned from that router
                    back = self.dist(target)
                    first = min(n for n in self.graph.neighbors(r) if back.get(n, 1 << 30) == hops - 1)
                    mine, theirs = self.neighbours[(r, first)][0]
                    via = self._toward[(r, target)] = (mine, theirs.ip.ip, first)
                found = Route(network, "learned", via[0], via[1], via[2], hops)  # type: ignore[arg-type]
        self._for_net[key] = found
        return found

    @property
    def tables(self) -> dict[str, list[Route]]:
        """Every router's whole table, longest prefixes first."""
        out: dict[str, list[Route]] = {}
        nets = self._networks()[1]
        for r in self.routers:
            found = [rt for net in nets if (rt := self.route_for(r, net)) is not None]
            out[r] = sorted(found, key=lambda rt: (-rt.network.prefixlen, rt.network))
        return out

    def prefixes_holding(self, ip: int) -> tuple[tuple[int, int], ...]:
        """The routed prefixes (every live interface's subnet) holding address ``ip``, as (length, bits):
        addresses with the same answer meet the same longest-prefix match at every router."""
        lengths, nets = self._networks()
        return tuple((n, ip >> (32 - n)) for n in lengths if (n, ip >> (32 - n)) in nets)

    def rows(self) -> list[dict]:
        out = []
        for r in self.routers:
            for rt in self.tables.get(r, []):
                out.append({"router": r, "network": str(rt.network), "kind": rt.kind, "interface": rt.iface.ref,
                            "next_hop": str(rt.next_hop) if rt.next_hop else None, "hops": rt.hops})
        return out
