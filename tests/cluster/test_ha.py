"""HA (cluster-behaviour §3): admission control (§3.4), the restart plan (§3.3), isolation responses (§3.2);
acceptance scenarios 9, 10, 11 and 12 of §7."""

from __future__ import annotations

from typing import Any

import pytest

import vinfra
from vinfra.cluster.ha import (
    DEFAULT_HA_SETTINGS,
    HaSettings,
    admission,
    admits,
    ha_agent,
    isolation_response,
    restart_plan,
    slot_failover_capacity,
)
from vinfra.cluster.state import ClusterState
from vinfra.model import Inventory

GB = 1024


def host(mhz: int, memory_gb: float, **extra: Any) -> dict[str, Any]:
    return {"cluster": "c1", "cpu": {"sockets": 1, "cores": 1, "mhz": mhz}, "memory_gb": memory_gb,
            "datastores": ["ds1"], **extra}


def vm(host_name: str, cpu_mhz: int = 0, memory_gb: float = 0, priority: str = "medium", **extra: Any) -> dict[str, Any]:
    return {"host": host_name, "cpu": {"reservation_mhz": cpu_mhz},
            "memory_gb": max(memory_gb, 1), "memory": {"reservation_gb": memory_gb},
            "ha": {"restart_priority": priority}, "datastore": "ds1", **extra}


def design(hosts: dict[str, Any], vms: dict[str, Any], ac: dict[str, Any] | None = None,
           rules: list[dict[str, Any]] | None = None, **ha: Any) -> Inventory:
    cl = {"ha": {"enabled": True, "admission_control": ac or {"policy": "host_failures", "value": 1}, **ha},
          "rules": rules or []}
    return vinfra.from_data({"name": "t", "datastores": {"ds1": {}}, "clusters": {"c1": cl}, "hosts": hosts,
                             "vms": vms})


def docs_cluster(ac: dict[str, Any] | None = None, vm3_memory_gb: float = 2, extra_vms: int = 0) -> Inventory:
    """§7 scenario 9's cluster: H1 9 GHz / 9 GB, H2 9/6, H3 6/6; VMs 2/1, 2/1, 1/2, 1/1, 1/1 (GHz/GB)."""
    hosts = {"H1": host(9000, 9), "H2": host(9000, 6), "H3": host(6000, 6)}
    vms = {"VM1": vm("H1", 2000, 1), "VM2": vm("H1", 2000, 1), "VM3": vm("H2", 1000, vm3_memory_gb),
           "VM4": vm("H2", 1000, 1), "VM5": vm("H3", 1000, 1)}
    for i in range(extra_vms):
        vms[f"new{i}"] = vm("H3", 1000, 1)
    return design(hosts, vms, ac)


# §7 scenario 9: slot admission ------------------------------------------------------------------------------
def test_scenario_9_slot_admission_docs_example() -> None:
    inv = docs_cluster()
    a = admission(inv, "c1")
    assert (a.slot_cpu_mhz, a.slot_memory_mb) == (2000, 2048)
    assert dict(a.slots_per_host) == {"H1": 4, "H2": 3, "H3": 3}
    assert a.slots_needed == 5
    assert a.failover_capacity == 1 and a.ok
    state = ClusterState.of(inv)
    # a 6th VM (1 GHz / 1 GB) powered on: 6 <= 6 -> allowed; a 7th: 6 < 7 -> blocked
    six = docs_cluster(extra_vms=1)
    assert admits(six, "c1", state_after=ClusterState.of(six)) is None
    seven = docs_cluster(extra_vms=2)
    assert admission(seven, "c1").failover_capacity == 0
    assert admits(seven, "c1", state_after=ClusterState.of(seven)) == "InsufficientFailoverResources"
    # the same through a power-on in the state: new1 powered off, then on
    off = ClusterState.of(seven).with_vm("new1", power="off")
    assert admits(seven, "c1", state_after=off) is None
    assert admits(seven, "c1", state_after=off.with_vm("new1", power="on")) == "InsufficientFailoverResources"
    assert state is not None


