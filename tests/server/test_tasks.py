"""Operations as tasks (cluster-behaviour §4.3): queued -> running -> success | error with progress and
times; vMotion checked by the vMotion model (§1.1: a refused move fails with its fault and changes nothing);
port groups, failures, cancel."""

from __future__ import annotations

import time
from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import EXAMPLE, Api, make_api, wait_task
from vinfra.io.design import load
from vinfra.server import ServerSettings


def test_power_cycle(db_api: Api) -> None:
    api = db_api
    t = api.task("/vms/scratch01/power", {"action": "on"}, role="Operator")
    assert t["state"] == "success" and t["progress"] == 100 and t["user"] == "op"
    assert t["started_at"] and t["finished_at"] and t["queued_at"] <= t["started_at"] <= t["finished_at"]
    assert api.get("/vms/scratch01").json()["power"] == "on"
    assert api.get(f"/revisions/{t['revision']}").json()["task"] == t["id"]
    assert api.task("/vms/scratch01/power", {"action": "reset"})["state"] == "success"
    assert api.task("/vms/scratch01/power", {"action": "off"})["state"] == "success"
    assert api.get("/vms/scratch01").json()["power"] == "off"
    kinds = [e["kind"] for e in api.get("/events?limit=1000").json()["results"]]
    assert {"VmPoweredOnEvent", "VmResettingEvent", "VmPoweredOffEvent"} <= set(kinds)


def test_power_in_the_wrong_state_is_refused_at_submission(api: Api) -> None:
    r = api.post("/vms/web01/power", json={"action": "on"})
    assert r.status_code == 409
    assert r.json()["fault"] == "InvalidPowerState"
    assert api.get("/tasks").json()["count"] == 0
    assert api.post("/vms/nope/power", json={"action": "on"}).status_code == 404
    bad = api.post("/vms/web01/power", json={"action": "sideways"})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "body.action"


def test_vmotion_allowed_moves_the_vm(db_api: Api) -> None:
    t = db_api.task("/vms/web01/migrate", {"host": "lab-esx2"}, role="Operator")
    assert t["state"] == "success", t
    assert t["result"]["from"] == "lab-esx1" and t["result"]["to"] == "lab-esx2"
    assert t["result"]["estimate"]["total_s"] > 0
    assert db_api.get("/vms/web01").json()["host"] == "lab-esx2"
    assert any(e["kind"] == "VmMigratedEvent" for e in db_api.get("/events?limit=1000").json()["results"])


def test_vmotion_the_model_refuses_is_a_fault_at_submission(api: Api) -> None:
    r = api.post("/vms/web01/migrate", json={"host": "lab-esx3"})  # in maintenance mode
    assert r.status_code == 409
    assert r.json()["fault"] == "InvalidHostState"
    assert api.get("/vms/web01").json()["host"] == "lab-esx1"


def test_vmotion_the_network_forbids_fails_the_task_and_changes_nothing(api: Api) -> None:
    """cluster-behaviour §1.1 P2: with lab-esx2's uplinks failed its vMotion port is unreachable."""
    for port in ("lab-sw:Gi1/0/3", "lab-sw:Gi1/0/4"):
        assert api.task("/failures", {"element": port})["state"] == "success"
    head = api.get("/healthz").json()["revision"]
    r = api.post("/vms/app01/migrate", json={"host": "lab-esx2"})
    assert r.status_code == 409
    assert r.json()["fault"] == "VMotionInterfaceIssue"
    assert api.get("/vms/app01").json()["host"] == "lab-esx1"
    assert api.get("/healthz").json()["revision"] == head


@pytest.fixture
def slow_api(tmp_path: Path) -> Iterator[Api]:
    """Tasks at 1/20 of real time (a vMotion of web01 takes ~2 s), one worker."""
    yield from make_api(ServerSettings(db_url=f"sqlite:///{tmp_path / 'v.db'}", time_scale=0.05, task_workers=1))


def test_vmotion_refused_while_it_runs_fails_with_the_fault_and_changes_nothing(slow_api: Api) -> None:
    """The task is planned again when it ends: the network changed under it, so it fails with the fault."""
    api = slow_api
    move = api.post("/vms/app01/migrate", json={"host": "lab-esx2"}).json()
    running = wait_task(api, move["id"], {"running"})
    assert running["started_at"] is not None
    # lab-esx2's uplinks fail while the move runs (a direct change: a fail task would queue behind the move)
    cut = api.server.store.current.data["failures"] + ["lab-sw:Gi1/0/3", "lab-sw:Gi1/0/4"]
    api.server.store.change([{"op": "put", "section": "failures", "name": None, "value": cut}], "root", "cut esx2")
    done = wait_task(api, move["id"], {"success", "error"})
    assert done["state"] == "error"
    assert done["error"]["fault"] == "VMotionInterfaceIssue"
    assert api.get("/vms/app01").json()["host"] == "lab-esx1"
    assert done["revision"] is None


