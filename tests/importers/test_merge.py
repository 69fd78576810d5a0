"""Merging fragments: the switch side and the host side joined by the cabling; conflicts reported, never
resolved silently; the result validates and the checks run on it."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from _import_data import HERE, TOR1
from vinfra.checks.engine import run_checks
from vinfra.importers.cabling import parse_cabling_csv, read_neighbors
from vinfra.importers.merge import merge
from vinfra.importers.report import Imported, Support
from vinfra.importers.switch_config import read_switch_configs
from vinfra.io.design import from_data
from vinfra.network import Snapshot


def _host(uplinks: list[str]) -> dict[str, Any]:
    return {"nics": {n: {"speed": 10000} for n in uplinks},
            "vswitches": {"vSwitch0": {"uplinks": uplinks, "mtu": 1500,
                                       "portgroups": {"Management Network": {"vlan": 0}}}}}


HOSTS = Imported({"hosts": {"esx01": _host(["vmnic0", "vmnic1"]), "esx02": _host(["vmnic0", "vmnic1"])}},
                 (), (), ("hosts.txt",))


def _sources() -> list[Imported]:
    return [read_switch_configs([TOR1]), HOSTS,
            read_neighbors([HERE / "tor1-cdp.txt", f"TOR1={HERE / 'tor1-lldp-nxos.txt'}", HERE / "cabling.csv"])]


def test_switch_and_host_sides_join_by_the_cabling() -> None:
    merged = merge(_sources(), "tor")
    assert merged.design["links"] == [
        {"a": "TOR1:Ethernet1/3/1", "b": "esx01:vmnic0"},
        {"a": "TOR1:Ethernet1/3/2", "b": "esx02:vmnic0"},  # CDP's esx02.example.com is the design's esx02
        {"a": "TOR1:Ethernet1/3/3", "b": "esx01:vmnic1"},  # LLDP's Eth1/3/3, as TOR1 declares it
        {"a": "TOR1:Ethernet1/3/4", "b": "esx02:vmnic1", "speed": 10000},
    ]
    merge_lines = [r for r in merged.report if r.line is None]
    (tor2,) = [r for r in merge_lines if "TOR2" in r.text]
    assert tor2.support is Support.IGNORED and "TOR2 is not in the design" in tor2.message
    assert not [r for r in merge_lines if "no cable" in r.message]  # every uplink cabled
    assert merged.conflicts == ()
    inv = from_data(merged.design, "merged")
    assert len(inv.links) == 4
    run = run_checks(Snapshot(inv))  # the checker runs on the imported design, and sees what the import carried:
    # the trunks' native VLAN under untagged port groups, and TOR1's global BPDU guard on edge ports
    assert {(f.rule, f.objects[0]) for f in run.findings} == {
        ("untagged-portgroup-on-trunk", "esx01:vSwitch0/Management Network"),
        ("untagged-portgroup-on-trunk", "esx02:vSwitch0/Management Network"),
        ("bpdu-guard-without-guest-filter", "esx01"), ("bpdu-guard-without-guest-filter", "esx02")}


def test_two_sources_that_cable_one_port_differently_are_a_conflict() -> None:
    other = parse_cabling_csv("a,b\nTOR1:Ethernet1/3/1,esx02:vmnic1\n", "other.csv")
    merged = merge([*_sources(), other], "tor")
    (conflict,) = merged.conflicts
    assert conflict.what == "links.TOR1:Ethernet1/3/1"
    assert [s for s, _ in conflict.values] == [f"{HERE / 'tor1-cdp.txt'}, {HERE / 'tor1-lldp-nxos.txt'}, "
                                               f"{HERE / 'cabling.csv'}", "other.csv"]
    assert conflict.chosen.endswith("(first given)")
    assert {"a": "TOR1:Ethernet1/3/1", "b": "esx01:vmnic0"} in merged.design["links"]
    from_data(merged.design, "merged")


def test_one_cable_seen_from_both_ends_is_one_link() -> None:
    both = parse_cabling_csv("a,b\nesx01:vmnic0,TOR1:Eth1/3/1\n", "host-side.csv")
    merged = merge([*_sources(), both], "tor")
    assert len(merged.design["links"]) == 4 and merged.conflicts == ()


def test_sources_that_disagree_about_a_switch_setting_are_a_conflict() -> None:
    summary = Imported({"switches": {"TOR1": {"interfaces": {"Eth1/1": {"channel_group": 1, "channel_mode": "passive"},
                                                               "Po1": {}}}}}, (), (), ("summary.txt",))
    merged = merge([read_switch_configs([TOR1]), summary], "tor")
    (conflict,) = merged.conflicts
    assert conflict.what == "switches.TOR1.interfaces.Ethernet1/1.channel_mode"
    assert conflict.values == ((str(TOR1), "active"), ("summary.txt", "passive"))
    interfaces = merged.design["switches"]["TOR1"]["interfaces"]
    assert interfaces["Ethernet1/1"]["channel_mode"] == "active" and "Eth1/1" not in interfaces
    assert "Po1" not in interfaces and "port-channel1" in interfaces  # one interface, one spelling
    from_data(merged.design, "merged")


def test_links_to_undeclared_interfaces_are_reported_and_uncabled_uplinks_named() -> None:
    bad = parse_cabling_csv("a,b\nTOR1:Ethernet1/9/9,esx01:vmnic0\nTOR1:Ethernet1/4/1,esx01:vmnic7\n", "bad.csv")
    merged = merge([read_switch_configs([TOR1]), HOSTS, bad], "tor")
    assert merged.design["links"] == []
    wrong = [r.message for r in merged.report if r.source == "bad.csv" and r.support is Support.WRONG]
    assert wrong == ["TOR1 declares no interface Ethernet1/9/9: the link is not in the design",
                     "esx01 has no NIC vmnic7: the link is not in the design"]
    uncabled = sorted(r.text for r in merged.report if "no cable" in r.message)
    assert uncabled == ["esx01:vmnic0", "esx01:vmnic1", "esx02:vmnic0", "esx02:vmnic1"]


NXOS_A = """\
hostname n9k-a
feature vpc
vpc domain 10
  peer-keepalive destination 192.0.2.2 source 192.0.2.1 vrf management
