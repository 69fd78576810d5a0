"""The fast locator answers exactly what the exact SourceMap answers (``at="key"``), for every
path of every design we have, in YAML (block and flow, anchors and merge keys) and in JSON."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ruamel.yaml.comments import CommentedMap, CommentedSeq

import vinfra
from _paths import OWN_EXAMPLES, SHARED_EXAMPLES
from vinfra.checks.locate import TextLocator, Unsupported, locator_for
from vinfra.io.design import parse_text
from vinfra.io.source_map import SourceMap

RULES = Path(__file__).resolve().parents[1] / "rules"
DESIGNS = sorted([*(SHARED_EXAMPLES.glob("*.yaml") if SHARED_EXAMPLES else []), *OWN_EXAMPLES.glob("*.yaml"),
                  *RULES.glob("*/*.yaml")])


def paths(node: object, base: tuple = ()) -> list[tuple]:
    out: list[tuple] = []
    if isinstance(node, CommentedMap):
        for k in node:
            p = (*base, k if isinstance(k, int) else str(k))
            out.append(p)
            out.extend(paths(node[k], p))
    elif isinstance(node, CommentedSeq):
        for i, v in enumerate(node):
            out.append((*base, i))
            out.extend(paths(v, (*base, i)))
    return out


def compare(text: str) -> int:
    exact = SourceMap(text)
    fast = TextLocator(text)
    n = 0
    for p in paths(exact._root):
        for q in (p, (*p, "no-such-key"), (*p, 7)):
            try:
                want = exact.locate(q, "key")
            except TypeError:
                continue  # SourceMap cannot step into an empty flow mapping ({}): lc.data is None
            assert fast.locate(q) == want, q
            n += 1
    return n


def test_there_are_designs() -> None:
    assert len(DESIGNS) > 60


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_yaml_positions_match_source_map(path: Path) -> None:
    assert compare(path.read_text(encoding="utf-8")) > 10


@pytest.mark.parametrize("indent", [None, 2])
def test_json_positions_match_source_map(indent: int | None) -> None:
    for path in DESIGNS[:12]:
        if path.name.endswith(".expect.yaml"):
            continue
        data = parse_text(path.read_text(encoding="utf-8"), str(path))
        assert compare(json.dumps(data, indent=indent)) > 10


def test_tricky_yaml() -> None:
    text = """\
# comment
name: "tricky: yes"
description: |
  a block scalar with key: lookalikes
  hosts: not a key
hosts:
  'esx 01': &h
    nics: {vmnic0: {speed: 1000}, "vmnic1": {mac: "00:50:56:00:00:01"}}   # trailing comment
    vswitches:
      vSwitch0:
        uplinks:
        - vmnic0
        - vmnic1
        portgroups: {VM: {vlan: 10, teaming: {active: [vmnic0], standby: [vmnic1]}}}
  esx02:
    <<: *h
    cluster: c1
links:
- [esx01:vmnic0, sw-a:Gi1]
- a: esx02:vmnic0
  b: sw-a:Gi2
  speed: 10000
failures: []
"""
    assert compare(text) > 20


def test_unsupported_constructs_fall_back_to_the_exact_map(tmp_path: Path) -> None:
    text = "name: x\n? complex key\n: value\nhosts: {}\n"
    with pytest.raises(Unsupported):
        TextLocator(text).locate(("hosts",))
    design = tmp_path / "d.yaml"
    design.write_text("name: odd\nhosts:\n  esx01:\n    nics:\n      - - nested\n", encoding="utf-8")
    fast = TextLocator(design.read_text())
    with pytest.raises(Unsupported):
        fast.locate(("hosts", "esx01", "nics", 0, 0))


def test_locator_for_reads_the_file_once_and_falls_back(tmp_path: Path) -> None:
    path = OWN_EXAMPLES / "small-cluster-templates.yaml"
    inv = vinfra.load(path)
    locate = locator_for(inv)
    loc = locate(("vms",))
    assert loc.file == str(path) and loc.line is not None
    line = path.read_text().splitlines()[loc.line - 1]
    assert line.startswith("vms:")
    assert locate(()).line is None
    data_inv = vinfra.from_data({"name": "no-file"})
    assert locator_for(data_inv)(("name",)).line is None
