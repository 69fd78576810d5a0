"""What the fast parser would accept silently but a design may not say (issue 8, item 1): each refused,
located; and what only looks like it is accepted."""

from __future__ import annotations

import json

import pytest

import vinfra
from vinfra.io.design import json_duplicate_key
from vinfra.io.errors import DesignError

HOSTS = "hosts:\n  esx01: {memory_gb: 8}\n"


def _errors(text: str, source: str = "d.yaml") -> list[str]:
    with pytest.raises(DesignError) as info:
        vinfra.load_text(text, source)
    return [str(d) for d in info.value.diagnostics]


@pytest.mark.parametrize(("text", "expected"), [
    ("name: x\ndescription: !foo bar\n", "d.yaml:2:14: error: tag '!foo'"),
    ("name: x\ndescription: [a, !!str b]\n", "d.yaml:2:18: error: tag '!!str'"),
    ("%YAML 1.1\n---\nname: x\n", "d.yaml:1:1: error: unsupported YAML version '1.1'"),
    ("%TAG ! tag:x,2000:\n---\nname: x\n", "d.yaml:1:1: error: '%TAG' directive"),
    ("name: x\n---\nname: y\n", "d.yaml:2:1: error: a second YAML document"),
    ("---\nname: x\n...\nname: y\n", "d.yaml:4:1: error: a second YAML document"),
    ("--- {name: x}\n--- {name: y}\n", "d.yaml:2:1: error: a second YAML document"),
    ("name: x\nhosts:\n  a: &h\n    b: *h\n", "d.yaml:4:8: error: alias '*h' refers to the node it is inside of"),
    ("name: x\nhosts: &h [1, [*h]]\n", "d.yaml:2:16: error: alias '*h' refers to the node it is inside of"),
    ("", "d.yaml:1:1: error: the file holds no design"),
    ("# only a comment\n", "d.yaml:1:1: error: the file holds no design"),
    ("---\n...\n", "d.yaml:1:1: error: the file holds no design"),
    ("# a list\n- a\n", "d.yaml:2:1: error: a design is a mapping with at least a 'name' key, not a list"),
    ("name: x\nhosts:\n  <<: []\n", "d.yaml:3:3: error: hosts.<<: a merge key ('<<') takes a mapping or a list of "
                                    "mappings, got an empty list"),
])
def test_refused_and_located(text: str, expected: str) -> None:
    assert _errors(text)[0].startswith(expected)


@pytest.mark.parametrize("text", [
    "name: x\ndescription: \"Hi !there\"\n",
    "name: x\ndescription: wow !x and *y\n",
    "name: x\ndescription: 'it''s a [!x] thing'\n",
    "%YAML 1.2\n---\nname: x\n...\n# trailing comment\n",
    "--- # start\nname: x\n",
    "name: x\ndescription: |\n  ---\n  ...\n  %YAML 9.9\n",
    "name: x\nhosts:\n  a: &h {memory_gb: 8}\n  b: *h\n  c: {<<: *h, memory_gb: 16}\n",
    "name: x\nhosts:\n  a: &h {memory_gb: 8}\n  b: &h {memory_gb: 9}\n  c: *h\n",
])
def test_accepted_when_it_only_looks_like_it(text: str) -> None:
    assert vinfra.load_text(text, "d.yaml").name == "x"


def test_a_redefined_anchor_means_its_latest_definition() -> None:
    inv = vinfra.load_text("name: x\nhosts:\n  a: &h {memory_gb: 8}\n  b: &h {memory_gb: 9}\n  c: *h\n", "d.yaml")
    assert inv.hosts["c"].memory_gb == 9


def test_merge_sources_earlier_win_and_written_keys_win_over_all() -> None:
    inv = vinfra.load_text("name: x\nhosts:\n  a: &a {memory_gb: 8, version: '7.0'}\n  b: &b {memory_gb: 9, product: esx}\n"
                           "  c: {<<: [*a, *b], version: '6.5'}\n", "d.yaml")
    c = inv.hosts["c"]
    assert (c.memory_gb, c.product, c.version) == (8, "esx", "6.5")


@pytest.mark.parametrize(("doc", "key"), [
    ('{"name": "x", "name": "y"}', "name"),
    ('{"name": "x", "hosts": {"a": {"memory_gb": 1, "cpu": {"mhz": 1, "mhz": 2}}}}', "mhz"),
    # an escaped colon inside a string would hide a duplicate from the count alone: the text is walked
    ('{"name": "a\\u003ab", "hosts": {"h": {}, "h": {}}}', "h"),
])
def test_json_duplicate_keys_are_found(doc: str, key: str) -> None:
    data = json.loads(doc)
    found = json_duplicate_key(doc, data)
    assert found is not None and found[1] == key
    assert doc[found[0]:].startswith(f'"{key}"')
    assert "duplicate key" in _errors(doc, "d.json")[0]


def test_json_without_duplicates_passes_with_colons_in_strings() -> None:
    doc = '{"name": "a:b", "failures": ["esx01:vmnic0", "sw:Gi1/0/1--esx01:vmnic1"], "hosts": {"esx01": {"nics": {"vmnic0": {}, "vmnic1": {}}}}, "switches": {"sw": {"interfaces": {"Gi1/0/1": {}}}}, "links": [["sw:Gi1/0/1", "esx01:vmnic1"]]}'
    assert json_duplicate_key(doc, json.loads(doc)) is None
    assert vinfra.load_text(doc, "d.json").name == "a:b"


@pytest.mark.parametrize("text", [
    "name: x\nhosts:\n  a:\n    memory_gb: 1\n    cpu: {mhz: 1}\n    memory_gb: 2\n",
    "name: x\nhosts:\n  a: {memory_gb: 1}\n  b: {cpu: {mhz: 1, mhz: 2}}\n",
    "name: x\nvms:\n  - host: a\n    memory_gb: 1\n  - host: b\n    memory_gb: 2\n    host: c\n",
])
def test_a_duplicate_key_in_a_large_design_is_located_without_ruamel(monkeypatch: pytest.MonkeyPatch, text: str) -> None:
    """Past a megabyte, ruamel.yaml (a minute on 10 MB) is not run to find a duplicate key: the text is
    searched for it; it points where ruamel does."""
    from vinfra.io import design

    expected = _errors(text)
    monkeypatch.setattr(design, "_SMALL", 0)
    monkeypatch.setattr(design, "_marked_yaml_error", lambda _: pytest.fail("ruamel.yaml parsed the design"))
    assert _errors(text) == expected and ":1:1:" not in expected[0]
