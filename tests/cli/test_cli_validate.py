"""``vinfra validate``: exit 0 and a summary per valid design; exit 2 and every diagnostic otherwise."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from _golden import BROKEN, BROKEN_LINES
from _paths import ROOT, designs, shared_example
from vinfra.cli.main import app

runner = CliRunner()


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_valid_design() -> None:
    result = runner.invoke(app, ["validate", "examples/two-independent-switches.yaml"])
    assert result.exit_code == 0
    assert result.stdout == (
        "examples/two-independent-switches.yaml: ok: branch-two-independent-switches: "
        "3 hosts, 4 VMs, 4 switches, 11 links\n"
    )
    assert result.stderr == ""


def test_invalid_design_prints_every_diagnostic_and_exits_2() -> None:
    result = runner.invoke(app, ["validate", BROKEN])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == BROKEN_LINES + [f"{len(BROKEN_LINES)} errors"]


def test_several_files_report_each_and_fail_if_any_fails() -> None:
    seed = shared_example("seed-routed-access.yaml")
    result = runner.invoke(app, ["validate", "examples/routed-access.yaml", BROKEN, str(seed), "missing.yaml"])
    assert result.exit_code == 2
    assert result.stdout.splitlines() == [
        "examples/routed-access.yaml: ok: dc-routed-access: 3 hosts, 3 VMs, 4 switches, 10 links",
        f"{seed}: ok: seed-routed-access: 2 hosts, 3 VMs, 5 switches, 11 links",
    ]
    err = result.stderr.splitlines()
    assert err[: len(BROKEN_LINES)] == BROKEN_LINES
    assert err[len(BROKEN_LINES):] == [f"{len(BROKEN_LINES)} errors", "missing.yaml: error: no such file", "1 error"]


def test_all_valid_exit_0(tmp_path: Path) -> None:
    paths = designs(ROOT / "examples")  # the designs, not their .expect.yaml files
    result = runner.invoke(app, ["validate", *map(str, paths)])
    assert result.exit_code == 0
    assert len(result.stdout.splitlines()) == len(paths) >= 7 and result.stderr == ""


def test_syntax_error_is_not_a_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: [unclosed\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert result.stderr == f"{bad}:1:7: error: invalid YAML: unclosed bracket '['\n1 error\n"
    assert "Traceback" not in result.stderr + result.stdout


def test_no_arguments_is_a_usage_error() -> None:
    result = runner.invoke(app, ["validate"])
    assert result.exit_code == 2
