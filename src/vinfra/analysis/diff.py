"""``diff``: what a planned change does, before it is made (Batfish's differential questions).

Two snapshots, *before* and *after* (two designs, or one design intact and with failures), compared row by
row:

- **pairs**: endpoint pairs (of endpoints both snapshots have, by name) whose reachability changed, each
  ``{src, dst, before, after}``; endpoints only one side has are listed as added or removed;
- **findings**: the checks' findings (:mod:`vinfra.checks`) that appeared or went away, compared by rule,
  objects, message and status, each located in the design it belongs to.

Pairs are compared a class at a time: endpoints with the same reach signature on each side
(:meth:`vinfra.analysis.reach.Reach.signature`) answer alike toward other hosts, so each pair of (before,
after) signature groups is decided by one bit of each side's class matrix; ports of one host are walked
when anything about their host differs.
"""

from __future__ import annotations

from typing import Any

from ..checks import run_checks
from ..network import Snapshot
from ..network.endpoints import Endpoint
from .reach import Reach

#: at most this many changed pairs are listed (the count is always given)
MAX_LISTED_PAIRS = 10_000


def diff(before: Snapshot, after: Snapshot) -> dict[str, Any]:
    """Pairs whose reachability changed and findings that appeared or went away (see the module doc)."""
    ea = {e.name: e for e in before.endpoints.listed()}
    eb = {e.name: e for e in after.endpoints.listed()}
    order = {n: k for k, n in enumerate(e.name for e in before.endpoints.listed() if e.name in eb)}
    pairs = _changed_pairs(before, after, ea, eb, list(order))
    pairs.sort(key=lambda p: (order[p[0]], order[p[1]]))
    return {
        "endpoints": {"added": sorted(set(eb) - set(ea)), "removed": sorted(set(ea) - set(eb))},
        "pairs_changed": len(pairs),
        "pairs": [{"src": a, "dst": b, "before": was, "after": now} for a, b, was, now in pairs[:MAX_LISTED_PAIRS]],
        "findings": _changed_findings(before, after),
    }


def _changed_pairs(before: Snapshot, after: Snapshot, ea: dict[str, Endpoint], eb: dict[str, Endpoint],
                   names: list[str]) -> list[tuple[str, str, bool, bool]]:
    ra, rb = Reach(before), Reach(after)
    sa = {n: ra.signature(e) for n, e in ea.items()}
    sb = {n: rb.signature(e) for n, e in eb.items()}
    bulk_a, bulk_b = ra.bulk(list(dict.fromkeys(sa.values()))), rb.bulk(list(dict.fromkeys(sb.values())))
    groups: dict[tuple[int, int], list[str]] = {}
    for n in names:
        groups.setdefault((bulk_a.index[sa[n]], bulk_b.index[sb[n]]), []).append(n)
    out: list[tuple[str, str, bool, bool]] = []

    def same_host(a: str, b: str) -> bool:
        x, y = ea[a], ea[b]
        return x.on_host and y.on_host and x.device == y.device

    keys = list(groups)
    for ka in keys:
        row_a, row_b = bulk_a.row[ka[0]], bulk_b.row[ka[1]]
        for kb in keys:
            was, now = bool(row_a >> kb[0] & 1), bool(row_b >> kb[1] & 1)
            if was == now:
                continue
            out += [(a, b, was, now) for a in groups[ka] for b in groups[kb] if a != b and not same_host(a, b)]
    # ports of one host: walked where the host, or the signature of one of its ports, differs
    inv_a, inv_b = before.inventory, after.inventory
    by_host: dict[str, list[str]] = {}
    for n in names:
        if ea[n].on_host and eb[n].on_host and ea[n].device == eb[n].device:
            by_host.setdefault(ea[n].device, []).append(n)
    for host, members in by_host.items():
        differs = ((inv_a is not inv_b and inv_a.hosts.get(host) != inv_b.hosts.get(host))
                   or any(sa[n] != sb[n] or sa[n][0] == "own" for n in members))
        if not differs:
            continue
        for a in members:
            for b in members:
                if a != b:
                    was, now = ra.pair(ea[a], ea[b]), rb.pair(eb[a], eb[b])
                    if was != now:
                        out.append((a, b, was, now))
    return out


def _changed_findings(before: Snapshot, after: Snapshot) -> dict[str, list[dict[str, Any]]]:
    fa, fb = run_checks(before).located(), run_checks(after).located()
    ka, kb = {f.sort_key() for f in fa}, {f.sort_key() for f in fb}
    return {"appeared": [f.as_dict() for f in fb if f.sort_key() not in ka],
            "went_away": [f.as_dict() for f in fa if f.sort_key() not in kb]}


__all__ = ["MAX_LISTED_PAIRS", "diff"]
