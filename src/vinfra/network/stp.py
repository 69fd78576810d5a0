"""Spanning tree after convergence, and the active layer-2 topology it leaves.

Model (topology-v1 "Spanning tree", "MLAG pairs"; F7):

- **Bridges.** One STP bridge per logical switch (a stack is one).  Its bridge ID is
  ``(priority, MAC)``: per-VLAN modes (``pvst``, ``rpvst``) add the VLAN ID to the priority (the
  extended system ID); the MAC is derived from the switch or stack name (:func:`bridge_mac`).
  Hosts take no part (F7): host links are not in the graph at all.
- **MLAG pairs** (:attr:`Settings.mlag_stp`).  By default, as topology-v1 "MLAG pairs" says, two STP
  bridges joined by the peer link, an ordinary trunk that spanning tree may block; a channel with
  ``mlag_id`` toward a third switch is one STP port of the first live peer by name (the vPC primary),
  so it is not blocked as a loop through the peer link.  With ``peer_switch`` (NX-OS ``peer-switch``)
  the pair is one bridge while both peers live: its ID is the better of the two, the peer link is
  internal and always forwards, and an ``mlag_id`` channel is one link to that bridge.
- **Instances.** ``stp``, ``rstp`` and ``mst`` run one instance (MST as its IST) over every link
  between such bridges whatever VLANs the links carry, so a link it blocks is blocked for every
  VLAN (the classic pruned-VLAN pitfall).  ``pvst``/``rpvst`` run one tree per VLAN over the links
  that carry it.  A link between a per-VLAN bridge and a single-instance bridge follows the per-VLAN
  tree (PVST simulation).  ``none`` runs no STP: such a bridge never blocks and cannot be root
  (its BPDU-flooding is not modelled).  A link with a routed end is in no instance: a routed port
  sends no BPDUs and bridges nothing.
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
links, with the tag each frame carries on the wire.  Both are worked out on demand: a trace touches a
handful of VLANs and solves only their trees, however large the design.
"""

from __future__ import annotations

import hashlib
import heapq
from collections import deque
from dataclasses import dataclass, field
from functools import cache
from typing import TYPE_CHECKING

from ..model import SwitchInterface
from .topology import LogicalLink, PortEnd

if TYPE_CHECKING:
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


@cache
def bridge_mac(name: str) -> str:
    """A deterministic, locally administered unicast MAC for a bridge or stack name (kept per name: every
    per-VLAN tree asks for each of its bridges' IDs)."""
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
    link: LogicalLink


LinkKey = tuple[str, str]  # (end a name, end b name): names a logical link


def link_key(link: LogicalLink) -> LinkKey:
    return (link.a.name, link.b.name)


@dataclass
class LinkState:
    """Spanning-tree outcome of one logical link."""

    key: LinkKey
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
    pairs: frozenset[tuple[int, int]] = frozenset()  # VLANs crossing, as (VLAN at a, VLAN at b), both ways
    solved: set[int] = field(default_factory=set)  # VLANs whose tree over this link's part is worked out


