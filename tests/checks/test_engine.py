"""The engine: severities per finding, statuses, de-duplication, and locating only on demand
(and then without the slow full parse)."""

from __future__ import annotations

from pathlib import Path

import pytest

import vinfra
import vinfra.checks.locate as locate_mod
from _paths import shared_example
from vinfra.checks import Issue, get_rule, run_checks
from vinfra.checks.engine import Rule
from vinfra.io import source_map
from vinfra.network import Snapshot
from vinfra.network.settings import Settings

RULES = Path(__file__).resolve().parents[1] / "rules"
DATA = Path(__file__).resolve().parents[1] / "data"


def test_a_finding_may_override_its_rules_severity() -> None:
    rule = get_rule("lacp-without-partner")
    assert rule is not None and rule.severity == "error"
    ios = run_checks(Snapshot(vinfra.load(RULES / "lacp-without-partner" / "fail-ios-standalone.yaml")), rules=[rule])
    assert {f.severity for f in ios.findings} == {"warning"}  # stand-alone members still forward
    nxos = run_checks(Snapshot(vinfra.load(RULES / "lacp-without-partner" / "fail.yaml")), rules=[rule])
    assert {f.severity for f in nxos.findings} == {"error"}  # suspended members carry nothing


def test_identical_issues_are_reported_once() -> None:
    def twice(ctx):  # type: ignore[no-untyped-def]
        yield Issue(("a",), "same")
        yield Issue(("a",), "same")
        yield Issue(("b",), "other", status="unknown")

    rule = Rule("VN999", "test-rule", "warning", ("T1",), (), twice, "doc")
    run = run_checks(Snapshot(vinfra.from_data({"name": "empty"})), rules=[rule])
    assert [(f.objects, f.status, f.code, f.refs) for f in run.findings] == [
        (("a",), "fail", "VN999", ("T1",)), (("b",), "unknown", "VN999", ("T1",))]


def test_no_findings_means_no_locating(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(inv):  # type: ignore[no-untyped-def]
        raise AssertionError("the design was parsed for locations although nothing was found")

    monkeypatch.setattr(locate_mod, "locator_for", refuse)
    run = run_checks(Snapshot(vinfra.load(shared_example("seed-stacked-ip-hash.yaml"))))
    assert run.findings == [] and run.located() == []


def test_findings_are_located_without_the_slow_parser(monkeypatch: pytest.MonkeyPatch) -> None:
    def refuse(self, text):  # type: ignore[no-untyped-def]
        raise AssertionError("the full round-trip parse ran")

    monkeypatch.setattr(source_map.SourceMap, "__init__", refuse)
    for name in ("seed-two-independent-switches.yaml", "seed-routed-access.yaml"):
        run = run_checks(Snapshot(vinfra.load(shared_example(name))))
        located = run.located()
        assert located and all(f.location is not None and f.location.line for f in located)
        assert run.located() is located  # once per run


def test_vgt_guests_vlans_are_known_unless_untagged_frames_do_not_pass() -> None:
    """V3: a guest's VLAN on a 4095 port group is its ``guest_vlan``, or untagged the uplink's native VLAN;
    only when untagged frames do not pass (a Settings choice) is its VLAN unknown."""
    design = {
        "name": "vgt-cluster",
        "switches": {"sw": {"vlans": [10], "interfaces": {"Gi1": {"mode": "trunk", "stp": {"edge": True}},
                                                          "Gi2": {"mode": "trunk", "stp": {"edge": True}}}}},
        "hosts": {h: {"cluster": "c1", "nics": {"vmnic0": {}}, "vswitches": {"vSwitch0": {
            "uplinks": ["vmnic0"], "portgroups": {"Trunk": {"vlan": 4095}}}}} for h in ("esx01", "esx02")},
        "clusters": {"c1": {}},
        "vms": {"nested01": {"host": "esx01", "nics": [{"network": "Trunk"}]}},
        "links": [["esx01:vmnic0", "sw:Gi1"], ["esx02:vmnic0", "sw:Gi2"]],
    }
    rules = [get_rule("cluster-spans-l3-boundary")]
    inv = vinfra.from_data(design)
    assert run_checks(Snapshot(inv), rules=rules).findings == []  # type: ignore[arg-type]
    run = run_checks(Snapshot(inv, settings=Settings(vgt_passes_untagged=False)), rules=rules)  # type: ignore[arg-type]
    assert [f.status for f in run.findings] == ["unknown"]
    assert "nested01" in run.findings[0].objects
    design["vms"]["nested01"]["nics"][0]["guest_vlan"] = 10  # type: ignore[index]
    assert run_checks(Snapshot(vinfra.from_data(design), settings=Settings(vgt_passes_untagged=False)),
                      rules=rules).findings == []  # type: ignore[arg-type]