def test_scenario_9_row() -> None:
    row = admission(docs_cluster(), "c1").row()
    assert row["policy"] == "host_failures" and row["configured"] == 1 and row["failover_capacity"] == 1
    assert row["slot"] == {"cpu_mhz": 2000, "memory_mb": 2048}
    assert row["slots_total"] == 10 and row["slots_needed"] == 5 and row["ok"] is True


# §7 scenario 10: slot inflation -------------------------------------------------------------------------------
def test_scenario_10_slot_inflation_rejects_the_reconfigure() -> None:
    inv = docs_cluster(vm3_memory_gb=4)  # VM3's memory reservation 2 GB -> 4 GB
    a = admission(inv, "c1")
    assert (a.slot_cpu_mhz, a.slot_memory_mb) == (2000, 4096)
    assert dict(a.slots_per_host) == {"H1": 2, "H2": 1, "H3": 1}
    assert a.failover_capacity == 0 and not a.ok
    assert admits(inv, "c1", state_after=ClusterState.of(inv)) == "InsufficientFailoverResources"


def test_scenario_10_slotmeminmb_cap_admits_and_vm3_takes_two_slots() -> None:
    inv = docs_cluster(vm3_memory_gb=4)
    capped = HaSettings(slot_memory_mb=2048)
    a = admission(inv, "c1", settings=capped)
    assert (a.slot_cpu_mhz, a.slot_memory_mb) == (2000, 2048)
    assert a.slots_needed == 6  # VM3 counts as 2 slots
    assert dict(a.slots_per_host) == {"H1": 4, "H2": 3, "H3": 3}
    assert a.failover_capacity == 1  # losing H1 leaves 6
    assert admits(inv, "c1", state_after=ClusterState.of(inv), settings=capped) is None


def test_slotcpuinmhz_cap_counts_a_large_reservation_as_several_slots() -> None:
    inv = docs_cluster()
    a = admission(inv, "c1", settings=HaSettings(slot_cpu_mhz=1000))
    assert a.slot_cpu_mhz == 1000
    assert a.slots_needed == 7  # VM1 and VM2 reserve 2 GHz: two 1 GHz slots each


def test_cpu_slot_default_by_agent_when_no_reservation() -> None:
    """§3.4a: a VM without a CPU reservation counts 256 MHz under AAM (VI3, 4.x), 32 MHz under FDM (5+)."""
    for version, agent, mhz in (("3.5", "aam", 256), ("4.1", "aam", 256), ("5.0", "fdm", 32), ("8.0", "fdm", 32)):
        inv = design({"H1": host(9000, 9, version=version), "H2": host(9000, 9, version=version)},
                     {"a": vm("H1"), "b": vm("H2")})
        assert ha_agent(inv, "c1") == agent
        assert admission(inv, "c1").slot_cpu_mhz == mhz
        assert admission(inv, "c1", settings=HaSettings(vm_cpu_min_mhz=100)).slot_cpu_mhz == 100


# §7 scenario 11: percentage -----------------------------------------------------------------------------------
def test_scenario_11_percentage_admission() -> None:
    """Hosts 24 GHz / 21 GB, reservations 7 GHz / 6 GB, 25 % configured."""
    inv = docs_cluster({"policy": "percentage", "value": 25})
    a = admission(inv, "c1")
    assert a.cpu_pct == pytest.approx(100 * 17 / 24) and round(a.cpu_pct, 1) == 70.8
    assert a.memory_pct == pytest.approx(100 * 15 / 21) and round(a.memory_pct, 1) == 71.4
    assert a.ok and admits(inv, "c1", state_after=ClusterState.of(inv)) is None
    big = design({"H1": host(9000, 9), "H2": host(9000, 6), "H3": host(6000, 6)},
                 {**{f"VM{i}": v for i, v in enumerate([vm("H1", 2000, 1), vm("H1", 2000, 1), vm("H2", 1000, 2),
                                                          vm("H2", 1000, 1), vm("H3", 1000, 1)])},
                  "big": vm("H1", 12000, 0)}, {"policy": "percentage", "value": 25})
    b = admission(big, "c1")
    assert round(b.cpu_pct, 1) == 20.8  # (24 - 19) / 24
    assert not b.ok
    assert admits(big, "c1", state_after=ClusterState.of(big)) == "InsufficientFailoverResources"


