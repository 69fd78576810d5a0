"""vMotion: every precondition of cluster-behaviour.md §1.1 (pass and fail), the §1.3 pre-copy arithmetic,
the §1.4 concurrency limits, and the §7 acceptance scenarios 1-5 (named by number)."""

from __future__ import annotations

import math
from typing import Any

import pytest

from vinfra import Topo
from vinfra.cluster.vmotion import (
    VmotionSettings,
    check_vmotion,
    concurrency_limits,
    fault_slug,
    maxima_for,
    precopy,
    precopy_rounds_closed_form,
    schedule,
    vmotion_operation,
)
from vinfra.network import Snapshot

STRICT = VmotionSettings(strict_network=True)


def design(*, speed: int = 1000, d_label: str = "Prod-VLAN10", d_vlan: int = 10, allowed2: str = "10,120",
           d_vmotion: bool = True, d_vmk_ip: str = "10.0.120.12/24", d_version: str = "3.5", d_datastores: tuple = ("ds1",),
           ds_transport: str = "fc", d_vendor: str = "intel", d_family: str | None = "penryn", s_family: str | None = "penryn",
           evc: str | None = None, d_state: str = "connected", local_devices: tuple = (), reservation_gb: float = 0,
           d_memory_gb: float = 32, rules: tuple = (), ha: dict | None = None, internal: bool = False,
           d_cluster: str = "c1", d_ha: dict | None = None, memory_gb: float = 4, dirty: float = 20, power: str = "on") -> Topo:
    """Two ESX 3.5 hosts on one switch, a VM on esx01 on port group Prod-VLAN10 (VLAN 10), vMotion on VLAN 120;
    each keyword changes one thing about esx02 (the destination) or the VM."""
    t = Topo("vmotion")
    t.add_switch("sw", vlans="10,20,120")
    t.add_interface("sw", "Gi1/0/1", mode="trunk", allowed_vlans="10,20,120")
    t.add_interface("sw", "Gi1/0/2", mode="trunk", allowed_vlans=allowed2)
    t.add_cluster("c1", **({"evc": evc} if evc else {}), **({"ha": ha} if ha else {}))
    if d_cluster != "c1":
        t.add_cluster(d_cluster, **({"ha": d_ha} if d_ha else {}))
    for r in rules:
        t.add_rule("c1", **r)
    t.add_datastore("ds1", transport=ds_transport, type="vmfs")
    for h, port, last in (("esx01", "Gi1/0/1", 11), ("esx02", "Gi1/0/2", 12)):
        dest = h == "esx02"
        t.add_host(h, cluster=d_cluster if dest else "c1", product="esx", version=d_version if dest else "3.5",
                   cpu={"sockets": 2, "cores": 4, "mhz": 2500, "vendor": d_vendor if dest else "intel",
                        **({"family": (d_family if dest else s_family)} if (d_family if dest else s_family) else {})},
                   memory_gb=d_memory_gb if dest else 32, datastores=list(d_datastores) if dest else ["ds1"],
                   state=d_state if dest else "connected")
        t.add_nic(h, "vmnic0", speed=speed)
        t.add_vswitch(h, "vSwitch0", uplinks=["vmnic0"])
        t.add_portgroup(h, "vSwitch0", d_label if dest else "Prod-VLAN10", vlan=d_vlan if dest else 10)
        t.add_portgroup(h, "vSwitch0", "VMotion", vlan=120)
        if internal and not dest:
            t.add_vswitch(h, "vSwitch1", uplinks=[])
            t.add_portgroup(h, "vSwitch1", "Intranet", vlan=0)
        if not dest or d_vmotion:
            t.add_vmkernel(h, "vmk1", portgroup="VMotion", ip=d_vmk_ip if dest else f"10.0.120.{last}/24",
                           services=["vmotion"])
        t.add_link(f"{h}:vmnic0", f"sw:{port}")
    t.add_vm("vm1", "esx01", memory_gb=memory_gb, datastore="ds1", power=power, local_devices=list(local_devices),
             memory={"reservation_gb": reservation_gb, "dirty_mb_s": dirty})
    t.add_vnic("vm1", "Intranet" if internal else "Prod-VLAN10", ip="10.0.10.21/24")
    return t


