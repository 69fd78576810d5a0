"""Output of a check run: text, JSON and SARIF (validated against the official SARIF 2.1.0
schema), sorting, locations and exit codes — through the CLI, as users see them."""

from __future__ import annotations

import json
from pathlib import Path

import jsonschema
import pytest
from typer.testing import CliRunner

import vinfra
from _paths import shared_example
from vinfra.checks import run_checks
from vinfra.checks.report import exit_code, summary_rows, text_lines, to_json, to_sarif
from vinfra.cli.main import app
from vinfra.network import Snapshot

DATA = Path(__file__).resolve().parents[1] / "data"
RULES = Path(__file__).resolve().parents[1] / "rules"
runner = CliRunner()


def two_switches() -> Path:
    return shared_example("seed-two-independent-switches.yaml")


def invoke(*args: str) -> tuple[int, str, str]:
    result = runner.invoke(app, list(args))
    return result.exit_code, result.stdout, result.stderr


def test_text_lines_locate_findings_in_the_file() -> None:
    run = run_checks(Snapshot(vinfra.load(two_switches())))
    lines = text_lines(run)
    native = [ln for ln in lines if "VN101 portgroup-vlan-is-native [error]" in ln]
    assert len(native) == 2  # esx01 and esx02
    # esx02 inherits its vSwitch from esx01's anchor: both point at the key written there
    design = two_switches().read_text().splitlines()
    for ln in native:
        where = ln.split(": VN101")[0]
        file, line, col = where.rsplit(":", 2)
        assert file == str(two_switches())
        assert design[int(line) - 1][int(col) - 1:].startswith("vlan: 1}")
    # every finding line is followed by its fix line
    for i, ln in enumerate(lines):
        if ": VN" in ln:
            assert lines[i + 1].startswith("    fix: ")
    assert ("VN101", "portgroup-vlan-is-native", "error", 2, 0) in summary_rows(run)


def test_json_shape() -> None:
    run = run_checks(Snapshot(vinfra.load(two_switches())))
    doc = to_json(run)
    assert list(doc) == ["findings"]
    keys = {"code", "rule", "severity", "status", "objects", "message", "fix", "refs", "location"}
    for f in doc["findings"]:
        assert set(f) == keys
        assert set(f["location"]) == {"file", "line", "column"}
        assert isinstance(f["location"]["line"], int)
    first = next(f for f in doc["findings"] if f["rule"] == "portgroup-vlan-is-native")
    assert first["refs"] == ["V6", "V7", "M7"]
    assert "esx01:vSwitch0/Service Console" in first["objects"]
    assert "sw-a (ios): interface Gi1/0/1; switchport trunk native vlan" in first["fix"]


def _schema() -> dict:
    return json.loads((DATA / "sarif-schema-2.1.0.json").read_text(encoding="utf-8"))


@pytest.mark.parametrize("design", [
    "seed-two-independent-switches.yaml", "seed-routed-access.yaml", "seed-stacked-ip-hash.yaml"])
def test_sarif_is_valid_sarif_2_1_0(design: str) -> None:
    run = run_checks(Snapshot(vinfra.load(shared_example(design))))
    doc = to_sarif(run)
    jsonschema.Draft4Validator(_schema()).validate(doc)
    driver = doc["runs"][0]["tool"]["driver"]
    assert [r["id"] for r in driver["rules"]] == [r.code for r in run.rules]
    for r in driver["rules"]:
        assert r["name"] and r["help"]["text"].startswith("# ") and "## Fix" in r["help"]["markdown"]
    for res in doc["runs"][0]["results"]:
        assert driver["rules"][res["ruleIndex"]]["id"] == res["ruleId"]
        region = res["locations"][0]["physicalLocation"]["region"]
        assert region["startLine"] >= 1 and region["startColumn"] >= 1


def test_sarif_unknown_result_is_open_with_level_none() -> None:
    run = run_checks(Snapshot(vinfra.load(RULES.parent / "data" / "checks-unknown.yaml")))
    assert any(f.status == "unknown" for f in run.findings)
    doc = to_sarif(run)
    jsonschema.Draft4Validator(_schema()).validate(doc)
    kinds = {(r["kind"], r["level"]) for r in doc["runs"][0]["results"]}
    assert ("open", "none") in kinds


