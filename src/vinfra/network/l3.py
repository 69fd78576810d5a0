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
        self.routing = set(routing_of)
        self._fhrp()
        self._adjacency()
        self._route_cache: dict[tuple[str, IPv4Address], Route | None] = {}
        self._prefix_index: tuple[list[int], set[tuple[int, int]]] | None = None

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

    def vip_answerer(self, vip: IPv4Address, where: Node | Component) -> L3If | None:
        """The router interface that answers ARP for ``vip`` seen from a node or component (the active router)."""
        comp = where if isinstance(where, Component) else self.snap.active.component(where)
        return self.vip_active.get((vip, comp))

    def owns(self, router: str, ip: IPv4Address) -> L3If | None:
        """The interface of ``router`` that makes ``ip`` its own, if any (live addresses and owned VIPs)."""
        for i in self.by_ip.get(ip, ()):
            if i.router == router and i.up:
                return i
        for i in self.vip_owners.get(ip, ()):
            if i.router == router:
                return i
        return None

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
        self.dist = dict(nx.all_pairs_shortest_path_length(g))
        self.tables: dict[str, list[Route]] = {}
        for r in self.routers:
            table: dict[IPv4Network, Route] = {}
            for i in self.by_router.get(r, []):
                if i.up and i.ip.network not in table:
                    table[i.ip.network] = Route(i.ip.network, "connected", i)
            if r in self.routing:
                d = self.dist.get(r, {})
                best: dict[IPv4Network, tuple[int, str]] = {}
                for other, hops in d.items():
                    if other == r:
                        continue
                    for i in self.by_router.get(other, []):
                        if i.up and i.ip.network not in table:
                            cand = (hops, other)
                            if i.ip.network not in best or cand < best[i.ip.network]:
                                best[i.ip.network] = cand
                for net, (hops, target) in best.items():
                    first = min(n for n in g.neighbors(r) if d.get(n) is not None and self.dist[n].get(target, 1 << 30) == hops - 1)
                    mine, theirs = self.neighbours[(r, first)][0]
                    table[net] = Route(net, "learned", mine, theirs.ip.ip, first, hops)
            self.tables[r] = sorted(table.values(), key=lambda rt: -rt.network.prefixlen)

    def route(self, router: str, ip: IPv4Address) -> Route | None:
        """Longest-prefix match in ``router``'s table."""
        key = (router, ip)
        if key in self._route_cache:
            return self._route_cache[key]
        found = None
        for rt in self.tables.get(router, []):
            if ip in rt.network:
                found = rt
                break
        self._route_cache[key] = found
        return found

    def prefixes_holding(self, ip: int) -> tuple[tuple[int, int], ...]:
        """The routed prefixes (every live interface's subnet) holding address ``ip``, as (length, bits):
        addresses with the same answer meet the same longest-prefix match at every router."""
        index = self._prefix_index
        if index is None:
            nets = {(i.ip.network.prefixlen, int(i.ip.network.network_address) >> (32 - i.ip.network.prefixlen))
                    for i in self.ifaces if i.up}
            index = self._prefix_index = (sorted({n for n, _ in nets}, reverse=True), nets)
        lengths, nets = index
        return tuple((n, ip >> (32 - n)) for n in lengths if (n, ip >> (32 - n)) in nets)

    def rows(self) -> list[dict]:
        out = []
        for r in self.routers:
            for rt in self.tables.get(r, []):
                out.append({"router": r, "network": str(rt.network), "kind": rt.kind, "interface": rt.iface.ref,
                            "next_hop": str(rt.next_hop) if rt.next_hop else None, "hops": rt.hops})
        return out