def move(settings: VmotionSettings = VmotionSettings(), fail: tuple = (), **kw: Any):
    return check_vmotion(Snapshot(design(**kw).build(), fail=list(fail)), "vm1", "esx02", settings)


def faults(answer) -> list[str]:
    return [f.fault for f in answer.faults]


def test_the_base_design_is_allowed_with_an_estimate() -> None:
    a = move()
    assert a.ok and faults(a) == [] and a.warnings == []
    est = a.estimate
    assert est is not None and est["ok"] and est["link_mbps"] == 1000 and est["rate_mb_s"] == pytest.approx(115.0)
    row = a.row()
    assert set(row) >= {"vm", "from", "to", "ok", "faults", "estimate"} and row["from"] == "esx01"


# P1 -------------------------------------------------------------------------------------------------------
def test_p1_no_vmotion_port_is_vmotion_not_configured() -> None:
    a = move(d_vmotion=False)
    assert faults(a) == ["VMotionNotConfigured"] and "esx02" in a.faults[0].message


def test_p1_slow_link_is_a_warning_not_a_fault() -> None:
    a = move(speed=100, dirty=2)  # 11.5 MB/s still outruns 2 MB/s of dirtying
    assert a.ok and [w.fault for w in a.warnings] == ["VMotionLinkCapacityLow"] * 2
    assert a.estimate is not None and a.estimate["rate_mb_s"] == pytest.approx(100 / 8 * 0.92)


# P2 -------------------------------------------------------------------------------------------------------
def test_p2_vmotion_ports_cut_apart_by_the_network() -> None:
    a = move(allowed2="10")  # esx02's switch port does not carry the vMotion VLAN 120
    assert faults(a) == ["VMotionInterfaceIssue"] and "cannot reach" in a.faults[0].message


def test_p2_routed_vmotion_needs_vsphere_6() -> None:
    a = move(d_vmk_ip="10.0.121.12/24")
    assert faults(a) == ["VMotionInterfaceIssue"] and "different subnets" in a.faults[0].message


def test_p2_a_failed_uplink_on_the_destination() -> None:
    a = move(fail=("esx02:vmnic0",))
    assert "VMotionInterfaceIssue" in faults(a)


# P3 -------------------------------------------------------------------------------------------------------
def test_p3_datastore_not_mounted_on_the_destination() -> None:
    a = move(d_datastores=())
    assert faults(a) == ["DatastoreNotAccessible"]


def test_p3_a_local_datastore_is_not_shared() -> None:
    assert faults(move(ds_transport="local")) == ["DatastoreNotAccessible"]


# P4 -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("kw", "ok"), [
    ({"d_vendor": "amd", "d_family": "zen3"}, False),   # vendors differ, even with EVC
    ({"d_family": "merom"}, False),                      # older generation: lacks features the VM saw
    ({"d_family": "nehalem"}, True),                     # newer generation: a superset
    ({"d_family": "mystery"}, False),                    # unknown family: only equal to itself
    ({"d_family": None}, True),                          # not described: nothing to compare
    ({"s_family": "nehalem", "d_family": "penryn", "evc": "intel-penryn"}, True),  # EVC masks to penryn
    ({"s_family": "nehalem", "d_family": "penryn", "evc": "intel-nehalem"}, True),  # same cluster, same EVC
])
def test_p4_cpu_compatibility_and_evc(kw: dict, ok: bool) -> None:
    a = move(**kw)
    assert faults(a) == ([] if ok else ["CpuIncompatible"]), a.faults


def test_p4_evc_of_the_source_cluster_against_a_host_outside_it() -> None:
    # the VM saw the nehalem baseline; esx02 in another cluster without EVC offers only penryn
    a = move(s_family="westmere", d_family="penryn", evc="intel-nehalem", d_cluster="c2")
    assert faults(a) == ["CpuIncompatible"] and "EVC baseline intel-nehalem" in a.faults[0].message


# P5, P5b ----------------------------------------------------------------------------------------------------
def test_p5_internal_only_switch_is_network_not_accessible() -> None:
    a = move(internal=True)
    assert faults(a) == ["NetworkNotAccessible"] and "internal-only" in a.faults[0].message