class SpanningTree:
    """Spanning tree of a snapshot: per-link states and per-instance roots, each worked out on first use.

    An instance's tree depends only on the links of its connected part (one VLAN's links for per-VLAN modes,
    the single-instance links for the rest), so a question about one link solves only the part holding it;
    :attr:`links` and :attr:`roots` solve everything."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self._roots: dict[object, str] = {}  # instance ("cst" or VLAN) and root -> root, for rows
        self._stp_node: dict[str, str] = {}
        self.bridge_ids: dict[str, tuple[int, str]] = {}
        self._states: dict[LinkKey, LinkState] = {}
        self._cst_solved: set[LinkKey] = set()
        self._incident_of: dict[str, list[LinkState]] = {}
        self._bid_parts: dict[str, list[tuple[str, object, str]]] = {}
        # a tree's outcome by its links and the order of its bridges' IDs (every comparison is between two IDs): the
        # VLANs of one block of switches share their links, and their IDs differ by the VLAN added to each alike
        self._trees: dict[tuple, tuple[tuple[bool, ...], tuple[int, ...], tuple[str, ...]]] = {}
        #: a link's VLAN pairs one way, by the two ends' VLAN settings (interned: links alike share them), with
        #: the tag on the wire: (VLAN at the near end, VLAN at the far end, tag)
        self._crossings: dict[tuple[object, object], list[tuple[int, int, int | None]]] = {}

    # link states ---------------------------------------------------------------------------------------
    def state(self, link: LogicalLink) -> LinkState:
        key = link_key(link)
        got = self._states.get(key)
        if got is None:
            got = self._states[key] = self._state(key, link)
        return got

    def _state(self, key: LinkKey, link: LogicalLink) -> LinkState:
        snap = self.snap
        na, nb = self.stp_bridge(_first_bridge(snap, link.a)), self.stp_bridge(_first_bridge(snap, link.b))
        sa, sb = end_settings(snap, link.a), end_settings(snap, link.b)
        cost = (sa.stp.cost or short_cost(snap.end_speed(link.a)), sb.stp.cost or short_cost(snap.end_speed(link.b)))
        never = (sa.stp.edge or sa.stp.bpdu_filter, sb.stp.edge or sb.stp.bpdu_filter)
        ma, mb = mode_class(self.mode(na)), mode_class(self.mode(nb))
        if na == nb:
            kind = "internal"
        elif "routed" in (sa.mode, sb.mode):
            kind = "none"  # a routed port is no switchport: it sends no BPDUs and is in no tree
        elif ma == "none" and mb == "none":
            kind = "none"
        elif "per_vlan" in (ma, mb):
            kind = "per_vlan"
        else:
            kind = "cst"
        pairs = frozenset({(va, vb) for va, vb, _ in self.crossing(link.a, link.b)}
                          | {(vb, va) for va, vb, _ in self.crossing(link.b, link.a)})
        state = LinkState(key, link, kind, (na, nb), cost, (link.a.name, link.b.name), never, pairs=pairs)
        # BPDU guard err-disables a port that hears BPDUs from another STP bridge (P2)
        for mine, other_mode, other_settings, end in ((sa, mb, sb, link.a), (sb, ma, sa, link.b)):
            if kind != "internal" and mine.stp.bpdu_guard and other_mode != "none" and not other_settings.stp.bpdu_filter:
                state.err_disabled = f"{end.name} is err-disabled by BPDU guard (it hears BPDUs from another switch)"
        if kind == "per_vlan" and not state.err_disabled and snap.settings.pvst_blocks_native_mismatch:
            for va, vb in sorted(pairs):
                if va != vb:
                    state.blocked_vlans[va] = (f"native VLAN mismatch on {link.a.name}--{link.b.name}: "
                                               f"PVID-inconsistent, blocked for VLAN {va}")
        return state

    @property
    def links(self) -> list[LinkState]:
        """Every logical link's state, every instance solved (in :attr:`Snapshot.logical_links` order)."""
        out = []
        for link in self.snap.logical_links:
            st = self.state(link)
            self._settle(st)
            out.append(st)
        return out

    @property
    def roots(self) -> dict[object, str]:
        _ = self.links
        return self._roots

    def _settle(self, st: LinkState) -> None:
        """Solve every instance that decides this link."""
        if st.kind == "cst":
            self._solve_cst(st)
        for va, vb in st.pairs:
            if va == vb:
                self._solve_vlan(st, va)

    def crossing(self, x: PortEnd, y: PortEnd) -> list[tuple[int, int, int | None]]:
        """``LogicalLink(x, y).vlan_pairs()`` with the tag each VLAN leaves ``x`` with: it depends on the two ends'
        VLAN settings only, so it is worked out once per distinct pair of settings."""
        key = (x.vlans, y.vlans)
        got = self._crossings.get(key)
        if got is None:
            egress = x.vlans.egress
            got = self._crossings[key] = [(vx, vy, egress(vx)[1]) for vx, vy in LogicalLink(x, y).vlan_pairs()]
        return got

    # bridges ----------------------------------------------------------------------------------------
    def stp_bridge(self, bridge: str) -> str:
        """The STP bridge a logical switch belongs to: itself, or its MLAG pair's with ``peer_switch`` (see
        the module doc)."""
        cached = self._stp_node.get(bridge)
        if cached is not None:
            return cached
        inv = self.snap.inventory
        node = bridge
        sw = inv.switches.get(bridge)
        if sw is not None and sw.mlag is not None and not sw.stack and self.snap.settings.mlag_stp == "peer_switch":
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
        parts = self._bid_parts.get(stp_bridge)
        if parts is None:
            inv = self.snap.inventory
            parts = []
            for member in self.members(stp_bridge):
                members = inv.stack_members(member)
                sw = inv.switches[members[0] if members else member]
                mode = sw.stp_mode
                parts.append((mode_class(mode) if mode not in PER_VLAN_MODES else "vlan", sw.stp.priority,
                              bridge_mac(member)))
            self._bid_parts[stp_bridge] = parts
        best: tuple[int, str] | None = None
        for kind, priority, mac in parts:
            if kind == "none":
                bid = (1 << 20, mac)  # never root
            elif vlan is not None and kind == "vlan":
                bid = (priority.for_vlan(vlan) + vlan, mac)  # type: ignore[attr-defined]
            else:
                bid = (priority.default, mac)  # type: ignore[attr-defined]
            best = bid if best is None or bid < best else best
        assert best is not None
        return best

    # solving, one connected part of one instance at a time ---------------------------------------------
    def _incident(self, stp_bridge: str) -> list[LinkState]:
        got = self._incident_of.get(stp_bridge)
        if got is None:
            got = self._incident_of[stp_bridge] = [self.state(link) for bridge in self.members(stp_bridge)
                                                   for link in self.snap.links_of(bridge)]
        return got

    def _part(self, start: LinkState, takes) -> list[LinkState]:
        """The links ``takes`` admits that connect to ``start`` through the bridges they join."""
        found: dict[LinkKey, LinkState] = {start.key: start}
        seen = set(start.ends)
        frontier = list(start.ends)
        while frontier:
            nxt = []
            for b in frontier:
                for st in self._incident(b):
                    if st.key in found or not takes(st):
                        continue
                    found[st.key] = st
                    for e in st.ends:
                        if e not in seen:
                            seen.add(e)
                            nxt.append(e)
            frontier = nxt
        return sorted(found.values(), key=lambda st: st.key)

    def _solve_cst(self, st: LinkState) -> None:
        if st.key in self._cst_solved or st.err_disabled:
            return
        part = self._part(st, lambda t: t.kind == "cst" and not t.err_disabled)
        fwd = self._tree(part, None)
        for t in part:
            t.cst_forwarding = fwd[t.key]
            self._cst_solved.add(t.key)

    def _solve_vlan(self, st: LinkState, vlan: int) -> None:
        """Spanning tree of ``vlan`` over the part holding ``st``: blocks the per-VLAN links it does not use."""
        if vlan in st.solved:
            return

        def takes(t: LinkState) -> bool:
            if t.err_disabled or t.kind in ("internal", "none") or (vlan, vlan) not in t.pairs:
                return False
            if t.kind == "cst":
                self._solve_cst(t)
                return t.cst_forwarding
            return True

        if not takes(st):
            st.solved.add(vlan)
            return
        part = self._part(st, takes)
        for t in part:
            t.solved.add(vlan)
        if not any(t.kind == "per_vlan" for t in part):
            return
        fwd = self._tree(part, vlan)
        for t in part:
            if t.kind == "per_vlan" and not fwd[t.key]:
                t.blocked_vlans.setdefault(vlan, f"spanning tree blocks {self._blocked_end(t, vlan)} for VLAN {vlan}")

    def _tree(self, states: list[LinkState], vlan: int | None) -> dict[LinkKey, bool]:
        """Forwarding state of each link of one instance (see the module doc for the rules).

        The outcome depends on the links (their ends, costs, port names, edge settings) and on how the bridge
        IDs compare, never on the IDs themselves: it is kept by the links' keys and the IDs' ranks, so the VLANs
        of one block of switches (the same links, IDs that differ by the VLAN added to each) share one solve."""
        bridges = dict.fromkeys(e for st in states for e in st.ends)
        bid = {b: self.bridge_id(b, vlan) for b in bridges}
        rank = {x: i for i, x in enumerate(sorted(set(bid.values())))}
        key = (tuple(st.key for st in states), tuple(rank[x] for x in bid.values()))
        got = self._trees.get(key)
        if got is None:
            got = self._trees[key] = self._solve_tree(states, bid)
        forwarding, ends, roots = got
        instance = vlan if vlan is not None else "cst"
        for root in roots:
            self._roots[(instance, root)] = root
        out: dict[LinkKey, bool] = {}
        for st, f, e in zip(states, forwarding, ends, strict=True):
            out[st.key] = f
            st.blocked_end[vlan] = st.port_id[e]
        return out

    def _solve_tree(self, states: list[LinkState], bid: dict[str, tuple[int, str]]
                    ) -> tuple[tuple[bool, ...], tuple[int, ...], tuple[str, ...]]:
        """:meth:`_tree` worked out: per link whether it forwards and its non-designated end (0: a, 1: b), in the
        order of ``states``, and the root of each connected part."""
        adj: dict[str, set[str]] = {}
        for st in states:
            a, b = st.ends
            adj.setdefault(a, set()).add(b)
            adj.setdefault(b, set()).add(a)
        roots: list[str] = []
        dist: dict[str, int] = {}
        root_of: dict[str, str] = {}
        done: set[str] = set()
        for start in sorted(adj):
            if start in done:
                continue
            comp = {start}
            frontier = [start]
            while frontier:
                nxt = []
                for b in frontier:
                    for n in adj[b]:
                        if n not in comp:
                            comp.add(n)
                            nxt.append(n)
                frontier = nxt
            done |= comp
            root = min(comp, key=lambda b: bid[b])
            roots.append(root)
            # cost of the *receiving* port: a frame from a arrives at b's port; parallel links: the cheapest
            weight: dict[str, dict[str, int]] = {}
            for st in states:
                a, b = st.ends
                if a in comp and a != b:
                    for x, y, w in ((a, b, st.cost[1]), (b, a, st.cost[0])):
                        row = weight.setdefault(x, {})
                        row[y] = min(w, row.get(y, w))
            lengths = _dijkstra(weight, root)
            for b in comp:
                dist[b] = lengths.get(b, 1 << 30)
                root_of[b] = root
        # root port per non-root bridge
        best: dict[str, tuple] = {}
        for st in states:
            for me, other in ((1, 0), (0, 1)):
                b, o = st.ends[me], st.ends[other]
                if b == root_of.get(b) or b == o:
                    continue
                cand = (dist[o] + st.cost[me], bid[o], st.port_id[other], st.port_id[me], st.key)
                if b not in best or cand < best[b]:
                    best[b] = cand
        root_port = {b: c[-1] for b, c in best.items()}
        forwarding: list[bool] = []
        ends: list[int] = []
        for st in states:
            a, b = st.ends
            ka = (dist[a], bid[a], st.port_id[0])
            kb = (dist[b], bid[b], st.port_id[1])
            non_designated = 1 if ka <= kb else 0
            nb = st.ends[non_designated]
            forwarding.append(root_port.get(nb) == st.key or st.never_blocks[non_designated]
                              or mode_class(self.mode(nb)) == "none")
            ends.append(non_designated)
        return tuple(forwarding), tuple(ends), tuple(roots)

    def _blocked_end(self, s: LinkState, vlan: int | None) -> str:
        return s.blocked_end.get(vlan, s.port_id[1])

    # answers -----------------------------------------------------------------------------------------
    def forwards(self, link: LogicalLink, vlan_a: int, vlan_b: int) -> tuple[bool, str | None]:
        """Whether ``link`` forwards VLAN ``vlan_a`` (at end a) into ``vlan_b`` (at end b)."""
        return self.forwards_state(self.state(link), vlan_a, vlan_b)

    def forwards_state(self, s: LinkState, vlan_a: int, vlan_b: int) -> tuple[bool, str | None]:
        """:meth:`forwards` of the link whose state is ``s``."""
        if s.err_disabled:
            return False, s.err_disabled
        if s.kind in ("internal", "none"):
            return True, None
        if s.kind == "cst":
            self._solve_cst(s)
            if not s.cst_forwarding:
                return False, f"spanning tree ({self.mode(s.ends[0])}) blocks {self._blocked_end(s, None)} for every VLAN"
        if vlan_a not in s.solved and (vlan_a, vlan_a) in s.pairs:
            self._solve_vlan(s, vlan_a)
        if vlan_b != vlan_a and vlan_b not in s.solved and (vlan_b, vlan_b) in s.pairs:
            self._solve_vlan(s, vlan_b)
        if vlan_a in s.blocked_vlans:
            return False, s.blocked_vlans[vlan_a]
        if vlan_b in s.blocked_vlans and vlan_a != vlan_b:
            return False, s.blocked_vlans[vlan_b]
        return True, None

    def rows(self) -> list[dict]:
        """One row per logical link and instance where it blocks, plus the roots."""
        links = self.links
        out: list[dict] = []
        for (instance, _), root in sorted(self._roots.items(), key=lambda kv: str(kv[0])):
            out.append({"instance": str(instance), "link": None, "state": "root", "detail": root})
        for s in links:
            name = f"{s.link.a.name}--{s.link.b.name}"
            if s.err_disabled:
                out.append({"instance": "all", "link": name, "state": "err-disabled", "detail": s.err_disabled})
            elif s.kind == "cst" and not s.cst_forwarding:
                out.append({"instance": "cst", "link": name, "state": "blocking", "detail": self._blocked_end(s, None)})
            for vlan, why in sorted(s.blocked_vlans.items()):
                out.append({"instance": str(vlan), "link": name, "state": "blocking", "detail": why})
        return out


