"""VGT endpoints (V3, V4; topology-v1 "VGT"): a VM NIC's ``guest_vlan`` on a VLAN 4095 port group or a vDS VLAN
trunk, traced frame by frame and answered by ``reach`` (tests/data/vgt.yaml)."""

from __future__ import annotations

import pytest

import vinfra
from _paths import DATA
from vinfra.analysis.reach import reach
from vinfra.model import VlanSet
from vinfra.network import Snapshot
from vinfra.network.forwarding import Forwarding, Verdict
from vinfra.network.settings import Settings
from vinfra.network.vlans import PortGroupVlan

INV = vinfra.load(DATA / "vgt.yaml")
UNTAGGED_OFF = Settings(vgt_passes_untagged=False)


def trace(src: str, dst: str, settings: Settings | None = None) -> Verdict:
    snap = Snapshot(INV, settings=settings)
    return Forwarding(snap, record=True).ping(snap.endpoints.resolve(src), snap.endpoints.resolve(dst))


def pairs(settings: Settings | None = None, **kw: list[str]) -> dict[tuple[str, str], bool]:
    answer = reach(Snapshot(INV, settings=settings), list_pairs=True, reasons=False, **kw)
    return {(p["src"], p["dst"]): p["reachable"] for p in answer["pairs"]}


def test_a_tagged_guest_is_an_endpoint_of_its_vlan_through_the_switch() -> None:
    """V3: g10's frames leave vmnic0 tagged 10, pass the trunk in VLAN 10 and reach the VST VM v10 on esx02."""
    v = trace("g10", "v10")
    assert v.ok, v.reason
    sent = v.rows[0]
    assert (sent["device"], sent["out"], sent["vlan"], sent["tag"]) == ("esx01", "vmnic0", 10, 10)
    assert "guest VLAN 10" in sent["decision"]
    assert any(r["device"] == "sw-a" and r["vlan"] == 10 for r in v.rows)
    assert trace("v10", "g10").ok and trace("g20", "v20").ok and trace("g10", "sw-a:Vlan10").ok


def test_a_tagged_guest_and_a_vst_port_of_its_vlan_talk_inside_the_host() -> None:
    """F3: l10 (guest VLAN 10 on 4095) and v10 (VLAN 10) share vSwitch0 of esx02."""
    v = trace("l10", "v10")
    assert v.ok and v.rows and {r["rule"] for r in v.rows} == {"F3"}
    assert trace("v10", "l10").ok


def test_an_untagged_guest_on_4095_is_in_the_native_vlan() -> None:
    """V3 [model]: gu sends untagged; the trunk's native VLAN 50 takes it, so its gateway Vlan50 answers."""
    v = trace("gu", "sw-a:Vlan50")
    assert v.ok, v.reason
    assert v.rows[0]["tag"] == "untagged" and any(r["device"] == "sw-a" and r["vlan"] == 50 for r in v.rows)
    assert trace("gu", "v20").ok  # routed from VLAN 50


def test_an_untagged_guest_on_4095_is_cut_off_when_the_setting_is_off() -> None:
    v = trace("gu", "sw-a:Vlan50", UNTAGGED_OFF)
    assert not v.ok and "vgt_passes_untagged" in (v.reason or "")
    assert trace("g10", "v10", UNTAGGED_OFF).ok  # tagged guests are unaffected
    got = pairs(UNTAGGED_OFF, sources=["gu", "g10"], targets=["sw-a:Vlan50", "v10"])
    assert got == {("gu", "sw-a:Vlan50"): False, ("gu", "v10"): False, ("g10", "sw-a:Vlan50"): False,
                   ("g10", "v10"): True}


def test_a_guest_vlan_the_trunk_does_not_allow_is_dropped() -> None:
    """V8: gx tags 30, which sw-a:Gi1/0/1 does not allow."""
    v = trace("gx", "sw-a:Vlan30")
    assert not v.ok and v.rule == "V8" and "VLAN 30 is not allowed on sw-a:Gi1/0/1" in (v.reason or "")


def test_a_guest_that_tags_the_native_vlan_hears_nothing_back() -> None:
    """V6: gn tags 50, the trunk's native VLAN: the switch sends VLAN 50 untagged, which its tagged interface never takes."""
    v = trace("gn", "sw-a:Vlan50")
    assert not v.ok and v.rule == "V6"
    assert "guest VLAN 50" in (v.reason or "") and "no inbound traffic" in (v.reason or "")


def test_a_guest_in_another_vlan_than_its_address_finds_nobody() -> None:
    """gm tags 10 with a VLAN 20 address: its ARP for v20 floods VLAN 10."""
    v = trace("gm", "v20")
    assert not v.ok and "(VLAN 10)" in (v.reason or "") and "(VLAN 20)" in (v.reason or "")


def test_vds_trunk_passes_a_tagged_guest_and_drops_an_untagged_one() -> None:
    """V4: d30 tags 30 in the trunk's range 20-30; du sends untagged, which a vDS trunk drops both ways."""
    v = trace("d30", "e30")
    assert v.ok, v.reason
    assert (v.rows[0]["out"], v.rows[0]["tag"]) == ("vmnic1", 30)
    assert trace("d20", "v20").ok  # from the vDS uplink to the vSS VM of the other host, in VLAN 20
    for src, dst in (("du", "e30"), ("e30", "du"), ("du", "sw-a:Vlan30")):
        v = trace(src, dst)
        assert not v.ok and "(V4)" in (v.reason or ""), (src, dst, v.reason)


def test_reach_gives_the_trace_verdicts_on_vgt_guests() -> None:
    got = pairs(sources=["g10", "gu", "gx", "gn", "gm", "d30", "du", "l10"], targets=["v10", "v20", "e30", "sw-a:Vlan50"])
    want = {("g10", "v10"), ("gu", "v10"), ("gu", "v20"), ("gu", "sw-a:Vlan50"), ("d30", "e30"), ("l10", "v10")}
    assert {k for k, ok in got.items() if ok} == want


@pytest.mark.parametrize("settings", [None, UNTAGGED_OFF], ids=["untagged-passes", "untagged-dropped"])
def test_reach_agrees_with_trace_on_every_pair(settings: Settings | None) -> None:
    snap = Snapshot(INV, settings=settings)
    got = pairs(settings)
    eps = snap.endpoints.listed()
    for a in eps:
        for b in eps:
            if a.name != b.name:
                v = Forwarding(snap, record=True).ping(a, b)
                assert got[(a.name, b.name)] == v.ok, (a.name, b.name, v.reason)


def test_portgroup_vlan_as_a_guest_sees_it() -> None:
    vgt = PortGroupVlan(4095)
    g = vgt.for_guest(30)
    assert (g.egress_tag(), g.accepts(30), g.accepts(None), g.accepts(31), g.local_key) == (30, True, False, False, ("vlan", 30))
    assert vgt.egress_tag() is None and vgt.accepts(None) and vgt.local_key == ("vlan", 0)  # V3: untagged passes
    assert vgt.untagged_dropped() is None and PortGroupVlan(4095, vgt_untagged=False).untagged_dropped()
    trunk = PortGroupVlan(None, VlanSet.parse("20-30"))
    assert trunk.untagged_dropped() and trunk.for_guest(25).untagged_dropped() is None
    assert trunk.for_guest(25).egress_tag() == 25 and str(trunk.for_guest(25)) == "VLAN trunk 20-30, guest VLAN 25"
    assert PortGroupVlan(10).for_guest(30) == PortGroupVlan(10)  # a VST port group tags for the guest (V2)
