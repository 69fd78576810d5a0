"""``vinfra export``: the normalized design on standard output or, atomically, in a file."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import vinfra
from _golden import BROKEN, BROKEN_LINES
from _paths import ROOT, shared_example
from vinfra.cli.main import app
from vinfra.io.export import to_json, to_yaml

runner = CliRunner()
SEED = shared_example("seed-two-independent-switches.yaml")


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_yaml_on_stdout_by_default() -> None:
    result = runner.invoke(app, ["export", str(SEED)])
    assert result.exit_code == 0 and result.stderr == ""
    assert result.stdout == to_yaml(vinfra.load(SEED))
    assert vinfra.load_text(result.stdout, "stdout.yaml") == vinfra.load(SEED)


@pytest.mark.parametrize("flag", ["--format", "-f"])
def test_json_on_stdout(flag: str) -> None:
    result = runner.invoke(app, ["export", str(SEED), flag, "JSON"])
    assert result.exit_code == 0
    assert result.stdout == to_json(vinfra.load(SEED))
    assert json.loads(result.stdout)["hosts"]["esx02"]["vmkernel"]["vmk0"]["ip"] == "10.0.20.12/24"


def test_output_file_format_from_suffix_and_round_trip(tmp_path: Path) -> None:
    for name, first in (("design.json", "{"), ("design.yaml", "#"), ("design.yml", "#")):
        target = tmp_path / name
        result = runner.invoke(app, ["export", "examples/mlag-vds-lacp.yaml", "-o", str(target)])
        assert result.exit_code == 0 and result.stdout == "" and result.stderr == ""
        assert target.read_text(encoding="utf-8").startswith(first)
        assert vinfra.load(target) == vinfra.load("examples/mlag-vds-lacp.yaml")
    assert sorted(p.name for p in tmp_path.iterdir()) == ["design.json", "design.yaml", "design.yml"]


def test_explicit_format_wins_over_the_suffix(tmp_path: Path) -> None:
    target = tmp_path / "design.json"
    result = runner.invoke(app, ["export", str(SEED), "--format", "yaml", "--output", str(target)])
    assert result.exit_code == 0
    assert target.read_text(encoding="utf-8") == to_yaml(vinfra.load(SEED))


def test_bad_design_leaves_the_output_untouched(tmp_path: Path) -> None:
    target = tmp_path / "out.yaml"
    target.write_text("previous export\n", encoding="utf-8")
    result = runner.invoke(app, ["export", BROKEN, "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr.splitlines() == BROKEN_LINES + [f"{len(BROKEN_LINES)} errors"]
    assert target.read_text(encoding="utf-8") == "previous export\n"


def test_unwritable_output_is_an_error_not_a_traceback(tmp_path: Path) -> None:
    target = tmp_path / "no-such-dir" / "out.yaml"
    result = runner.invoke(app, ["export", str(SEED), "-o", str(target)])
    assert result.exit_code == 2
    assert result.stderr == f"{target}: error: cannot write: No such file or directory\n"
    assert not target.parent.exists()


def test_unknown_format_is_a_usage_error() -> None:
    result = runner.invoke(app, ["export", str(SEED), "--format", "xml"])
    assert result.exit_code == 2
    assert "'xml' is not one of" in result.stderr
