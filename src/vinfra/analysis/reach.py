"""``reach``: who can ping whom, for every pair of endpoints, without tracing every pair.

How it scales.  Every endpoint gets a *signature*: its subnet and gateway, and, as components of
the active layer-2 topology, where its frames enter and where flooded and unicast frames reach it
(:meth:`Forwarding.sends` / :meth:`Forwarding.takes`).  Two endpoints with one signature answer
alike toward every other endpoint of a different host, so the walk (the same one ``trace`` uses,
with its layer-2 legs memoized by the components they touch) runs once per pair of signature
classes.  Endpoints whose uplink depends on the frame (IP hash over ports that lead apart, a
port-channel facing a non-hashing team: M1, M2, M4) form classes of their own and are walked pair by
pair, as are pairs of ports on one host (F3, F10).

What it answers.  *Classes*: groups of endpoints that all reach each other (a signature class that
reaches itself, else its ports that share one vSwitch and VLAN on one host), with the classes each one
reaches.  *Pairs* ``{src, dst, reachable, reason}`` (reason None when reachable; names exactly as
asked) are listed when ``--from``/``--to`` restrict the question or when there are at most
:data:`MAX_LISTED_PAIRS` of them; for a larger unrestricted design only the classes are given (40,000
endpoints are 1.6 billion pairs).  Reasons for unreachable pairs come from ``trace``.
"""

from __future__ import annotations

from collections.abc import Iterable
from ipaddress import IPv4Address
from typing import Any

from ..network import Snapshot
from ..network.endpoints import Endpoint
from ..network.forwarding import MAX_ROUTED_HOPS, NO_IP, Forwarding, HostAgent, RouterAgent, Unreachable
from ..network.frames import BROADCAST, Frame

MAX_LISTED_PAIRS = 5_000


