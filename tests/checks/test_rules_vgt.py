"""The VLAN rules on guest-tagging port groups (V3, V4): what the findings about guest VLANs say and where they
point (tests/rules/<slug>/*guest* are the fail/pass designs)."""

from __future__ import annotations

from pathlib import Path

import vinfra
from vinfra.checks import get_rule, run_checks
from vinfra.network import Snapshot
from vinfra.network.settings import Settings

RULES = Path(__file__).resolve().parents[1] / "rules"


def findings(slug: str, design: str, settings: Settings | None = None) -> list:
    rule = get_rule(slug)
    assert rule is not None
    run = run_checks(Snapshot(vinfra.load(RULES / slug / design), settings=settings), rules=[rule])
    return run.located()


def test_native_vlan_tagged_by_a_guest_points_at_its_guest_vlan() -> None:
    (f,) = findings("portgroup-vlan-is-native", "fail-guest-vlan.yaml")
    assert f.objects == ("esx01:vSwitch0/Trunk", "router01:nic1", "sw-a:Gi1")
    assert "router01:nic1 on esx01:vSwitch0/Trunk tags VLAN 1, the native VLAN of sw-a:Gi1 (vmnic0)" in f.message
    assert f.path == ("vms", "router01", "nics", 1, "guest_vlan")
    assert (f.location.line, f.location.column) == (22, 26)  # the value 1 of `guest_vlan: 1`
    assert "leave guest_vlan out" in f.fix
    (f,) = findings("portgroup-vlan-is-native", "fail-dvs-trunk-guest-vlan.yaml")
    assert "nested01 on esx01:dvs/dv-trunk tags VLAN 20" in f.message and "tag another VLAN of the trunk range" in f.fix


def test_a_guest_vlan_the_uplink_drops_is_named_with_its_guests() -> None:
    (f,) = findings("vlan-not-allowed-on-uplink", "fail-guest-vlan.yaml")
    assert "sw-b:Gi1 (vmnic1) does not allow VLAN 30 (allowed: 10), dropping guest VLAN 30 of router01" in f.message
    assert "VMs homed on vmnic1 lose their network" in f.message  # one uplink of two: M10
    assert "interface Gi1; switchport trunk allowed vlan add 30" in f.fix
    (f,) = findings("vlan-not-allowed-on-uplink", "fail-dvs-trunk-guest-vlan.yaml")
    assert "does not allow VLAN 28 (allowed: 20-25), dropping guest VLAN 28 of nested01" in f.message
    (f,) = findings("vlan-not-allowed-on-uplink", "fail-untagged-guest.yaml")
    assert "dropping the untagged frames of probe01" in f.message and "allowed vlan add 1" in f.fix


def test_untagged_guests_are_not_judged_when_4095_passes_no_untagged_frames() -> None:
    """With Settings.vgt_passes_untagged off an untagged guest is cut off by the vSwitch (V3), not by the switch port;
    the port group is then judged as a whole: it lands on a trunk, which passes guest tags."""
    off = Settings(vgt_passes_untagged=False)
    assert findings("vlan-not-allowed-on-uplink", "fail-untagged-guest.yaml", off) == []
    (f,) = findings("vlan-not-allowed-on-uplink", "pass-untagged-guests-on-access-port.yaml", off)
    assert "is an access port: guest-tagged frames are dropped" in f.message
