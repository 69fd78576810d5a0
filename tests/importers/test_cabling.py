"""Cabling: CDP and LLDP neighbour detail (IOS, NX-OS, EOS) and a CSV to links; bad input located."""

from __future__ import annotations

from pathlib import Path

import pytest

from _import_data import HERE
from vinfra.importers.cabling import parse_cabling_csv, parse_neighbors, read_neighbors
from vinfra.importers.report import ImportSourceError, Support

NEIGHBOR_FILES = sorted(HERE.glob("*"))


def test_our_neighbour_outputs_are_there() -> None:
    assert {p.name for p in NEIGHBOR_FILES} >= {"tor1-cdp.txt", "leaf1-lldp.txt", "sw-a-lldp.txt",
                                                 "tor1-lldp-nxos.txt", "cabling.csv"}


@pytest.mark.parametrize("path", NEIGHBOR_FILES, ids=lambda p: p.name)
def test_every_neighbour_file_reads_with_a_state_per_record(path: Path) -> None:
    imported = read_neighbors([path])
    assert imported.design["links"]
    assert all(r.line is not None and r.support is Support.SUPPORTED for r in imported.report)
    assert len(imported.report) == len(imported.design["links"])


def test_nxos_cdp_names_the_switch_by_its_prompt_and_drops_the_serial() -> None:
    links = read_neighbors([HERE / "tor1-cdp.txt"]).design["links"]
    assert links == [{"a": "TOR1:Ethernet1/3/1", "b": "esx01:vmnic0"},
                     {"a": "TOR1:Ethernet1/3/2", "b": "esx02.example.com:vmnic0"},
                     {"a": "TOR1:Ethernet1/1", "b": "TOR2:Ethernet1/1"}]


def test_lldp_forms() -> None:
    assert read_neighbors([HERE / "sw-a-lldp.txt"]).design["links"] == [
        {"a": "sw-a:Gi1/0/1", "b": "esx01:vmnic0"}, {"a": "sw-a:Gi1/0/2", "b": "esx01:vmnic1"}]
    assert read_neighbors([HERE / "leaf1-lldp.txt"]).design["links"] == [
        {"a": "LEAF1:Ethernet3", "b": "esx03:vmnic2"}, {"a": "LEAF1:Ethernet47", "b": "LEAF2:Ethernet47"}]
    # no prompt: the switch is named on the command line (NAME=FILE), else by the file's stem
    assert read_neighbors([f"TOR1={HERE / 'tor1-lldp-nxos.txt'}"]).design["links"] == [
        {"a": "TOR1:Eth1/3/3", "b": "esx01:vmnic1"}]
    assert read_neighbors([HERE / "tor1-lldp-nxos.txt"]).design["links"][0]["a"] == "tor1-lldp-nxos:Eth1/3/3"


def test_a_record_whose_names_cannot_be_design_names_is_reported_not_carried() -> None:
    text = ("sw1#show lldp neighbors detail\nLocal Intf: Gi1/0/3\nPort id: port 0 on vSwitch0\nSystem Name: esx9\n"
            "Local Intf: Gi1/0/4\nSystem Name: phone\nLocal Intf: Gi1/0/5\nPort id: vmnic0\nSystem Name: esx9\n")
    imported = parse_neighbors(text, "x.txt")
    assert imported.design["links"] == [{"a": "sw1:Gi1/0/5", "b": "esx9:vmnic0"}]
    assert [(r.line, r.support) for r in imported.report] == [(2, Support.WRONG), (5, Support.WRONG),
                                                              (7, Support.SUPPORTED)]
    assert "not carried" in imported.report[0].message


def test_csv_forms_and_errors() -> None:
    assert parse_cabling_csv("a,b\nsw:Gi1/0/1,esx01:vmnic0\n", "c.csv").design["links"] == [
        {"a": "sw:Gi1/0/1", "b": "esx01:vmnic0"}]
    with pytest.raises(ImportSourceError) as info:
        parse_cabling_csv("a,b\nsw:Gi1/0/1,esx01\n", "c.csv")
    assert (info.value.diagnostics[0].line, "DEVICE:INTERFACE" in info.value.diagnostics[0].message) == (2, True)
    with pytest.raises(ImportSourceError) as info:
        parse_cabling_csv("from,to\n", "c.csv")
    assert info.value.diagnostics[0].line == 1
    with pytest.raises(ImportSourceError) as info:
        parse_cabling_csv("a_device,a_interface,b_device,b_interface,speed\nsw,Gi1,esx,vmnic0,fast\n", "c.csv")
    assert (info.value.diagnostics[0].line, info.value.diagnostics[0].column) == (2, 19)


def test_a_cut_off_or_foreign_file_is_a_located_error(tmp_path: Path) -> None:
    text = (HERE / "sw-a-lldp.txt").read_text(encoding="utf-8")
    cut = tmp_path / "cut.txt"
    cut.write_text(text[: text.rindex("Port id:")], encoding="utf-8")
    with pytest.raises(ImportSourceError) as info:
        read_neighbors([cut])
    assert info.value.diagnostics[0].line == 22 and "cut off" in info.value.diagnostics[0].message
    other = tmp_path / "other.txt"
    other.write_text("hello\n", encoding="utf-8")
    with pytest.raises(ImportSourceError) as info:
        read_neighbors([other])
    assert "not CDP or LLDP" in info.value.diagnostics[0].message
    with pytest.raises(ImportSourceError):
        read_neighbors([tmp_path / "missing.txt"])


def test_ios_cdp() -> None:
    imported = read_neighbors([HERE / "dist-1-cdp-ios.txt"])
    assert imported.design["links"] == [
        {"a": "dist-1:GigabitEthernet1/0/1", "b": "esx01.example.com:vmnic0"},
        {"a": "dist-1:TenGigabitEthernet1/1/1", "b": "core-1:TenGigabitEthernet1/0/48"}]
    assert [r.line for r in imported.report] == [3, 17]
