"""Property: :attr:`CheckContext.channels`, gathered from the snapshot's per-port answers
(:meth:`Snapshot.channel_of`), is :attr:`Snapshot.channels` (every channel built at once), on random designs
from across topology-v1 (stacks, MLAG pairs, cross-stack channels, failures) with a twin of every host."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, note, settings

from _deep import examples
from _random_design import Case, cases, sample, with_twins
from vinfra.checks.context import CheckContext


def _agree(case: Case) -> None:
    gathered = CheckContext(case.snapshot()).channels
    built = case.snapshot().channels  # a snapshot of its own: no channel built for the other one's questions
    assert gathered == built
    assert [ch.key for ch in gathered] == sorted(ch.key for ch in built)


def test_the_sample_agrees() -> None:
    for case in sample(9, 12):
        _agree(with_twins(case))


@pytest.mark.deep
@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_gathered_channels_are_the_snapshots(case: Case) -> None:
    case = with_twins(case)
    note(case.text())
    _agree(case)