# failover hosts (§3.4c) -----------------------------------------------------------------------------------------
def test_failover_hosts_capacity_and_restart_goes_there_first() -> None:
    inv = design({"H1": host(9000, 16), "H2": host(9000, 32), "H3": host(9000, 8)},
                 {"a": vm("H1", 1000, 2), "b": vm("H1", 1000, 2)}, {"policy": "failover_hosts", "value": ["H3"]})
    a = admission(inv, "c1")
    assert a.failover_capacity == 1 and a.ok and a.free_failover_hosts == ("H3",)
    plan = restart_plan(inv, "c1", ["H1"])
    # H2 has more unreserved memory, but the failover host is tried first
    assert [(r.vm, r.host) for r in plan.restarted] == [("a", "H3"), ("b", "H3")]
    moved = ClusterState.of(inv).with_vm("a", host="H3")
    assert admits(inv, "c1", state_after=moved) == "DisallowedOperationOnFailoverHost"
    assert admits(inv, "c1", state_after=ClusterState.of(inv).with_host("H3", failed=True)) == \
        "InsufficientFailoverResources"


def test_disabled_admission_control_never_blocks() -> None:
    inv = docs_cluster({"policy": "disabled"}, extra_vms=10)
    assert admission(inv, "c1").ok
    assert admits(inv, "c1", state_after=ClusterState.of(inv)) is None


# §7 scenario 12: restart order ---------------------------------------------------------------------------------
def scenario_12() -> Inventory:
    return design({"H1": host(9000, 8), "H2": host(9000, 3), "H3": host(9000, 3)},
                  {"Low": vm("H1", 0, 2, "low"), "Disabled": vm("H1", 0, 1, "disabled"),
                   "Medium": vm("H1", 0, 2, "medium"), "High": vm("H1", 0, 2, "high")})


def test_scenario_12_restart_order() -> None:
    plan = restart_plan(scenario_12(), "c1", ["H1"])
    assert [(r.vm, r.host, r.priority) for r in plan.restarted] == [("High", "H2", "high"), ("Medium", "H3", "medium")]
    assert [n.vm for n in plan.not_restarted] == ["Low", "Disabled"]
    reasons = dict(plan.not_restarted)
    assert "disabled" in reasons["Disabled"]
    assert "retried at 0, 2, 6, 14, 30 min" in reasons["Low"] and "VmFailoverFailed" in reasons["Low"]
    assert plan.failover_failed == ("Low",)  # after 5 failed tries; Disabled is never tried
    assert plan.retry_minutes == (0, 2, 6, 14, 30)
    row = plan.row()
    assert row["restarted"][0] == {"vm": "High", "host": "H2", "priority": "high"}
    assert {n["vm"]: n["fault"] for n in row["not_restarted"]} == {"Low": "VmFailoverFailed", "Disabled": None}


def test_scenario_12_retry_count_is_a_setting() -> None:
    plan = restart_plan(scenario_12(), "c1", ["H1"], settings=HaSettings(max_restart_tries=3))
    assert plan.retry_minutes == (0, 2, 6)
    assert "retried at 0, 2, 6 min" in dict(plan.not_restarted)["Low"]


def test_a_retry_places_the_unplaced_vm_on_its_returned_host() -> None:
    """§3.3 retries: the VM scenario 12 could not place, tried again once H1 is back (powered off where it was
    left), lands on H1, the only host with room; its priority order holds among the retried VMs."""
    inv = scenario_12()
    state = ClusterState.of(inv).with_host("H1", failed=True)
    first = restart_plan(inv, "c1", ["H1"], state=state)
    for r in first.restarted:
        state = state.with_vm(r.vm, host=r.host)
    state = state.with_vm("Low", power="off").with_vm("Disabled", power="off")
    assert restart_plan(inv, "c1", [], state=state, retry=["Low"]).restarted == ()  # H1 still failed: no room
    back = state.with_host("H1", failed=False)
    plan = restart_plan(inv, "c1", [], state=back, retry=["Low", "Disabled", "High"])
    assert [(r.vm, r.host) for r in plan.restarted] == [("Low", "H1")]  # High runs: not HA's to restart
    assert [n.vm for n in plan.not_restarted] == ["Disabled"]
    with pytest.raises(ValueError):
        restart_plan(inv, "c1", [], state=back, retry=["nope"])


