"""vSwitch diagrams: port groups with VLANs and ports on the left, per-port-group uplink roles on the right,
each uplink followed to its switch port."""

from __future__ import annotations

import pytest

import vinfra
from _paths import DATA, OWN_EXAMPLES, shared_example
from vinfra.views import Port, diagram_lines, host_diagrams

ESX01_VSWITCH0 = [
    "esx01 · vSwitch0 (standard vSwitch, MTU 1500, teaming port_id)",
    "  Port groups                                         │ vmnic0   vmnic1",
    "  ────────────────────────────────────────────────────┼─────────────────",
    "  Management · VLAN 110                               │ active   standby",
    "      vmk0  10.20.110.11/24  management               │",
    "  vMotion · VLAN 120                                  │ standby  active",
    "      vmk1  10.20.120.11/24  vmotion                  │",
    "  Web · VLAN 130                                      │ active   active",
    "      intranet01  10.20.130.11/24  00:50:56:20:30:11  │",
    "  App · VLAN 140                                      │ active   active",
    "      erp-app01  10.20.140.21/24  00:50:56:20:40:21   │",
    "  ────────────────────────────────────────────────────┴─────────────────",
    "  Physical adapters",
    "    vmnic0   1000 Mb/s  ── acc-a:Gi1/0/1  trunk, allowed 110-140, native 1",
    "    vmnic1   1000 Mb/s  ── acc-b:Gi1/0/1  trunk, allowed 110-140, native 1",
]


def test_golden_diagram_of_the_demo_host() -> None:
    inv = vinfra.load(OWN_EXAMPLES / "two-independent-switches.yaml")
    (vss,) = host_diagrams(inv, "esx01")
    assert diagram_lines(vss) == ESX01_VSWITCH0


def test_roles_are_per_port_group_after_overrides() -> None:
    inv = vinfra.load(shared_example("seed-redundant-uplinks-lst.yaml"))
    (vss,) = host_diagrams(inv, "esx02")
    assert [u.name for u in vss.uplinks] == ["vmnic0", "vmnic1"]
    roles = {pg.label: pg.roles for pg in vss.portgroups}
    assert roles == {
        "Service Console": ("active", "standby"),
        "VMotion": ("standby", "active"),  # the port group's override
        "VM-30": ("active", "standby"),  # inherits the vSwitch's explicit order
    }
    assert all(pg.policy == "explicit" for pg in vss.portgroups)


def test_unused_uplinks_and_several_vswitches() -> None:
    inv = vinfra.load(shared_example("seed-complex-esx.yaml"))
    diagrams = host_diagrams(inv, "esx01")
    assert [d.name for d in diagrams] == ["vSwitch0", "vSwitch1", "vSwitch2", "vSwitch3"]
    iscsi = diagrams[2]
    assert iscsi.summary == "standard vSwitch, MTU 9000, teaming port_id"
    assert {pg.label: pg.roles for pg in iscsi.portgroups} == {
        "iSCSI-A": ("active", "unused"), "iSCSI-B": ("unused", "active")}
    assert iscsi.portgroups[0].vlan == "no VLAN (0)"
    assert iscsi.portgroups[0].ports == (Port("vmk", "vmk1", "172.20.50.11/24  iscsi  MTU 9000  iSCSI port binding"),)
    # a VM with two vNICs appears once on each port group it uses
    backup = diagrams[3].portgroups[0]
    assert [p.name for p in backup.ports] == ["web01 nic2", "bkp01"]
    assert [p.name for p in diagrams[1].portgroups[0].ports] == ["web01 nic1"]
    assert iscsi.uplinks[0].peer == "stor-a:Gi0/1" and iscsi.uplinks[0].note == "access VLAN 50, MTU 9000"


def test_channel_members_show_their_port_channel() -> None:
    inv = vinfra.load(shared_example("seed-stacked-ip-hash.yaml"))
    (vss,) = host_diagrams(inv, "esx01")
    assert [(u.peer, u.note) for u in vss.uplinks] == [
        ("stk-1:Gi1/0/1", "trunk, allowed 100,110,200,210, native 1, Po1 mode on"),
        ("stk-2:Gi2/0/1", "trunk, allowed 100,110,200,210, native 1, Po1 mode on"),
    ]
    assert vss.policy == "ip_hash"


def test_distributed_switch_with_lag() -> None:
    inv = vinfra.load(OWN_EXAMPLES / "mlag-vds-lacp.yaml")
    vss, vds = host_diagrams(inv, "esx-pod2")
    assert (vss.kind, vds.kind, vds.name) == ("standard", "distributed", "dvs-prod")
    assert [u.name for u in vds.uplinks] == ["uplink1", "uplink2", "lag:lag1"]
    assert [(u.nic, u.peer) for u in vds.uplinks] == [
        ("vmnic2", "leaf-1:Ethernet1/12"), ("vmnic3", "leaf-2:Ethernet1/12"), (None, None)]
    assert vds.uplinks[2].note == "LACP active; members uplink1, uplink2; hash src-dst-ip"
    assert all(pg.roles == ("unused", "unused", "active") for pg in vds.portgroups)
    assert [p.name for p in vds.portgroups[0].ports] == ["vmk1"]  # vmk on dvs-prod/dv-vMotion
    assert [p.name for p in vds.portgroups[1].ports] == ["shop-web02"]
    lines = diagram_lines(vds)
    assert lines[0] == "esx-pod2 · dvs-prod (distributed switch 8.0, MTU 9000, teaming lag:lag1)"
    assert "  Uplinks" in lines
    assert "    uplink1 = vmnic2  10000 Mb/s  ── leaf-1:Ethernet1/12  trunk, allowed 20,30-31, native 1, " \
           "Po12 mode active, MTU 9216" in lines


