"""Maintenance mode and DRS through the cluster-services adapter (vinfra.server.cluster_ops): the evacuation
runs DRS's pass (cluster-behaviour §2.7); a VM it cannot move fails the task and nothing moves."""

from __future__ import annotations

from conftest import Api


def test_exit_and_enter_maintenance_of_an_empty_host(db_api: Api) -> None:
    api = db_api
    t = api.task("/hosts/lab-esx3/maintenance", method="DELETE")
    assert t["state"] == "success", t
    assert api.get("/hosts/lab-esx3").json()["state"] == "connected"
    assert api.request("DELETE", "/hosts/lab-esx3/maintenance").json()["fault"] == "InvalidState"
    t = api.task("/hosts/lab-esx3/maintenance")
    assert t["state"] == "success" and t["result"]["evacuated"] == []
    assert api.get("/hosts/lab-esx3").json()["state"] == "maintenance"
    kinds = [e["kind"] for e in api.get("/events?limit=1000").json()["results"]]
    assert "ExitMaintenanceModeEvent" in kinds and "EnteredMaintenanceModeEvent" in kinds


def test_enter_maintenance_evacuates_through_drs(api: Api) -> None:
    api.task("/hosts/lab-esx3/maintenance", method="DELETE")
    head = api.get("/healthz").json()["revision"]
    r = api.post("/hosts/lab-esx1/maintenance")
    assert r.status_code == 202, r.text
    assert api.server.wait_idle()
    t = api.get(f"/tasks/{r.json()['id']}").json()
    assert t["state"] == "success", t
    assert api.get("/healthz").json()["revision"] != head
    on_host = [v for v in api.get("/vms?host=lab-esx1&view=full").json()["results"] if v["power"] == "on"]
    assert on_host == []
    assert api.get("/hosts/lab-esx1").json()["state"] == "maintenance"


def test_apply_drs(api: Api) -> None:
    r = api.post("/clusters/lab/drs", json={})
    assert r.status_code == 202
    assert api.server.wait_idle()
    assert api.get(f"/tasks/{r.json()['id']}").json()["state"] == "success"
    assert api.post("/clusters/nope/drs", json={}).status_code == 404