interface port-channel10
  switchport mode trunk
  vpc peer-link
interface port-channel20
  switchport mode trunk
  vpc 20
interface Ethernet1/1
  switchport mode trunk
  channel-group 10 mode active
interface Ethernet1/2
  switchport mode trunk
  channel-group 20 mode active
interface mgmt0
  vrf member management
  ip address 192.0.2.1/24
"""


def test_an_nxos_vpc_pair_is_paired_and_cabled(tmp_path: Path) -> None:
    a = tmp_path / "a.cfg"
    b = tmp_path / "b.cfg"
    a.write_text(NXOS_A, encoding="utf-8")
    b.write_text(NXOS_A.replace("n9k-a", "n9k-b").replace("destination 192.0.2.2 source 192.0.2.1",
                                                         "destination 192.0.2.1 source 192.0.2.2")
                 .replace("ip address 192.0.2.1/24", "ip address 192.0.2.2/24"), encoding="utf-8")
    cabling = parse_cabling_csv("a,b\nn9k-a:Eth1/1,n9k-b:Eth1/1\n", "c.csv")
    merged = merge([read_switch_configs([a, b]), cabling], "pair")
    inv = from_data(merged.design, "pair")
    sw = inv.switches["n9k-a"]
    assert (sw.mlag.peer, sw.mlag.domain) == ("n9k-b", 10)
    assert sw.interfaces["port-channel10"].peer_link and sw.interfaces["port-channel20"].mlag_id == 20
    assert [(link.a.device, link.b.device) for link in inv.links] == [("n9k-a", "n9k-b")]


def _tor2_text() -> str:
    """TOR1's peer as its description names it ("HSRP Link To TOR2"): ../shared/data holds TOR1 only, so TOR2
    is TOR1 with the other name, the next address in each subnet, its own spine uplinks and a lower HSRP priority."""
    text = TOR1.read_text(encoding="utf-8")
    text = text.replace("hostname TOR1", "hostname TOR2").replace("priority 140", "priority 130")
    text = re.sub(r"ip address 10\.0\.(3|10|11)\.(\d+)/", lambda m: f"ip address 10.0.{m[1]}.{int(m[2]) + 1}/", text)
    return re.sub(r"ip address 10\.0\.0\.(\d+)/31", lambda m: f"ip address 10.0.0.{int(m[1]) + 8}/31", text)


def test_the_nxos_top_of_rack_pair_joined_by_its_port_channel(tmp_path: Path) -> None:
    tor2 = tmp_path / "TOR2.cfg"
    tor2.write_bytes(_tor2_text().encode())
    cabling = parse_cabling_csv("a,b\nTOR1:Eth1/1,TOR2:Eth1/1\nTOR1:Eth1/2,TOR2:Eth1/2\nTOR1:Eth1/3/1,esx01:vmnic0\n"
                                "TOR2:Eth1/3/1,esx01:vmnic1\n", "pair.csv")
    merged = merge([read_switch_configs([TOR1, tor2]), HOSTS, cabling], "pair")
    assert merged.conflicts == ()
    inv = from_data(merged.design, "pair")
    assert set(inv.switches) == {"TOR1", "TOR2"} and len(inv.links) == 4
    snap = Snapshot(inv)
    run = run_checks(snap)
    # no finding about the pair itself (its trunk port-channel, VLANs, STP, HSRP): only the host side's
    assert {(f.rule, f.objects[0]) for f in run.findings} == {
        ("untagged-portgroup-on-trunk", "esx01:vSwitch0/Management Network"),
        ("bpdu-guard-without-guest-filter", "esx01"), ("uplink-not-cabled", "esx02:vSwitch0")}
