"""Long loads show their stage on a terminal (issue 8, item 4); piped output stays clean."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

import vinfra
from _paths import DATA, OWN_EXAMPLES
from vinfra.cli import main

runner = CliRunner()
EXAMPLE = OWN_EXAMPLES / "two-independent-switches.yaml"


def test_load_reports_its_stages() -> None:
    stages: list[str] = []
    vinfra.load(EXAMPLE, progress=stages.append)
    assert stages == ["reading", "parsing", "validating"]
    stages.clear()
    with pytest.raises(vinfra.DesignError):
        vinfra.load(DATA / "bad" / "error-at-line-100.yaml", progress=stages.append)
    assert stages == ["reading", "parsing", "validating", "locating 1 error"]


def test_a_large_design_on_a_terminal_shows_the_stage(monkeypatch: pytest.MonkeyPatch) -> None:
    seen: list[str] = []

    class Status:
        def __init__(self, text: str, **_: object) -> None:
            seen.append(text)

        def __enter__(self) -> Status:
            return self

        def __exit__(self, *_: object) -> None:
            pass

        def update(self, text: str) -> None:
            seen.append(text)

    monkeypatch.setattr(main, "PROGRESS_BYTES", 0)
    monkeypatch.setattr(main.err, "_force_terminal", True)
    monkeypatch.setattr(main.err, "status", Status)
    assert main.load_showing_progress(EXAMPLE).name == "branch-two-independent-switches"
    assert seen == [f"{EXAMPLE}: {stage}" for stage in ("loading", "reading", "parsing", "validating")]


def test_no_progress_when_not_a_terminal(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(main, "PROGRESS_BYTES", 0)
    result = runner.invoke(main.app, ["validate", str(EXAMPLE)])
    assert result.exit_code == 0 and result.stderr == ""
