"""The collector around commands (cli.heap): frozen objects are thawed for in-process callers only."""

from __future__ import annotations

import gc

import pytest

from vinfra.cli import heap


@pytest.fixture
def in_process(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_whole_process", False)


def test_thaw_gives_an_in_process_caller_its_collector_back(in_process: None) -> None:
    heap.freeze()
    assert gc.get_freeze_count() > 0
    heap.thaw()
    assert gc.get_freeze_count() == 0


def test_keep_freezes_nothing_in_process(in_process: None) -> None:
    gc.unfreeze()
    heap.keep()
    assert gc.get_freeze_count() == 0


def test_whole_process_keeps_objects_frozen(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(heap, "_whole_process", True)
    try:
        heap.keep()
        heap.thaw()
        assert gc.get_freeze_count() > 0  # the process ends: no thaw, no final pass over the design
    finally:
        gc.unfreeze()
