"""``Reach.sign`` (the signatures of many ports in one pass, the ports after the first of a port key taken by a
short path) gives exactly what :meth:`Reach.signature` gives port by port: the same signature per name, the same
classes with their members in the same order, the same numbered views, and the same view keys and problems kept
by the walk.  Drawn over the whole design space (failures included), with a port asked for twice."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, note, settings

from _deep import examples
from _random_design import Case, cases, sample, with_twins
from vinfra.analysis.reach import Reach


def _assert_sign_agrees(case: Case) -> None:
    eps = case.snapshot().endpoints.listed()
    eps = eps + eps[: len(eps) // 3]  # a port asked for again: its signature is kept, its class not joined twice
    one_by_one = Reach(case.snapshot())
    for e in eps:
        one_by_one.signature(e)
    batch = Reach(case.snapshot())
    batch.sign(eps)
    assert batch._sig == one_by_one._sig
    assert {s: [e.name for e in m] for s, m in batch._members.items()} == \
        {s: [e.name for e in m] for s, m in one_by_one._members.items()}
    assert batch._view_list == one_by_one._view_list
    assert batch.fw._view_keys == one_by_one.fw._view_keys
    assert batch.fw._problems == one_by_one.fw._problems


def test_sign_agrees_on_a_fixed_sample() -> None:
    for case in sample(31, 30):
        _assert_sign_agrees(case)
        _assert_sign_agrees(with_twins(case))


@pytest.mark.deep
@settings(max_examples=examples(40), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_sign_agrees(case: Case) -> None:
    note(case.text())
    _assert_sign_agrees(with_twins(case))
