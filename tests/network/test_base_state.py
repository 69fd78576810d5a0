"""The network base layer: cabling and failures, link-state tracking (T15), port-channel
negotiation (M5, M6, T6), port VLAN tagging (V1-V6) and layer-2 domains."""

from __future__ import annotations

from pathlib import Path

import pytest

import vinfra
from _paths import SHARED_EXAMPLES
from vinfra.model import InterfaceRef, VlanSet
from vinfra.network import FailureError, Snapshot
from vinfra.network.lag import BUNDLED, STANDALONE, SUSPENDED
from vinfra.network.vlans import PortVlans, portgroup_accepts, portgroup_egress_tag

SHARED = SHARED_EXAMPLES or Path(__file__).resolve().parents[3] / "shared" / "examples"
R = InterfaceRef.parse


def one_host_design(platform: str = "ios", channel_mode: str = "on", dvs_lag_mode: str | None = None) -> dict:
    """One host, two uplinks to one switch, both in channel-group 1."""
    port = {"mode": "trunk", "allowed_vlans": "10", "channel_group": 1, "channel_mode": channel_mode,
            "stp": {"edge": True}}
    host: dict = {"nics": {"vmnic0": {}, "vmnic1": {}}}
    design: dict = {
        "name": "lag-test",
        "switches": {"sw": {"platform": platform, "vlans": [10],
                            "interfaces": {"Gi1": dict(port), "Gi2": dict(port),
                                           "Po1": {"mode": "trunk", "allowed_vlans": "10"}}}},
        "hosts": {"esx01": host},
        "links": [["esx01:vmnic0", "sw:Gi1"], ["esx01:vmnic1", "sw:Gi2"]],
    }
    if dvs_lag_mode is None:
        host["vswitches"] = {"vSwitch0": {"uplinks": ["vmnic0", "vmnic1"], "teaming": {"policy": "ip_hash"},
                                          "portgroups": {"VM": {"vlan": 10}}}}
    else:
        design["dvswitches"] = {"dvs1": {
            "uplinks": ["uplink1", "uplink2"],
            "hosts": {"esx01": {"uplink1": "vmnic0", "uplink2": "vmnic1"}},
            "lacp": {"lags": {"lag1": {"mode": dvs_lag_mode, "uplinks": ["uplink1", "uplink2"]}}},
            "portgroups": {"VM": {"vlan": 10, "teaming": {"active": ["lag:lag1"]}}},
        }}
    return design


@pytest.mark.parametrize(("platform", "expected"), [("ios", STANDALONE), ("nxos", SUSPENDED), ("eos", SUSPENDED)])
def test_m5_lacp_toward_standard_vswitch_gets_vendor_behaviour(platform: str, expected: str) -> None:
    """M5 / scenario 9: a vSS never sends LACPDUs (T6); IOS runs members stand-alone, NX-OS suspends."""
    snap = Snapshot(vinfra.from_data(one_host_design(platform, "active")))
    (ch,) = snap.channels
    assert set(ch.member_state.values()) == {expected}
    assert not ch.up
    assert "never speaks LACP" in ch.reasons[R("sw:Gi1")]


def test_m6_pagp_never_forms_with_a_host() -> None:
    snap = Snapshot(vinfra.from_data(one_host_design("nxos", "desirable")))
    assert set(snap.channels[0].member_state.values()) == {SUSPENDED}


def test_static_channel_bundles() -> None:
    snap = Snapshot(vinfra.from_data(one_host_design("nxos", "on")))
    (ch,) = snap.channels
    assert ch.up and ch.bundled == (R("sw:Gi1"), R("sw:Gi2"))
    assert ch.declared and ch.key == "sw:Po1"


@pytest.mark.parametrize(("switch_mode", "lag_mode", "bundles"),
                         [("active", "passive", True), ("passive", "active", True), ("passive", "passive", False),
                          ("active", "active", True)])
def test_scenario10_vds_lag_negotiation(switch_mode: str, lag_mode: str, bundles: bool) -> None:
    """T6 / scenario 10: at least one side must be LACP active."""
    snap = Snapshot(vinfra.from_data(one_host_design("nxos", switch_mode, lag_mode)))
    assert snap.channels[0].up is bundles


def test_member_with_different_settings_is_suspended() -> None:
    design = one_host_design("ios", "on")
    design["switches"]["sw"]["interfaces"]["Gi2"]["allowed_vlans"] = "10,20"
    snap = Snapshot(vinfra.from_data(design))
    ch = snap.channels[0]
    assert ch.member_state[R("sw:Gi1")] == BUNDLED
    assert ch.member_state[R("sw:Gi2")] == SUSPENDED
    assert "allowed_vlans" in ch.reasons[R("sw:Gi2")]
    assert not snap.forwarding(R("sw:Gi2"))


def test_failing_po_fails_members_and_takes_cable_down_at_both_ends() -> None:
    snap = Snapshot(vinfra.from_data(one_host_design()), fail=["sw:Po1"])
    assert not snap.link_up(R("sw:Gi1")) and not snap.link_up(R("esx01:vmnic0"))
    assert snap.down_reason(R("esx01:vmnic1")) == "sw:Gi2 has failed"


def test_shutdown_and_uncabled_ports_are_down() -> None:
    design = one_host_design()
    design["switches"]["sw"]["interfaces"]["Gi2"]["shutdown"] = True
    design["switches"]["sw"]["interfaces"]["Gi3"] = {"mode": "access", "vlan": 10}
    snap = Snapshot(vinfra.from_data(design))
    assert not snap.link_up(R("esx01:vmnic1"))
    assert snap.down_reason(R("esx01:vmnic1")) == "sw:Gi2 is shut down"
    assert not snap.link_up(R("sw:Gi3"))


