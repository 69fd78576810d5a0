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
from typing import Any

from ..network import Snapshot
from ..network.endpoints import Endpoint
from ..network.forwarding import Forwarding, HostAgent
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

    # signatures -------------------------------------------------------------------------------------------
    def signature(self, e: Endpoint) -> tuple:
        got = self._sig.get(e.name)
        if got is not None:
            return got
        fw = self.fw
        if not e.on_host:
            sig: tuple = ("router", e.name)
        elif fw.sensitive(e):
            sig = ("own", e.name)
        else:
            view = fw.view_key(e)
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
        groups: list[tuple[list[tuple], list[tuple[str, Endpoint]], bool]] = []
        for sigs, members, mergeable in units:
            target = None
            if mergeable:
                for g in groups:
                    if g[2] and all(self.class_reaches(x, y) and self.class_reaches(y, x) for x in g[0] for y in sigs):
                        target = g
                        break
            if target is None:
                groups.append((list(sigs), list(members), mergeable))
            else:
                target[0].extend(sigs)
                target[1].extend(members)
        ordered = sorted(groups, key=lambda g: min(n for n, _ in g[1]))
        out: list[dict[str, Any]] = []
        for k, g in enumerate(ordered):
            reaches = [j + 1 for j, h in enumerate(ordered)
                       if j != k and all(self.class_reaches(x, y) for x in g[0] for y in h[0])]
            out.append({"class": k + 1, "size": len(g[1]), "members": sorted(n for n, _ in g[1]), "reaches": reaches})
        return out


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
