"""Corrections of issue 7 that involve more than one rule: each finding is reported once, by the rule it
belongs to."""

from __future__ import annotations

from pathlib import Path

import pytest

import vinfra
from vinfra.checks import get_rule, run_checks
from vinfra.network import Snapshot

RULES_DIR = Path(__file__).resolve().parents[1] / "rules"


def _slugs(path: Path, *slugs: str) -> dict[str, list[str]]:
    rules = [r for s in slugs if (r := get_rule(s)) is not None]
    run = run_checks(Snapshot(vinfra.load(path)), rules=rules)
    return {s: [f.status for f in run.by_rule(s)] for s in slugs}


@pytest.mark.parametrize("path", sorted((RULES_DIR / "fhrp-inconsistent").glob("fail*.yaml"))
                         + sorted((RULES_DIR / "duplicate-ip").glob("pass-fhrp-*disagree.yaml")), ids=lambda p: p.name)
def test_an_inconsistent_fhrp_group_is_not_also_a_duplicate_ip(path: Path) -> None:
    """P5: routers of one VLAN that disagree on group or protocol share one virtual IP, not two."""
    got = _slugs(path, "fhrp-inconsistent", "duplicate-ip")
    assert got == {"fhrp-inconsistent": ["fail"], "duplicate-ip": []}


def test_an_uncabled_ip_hash_uplink_is_a_count_mismatch_and_an_uncabled_uplink() -> None:
    """T3: the one-member channel is compared with the team's two uplinks, not with its one cabled port."""
    got = _slugs(RULES_DIR / "channel-member-count-mismatch" / "fail-uncabled-uplink.yaml",
                 "channel-member-count-mismatch", "uplink-not-cabled", "ip-hash-without-channel")
    assert got == {"channel-member-count-mismatch": ["fail"], "uplink-not-cabled": ["fail"], "ip-hash-without-channel": []}


def test_iscsi_subnets_per_vswitch() -> None:
    """K5: one subnet within a vSwitch, different subnets across vSwitches; vmk-same-subnet leaves bound ports alone."""
    d = RULES_DIR / "iscsi-binding-invalid"
    assert _slugs(d / "fail-separate-vswitches.yaml", "iscsi-binding-invalid", "vmk-same-subnet") == {
        "iscsi-binding-invalid": ["fail"], "vmk-same-subnet": []}
    assert _slugs(d / "pass-separate-vswitches.yaml", "iscsi-binding-invalid", "vmk-same-subnet") == {
        "iscsi-binding-invalid": [], "vmk-same-subnet": []}
