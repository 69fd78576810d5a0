"""Spanning tree after convergence, and the active layer-2 topology it leaves.

Model (topology-v1 "Spanning tree", "MLAG pairs"; F7):

- **Bridges.** One STP bridge per logical switch (a stack is one).  Its bridge ID is
  ``(priority, MAC)``: per-VLAN modes (``pvst``, ``rpvst``) add the VLAN ID to the priority (the
  extended system ID); the MAC is derived from the switch or stack name (:func:`bridge_mac`).
  Hosts take no part (F7): host links are not in the graph at all.
- **MLAG pairs** keep two bridges for forwarding, but for spanning tree the pair acts as one
  bridge (vPC peer-switch): its ID is the better of the two, the peer link is internal and always
  forwards, and a channel with ``mlag_id`` toward a third switch is one link to that one bridge,
  so it is never blocked as a loop through the peer link.
- **Instances.** ``stp``, ``rstp`` and ``mst`` run one instance (MST as its IST) over every link
  between such bridges whatever VLANs the links carry, so a link it blocks is blocked for every
  VLAN (the classic pruned-VLAN pitfall).  ``pvst``/``rpvst`` run one tree per VLAN over the links
  that carry it.  A link between a per-VLAN bridge and a single-instance bridge follows the per-VLAN
  tree (PVST simulation).  ``none`` runs no STP: such a bridge never blocks and cannot be root
  (its BPDU-flooding is not modelled).
- **Roles.** The root is the lowest bridge ID of each connected part; root path costs are sums of
  the receiving ports' costs (short costs from speed, a channel's from its aggregate speed, or the
  port's ``stp.cost``); each bridge's root port is the one with the lowest ``(root path cost,
  neighbour bridge ID, neighbour port, own port)``; on every link the end with the lower ``(root path
  cost, bridge ID, port)`` is designated and the other end blocks unless it is its bridge's root
  port.  Ties fall to switch name, then interface name (port names sort that way).  Edge ports and
  ports with BPDU filter never block; a BPDU-guard port that hears BPDUs from another switch is
  err-disabled.
- **Native VLAN mismatch.** With :attr:`Settings.pvst_blocks_native_mismatch` (default), a per-VLAN
  link whose ends map a VLAN to a different VLAN (native mismatch) is PVID-inconsistent: blocked for
  those VLANs, as Cisco PVST+ does.

The :class:`ActiveTopology` is the directed graph of ``(bridge, VLAN)`` nodes joined by forwarding
links, with the tag each frame carries on the wire; reachability within it is answered from its
strongly connected components, computed once.
"""

from __future__ import annotations

import hashlib
from collections import deque
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from ..model import SwitchInterface
from .topology import LogicalLink, PortEnd

if TYPE_CHECKING:
    import networkx as nx

    from .snapshot import Snapshot

Node = tuple[str, int]  # (bridge, VLAN)

PER_VLAN_MODES = ("pvst", "rpvst")
SINGLE_MODES = ("stp", "rstp", "mst")

#: Short path costs by speed in Mb/s (IEEE 802.1D-1998): the first threshold the speed reaches.
SHORT_COSTS = ((25_000, 1), (10_000, 2), (1_000, 4), (100, 19), (0, 100))


def short_cost(speed_mbps: int) -> int:
    for threshold, cost in SHORT_COSTS:
        if speed_mbps >= threshold:
            return cost
    return 100


def bridge_mac(name: str) -> str:
    """A deterministic, locally administered unicast MAC for a bridge or stack name."""
    raw = bytearray(hashlib.sha1(name.encode()).digest()[:6])
    raw[0] = (raw[0] & 0xFC) | 0x02
    return ":".join(f"{b:02x}" for b in raw)


def mode_class(mode: str) -> str:
    if mode in PER_VLAN_MODES:
        return "per_vlan"
    if mode in SINGLE_MODES:
        return "single"
    return "none"


@dataclass(frozen=True, slots=True)
class Component:
    """A set of ``(bridge, VLAN)`` nodes that reach each other both ways (or one node alone)."""

    key: object