def _dijkstra(weight: dict[str, dict[str, int]], source: str) -> dict[str, int]:
    dist = {source: 0}
    heap = [(0, source)]
    while heap:
        d, node = heapq.heappop(heap)
        if d > dist.get(node, 1 << 62):
            continue
        for nxt, w in weight.get(node, {}).items():
            nd = d + w
            if nd < dist.get(nxt, 1 << 62):
                dist[nxt] = nd
                heapq.heappush(heap, (nd, nxt))
    return dist


def end_bridges(snap: Snapshot, end: PortEnd) -> list[str]:
    """Live logical switches a port end forwards on: those holding its (bundled) members.  Asked per link and
    VLAN node as the active topology is explored: kept per end name (within a snapshot a name is one port, or
    one channel with one set of bundled members)."""
    memo = snap.end_bridges
    got = memo.get(end.name)
    if got is None:
        got = memo[end.name] = sorted({snap.bridge_of(m.device) for m in end.members})
    return got


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


#: one way along a link from a bridge, for the VLAN its near end sends in: (link, its state, near end name, far end
#: name, whether the near end is the link's end b, the VLAN pairs from that VLAN with their tags, the far end's bridges)
_Way = tuple[LogicalLink, LinkState, str, str, bool, list[tuple[int, int, int | None]], list[str]]