def test_p5b_only_in_strict_mode_same_label_other_vlan() -> None:
    assert move(d_vlan=20).ok  # VMware matches labels only
    a = move(STRICT, d_vlan=20)
    assert faults(a) == ["VlanMismatch"] and "VLAN 10 on esx01, VLAN 20 on esx02" in a.faults[0].message


def test_p5b_strict_mode_vlan_not_carried_by_the_destination_uplinks() -> None:
    assert faults(move(allowed2="20,120")) == []
    a = move(STRICT, allowed2="20,120")
    assert faults(a) == ["VlanMismatch"] and "no uplink of esx02" in a.faults[0].message
    assert move(STRICT).ok


# P6 -------------------------------------------------------------------------------------------------------
def test_p6_local_device_then_disconnected() -> None:
    """Scenario 4 (§7): a CD-ROM on a host device blocks vMotion; after disconnecting it is allowed."""
    a = move(local_devices=("cdrom",))
    assert faults(a) == ["DeviceBackingNotAccessible"]
    assert move(local_devices=()).ok


# P7 -------------------------------------------------------------------------------------------------------
def test_p7_reservation_larger_than_unreserved_memory() -> None:
    a = move(reservation_gb=16, d_memory_gb=8)
    assert faults(a) == ["InsufficientResources"] and "8192 MB unreserved" in a.faults[0].message
    assert move(reservation_gb=8, d_memory_gb=8).ok  # exactly fits


@pytest.mark.parametrize(("rule", "ok"), [
    ({"name": "lic", "type": "vm_host", "vms": ["vm1"], "hosts": ["esx01"], "must": True}, False),
    ({"name": "lic", "type": "vm_host", "vms": ["vm1"], "hosts": ["esx01"], "must": False}, True),  # preferential
    ({"name": "lic", "type": "vm_host", "vms": ["vm1"], "hosts": ["esx01", "esx02"], "must": True}, True),
    ({"name": "no", "type": "vm_anti_host", "vms": ["vm1"], "hosts": ["esx02"], "must": True}, False),
    ({"name": "no", "type": "vm_anti_host", "vms": ["vm1"], "hosts": ["esx02"], "must": True, "enabled": False}, True),
])
def test_p7_required_vm_host_rules(rule: dict, ok: bool) -> None:
    a = move(rules=(rule,))
    assert faults(a) == ([] if ok else ["VmHostAffinityRuleViolation"])


def test_p7_ha_percentage_admission_of_another_cluster() -> None:
    """Into a cluster whose HA keeps 90 % free: a VM reserving 8 of 32 GB leaves 75 % -> refused."""
    def ha(pct: int) -> dict:
        return {"enabled": True, "admission_control": {"policy": "percentage", "value": pct}}

    a = move(d_cluster="c2", d_ha=ha(90), reservation_gb=8)
    assert faults(a) == ["InsufficientResources"] and "memory failover capacity would be 75.0%" in a.faults[0].message
    assert move(d_cluster="c2", d_ha=ha(70), reservation_gb=8).ok
    assert move(ha=ha(90), reservation_gb=8).ok  # inside one cluster a move changes no total: nothing to check


# P8 -------------------------------------------------------------------------------------------------------
@pytest.mark.parametrize("state", ["maintenance", "disconnected"])
def test_p8_destination_state(state: str) -> None:
    assert faults(move(d_state=state)) == ["InvalidHostState"]


def test_p8_dedicated_failover_host() -> None:
    a = move(ha={"enabled": True, "admission_control": {"policy": "failover_hosts", "value": ["esx02"]}})
    assert faults(a) == ["DisallowedOperationOnFailoverHost"]


def test_a_powered_off_vm_is_not_moved_live() -> None:
    assert faults(move(power="off")) == ["InvalidPowerState"]


def test_every_fault_is_reported_not_only_the_first() -> None:
    a = move(d_datastores=(), d_label="prod-vlan10", local_devices=("cdrom",), d_state="maintenance")
    assert faults(a) == ["DatastoreNotAccessible", "NetworkNotAccessible", "DeviceBackingNotAccessible",
                         "InvalidHostState"]


def test_fault_slugs() -> None:
    assert fault_slug("NetworkNotAccessible") == "network-not-accessible"
    assert fault_slug("VMotionInterfaceIssue") == "v-motion-interface-issue"
    assert fault_slug("CpuIncompatible") == "cpu-incompatible"


