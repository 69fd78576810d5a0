"""Clone from template as a server task (issue 14 "Operations as tasks"; cluster-behaviour §4.2, §1.4):
queued -> running -> success | error, a new revision with the VM added, events; refusals name the fault."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

from conftest import Api, make_api, wait_task
from vinfra.server import ServerSettings


def _kinds(api: Api) -> list[str]:
    return [e["kind"] for e in api.get("/events?limit=1000").json()["results"]]


def test_full_clone_adds_the_vm_in_a_new_revision(db_api: Api) -> None:
    api = db_api
    head = api.get("/healthz").json()["revision"]
    t = api.task("/templates/tpl-linux-small/clone", {"name": "web03", "cluster": "lab"})
    assert t["state"] == "success", t
    assert t["operation"] == "clone" and t["revision"] is not None and t["revision"] != head
    result = t["result"]
    assert result["duration_s"] == pytest.approx(40 * 1024 / 200)  # scenario-v1: disk / clone_mb_s
    assert result["disks"][0]["backing"] == "moveAllDiskBackingsAndDisallowSharing"
    assert result["cost"] == [{"resource": "host", "name": result["host"], "cost": 1}]  # §1.4
    vm = api.get("/vms/web03").json()
    assert vm["host"] == result["host"] in ("lab-esx1", "lab-esx2") and vm["power"] == "off"
    assert vm["nics"][0]["network"] == "Lab VMs"
    assert "VmDeployedEvent" in _kinds(api)
    # the revision exports a design that loads
    design = api.get(f"/revisions/{t['revision']}/design")
    assert design.status_code == 200 and "web03" in design.text


def test_linked_clone_needs_a_snapshot(api: Api) -> None:
    """Scenario 17: a linked clone without a snapshot is an invalid-argument fault; from the template's
    snapshot it is a delta disk on the snapshot's disk and takes 5 s."""
    head = api.get("/healthz").json()["revision"]
    r = api.post("/templates/tpl-linux-small/clone", json={"name": "w", "cluster": "lab", "linked": True})
    assert r.status_code == 409 and r.json()["fault"] == "InvalidArgument"
    assert r.json()["faults"][0]["field"] == "snapshot"
    assert api.get("/healthz").json()["revision"] == head and api.get("/vms/w").status_code == 404
    t = api.task("/templates/tpl-linux-small/clone", {"name": "w", "cluster": "lab", "linked": True, "snapshot": "base"})
    assert t["state"] == "success", t
    assert t["result"]["duration_s"] == 5.0
    assert t["result"]["disks"][0] == {"backing": "createNewChildDiskBacking", "kind": "delta",
                                       "parent": "tpl-linux-small@base", "datastore": "lab-nfs", "shared_parent": True}


def test_powered_on_clone_with_customization(api: Api) -> None:
    body = {"name": "web03", "cluster": "lab", "power_on": True,
            "customization": {"hostname": "web03", "nics": [{"ip": "192.168.101.23/24", "gateway": "192.168.101.1"}]}}
    t = api.task("/templates/tpl-linux-small/clone", body)
    assert t["state"] == "success", t
    vm = api.get("/vms/web03").json()
    assert vm["power"] == "on" and vm["nics"][0]["ip"] == "192.168.101.23/24"
    assert vm["nics"][0]["gateway"] == "192.168.101.1"
    kinds = _kinds(api)
    assert {"VmDeployedEvent", "VmPoweredOnEvent", "CustomizationSucceeded"} <= set(kinds)
    assert t["result"]["customization"]["status"] == "succeeded"
    # the same address again: refused at submission, naming the field
    body2 = {**body, "name": "web04"}
    r = api.post("/templates/tpl-linux-small/clone", json=body2)
    assert r.status_code == 409 and r.json()["faults"][0] == {
        "fault": "InvalidArgument", "message": "192.168.101.23 is in use by web03", "field": "customization.nics[0].ip"}


def test_refusals_change_nothing(api: Api) -> None:
    head = api.get("/healthz").json()["revision"]
    cases = [
        ("/templates/nope/clone", {"name": "x", "cluster": "lab"}, 404, "NotFound"),
        ("/templates/tpl-linux-small/clone", {"name": "web01", "cluster": "lab"}, 409, "DuplicateName"),
        ("/templates/tpl-linux-small/clone", {"name": "x", "cluster": "lab", "host": "lab-esx3"}, 409, "InvalidHostState"),
        ("/templates/tpl-linux-small/clone", {"name": "x", "cluster": "nope"}, 404, "NotFound"),
        ("/templates/tpl-linux-small/clone", {"name": "x"}, 409, "InvalidArgument"),
        ("/templates/tpl-linux-small/clone", {"name": "x", "cluster": "lab",
                                              "customization": {"nics": [{"ip": "10.9.9.9/24"}]}}, 409, "InvalidArgument"),
        ("/templates/tpl-linux-small/clone", {"name": "x", "cluster": "lab",
                                              "customization": {"nics": [{}, {}]}}, 409, "NicSettingMismatch"),
    ]
    for path, body, status, fault in cases:
        r = api.post(path, json=body)
        assert r.status_code == status, (body, r.text)
        assert r.headers["content-type"] == "application/problem+json"
        assert r.json()["fault"] == fault, (body, r.json())
    assert api.post("/templates/tpl-linux-small/clone", json={"cluster": "lab"}).status_code == 422  # no name
    assert api.get("/healthz").json()["revision"] == head
    assert api.get("/tasks").json()["count"] == 0


