"""``vinfra drs``: the JSON shape of issue 11, the text tables, exit status (0 answered, 1 a maintenance task
that cannot complete, 2 bad input)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _drs_designs import cluster_design
from _paths import SHARED_EXAMPLES
from vinfra.cli.main import app

runner = CliRunner()


@pytest.fixture
def scenario6(tmp_path: Path) -> Path:
    """§7.6 as a design file: three 10,000-MHz hosts at 70 %, 20 %, 10 %."""
    vms = {"a": {"host": "H1", "cpu_mhz": 3000}, "b": {"host": "H1", "cpu_mhz": 2000},
           "c": {"host": "H1", "cpu_mhz": 2000}, "d": {"host": "H2", "cpu_mhz": 2000},
           "e": {"host": "H3", "cpu_mhz": 1000}}
    rules = [{"name": "b-on-h1", "type": "vm_host", "vms": ["b"], "hosts": ["H1"], "must": True}]
    path = tmp_path / "s6.json"
    path.write_text(json.dumps(cluster_design({"H1": {}, "H2": {}, "H3": {}}, vms, rules=rules)))
    return path


def test_json_has_the_issue_shape(scenario6: Path) -> None:
    result = runner.invoke(app, ["drs", str(scenario6), "--format", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert set(answer["imbalance"]) == {"before", "after", "target"}
    assert answer["imbalance"]["before"] == pytest.approx(0.2625, abs=5e-4)
    assert answer["imbalance"]["target"] == pytest.approx(0.1155, abs=5e-5)
    assert [{k: r[k] for k in ("vm", "from", "to", "priority", "reason")} for r in answer["recommendations"]] == [
        {"vm": "a", "from": "H1", "to": "H3", "priority": 2, "reason": "load balancing"}]
    assert answer["stuck"] == [] and answer["cluster"] == "c1"


def test_threshold_1_and_text(scenario6: Path) -> None:
    result = runner.invoke(app, ["drs", str(scenario6), "--threshold", "1"])
    assert result.exit_code == 0, result.output
    assert "target none (threshold 1: no load balancing)" in result.stdout and "no recommendations" in result.stdout
    text = runner.invoke(app, ["drs", str(scenario6)])
    assert "a" in text.stdout and "H1" in text.stdout and "apply" in text.stdout and "load balancing" in text.stdout


def test_maintenance_that_cannot_complete_exits_1(scenario6: Path) -> None:
    result = runner.invoke(app, ["drs", str(scenario6), "--maintenance", "H1", "--format", "json"])
    assert result.exit_code == 1, result.output
    answer = json.loads(result.stdout)
    assert [s["vm"] for s in answer["stuck"]] == ["b"]
    assert {r["vm"] for r in answer["recommendations"] if r["priority"] == 1} == {"a", "c"}
    text = runner.invoke(app, ["drs", str(scenario6), "--maintenance", "H1"])
    assert text.exit_code == 1 and "maintenance mode of H1: running" in text.stdout and "rule 'b-on-h1'" in text.stdout


def test_several_clusters_and_one() -> None:
    assert SHARED_EXAMPLES is not None
    design = str(SHARED_EXAMPLES / "seed-hierarchical-clusters.yaml")
    both = json.loads(runner.invoke(app, ["drs", design, "--format", "json"]).stdout)
    assert [c["cluster"] for c in both["clusters"]] == ["cl-a", "cl-b"]
    one = runner.invoke(app, ["drs", design, "--cluster", "cl-b", "--maintenance", "esx-b1", "--format", "json"])
    # cl-b's two hosts cannot lose one while HA tolerates a host failure (§1.1 P7, §2.7): the VM stays
    assert one.exit_code == 1, one.output
    answer = json.loads(one.stdout)
    assert answer["cluster"] == "cl-b" and answer["maintenance"] == [{"host": "esx-b1", "complete": False}]
    assert not answer["recommendations"]
    assert answer["stuck"] == [{"vm": "crm01", "reason": "no host can take it: esx-b2: HA admission control refuses it"}]


@pytest.mark.parametrize(("args", "message"), [
    (["--cluster", "nope"], "unknown cluster 'nope'"),
    (["--maintenance", "nope"], "unknown host 'nope'"),
    (["--maintenance", ""], "empty value"),
    (["--threshold", "6"], "--threshold"),
    (["--threshold", "0"], "--threshold"),
])
def test_bad_input_exits_2(scenario6: Path, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["drs", str(scenario6), *args])
    assert result.exit_code == 2
    assert message in result.output


def test_maintenance_host_outside_the_cluster(tmp_path: Path) -> None:
    assert SHARED_EXAMPLES is not None
    design = str(SHARED_EXAMPLES / "seed-hierarchical-clusters.yaml")
    result = runner.invoke(app, ["drs", design, "--cluster", "cl-a", "--maintenance", "esx-b1"])
    assert result.exit_code == 2 and "not in cluster 'cl-a'" in result.output


def test_bad_design_exits_2(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("hosts: {esx01: {cpu: {mhz: -1}}}\n")
    result = runner.invoke(app, ["drs", str(bad)])
    assert result.exit_code == 2 and "bad.yaml:1:" in result.output
