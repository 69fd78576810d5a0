"""Switch running-configs to topology-v1 switches: every real config in ../shared/data reads and validates, every
line gets exactly one support state, and Batfish's parser test configs give the results their comments state."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _deep import examples
from _import_data import AVD, BATFISH, DATA, SHOW_OUTPUTS, SWITCH_CONFIGS, TOR1
from vinfra.importers.report import ImportSourceError, Support
from vinfra.importers.switch_config import (
    combine,
    detect_platform,
    edit_allowed,
    expand_interfaces,
    parse_switch_config,
    read_switch_config,
    read_switch_configs,
    read_switch_files,
)
from vinfra.io.design import from_data
from vinfra.model import Inventory
from vinfra.model.vlan import ALL_VLANS, VlanSet


def test_the_shared_data_is_there() -> None:
    # the parametrized tests below would otherwise run on nothing
    assert len(SWITCH_CONFIGS) == 13 and len(SHOW_OUTPUTS) == 2, DATA


def _config_lines(path: Path) -> tuple[set[int], set[int]]:
    """(lines that must have a state: not blank, not a comment; lines that may: not blank)."""
    lines = path.read_text(encoding="utf-8").splitlines()
    must = {n for n, line in enumerate(lines, 1) if line.strip() and not line.strip().startswith(("!", "#"))}
    may = {n for n, line in enumerate(lines, 1) if line.strip()}
    return must, may


@pytest.mark.parametrize("path", SWITCH_CONFIGS + SHOW_OUTPUTS, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_every_shared_switch_file_reads_validates_and_states_every_line_once(path: Path) -> None:
    parts = read_switch_files([path])
    assert len(parts) == 1
    imported = parts[0]
    inv = from_data({"name": "t", **imported.design}, str(path))
    assert len(inv.switches) == 1
    numbers = [r.line for r in imported.report]
    assert len(numbers) == len(set(numbers)), "a line with two states"
    must, may = _config_lines(path)
    assert must <= set(numbers) <= may
    assert all(r.source == str(path) for r in imported.report)
    # the report lists each line not fully supported, with its line number
    assert {r.line for r in imported.not_supported()} == {r.line for r in imported.report
                                                          if r.support is not Support.SUPPORTED}


def _switch(path: Path, platform: str | None = None) -> tuple[Inventory, Any, Any]:
    imported = read_switch_config(path, platform)
    inv = from_data({"name": "t", **imported.design}, str(path))
    (_name, sw), = inv.switches.items()
    return inv, sw, imported


def _state(imported: Any, text: str) -> Support:
    (line,) = [r for r in imported.report if r.text == text]
    return line.support


# -- Batfish's NX-OS switchport test: the expectations written in its comments --------------------------------

def test_batfish_nxos_interface_switchport() -> None:
    _, sw, imported = _switch(BATFISH / "nxos_interface_switchport")
    assert sw.platform == "nxos" and sw.vlans == VlanSet.parse("1-5")  # vlan 1-5
    i = sw.interfaces

    def effective(name: str) -> VlanSet:
        return i[name].allowed_vlans & sw.vlans  # "all active VLANs": allowed and existing

    # no configuration: not shut down, switchport, access VLAN 1
    assert (i["Ethernet1/1"].mode, i["Ethernet1/1"].vlan, i["Ethernet1/1"].shutdown) == ("access", 1, False)
    assert "Loopback0" not in i and "mgmt0" not in i  # switchport = false, not modelled
    assert i["port-channel1"].mode == "access"
    assert i["Ethernet1/2"].mode == "routed" and not i["Ethernet1/2"].shutdown  # no switchport, no shutdown
    assert i["port-channel2"].mode == "routed"
    assert i["Ethernet1/3"].mode == "routed" and not i["Ethernet1/3"].shutdown  # no shutdown is remembered
    assert (i["Ethernet1/4"].mode, i["Ethernet1/4"].vlan) == ("access", 2)
    # access vlan 25 is not configured: Batfish says null; the design keeps 25, which the switch does not forward
    assert i["Ethernet1/5"].vlan == 25 and 25 not in sw.vlans
    assert (i["Ethernet1/6"].mode, i["Ethernet1/6"].native_vlan, effective("Ethernet1/6")) == \
        ("trunk", 2, VlanSet.parse("1-5"))
    assert (i["Ethernet1/7"].native_vlan, effective("Ethernet1/7")) == (1, VlanSet.parse("1-3"))
    assert effective("Ethernet1/8") == VlanSet.parse("1-4")  # set, then add 4
    assert effective("Ethernet1/9") == VlanSet.parse("1,3-5")  # except 2
    assert effective("Ethernet1/10") == VlanSet.parse("none")
    assert effective("Ethernet1/11") == VlanSet.parse("1-2")  # 1-3, remove 3
    assert (i["Ethernet1/12"].mode, i["Ethernet1/12"].vlan) == ("access", 1)
    assert (i["Ethernet1/15"].mode, effective("Ethernet1/15")) == ("trunk", VlanSet.parse("1-5"))
    # modes vinfra does not model are reported, never silently taken
    assert _state(imported, "switchport mode dot1q-tunnel") is Support.WRONG
    assert _state(imported, "switchport mode fex-fabric") is Support.WRONG
    assert _state(imported, "interface Ethernet1/2.1") is Support.WRONG  # sub-interfaces


def test_batfish_nxos_port_channel() -> None:
    _, sw, _ = _switch(BATFISH / "nxos_port_channel")
    i = sw.interfaces
    members = {n: f.channel_group for n, f in i.items() if f.channel_group is not None}
    assert members == {"Ethernet1/2": 2, "Ethernet1/3": 3, "Ethernet1/4": 3, "Ethernet1/5": 3, "Ethernet1/6": 4,
                       "Ethernet1/7": 4, "Ethernet1/8": 5, "Ethernet1/9": 5, "Ethernet1/10": 6, "Ethernet1/11": 6,
                       "Ethernet1/12": 7, "Ethernet1/13": 7, "Ethernet1/14": 7}
    assert "port-channel1" in i  # no members
    assert i["Ethernet1/2"].shutdown and i["Ethernet1/5"].shutdown and not i["Ethernet1/3"].shutdown
    # a range's channel-group with no port-channel declared: the port-channel is made from the interfaces
    assert i["port-channel4"].mode == "routed" and i["Ethernet1/6"].mode == i["Ethernet1/7"].mode == "routed"
    # force, no port-channel: the first interface's settings go to the others and to the new port-channel
    assert i["Ethernet1/9"].mode == "routed" and i["port-channel5"].mode == "routed"
    # force with a pre-existing port-channel: its settings (switchport access) go to the interfaces
    assert i["Ethernet1/10"].mode == i["Ethernet1/11"].mode == "access"
    # modes: channel-group alone is on
    assert [i[f"Ethernet1/{n}"].channel_mode for n in (3, 12, 13, 14)] == ["on", "active", "on", "passive"]


def test_batfish_nxos_interface_spanning_tree() -> None:
    _, sw, imported = _switch(BATFISH / "nxos_interface_spanning_tree")
    i = sw.interfaces
    assert (i["Ethernet1/1"].stp.edge, i["Ethernet1/1"].stp.bpdu_filter, i["Ethernet1/1"].stp.bpdu_guard) == \
        (True, True, False)
    assert (i["Ethernet1/2"].mode, i["Ethernet1/2"].stp.edge, i["Ethernet1/2"].stp.bpdu_guard) == ("trunk", True, True)
    assert not i["Ethernet1/3"].stp.edge and not i["Ethernet1/4"].stp.edge  # port type network / normal
    assert _state(imported, "spanning-tree guard root") is Support.WRONG
    assert _state(imported, "spanning-tree port-priority 224") is Support.WRONG


def test_batfish_eos_allowed_vlans_as_their_descriptions_state() -> None:
    _, sw, _ = _switch(BATFISH / "eos-allowed-vlans")
    assert sw.platform == "eos"
    allowed = {n: str(f.allowed_vlans) for n, f in sw.interfaces.items()}
    assert all(f.mode == "trunk" for f in sw.interfaces.values())
    assert allowed == {"Port-Channel1": "1-2", "Port-Channel2": "2-3", "Port-Channel3": "none", "Port-Channel4": "none",
                       "Port-Channel5": "all", "Port-Channel6": "1,3-4", "Port-Channel7": "all",
                       "Port-Channel8": "1-6,8-4094", "Port-Channel9": "all", "Port-Channel10": "all"}


def test_batfish_eos_port_channel() -> None:
    _, sw, _ = _switch(BATFISH / "eos-port-channel")
    i = sw.interfaces
    assert {n: (f.channel_group, f.channel_mode) for n, f in i.items() if f.channel_group} == \
        {"Ethernet0": (1, "active"), "Ethernet1": (1, "active"), "Ethernet2": (3, "active")}
    assert {"Port-Channel1", "Port-Channel2", "Port-Channel3"} <= set(i)
    assert i["Ethernet0"].speed == 40000  # speed forced 40gfull


def test_batfish_ios_switchport_mode_and_native_vlan() -> None:
    _, sw, imported = _switch(BATFISH / "ios_switchport_mode")
    assert sw.platform == "ios"
    assert [sw.interfaces[f"Ethernet0/{n}"].mode for n in range(7)] == ["access", "access", "access", "trunk",
                                                                       "access", "access", "access"]
    assert _state(imported, "switchport trunk encapsulation isl") is Support.WRONG
    assert _state(imported, "switchport trunk encapsulation dot1q") is Support.SUPPORTED
    # an allowed list on a port that does not trunk is kept by the switch and unused: ignored, said so
    assert _state(imported, "switchport trunk allowed vlan 1, 2") is Support.IGNORED
    _, sw, imported = _switch(BATFISH / "ios-native-vlan")
    i = sw.interfaces
    assert (i["Ethernet1"].mode, str(i["Ethernet1"].ip)) == ("routed", "1.1.1.1/31")
    assert (i["Ethernet2"].mode, i["Ethernet2"].native_vlan) == ("trunk", 3)
    assert (i["Ethernet3"].mode, i["Ethernet3"].native_vlan) == ("trunk", 1)
    assert _state(imported, "ip address 2.2.2.2 255.255.255.254") is Support.WRONG  # an address on a switchport


# -- the NX-OS top-of-rack and the Arista configs ------------------------------------------------------------------

def test_nxos_top_of_rack_hypervisor_ports() -> None:
    inv, sw, imported = _switch(TOR1)
    assert inv.switches.keys() == {"TOR1"}
    i = sw.interfaces
    host_ports = [n for n in i if n.startswith("Ethernet1/") and n.count("/") == 2]
    assert len(host_ports) == 32
    for name in host_ports:
        port = i[name]
        assert (port.mode, str(port.allowed_vlans), port.native_vlan) == ("trunk", "7-12", 12)
        assert port.stp.edge and port.stp.bpdu_guard  # port type edge trunk; edge bpduguard default
        assert port.mtu == 9216  # the network-qos class-default MTU under system qos
        assert not port.shutdown
    assert i["Ethernet1/3/1"].speed == 10000 and i["Ethernet1/3/2"].speed is None
    # system default switchport shutdown: an unconfigured port is down
    assert i["Ethernet1/11"].shutdown and i["Ethernet1/11"].mode == "access"
    assert (i["Ethernet1/27"].mode, str(i["Ethernet1/27"].ip), i["Ethernet1/27"].mtu) == ("routed", "10.0.0.177/31", 9100)
    assert [i[f"Ethernet1/{n}"].channel_group for n in (1, 2)] == [1, 1]
    assert i["Ethernet1/1"].channel_mode == "active" and i["port-channel1"].mode == "trunk"
    vlan7 = i["Vlan7"]
    assert (str(vlan7.ip), vlan7.fhrp.protocol, vlan7.fhrp.group, str(vlan7.fhrp.vip), vlan7.fhrp.priority) == \
        ("10.0.3.2/26", "hsrp", 1, "10.0.3.1", 140)
    assert i["Vlan1"].shutdown  # an NX-OS SVI is created shut down
    assert sw.vlans == VlanSet.parse("1-4,7-12") and sw.stp.mode == "mst" and sw.stp.priority.default == 8192
    assert sw.mac_aging_s == 1510
    assert "mgmt0" not in i and "loopback0" not in i
    assert _state(imported, "spanning-tree mst 2 priority 16384") is Support.WRONG
    # CRLF line ends (as NX-OS writes them) leave no carriage return in a name, a description or the report
    assert b"\r\n" in TOR1.read_bytes()
    assert not any("\r" in r.text for r in imported.report) and i["port-channel1"].description == "HSRP Link To TOR2"


def _leaf2_text() -> str:
    """LEAF1's MLAG peer, as AVD would render it: the same config with the other name and peer address."""
    text = (AVD / "LEAF1.cfg").read_text(encoding="utf-8")
    return (text.replace("hostname LEAF1", "hostname LEAF2").replace("ip address 192.168.0.0/31", "ip address 192.168.0.1/31")
            .replace("peer-address 192.168.0.1", "peer-address 192.168.0.0"))