def test_unknown_failure_is_an_error() -> None:
    inv = vinfra.from_data(one_host_design())
    with pytest.raises(FailureError, match="no switch or host"):
        Snapshot(inv, fail=["sw-x"])
    with pytest.raises(FailureError, match="no link joins"):
        Snapshot(inv, fail=["esx01:vmnic0--sw:Gi2"])


def test_link_failure_named_in_either_order() -> None:
    inv = vinfra.from_data(one_host_design())
    for name in ("esx01:vmnic0--sw:Gi1", "sw:Gi1--esx01:vmnic0"):
        snap = Snapshot(inv, fail=[name])
        assert not snap.link_up(R("esx01:vmnic0")) and snap.link_up(R("esx01:vmnic1"))


def test_t15_link_state_tracking_downs_host_ports() -> None:
    inv = vinfra.load(SHARED / "seed-redundant-uplinks-lst.yaml")
    assert Snapshot(inv).link_up(R("esx01:vmnic0"))
    snap = Snapshot(inv, fail=["sw-a:Gi1/0/48"])
    assert not snap.link_up(R("esx01:vmnic0")) and not snap.link_up(R("esx02:vmnic0"))
    assert "link-state tracking group 1" in (snap.down_reason(R("esx01:vmnic0")) or "")
    assert snap.link_up(R("esx01:vmnic1"))


def test_t13_without_tracking_upstream_loss_keeps_host_links_up() -> None:
    inv = vinfra.load(SHARED / "seed-two-independent-switches.yaml")
    snap = Snapshot(inv, fail=["sw-a:Gi1/0/47", "sw-a:Gi1/0/48"])
    assert snap.link_up(R("esx01:vmnic0"))
    assert not snap.same_l2_domain(("sw-a", 10), ("dist-1", 10))


def test_stack_channels_are_one_logical_channel() -> None:
    snap = Snapshot(vinfra.load(SHARED / "seed-stacked-ip-hash.yaml"))
    ch = snap.channel_of(R("stk-2:Gi2/0/1"))
    assert ch is not None and ch.key == "acc-stack:Po1" and ch.up
    assert ch.po_refs == (R("stk-1:Po1"),)
    # failing the member without the Po declaration leaves the channel up on the other
    snap2 = snap.fork(["stk-2"])
    assert snap2.channel_of(R("stk-1:Gi1/0/1")).bundled == (R("stk-1:Gi1/0/1"),)  # type: ignore[union-attr]


def test_v6_trunk_native_vlan_tagging() -> None:
    trunk = PortVlans("trunk", 1, 1, VlanSet.parse("1,10"), VlanSet.parse("1,10,20"))
    assert trunk.egress(1) == (True, None)  # native leaves untagged
    assert trunk.egress(10) == (True, 10)
    assert trunk.egress(20) == (False, None)  # not allowed
    assert trunk.ingress(None) == 1
    assert trunk.ingress(1) == 1  # tagged native accepted (IOS)
    assert trunk.ingress(20) is None
    access = PortVlans("access", 10, 1, VlanSet.parse("all"), VlanSet.parse("1,10"))
    assert access.ingress(None) == 10 and access.ingress(10) is None
    assert access.egress(10) == (True, None)


def test_v1_v2_v3_portgroup_tagging() -> None:
    assert portgroup_egress_tag(0) is None and portgroup_egress_tag(10) == 10
    assert portgroup_egress_tag(4095, 30) == 30
    assert portgroup_accepts(0, None) and not portgroup_accepts(0, 10)
    assert portgroup_accepts(10, 10) and not portgroup_accepts(10, None)  # V6: untagged never reaches VST
    # V3: guest tags pass; untagged frames too, unless Settings.vgt_passes_untagged is off
    assert portgroup_accepts(4095, 77) and portgroup_accepts(4095, None)
    assert portgroup_accepts(4095, 77, vgt_untagged=False) and not portgroup_accepts(4095, None, vgt_untagged=False)
    assert portgroup_accepts(0, 5, VlanSet.parse("1-10")) and not portgroup_accepts(0, None, VlanSet.parse("1-10"))


def test_native_vlan_mismatch_joins_two_vlans() -> None:
    design = {
        "name": "native-mismatch",
        "switches": {
            "a": {"vlans": [1, 10, 20], "interfaces": {"Gi1": {"mode": "trunk", "native_vlan": 10}}},
            "b": {"vlans": [1, 10, 20], "interfaces": {"Gi1": {"mode": "trunk", "native_vlan": 20}}},
        },
        "links": [["a:Gi1", "b:Gi1"]],
    }
    snap = Snapshot(vinfra.from_data(design))
    # a's native VLAN 10 leaves untagged and lands in b's native VLAN 20: the VLANs leak
    assert snap.same_l2_domain(("a", 10), ("b", 20))
    assert snap.same_l2_domain(("a", 1), ("b", 1))
    assert not snap.same_l2_domain(("a", 1), ("b", 20))


def test_teams_resolve_overrides_into_vmnics() -> None:
    snap = Snapshot(vinfra.load(SHARED / "seed-two-independent-switches.yaml"))
    team = snap.teams[("esx01", "VMotion")]
    assert team.active == ("vmnic1",) and team.standby == ("vmnic0",) and team.vlan == 20
    team = snap.teams[("esx01", "VM-10")]
    assert team.active == ("vmnic0", "vmnic1") and team.policy == "port_id"


def test_vds_team_translates_dvuplinks_and_lags() -> None:
    snap = Snapshot(vinfra.from_data(one_host_design("nxos", "active", "active")))
    team = snap.teams[("esx01", "dvs1/VM")]
    assert team.policy == "lag" and team.lag == "lag1" and team.active == ("vmnic0", "vmnic1")
    assert team.network == "dvs1/VM"
