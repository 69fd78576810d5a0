"""``vinfra verify`` (expectations-v1), ``vinfra trace`` and ``vinfra reach`` on the command line."""

from __future__ import annotations

import importlib.util
import json
import sys
import types
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _paths import OWN_EXAMPLES, SHARED_EXAMPLES
from vinfra.analysis import expect, reach
from vinfra.analysis.expect import ExpectError, StatementResult, run_expectations
from vinfra.cli.main import app

EXPECTATIONS = sorted(p for d in (OWN_EXAMPLES, SHARED_EXAMPLES) if d is not None and d.is_dir()
                      for p in d.rglob("*.expect.yaml"))
TWO = SHARED_EXAMPLES / "seed-two-independent-switches.yaml" if SHARED_EXAMPLES else None
runner = CliRunner()


def test_there_are_expectation_files() -> None:
    assert len(EXPECTATIONS) >= 8


@pytest.mark.parametrize("path", EXPECTATIONS, ids=lambda p: p.name)
def test_no_expectation_statement_fails(path: Path) -> None:
    run = run_expectations(path)
    failed = [r for r in run.results if r.status == "fail"]
    assert not failed, failed
    assert run.count("pass") > 0
    # sections we cannot evaluate are reported as not run, never as passed; vmotion, ha and drs are evaluated
    assert all(r.status == "pass" for r in run.results if r.section in ("vmotion", "ha", "drs"))


def test_vinfra_verify_passes_on_every_example() -> None:
    result = runner.invoke(app, ["verify", *map(str, EXPECTATIONS)])
    assert result.exit_code == 0, result.stdout
    assert " 0 failed," in result.stdout.splitlines()[-1] and "not run" in result.stdout


def _write(tmp_path: Path, text: str) -> Path:
    assert TWO is not None
    p = tmp_path / "x.expect.yaml"
    p.write_text(text.replace("DESIGN", str(TWO)))
    return p


def test_verify_reports_a_failing_statement_and_exits_1(tmp_path: Path) -> None:
    p = _write(tmp_path, "design: DESIGN\nreach:\n  - {src: web01, dst: db01, reachable: true}\n"
                         "  - {src: web01, dst: web02, reachable: true}\nchecks:\n  present: [a-future-rule]\n")
    result = runner.invoke(app, ["verify", str(p)])
    assert result.exit_code == 1
    assert "FAIL reach: web01 -> db01 reachable" in result.stdout
    assert f"{p}:3:5" in result.stdout and "no route to 10.0.30.41" in result.stdout
    assert "1 passed, 1 failed, 1 not run" in result.stdout


@pytest.mark.parametrize(("text", "where", "message"), [
    ("design: DESIGN\nreach:\n  - {src: web01, dst: nosuch, reachable: true}\n", ":3:", "unknown endpoint"),
    ("design: DESIGN\nreach:\n  - {src: web01, dst: web02, reachable: maybe}\n", ":3:", "true or false"),
    ("design: DESIGN\nreach:\n  - {src: web01, dst: web02, reachable: true, extra: 1}\n", ":3:", "unknown key 'extra'"),
    ("design: DESIGN\nbogus: 1\n", ":2:1", "unknown section 'bogus'"),
    ("design: DESIGN\nfailures:\n  - fail: [no-such-switch]\n    reach: []\n", ":3:", "no switch or host"),
    ("reach: []\n", "", "'design'"),
    ("design: DESIGN\nvmotion:\n  - {vm: nosuch, to: esx02, ok: true}\n", ":3:", "not a VM"),
    ("design: DESIGN\nvmotion:\n  - {vm: web01, to: nosuch, ok: true}\n", ":3:", "not a host"),
    ("design: DESIGN\nvmotion:\n  - {vm: web01, to: esx02, ok: yes please}\n", ":3:", "true or false"),
    ("design: DESIGN\nvmotion:\n  - {vm: web01, to: esx02}\n", ":3:", "lacks 'ok'"),
    ("design: DESIGN\nreach: [\n", ":", "invalid YAML"),
])
def test_verify_bad_input_is_located_and_exits_2(tmp_path: Path, text: str, where: str, message: str) -> None:
    p = _write(tmp_path, text)
    with pytest.raises(ExpectError) as exc:
        run_expectations(p)
    assert message in str(exc.value) and f"{p}{where}" in str(exc.value)
    result = runner.invoke(app, ["verify", str(p)])
    assert result.exit_code == 2 and "Traceback" not in (result.stdout + result.stderr)