def test_eos_mlag_pair_is_paired_from_both_configs(tmp_path: Path) -> None:
    leaf2 = tmp_path / "LEAF2.cfg"
    leaf2.write_text(_leaf2_text(), encoding="utf-8")
    imported = read_switch_configs([AVD / "LEAF1.cfg", leaf2])
    inv = from_data({"name": "t", **imported.design}, "pair")
    leaf1 = inv.switches["LEAF1"]
    assert (leaf1.mlag.peer, leaf1.mlag.domain) == ("LEAF2", "RACK1")
    assert inv.switches["LEAF2"].mlag.peer == "LEAF1"
    assert leaf1.interfaces["Port-Channel47"].peer_link and leaf1.interfaces["Port-Channel1"].mlag_id == 1
    # EOS members take their Port-Channel's layer-2 settings
    assert (leaf1.interfaces["Ethernet1"].mode, str(leaf1.interfaces["Ethernet1"].allowed_vlans)) == ("trunk", "10,20")
    assert leaf1.interfaces["Ethernet3"].stp.edge  # portfast on an EOS access port


def test_eos_mlag_without_its_peer_is_reported_not_half_carried() -> None:
    _inv, sw, imported = _switch(AVD / "LEAF1.cfg")
    assert sw.mlag is None and not sw.interfaces["Port-Channel47"].peer_link
    assert _state(imported, "mlag configuration") is Support.PARTIAL
    assert _state(imported, "mlag 1") is Support.PARTIAL