def test_progress_and_cancel_of_a_queued_task(slow_api: Api) -> None:
    api = slow_api
    first = api.post("/vms/web01/migrate", json={"host": "lab-esx2"}).json()
    second = api.post("/vms/scratch01/power", json={"action": "on"}).json()
    wait_task(api, first["id"], {"running"})
    assert api.get(f"/tasks/{second['id']}").json()["state"] == "queued"  # one worker
    time.sleep(0.7)
    assert 0 < api.get(f"/tasks/{first['id']}").json()["progress"] < 100
    assert api.post(f"/tasks/{first['id']}/cancel", role="Operator").status_code == 409  # running
    cancelled = api.post(f"/tasks/{second['id']}/cancel", role="Operator").json()
    assert cancelled["state"] == "error" and cancelled["error"]["fault"] == "RequestCanceled"
    assert wait_task(api, first["id"], {"success", "error"})["state"] == "success"
    assert api.get("/vms/scratch01").json()["power"] == "off"
    assert api.post(f"/tasks/{second['id']}/cancel").status_code == 409
    assert api.post("/tasks/999/cancel").status_code == 404


def test_portgroup_add_change_remove(db_api: Api) -> None:
    api = db_api
    t = api.task("/hosts/lab-esx3/portgroups", {"vswitch": "vSwitch0", "name": "Backup", "vlan": 101})
    assert t["state"] == "success", t
    pgs = api.get("/hosts/lab-esx3").json()["vswitches"]["vSwitch0"]["portgroups"]
    assert pgs["Backup"]["vlan"] == 101
    t = api.task("/hosts/lab-esx3/portgroups/Backup", {"vlan": 100, "teaming": {"active": ["vmnic1"]}},
                 method="PATCH")
    assert t["state"] == "success", t
    pg = api.get("/hosts/lab-esx3").json()["vswitches"]["vSwitch0"]["portgroups"]["Backup"]
    assert pg["vlan"] == 100 and pg["teaming"]["active"] == ["vmnic1"]
    assert api.task("/hosts/lab-esx3/portgroups/Backup", method="DELETE")["state"] == "success"
    assert "Backup" not in api.get("/hosts/lab-esx3").json()["vswitches"]["vSwitch0"]["portgroups"]


def test_portgroup_faults(api: Api) -> None:
    dup = api.post("/hosts/lab-esx1/portgroups", json={"vswitch": "vSwitch0", "name": "Management"})
    assert dup.status_code == 409 and dup.json()["fault"] == "DuplicateName"
    busy = api.request("DELETE", "/hosts/lab-esx1/portgroups/Lab VMs")
    assert busy.status_code == 409 and busy.json()["fault"] == "ResourceInUse"
    assert api.request("DELETE", "/hosts/lab-esx1/portgroups/Nope").status_code == 404
    bad = api.post("/hosts/lab-esx1/portgroups", json={"vswitch": "vSwitch0", "name": "X", "vlan": 5000})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "body.vlan"


def test_invalid_teaming_fails_the_task_naming_the_field(api: Api) -> None:
    t = api.task("/hosts/lab-esx1/portgroups/Lab VMs", {"teaming": {"active": ["vmnic9"]}}, method="PATCH")
    assert t["state"] == "error"
    assert t["error"]["fault"] == "InvalidArgument"
    assert any("hosts.lab-esx1" in f.get("field", "") for f in t["error"]["faults"])


def test_fail_and_restore(db_api: Api) -> None:
    api = db_api
    assert api.task("/failures", {"element": "lab-sw:GigabitEthernet1/0/1"})["state"] == "success"
    assert [r["name"] for r in api.get("/failures").json()["results"]] == ["lab-sw:Gi1/0/1"]
    assert api.post("/failures", json={"element": "lab-sw:Gi1/0/1"}).json()["fault"] == "InvalidState"
    assert api.post("/failures", json={"element": "ghost"}).status_code == 404
    assert api.task("/failures/lab-sw:Gi1/0/1", method="DELETE")["state"] == "success"
    assert api.get("/failures").json()["count"] == 0


def test_a_failed_host_has_its_vms_restarted_by_ha(api: Api) -> None:
    """A host failed through the server in an HA cluster: HA's restart plan (§3.3, ``vinfra ha --fail-host``)
    is applied in the same revision (each restarted VM on its new host, powered on, with
    VmRestartedByHAEvent); the task's result carries the plan."""
    from vinfra.cluster.ha import restart_plan

    inv = load(EXAMPLE)
    plan = restart_plan(inv, "lab", ["lab-esx1"])
    assert plan.restarted, "the example's lab-esx1 runs VMs HA restarts"
    task = api.task("/failures", {"element": "lab-esx1"})
    assert task["state"] == "success", task
    assert task["result"]["ha"]["restarted"] == [{"vm": r.vm, "host": r.host, "priority": r.priority}
                                                for r in plan.restarted]
    for r in plan.restarted:
        vm = api.get(f"/vms/{r.vm}").json()
        assert (vm["host"], vm["power"]) == (r.host, "on")
    kinds = [e["kind"] for e in api.get("/events?limit=1000").json()["results"]]
    assert kinds.count("VmRestartedByHAEvent") == len(plan.restarted)
    # a switch fails no host: no restarts
    assert "ha" not in api.task("/failures", {"element": "lab-sw:Gi1/0/1"})["result"]
