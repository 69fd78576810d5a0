"""vinfra.analysis.diff and ``vinfra diff``: pairs whose reachability changed, findings that came and went."""

from __future__ import annotations

import copy
import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

import vinfra
from _plants import scenario12_plant as _design
from vinfra.analysis.diff import diff
from vinfra.analysis.failures import Baseline, run_scenario
from vinfra.cli.main import app
from vinfra.network import Snapshot

runner = CliRunner()


def test_fail_diff_lists_the_pairs_the_sweep_loses() -> None:
    inv = vinfra.from_data(_design())
    answer = diff(Snapshot(inv), Snapshot(inv, fail=["s1:Gi0/47"]))
    changed = {(p["src"], p["dst"]) for p in answer["pairs"]}
    lost = {tuple(p) for p in run_scenario(Baseline(inv), ["s1:Gi0/47"])["lost"]}
    assert changed == lost and answer["pairs_changed"] == len(lost)
    assert all(p["before"] and not p["after"] for p in answer["pairs"])


def test_design_diff_pairs_and_findings() -> None:
    a = _design()
    b = copy.deepcopy(a)
    b["switches"]["s1"]["link_state_tracking"] = [{"group": 1, "upstream": ["Gi0/47"], "downstream": ["Gi0/1"]}]
    b["vms"]["vc"]["nics"][0]["ip"] = "10.0.11.13/24"  # vc moves out of the VLAN's subnet
    answer = diff(Snapshot(vinfra.from_data(a)), Snapshot(vinfra.from_data(b)))
    changed = {(p["src"], p["dst"]) for p in answer["pairs"]}
    assert ("va", "vc") in changed and ("vc", "va") in changed and ("va", "vb") not in changed
    went = {f["rule"] for f in answer["findings"]["went_away"]}
    assert "no-upstream-failure-detection" in went
    # the same design on both sides: nothing
    same = diff(Snapshot(vinfra.from_data(a)), Snapshot(vinfra.from_data(a)))
    assert same["pairs"] == [] and same["findings"] == {"appeared": [], "went_away": []}


def _write(tmp_path: Path, name: str, data: dict) -> Path:
    p = tmp_path / name
    p.write_text(json.dumps(data))
    return p


def test_cli_json_and_text(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.json", _design())
    result = runner.invoke(app, ["diff", str(a), "--fail", "s1:Gi0/47", "--format", "json"])
    assert result.exit_code == 0
    data = json.loads(result.stdout)
    assert set(data) == {"endpoints", "pairs_changed", "pairs", "findings"} and data["pairs_changed"] > 0
    text = runner.invoke(app, ["diff", str(a), "--fail", "s1:Gi0/47"])
    assert text.exit_code == 0 and f"{data['pairs_changed']} pairs changed" in text.stdout


@pytest.mark.parametrize(("args", "message"), [
    ([], "give a second design or at least one --fail"),
    (["--fail", "nosuch"], "--fail nosuch"),
    (["--format", "xml"], "error: --format: 'xml' is not one of 'text', 'json'"),
])
def test_cli_bad_input_exits_2(tmp_path: Path, args: list[str], message: str) -> None:
    a = _write(tmp_path, "a.json", _design())
    result = runner.invoke(app, ["diff", str(a), *args])
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output