# §1.3 arithmetic --------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("m", "dr", "r", "td"), [(4096, 200, 1000, 0.1), (8192, 20, 115, 1.0), (2048, 50, 1150, 0.5),
                                                 (512, 10, 1000, 1.0)])
def test_precopy_matches_the_closed_form(m: float, dr: float, r: float, td: float) -> None:
    est = precopy(m, dr, r, td, switchover_s=0.05)
    n = precopy_rounds_closed_form(m, dr, r, td)
    lam = dr / r
    assert est["ok"] and est["rounds"] == n
    assert est["precopy_s"] == pytest.approx((m / r) * (1 - lam ** n) / (1 - lam))
    assert est["mb_sent"] == pytest.approx(m * (1 - lam ** (n + 1)) / (1 - lam))
    assert est["downtime_s"] == pytest.approx(m * lam ** n / r + 0.05)
    assert est["total_s"] == pytest.approx(est["precopy_s"] + est["downtime_s"])


def test_the_estimate_uses_the_vm_and_the_vmotion_uplinks() -> None:
    a = move(speed=10_000, memory_gb=8, dirty=100)
    est = a.estimate
    assert est is not None and est["rate_mb_s"] == pytest.approx(1150) and est["memory_mb"] == 8192
    assert est == {**est, **precopy(8192, 100, 1150, 1.0)}


def test_scenario_1_vmotion_converges() -> None:
    est = precopy(4096, 200, 1000, 0.1, switchover_s=0)
    assert est["ok"] and est["rounds"] == 3
    assert est["round_mb"] == pytest.approx([4096, 819.2, 163.84])
    assert round(est["precopy_s"], 3) == 5.079
    assert round(est["downtime_s"], 4) == 0.0328
    assert round(est["total_s"], 3) == 5.112
    assert round(est["mb_sent"], 1) == 5111.8


def test_scenario_2_vmotion_does_not_converge_in_vi3_mode() -> None:
    est = precopy(8192, 150, 110, 0.1, max_rounds=30, policy="abort", switchover_s=0.05)
    assert not est["ok"] and est["fault"] == "MigrationNotConverging" and est["vm_stays_on"] == "source"
    thr = precopy(8192, 150, 110, 0.1, max_rounds=30, policy="throttle", switchover_s=0.05)
    assert thr["ok"] and thr["dirty_mb_s"] == 55 and thr["rounds"] == 10
    assert thr["precopy_s"] == pytest.approx(148.8, abs=0.1)
    assert thr["last_mb"] == pytest.approx(8, abs=0.01)
    assert thr["downtime_s"] == pytest.approx(0.073 + 0.05, abs=0.001)
    forced = precopy(8192, 150, 110, 0.1, policy="force")
    assert forced["ok"] and forced["rounds"] == 30 and forced["downtime_s"] > 100


def test_scenario_2_through_check_vmotion_is_a_refusal() -> None:
    a = move(speed=1000, memory_gb=8, dirty=150)
    assert faults(a) == ["MigrationNotConverging"] and a.estimate is not None and not a.estimate["ok"]
    assert move(VmotionSettings(policy="throttle"), memory_gb=8, dirty=150).ok


def test_scenario_3_port_group_missing_then_strict_vlan() -> None:
    a = move(d_label="prod-vlan10")
    assert faults(a) == ["NetworkNotAccessible"] and "labels match case-sensitively" in a.faults[0].message
    assert move(d_label="Prod-VLAN10", d_vlan=20).ok
    assert faults(move(STRICT, d_label="Prod-VLAN10", d_vlan=20)) == ["VlanMismatch"]


def test_scenario_4_local_device() -> None:
    assert faults(move(local_devices=("cdrom",))) == ["DeviceBackingNotAccessible"]
    assert move().ok


# §1.4 concurrency ---------------------------------------------------------------------------------------------
@pytest.mark.parametrize(("mbps", "limits", "running"), [(1000, "vsphere5", 4), (10_000, "vsphere5", 5),
                                                        (1000, "vi3", 2), (10_000, "vsphere7", 5)])
