"""Property: on any valid design, however odd (the shared random designs of :mod:`_random_design`, faults
and failures included), every rule runs without an exception, every finding is well formed and located,
and two runs give the same findings."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings

import vinfra
from _deep import examples
from _random_design import Case, cases
from vinfra.checks import all_rules, run_checks
from vinfra.checks.finding import SEVERITIES
from vinfra.checks.report import text_lines, to_sarif
from vinfra.network import Snapshot


@pytest.mark.deep
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_every_rule_runs_on_any_design(tmp_path_factory: Any, case: Case) -> None:
    design = {**case.design, "failures": [*case.design.get("failures", []), *case.fail]}
    path: Path = tmp_path_factory.mktemp("fuzz") / "design.json"
    path.write_text(json.dumps(design, indent=1), encoding="utf-8")
    inv = vinfra.load(path)
    run = run_checks(Snapshot(inv, settings=case.settings))
    codes = {r.code for r in all_rules()}
    for f in run.located():
        assert f.code in codes and f.severity in SEVERITIES and f.status in ("fail", "unknown")
        assert f.message and f.objects and all(isinstance(o, str) and o for o in f.objects)
        assert f.location is not None and f.location.line is not None
    again = run_checks(Snapshot(vinfra.load(path), settings=case.settings))
    assert [f.sort_key() for f in again.findings] == [f.sort_key() for f in run.findings]
    assert text_lines(run) == text_lines(again)
    assert to_sarif(run)["runs"][0]["results"] == to_sarif(again)["runs"][0]["results"]