class Reach:
    """Reachability among endpoints of one snapshot, answered from signature classes."""

    def __init__(self, snap: Snapshot) -> None:
        self.snap = snap
        self.fw = Forwarding(snap)
        self._sig: dict[str, tuple] = {}
        self._matrix: dict[tuple[tuple, tuple], bool] = {}
        self._members: dict[tuple, list[Endpoint]] = {}
        self._views: dict[tuple | None, tuple] = {}
        self._bulk: Bulk | None = None
        self._addrs: dict[str, tuple[int, int, int]] = {}

    # signatures -------------------------------------------------------------------------------------------
    def signature(self, e: Endpoint) -> tuple:
        got = self._sig.get(e.name)
        if got is not None:
            return got
        fw = self.fw
        view = fw.view_key(e) if e.on_host else None  # None for a port whose uplink depends on the flow
        if not e.on_host:
            sig: tuple = ("router", e.name)
        elif view is None:
            sig = ("own", e.name)
        else:
            got_view = self._views.get(view)
            if got_view is None:
                a = HostAgent(e)
                probe = Frame("ip", e.mac, BROADCAST, a.ip, a.ip)
                got_view = self._views[view] = (fw.sends(a, probe)[0], fw.takes(a, probe, None)[0],
                                                fw.takes(a, probe, fw.location(a, probe))[0], view[2] if view else None)
            sig = ("host", e.ip.network if e.ip else None, e.gateway, got_view)
        self._sig[e.name] = sig
        self._members.setdefault(sig, []).append(e)
        return sig

    def _eval(self, a: Endpoint, b: Endpoint, apart: bool) -> bool:
        self.fw.apart = apart
        try:
            return self.fw.ping(a, b).ok
        finally:
            self.fw.apart = False

    def class_reaches(self, x: tuple, y: tuple) -> bool | None:
        """Whether every member of class ``x`` reaches every member of ``y`` on another host (None: a
        one-member class asked about itself)."""
        key = (x, y)
        if key in self._matrix:
            return self._matrix[key]
        if self._bulk is not None and x != y:
            got = self._bulk.get(x, y)
            if got is not None:
                return got
        xs, ys = self._members[x], self._members[y]
        if x[0] == "own" or y[0] == "own":
            result = all(self._eval(a, b, False) for a in xs for b in ys if a.name != b.name) if (len(xs) > 1 or len(ys) > 1 or x != y) else None
        elif x == y:
            result = self._eval(xs[0], xs[1], True) if len(xs) > 1 else None
        else:
            result = self._eval(xs[0], ys[0], True)
        self._matrix[key] = result  # type: ignore[assignment]
        return result

    def pair(self, a: Endpoint, b: Endpoint) -> bool:
        """Exact answer for one pair."""
        sa, sb = self.signature(a), self.signature(b)
        if sa[0] == "own" or sb[0] == "own" or (a.on_host and b.on_host and a.device == b.device):
            return self._eval(a, b, False)
        got = self.class_reaches(sa, sb)
        return bool(got) if got is not None else self._eval(a, b, False)

    def reason(self, a: Endpoint, b: Endpoint) -> str | None:
        verdict = Forwarding(self.snap, record=True).ping(a, b)
        return verdict.reason if not verdict.ok else None

    # classes ------------------------------------------------------------------------------------------------
    def classes(self, endpoints: Iterable[tuple[str, Endpoint]]) -> list[dict[str, Any]]:
        """Groups of endpoints that all reach each other, and which groups each reaches."""
        named = list(endpoints)
        by_sig: dict[tuple, list[tuple[str, Endpoint]]] = {}
        for name, e in named:
            by_sig.setdefault(self.signature(e), []).append((name, e))
        units: list[tuple[list[tuple], list[tuple[str, Endpoint]], bool]] = []  # (sigs, members, mergeable)
        for sig, members in sorted(by_sig.items(), key=lambda kv: kv[1][0][0]):
            self_ok = self.class_reaches(sig, sig) if len(self._members[sig]) > 1 else None
            if len(members) == 1 or self_ok:
                units.append(([sig], members, bool(self_ok) or len(self._members[sig]) == 1))
                continue
            local: dict[tuple, list[tuple[str, Endpoint]]] = {}
            for name, e in members:
                ts = self.fw.team(e)
                alive = self.fw.host_problem(e) is None and ts is not None
                key = (e.device, ts.team.switch, repr(ts.pg.local_key), str(e.ip.network) if e.ip else None) if alive else ("alone", e.name)
                local.setdefault(key, []).append((name, e))
            for group in local.values():
                units.append(([sig], group, False))
        # the class-to-class matrix, every pair at once: rows (whom x reaches) and columns (who reaches y)
        bulk = self.bulk(list(by_sig))
        bit = bulk.index
        # (sigs, members, mergeable, [mask of sigs], host -> members on it)
        groups: list[tuple[list[tuple], list[tuple[str, Endpoint]], bool, list[int], dict[str, list[Endpoint]]]] = []
        for sigs, members, mergeable in units:
            target = None
            want = 0
            for y in sigs:
                want |= 1 << bit[y]
            if mergeable:
                for g in groups:
                    # every x of g and y of the unit reach each other both ways, and so do ports of one host
                    # that talk directly (their classes speak for ports of different hosts only: F3, F10)
                    if g[2] and all(bulk.row[bit[y]] & g[3][0] == g[3][0] and bulk.col[bit[y]] & g[3][0] == g[3][0]
                                    for y in sigs) and self._same_host_ok(members, g[4]):
                        target = g
                        break
            if target is None:
                groups.append((list(sigs), list(members), mergeable, [want], {}))
                target = groups[-1]
            else:
                target[0].extend(sigs)
                target[1].extend(members)
                target[3][0] |= want
            for _, e in members:
                if e.on_host:
                    target[4].setdefault(e.device, []).append(e)
        ordered = sorted(groups, key=lambda g: min(n for n, _ in g[1]))
        out: list[dict[str, Any]] = []
        for k, g in enumerate(ordered):
            common = -1  # the classes every x of g reaches
            for x in g[0]:
                common &= bulk.row[bit[x]]
            reaches = [j + 1 for j, h in enumerate(ordered) if j != k and common & h[3][0] == h[3][0]]
            out.append({"class": k + 1, "size": len(g[1]), "members": sorted(n for n, _ in g[1]), "reaches": reaches})
        return out

    def _same_host_ok(self, members: list[tuple[str, Endpoint]], by_host: dict[str, list[Endpoint]]) -> bool:
        for _, a in members:
            for b in by_host.get(a.device, ()) if a.on_host else ():
                if self._direct(a, b) and not (self.pair(a, b) and self.pair(b, a)):
                    return False
        return True

    def _direct(self, a: Endpoint, b: Endpoint) -> bool:
        """Whether a ping between two host ports may go straight from one to the other (no router between)."""
        if a.ip is None or b.ip is None:
            return True
        ia, ib = self._addr(a), self._addr(b)
        return ((ib[0] ^ ia[0]) >> ia[1] == 0 or (ia[0] ^ ib[0]) >> ib[1] == 0
                or ia[2] == ib[0] or ib[2] == ia[0])

    def _addr(self, e: Endpoint) -> tuple[int, int, int]:
        """(address, host bits of its subnet, gateway or -1) as ints: cheap to compare many times."""
        got = self._addrs.get(e.name)
        if got is None:
            assert e.ip is not None
            got = self._addrs[e.name] = (int(e.ip), 32 - e.ip.network.prefixlen,
                                         int(e.gateway) if e.gateway is not None else -1)
        return got

    def bulk(self, sigs: list[tuple]) -> Bulk:
        """:meth:`class_reaches` for every pair of ``sigs``, as bit rows and columns (see :class:`Bulk`)."""
        got = Bulk(self, sigs)
        self._bulk = got
        return got


