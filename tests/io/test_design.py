"""What a design file means: YAML 1.2 core schema, merge keys resolved by us, JSON accepted."""

from __future__ import annotations

from pathlib import Path

import orjson

import vinfra
from _paths import shared_example
from vinfra.io.design import parse_text, resolve_merge_keys


def test_yaml_1_2_words_are_strings_not_booleans() -> None:
    data = parse_text("a: yes\nb: on\nc: off\nd: true\ne: False\nf: 12:30\ng: ~\n")
    assert data == {"a": "yes", "b": "on", "c": "off", "d": True, "e": False, "f": "12:30", "g": None}


def test_no_timestamps_dates_and_times_stay_strings() -> None:
    # the core schema has none; yaml-rs would otherwise return date/time objects, even for quoted scalars
    data = parse_text("a: 2024-01-01\nb: '12:30:45'\nc: \"2024-01-01T10:00:00\"\n")
    assert data == {"a": "2024-01-01", "b": "12:30:45", "c": "2024-01-01T10:00:00"}
    inv = vinfra.load_text("name: d\ndescription: 2024-01-01\nhosts: {esx01: {version: '12:30:45'}}\n")
    assert inv.description == "2024-01-01" and inv.hosts["esx01"].version == "12:30:45"


def test_bare_on_and_off_mean_what_they_say_in_the_model() -> None:
    inv = vinfra.load_text(
        "name: words\n"
        "switches:\n"
        "  sw-a: {interfaces: {Gi1/0/1: {channel_group: 1, channel_mode: on}}}\n"
        "hosts:\n  esx01: {}\n"
        "vms:\n  a: {host: esx01, power: off}\n  b: {host: esx01, power: on}\n"
    )
    assert inv.switches["sw-a"].interfaces["Gi1/0/1"].channel_mode == "on"
    assert inv.vms["a"].power == "off" and inv.vms["b"].power == "on"


def test_merge_key_is_shallow_and_written_keys_win() -> None:
    data = parse_text(
        "base: &b {x: 1, nested: {p: 1, q: 2}}\n"
        "child:\n  <<: *b\n  nested: {p: 9}\n  y: 2\n"
    )
    # 'nested' is replaced as a whole, not merged key by key
    assert data["child"] == {"x": 1, "nested": {"p": 9}, "y": 2}
    assert "<<" not in data["child"]


def test_merge_key_list_earlier_sources_win() -> None:
    data = parse_text("a: &a {k: a, only_a: 1}\nb: &b {k: b, only_b: 2}\nc:\n  <<: [*a, *b]\n")
    assert data["c"] == {"k": "a", "only_a": 1, "only_b": 2}


def test_merge_keys_inside_lists_and_chained_anchors() -> None:
    data = resolve_merge_keys({"l": [{"<<": {"a": 1}, "b": 2}], "m": {"<<": {"<<": {"deep": 1}, "mid": 2}}})
    assert data == {"l": [{"a": 1, "b": 2}], "m": {"deep": 1, "mid": 2}}


def test_merge_inherits_from_an_anchor_in_a_design() -> None:
    inv = vinfra.load(shared_example("seed-two-independent-switches.yaml"))
    esx01, esx02 = inv.hosts["esx01"], inv.hosts["esx02"]
    assert esx02.vswitches == esx01.vswitches and esx02.cpu == esx01.cpu
    assert esx02.vmkernel["vmk0"].ip is not None and str(esx02.vmkernel["vmk0"].ip) == "10.0.20.12/24"


def test_json_design_equals_the_yaml_design(tmp_path: Path) -> None:
    source = shared_example("seed-stacked-ip-hash.yaml")
    data = parse_text(source.read_text(encoding="utf-8"), str(source))
    path = tmp_path / "design.json"
    path.write_bytes(orjson.dumps(data))
    assert vinfra.load(path) == vinfra.load(source)


def test_flow_yaml_starting_with_a_brace_is_still_yaml() -> None:
    inv = vinfra.load_text("{name: flow, hosts: {esx01: {memory_gb: 16}}}", "flow.yaml")
    assert inv.hosts["esx01"].memory_gb == 16


def test_loaded_inventory_knows_its_source_and_locates_keys() -> None:
    path = shared_example("seed-two-independent-switches.yaml")
    inv = vinfra.load(path)
    assert inv.source == str(path)
    line, col = inv.locate(("hosts", "esx02", "vmkernel"))  # type: ignore[misc]
    assert path.read_text(encoding="utf-8").splitlines()[line - 1][col - 1:].startswith("vmkernel:")
    # inherited through the merge key: found where the anchor writes it
    line, col = inv.locate(("hosts", "esx02", "nics"))  # type: ignore[misc]
    assert line < inv.locate(("hosts", "esx02"))[0]  # type: ignore[index]


def test_equality_is_about_the_design_not_its_provenance_or_cache() -> None:
    path = shared_example("seed-two-independent-switches.yaml")
    from_file = vinfra.load(path)  # knows its source file
    from_text = vinfra.load_text(path.read_text(encoding="utf-8"))
    from_file.link_at(from_file.links[0].a)  # builds the lookup index on one side only
    assert from_file == from_text
    assert from_file != from_text.model_copy(update={"description": "other"})


def test_a_huge_integer_as_merge_key_is_a_located_error_not_a_traceback(tmp_path: Path) -> None:
    """repr() refuses integers of more than 4,300 digits: the message says how long it is instead."""
    p = tmp_path / "big.yaml"
    p.write_text("name: x\nvms:\n  a:\n    <<: " + "9" * 5000 + "\n    host: h\n", encoding="utf-8")
    try:
        vinfra.load(p)
    except vinfra.DesignError as exc:
        text = str(exc)
    else:
        raise AssertionError("loaded")
    assert "merge key" in text and "at least 5000 digits" in text and f"{p}:4:" in text