def test_schema_rejects_a_broken_log() -> None:
    """The vendored schema is strict enough to catch a wrong level (guards the test above)."""
    run = run_checks(Snapshot(vinfra.load(two_switches())))
    doc = to_sarif(run)
    doc["runs"][0]["results"][0]["level"] = "fatal"
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.Draft4Validator(_schema()).validate(doc)


def test_cli_text_and_exit_codes() -> None:
    code, out, _ = invoke("check", str(two_switches()))
    assert code == 1  # portgroup-vlan-is-native is an error
    # two of the warnings are ha-isolation-address-unreachable: the consoles cannot reach 10.0.1.1 (V6)
    assert "VN101 portgroup-vlan-is-native [error]" in out and "12 findings (2 error, 10 warning" in out
    code, out, _ = invoke("check", str(two_switches()), "--ignore", "VN101")
    assert code == 0  # only warnings left
    code, _, _ = invoke("check", str(two_switches()), "--ignore", "VN101", "--fail-on", "warning")
    assert code == 1
    code, _, _ = invoke("check", str(two_switches()), "--fail-on", "never")
    assert code == 0
    code, out, _ = invoke("check", str(shared_example("seed-stacked-ip-hash.yaml")))
    assert code == 0 and "0 findings" in out


def test_cli_select_limits_the_run() -> None:
    code, out, _ = invoke("check", str(two_switches()), "--select", "VN6", "--format", "json")
    assert code == 0
    rules = {f["rule"] for f in json.loads(out)["findings"]}
    assert rules == {"arp-timeout-exceeds-mac-aging"}


def test_cli_json_and_sarif_are_byte_identical_across_runs() -> None:
    for fmt in ("json", "sarif", "text"):
        a = invoke("check", str(two_switches()), "--format", fmt)[1]
        b = invoke("check", str(two_switches()), "--format", fmt)[1]
        assert a == b and a


def test_cli_bad_input_exits_2_without_traceback() -> None:
    code, _, err = invoke("check", str(two_switches()), "--select", "no-such-rule")
    assert code == 2 and "--select no-such-rule: no rule has that slug, code or code prefix" in err
    code, _, err = invoke("check", str(DATA / "broken.yaml"))
    assert code == 2 and "broken.yaml:11:45: error:" in err
    code, _, err = invoke("check", str(two_switches()), "--fail", "sw-zz")
    assert code == 2 and "--fail sw-zz" in err
    code, _, err = invoke("check", "no-such-file.yaml")
    assert code == 2 and "no such file" in err
    assert "Traceback" not in err


def test_cli_fail_adds_failures() -> None:
    """--fail judges the design with more elements failed: LST takes sw-a's host ports down."""
    lst = shared_example("seed-redundant-uplinks-lst.yaml")
    code, out, _ = invoke("check", str(lst), "--select", "single-point-of-failure", "--format", "json")
    assert json.loads(out)["findings"] == []
    code, out, _ = invoke("check", str(lst), "--select", "gateway-missing", "--fail", "dist-1", "--fail", "dist-2",
                          "--format", "json")
    assert code == 1 and {f["rule"] for f in json.loads(out)["findings"]} == {"gateway-missing"}


def test_cli_rules_and_rule() -> None:
    code, out, _ = invoke("rules", "--format", "json")
    rows = json.loads(out)["rules"]
    assert code == 0 and [r["code"] for r in rows] == sorted(r["code"] for r in rows)
    assert {"code", "rule", "severity", "summary"} == set(rows[0])
    code, out, _ = invoke("rule", "stp-edge-missing")
    assert code == 0 and out.startswith("# stp-edge-missing (VN401)")
    for section in ("## What it checks", "## Why it matters", "## Failing example", "## Passing example", "## Fix",
                    "## Rests on"):
        assert section in out
    assert invoke("rule", "VN401")[1] == out
    code, _, err = invoke("rule", "stp-edge")
    assert code == 2 and "did you mean stp-edge-missing" in err


def test_exit_code_counts_unknown_findings() -> None:
    run = run_checks(Snapshot(vinfra.load(DATA / "checks-unknown.yaml")))
    assert all(f.status == "unknown" for f in run.findings if f.rule == "gateway-missing")
    assert exit_code(run, "error") == 1
    assert exit_code(run, "never") == 0
