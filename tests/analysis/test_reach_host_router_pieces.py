"""``Bulk._host_router`` and ``Bulk._router_host`` (a host class and a router port in its subnet, answered from
the walk's own steps with the reply's last leg shared) give the verdict of the ping walked whole, both ways,
wherever they answer (None: the walk decides); on a fixed sample of random designs and hypothesis cases
(failures, FHRP and anycast gateways, duplicate addresses, hashed teams included)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, note, settings

from _deep import examples
from _random_design import Case, cases, sample
from vinfra.analysis.reach import Reach


def _assert_pieces_match_walk(case: Case) -> int:
    snap = case.snapshot()
    r = Reach(snap)
    r.classes([(e.name, e) for e in snap.endpoints.listed()])
    bulk = r._bulk
    assert bulk is not None
    answered = 0
    for k, ek in enumerate(bulk.reps):
        if not (ek.on_host and bulk.regular[k]):
            continue
        for j, ej in enumerate(bulk.reps):
            if ej.on_host or not bulk.regular[j]:
                continue
            for got, a, b in ((bulk._host_router(k, j), ek, ej), (bulk._router_host(j, k), ej, ek)):
                if got is None:
                    continue
                answered += 1
                assert got == r._eval(a, b, True), (a.name, b.name)
    return answered


def test_pieces_match_the_walk_on_a_fixed_sample() -> None:
    assert sum(_assert_pieces_match_walk(case) for case in sample(11, 40)) > 0


@pytest.mark.deep
@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_pieces_match_the_walk(case: Case) -> None:
    note(case.text())
    _assert_pieces_match_walk(case)
