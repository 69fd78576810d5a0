"""The ``checks`` section of every shared expectation file holds (expectations-v1): no statement
fails, and the statements not run are exactly those about rules the catalogue lacks, plus
``errors: N`` while any documented rule is missing."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml_rs

import vinfra
from _paths import SHARED_EXAMPLES
from vinfra.analysis.results import StatementResult
from vinfra.checks import all_rules
from vinfra.checks.expect import RULES_V1, evaluate_checks
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
    lacking = set(RULES_V1) - {r.slug for r in all_rules()}
    not_run = {r.statement.split(": ", 1)[1] for r in results if r.status == "not-run" and not r.statement.startswith("errors")}
    assert not_run == named & lacking
    errors = [r for r in results if r.statement.startswith("errors")]
    assert all(r.status == ("not-run" if lacking else "pass") for r in errors)
    if "errors" in data["checks"]:  # the rules we have already find exactly that many errors
        (count,) = evaluate_checks(Snapshot(vinfra.load(design)), {"errors": data["checks"]["errors"]},
                                   documented=tuple(r.slug for r in all_rules()))
        assert count.status == "pass", count.detail
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
    complete = tuple(r.slug for r in all_rules())  # as if the catalogue were the whole of rules-v1
    (r,) = evaluate_checks(snap, {"errors": 2}, documented=complete)
    assert r.status == "pass" and r.statement == "errors: 2"
    (r,) = evaluate_checks(snap, {"errors": 0}, documented=complete)
    assert r.status == "fail" and "portgroup-vlan-is-native" in r.detail


def test_errors_is_not_run_while_a_documented_rule_is_missing() -> None:
    """A missing rule is not zero errors: the count waits until the catalogue has every rules-v1 slug."""
    snap = Snapshot(vinfra.load(SHARED_EXAMPLES / "seed-two-independent-switches.yaml"))  # type: ignore[operator]
    documented = (*(r.slug for r in all_rules()), "a-future-rule")
    for want in (0, 2, 7):
        (r,) = evaluate_checks(snap, {"errors": want}, documented=documented)
        assert r.status == "not-run" and "a-future-rule" in r.detail, r
    lacking = set(RULES_V1) - {r.slug for r in all_rules()}
    (r,) = evaluate_checks(snap, {"errors": 2})
    assert r.status == ("not-run" if lacking else "pass")


def test_unknown_rules_are_not_run_and_bad_sections_fail() -> None:
    snap = _unknown_snapshot()
    (r,) = evaluate_checks(snap, {"absent": ["a-future-rule"]})
    assert r.status == "not-run"
    results = evaluate_checks(snap, {"presnt": ["x"], "errors": "none"})
    assert [r.status for r in results] == ["fail", "fail"]
    assert "unknown statement 'presnt'" in results[0].detail
    assert evaluate_checks(snap, None) == []
    assert evaluate_checks(snap, ["absent"])[0].status == "fail"


def test_verify_and_checks_share_one_statement_type() -> None:
    from vinfra.analysis import expect as verify_expect

    assert verify_expect.StatementResult is StatementResult
