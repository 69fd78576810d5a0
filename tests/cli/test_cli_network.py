"""``vinfra trace`` and ``vinfra reach``: exit status as ping's (0 reachable, 1 unreachable, 2 bad input), one
reason for one failure in both, and tables printed whole when the output is not a terminal."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from _paths import ROOT
from vinfra.cli.main import app

runner = CliRunner()
DESIGN = str(ROOT / "examples" / "two-independent-switches.yaml")
BOTH_UPLINKS = ["--fail", "esx01:vmnic0", "--fail", "esx01:vmnic1"]


@pytest.mark.parametrize("fmt", ["text", "json"])
def test_trace_exit_status_follows_the_verdict(fmt: str) -> None:
    ok = runner.invoke(app, ["trace", DESIGN, "intranet01", "erp-app01", "--format", fmt])
    assert ok.exit_code == 0, ok.output
    down = runner.invoke(app, ["trace", DESIGN, "intranet01", "erp-app01", *BOTH_UPLINKS, "--format", fmt])
    assert down.exit_code == 1, down.output
    assert "unreachable" in down.stdout
    bad = runner.invoke(app, ["trace", DESIGN, "intranet01", "nosuch", "--format", fmt])
    assert bad.exit_code == 2 and "unknown endpoint 'nosuch'" in bad.stderr


def test_reach_exits_0_whatever_the_answer() -> None:
    result = runner.invoke(app, ["reach", DESIGN, "--from", "intranet01", *BOTH_UPLINKS, "--format", "json"])
    assert result.exit_code == 0
    assert not any(p["reachable"] for p in json.loads(result.stdout)["pairs"])


def test_failed_uplinks_are_the_reason_in_trace_and_reach() -> None:
    """Both uplinks of intranet01's team down (F6, T10): the ping dies at the sender, whose gateway is an HSRP
    address; trace and reach name the failed uplinks, not a missing ARP answer."""
    traced = json.loads(runner.invoke(app, ["trace", DESIGN, "intranet01", "erp-db01", *BOTH_UPLINKS,
                                            "--format", "json"]).stdout)
    assert traced["reason"].startswith("intranet01: every active and standby uplink of port group Web has failed")
    assert "vmnic0: esx01:vmnic0 is link-down" in traced["reason"] and "(F6, T10)" in traced["reason"]
    reached = json.loads(runner.invoke(app, ["reach", DESIGN, "--from", "intranet01", "--to", "erp-db01",
                                             "--to", "core-1:Vlan130", *BOTH_UPLINKS, "--format", "json"]).stdout)
    assert {p["reason"] for p in reached["pairs"]} == {traced["reason"]}


def test_trace_table_is_whole_when_piped() -> None:
    """A pipe is not a terminal: the rows are printed at the width they need, never folded at 80 columns."""
    result = runner.invoke(app, ["trace", DESIGN, "intranet01", "erp-app01"])
    decision = "10.20.140.21 is not in 10.20.130.0/24: send to gateway 10.20.130.1"
    assert any(decision in line for line in result.stdout.splitlines())
    assert all(line == line.rstrip() for line in result.stdout.splitlines())
