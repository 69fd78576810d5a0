"""vinfra.analysis.patterns and ``vinfra patterns``: the seed deck's table, every cell from the engine."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from vinfra.analysis.patterns import PATTERNS, POLICIES, plant, table
from vinfra.cli.main import app


@pytest.fixture(scope="module")
def rows() -> dict[tuple[str, str], dict]:
    return {(r["pattern"], r["policy"]): r for r in table()}


def test_ip_hash_unusable_on_independent_switches_and_good_on_a_stack(rows: dict) -> None:
    for pattern in ("independent", "independent-lst"):
        r = rows[(pattern, "ip_hash")]
        assert not r["usable"] and "ip-hash-without-channel" in r["why"]  # M1, M4
    stack = rows[("stack", "ip_hash")]
    assert stack["usable"] and stack["survives"] and stack["spread"] < rows[("stack", "port_id")]["spread"]


def test_port_id_and_mac_hash_redundant_on_both_with_lower_spread(rows: dict) -> None:
    for policy in ("port_id", "mac_hash"):
        for pattern in ("stack", "independent-lst"):
            r = rows[(pattern, policy)]
            assert r["usable"] and r["survives"]
            assert r["spread"] > rows[("stack", "ip_hash")]["spread"]


def test_independent_switches_black_hole_without_lst_and_fail_over_with_it(rows: dict) -> None:
    for policy in ("port_id", "mac_hash", "explicit"):
        without, with_lst = rows[("independent", policy)], rows[("independent-lst", policy)]
        assert not without["survives"] and without["needs_upstream_detection"]
        assert all("sw-" in f for f in without["blind_to"])  # the access switches' uplinks (T13, M16)
        assert with_lst["survives"] and not with_lst["needs_upstream_detection"]  # T15


def test_mlag_is_used_like_a_stack(rows: dict) -> None:
    """vswitch-behaviour P3: an MLAG/vPC pair is used like a stack for channels, and non-LAG teaming is also
    fine; with the pair as two STP bridges joined by the peer link (topology-v1 "MLAG pairs", the default of
    Settings.mlag_stp) every policy is usable and survives every single failure, the peer link's included."""
    for policy in ("port_id", "mac_hash", "ip_hash", "explicit"):
        r, stack = rows[("mlag", policy)], rows[("stack", policy)]
        assert r["usable"] and r["survives"] and not r["needs_upstream_detection"], policy
        assert r["spread"] == stack["spread"]


def test_every_cell_has_a_design_and_a_row(rows: dict) -> None:
    assert set(rows) == {(p, q) for p in PATTERNS for q in POLICIES}
    with pytest.raises(ValueError):
        plant("ring", "port_id")


def test_cli_formats() -> None:
    runner = CliRunner()
    md = runner.invoke(app, ["patterns", "--format", "markdown"])
    assert md.exit_code == 0 and md.stdout.startswith("| pattern | policy |") and md.stdout.count("\n") == 18
    js = runner.invoke(app, ["patterns", "--format", "json"])
    assert js.exit_code == 0 and len(json.loads(js.stdout)["rows"]) == 16
    bad = runner.invoke(app, ["patterns", "--format", "csv"])
    assert bad.exit_code == 2 and "error: --format: 'csv' is not one of 'text', 'json', 'markdown'" in bad.stderr