def test_eos_link_tracking_groups_become_numbered_groups() -> None:
    _, sw, imported = _switch(AVD / "ethernet-interfaces.cfg")
    groups = {g.group: (g.upstream, g.downstream) for g in sw.link_state_tracking}
    assert groups == {1: (["Ethernet1"], []), 2: ([], ["Ethernet3"])}
    _, _, imported = _switch(AVD / "link-tracking-groups.cfg")
    assert _state(imported, "link tracking group EVPN_MH_ES2") is Support.PARTIAL  # no members: not carried


# -- a config of our own for what the shared ones lack ---------------------------------------------------------

IOS = """\
hostname access-1
!
system mtu 9000
spanning-tree mode rapid-pvst
spanning-tree portfast default
spanning-tree portfast bpduguard default
spanning-tree vlan 10,20 priority 4096
vlan 10,20
vlan 30
 name storage
link state track 1
!
interface range GigabitEthernet1/0/1 - 2 , GigabitEthernet1/0/5
 description esx uplinks
 switchport mode access
 switchport access vlan 10
 link state group 1 downstream
!
interface Gi1/0/1
 shutdown
!
interface TenGigabitEthernet1/1/1
 switchport mode trunk
 switchport trunk allowed vlan 10,20,30
 switchport trunk allowed vlan remove 30
 channel-group 1 mode active
 link state group 1 upstream
!
interface TenGigabitEthernet1/1/2
 switchport mode trunk
 switchport trunk allowed vlan 10,20
 channel-group 1 mode active
!
interface Port-channel1
 switchport mode trunk
 switchport trunk allowed vlan 10,20
!
interface Vlan10
 ip address 10.0.10.2 255.255.255.0
 standby 10 ip 10.0.10.1
 standby 10 priority 110
 standby 10 preempt
 vrrp 11 ip 10.0.10.3
!
interface Vlan20
 ip address 10.0.20.2 255.255.255.0
 glbp 20 ip 10.0.20.1
!
interface Vlan30
 ip address 10.0.30.2 255.255.255.0
 ip access-group BLOCK in
!
router ospf 1
 passive-interface Vlan10
!
end
"""