def test_scenario_5_concurrency(mbps: int, limits: str, running: int) -> None:
    ops = [vmotion_operation(f"m{i}", "h1", f"d{i}", "ds1", mbps, limits) for i in range(5)]  # type: ignore[arg-type]
    maxima = maxima_for(ops, mbps, limits)  # type: ignore[arg-type]
    state = schedule(ops, maxima)
    assert list(state.values()) == ["running"] * running + ["queued"] * (5 - running)
    if running < 5:  # the first queued one starts when the first running one finishes
        after = schedule(ops, maxima, finished=frozenset({"m0"}))
        assert after["m0"] == "done" and after[f"m{running}"] == "running"


def test_concurrency_limits_data() -> None:
    assert concurrency_limits(1000)["vmotions_per_host"] == 4
    assert concurrency_limits(10_000)["vmotions_per_host"] == 8
    assert concurrency_limits(1000, "vi3")["vmotions_per_host"] == 2
    assert concurrency_limits(10_000, "vsphere7")["resources"]["host"] == {"max": 16, "cost": 2}
    assert move().estimate["concurrency"]["vmotions_per_host"] == 4  # type: ignore[index]


def test_unknown_vm_or_host_and_same_host() -> None:
    snap = Snapshot(design().build())
    with pytest.raises(KeyError):
        check_vmotion(snap, "nosuch", "esx02")
    with pytest.raises(KeyError):
        check_vmotion(snap, "vm1", "nosuch")
    with pytest.raises(ValueError, match="already runs"):
        check_vmotion(snap, "vm1", "esx01")
    assert math.isfinite(check_vmotion(snap, "vm1", "esx02").estimate["total_s"])  # type: ignore[index]


# the [model] settings, each where it changes an answer ------------------------------------------------------
def test_each_setting_changes_its_answer() -> None:
    assert move(VmotionSettings(limits="vi3")).estimate["concurrency"]["vmotions_per_host"] == 2  # type: ignore[index]
    assert move(VmotionSettings(link_efficiency=0.5)).estimate["rate_mb_s"] == pytest.approx(62.5)  # type: ignore[index]
    assert [w.fault for w in move(VmotionSettings(min_link_mbps=10_000)).warnings] == ["VMotionLinkCapacityLow"] * 2
    slow = move(VmotionSettings(downtime_goal_s=0.01)).estimate
    fast = move().estimate
    assert slow is not None and fast is not None and slow["rounds"] > fast["rounds"]
    assert move(VmotionSettings(switchover_s=0.5)).estimate["downtime_s"] == pytest.approx(  # type: ignore[index]
        fast["downtime_s"] - 0.05 + 0.5)
    # routed vMotion allowed from "3.5" on: the subnet rule no longer refuses, the ping (no gateway) does
    routed = move(VmotionSettings(routed_since=3.5), d_vmk_ip="10.0.121.12/24")
    assert faults(routed) == ["VMotionInterfaceIssue"] and "cannot reach" in routed.faults[0].message
    forced = move(VmotionSettings(policy="force"), memory_gb=8, dirty=150)
    assert forced.ok and forced.estimate is not None and forced.estimate["rounds"] == 30
    thr = move(VmotionSettings(policy="throttle", throttle_at=0.99, throttle_to=0.25), memory_gb=8, dirty=120)
    assert thr.estimate is not None and thr.estimate["dirty_mb_s"] == pytest.approx(115 * 0.25)


@pytest.mark.parametrize("kw", [{}, {"allowed2": "10"}, {"d_vmk_ip": "10.0.121.12/24"}, {"d_vmotion": False}])
def test_the_reach_analysis_and_the_ping_walk_agree_on_p2(kw: dict) -> None:
    """The check rules ask P2 of the reach analysis (shared work across pairs); vmotion walks one ping."""
    from vinfra.analysis.reach import Reach
    from vinfra.cluster.vmotion import check_network

    snap = Snapshot(design(**kw).build())
    reach = Reach(snap)
    walked, _ = check_network(snap, "esx01", "esx02", VmotionSettings())
    asked, _ = check_network(snap, "esx01", "esx02", VmotionSettings(),
                             ping=lambda a, b: None if reach.pair(a, b) else reach.reason(a, b) or "no reply")
    assert [f.fault for f in walked] == [f.fault for f in asked]
