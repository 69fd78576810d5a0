"""The catalogue: the slugs of rules-v1 that rest on network behaviour, codes, and documentation."""

from __future__ import annotations

import re

import pytest

from _paths import SHARED
from vinfra.checks import all_rules, get_rule
from vinfra.checks.engine import DOC_SECTIONS, RULES, SelectionError, select_rules

ID_RE = re.compile(r"\b[A-Z]\d{1,2}\b")


def rules_v1() -> dict[str, str]:
    """slug -> 'rests on' column of the shared catalogue."""
    assert SHARED is not None, "shared directory not found: set VINFRA_SHARED"
    text = (SHARED / "spec" / "rules-v1.md").read_text(encoding="utf-8")
    out = {}
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and re.fullmatch(r"[a-z][a-z0-9-]+", cells[0]) and cells[0] != "slug":
            out[cells[0]] = cells[3]
    return out


def test_catalogue_has_every_network_rule_of_rules_v1() -> None:
    spec = rules_v1()
    assert len(spec) >= 39
    network = {slug for slug, rests in spec.items() if not rests.startswith("cluster")}
    have = {r.slug for r in all_rules()}
    assert network <= have, f"missing: {sorted(network - have)}"


def test_catalogue_has_every_rule_of_rules_v1() -> None:
    """The default check set covers the whole catalogue, cluster rules included (issue 11)."""
    spec = rules_v1()
    have = {r.slug for r in select_rules()}
    assert set(spec) <= have, f"missing: {sorted(set(spec) - have)}"


def test_expectations_know_every_documented_slug() -> None:
    """``errors: N`` waits for exactly the slugs rules-v1 documents (vinfra.checks.expect.RULES_V1)."""
    from vinfra.checks.expect import RULES_V1

    assert tuple(rules_v1()) == RULES_V1


def test_severities_and_refs_match_rules_v1() -> None:
    text = (SHARED / "spec" / "rules-v1.md").read_text(encoding="utf-8")  # type: ignore[operator]
    for line in text.splitlines():
        cells = [c.strip() for c in line.strip().strip("|").split("|")]
        if len(cells) == 4 and cells[0] in RULES:
            r = RULES[cells[0]]
            assert r.severity == cells[1], r.slug
            assert set(ID_RE.findall(cells[3])) <= set(r.refs), r.slug


def test_codes_are_unique_and_grouped_by_topic() -> None:
    rules = all_rules()
    assert len({r.code for r in rules}) == len(rules)
    topic = {"1": "vlan", "2": "port-channel", "3": None, "4": "stp", "5": "mtu", "6": None, "7": "vmkernel", "8": "addressing", "9": "cluster"}
    for r in rules:
        want = topic[r.code[2]]
        if want is not None:
            assert want in r.tags or (want == "port-channel" and "teaming" in r.tags), (r.code, r.tags)


@pytest.mark.parametrize("rule", all_rules(), ids=lambda r: r.slug)
def test_every_rule_documents_every_section(rule) -> None:  # type: ignore[no-untyped-def]
    titles = re.findall(r"^## (.+?)\s*$", rule.doc, re.M)
    assert titles == list(DOC_SECTIONS), f"{rule.slug}: sections {titles}"
    for name in DOC_SECTIONS:
        assert rule.sections[name].strip(), f"{rule.slug}: section '{name}' is empty"
        if name != "Rests on":
            assert len(rule.sections[name]) > 40, f"{rule.slug}: section '{name}' says too little"
    assert rule.summary and not rule.summary.startswith("#")
    assert "```" in rule.sections["Failing example"] and "```" in rule.sections["Passing example"]
    assert set(ID_RE.findall(rule.sections["Rests on"])) == set(rule.refs), rule.slug


def test_lookup_by_slug_or_code() -> None:
    assert get_rule("ip-hash-without-channel") is get_rule("VN201") is get_rule("vn201")
    assert get_rule("no-such-rule") is None


def test_select_and_ignore_by_slug_code_and_prefix() -> None:
    every = [r.slug for r in all_rules()]
    assert [r.slug for r in select_rules()] == every
    assert {r.code[:3] for r in select_rules(["VN2"])} == {"VN2"}
    assert [r.slug for r in select_rules(["VN201,stp-edge-missing"])] == ["ip-hash-without-channel", "stp-edge-missing"]
    assert "stp-edge-missing" not in [r.slug for r in select_rules(ignore=["VN4"])]
    picked = select_rules(["VN3"], ["VN301", "single-point-of-failure"])
    assert {r.slug for r in picked} == {r.slug for r in all_rules() if r.code.startswith("VN3")} - {
        "beacon-with-two-uplinks", "single-point-of-failure"}


@pytest.mark.parametrize("bad", ["no-such-rule", "VN0", "XX1"])
def test_unknown_selector_is_a_precise_error(bad: str) -> None:
    with pytest.raises(SelectionError, match=f"--select {bad}: no rule"):
        select_rules([bad])
    with pytest.raises(SelectionError, match=f"--ignore {bad}: no rule"):
        select_rules(ignore=[bad])