@dataclass(frozen=True, slots=True)
class Hop:
    """One directed forwarding edge of the active topology."""

    src: Node
    dst: Node
    out_port: str  # port end name on the src bridge ("sw-a:Gi1/0/47" or a channel key)
    in_port: str  # port end name on the dst bridge
    tag: int | None  # the 802.1Q tag on the wire (None = untagged)
    link: int  # index into Snapshot.logical_links


@dataclass
class LinkState:
    """Spanning-tree outcome of one logical link."""

    index: int
    link: LogicalLink
    kind: str  # "internal" | "cst" | "per_vlan" | "none"
    ends: tuple[str, str]  # STP bridge of end a, of end b
    cost: tuple[int, int]
    port_id: tuple[str, str]
    never_blocks: tuple[bool, bool]
    err_disabled: str | None = None
    cst_forwarding: bool = True
    blocked_vlans: dict[int, str] = field(default_factory=dict)  # VLAN at end a -> why it blocks
    blocked_end: dict[int | None, str] = field(default_factory=dict)  # instance -> the end that blocks


class SpanningTree:
    """Spanning tree of a snapshot: per-link states and per-instance roots."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        inv = snap.inventory
        self.links: list[LinkState] = []
        self.roots: dict[object, str] = {}  # instance ("cst" or VLAN) -> root bridge(s), for rows
        self._stp_node: dict[str, str] = {}
        self.bridge_ids: dict[str, tuple[int, str]] = {}
        for i, link in enumerate(snap.logical_links):
            na, nb = self.stp_bridge(_first_bridge(snap, link.a)), self.stp_bridge(_first_bridge(snap, link.b))
            sa, sb = end_settings(snap, link.a), end_settings(snap, link.b)
            cost = (sa.stp.cost or short_cost(link.a.speed), sb.stp.cost or short_cost(link.b.speed))
            never = (sa.stp.edge or sa.stp.bpdu_filter, sb.stp.edge or sb.stp.bpdu_filter)
            ma, mb = mode_class(self.mode(na)), mode_class(self.mode(nb))
            if na == nb:
                kind = "internal"
            elif ma == "none" and mb == "none":
                kind = "none"
            elif "per_vlan" in (ma, mb):
                kind = "per_vlan"
            else:
                kind = "cst"
            state = LinkState(i, link, kind, (na, nb), cost, (link.a.name, link.b.name), never)
            # BPDU guard err-disables a port that hears BPDUs from another STP bridge (P2)
            for mine, other_mode, other_settings, end in ((sa, mb, sb, link.a), (sb, ma, sa, link.b)):
                if kind != "internal" and mine.stp.bpdu_guard and other_mode != "none" and not other_settings.stp.bpdu_filter:
                    state.err_disabled = f"{end.name} is err-disabled by BPDU guard (it hears BPDUs from another switch)"
            self.links.append(state)
        self._solve(inv)

    # bridges ----------------------------------------------------------------------------------------
    def stp_bridge(self, bridge: str) -> str:
        """The STP bridge a logical switch belongs to: an MLAG pair is one (see module doc)."""
        cached = self._stp_node.get(bridge)
        if cached is not None:
            return cached
        inv = self.snap.inventory
        node = bridge
        sw = inv.switches.get(bridge)
        if sw is not None and sw.mlag is not None and not sw.stack:
            peer = inv.switches.get(sw.mlag.peer)
            if (peer is not None and peer.mlag is not None and peer.mlag.peer == bridge
                    and self.snap.switch_alive(sw.mlag.peer) and self.snap.switch_alive(bridge)):
                node = "+".join(sorted((bridge, sw.mlag.peer)))
        self._stp_node[bridge] = node
        return node

    def members(self, stp_bridge: str) -> list[str]:
        return stp_bridge.split("+")

    def _switch(self, stp_bridge: str):  # the config that decides mode and priority
        inv = self.snap.inventory
        name = self.members(stp_bridge)[0]
        members = inv.stack_members(name)
        return inv.switches[members[0] if members else name]

    def mode(self, stp_bridge: str) -> str:
        return self._switch(stp_bridge).stp_mode

    def bridge_id(self, stp_bridge: str, vlan: int | None) -> tuple[int, str]:
        """``(priority, MAC)``; ``vlan`` None for the single instance."""
        inv = self.snap.inventory
        best: tuple[int, str] | None = None
        for member in self.members(stp_bridge):
            members = inv.stack_members(member)
            sw = inv.switches[members[0] if members else member]
            mode = sw.stp_mode
            if mode_class(mode) == "none":
                bid = (1 << 20, bridge_mac(member))  # never root
            elif vlan is not None and mode in PER_VLAN_MODES:
                bid = (sw.stp.priority.for_vlan(vlan) + vlan, bridge_mac(member))
            else:
                bid = (sw.stp.priority.default, bridge_mac(member))
            best = bid if best is None or bid < best else best
        assert best is not None
        return best

    # solving -------------------------------------------------------------------------------------------
    def _solve(self, inv) -> None:
        cst = [s for s in self.links if s.kind == "cst" and not s.err_disabled]
        if cst:
            fwd = self._tree(cst, None)
            for s in cst:
                s.cst_forwarding = fwd[s.index]
        per_vlan = [s for s in self.links if s.kind == "per_vlan" and not s.err_disabled]
        if not per_vlan:
            return
        by_vlan: dict[int, list[LinkState]] = {}
        mismatch = self.snap.settings.pvst_blocks_native_mismatch
        for s in self.links:
            if s.err_disabled or s.kind in ("internal", "none"):
                continue
            if s.kind == "cst" and not s.cst_forwarding:
                continue
            pairs = set(s.link.vlan_pairs()) | {(vb, va) for va, vb in LogicalLink(s.link.b, s.link.a).vlan_pairs()}
            for va, vb in pairs:
                if va == vb:
                    by_vlan.setdefault(va, []).append(s)
                elif s.kind == "per_vlan" and mismatch:
                    s.blocked_vlans[va] = (f"native VLAN mismatch on {s.link.a.name}--{s.link.b.name}: "
                                           f"PVID-inconsistent, blocked for VLAN {va}")
        cache: dict[tuple, dict[int, bool]] = {}
        for vlan, states in sorted(by_vlan.items()):
            if not any(s.kind == "per_vlan" for s in states):
                continue
            uniq = sorted({s.index: s for s in states}.values(), key=lambda s: s.index)
            bridges = sorted({b for s in uniq for b in s.ends})
            ranking = tuple(sorted(bridges, key=lambda b: self.bridge_id(b, vlan)))
            key = (tuple(s.index for s in uniq), ranking)
            fwd = cache.get(key)
            if fwd is None:
                fwd = cache[key] = self._tree(uniq, vlan)
            for s in uniq:
                if s.kind == "per_vlan" and not fwd[s.index]:
                    s.blocked_vlans.setdefault(vlan, f"spanning tree blocks {self._blocked_end(s, vlan)} for VLAN {vlan}")

    def _tree(self, states: list[LinkState], vlan: int | None) -> dict[int, bool]:
        """Forwarding state of each link of one instance (see the module doc for the rules)."""
        import networkx as nx  # imported on use: it costs 0.2 s at start-up
        g = nx.Graph()
        for s in states:
            g.add_edge(*s.ends) if s.ends[0] != s.ends[1] else g.add_node(s.ends[0])
        bid = {b: self.bridge_id(b, vlan) for b in g.nodes}
        dist: dict[str, int] = {}
        root_of: dict[str, str] = {}
        for comp in nx.connected_components(g):
            root = min(comp, key=lambda b: bid[b])
            self.roots[(vlan if vlan is not None else "cst", root)] = root
            d = nx.DiGraph()
            for s in states:
                if s.ends[0] in comp:
                    a, b = s.ends
                    # cost of the *receiving* port: a frame from a arrives at b's port
                    _add_min(d, a, b, s.cost[1])
                    _add_min(d, b, a, s.cost[0])
            lengths = nx.single_source_dijkstra_path_length(d, root) if d.number_of_nodes() else {root: 0}
            for b in comp:
                dist[b] = lengths.get(b, 1 << 30)
                root_of[b] = root
        # root port per non-root bridge
        best: dict[str, tuple] = {}
        for s in states:
            for me, other in ((1, 0), (0, 1)):
                b, o = s.ends[me], s.ends[other]
                if b == root_of.get(b) or b == o:
                    continue
                cand = (dist[o] + s.cost[me], bid[o], s.port_id[other], s.port_id[me], s.index)
                if b not in best or cand < best[b]:
                    best[b] = cand
        root_port = {b: c[-1] for b, c in best.items()}
        out: dict[int, bool] = {}
        for s in states:
            a, b = s.ends
            ka = (dist[a], bid[a], s.port_id[0])
            kb = (dist[b], bid[b], s.port_id[1])
            non_designated = 1 if ka <= kb else 0
            nb = s.ends[non_designated]
            out[s.index] = (root_port.get(nb) == s.index or s.never_blocks[non_designated]
                            or mode_class(self.mode(nb)) == "none")
            s.blocked_end[vlan] = s.port_id[non_designated]
        return out

    def _blocked_end(self, s: LinkState, vlan: int | None) -> str:
        return s.blocked_end.get(vlan, s.port_id[1])

    # answers -----------------------------------------------------------------------------------------
    def forwards(self, index: int, vlan_a: int, vlan_b: int) -> tuple[bool, str | None]:
        """Whether logical link ``index`` forwards VLAN ``vlan_a`` (at end a) into ``vlan_b`` (at end b)."""
        s = self.links[index]
        if s.err_disabled:
            return False, s.err_disabled
        if s.kind in ("internal", "none"):
            return True, None
        if s.kind == "cst" and not s.cst_forwarding:
            return False, f"spanning tree ({self.mode(s.ends[0])}) blocks {self._blocked_end(s, None)} for every VLAN"
        if vlan_a in s.blocked_vlans:
            return False, s.blocked_vlans[vlan_a]
        if vlan_b in s.blocked_vlans and vlan_a != vlan_b:
            return False, s.blocked_vlans[vlan_b]
        return True, None

    def rows(self) -> list[dict]:
        """One row per logical link and instance where it blocks, plus the roots."""
        out: list[dict] = []
        for (instance, _), root in sorted(self.roots.items(), key=lambda kv: str(kv[0])):
            out.append({"instance": str(instance), "link": None, "state": "root", "detail": root})
        for s in self.links:
            name = f"{s.link.a.name}--{s.link.b.name}"
            if s.err_disabled:
                out.append({"instance": "all", "link": name, "state": "err-disabled", "detail": s.err_disabled})
            elif s.kind == "cst" and not s.cst_forwarding:
                out.append({"instance": "cst", "link": name, "state": "blocking", "detail": self._blocked_end(s, None)})
            for vlan, why in sorted(s.blocked_vlans.items()):
                out.append({"instance": str(vlan), "link": name, "state": "blocking", "detail": why})
        return out


def _add_min(d: nx.DiGraph, a: str, b: str, w: int) -> None:
    if a == b:
        return
    if d.has_edge(a, b):
        d[a][b]["weight"] = min(d[a][b]["weight"], w)
    else:
        d.add_edge(a, b, weight=w)


def end_bridges(snap: Snapshot, end: PortEnd) -> list[str]:
    """Live logical switches a port end forwards on: those holding its (bundled) members."""
    return sorted({snap.bridge_of(m.device) for m in end.members})


def _first_bridge(snap: Snapshot, end: PortEnd) -> str:
    return end_bridges(snap, end)[0]


def end_settings(snap: Snapshot, end: PortEnd) -> SwitchInterface:
    """The interface settings that govern a port end: its channel's, or its own."""
    if end.channel is not None:
        ch = snap.channel_of(end.members[0])
        assert ch is not None
        return ch.settings
    ref = end.members[0]
    inv = snap.inventory
    owner = inv.interface_owner(ref)
    assert owner is not None
    return inv.switches[owner].interfaces[ref.interface]


