"""Property: :attr:`Snapshot.channels`, gathered from the snapshot's per-port answers (:meth:`Snapshot.channel_of`,
worked out per neighbourhood: a switch's stack and MLAG peer), is :func:`~vinfra.network.lag.build_channels` (every
channel built at once from the whole design's groups), on random designs from across topology-v1 (stacks, MLAG
pairs, cross-stack channels, failures) with a twin of every host; whether or not some ports were asked about first."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, note, settings

from _deep import examples
from _random_design import Case, cases, sample, with_twins
from vinfra.model import InterfaceRef
from vinfra.network.lag import build_channels


def _agree(case: Case) -> None:
    fresh = case.snapshot()
    built = build_channels(fresh.inventory, fresh.cabling.peer, fresh.link_up)
    gathered = fresh.channels
    assert gathered == built
    assert [ch.key for ch in gathered] == [ch.key for ch in built]
    # a snapshot that answered questions about single ports first (as the host-port rules do) gathers those
    # very channels, and the same list
    asked = case.snapshot()
    by_port = {}
    for sname, sw in asked.inventory.switches.items():
        for iname in list(sw.interfaces)[::2]:
            ch = asked.channel_of(InterfaceRef(sname, iname))
            if ch is not None:
                by_port[ch.key] = ch
    again = asked.channels
    assert again == built
    assert all(ch is by_port[ch.key] for ch in again if ch.key in by_port)


def test_the_sample_agrees() -> None:
    for case in sample(9, 12):
        _agree(with_twins(case))


@pytest.mark.deep
@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_gathered_channels_are_the_whole_designs(case: Case) -> None:
    case = with_twins(case)
    note(case.text())
    _agree(case)