def test_an_ios_access_switch_with_ranges_fhrp_and_link_state_tracking() -> None:
    parsed = parse_switch_config(IOS, "access-1.cfg")
    assert parsed.platform == "ios" and parsed.name == "access-1"
    imported = combine([parsed])
    inv = from_data({"name": "t", **imported.design}, "access-1.cfg")
    sw = inv.switches["access-1"]
    i = sw.interfaces
    # one range, three ports; Gi1/0/1 is GigabitEthernet1/0/1 (one interface, the first spelling kept)
    assert {"GigabitEthernet1/0/1", "GigabitEthernet1/0/2", "GigabitEthernet1/0/5"} <= set(i) and "Gi1/0/1" not in i
    assert i["GigabitEthernet1/0/1"].shutdown and not i["GigabitEthernet1/0/2"].shutdown
    assert i["GigabitEthernet1/0/5"].vlan == 10 and i["GigabitEthernet1/0/5"].description == "esx uplinks"
    assert i["GigabitEthernet1/0/5"].stp.edge and i["GigabitEthernet1/0/5"].stp.bpdu_guard  # the defaults
    assert not i["TenGigabitEthernet1/1/1"].stp.edge  # portfast default is for access ports
    assert i["GigabitEthernet1/0/5"].mtu == 9000 and i["Vlan10"].mtu == 1500  # system mtu: layer-2 ports
    assert str(i["TenGigabitEthernet1/1/1"].allowed_vlans) == "10,20"
    assert sw.stp.mode == "rpvst" and sw.stp.priority.for_vlan(10) == 4096 and sw.stp.priority.for_vlan(30) == 32768
    assert sw.vlans == VlanSet.parse("1,10,20,30")
    (group,) = sw.link_state_tracking
    assert group.group == 1 and group.upstream == ["TenGigabitEthernet1/1/1"]
    assert group.downstream == ["GigabitEthernet1/0/1", "GigabitEthernet1/0/2", "GigabitEthernet1/0/5"]
    f = i["Vlan10"].fhrp
    assert (f.protocol, f.group, str(f.vip), f.priority, f.preempt) == ("hsrp", 10, "10.0.10.1", 110, True)
    assert i["Vlan20"].fhrp.protocol == "glbp"
    assert sw.routing.protocol == "ospf" and sw.routing.passive_interfaces == ["Vlan10"]
    assert _state(imported, "vrrp 11 ip 10.0.10.3") is Support.WRONG  # a second group on one SVI
    assert _state(imported, "ip access-group BLOCK in") is Support.WRONG
    assert _state(imported, "name storage") is Support.IGNORED