class ActiveTopology:
    """The directed graph of ``(bridge, VLAN)`` nodes that forwarding links join after STP."""

    def __init__(self, snap: Snapshot, stp: SpanningTree) -> None:
        import networkx as nx  # imported on use: it costs 0.2 s at start-up
        self.snap = snap
        self.stp = stp
        self.out: dict[Node, list[Hop]] = {}
        self.blocked: dict[tuple[int, int], str] = {}  # (link, VLAN at a) -> why
        g = nx.DiGraph()
        for i, link in enumerate(snap.logical_links):
            for x, y, flip in ((link.a, link.b, False), (link.b, link.a, True)):
                bx, by = end_bridges(snap, x), end_bridges(snap, y)
                for vx, vy in LogicalLink(x, y).vlan_pairs():
                    va, vb = (vy, vx) if flip else (vx, vy)
                    ok, why = stp.forwards(i, va, vb)
                    if not ok:
                        self.blocked[(i, va)] = why or "blocked"
                        continue
                    _, tag = x.vlans.egress(vx)
                    for b1 in bx:
                        for b2 in by:
                            hop = Hop((b1, vx), (b2, vy), x.name, y.name, tag, i)
                            self.out.setdefault(hop.src, []).append(hop)
                            g.add_edge(hop.src, hop.dst)
        for hops in self.out.values():
            hops.sort(key=lambda h: (h.dst, h.out_port, h.in_port))
        self._scc: dict[Node, int] = {}
        self._cond = nx.DiGraph()
        if g.number_of_nodes():
            comps = list(nx.strongly_connected_components(g))
            for k, comp in enumerate(comps):
                for node in comp:
                    self._scc[node] = k
            self._cond = nx.condensation(g, comps)
        self._desc: dict[int, frozenset[int]] = {}
        self._components: dict[Node, Component] = {}
        self._bfs: dict[Node, dict[Node, Hop | None]] = {}

    def component(self, node: Node) -> Component:
        """An id shared by nodes that reach each other both ways."""
        got = self._components.get(node)
        if got is None:
            k = self._scc.get(node)
            got = self._components[node] = Component(k if k is not None else ("alone", node))
        return got

    def reaches_component(self, a: Component, b: Component) -> bool:
        """:meth:`reaches` between components (every node of a component reaches the same nodes)."""
        import networkx as nx  # imported on use: it costs 0.2 s at start-up
        if a == b:
            return True
        ka, kb = a.key, b.key
        if not isinstance(ka, int) or not isinstance(kb, int):
            return False
        desc = self._desc.get(ka)
        if desc is None:
            desc = self._desc[ka] = frozenset(nx.descendants(self._cond, ka))
        return kb in desc

    def reaches(self, a: Node, b: Node) -> bool:
        """Whether a frame flooded in node ``a`` arrives in node ``b``."""
        import networkx as nx  # imported on use: it costs 0.2 s at start-up
        if a == b:
            return True
        ka, kb = self._scc.get(a), self._scc.get(b)
        if ka is None or kb is None:
            return False
        if ka == kb:
            return True
        desc = self._desc.get(ka)
        if desc is None:
            desc = self._desc[ka] = frozenset(nx.descendants(self._cond, ka))
        return kb in desc

    def path(self, a: Node, b: Node) -> list[Hop] | None:
        """The hops a frame takes from ``a`` to ``b`` (the tree path; BFS order, deterministic)."""
        if a == b:
            return []
        parents = self._bfs.get(a)
        if parents is None:
            parents = {a: None}
            queue = deque([a])
            while queue:
                node = queue.popleft()
                for hop in self.out.get(node, ()):
                    if hop.dst not in parents:
                        parents[hop.dst] = hop
                        queue.append(hop.dst)
            self._bfs[a] = parents
        if b not in parents:
            return None
        hops: list[Hop] = []
        node = b
        while node != a:
            hop = parents[node]
            assert hop is not None
            hops.append(hop)
            node = hop.src
        return hops[::-1]
