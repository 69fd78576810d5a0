"""Export: the normalized model, every default filled in; loading an export gives an equal Inventory."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from ruamel.yaml import YAML

import vinfra
from _paths import DATA, OWN_EXAMPLES, SHARED_EXAMPLES, designs, shared_example
from vinfra.io.design import parse_text
from vinfra.io.export import export, format_for, render, to_data, to_json, to_yaml

DESIGNS = designs(SHARED_EXAMPLES) + designs(OWN_EXAMPLES)


@pytest.mark.parametrize("path", DESIGNS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_round_trip_through_yaml_and_json(path: Path) -> None:
    inv = vinfra.load(path)
    from_yaml = vinfra.load_text(to_yaml(inv), "export.yaml")
    from_json = vinfra.load_text(to_json(inv), "export.json")
    assert from_yaml == inv
    assert from_json == inv
    # and the export of the export is the same text: normalization is idempotent
    assert to_yaml(from_yaml) == to_yaml(inv)
    assert to_json(from_json) == to_json(inv)


def test_round_trip_detects_a_difference() -> None:
    inv = vinfra.load(shared_example("seed-two-independent-switches.yaml"))
    text = to_yaml(inv).replace("mac_aging_s: 300", "mac_aging_s: 301", 1)
    assert vinfra.load_text(text, "edited.yaml") != inv


def test_every_default_is_filled_in() -> None:
    inv = vinfra.load_text(
        "name: defaults\n"
        "switches:\n"
        "  nx-1: {platform: nxos, interfaces: {Vlan10: {ip: 10.0.10.2/24, fhrp: {protocol: vrrp, vip: 10.0.10.1}}}}\n"
        "hosts:\n  esx01: {product: esx}\n  esx02: {}\n"
        "dvswitches:\n  dvs-old: {version: '5.5'}\n  dvs-new: {}\n"
        "vms:\n  vm1: {host: esx02}\n"
    )
    data = to_data(inv)
    sw = data["switches"]["nx-1"]
    assert sw["mac_aging_s"] == 1800 and sw["stp"] == {"mode": "rpvst", "priority": 32768}
    assert sw["vlans"] == "1"
    svi = sw["interfaces"]["Vlan10"]
    assert svi["arp_timeout_s"] == 1500 and svi["fhrp"]["preempt"] is True and svi["allowed_vlans"] == "all"
    assert data["hosts"]["esx01"]["version"] == "3.5" and data["hosts"]["esx02"]["version"] == "8.0"
    assert data["hosts"]["esx02"]["cpu"] == {"sockets": 2, "cores": 4, "mhz": 2000, "vendor": "intel", "family": None}
    assert data["hosts"]["esx02"]["memory_gb"] == 64
    assert data["dvswitches"]["dvs-old"]["security"] == {"promiscuous": False, "mac_changes": True, "forged_transmits": True}
    assert data["dvswitches"]["dvs-new"]["security"] == {"promiscuous": False, "mac_changes": False, "forged_transmits": False}
    assert data["vms"]["vm1"]["power"] == "on" and data["vms"]["vm1"]["ha"] == {"restart_priority": "medium"}
    # names are the keys, never repeated inside
    assert "name" not in data["hosts"]["esx01"] and "name" not in data["switches"]["nx-1"]
    assert list(data) == ["name", "description", "switches", "hosts", "dvswitches", "clusters", "datastores",
                          "vms", "templates", "links", "failures"]


def test_references_and_vlan_sets_are_strings() -> None:
    inv = vinfra.load(shared_example("seed-reference-l2l3.yaml"))
    data = to_data(inv)
    assert data["links"][0] == {"a": str(inv.links[0].a), "b": str(inv.links[0].b), "speed": inv.links[0].speed}
    assert all(isinstance(link["a"], str) for link in data["links"])
    # per-VLAN bridge priority is written the way topology-v1 spells it
    assert data["switches"]["dist-1"]["stp"]["priority"] == {"20": 4096, "40": 8192, "120": 4096, "140": 8192,
                                                              "default": 32768}
    failures = to_data(vinfra.load_text("name: f\nhosts: {esx01: {nics: {vmnic0: {}}}}\nfailures: [esx01:vmnic0]\n"))
    assert failures["failures"] == ["esx01:vmnic0"]


def test_yaml_is_block_style_in_model_order_and_deterministic() -> None:
    inv = vinfra.load(shared_example("seed-stacked-ip-hash.yaml"))
    text = to_yaml(inv)
    assert text == to_yaml(vinfra.load(shared_example("seed-stacked-ip-hash.yaml")))
    assert text.startswith("# seed-stacked-ip-hash: normalized by vinfra export")
    assert "{" not in text.split("\nlinks:")[0].replace("{}", "")  # block style (empty maps aside)
    host = text[text.index("\n  esx01:\n") + 1:]
    keys = [ln.strip().split(":")[0] for ln in host.splitlines()[1:6]]
    assert keys == ["cluster", "product", "version", "cpu", "sockets"]


@pytest.mark.parametrize(
    "tricky",
    ["yes", "on", "Off", "n", "10", "3.5", "1e3", "0o17", "0x1F", "1_000", "12:30:45", "null", "~", "", "true",
     ".inf", "2024-01-01", "- dash", "# hash", "a: b", "'quoted'", "line\nbreak", " padded "],
)
def test_strings_that_look_like_other_things_survive(tricky: str) -> None:
    inv = vinfra.load_text("name: q\nhosts: {esx01: {}}\n").model_copy(update={"description": tricky})
    text = to_yaml(inv)
    assert vinfra.load_text(text, "q.yaml").description == tricky
    # a YAML 1.1 reader (PyYAML, Ansible ...) reads the same string
    yaml11 = YAML(typ="safe", pure=True)
    yaml11.version = (1, 1)  # type: ignore[assignment]
    assert yaml11.load(text)["description"] == tricky


def test_mac_addresses_are_quoted_for_yaml_1_1_readers() -> None:
    inv = vinfra.load_text(
        "name: mac\nhosts: {esx01: {nics: {vmnic0: {mac: '10:50:56:00:30:41'}}}}\n"
    )
    text = to_yaml(inv)
    assert "mac: '10:50:56:00:30:41'" in text  # 1.1 would read it as a sexagesimal number


def test_json_export_is_indented_and_ends_with_a_newline() -> None:
    text = to_json(vinfra.load(shared_example("seed-routed-access.yaml")))
    assert text.endswith("}\n") and text.startswith('{\n  "name": "seed-routed-access"')
    assert json.loads(text)["name"] == "seed-routed-access"
    assert render(vinfra.load(shared_example("seed-routed-access.yaml")), "json") == text


def test_render_rejects_an_unknown_format() -> None:
    with pytest.raises(ValueError, match="unknown export format 'xml'"):
        render(vinfra.load_text("name: x\n"), "xml")  # type: ignore[arg-type]


def test_format_for_a_file_name() -> None:
    assert format_for("out.json") == "json" and format_for("OUT.JSON") == "json"
    assert format_for("out.yaml") == "yaml" and format_for("out.yml") == "yaml" and format_for(None) == "yaml"
    assert format_for("out.txt", default="json") == "json"


def test_export_writes_the_file(tmp_path: Path) -> None:
    inv = vinfra.load(shared_example("seed-io-consolidation.yaml"))
    target = tmp_path / "io.json"
    text = export(inv, "json", target)
    assert target.read_text(encoding="utf-8") == text
    assert vinfra.load(target) == inv
    assert sorted(p.name for p in tmp_path.iterdir()) == ["io.json"]  # no temporary file left behind


def test_exported_yaml_parses_to_the_exported_data() -> None:
    inv = vinfra.load(shared_example("seed-complex-esx.yaml"))
    assert parse_text(to_yaml(inv), "x.yaml") == to_data(inv)


def test_guest_vlans_are_exported_and_load_back() -> None:
    """topology-v1 "VGT": a NIC's guest_vlan survives export (YAML and JSON), beside the NIC's network."""
    inv = vinfra.load(DATA / "vgt.yaml")
    data = to_data(inv)
    assert data["vms"]["g10"]["nics"][0]["guest_vlan"] == 10
    assert data["vms"]["d30"]["nics"][0] == {**data["vms"]["d30"]["nics"][0], "network": "dvs/dv-trunk", "guest_vlan": 30}
    assert list(data["vms"]["g10"]["nics"][0])[:2] == ["network", "guest_vlan"]
    assert data["vms"]["gu"]["nics"][0]["guest_vlan"] is None  # untagged: every default is written out
    assert vinfra.load_text(to_yaml(inv), "export.yaml") == inv
    assert vinfra.load_text(to_json(inv), "export.json") == inv
    text = to_yaml(inv).replace("guest_vlan: 10", "guest_vlan: 20", 1)
    assert vinfra.load_text(text, "edited.yaml") != inv


@pytest.mark.parametrize("text", ["\x85", "a\x85b", "\u2028", "x\u2029 ", "\x85\u2028\n"])
def test_yaml_1_1_line_breaks_in_text_round_trip(text: str) -> None:
    """Found by the round-trip property test: ruamel.yaml indented after U+0085/2028/2029 in quoted text."""
    inv = vinfra.load_text("name: x\ndescription: " + json.dumps(text) + "\n")
    assert vinfra.load_text(to_yaml(inv)).description == text