def test_placement_prefers_cpu_when_asked_and_ties_go_to_the_first_host() -> None:
    inv = design({"H1": host(9000, 8), "H2": host(4000, 6), "H3": host(8000, 4)}, {"a": vm("H1", 0, 1)})
    assert restart_plan(inv, "c1", ["H1"]).restarted[0].host == "H2"
    assert restart_plan(inv, "c1", ["H1"], settings=HaSettings(prefer="cpu")).restarted[0].host == "H3"


def test_largest_first_within_a_priority() -> None:
    inv = design({"H1": host(9000, 8), "H2": host(9000, 3.5)}, {"small": vm("H1", 0, 1), "large": vm("H1", 0, 3)})
    assert [r.vm for r in restart_plan(inv, "c1", ["H1"]).restarted] == ["small"]  # design order
    plan = restart_plan(inv, "c1", ["H1"], settings=HaSettings(same_priority="largest_first"))
    assert [r.vm for r in plan.restarted] == ["large"]


def test_restart_respects_datastore_network_and_required_rules() -> None:
    hosts = {"H1": host(9000, 8), "H2": host(9000, 32, datastores=[]), "H3": host(9000, 16), "H4": host(9000, 8)}
    inv = design(hosts, {"a": vm("H1", 0, 1), "b": vm("H1", 0, 1)},
                 rules=[{"name": "lic", "type": "vm_anti_host", "vms": ["a"], "hosts": ["H3"], "must": True}])
    plan = restart_plan(inv, "c1", ["H1"])
    # H2 lacks the datastore; a must not run on H3
    assert {(r.vm, r.host) for r in plan.restarted} == {("a", "H4"), ("b", "H3")}


def test_restart_honours_should_rules_when_it_can() -> None:
    inv = design({"H1": host(9000, 8), "H2": host(9000, 32), "H3": host(9000, 16)}, {"a": vm("H1", 0, 1)},
                 rules=[{"name": "pref", "type": "vm_host", "vms": ["a"], "hosts": ["H3"]}])
    assert restart_plan(inv, "c1", ["H1"]).restarted[0].host == "H3"
    assert restart_plan(inv, "c1", ["H1"], settings=HaSettings(honour_should_rules=False)).restarted[0].host == "H2"
    full = design({"H1": host(9000, 8), "H2": host(9000, 32), "H3": host(9000, 1)}, {"a": vm("H1", 0, 2)},
                  rules=[{"name": "pref", "type": "vm_host", "vms": ["a"], "hosts": ["H3"]}])
    assert restart_plan(full, "c1", ["H1"]).restarted[0].host == "H2"  # no room on H3: the should rule gives way


def test_anti_affinity_only_with_the_advanced_option() -> None:
    inv = design({"H1": host(9000, 8), "H2": host(9000, 32), "H3": host(9000, 16)},
                 {"a": vm("H1", 0, 1), "b": vm("H2", 0, 1)},
                 rules=[{"name": "apart", "type": "anti_affinity", "vms": ["a", "b"]}])
    assert restart_plan(inv, "c1", ["H1"]).restarted[0].host == "H2"  # §2.6: ignored on failover
    assert restart_plan(inv, "c1", ["H1"], settings=HaSettings(honour_vm_vm_rules=True)).restarted[0].host == "H3"


