"""The ``drs`` section of expectation files (expectations-v1): ``moves`` counted over one DRS pass."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from _paths import SHARED_EXAMPLES
from vinfra.analysis.expect import ExpectError, run_expectations
from vinfra.cli.main import app

TWO = SHARED_EXAMPLES / "seed-two-independent-switches.yaml" if SHARED_EXAMPLES else None
HIER = SHARED_EXAMPLES / "seed-hierarchical-clusters.yaml" if SHARED_EXAMPLES else None
runner = CliRunner()


def _write(tmp_path: Path, design: Path | None, body: str) -> Path:
    assert design is not None
    p = tmp_path / "x.expect.yaml"
    p.write_text(f"design: {design}\n{body}")
    return p


def test_shared_examples_drs_statements_pass() -> None:
    assert SHARED_EXAMPLES is not None
    files = [p for p in SHARED_EXAMPLES.glob("*.expect.yaml") if "\ndrs:" in p.read_text()]
    assert files
    for path in files:
        results = [r for r in run_expectations(path).results if r.section == "drs"]
        assert results and all(r.status == "pass" for r in results), results


def test_ha_admission_control_keeps_a_two_host_cluster_from_evacuating(tmp_path: Path) -> None:
    """cluster-behaviour §1.1 P7, §2.7: with HA tolerating one host failure, two hosts cannot lose one to
    maintenance, so the VMs stay and the task does not complete."""
    results = run_expectations(_write(tmp_path, TWO, "drs:\n  moves: 0\n  maintenance: [esx01]\n")).results
    assert [(r.section, r.status) for r in results] == [("drs", "pass")]


def test_moves_pass_and_fail(tmp_path: Path) -> None:
    assert TWO is not None
    text = TWO.read_text()
    assert "admission_control: {policy: host_failures, value: 1}" in text
    design = tmp_path / "two-no-ac.yaml"  # HA admission control off: the evacuation goes ahead
    design.write_text(text.replace("admission_control: {policy: host_failures, value: 1}",
                                   "admission_control: {policy: disabled}"))
    two_no_ac = design
    ok = run_expectations(_write(tmp_path, two_no_ac, "drs:\n  moves: 2\n  maintenance: [esx01]\n")).results
    assert [(r.section, r.status) for r in ok] == [("drs", "pass")]
    bad = run_expectations(_write(tmp_path, two_no_ac, "drs:\n  moves: 1\n  maintenance: [esx01]\n")).results
    assert bad[0].status == "fail"
    assert "expected 1, got 2" in bad[0].detail and "x.expect.yaml:3:" in bad[0].detail
    assert "web01 esx01 -> esx02 (priority 1" in bad[0].detail


def test_cluster_and_threshold(tmp_path: Path) -> None:
    # cl-a's HA tolerates one host failure, so its host cannot leave for maintenance (§1.1 P7, §2.7): no move
    body = "drs:\n  moves: 0\n  cluster: cl-a\n  threshold: 1\n  maintenance: esx-a1\n"
    assert run_expectations(_write(tmp_path, HIER, body)).results[0].status == "pass"
    other = "drs:\n  moves: 0\n  cluster: cl-b\n  maintenance: esx-a1\n"  # not a host of cl-b: located
    with pytest.raises(ExpectError):
        run_expectations(_write(tmp_path, HIER, other))


def test_verify_cli_counts_drs(tmp_path: Path) -> None:
    p = _write(tmp_path, TWO, "drs:\n  moves: 0\n")
    result = runner.invoke(app, ["verify", str(p)])
    assert result.exit_code == 0 and "1 passed, 0 failed, 0 not run" in result.stdout


@pytest.mark.parametrize(("body", "message"), [
    ("drs: [1]\n", "'drs' must be a mapping"),
    ("drs:\n  movez: 1\n", "unknown key 'movez'"),
    ("drs:\n  cluster: c1\n", "lacks 'moves'"),
    ("drs:\n  moves: -1\n", "'moves' must be a whole number"),
    ("drs:\n  moves: true\n", "'moves' must be a whole number"),
    ("drs:\n  moves: 0\n  cluster: nope\n", "cluster 'nope' is not a cluster"),
    ("drs:\n  moves: 0\n  threshold: 7\n", "1..5"),
    ("drs:\n  moves: 0\n  maintenance: [nope]\n", "maintenance host 'nope'"),
    ("drs:\n  moves: 0\n  maintenance: {a: 1}\n", "list of host names"),
])
def test_bad_drs_section_is_a_located_error(tmp_path: Path, body: str, message: str) -> None:
    with pytest.raises(ExpectError) as info:
        run_expectations(_write(tmp_path, TWO, body))
    (diag,) = info.value.diagnostics
    assert message in diag.message and diag.line is not None