# -- VLAN list edits: the same answers as plain sets ---------------------------------------------------------------

def test_allowed_vlan_edits() -> None:
    assert edit_allowed(None, "add 7") == ALL_VLANS  # default and add is a no-op
    assert edit_allowed(VlanSet.parse("1-3"), "remove 3") == VlanSet.parse("1-2")
    assert edit_allowed(VlanSet.parse("1-3"), "except 2") == ALL_VLANS - VlanSet.of(2)
    assert edit_allowed(VlanSet.parse("1-3"), "none") == VlanSet.parse("none")
    assert edit_allowed(VlanSet.parse("none"), "all") == ALL_VLANS
    assert edit_allowed(None, "1, 2") == VlanSet.parse("1-2")
    with pytest.raises(ValueError):
        edit_allowed(None, "10-")


_LIST = st.lists(st.tuples(st.integers(1, 4094), st.integers(0, 30)), min_size=1, max_size=4)


@settings(max_examples=examples(200), deadline=None)
@given(st.lists(st.tuples(st.sampled_from(["set", "add", "remove", "except", "none", "all"]), _LIST), max_size=6))
def test_allowed_vlan_edits_equal_plain_set_arithmetic(edits: list[tuple[str, list[tuple[int, int]]]]) -> None:
    current = None
    plain = set(range(1, 4095))
    for op, ranges in edits:
        spans = [(lo, min(lo + n, 4094)) for lo, n in ranges]
        text = ",".join(f"{a}-{b}" if a != b else str(a) for a, b in spans)
        items = {v for a, b in spans for v in range(a, b + 1)}
        args = text if op == "set" else op if op in ("none", "all") else f"{op} {text}"
        current = edit_allowed(current, args)
        plain = {"set": items, "add": plain | items, "remove": plain - items, "except": set(range(1, 4095)) - items,
                 "none": set(), "all": set(range(1, 4095))}[op]
        assert set(current) == plain