def test_vms_per_host_maximum_limits_restarts() -> None:
    """§4.4: vSphere 4.0, HA cluster of more than 8 hosts: at most 40 VMs per host."""
    hosts = {f"H{i}": host(9000, 64, version="4.0") for i in range(1, 10)}
    vms = {f"v{i:02d}": vm("H1") for i in range(5)}
    vms.update({f"w{i:02d}": vm(f"H{2 + i % 8}") for i in range(8 * 40 - 2)})  # H2..H9: 40 each but 2
    inv = design(hosts, vms)
    plan = restart_plan(inv, "c1", ["H1"])
    assert len(plan.restarted) == 2
    assert all("maximum of VMs per host" in n.reason for n in plan.not_restarted)
    assert len(restart_plan(inv, "c1", ["H1"], settings=HaSettings(enforce_vms_per_host=False)).restarted) == 5


def test_ha_disabled_restarts_nothing() -> None:
    inv = vinfra.from_data({"name": "t", "clusters": {"c1": {}}, "hosts": {"H1": host(9000, 8), "H2": host(9000, 8)},
                            "datastores": {"ds1": {}}, "vms": {"a": vm("H1")}})
    plan = restart_plan(inv, "c1", ["H1"])
    assert plan.restarted == () and "not enabled" in plan.not_restarted[0].reason
    assert admission(inv, "c1").policy == "disabled"


def test_restart_plan_rejects_a_host_outside_the_cluster() -> None:
    with pytest.raises(ValueError, match="not in cluster"):
        restart_plan(scenario_12(), "c1", ["nope"])


def test_admission_after_counts_the_restarted_vms_on_their_new_hosts() -> None:
    plan = restart_plan(docs_cluster(), "c1", ["H1"])
    assert {r.vm for r in plan.restarted} == {"VM1", "VM2"}
    assert plan.admission.failover_capacity == 1
    assert plan.admission_after.hosts == ("H2", "H3")
    assert plan.admission_after.slots_needed == 5 and plan.admission_after.failover_capacity == 0


# isolation (§3.2) and agents (§3.1) ------------------------------------------------------------------------------
@pytest.mark.parametrize(("version", "response"), [("2.5", "power_off"), ("3.5", "leave_powered_on"),
                                                   ("4.1", "shutdown"), ("5.0", "leave_powered_on"),
                                                   ("8.0", "leave_powered_on")])
def test_isolation_response_default_by_version(version: str, response: str) -> None:
    inv = design({"H1": host(9000, 8, version=version)}, {})
    assert isolation_response(inv, "c1", "H1") == response


def test_isolation_response_configured_wins() -> None:
    inv = design({"H1": host(9000, 8, version="3.5")}, {}, isolation_response="shutdown")
    assert isolation_response(inv, "c1", "H1") == "shutdown"


def test_isolation_actions_spare_disabled_vms() -> None:
    """§3.2: VMs with restart priority disabled get no isolation response."""
    inv = design({"H1": host(9000, 8, version="4.1"), "H2": host(9000, 8)},
                 {"a": vm("H1"), "b": vm("H1", priority="disabled"), "c": vm("H1", power="off"), "d": vm("H2")})
    from vinfra.cluster.ha import isolation_actions

    assert isolation_actions(inv, "c1", "H1") == [("a", "shutdown"), ("b", "leave_powered_on")]


def test_agent_follows_the_newest_host_unless_told() -> None:
    inv = design({"H1": host(9000, 8, version="4.1"), "H2": host(9000, 8, version="5.1")}, {})
    assert ha_agent(inv, "c1") == "fdm"
    assert ha_agent(inv, "c1", settings=HaSettings(agent_from="oldest")) == "aam"


def test_settings_validate() -> None:
    with pytest.raises(ValueError):
        HaSettings(slot_memory_mb=-1)
    with pytest.raises(ValueError):
        HaSettings(max_restart_tries=0)
    assert DEFAULT_HA_SETTINGS.max_restart_tries == 5


def test_fast_slot_capacity_examples() -> None:
    assert slot_failover_capacity([4, 3, 3], 5) == 1
    assert slot_failover_capacity([4, 3, 3], 6) == 1
    assert slot_failover_capacity([4, 3, 3], 7) == 0
    assert slot_failover_capacity([2, 1, 1], 5) == 0
    assert slot_failover_capacity([], 0) == 0
