"""Property: the work rules share between hosts, ports and teams with the same profile
(:meth:`CheckContext.shared`, the fast path) gives exactly the findings of working it out for each of them
(``share=False``, the slow path), on random designs from across topology-v1 (:mod:`_random_design`) with a
twin of every host (cabled alike to the same switches), faults and failures included."""

from __future__ import annotations

from collections import Counter
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings

from _deep import examples
from _random_design import Case, cases, sample, with_twins
from vinfra.checks import run_checks
from vinfra.checks.context import CheckContext
from vinfra.network import Snapshot


def _findings(snap: Snapshot, share: bool) -> list[tuple[Any, ...]]:
    run = run_checks(snap, share=share)
    return [(f.code, f.status, f.severity, f.objects, f.message, f.fix, f.path) for f in run.findings]


def _both(case: Case) -> tuple[list[tuple[Any, ...]], list[tuple[Any, ...]]]:
    return _findings(case.snapshot(), True), _findings(case.snapshot(), False)


@pytest.mark.deep
@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_shared_work_gives_the_findings_of_each_ones_work(case: Case) -> None:
    case = with_twins(case)
    note(case.text())
    fast, slow = _both(case)
    assert fast == slow


def test_the_sample_shares_work_and_finds_things(monkeypatch: pytest.MonkeyPatch) -> None:
    """On the fixed sample, twins make the shared tables answer more look-ups than they hold (work is shared
    for real), the rules that share work find failures, and fast and slow paths agree."""
    asked: Counter[str] = Counter()
    original = CheckContext.shared

    def counting(self: CheckContext, table: str, key: Any, work: Any) -> Any:
        asked[table] += 1
        return original(self, table, key, work)

    monkeypatch.setattr(CheckContext, "shared", counting)
    held: Counter[str] = Counter()
    codes: Counter[str] = Counter()
    for case in sample(9, 12):
        case = with_twins(case)
        snap = case.snapshot()
        run = run_checks(snap)
        codes.update(f.code for f in run.findings)
        ctx = CheckContext(snap)
        for r in run.rules:
            list(r.func(ctx))
        held.update({table: len(memo) for table, memo in ctx._shared.items()})
        assert _findings(snap, True) == _findings(case.snapshot(), False)
    for table in held:
        assert asked[table] > held[table], f"table {table} shared nothing"
    assert {"gateway", "host-domains"} <= set(held)
    assert codes["VN601"] and codes["VN604"], codes