def test_interface_ranges_and_spellings() -> None:
    assert expand_interfaces("range GigabitEthernet1/0/1 - 3 , GigabitEthernet1/0/10") == \
        ["GigabitEthernet1/0/1", "GigabitEthernet1/0/2", "GigabitEthernet1/0/3", "GigabitEthernet1/0/10"]
    assert expand_interfaces("Ethernet1/6-7") == ["Ethernet1/6", "Ethernet1/7"]
    assert expand_interfaces("port-channel 6") == ["port-channel6"]
    assert expand_interfaces("Ethernet1/2.1") == ["Ethernet1/2.1"]
    with pytest.raises(ValueError):
        expand_interfaces("Ethernet1/7-6")


def test_platform_detection() -> None:
    assert detect_platform(TOR1.read_text(encoding="utf-8"))[0] == "nxos"
    assert detect_platform((AVD / "LEAF1.cfg").read_text(encoding="utf-8"))[0] == "eos"
    assert detect_platform(IOS)[0] == "ios"


# -- input that is no config: a located error, never a traceback ---------------------------------------------------

def _error(text: str | bytes, tmp_path: Path, name: str = "bad.cfg") -> ImportSourceError:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    with pytest.raises(ImportSourceError) as info:
        read_switch_configs([path])
    return info.value


def test_a_config_cut_off_inside_a_vlan_list_is_located(tmp_path: Path) -> None:
    raw = TOR1.read_bytes()
    cut = raw[: raw.index(b"switchport trunk allowed vlan 7-12") + len(b"switchport trunk allowed vlan 7-")]
    (diag,) = _error(cut, tmp_path).diagnostics
    assert diag.line == cut.count(b"\n") + 1 and diag.column == 33 and "VLAN" in diag.message


def test_an_ios_config_without_its_end_line_is_truncated(tmp_path: Path) -> None:
    text = "Building configuration...\n\nCurrent configuration : 1200 bytes\n" + IOS.replace("end\n", "")
    (diag,) = _error(text, tmp_path).diagnostics
    assert "truncated" in diag.message and diag.line == len(text.splitlines())


