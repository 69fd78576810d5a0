"""Placement rules (cluster-behaviour §2.6): required vs preferential, VM-VM rules, the older rule wins."""

from __future__ import annotations

from vinfra.cluster.rules import PlacementRules
from vinfra.model.cluster import ClusterRule


def rule(name: str, type_: str, vms: list[str], hosts: list[str] | None = None, must: bool = False,
         enabled: bool = True) -> ClusterRule:
    return ClusterRule(name=name, type=type_, vms=vms, hosts=hosts or [], must=must, enabled=enabled)


def test_anti_affinity_forbids_a_shared_host_and_is_reported_when_broken() -> None:
    rules = PlacementRules("c1", [rule("apart", "anti_affinity", ["a", "b"])])
    assert not rules.allowed("a", "h1", {"b": "h1"})
    assert rules.allowed("a", "h2", {"b": "h1"})
    assert rules.allowed("a", "h1", {"b": "h1"}, vm_vm=False)  # HA on failover ignores it (§2.6)
    [v] = rules.violations({"a": "h1", "b": "h1", "c": "h1"})
    assert (v.rule, v.kind, v.vms, v.hosts) == ("apart", "anti_affinity", ("a", "b"), ("h1",))


def test_affinity_keeps_placed_vms_together_and_ignores_powered_off_ones() -> None:
    rules = PlacementRules("c1", [rule("together", "affinity", ["a", "b", "c"])])
    assert rules.allowed("a", "h1", {"b": "h1"})  # c is not placed (powered off): it does not pin a
    assert not rules.allowed("a", "h2", {"b": "h1"})
    [v] = rules.violations({"a": "h1", "b": "h2"})
    assert v.hosts == ("h1", "h2")
    assert rules.violations({"a": "h1", "b": "h1"}) == []


def test_should_rules_count_only_when_asked_must_rules_always() -> None:
    rules = PlacementRules("c1", [rule("lic", "vm_host", ["db"], ["h1", "h2"], must=True),
                                  rule("pref", "vm_anti_host", ["web"], ["h1"])])
    assert not rules.allowed("db", "h3", {})
    assert rules.allowed("db", "h2", {})
    assert rules.allowed("web", "h1", {})
    assert not rules.allowed("web", "h1", {}, preferential=True)
    kinds = [(v.rule, v.must) for v in rules.violations({"db": "h3", "web": "h1"})]
    assert kinds == [("lic", True), ("pref", False)]


def test_the_older_rule_wins_a_conflict_and_the_newer_is_reported_disabled() -> None:
    rules = PlacementRules("c1", [
        rule("together", "affinity", ["a", "b"]),
        rule("chain", "affinity", ["b", "c"]),
        rule("apart", "anti_affinity", ["a", "c"]),  # a and c are together through b: conflicts
        rule("r1", "vm_host", ["x"], ["h1"], must=True),
        rule("r2", "vm_host", ["x"], ["h2"], must=True),  # required rules intersect to nothing
        rule("off", "anti_affinity", ["a", "b"], enabled=False),  # disabled by the design: not a rule at all
    ])
    assert [r.name for r in rules.rules] == ["together", "chain", "r1"]
    assert [(d.rule, d.lost_to) for d in rules.disabled] == [("apart", "together"), ("r2", "r1")]
    assert rules.allowed("a", "h1", {"c": "h1"})


def test_the_older_anti_affinity_disables_a_newer_affinity() -> None:
    rules = PlacementRules("c1", [rule("apart", "anti_affinity", ["a", "b"]), rule("together", "affinity", ["b", "a"])])
    assert [r.name for r in rules.rules] == ["apart"]
    assert [(d.rule, d.lost_to) for d in rules.disabled] == [("together", "apart")]