def reach(snap: Snapshot, sources: list[str] | None = None, targets: list[str] | None = None, *,
          list_pairs: bool | None = None, reasons: bool = True) -> dict[str, Any]:
    """Reachability among endpoints; see the module doc for what is listed.

    Raises :class:`vinfra.network.endpoints.EndpointError` for a name that does not resolve.
    """
    eps = snap.endpoints
    src = [(n, eps.resolve(n)) for n in sources] if sources else [(e.name, e) for e in eps.listed()]
    dst = [(n, eps.resolve(n)) for n in targets] if targets else [(e.name, e) for e in eps.listed()]
    r = Reach(snap)
    union: dict[str, tuple[str, Endpoint]] = {}
    for name, e in src + dst:
        union.setdefault(name, (name, e))
    answer: dict[str, Any] = {"endpoints": len(union), "classes": r.classes(union.values())}
    restricted = bool(sources or targets)
    n_pairs = len(src) * len(dst)
    if list_pairs is None:
        list_pairs = restricted or n_pairs <= MAX_LISTED_PAIRS
    if list_pairs:
        pairs = []
        for sname, a in src:
            for dname, b in dst:
                if a.name == b.name:
                    continue
                ok = r.pair(a, b)
                pairs.append({"src": sname, "dst": dname, "reachable": ok,
                              "reason": None if ok or not reasons else r.reason(a, b)})
        pairs.sort(key=lambda p: (p["src"], p["dst"]))
        answer["pairs"] = pairs
    else:
        answer["note"] = (f"{n_pairs} pairs are not listed; restrict with --from/--to to list pairs. "
                          "Classes: endpoints of one class all reach each other.")
    return answer


