"""A shared example written with the vendors' long interface names gives the same answers (topology-v1,
"Names and forms met in vendor configs"): declarations in long forms with references left short, or the
other way round; reach, the checks and the example's own expectations agree, up to the declared spelling."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from _paths import SHARED_EXAMPLES, designs
from vinfra.analysis.expect import run_expectations
from vinfra.analysis.reach import reach
from vinfra.checks.engine import run_checks
from vinfra.io.design import from_data, parse_text
from vinfra.network import Snapshot

LONG = {"Gi": "GigabitEthernet", "Te": "TenGigabitEthernet", "Po": "Port-Channel", "Vlan": "vlan",
        "Ethernet": "Eth", "Fa": "FastEthernet"}
_NAME = re.compile(r"^(Gi|Te|Po|Vlan|Ethernet|Fa)(\d.*)$")
_TEXT = re.compile(r"(?<![A-Za-z])(Gi|Te|Po|Vlan|Ethernet|Fa)(?=\d)")

EXAMPLES = designs(SHARED_EXAMPLES)


def long_name(name: str) -> str:
    m = _NAME.match(name)
    return LONG[m.group(1)] + m.group(2) if m else name


def long_text(text: str) -> str:
    """Every interface name in an answer, as :func:`long_name` spells it."""
    return _TEXT.sub(lambda m: LONG[m.group(1)], text)


def long_ref(text: str) -> str:
    if "--" in text:
        return "--".join(long_ref(t) for t in text.split("--"))
    device, sep, name = text.partition(":")
    return f"{device}:{long_name(name)}" if sep else text


def long_declarations(data: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(data))
    for sw in (out.get("switches") or {}).values():
        sw["interfaces"] = {long_name(k): v for k, v in (sw.get("interfaces") or {}).items()}
    return out


def long_references(data: dict[str, Any]) -> dict[str, Any]:
    out = json.loads(json.dumps(data))
    for i, link in enumerate(out.get("links") or []):
        out["links"][i] = [long_ref(e) for e in link] if isinstance(link, list) else \
            {k: long_ref(v) if k in ("a", "b") else v for k, v in link.items()}
    out["failures"] = [long_ref(f) for f in out.get("failures") or []]
    for sw in (out.get("switches") or {}).values():
        for group in sw.get("link_state_tracking") or []:
            for role in ("upstream", "downstream"):
                group[role] = [long_name(n) for n in group[role]]
        if sw.get("routing"):
            sw["routing"]["passive_interfaces"] = [long_name(n) for n in sw["routing"].get("passive_interfaces", [])]
    return out


def answers(data: dict[str, Any]) -> str:
    snap = Snapshot(from_data(data))
    run = run_checks(snap)
    findings = [(f.rule, f.status, f.objects, f.message, f.fix, f.path) for f in run.findings]
    return json.dumps({"reach": reach(snap), "checks": findings}, sort_keys=True, default=str)


@pytest.mark.skipif(not EXAMPLES, reason="the shared examples are not found")
@pytest.mark.parametrize("path", EXAMPLES, ids=lambda p: p.stem)
def test_long_names_give_the_same_answers(path: Path) -> None:
    data = parse_text(path.read_text(encoding="utf-8"), str(path))
    short = answers(data)
    # references keep short forms: answers are unchanged, names as declared
    assert answers(long_references(data)) == short
    # declarations in long forms, references short: the same answers, in the declared spelling
    long = answers(long_declarations(data))
    assert _TEXT.search(short) and long != short  # the example names interfaces: the rewrite shows
    assert long == long_text(short)


def _expectations(path: Path) -> Path:
    return path.with_name(path.name.replace(".yaml", ".expect.yaml"))


@pytest.mark.skipif(not EXAMPLES, reason="the shared examples are not found")
@pytest.mark.parametrize("path", [p for p in EXAMPLES if _expectations(p).exists()], ids=lambda p: p.stem)
def test_expectations_hold_with_long_declarations_and_lower_case_references(path: Path, tmp_path: Path) -> None:
    data = long_declarations(parse_text(path.read_text(encoding="utf-8"), str(path)))
    design = tmp_path / path.name.replace(".yaml", ".json")
    design.write_text(json.dumps(data), encoding="utf-8")
    text = _expectations(path).read_text(encoding="utf-8")
    text = re.sub(r"^design:.*$", f"design: {design.name}", text, count=1, flags=re.M)
    # the expectation file names interfaces (endpoints, failures) in yet another spelling: lower case
    text = _TEXT.sub(lambda m: m.group(1).lower(), text)
    expect = tmp_path / _expectations(path).name
    expect.write_text(text, encoding="utf-8")
    original = run_expectations(_expectations(path))
    rewritten = run_expectations(expect)
    assert rewritten.count("fail") == 0, [r for r in rewritten.results if r.status == "fail"]
    assert [(r.status) for r in rewritten.results] == [r.status for r in original.results]