def test_checks_section_is_not_run_without_the_checks_module(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = _write(tmp_path, "design: DESIGN\nchecks:\n  present: [stp-edge-missing]\n  absent: [a, b]\n  errors: 0\n")
    real = importlib.util.find_spec
    monkeypatch.setattr(expect.importlib.util, "find_spec",
                        lambda name, *a: None if name.startswith("vinfra.checks") else real(name, *a))
    run = run_expectations(p)
    assert [r.status for r in run.results] == ["not-run"] * 4


def test_checks_section_uses_the_checks_module_when_present(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    p = _write(tmp_path, "design: DESIGN\nchecks:\n  absent: [a]\n")
    seen = {}

    def evaluate_checks(snapshot, data):  # the checks engineer's entry point
        seen["data"] = data
        return [StatementResult("checks", "absent a", "pass", "")]

    pkg = types.ModuleType("vinfra.checks")
    mod = types.ModuleType("vinfra.checks.expect")
    mod.evaluate_checks = evaluate_checks  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "vinfra.checks", pkg)
    monkeypatch.setitem(sys.modules, "vinfra.checks.expect", mod)
    monkeypatch.setattr(expect.importlib.util, "find_spec", lambda name, *a: object())
    run = run_expectations(p)
    assert [r.status for r in run.results] == ["pass"] and seen["data"] == {"absent": ["a"]}


def test_checks_inside_a_failure_scenario_run_on_that_scenario(tmp_path: Path) -> None:
    """A scenario's ``checks`` are evaluated over the design with its failures (not reported as not run)."""
    p = _write(tmp_path, "design: DESIGN\nchecks:\n  absent: [uplinks-in-different-l2-domains]\n"
                         "failures:\n  - fail: [sw-a]\n    checks:\n      present: [uplinks-in-different-l2-domains]\n"
                         "      absent: [uplinks-in-different-l2-domains, a-future-rule]\n")
    run = run_expectations(p)
    got = [(r.section, r.statement, r.status) for r in run.results]
    assert got == [
        ("checks", "absent: uplinks-in-different-l2-domains", "pass"),
        ("failures", "[fail sw-a] present: uplinks-in-different-l2-domains", "pass"),
        ("failures", "[fail sw-a] absent: uplinks-in-different-l2-domains", "fail"),
        ("failures", "[fail sw-a] absent: a-future-rule", "not-run"),
    ]
    result = runner.invoke(app, ["verify", str(p)])
    assert result.exit_code == 1 and "FAIL failures: [fail sw-a] absent: uplinks-in-different-l2-domains" in result.stdout


def test_trace_json_and_text() -> None:
    result = runner.invoke(app, ["trace", str(TWO), "web01", "10.0.10.1", "--format", "json"])
    assert result.exit_code == 0, result.stdout
    data = json.loads(result.stdout)
    assert data["reachable"] and data["reason"] is None
    assert {"hop", "device", "in", "out", "vlan", "tag", "decision", "rule"} <= set(data["rows"][0])
    text = runner.invoke(app, ["trace", str(TWO), "esx01:vswif0", "esx02:vswif0"])
    assert text.exit_code == 1 and "unreachable" in text.stdout and "V6" in text.stdout


def test_reach_json_pairs_with_reasons_and_fail_option() -> None:
    result = runner.invoke(app, ["reach", str(TWO), "--from", "web01", "--to", "web02", "--to", "db01",
                                 "--fail", "sw-a", "--format", "json"])
    assert result.exit_code == 0, result.stdout
    pairs = json.loads(result.stdout)["pairs"]
    assert [(p["src"], p["dst"], p["reachable"]) for p in pairs] == [("web01", "db01", False), ("web01", "web02", True)]
    assert pairs[0]["reason"] and pairs[1]["reason"] is None


def test_reach_on_a_large_design_lists_classes_not_pairs(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(reach, "MAX_LISTED_PAIRS", 10)
    result = runner.invoke(app, ["reach", str(TWO), "--format", "json"])
    data = json.loads(result.stdout)
    assert "pairs" not in data and "restrict with --from/--to" in data["note"]
    members = {m for c in data["classes"] for m in c["members"]}
    assert {"web01", "web02", "esx01:vmk0", "dist-1:Vlan10", "10.0.10.1"} <= members
    (web,) = [c for c in data["classes"] if "web01" in c["members"]]
    assert "web02" in web["members"]  # they reach each other


@pytest.mark.parametrize("args", [["trace", "DESIGN", "web01", "nosuch"], ["trace", "DESIGN", "web01", "web02", "--fail", "bogus"],
                                  ["reach", "DESIGN", "--from", "esx09:vmk0"], ["reach", "DESIGN", "--fail", "sw-a:Gi9/9"],
                                  ["trace", "DESIGN", "web01", "web02", "--format", "xml"]])
def test_bad_input_exits_2_with_a_message(args: list[str]) -> None:
    result = runner.invoke(app, [str(TWO) if a == "DESIGN" else a for a in args])
    assert result.exit_code == 2
    assert "error" in result.stderr and "Traceback" not in result.stderr


def test_vmotion_section_is_evaluated(tmp_path: Path) -> None:
    """``vmotion`` statements run the §1.1 preconditions; ``reason`` must name one of the refusal's faults, as
    a slug or a fault name; inside a failure scenario they see its failures."""
    p = _write(tmp_path, "design: DESIGN\nvmotion:\n  - {vm: web01, to: esx02, ok: true}\n"
                         "  - {vm: web01, to: esx02, ok: false}\n"
                         "failures:\n  - fail: [esx02]\n    vmotion:\n"
                         "      - {vm: web01, to: esx02, ok: false, reason: invalid-host-state}\n"
                         "      - {vm: web01, to: esx02, ok: false, reason: InvalidHostState}\n"
                         "      - {vm: web01, to: esx02, ok: false, reason: network-not-accessible}\n")
    run = run_expectations(p)
    assert [(r.section, r.status) for r in run.results] == [  # sections run in the spec's order
        ("failures", "pass"), ("failures", "pass"), ("failures", "fail"), ("vmotion", "pass"), ("vmotion", "fail")]
    assert "expected refused, got allowed" in run.results[4].detail and f"{p}:4:" in run.results[4].detail
    assert run.results[0].statement == "[fail esx02] vmotion web01 -> esx02 refused (invalid-host-state)"
    assert "expected fault network-not-accessible, got " in run.results[2].detail
    assert "InvalidHostState: esx02 has failed (P8)" in run.results[2].detail


def test_verify_names_the_line_and_column_of_a_byte_that_is_not_utf8(tmp_path: Path) -> None:
    p = tmp_path / "latin1.expect.yaml"
    p.write_bytes(b"design: x.yaml\nreach:\n  - caf\xe9 reaches b\n")
    result = runner.invoke(app, ["verify", str(p)])
    assert result.exit_code == 2
    assert f"{p}:3:8: error: the file is not UTF-8" in result.output
    assert "Traceback" not in result.output