def test_edge_cases_not_cabled_unmapped_internal_only_and_vlan_kinds() -> None:
    inv = vinfra.load_text(
        """
name: edges
hosts:
  esx01:
    nics: {vmnic0: {speed: 10000}, vmnic1: {}, vmnic2: {}}
    vswitches:
      vSwitch0:
        uplinks: [vmnic0]
        portgroups:
          Trunk: {vlan: 4095}
          Pinned: {vlan: 5, teaming: {policy: explicit, active: [vmnic0]}}
      internal: {}
    vmkernel:
      vmk0: {portgroup: Trunk}
dvswitches:
  dvs1:
    uplinks: [uplink1, uplink2]
    hosts: {esx01: {uplink1: vmnic1}}
    portgroups:
      dv-trunk: {vlan: {trunk: "100-200"}}
      dv-pvlan: {vlan: {pvlan: 31}}
      dv-none: {vlan: 0}
vms:
  off01: {host: esx01, power: "off", nics: [{network: dvs1/dv-none, connected: false}]}
"""
    )
    vss, internal, dvs = host_diagrams(inv, "esx01")
    assert vss.uplinks[0].peer is None and vss.uplinks[0].note == "not cabled"
    assert [pg.vlan for pg in vss.portgroups] == ["all VLANs (4095)", "VLAN 5"]
    lines = diagram_lines(vss)
    assert "  Pinned · VLAN 5 · explicit    │ active" in lines
    assert "    vmnic0  10000 Mb/s  ── not cabled" in lines
    assert "      vmk0  no IP  no services  │" in lines
    assert diagram_lines(internal) == [
        "esx01 · internal (standard vSwitch, MTU 1500, teaming port_id)",
        "  Port groups       │ (no uplinks: internal only)",
        "  ──────────────────┼────────────────────────────",
        "  (no port groups)  │",
        "  ──────────────────┴────────────────────────────",
        "  Physical adapters",
        "    none",
    ]
    assert [pg.vlan for pg in dvs.portgroups] == ["VLAN trunk 100-200", "PVLAN 31", "no VLAN"]
    assert dvs.uplinks[1].nic is None and dvs.uplinks[1].note == "not mapped to a vmnic on esx01"
    assert dvs.portgroups[2].ports == (Port("vm", "off01", "no IP  powered off  disconnected"),)
    assert dvs.summary == "distributed switch 7.0, MTU 1500, teaming port_id"


def test_hosts_without_switches_and_unknown_hosts() -> None:
    inv = vinfra.load_text("name: bare\nhosts: {esx01: {}}\n")
    assert host_diagrams(inv, "esx01") == []
    with pytest.raises(KeyError):
        host_diagrams(inv, "esx09")


def test_deterministic() -> None:
    path = shared_example("seed-hierarchical-clusters.yaml")
    first = [diagram_lines(d) for h in vinfra.load(path).hosts for d in host_diagrams(vinfra.load(path), h)]
    second = [diagram_lines(d) for h in vinfra.load(path).hosts for d in host_diagrams(vinfra.load(path), h)]
    assert first == second and len(first) == 4


def test_vgt_nics_show_the_vlan_their_guest_tags() -> None:
    """V3, V4: on a 4095 port group or a vDS VLAN trunk, each VM NIC shows its guest VLAN, or that it is untagged."""
    inv = vinfra.load(OWN_EXAMPLES / "guest-vlan-tagging.yaml")
    vss, = host_diagrams(inv, "esx-lab1")
    assert diagram_lines(vss)[3:13] == [
        "  Management · VLAN 110                                                 │ active   active",
        "      vmk0  10.20.110.11/24  management, vmotion                        │",
        "  Web · VLAN 130                                                        │ active   active",
        "  App · VLAN 140                                                        │ active   active",
        "  Trunk-4095 · all VLANs (4095)                                         │ active   active",
        "      probe01 nic1  10.20.150.21/24  guest untagged  00:50:56:20:50:21  │",
        "      probe01 nic2  10.20.130.5/24  guest VLAN 130  00:50:56:20:30:05   │",
        "      probe01 nic3  10.20.140.5/24  guest VLAN 140  00:50:56:20:40:05   │",
        "  ──────────────────────────────────────────────────────────────────────┴─────────────────",
        "  Physical adapters",
    ]
    _, dvs = host_diagrams(vinfra.load(DATA / "vgt.yaml"), "esx01")
    trunk = dvs.portgroups[0]
    assert trunk.vlan == "VLAN trunk 20-30"
    assert [(p.name, p.detail) for p in trunk.ports] == [
        ("d20", "10.0.20.7/24  guest VLAN 20"), ("d30", "10.0.30.7/24  guest VLAN 30"), ("du", "10.0.30.8/24  guest untagged")]
    assert [p.detail for p in dvs.portgroups[1].ports] == []  # dv-30: a VST port group, nothing to say
    vst, = (pg for pg in host_diagrams(vinfra.load(DATA / "vgt.yaml"), "esx02")[0].portgroups if pg.label == "VM-10")
    assert vst.ports == (Port("vm", "v10", "10.0.10.21/24"),)  # a VST VM's guest tags nothing
