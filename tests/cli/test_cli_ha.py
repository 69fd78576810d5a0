"""``vinfra ha``: the JSON shape of issue 11, exit status (0 protected, 1 short, 2 bad input), the text."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner

from _paths import SHARED
from vinfra.cli.main import app

runner = CliRunner()


def _host(mhz: int, memory_gb: float, cluster: str = "c1") -> dict[str, Any]:
    return {"cluster": cluster, "cpu": {"sockets": 1, "cores": 1, "mhz": mhz}, "memory_gb": memory_gb}


def _vm(host: str, memory_gb: float, priority: str) -> dict[str, Any]:
    return {"host": host, "memory_gb": max(memory_gb, 1), "memory": {"reservation_gb": memory_gb},
            "ha": {"restart_priority": priority}}


@pytest.fixture
def scenario_12(tmp_path: Path) -> str:
    """cluster-behaviour §7 scenario 12: H1 fails; H2 and H3 have 3 GB unreserved each."""
    design = {"name": "s12", "clusters": {"c1": {"ha": {"enabled": True}}, "c2": {}},
              "hosts": {"H1": _host(9000, 8), "H2": _host(9000, 3), "H3": _host(9000, 3), "X1": _host(9000, 8, "c2")},
              "vms": {"High": _vm("H1", 2, "high"), "Medium": _vm("H1", 2, "medium"), "Low": _vm("H1", 2, "low"),
                      "Disabled": _vm("H1", 1, "disabled")}}
    path = tmp_path / "s12.json"
    path.write_text(json.dumps(design), encoding="utf-8")
    return str(path)


def test_json_has_the_issue_shape_and_exit_1_when_a_vm_is_left_down(scenario_12: str) -> None:
    result = runner.invoke(app, ["ha", scenario_12, "--fail-host", "H1", "--format", "json"])
    assert result.exit_code == 1, result.output
    answer = json.loads(result.stdout)
    assert {"admission", "restarted", "not_restarted"} <= set(answer)
    assert [(r["vm"], r["host"]) for r in answer["restarted"]] == [("High", "H2"), ("Medium", "H3")]
    assert [n["vm"] for n in answer["not_restarted"]] == ["Low", "Disabled"]
    assert all(n["reason"] for n in answer["not_restarted"])
    assert answer["admission"]["policy"] == "host_failures" and answer["cluster"] == "c1"
    assert answer["isolation_response"] == {"H1": "leave_powered_on"}


def test_text_and_exit_0_when_every_vm_restarts(tmp_path: Path, scenario_12: str) -> None:
    result = runner.invoke(app, ["ha", scenario_12, "--fail-host", "H1"])
    assert result.exit_code == 1
    assert "HA admission control: cluster c1 (FDM)" in result.stdout and "not restarted" in result.stdout
    assert "H1: 2 VM(s) restarted, 2 not restarted" in result.stdout
    design = json.loads(Path(scenario_12).read_text())
    del design["vms"]["Low"]
    design["hosts"]["H2"]["memory_gb"] = design["hosts"]["H3"]["memory_gb"] = 8  # room for the policy too
    small = tmp_path / "small.json"
    small.write_text(json.dumps(design), encoding="utf-8")
    ok = runner.invoke(app, ["ha", str(small), "--fail-host", "H1", "-f", "json"])
    assert ok.exit_code == 0, ok.output  # Disabled is not restarted, by design: not a shortfall


def test_admission_only_and_slot_caps(scenario_12: str) -> None:
    result = runner.invoke(app, ["ha", scenario_12, "--cluster", "c1", "--slot-mem-mb", "1024", "-f", "json"])
    answer = json.loads(result.stdout)
    assert answer["restarted"] == [] and answer["not_restarted"] == []
    assert answer["admission"]["slot"]["memory_mb"] == 1024
    text = runner.invoke(app, ["ha", scenario_12, "--cluster", "c1"])
    assert "slot size" in text.stdout and "current failover capacity" in text.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["--fail-host", "nosuch"], "error: unknown host 'nosuch'"),
    (["--cluster", "nosuch"], "error: unknown cluster 'nosuch'"),
    ([], "choose one with --cluster"),
    (["--cluster", "c2", "--fail-host", "H1"], "host 'H1' is not in cluster 'c2'"),
    (["--fail-host", ""], "empty value"),
])
def test_bad_input_exits_2(scenario_12: str, args: list[str], message: str) -> None:
    result = runner.invoke(app, ["ha", scenario_12, *args])
    assert result.exit_code == 2
    assert message in result.output
    assert "Traceback" not in result.output


def test_shared_example_restarts_inside_the_cluster() -> None:
    assert SHARED is not None
    design = str(SHARED / "examples" / "seed-complex-esx.yaml")
    result = runner.invoke(app, ["ha", design, "--fail-host", "esx01", "-f", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert {r["vm"]: r["host"] for r in answer["restarted"]} == {"web01": "esx02", "bkp01": "esx02"}
