"""``vinfra vmotion``: exit status as trace's (0 allowed, 1 refused, 2 bad input), the JSON shape of issue 11,
and the text table."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from _paths import ROOT
from vinfra.cli.main import app

runner = CliRunner()
DESIGN = str(ROOT / "examples" / "two-independent-switches.yaml")


def test_allowed_json_has_the_issue_shape_and_exit_0() -> None:
    result = runner.invoke(app, ["vmotion", DESIGN, "intranet01", "esx02", "--format", "json"])
    assert result.exit_code == 0, result.output
    answer = json.loads(result.stdout)
    assert {k: answer[k] for k in ("vm", "from", "to", "ok", "faults")} == {
        "vm": "intranet01", "from": "esx01", "to": "esx02", "ok": True, "faults": []}
    est = answer["estimate"]
    assert est["ok"] and est["rounds"] >= 1 and est["downtime_s"] > 0 and est["mb_sent"] >= est["memory_mb"]
    assert est["concurrency"]["vmotions_per_host"] == 4


def test_refused_exits_1_and_names_each_fault() -> None:
    result = runner.invoke(app, ["vmotion", DESIGN, "intranet01", "esx02", "--fail", "esx02", "--format", "json"])
    assert result.exit_code == 1, result.output
    answer = json.loads(result.stdout)
    assert answer["ok"] is False and answer["estimate"] is None
    assert "InvalidHostState" in [f["fault"] for f in answer["faults"]]
    assert all(set(f) == {"fault", "message"} for f in answer["faults"])
    text = runner.invoke(app, ["vmotion", DESIGN, "intranet01", "esx02", "--fail", "esx02"])
    assert text.exit_code == 1 and "refused: " in text.stdout and "InvalidHostState" in text.stdout


def test_text_shows_the_estimate() -> None:
    result = runner.invoke(app, ["vmotion", DESIGN, "intranet01", "esx02", "--policy", "throttle", "--downtime-goal", "0.5"])
    assert result.exit_code == 0, result.output
    assert "pre-copy estimate (throttle, downtime goal 0.5 s)" in result.stdout
    assert "pre-copy rounds" in result.stdout and "intranet01: esx01 -> esx02: allowed" in result.stdout


@pytest.mark.parametrize(("args", "message"), [
    (["nosuch", "esx02"], "error: unknown VM 'nosuch'"),
    (["intranet01", "nosuch"], "error: unknown host 'nosuch'"),
    (["intranet01", "esx01"], "error: intranet01 already runs on esx01"),
])
def test_bad_input_exits_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, ["vmotion", DESIGN, *args])
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output


def test_bad_design_and_bad_failure_exit_2() -> None:
    assert runner.invoke(app, ["vmotion", "/no/such.yaml", "intranet01", "esx02"]).exit_code == 2
    result = runner.invoke(app, ["vmotion", DESIGN, "intranet01", "esx02", "--fail", "nosuch"])
    assert result.exit_code == 2 and "error:" in result.stderr