class ActiveTopology:
    """The directed graph of ``(bridge, VLAN)`` nodes that forwarding links join after STP, explored from
    the nodes asked about: a node's hops are worked out on first use, and so are the spanning trees they
    depend on."""

    def __init__(self, snap: Snapshot, stp: SpanningTree) -> None:
        self.snap = snap
        self.stp = stp
        self._out: dict[Node, list[Hop]] = {}
        self._ways: dict[str, dict[int, list[_Way]]] = {}
        self._fwd: dict[Node, set[Node]] = {}
        self._components: dict[Node, Component] = {}
        self._bfs: dict[Node, dict[Node, Hop | None]] = {}

    def _ways_of(self, bridge: str) -> dict[int, list[_Way]]:
        """The links of ``bridge``, each way round whose near end is on the bridge, by the VLAN that end sends in
        (its VLAN pairs that start there, with their tags): a distribution switch has hundreds of links, and
        scanning all of them for each of its VLAN nodes cost links times VLANs."""
        got = self._ways.get(bridge)
        if got is None:
            snap, stp = self.snap, self.stp
            got = self._ways[bridge] = {}
            for link in snap.links_of(bridge):
                for x, y, flip in ((link.a, link.b, False), (link.b, link.a, True)):
                    if bridge not in end_bridges(snap, x):
                        continue
                    by_vlan: dict[int, list[tuple[int, int, int | None]]] = {}
                    for pair in stp.crossing(x, y):
                        by_vlan.setdefault(pair[0], []).append(pair)
                    if not by_vlan:
                        continue
                    way = (link, stp.state(link), x.name, y.name, flip)
                    far = end_bridges(snap, y)
                    for v, pairs in by_vlan.items():
                        got.setdefault(v, []).append((*way, pairs, far))  # type: ignore[arg-type]
        return got

    def out(self, node: Node) -> list[Hop]:
        """Hops leaving ``node``, sorted by (destination, out port, in port)."""
        got = self._out.get(node)
        if got is not None:
            return got
        bridge, vlan = node
        ways = self._ways.get(bridge)
        if ways is None:
            ways = self._ways_of(bridge)
        forwards = self.stp.forwards_state
        hops: list[Hop] = []
        for link, st, x_name, y_name, flip, pairs, far in ways.get(vlan, ()):
            for vx, vy, tag in pairs:
                ok, _ = forwards(st, vy, vx) if flip else forwards(st, vx, vy)
                if not ok:
                    continue
                for b2 in far:
                    hops.append(Hop(node, (b2, vy), x_name, y_name, tag, link))
        if len(hops) > 1:
            hops.sort(key=lambda h: (h.dst, h.out_port, h.in_port))
        self._out[node] = hops
        return hops

    def _reachable(self, a: Node) -> set[Node]:
        got = self._fwd.get(a)
        if got is None:
            got = {a}
            frontier = [a]
            while frontier:
                nxt = []
                for node in frontier:
                    for h in self.out(node):
                        if h.dst not in got:
                            got.add(h.dst)
                            nxt.append(h.dst)
                frontier = nxt
            self._fwd[a] = got
        return got

    def component(self, node: Node) -> Component:
        """An id shared by nodes that reach each other both ways (the least of them)."""
        got = self._components.get(node)
        if got is None:
            self._components_from(node)
            got = self._components[node]
        return got

    def _components_from(self, start: Node) -> None:
        """The components of every node ``start`` reaches (Tarjan's strongly connected components, one pass over
        the nodes' hops: no search back from each node).  A node already in a component is in none of the new ones:
        whatever reaches it and is reached from it is in its component already."""
        comps = self._components
        out = self.out
        index: dict[Node, int] = {start: 0}
        low: dict[Node, int] = {start: 0}
        stack: list[Node] = [start]
        work = [(start, iter(out(start)))]
        while work:
            node, hops = work[-1]
            for h in hops:
                m = h.dst
                if m in comps:
                    continue
                i = index.get(m)
                if i is None:
                    index[m] = low[m] = len(index)
                    stack.append(m)
                    work.append((m, iter(out(m))))
                    break
                if i < low[node]:  # on the stack: nodes of finished components are in comps
                    low[node] = i
            else:
                work.pop()
                lo = low[node]
                if work:
                    parent = work[-1][0]
                    if lo < low[parent]:
                        low[parent] = lo
                if lo == index[node]:
                    k = len(stack) - 1
                    while stack[k] != node:
                        k -= 1
                    scc = stack[k:]
                    del stack[k:]
                    comp = Component(min(scc))
                    for n in scc:
                        comps[n] = comp

    def reaches_component(self, a: Component, b: Component) -> bool:
        """:meth:`reaches` between components (every node of a component reaches the same nodes)."""
        return a == b or b.key in self._reachable(a.key)  # type: ignore[arg-type,operator]

    def reaches(self, a: Node, b: Node) -> bool:
        """Whether a frame flooded in node ``a`` arrives in node ``b``."""
        return a == b or b in self._reachable(a)

    @property
    def blocked(self) -> dict[tuple[int, int], str]:
        """(index in :attr:`Snapshot.logical_links`, VLAN at end a) -> why, for every link (solves everything)."""
        out: dict[tuple[int, int], str] = {}
        for i, link in enumerate(self.snap.logical_links):
            for x, y, flip in ((link.a, link.b, False), (link.b, link.a, True)):
                for vx, vy, _ in self.stp.crossing(x, y):
                    va, vb = (vy, vx) if flip else (vx, vy)
                    ok, why = self.stp.forwards(link, va, vb)
                    if not ok:
                        out[(i, va)] = why or "blocked"
        return out

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
                for hop in self.out(node):
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