def test_operator_may_not_clone(api: Api) -> None:
    r = api.post("/templates/tpl-linux-small/clone", role="Operator", json={"name": "x", "cluster": "lab"})
    assert r.status_code == 403


def test_a_clone_refused_when_it_runs_fails_with_the_fault(slow_api: Api) -> None:
    """Planned again when it ends: a VM of the same name made meanwhile fails the task with DuplicateName."""
    api = slow_api
    first = api.post("/templates/tpl-linux-small/clone", json={"name": "w", "cluster": "lab", "linked": True,
                                                               "snapshot": "base"}).json()
    wait_task(api, first["id"], {"running"})
    vm = dict(api.server.store.current.data["vms"]["scratch01"])
    vm["nics"] = [{**vm["nics"][0], "mac": None, "ip": None, "gateway": None}]
    api.server.store.change([{"op": "put", "section": "vms", "name": "w", "value": vm}], "root", "a VM named w")
    done = wait_task(api, first["id"], {"success", "error"})
    assert done["state"] == "error" and done["error"]["fault"] == "DuplicateName"


@pytest.fixture
def slow_api(tmp_path: Path) -> Iterator[Api]:
    """Tasks at 1/5 of real time (a linked clone takes 1 s), 16 workers so §1.4 is what bounds them."""
    yield from make_api(ServerSettings(db_url=f"sqlite:///{tmp_path / 'v.db'}", time_scale=0.2, task_workers=16))


@pytest.fixture
def queue_api(tmp_path: Path) -> Iterator[Api]:
    """Tasks in real time (a linked clone takes 5 s), 16 workers so §1.4 is what bounds them."""
    yield from make_api(ServerSettings(db_url=f"sqlite:///{tmp_path / 'v.db'}", time_scale=1.0, task_workers=16))


def test_clones_queue_under_the_host_cost_limit(queue_api: Api) -> None:
    """§1.4: a host takes at most 8 cost units; a clone costs 1 on its host, so the 9th clone to one host waits
    (FIFO) until one finishes."""
    api = queue_api
    ids = []
    for k in range(9):
        r = api.post("/templates/tpl-linux-small/clone",
                     json={"name": f"c{k}", "host": "lab-esx1", "linked": True, "snapshot": "base"})
        assert r.status_code == 202, r.text
        ids.append(r.json()["id"])
    charges = api.server.tasks._operation(99, "clone", "tpl-linux-small",
                                          {"name": "c99", "host": "lab-esx1", "linked": True, "snapshot": "base"})
    assert charges.costs == ((("host", "lab-esx1"), 1),)
    wait_task(api, ids[7], {"running"})
    assert api.get(f"/tasks/{ids[8]}").json()["state"] == "queued"
    assert wait_task(api, ids[8], {"success", "error"}, timeout=60)["state"] == "success"
    assert api.server.wait_idle(60)
    assert all(api.get(f"/tasks/{i}").json()["state"] == "success" for i in ids)
    assert {v["name"] for v in api.get("/vms?host=lab-esx1&limit=100").json()["results"]} >= {f"c{k}" for k in range(9)}


def test_the_web_clients_clone_check_changes_nothing(api: Api) -> None:
    """POST /web/clone-check: the provisioning model's answer for the dialog, with the template's snapshots."""
    head = api.get("/healthz").json()["revision"]
    r = api.post("/web/clone-check", role="Read-only",
                 json={"template": "tpl-linux-small", "clone": {"name": "w", "cluster": "lab", "linked": True}})
    assert r.status_code == 200, r.text
    body = r.json()
    assert body["ok"] is False and body["snapshots"] == ["base"]
    assert [(f["fault"], f["field"]) for f in body["faults"]] == [("InvalidArgument", "snapshot")]
    ok = api.post("/web/clone-check", json={"template": "tpl-linux-small",
                                            "clone": {"name": "w", "cluster": "lab", "linked": True, "snapshot": "base"}})
    assert ok.json()["ok"] is True and ok.json()["duration_s"] == 5.0 and ok.json()["host"] in ("lab-esx1", "lab-esx2")
    assert api.post("/web/clone-check", json={"template": "nope", "clone": {"name": "w"}}).status_code == 404
    assert api.get("/healthz").json()["revision"] == head and api.get("/tasks").json()["count"] == 0
