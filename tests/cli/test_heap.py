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


@pytest.mark.parametrize(("design", "code", "stream", "text"), [
    ("examples/routed-access.yaml", 0, "stdout", ": ok: "),
    ("no-such-design.yaml", 2, "stderr", "no such file"),
])
def test_the_entry_point_leaves_with_output_flushed_and_the_exit_status(design: str, code: int, stream: str,
                                                                        text: str) -> None:
    import subprocess
    import sys
    from pathlib import Path

    root = Path(__file__).resolve().parents[2]
    proc = subprocess.run([sys.executable, "-c", "from vinfra.cli.main import main; main()", "validate", design],
                          cwd=root, capture_output=True, text=True, env={"PYTHONPATH": str(root / "src")}, check=False)
    assert proc.returncode == code
    assert text in getattr(proc, stream)


def test_no_collections_freezes_what_the_block_built_when_the_process_ends_with_the_command(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Otherwise the first young collection after the block walks every object it allocated (a 2,500-host
    reach: about 0.25 s)."""
    monkeypatch.setattr(heap, "_whole_process", True)
    gc.unfreeze()
    try:
        with heap.no_collections():
            assert not gc.isenabled()
            kept = [[i] for i in range(1000)]
        assert gc.isenabled()
        assert gc.get_freeze_count() >= len(kept)
    finally:
        gc.unfreeze()


def test_no_collections_changes_nothing_in_process(in_process: None) -> None:
    gc.unfreeze()
    with heap.no_collections():
        assert gc.isenabled()
    assert gc.get_freeze_count() == 0
