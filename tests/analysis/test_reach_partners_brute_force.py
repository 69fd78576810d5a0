"""``Reach._partners`` (which ports of one host talk directly, found per host by subnet or through an index)
finds exactly the pairs that trying every pair of a host's ports with ``Reach._direct`` finds: the class
lists' checks of ports of one host (F3, F10) are asked of those pairs only.  A port asked for under two names
is two entries, and the two talk directly."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, note, settings

from _deep import examples
from _random_design import Case, cases, sample
from vinfra.analysis.reach import Reach
from vinfra.network.endpoints import Endpoint


def _brute_force(r: Reach, named: list[tuple[str, Endpoint]]) -> set[frozenset[int]]:
    out = set()
    for i, (_, a) in enumerate(named):
        for j in range(i + 1, len(named)):
            b = named[j][1]
            if a.on_host and b.on_host and a.device == b.device and r._direct(a, b):
                out.add(frozenset((id(named[i]), id(named[j]))))
    return out


def _assert_partners_exact(case: Case) -> None:
    snap = case.snapshot()
    r = Reach(snap)
    named = [(e.name, e) for e in snap.endpoints.listed()]
    hosted = [e for _, e in named if e.on_host and e.ip is not None]
    if hosted:
        named.append((str(hosted[0].ip.ip), hosted[0]))  # one port under a second name
    for _, e in named:
        r.signature(e)
    partners, links = r._partners(named)
    want = _brute_force(r, named)
    got: list[frozenset[int]] = []
    for link in links:
        for i, a in enumerate(link):
            got.extend(frozenset((id(a), id(b))) for b in link[i + 1:])
    assert len(got) == len(set(got)), "a pair held twice in the links"
    assert set(got) == want
    for m in named:
        mine = {frozenset((id(m), id(n))) for n in partners.get(id(m), ()) if n is not m}
        assert mine == {p for p in want if id(m) in p}, m[0]


def test_partners_match_every_pair_on_a_fixed_sample() -> None:
    for case in sample(9, 40):
        _assert_partners_exact(case)


@pytest.mark.deep
@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_partners_match_every_pair(case: Case) -> None:
    note(case.text())
    _assert_partners_exact(case)
