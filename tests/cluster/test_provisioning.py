"""Clone from template (cluster-behaviour §4.1-4.2, §7 scenario 17, §1.4 cost, scenario-v1's clone timing)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

import vinfra
from vinfra.cluster.provisioning import (
    CLONE_HOST_COST,
    CloneRequest,
    NicCustomization,
    ProvisioningSettings,
    check_clone,
    clone_duration_s,
    clone_operation,
    hostname_problem,
)
from vinfra.cluster.state import ClusterState
from vinfra.cluster.vmotion import schedule, vmotion_operation
from vinfra.io.design import load
from vinfra.timing import Timers

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "small-cluster-templates.yaml"


@pytest.fixture(scope="module")
def lab() -> vinfra.Inventory:
    return load(EXAMPLE)


def _faults(answer: Any) -> list[str]:
    return [f.fault for f in answer.faults]


def _small(ha: dict[str, Any] | None = None, *, drs: bool = True, guest: str | None = "ubuntu-22.04") -> vinfra.Inventory:
    hosts = {h: {"cluster": "c1", "cpu": {"sockets": 1, "cores": 1, "mhz": 10000}, "memory_gb": 16,
                 "datastores": ["ds1"]} for h in ("H1", "H2")}
    hosts["H3"] = {"cluster": "c1", "cpu": {"sockets": 1, "cores": 1, "mhz": 10000}, "memory_gb": 16}  # no ds1
    tpl = {"datastore": "ds1", "memory_gb": 4, "memory": {"reservation_gb": 4}, "load": {"cpu_mhz": 500}}
    if guest is not None:
        tpl["guest"] = guest
    vms = {"vm1": {"host": "H1", "datastore": "ds1", "memory_gb": 4, "memory": {"reservation_gb": 4}}}
    return vinfra.from_data({"name": "t", "datastores": {"ds1": {}}, "hosts": hosts, "vms": vms,
                             "templates": {"tpl": tpl},
                             "clusters": {"c1": {"drs": {"enabled": drs}, "ha": ha or {"enabled": False}}}})


# §4.2: linked clones and snapshots, scenario 17 -------------------------------------------------------------
def test_scenario_17_linked_clone_from_a_snapshot_has_a_delta_disk_on_the_snapshots_disk(lab: vinfra.Inventory) -> None:
    settings = ProvisioningSettings(snapshots={"tpl-linux-small": ("S1",)})
    answer = check_clone(lab, CloneRequest("tpl-linux-small", "web03", cluster="lab", linked=True, snapshot="S1"),
                         settings=settings)
    assert answer.ok, answer.faults
    assert answer.disks == [{"backing": "createNewChildDiskBacking", "kind": "delta", "parent": "tpl-linux-small@S1",
                             "datastore": "lab-nfs", "shared_parent": True}]
    assert answer.vm is not None and answer.vm.name == "web03"


def test_scenario_17_linked_clone_without_a_snapshot_is_an_invalid_argument(lab: vinfra.Inventory) -> None:
    settings = ProvisioningSettings(snapshots={"tpl-linux-small": ("S1",)})
    answer = check_clone(lab, CloneRequest("tpl-linux-small", "web03", cluster="lab", linked=True), settings=settings)
    assert _faults(answer) == ["InvalidArgument"]
    assert answer.faults[0].field == "snapshot" and answer.vm is None
    # a snapshot the template does not have is refused too, for linked and full clones
    for linked in (True, False):
        wrong = check_clone(lab, CloneRequest("tpl-linux-small", "web03", cluster="lab", linked=linked, snapshot="S9"),
                            settings=settings)
        assert _faults(wrong) == ["InvalidArgument"] and "S1" in wrong.faults[0].message


def test_a_template_declared_without_snapshots_cannot_be_linked_cloned(lab: vinfra.Inventory) -> None:
    settings = ProvisioningSettings(snapshots={})
    answer = check_clone(lab, CloneRequest("tpl-linux-small", "w", cluster="lab", linked=True), settings=settings)
    assert _faults(answer) == ["InvalidArgument"] and "has none" in answer.faults[0].message


def test_by_default_every_template_has_one_sealed_snapshot(lab: vinfra.Inventory) -> None:
    """[model] topology-v1 has no snapshot field: a template is sealed with one snapshot, ``base``."""
    assert ProvisioningSettings().snapshots_of("anything") == ("base",)
    answer = check_clone(lab, CloneRequest("tpl-linux-large", "w", cluster="lab", linked=True, snapshot="base"))
    assert answer.ok and answer.disks[0]["parent"] == "tpl-linux-large@base"
    full = check_clone(lab, CloneRequest("tpl-linux-large", "w", cluster="lab"))
    assert full.ok and full.disks[0]["backing"] == "moveAllDiskBackingsAndDisallowSharing"


# timing (scenario-v1's table) and §1.4 cost --------------------------------------------------------------------
def test_full_clone_copies_the_disk_at_clone_mb_s_and_a_linked_one_takes_5_s(lab: vinfra.Inventory) -> None:
    assert clone_duration_s(False) == pytest.approx(40 * 1024 / 200)  # 204.8 s
    assert clone_duration_s(True) == 5.0
    assert clone_duration_s(False, Timers(clone_mb_s=400)) == pytest.approx(102.4)
    assert clone_duration_s(False, settings=ProvisioningSettings(disk_gb=10)) == pytest.approx(51.2)
    answer = check_clone(lab, CloneRequest("tpl-linux-small", "w", cluster="lab"), timers=Timers(clone_mb_s=100))
    assert answer.duration_s == pytest.approx(409.6)


def test_a_clone_charges_cost_1_on_its_host_and_queues_with_vmotions_under_the_host_maximum() -> None:
    """§1.4: host max 8, vMotion cost 1 (vSphere 5), other provisioning cost 1: 8 operations fit on a host,
    the 9th waits FIFO; the clone charges no network or datastore."""
    op = clone_operation("c", "H1")
    assert op.costs == ((("host", "H1"), CLONE_HOST_COST),) and CLONE_HOST_COST == 1
    vms = [vmotion_operation(f"m{i}", "H1", f"D{i}", "ds", 10_000) for i in range(6)]
    clones = [clone_operation(f"c{i}", "H1") for i in range(3)]
    ops = [*vms, *clones]
    maxima = {r: (8 if r[0] == "network" else 128 if r[0] == "datastore" else 8) for o in ops for r, _ in o.costs}
    states = schedule(ops, maxima)
    assert [states[o.name] for o in ops] == ["running"] * 8 + ["queued"]
    assert schedule(ops, maxima, frozenset({"m0"}))["c2"] == "running"


def test_the_answer_row_is_plain_data(lab: vinfra.Inventory) -> None:
    row = check_clone(lab, CloneRequest("tpl-linux-small", "w", cluster="lab")).row()
    assert row["ok"] and row["cost"] == [{"resource": "host", "name": row["host"], "cost": 1}]
    assert row["vm"]["host"] == row["host"] and row["vm"]["power"] == "off"
    import json

    json.dumps(row)


# name, template, destination ---------------------------------------------------------------------------------
def test_names_and_sources(lab: vinfra.Inventory) -> None:
    assert _faults(check_clone(lab, CloneRequest("nope", "w", cluster="lab"))) == ["NotFound"]
    assert "VM, not a template" in check_clone(lab, CloneRequest("web01", "w", cluster="lab")).faults[0].message
    assert _faults(check_clone(lab, CloneRequest("tpl-linux-small", "web01", cluster="lab"))) == ["DuplicateName"]
    assert _faults(check_clone(lab, CloneRequest("tpl-linux-small", "tpl-linux-large", cluster="lab"))) == ["DuplicateName"]
    for bad in ("", "a:b", " x", "x" * 81):
        assert _faults(check_clone(lab, CloneRequest("tpl-linux-small", bad, cluster="lab"))) == ["InvalidName"], bad


def test_a_clone_already_made_holds_its_name(lab: vinfra.Inventory) -> None:
    first = check_clone(lab, CloneRequest("tpl-linux-small", "w", cluster="lab"))
    assert first.vm is not None
    state = ClusterState.of(lab).with_added_vm(first.vm, "w")
    assert _faults(check_clone(lab, CloneRequest("tpl-linux-small", "w", cluster="lab"), state=state)) == ["DuplicateName"]


def test_destinations(lab: vinfra.Inventory) -> None:
    def faults(**kw: Any) -> list[str]:
        return _faults(check_clone(lab, CloneRequest("tpl-linux-small", "w", **kw)))

    assert faults() == ["InvalidArgument"]  # template -> VM needs a pool (§4.2)
    assert faults(cluster="nope") == ["NotFound"]
    assert faults(host="nope") == ["NotFound"]
    assert faults(cluster="lab", host="lab-esx3") == ["InvalidHostState"]  # in maintenance
    answer = check_clone(lab, CloneRequest("tpl-linux-small", "w", host="lab-esx2"))
    assert answer.ok and answer.host == "lab-esx2" and answer.cluster == "lab"
    state = ClusterState.of(lab).with_host("lab-esx1", failed=True)
    assert _faults(check_clone(lab, CloneRequest("tpl-linux-small", "w", host="lab-esx1"), state=state)) == ["InvalidHostState"]
    assert check_clone(lab, CloneRequest("tpl-linux-small", "w", cluster="lab"), state=state).host == "lab-esx2"


# placement: DRS §2.5, HA §3.4 -----------------------------------------------------------------------------------
def test_placement_is_drs_initial_placement_on_hosts_with_the_templates_datastore() -> None:
    inv = _small()
    answer = check_clone(inv, CloneRequest("tpl", "new", cluster="c1"))
    # H3 lacks ds1 (P3); H2 leaves the lower imbalance (H1 already runs vm1)
    assert answer.ok and answer.candidates == ["H2", "H1"] and answer.host == "H2"
    refused = check_clone(inv, CloneRequest("tpl", "new", cluster="c1", host="H3"))
    assert _faults(refused) == ["NoCompatibleHost"] and "datastore ds1" in refused.faults[0].message


def test_without_drs_the_candidates_follow_the_design_order() -> None:
    answer = check_clone(_small(drs=False), CloneRequest("tpl", "new", cluster="c1"))
    assert answer.candidates == ["H1", "H2"] and answer.host == "H1"


def test_ha_admission_control_blocks_a_powered_on_clone_but_not_a_powered_off_one() -> None:
    """§3.4: admission control blocks power-ons, while a powered-off clone needs no failover capacity; nothing
    is placed on a dedicated failover host (§3.4c)."""
    inv = _small({"enabled": True, "admission_control": {"policy": "failover_hosts", "value": ["H2"]}})
    on = check_clone(inv, CloneRequest("tpl", "new", cluster="c1", power_on=True))
    assert on.ok and on.host == "H1"  # DRS never places on the failover host
    on_h2 = check_clone(inv, CloneRequest("tpl", "new", cluster="c1", host="H2", power_on=True))
    assert _faults(on_h2) == ["DisallowedOperationOnFailoverHost"]
    # percentage: 48 GB in all, 4 GB reserved (91.7% free); the clone's 4 GB leaves 83.3% < 85%
    pct = _small({"enabled": True, "admission_control": {"policy": "percentage", "value": 85}})
    refused = check_clone(pct, CloneRequest("tpl", "new", cluster="c1", power_on=True))
    assert _faults(refused) == ["InsufficientFailoverResources"]
    assert check_clone(pct, CloneRequest("tpl", "new", cluster="c1")).ok


def test_no_usable_host_in_the_cluster(lab: vinfra.Inventory) -> None:
    state = ClusterState.of(lab).with_host("lab-esx1", failed=True).with_host("lab-esx2", maintenance=True)
    assert _faults(check_clone(lab, CloneRequest("tpl-linux-small", "w", cluster="lab"), state=state)) == ["NoCompatibleHost"]


# guest customization (§4.2) --------------------------------------------------------------------------------------
def test_customization_sets_the_addresses_and_runs_on_first_boot(lab: vinfra.Inventory) -> None:
    req = CloneRequest("tpl-linux-small", "web03", cluster="lab", power_on=True, hostname="web03.lab",
                       nics=(NicCustomization("192.168.101.23/24", "192.168.101.1"),))
    answer = check_clone(lab, req)
    assert answer.ok, answer.faults
    assert answer.vm is not None and str(answer.vm.nics[0].ip) == "192.168.101.23/24"
    assert answer.vm.nics[0].mac is None and answer.vm.power == "on"
    assert answer.customization is not None and answer.customization["status"] == "succeeded"
    off = check_clone(lab, CloneRequest("tpl-linux-small", "web03", cluster="lab", hostname="web03"))
    assert off.customization is not None and off.customization["status"] == "pending"


def test_customization_failure_is_an_event_not_a_refusal() -> None:
    """§4.2 [model]: a guest neither Sysprep nor the Tools script customizes fails on first boot; the clone
    itself succeeds."""
    answer = check_clone(_small(guest="solaris-11"), CloneRequest("tpl", "new", cluster="c1", power_on=False,
                                                                  hostname="new"))
    assert answer.ok and answer.customization["status"] == "pending"  # type: ignore[index]
    booted = check_clone(_small(guest="solaris-11"), CloneRequest("tpl", "new", cluster="c1", power_on=True, hostname="new"))
    assert booted.ok and booted.customization is not None
    assert booted.customization["status"] == "failed" and booted.customization["event"] == "CustomizationFailed"


@pytest.mark.parametrize(("nics", "hostname", "field", "fault"), [
    ((NicCustomization("192.168.101.21/24"),), None, "customization.nics[0].ip", "InvalidArgument"),  # web01's
    ((NicCustomization("192.168.101.1/24"),), None, "customization.nics[0].ip", "InvalidArgument"),  # the SVI
    ((NicCustomization("10.1.1.5/24"),), None, "customization.nics[0].ip", "InvalidArgument"),  # not VLAN 101's subnet
    ((NicCustomization("192.168.101.0/24"),), None, "customization.nics[0].ip", "InvalidArgument"),  # network address
    ((NicCustomization("192.168.101.50"),), None, "customization.nics[0].ip", "InvalidArgument"),  # no prefix
    ((NicCustomization("192.168.101.50/24", "10.0.0.1"),), None, "customization.nics[0].gateway", "InvalidArgument"),
    ((NicCustomization("192.168.101.50/24"), NicCustomization("192.168.101.51/24")), None, "customization.nics",
     "NicSettingMismatch"),
    ((), "bad_name", "customization.hostname", "InvalidArgument"),
    ((), "-x", "customization.hostname", "InvalidArgument"),
])
def test_customization_refusals_name_the_field(lab: vinfra.Inventory, nics: tuple[NicCustomization, ...],
                                               hostname: str | None, field: str, fault: str) -> None:
    answer = check_clone(lab, CloneRequest("tpl-linux-small", "w", cluster="lab", hostname=hostname, nics=nics))
    assert [(f.fault, f.field) for f in answer.faults] == [(fault, field)], answer.faults


def test_an_address_given_to_an_earlier_clone_is_taken(lab: vinfra.Inventory) -> None:
    req = CloneRequest("tpl-linux-small", "a", cluster="lab", nics=(NicCustomization("192.168.101.60/24"),))
    first = check_clone(lab, req)
    assert first.vm is not None
    state = ClusterState.of(lab).with_added_vm(first.vm, "a")
    again = check_clone(lab, CloneRequest("tpl-linux-small", "b", cluster="lab", nics=req.nics), state=state)
    assert [f.message for f in again.faults] == ["192.168.101.60 is in use by a"]


def test_hostnames() -> None:
    assert hostname_problem("web-01") is None and hostname_problem("web01.lab.example") is None
    for bad in ("", "a" * 64, "-a", "a-", "a_b", "a..b"):
        assert hostname_problem(bad) is not None, bad


def test_request_from_plain_data() -> None:
    req = CloneRequest.of({"template": "t", "name": "n", "cluster": "c", "linked": True, "snapshot": "base",
                           "power_on": True, "hostname": "h", "nics": [{"ip": "10.0.0.5/24", "gateway": "10.0.0.1"}]})
    assert req == CloneRequest("t", "n", "c", None, True, "base", True, "h", (NicCustomization("10.0.0.5/24", "10.0.0.1"),))