class Bulk:
    """Whether each signature class reaches each other one, for all pairs at once.

    Walking one ping per pair of classes costs n² walks (3,000 classes in a 2,500-host design: 9 million).
    But a ping between classes in different subnets is made of pieces that depend on one end only, or
    on a router and one end: the source's first hop to its gateway (:meth:`Forwarding.host_next_hop`,
    :meth:`Forwarding.next_agent`), each router's step toward the destination's subnet
    (:meth:`Forwarding.at_router`), the last leg from the last router to the destination, and the same
    pieces back.  Each piece is worked out once by the walk's own code, then combined as bit sets.  Two
    things tie the directions together, and are carried as flags: a host that was sent a packet by the
    address it then uses as its own next hop skips ARP, and so does a router interface answering a host
    it learned on the way in.  (Router-to-router legs need no flag: a leg whose reverse just worked works
    with or without ARP, since ARP and its reply cross the same two nodes.)

    Pairs where that does not hold are walked whole by :meth:`Reach.class_reaches`: classes whose uplink
    depends on the flow or that have no address, pairs where one end is in the other's subnet (F3, F9 and
    the ARP learned on the way in decide those), a host whose gateway is a host, and every pair when two
    endpoints share an address.
    """

    def __init__(self, reach: Reach, sigs: list[tuple]) -> None:
        self.reach = reach
        self.fw = fw = reach.fw
        self.snap = snap = reach.snap
        self.sigs = sigs
        self.index: dict[tuple, int] = {s: k for k, s in enumerate(sigs)}
        n = len(sigs)
        self.row: list[int] = [0] * n  # bit y of row[x]: class x reaches class y
        self.col: list[int] = [0] * n  # bit x of col[y]: the same pair, by destination
        reps = [reach._members[s][0] for s in sigs]
        self.reps = reps
        conflict = any(len(v) > 1 for v in snap.endpoints.by_ip.values())
        regular = [not conflict and s[0] != "own" and e.ip is not None for s, e in zip(sigs, reps, strict=True)]
        self._transit_memo: dict[tuple[str, object], tuple[RouterAgent | None, int]] = {}
        self._onto: dict[tuple[str, int], str | None] = {}
        self._step: dict[tuple[str, object], tuple] = {}
        self._last: dict[tuple[str, int, bool], bool] = {}
        self._routers_memo: dict[tuple[str, int], tuple[bool, str | None, int]] = {}
        self._first_rep: dict[tuple[int, bool], str | bool | None] = {}
        self._rc: dict[int, object] = {}
        fw.apart = True
        try:
            src = [self._source(k) if regular[k] else False for k in range(n)]
            for k in range(n):
                if src[k] is False:
                    regular[k] = False
            self._combine(src, regular)
        finally:
            fw.apart = False
        # what the pieces do not cover: walked whole
        walked = [k for k in range(n) if not regular[k]]
        pairs: set[tuple[int, int]] = set()
        for k in walked:
            for j in range(n):
                if j != k:
                    pairs.add((k, j))
                    pairs.add((j, k))
        pairs |= self._local_pairs(regular)
        cr = reach.class_reaches
        for x, y in pairs:
            ok = cr(sigs[x], sigs[y])
            self._set(x, y, bool(ok))
        for k in range(n):
            self._set(k, k, bool(cr(sigs[k], sigs[k])))

    def get(self, x: tuple, y: tuple) -> bool | None:
        kx, ky = self.index.get(x), self.index.get(y)
        if kx is None or ky is None:
            return None
        return bool(self.row[kx] >> ky & 1)

    def _set(self, x: int, y: int, ok: bool) -> None:
        if ok:
            self.row[x] |= 1 << y
            self.col[y] |= 1 << x
        else:
            self.row[x] &= ~(1 << y)
            self.col[y] &= ~(1 << x)

    # pieces -----------------------------------------------------------------------------------------------------
    def _source(self, k: int) -> tuple[str, int, str | None] | bool | None:
        """Where class ``k``'s packets to another subnet start routing: (router, iterations used, key of the
        agent that learned the source's address), None when they never get there, False when the pieces do
        not apply (its gateway is a host)."""
        e = self.reps[k]
        fw = self.fw
        try:
            if not e.on_host:
                a = fw._agent(e)
                assert isinstance(a, RouterAgent)
                return (a.router, 0, None)
            if e.gateway is None:
                return None
            x = HostAgent(e)
            y = fw.next_agent(x, e.gateway, x.ip, NO_IP, set())
        except Unreachable:
            return None
        if not isinstance(y, RouterAgent):
            return False
        return (y.router, 1, y.key)

    def _route_class(self, k: int) -> object:
        """Addresses of one route class meet the same route at every router (the routed prefixes holding it)."""
        got = self._rc.get(k)
        if got is None:
            ip = int(self.reps[k].ip.ip)  # type: ignore[union-attr]
            got = self._rc[k] = self.snap.l3.prefixes_holding(ip)
        return got

    def _step_at(self, r: str, rc: object, ip: IPv4Address) -> tuple:
        """One router's step toward a route class it owns nothing of: ("at", egress agent) for a connected
        route, ("next", router) after a leg to the next hop, ("fail",)."""
        key = (r, rc)
        got = self._step.get(key)
        if got is None:
            fw = self.fw
            try:
                rt = self.snap.l3.route(r, ip)
                if rt is None:
                    got = ("fail",)
                elif rt.kind == "connected":
                    got = ("at", fw.iface_agent(rt.iface))
                else:
                    y = fw.next_agent(fw.iface_agent(rt.iface), rt.next_hop, NO_IP, ip, set())  # type: ignore[arg-type]
                    got = ("next", y.router) if isinstance(y, RouterAgent) else ("fail",)
            except Unreachable:
                got = ("fail",)
            self._step[key] = got
        return got

    def _transit(self, r: str, k: int) -> tuple[RouterAgent | None, int]:
        """From router ``r`` toward class ``k``'s subnet (owned by no router on the way): the egress agent of
        the router whose route is connected (None: the packet is lost first) and the routers visited."""
        rc = self._route_class(k)
        key = (r, rc)
        got = self._transit_memo.get(key)
        if got is None:
            self._transit_memo[key] = (None, MAX_ROUTED_HOPS + 1)  # a routing loop comes back here: lost
            st = self._step_at(r, rc, self.reps[k].ip.ip)  # type: ignore[union-attr]
            if st[0] == "at":
                got = (st[1], 1)
            elif st[0] == "fail":
                got = (None, 1)
            else:
                egress, count = self._transit(st[1], k)
                got = (egress, count + 1) if count < MAX_ROUTED_HOPS else (None, MAX_ROUTED_HOPS + 1)
            self._transit_memo[key] = got
        return got

    def _to_host(self, r: str, k: int, arp: bool) -> tuple[bool, RouterAgent | None, int]:
        """A packet at router ``r`` for host class ``k``: (delivered, last egress agent, iterations)."""
        egress, count = self._transit(r, k)
        if egress is None:
            return False, None, count
        key = (egress.key, k, arp)
        ok = self._last.get(key)
        if ok is None:
            e = self.reps[k]
            assert e.ip is not None
            learned: set[tuple[str, IPv4Address]] = set() if arp else {(egress.key, e.ip.ip)}
            try:
                y = self.fw.next_agent(egress, e.ip.ip, NO_IP, e.ip.ip, learned)
                ok = isinstance(y, HostAgent) and y.ep.name == e.name
            except Unreachable:
                ok = False
            self._last[key] = ok
        return ok, egress, count

    def _to_router(self, r: str, k: int) -> tuple[bool, str | None, int]:
        """A packet at router ``r`` for router endpoint class ``k``: (taken, the router that took it, iterations)."""
        key = (r, k)
        got = self._routers_memo.get(key)
        if got is None:
            self._routers_memo[key] = (False, None, MAX_ROUTED_HOPS + 1)  # a routing loop comes back here: lost
            got = self._routers_memo[key] = self._router_step(r, k)
        return got

    def _router_step(self, r: str, k: int) -> tuple[bool, str | None, int]:
        e = self.reps[k]
        assert e.ip is not None
        ip = e.ip.ip
        if self.snap.l3.owns(r, ip) is not None:
            return True, r, 1
        rc = self._route_class(k)
        st = self._step_at(r, rc, ip)
        if st[0] == "fail":
            return False, None, 1
        if st[0] == "next":
            nxt = st[1]
        else:  # connected: the leg to whoever answers for the address, then that router takes over
            egress = st[1]
            ckey = (egress.key, k)
            nxt = self._onto.get(ckey, False)
            if nxt is False:
                try:
                    y = self.fw.next_agent(egress, ip, NO_IP, ip, set())
                    nxt = y.router if isinstance(y, RouterAgent) else None
                except Unreachable:
                    nxt = None
                self._onto[ckey] = nxt
            if nxt is None:
                return False, None, 1
        ok, taker, count = self._to_router(nxt, k)  # type: ignore[arg-type]
        if not ok or count >= MAX_ROUTED_HOPS:
            return False, None, MAX_ROUTED_HOPS + 1
        return True, taker, count + 1

    def _reply_start(self, k: int, skip_arp: bool) -> str | bool | None:
        """The router where host class ``k``'s reply to another subnet starts routing (None: it never gets
        there; False: the pieces do not apply).  ``skip_arp``: its gateway is the address that just
        delivered to it, learned then."""
        key = (k, skip_arp)
        got = self._first_rep.get(key)
        if got is None:
            e = self.reps[k]
            if e.gateway is None:
                got = None
            else:
                x = HostAgent(e)
                learned = {(x.key, e.gateway)} if skip_arp else set()
                try:
                    y = self.fw.next_agent(x, e.gateway, x.ip, NO_IP, learned)
                    got = y.router if isinstance(y, RouterAgent) else False
                except Unreachable:
                    got = None
            self._first_rep[key] = got
        return got

    # combining ----------------------------------------------------------------------------------------------------
    def _combine(self, src: list, regular: list[bool]) -> None:
        n = len(self.sigs)
        reps = self.reps
        hosts = [e.on_host for e in reps]
        profiles: dict[tuple[str, int], int] = {}  # (router, iterations) -> mask of sources
        for k in range(n):
            if regular[k] and src[k]:
                p = src[k][:2]
                profiles[p] = profiles.get(p, 0) | 1 << k
        # forward: for each profile and destination, where the reply starts ((router, iterations) or None)
        by_reply: dict[tuple[str, int], dict[tuple[str, int], int]] = {}  # profile -> reply start -> mask of y
        reply_of: dict[tuple[str, int], list] = {}
        for p in profiles:
            r, n0 = p
            starts: list = [None] * n
            masks: dict[tuple[str, int], int] = {}
            for y in range(n):
                if not regular[y]:
                    continue
                if hosts[y]:
                    ok, egress, count = self._to_host(r, y, True)
                    if not ok or n0 + count > MAX_ROUTED_HOPS:
                        continue
                    assert egress is not None
                    q = self._reply_start(y, egress.ip == reps[y].gateway)
                    if q is False:
                        regular[y] = False  # its gateway is a host: walked whole
                        continue
                    start = None if q is None else (q, 1)
                else:
                    ok, taker, count = self._to_router(r, y)
                    if not ok or n0 + count > MAX_ROUTED_HOPS:
                        continue
                    start = (taker, 0)
                if start is not None:
                    starts[y] = start
                    masks[start] = masks.get(start, 0) | 1 << y
            by_reply[p] = masks
            reply_of[p] = starts
        # replies: from each start, which sources take the reply
        back: dict[tuple[str, int], int] = {}
        starts_used = {s for masks in by_reply.values() for s in masks}
        for start in starts_used:
            q, n0 = start
            mask = 0
            for x in range(n):
                if not (regular[x] and src[x]):
                    continue
                if hosts[x]:
                    egress, _ = self._transit(q, x)
                    if egress is None:
                        continue
                    ok, _, count = self._to_host(q, x, egress.key != src[x][2])
                else:
                    ok, _, count = self._to_router(q, x)
                if ok and n0 + count <= MAX_ROUTED_HOPS:
                    mask |= 1 << x
            back[start] = mask
        for p, xs in profiles.items():
            masks = by_reply[p]
            for x in _bits(xs):
                row = 0
                for start, ys in masks.items():
                    if back[start] >> x & 1:
                        row |= ys
                self.row[x] = row
            starts = reply_of[p]
            for y in range(n):
                start = starts[y]
                if start is not None:
                    self.col[y] |= xs & back[start]

    def _local_pairs(self, regular: list[bool]) -> set[tuple[int, int]]:
        """Pairs where one end is a host whose subnet holds the other's address (both directions)."""
        by_prefix: dict[tuple[int, int], list[int]] = {}
        lengths = {e.ip.network.prefixlen for e in self.reps if e.on_host and e.ip is not None}
        for k, e in enumerate(self.reps):
            if e.ip is None:
                continue
            ip = int(e.ip.ip)
            for length in lengths:
                by_prefix.setdefault((length, ip >> (32 - length)), []).append(k)
        out: set[tuple[int, int]] = set()
        for k, e in enumerate(self.reps):
            if not (e.on_host and e.ip is not None and regular[k]):
                continue
            length = e.ip.network.prefixlen
            for j in by_prefix.get((length, int(e.ip.ip) >> (32 - length)), ()):
                if j != k:
                    out.add((k, j))
                    out.add((j, k))
        return out


def _bits(mask: int) -> list[int]:
    out = []
    while mask:
        low = mask & -mask
        out.append(low.bit_length() - 1)
        mask ^= low
    return out
