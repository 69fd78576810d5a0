"""The ``checks`` section of every shared expectation file holds (expectations-v1): no statement
fails, and the statements not run are exactly those about cluster rules."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml_rs
from test_catalogue import cluster_slugs

import vinfra
from _paths import SHARED_EXAMPLES
from vinfra.analysis.results import StatementResult
from vinfra.checks.expect import evaluate_checks
from vinfra.network import Snapshot

DATA = Path(__file__).resolve().parents[1] / "data"
EXPECTS = sorted(SHARED_EXAMPLES.glob("*.expect.yaml")) if SHARED_EXAMPLES else []


def test_there_are_expectation_files() -> None:
    assert len(EXPECTS) >= 8, "shared examples not found: set VINFRA_SHARED"


@pytest.mark.parametrize("path", EXPECTS, ids=lambda p: p.name)
def test_shared_expectations_hold(path: Path) -> None:
    data = yaml_rs.loads(path.read_text(encoding="utf-8"))
    design = path.parent / data["design"]
    results = evaluate_checks(Snapshot(vinfra.load(design)), data["checks"])
    failed = [r for r in results if r.status == "fail"]
    assert not failed, "\n".join(f"{r.statement}: {r.detail}" for r in failed)
    named = {s for key in ("present", "absent") for s in data["checks"].get(key, [])}
    not_run = {r.statement.split(": ", 1)[1] for r in results if r.status == "not-run"}
    assert not_run == named & cluster_slugs()
    assert len(results) == len(named) + ("errors" in data["checks"])
    assert all(isinstance(r, StatementResult) and r.section == "checks" for r in results)


def _unknown_snapshot() -> Snapshot:
    return Snapshot(vinfra.load(DATA / "checks-unknown.yaml"))


def test_absent_fails_on_unknown_and_present_needs_a_failure() -> None:
    results = evaluate_checks(_unknown_snapshot(), {"absent": ["gateway-missing"], "present": ["gateway-missing"]})
    by = {r.statement: r for r in results}
    assert by["absent: gateway-missing"].status == "fail" and "2 unknown" in by["absent: gateway-missing"].detail
    assert by["present: gateway-missing"].status == "fail" and "2 unknown" in by["present: gateway-missing"].detail


def test_errors_counts_failed_error_findings_of_every_rule() -> None:
    snap = Snapshot(vinfra.load(SHARED_EXAMPLES / "seed-two-independent-switches.yaml"))  # type: ignore[operator]
    (r,) = evaluate_checks(snap, {"errors": 2})
    assert r.status == "pass" and r.statement == "errors: 2"
    (r,) = evaluate_checks(snap, {"errors": 0})
    assert r.status == "fail" and "portgroup-vlan-is-native" in r.detail


def test_unknown_rules_are_not_run_and_bad_sections_fail() -> None:
    snap = _unknown_snapshot()
    (r,) = evaluate_checks(snap, {"absent": ["datastore-not-shared"]})
    assert r.status == "not-run"
    results = evaluate_checks(snap, {"presnt": ["x"], "errors": "none"})
    assert [r.status for r in results] == ["fail", "fail"]
    assert "unknown statement 'presnt'" in results[0].detail
    assert evaluate_checks(snap, None) == []
    assert evaluate_checks(snap, ["absent"])[0].status == "fail"


def test_verify_and_checks_share_one_statement_type() -> None:
    from vinfra.analysis import expect as verify_expect

    assert verify_expect.StatementResult is StatementResult