def test_files_that_are_no_config(tmp_path: Path) -> None:
    (diag,) = _error((DATA / "intel-mfd-esxi" / "esxcfg_nics_1.txt").read_bytes(), tmp_path).diagnostics
    assert "not a switch running-config" in diag.message and diag.line == 1
    (diag,) = _error(b"PK\x03\x04\x00\x00", tmp_path).diagnostics
    assert "binary" in diag.message
    (diag,) = _error(b"hostname a\ninterface Gi1\n description caf\xe9\n", tmp_path).diagnostics
    assert (diag.line, diag.column) == (3, 17) and "UTF-8" in diag.message
    (diag,) = _error("hostname a\nbanner motd ^C\nwelcome\n", tmp_path).diagnostics
    assert diag.line == 2 and "banner" in diag.message
    (diag,) = _error("hostname a\ninterface Gi1/0/1\n channel-group x mode active\n", tmp_path).diagnostics
    assert (diag.line, diag.column) == (3, 16)


def test_eos_members_take_their_port_channels_layer_2_settings() -> None:
    _, sw, imported = _switch(AVD / "port-channel-interfaces.cfg")
    member, po = sw.interfaces["Ethernet10/4"], sw.interfaces["Port-Channel104"]
    assert (member.channel_group, member.mode, str(member.allowed_vlans)) == (104, "trunk", "112")
    assert str(po.allowed_vlans) == "112"
    (own,) = [r for r in imported.report if r.line == 519]
    assert own.text == "switchport trunk allowed vlan 100" and own.support is Support.IGNORED
    assert "takes Port-Channel104's" in own.message


@pytest.mark.parametrize(("text", "platform"), [
    ("hostname r\ninterface Vlan5\n ip address 10.5.0.2 255.255.255.0\n vrrp 5 ip 10.5.0.1\n vrrp 5 priority 120\n",
     "ios"),
    ("hostname r\ninterface Vlan5\n   ip address 10.5.0.2/24\n   vrrp 5 priority-level 120\n   vrrp 5 ipv4 10.5.0.1\n",
     "eos"),
    ("hostname r\nfeature vrrp\ninterface Vlan5\n  no shutdown\n  ip address 10.5.0.2/24\n  vrrp 5\n"
     "    priority 120\n    address 10.5.0.1\n    no shutdown\n", "nxos"),
], ids=["ios", "eos", "nxos"])
def test_vrrp_on_an_svi_in_each_dialect(text: str, platform: str) -> None:
    imported = combine([parse_switch_config(text, "r.cfg", platform)])
    sw = from_data({"name": "t", **imported.design}, "r.cfg").switches["r"]
    f = sw.interfaces["Vlan5"].fhrp
    assert (f.protocol, f.group, str(f.vip), f.priority, f.preempt) == ("vrrp", 5, "10.5.0.1", 120, True)
    assert all(r.support in (Support.SUPPORTED, Support.IGNORED) for r in imported.report)


def test_eos_anycast_gateway() -> None:
    text = "hostname leaf\ninterface Vlan11\n   ip address virtual 10.1.11.1/24\n"
    imported = combine([parse_switch_config(text, "leaf.cfg", "eos")])
    sw = from_data({"name": "t", **imported.design}, "leaf.cfg").switches["leaf"]
    f = sw.interfaces["Vlan11"].fhrp
    assert (f.protocol, str(f.vip_interface)) == ("anycast", "10.1.11.1/24")


def test_a_captured_config_with_its_prompt_and_header() -> None:
    text = "sw1#show running-config\nBuilding configuration...\n\nCurrent configuration : 120 bytes\n" + IOS
    imported = combine([parse_switch_config(text, "sw1.txt")])
    assert [r.support for r in imported.report if r.line in (1, 2, 4)] == [Support.IGNORED] * 3
    assert not [r for r in imported.report if r.support is Support.UNRECOGNISED]


def test_names_topology_v1_cannot_hold_are_located_errors(tmp_path: Path) -> None:
    (diag,) = _error("hostname a\ninterface Ethernet1/1:1\n switchport\n", tmp_path).diagnostics
    assert (diag.line, diag.column) == (2, 11) and "cannot name it" in diag.message
    (diag,) = _error("hostname sw:1\ninterface Ethernet1/1\n", tmp_path).diagnostics
    assert (diag.line, diag.column) == (1, 10) and "cannot name it" in diag.message
