"""Teaming overrides (T16): field by field, most specific level wins; once a level sets active or standby,
uplinks in neither list are unused (topology-v1, "Teaming overrides")."""

from __future__ import annotations

import pytest
from pydantic import ValidationError

import vinfra
from vinfra.model import EffectiveTeaming, Teaming, VSwitch, resolve_teaming
from vinfra.model.vswitch import TeamingOverride

UPLINKS = ["vmnic0", "vmnic1", "vmnic2"]


def eff(*levels: TeamingOverride | None, uplinks: list[str] = UPLINKS) -> EffectiveTeaming:
    return resolve_teaming(uplinks, *levels)


def test_product_defaults_with_no_levels() -> None:
    t = eff()
    assert (t.policy, t.detection, t.notify_switches, t.failback) == ("port_id", "link_status", True, True)
    assert t.active == ("vmnic0", "vmnic1", "vmnic2") and t.standby == () and t.unused == ()
    assert t.team == t.active
    # the vSwitch-level defaults are the same product defaults
    assert eff(Teaming()) == t
    assert eff(None, None) == t


def test_portgroup_setting_only_active_standby_inherits_every_other_field() -> None:
    switch = Teaming(policy="explicit", detection="beacon", notify_switches=False, failback=False)
    t = eff(switch, TeamingOverride(active=["vmnic2"], standby=["vmnic0"]))
    assert (t.policy, t.detection, t.notify_switches, t.failback) == ("explicit", "beacon", False, False)
    assert t.active == ("vmnic2",) and t.standby == ("vmnic0",)
    assert t.unused == ("vmnic1",)  # in neither list: unused


@pytest.mark.parametrize(
    ("field", "value"),
    [("policy", "mac_hash"), ("detection", "beacon"), ("notify_switches", False), ("failback", False)],
)
def test_each_scalar_field_overrides_alone(field: str, value: object) -> None:
    t = eff(Teaming(), TeamingOverride(**{field: value}))
    assert getattr(t, field) == value
    base = eff(Teaming())
    for other in ("policy", "detection", "notify_switches", "failback"):
        if other != field:
            assert getattr(t, other) == getattr(base, other)
    assert (t.active, t.standby, t.unused) == (base.active, base.standby, base.unused)


def test_setting_only_active_makes_the_rest_unused_not_standby() -> None:
    t = eff(Teaming(), TeamingOverride(active=["vmnic1"]))
    assert t.active == ("vmnic1",) and t.standby == () and t.unused == ("vmnic0", "vmnic2")


def test_setting_only_standby_keeps_the_inherited_active_minus_the_standby() -> None:
    t = eff(Teaming(active=["vmnic0", "vmnic1"], standby=["vmnic2"]), TeamingOverride(standby=["vmnic1"]))
    assert t.active == ("vmnic0",) and t.standby == ("vmnic1",) and t.unused == ("vmnic2",)


def test_switch_level_active_list_already_makes_unlisted_uplinks_unused() -> None:
    t = eff(Teaming(active=["vmnic0"], standby=["vmnic1"]))
    assert t.unused == ("vmnic2",)


def test_unused_only_removes_from_the_inherited_lists() -> None:
    t = eff(Teaming(active=["vmnic0", "vmnic1"], standby=["vmnic2"]), TeamingOverride(unused=["vmnic1", "vmnic2"]))
    assert t.active == ("vmnic0",) and t.standby == () and t.unused == ("vmnic1", "vmnic2")


def test_most_specific_level_wins_across_three_levels() -> None:
    # a vDS with a port group and a port override (T16: "vDS policy is set on the dvPG and, if allowed, per port")
    dvs = Teaming(policy="load_based", active=["vmnic0", "vmnic1"], standby=["vmnic2"], failback=True)
    pg = TeamingOverride(policy="explicit", failback=False)
    port = TeamingOverride(active=["vmnic2"], standby=["vmnic1"], failback=True)
    t = eff(dvs, pg, port)
    assert t.policy == "explicit" and t.failback is True
    assert t.active == ("vmnic2",) and t.standby == ("vmnic1",) and t.unused == ("vmnic0",)
    # order matters: least to most specific
    assert eff(dvs, port, pg).failback is False


def test_active_order_is_kept_as_written() -> None:
    t = eff(Teaming(active=["vmnic2", "vmnic0", "vmnic1"]))
    assert t.active == ("vmnic2", "vmnic0", "vmnic1")
    assert eff(Teaming(), TeamingOverride(active=["vmnic1", "vmnic0"])).active == ("vmnic1", "vmnic0")


def test_unused_follows_the_uplink_order() -> None:
    t = eff(Teaming(), TeamingOverride(active=["vmnic1"]), uplinks=["vmnic3", "vmnic1", "vmnic0"])
    assert t.unused == ("vmnic3", "vmnic0")


def test_an_uplink_in_two_lists_is_rejected() -> None:
    with pytest.raises(ValidationError, match=r"vmnic0 is both active and standby \(T9\)"):
        TeamingOverride(active=["vmnic0"], standby=["vmnic0"])
    with pytest.raises(ValidationError, match="'vmnic0' is listed twice"):
        TeamingOverride(active=["vmnic0", "vmnic0"])


def test_lag_policy_names_are_accepted_and_others_are_not() -> None:
    assert TeamingOverride(policy="lag:lag1").policy == "lag:lag1"
    with pytest.raises(ValidationError, match="unknown teaming policy 'lag:'"):
        TeamingOverride(policy="lag:")
    with pytest.raises(ValidationError, match="unknown teaming policy 'round_robin'"):
        TeamingOverride(policy="round_robin")


def test_vswitch_effective_teaming_from_a_design() -> None:
    inv = vinfra.load_text(
        """
name: t16
hosts:
  esx01:
    nics: {vmnic0: {}, vmnic1: {}, vmnic2: {}}
    vswitches:
      vSwitch0:
        uplinks: [vmnic0, vmnic1, vmnic2]
        teaming: {policy: explicit, active: [vmnic0, vmnic1], standby: [vmnic2], notify_switches: false}
        portgroups:
          Inherit: {vlan: 10}
          Pinned: {vlan: 20, teaming: {active: [vmnic2], standby: [vmnic1]}}
          NoFailback: {vlan: 30, teaming: {failback: false}}
          iSCSI: {vlan: 40, teaming: {active: [vmnic1], standby: [], unused: [vmnic0, vmnic2]}}
"""
    )
    vs: VSwitch = inv.hosts["esx01"].vswitches["vSwitch0"]
    inherit = vs.effective_teaming("Inherit")
    assert (inherit.policy, inherit.active, inherit.standby, inherit.unused) == (
        "explicit", ("vmnic0", "vmnic1"), ("vmnic2",), ())
    assert inherit.notify_switches is False
    pinned = vs.effective_teaming("Pinned")
    assert (pinned.active, pinned.standby, pinned.unused) == (("vmnic2",), ("vmnic1",), ("vmnic0",))
    assert pinned.policy == "explicit" and pinned.notify_switches is False
    nofb = vs.effective_teaming("NoFailback")
    assert nofb.failback is False and nofb.active == inherit.active and nofb.standby == inherit.standby
    iscsi = vs.effective_teaming("iSCSI")
    assert (iscsi.active, iscsi.standby, iscsi.unused) == (("vmnic1",), (), ("vmnic0", "vmnic2"))
