"""The ``ha`` section of expectation files (expectations-v1): each VM's restart host, VMs not restarted,
located errors for bad statements."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from vinfra.analysis.expect import ExpectError, run_expectations

DESIGN = {
    "name": "s12",
    "clusters": {"c1": {"ha": {"enabled": True}}, "c2": {}},
    "hosts": {h: {"cluster": "c1", "cpu": {"sockets": 1, "cores": 1, "mhz": 9000}, "memory_gb": mem}
              for h, mem in (("H1", 8), ("H2", 3), ("H3", 3))} | {"X1": {"cluster": "c2"}},
    "vms": {name: {"host": "H1", "memory_gb": 2, "memory": {"reservation_gb": 2}, "ha": {"restart_priority": prio}}
            for name, prio in (("High", "high"), ("Medium", "medium"), ("Low", "low"), ("Off", "disabled"))},
}


def _write(tmp_path: Path, body: str) -> Path:
    (tmp_path / "d.json").write_text(json.dumps(DESIGN), encoding="utf-8")
    p = tmp_path / "d.expect.yaml"
    p.write_text("design: d.json\n" + body, encoding="utf-8")
    return p


def test_ha_statements_pass_and_fail(tmp_path: Path) -> None:
    """§7 scenario 12 through an expectation file."""
    p = _write(tmp_path, "ha:\n  - fail_host: H1\n    restarted: {High: H2, Medium: H2}\n    not_restarted: [Low, Off, High]\n")
    got = [(r.statement, r.status) for r in run_expectations(p).results]
    assert got == [("ha [fail H1] High restarted on H2", "pass"), ("ha [fail H1] Medium restarted on H2", "fail"),
                   ("ha [fail H1] Low not restarted", "pass"), ("ha [fail H1] Off not restarted", "pass"),
                   ("ha [fail H1] High not restarted", "fail")]
    fails = [r.detail for r in run_expectations(p).results if r.status == "fail"]
    assert f"{p}:4:" in fails[0] and "got restarted on H3" in fails[0]
    assert "got restarted on H2" in fails[1]


@pytest.mark.parametrize(("body", "where", "message"), [
    ("ha:\n  - restarted: {}\n", ":3:", "lacks 'fail_host'"),
    ("ha:\n  - fail_host: nosuch\n", ":3:", "not a host"),
    ("ha:\n  - fail_host: [H1, X1]\n", ":3:", "hosts of one cluster"),
    ("ha:\n  - fail_host: H1\n    restarted: {nosuch: H2}\n", ":4:", "not a VM"),
    ("ha:\n  - fail_host: H1\n    restarted: {High: nosuch}\n", ":4:", "not a host"),
    ("ha:\n  - fail_host: H1\n    not_restarted: Low\n", ":4:", "list of VM names"),
    ("ha:\n  - fail_host: H1\n    extra: 1\n", ":4:", "unknown key 'extra'"),
    ("ha: {fail_host: H1}\n", ":2:", "must be a list"),
])
def test_bad_ha_statements_are_located(tmp_path: Path, body: str, where: str, message: str) -> None:
    p = _write(tmp_path, body)
    with pytest.raises(ExpectError) as exc:
        run_expectations(p)
    assert message in str(exc.value) and f"{p}{where}" in str(exc.value)
