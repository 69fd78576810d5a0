"""Every rule against its own designs: ``tests/rules/<slug>/fail*.yaml`` must make the rule
report a failure, ``pass*.yaml`` must leave it silent (no failure, no *unknown*), and
``unknown*.yaml`` (a case the rule cannot judge, such as an uplink cabled to another host) must
make it say *unknown* and nothing else: never a silent pass, never a guessed failure."""

from __future__ import annotations

from pathlib import Path

import pytest

import vinfra
from vinfra.checks import all_rules, get_rule, run_checks
from vinfra.network import Snapshot

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"
CASES = sorted(p for p in RULES_DIR.glob("*/*.yaml") if p.name.startswith(("fail", "pass", "unknown")))


def test_every_rule_has_failing_and_passing_designs() -> None:
    for r in all_rules():
        d = RULES_DIR / r.slug
        assert list(d.glob("fail*.yaml")), f"{r.slug}: no tests/rules/{r.slug}/fail*.yaml"
        assert list(d.glob("pass*.yaml")), f"{r.slug}: no tests/rules/{r.slug}/pass*.yaml"


def test_every_design_directory_names_a_rule() -> None:
    for d in RULES_DIR.iterdir():
        if d.is_dir():
            assert get_rule(d.name) is not None, f"tests/rules/{d.name} names no rule"


@pytest.mark.parametrize("path", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_rule_on_its_design(path: Path) -> None:
    rule = get_rule(path.parent.name)
    assert rule is not None
    run = run_checks(Snapshot(vinfra.load(path)), rules=[rule])
    statuses = [f.status for f in run.findings]
    if path.name.startswith("fail"):
        assert "fail" in statuses, f"{rule.slug} did not fire on {path.name}"
        for f in run.findings:
            assert f.message and f.objects and f.refs == rule.refs
    elif path.name.startswith("unknown"):
        assert statuses and set(statuses) == {"unknown"}, f"{rule.slug} on {path.name}: {[(f.status, f.message) for f in run.findings]}"
        for f in run.findings:
            assert f.message and f.objects
    else:
        assert not run.findings, f"{rule.slug} reported on {path.name}: {[f.message for f in run.findings]}"


def test_every_design_is_a_fail_pass_or_unknown_case() -> None:
    strays = [p for p in RULES_DIR.glob("*/*.yaml") if p not in CASES]
    assert not strays, f"not run by test_rule_on_its_design: {strays}"
