"""The oracle of the reach==trace property tests: every place where ``reach`` (its listed pairs, a fresh
``Reach.pair`` and its classes with their ``reaches`` lists) answers differently from ``trace``, the
frame-by-frame walk, on one case.  Every generator of designs (the wide one of :mod:`_random_design` and the
narrow ones aimed at one feature) asks this one function.  :func:`lost_by_walk` is the same walk's truth for
the failure sweep (what a scenario loses)."""

from __future__ import annotations

from _random_design import Case
from vinfra.analysis.reach import Reach, reach
from vinfra.network import Snapshot
from vinfra.network.endpoints import Endpoint
from vinfra.network.forwarding import Forwarding, Verdict


def walk(snap: Snapshot, eps: list[Endpoint]) -> dict[tuple[str, str], Verdict]:
    return {(a.name, b.name): Forwarding(snap, record=True).ping(a, b) for a in eps for b in eps if a.name != b.name}


def disagreements(case: Case) -> list[str]:
    """Every place where ``reach`` answers differently from ``trace`` on this case."""
    snap = case.snapshot()  # every drawn design is valid: a DesignError here is a generator bug
    everyone = snap.endpoints.all
    listed_eps = snap.endpoints.listed()
    truth = walk(snap, everyone)
    by_name = {e.name: e for e in everyone}
    wrong: list[str] = []

    def judge(what: str, a: Endpoint, b: Endpoint, got: bool) -> None:
        v = truth[(a.name, b.name)]
        if got == v.ok:
            return
        wrong.append(f"{what} {a.name} -> {b.name}: reach says {got}, trace says {v.ok} ({v.reason})")

    answer = reach(snap, list_pairs=True, reasons=False)
    listed = {(p["src"], p["dst"]): p["reachable"] for p in answer["pairs"]}
    if len(listed) != len(listed_eps) * (len(listed_eps) - 1):
        wrong.append(f"reach lists {len(listed)} pairs of {len(listed_eps)} endpoints")
    for a in listed_eps:
        for b in listed_eps:
            if a.name != b.name and (a.name, b.name) in listed:
                judge("listed pair", a, b, listed[(a.name, b.name)])
    fresh = Reach(snap)
    for a in everyone:
        for b in everyone:
            if a.name != b.name:
                judge("Reach.pair", a, b, fresh.pair(a, b))

    # classes: a partition of the listed endpoints
    classes = answer["classes"]
    members = [name for cls in classes for name in cls["members"]]
    if sorted(members) != sorted(e.name for e in listed_eps):
        wrong.append(f"the classes hold {sorted(members)}, not each listed endpoint once")
    for cls in classes:
        for x in cls["members"]:
            for y in cls["members"]:
                if x != y:
                    judge(f"class {cls['class']} member", by_name[x], by_name[y], True)
    # class A lists class B iff every member of A reaches every member of B
    for ca in classes:
        for cb in classes:
            if ca is cb:
                continue
            pairs = [(by_name[x], by_name[y]) for x in ca["members"] for y in cb["members"]]
            every = all(truth[(a.name, b.name)].ok for a, b in pairs)
            claimed = cb["class"] in ca["reaches"]
            if claimed == every:
                continue
            failing = next(f"{a.name} -> {b.name} ({truth[(a.name, b.name)].reason})" for a, b in pairs
                           if not truth[(a.name, b.name)].ok) if not every else "none"
            wrong.append(f"class {ca['class']} {ca['members']} {'lists' if claimed else 'does not list'} class "
                         f"{cb['class']} {cb['members']}; trace: every pair reaches = {every}; first failing pair: {failing}")
    return wrong


def lost_by_walk(case: Case, fail: list[str]) -> set[tuple[str, str]]:
    """The truth of the failure sweep's exactness tests: pairs reachable in a fresh intact snapshot and not in a
    fresh one with ``fail``, each ping walked (endpoints on a failed device are down, not lost)."""
    inv = case.inventory()
    intact = Snapshot(inv, settings=case.settings)
    failed = Snapshot(inv, fail=fail, settings=case.settings)
    dead = failed.failed.devices
    eps = [e for e in intact.endpoints.listed() if e.kind == "vip" or e.device not in dead]
    now = {e.name: failed.endpoints.get(e.name) for e in eps}
    fw_b, fw_f = Forwarding(intact), Forwarding(failed)
    lost: set[tuple[str, str]] = set()
    for a in eps:
        for b in eps:
            if a.name == b.name or not fw_b.ping(a, b).ok:
                continue
            na, nb = now[a.name], now[b.name]
            if na is None or nb is None or not fw_f.ping(na, nb).ok:
                lost.add((a.name, b.name))
    return lost
