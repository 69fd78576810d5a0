"""``vinfra generate``."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml_rs
from typer.testing import CliRunner

import vinfra
from vinfra.cli.main import app

runner = CliRunner()


def test_writes_yaml_to_stdout() -> None:
    result = runner.invoke(app, ["generate", "--hosts", "3", "--vms", "5", "--seed", "1", "--pattern", "stacked"])
    assert result.exit_code == 0, result.output
    data = yaml_rs.loads(result.stdout)
    assert vinfra.from_data(data).summary()["vms"] == 5


def test_writes_file_atomically_and_infers_json(tmp_path: Path) -> None:
    out = tmp_path / "d.json"
    result = runner.invoke(app, ["generate", "--hosts", "40", "--vms", "100", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert out.read_text().startswith("{")
    assert len(vinfra.load(out).hosts) == 40
    assert [p.name for p in tmp_path.iterdir()] == ["d.json"]


def test_explicit_format_wins(tmp_path: Path) -> None:
    out = tmp_path / "d.txt"
    assert runner.invoke(app, ["generate", "--hosts", "2", "--vms", "2", "-o", str(out), "--format", "json"]).exit_code == 0
    assert out.read_text().startswith("{")


@pytest.mark.parametrize(("args", "message"), [
    (["--hosts", "0", "--vms", "1"], "--hosts"),
    (["--hosts", "2", "--vms", "-1"], "--vms"),
    (["--hosts", "x", "--vms", "1"], "--hosts"),
    (["--vms", "1"], "--hosts"),
    (["--hosts", "2", "--vms", "1", "--pattern", "ring"], "--pattern: 'ring' is not one of 'independent', 'stacked', 'mlag', 'mixed'"),
    (["--hosts", "2", "--vms", "1", "--format", "xml"], "--format: 'xml' is not one of 'yaml', 'json'"),
    (["--hosts", "2", "--vms", "1", "-o", "/no/such/dir/d.yaml"], "no such folder"),
    (["--hosts", "2", "--vms", "99999999"], "vms must be at most"),
    (["--hosts", "2", "--vms", "1", "--format", "json", "--anchors"], "--anchors needs YAML"),
    (["--hosts", "2", "--vms", "1", "--skew", "0.8"], "a skew is HOT/COLD"),
    (["--hosts", "2", "--vms", "1", "--skew", "0.8/1.2"], "between 0 and 1"),
])
def test_bad_arguments_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["generate", *args])
    assert result.exit_code == 2
    assert message in result.output


def test_anchors(tmp_path: Path) -> None:
    out = tmp_path / "d.yaml"
    result = runner.invoke(app, ["generate", "--hosts", "4", "--vms", "8", "--anchors", "-o", str(out)])
    assert result.exit_code == 0, result.output
    assert "<<: *blk01-cl" in out.read_text()
    assert len(vinfra.load(out).hosts) == 4


def test_skew(tmp_path: Path) -> None:
    out = tmp_path / "d.yaml"
    result = runner.invoke(app, ["generate", "--hosts", "4", "--vms", "40", "--skew", "0.8/0.2", "-o", str(out)])
    assert result.exit_code == 0, result.output
    inv = vinfra.load(out)
    hot = sum(vm.load.cpu_mhz for vm in inv.vms.values() if vm.host == "esx0001") / inv.hosts["esx0001"].cpu.capacity_mhz
    cold = sum(vm.load.cpu_mhz for vm in inv.vms.values() if vm.host == "esx0002") / inv.hosts["esx0002"].cpu.capacity_mhz
    assert 0.65 < hot < 0.95 and 0.1 < cold < 0.3
