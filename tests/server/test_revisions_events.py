"""Revisions (who, when, what; export; diff through vinfra.analysis.diff; replay from checkpoints), events
(list, since, server-sent events), alarms from error findings (cluster-behaviour §4.3), and what-if."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from conftest import EXAMPLE, Api, make_api
from vinfra.analysis.diff import diff
from vinfra.io.design import load, load_text
from vinfra.network import Snapshot
from vinfra.server import ServerSettings


def test_import_is_revision_one_and_exports_as_a_valid_design(db_api: Api) -> None:
    api = db_api
    revs = api.get("/revisions").json()
    assert revs["count"] == 1 and revs["results"][0]["author"] == "root"
    for fmt in ("yaml", "json"):
        text = api.get(f"/revisions/1/design?format={fmt}").text
        assert load_text(text, source=f"export.{fmt}") == load(EXAMPLE)  # what `vinfra validate` accepts


def test_an_older_revision_exports_as_it_was(db_api: Api) -> None:
    api = db_api
    api.request("PATCH", "/vms/web01", json={"memory_gb": 8})
    head = api.get("/healthz").json()["revision"]
    old = load_text(api.get(f"/revisions/{head - 1}/design").text)
    new = load_text(api.get(f"/revisions/{head}/design").text)
    assert old.vms["web01"].memory_gb == 4 and new.vms["web01"].memory_gb == 8


def test_replay_from_checkpoints_equals_each_head(tmp_path: Path) -> None:
    """Revisions between checkpoints are rebuilt by replaying changes: equal to the head each was."""
    for api in make_api(ServerSettings(db_url=f"sqlite:///{tmp_path / 'c.db'}", time_scale=0, checkpoint_every=3,
                                       alarms=False)):
        heads = {}
        for k in range(8):
            api.request("PATCH", "/vms/web01", json={"description": f"edit {k}"})
            head = api.server.store.current
            heads[head.revision] = head.data
        api.server.store._cache.clear()
        for rev, data in heads.items():
            if rev != api.server.store.current.revision:
                assert api.server.store.data_at(rev) == data


def test_diff_of_two_revisions_is_vinfra_diff(api: Api) -> None:
    api.request("PATCH", "/hosts/lab-esx2", json={"vswitches": {"vSwitch0": {"portgroups": {"Lab VMs": {"vlan": 100}}}}})
    head = api.get("/healthz").json()["revision"]
    got = api.get(f"/revisions/1/diff/{head}").json()
    a = load_text(api.get("/revisions/1/design").text)
    b = load_text(api.get(f"/revisions/{head}/design").text)
    want = orjson.loads(orjson.dumps(diff(Snapshot(a), Snapshot(b))))
    assert {k: got[k] for k in want} | {"findings": None} == want | {"findings": None}
    assert got["pairs_changed"] > 0
    strip = [{k: v for k, v in f.items() if k != "location"} for f in got["findings"]["appeared"]]
    assert strip == [{k: v for k, v in f.items() if k != "location"} for f in want["findings"]["appeared"]]
    assert api.get("/revisions/99/diff/1").status_code == 404


def test_import_a_design_upload(api: Api) -> None:
    text = EXAMPLE.read_text().replace("Lab: three", "Lab (edited): three")
    r = api.post("/revisions", json={"design": text, "message": "re-import"})
    assert r.status_code == 201 and r.json()["created"]
    again = api.post("/revisions", json={"design": text})
    assert again.json()["created"] is False
    bad = api.post("/revisions", json={"design": "name: x\nhosts: [1, 2\n"})
    assert bad.status_code == 422
    assert bad.json()["errors"][0]["field"].startswith("body.design:")


def test_events_since_and_stream(api: Api) -> None:
    first = api.get("/events").json()
    last = first["next_since"]
    api.request("PATCH", "/vms/web01", json={"description": "x"})
    newer = api.get(f"/events?since={last}").json()["results"]
    assert [e["kind"] for e in newer] == ["VmChangedEvent"]
    assert newer[0]["user"] == "root" and newer[0]["object"] == "vms/web01" and newer[0]["time"]
    with api.client.stream("GET", f"/events/stream?since={last}&limit=1", headers=api.headers("Read-only")) as r:
        assert r.headers["content-type"].startswith("text/event-stream")
        body = "".join(r.iter_text())
    lines = body.strip().splitlines()
    assert lines[0] == f"id: {newer[0]['id']}" and lines[1] == "event: VmChangedEvent"
    assert orjson.loads(lines[2].removeprefix("data: "))["object"] == "vms/web01"


def _raise_and_clear_a_duplicate_ip_alarm(api: Api) -> list[dict]:
    """Give web02 web01's address (a duplicate IP: an error finding), see the red alarm, undo, see none red;
    answer the red alarms seen."""
    assert api.server.wait_idle()
    assert api.get("/alarms?status=red").json()["count"] == 0
    nic = api.get("/vms/web02").json()["nics"][0]
    api.request("PATCH", "/vms/web02", json={"nics": [{**nic, "ip": "192.168.101.21/24"}]})
    assert api.server.wait_idle()
    red = api.get("/alarms?status=red").json()["results"]
    assert [a["rule"] for a in red] == ["duplicate-ip"]
    assert any("web02" in o for o in red[0]["objects"])
    api.request("PATCH", "/vms/web02", json={"nics": [nic]})
    assert api.server.wait_idle()
    assert api.get("/alarms?status=red").json()["count"] == 0
    return red


def test_an_error_finding_raises_an_alarm_and_clears_it(db_api: Api) -> None:
    """A duplicate IP (an error finding) after a change raises a red alarm; undoing it turns it green."""
    api = db_api
    red = _raise_and_clear_a_duplicate_ip_alarm(api)
    green = api.get("/alarms?status=green").json()["results"]
    assert green[0]["id"] == red[0]["id"] and green[0]["cleared_revision"] > green[0]["raised_revision"]
    alarm_events = [e for e in api.get("/events?limit=1000").json()["results"] if e["kind"] == "AlarmStatusChangedEvent"]
    assert [e["message"].split(":")[0] for e in alarm_events] == ["alarm red", "alarm green (cleared)"]


def test_alarms_from_the_checks_worker_process(tmp_path: Path) -> None:
    """vinfra serve runs the alarm checks in a worker process (SubprocessChecker: in the server's process they
    held the interpreter lock and starved reads): the same alarm is raised and cleared from there."""
    settings = ServerSettings(db_url=f"sqlite:///{tmp_path / 'a.db'}", time_scale=0, validate_in_subprocess=True)
    for api in make_api(settings):
        assert type(api.server.alarms.checker).__name__ == "SubprocessChecker"
        _raise_and_clear_a_duplicate_ip_alarm(api)


def test_whatif_changes_nothing_and_answers_as_vinfra_diff(api: Api) -> None:
    head = api.get("/healthz").json()["revision"]
    r = api.post("/whatif", role="Read-only", json={"fail": ["lab-sw"]})
    assert r.status_code == 200, r.text
    inv = load(EXAMPLE)
    want = orjson.loads(orjson.dumps(diff(Snapshot(inv), Snapshot(inv, fail=["lab-sw"]))))
    assert r.json()["pairs_changed"] == want["pairs_changed"] > 0
    assert r.json()["pairs"] == want["pairs"]
    change = {"op": "put", "section": "vms", "name": "web01",
              "value": {**api.get("/vms/web01").json(), "name": None, "nics": []}}
    del change["value"]["name"]
    r2 = api.post("/whatif", json={"changes": [change]})
    assert r2.status_code == 200 and "web01" in r2.json()["endpoints"]["removed"][0]
    assert api.get("/healthz").json()["revision"] == head
    bad = api.post("/whatif", json={"fail": ["nosuch"]})
    assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "body.fail"
    invalid = api.post("/whatif", json={"changes": [{"op": "put", "section": "vms", "name": "x", "value": {"host": "no"}}]})
    assert invalid.status_code == 422 and invalid.json()["errors"][0]["field"] == "vms.x.host"


def test_whatif_answers_ha_restart_plan_of_a_failed_host(api: Api) -> None:
    """Issue 14 item 5: a fork's HA consequences, by :func:`vinfra.cluster.ha.restart_plan` (§3.3), whether
    the host fails through ``fail`` or through a change to the design's ``failures``; the head is unchanged."""
    from vinfra.cluster.ha import restart_plan

    head = api.get("/healthz").json()["revision"]
    inv = load(EXAMPLE)
    want = orjson.loads(orjson.dumps(restart_plan(inv, "lab", ["lab-esx1"]).row()))
    assert want["restarted"], "the example's host runs VMs HA restarts"
    r = api.post("/whatif", role="Read-only", json={"fail": ["lab-esx1"]})
    assert r.status_code == 200, r.text
    assert r.json()["ha"] == [want] and r.json()["ha_unprotected"] == []
    by_change = api.post("/whatif", json={"changes": [{"op": "put", "section": "failures", "value": ["lab-esx1"]}]})
    assert by_change.status_code == 200, by_change.text
    assert by_change.json()["ha"] == [want]
    # a switch failure fails no host: no HA plan
    assert api.post("/whatif", json={"fail": ["lab-sw"]}).json()["ha"] == []
    assert api.get("/healthz").json()["revision"] == head
    assert api.get("/vms/web01").json()["host"] == inv.vms["web01"].host


def test_whatif_answers_the_drs_pass_that_follows(tmp_path: Path) -> None:
    """Issue 14 item 5 (DRS): a change touching a DRS cluster answers the pass ``vinfra drs`` makes on the
    fork (HA admission control included, §2.4); a failed host's cluster answers it on the state after HA's
    restarts, never moving anything to or from the failed host."""
    from vinfra.cluster.drs import drs_pass
    from vinfra.cluster.ha import admission_hook

    design = Path(__file__).resolve().parents[1] / "data" / "web-drs-unbalanced.yaml"
    inv = load(design)
    want = orjson.loads(orjson.dumps(drs_pass(inv, "lab", ha_admits=admission_hook(inv, "lab")).row()))
    assert want["recommendations"], "the design is unbalanced: DRS recommends moves"
    for api in make_api(ServerSettings(db_url=f"sqlite:///{tmp_path / 'd.db'}", time_scale=0, alarms=False), design):
        lab = api.get("/clusters/lab").json()
        change = {"op": "put", "section": "clusters", "name": "lab",
                  "value": {k: v for k, v in lab.items() if k != "name"}}
        r = api.post("/whatif", role="Read-only", json={"changes": [change]})
        assert r.status_code == 200, r.text
        assert r.json()["drs"] == [want]
        host = next(h for h, x in inv.hosts.items() if x.cluster == "lab" and any(v.host == h for v in inv.vms.values()))
        failed = api.post("/whatif", json={"fail": [host]}).json()
        (row,) = failed["drs"]
        assert row["cluster"] == "lab"
        assert all(host not in (m["from"], m["to"]) for m in row["recommendations"])
        assert api.post("/whatif", json={"fail": ["sw1"]}).json()["drs"] == []


@pytest.fixture
def empty_api(tmp_path: Path) -> Iterator[Api]:
    yield from make_api(ServerSettings(db_url=f"sqlite:///{tmp_path / 'e.db'}", time_scale=0), design=None)


def test_a_server_without_a_design_says_so(empty_api: Api) -> None:
    r = empty_api.get("/vms")
    assert r.status_code == 404 and r.json()["type"].endswith("/no-design")
    assert empty_api.post("/revisions", json={"design": EXAMPLE.read_text()}).status_code == 201
    assert empty_api.get("/vms").json()["count"] == 6


def test_restart_keeps_the_head(tmp_path: Path) -> None:
    settings = ServerSettings(db_url=f"sqlite:///{tmp_path / 'r.db'}", time_scale=0)
    for api in make_api(settings):
        api.request("PATCH", "/vms/web01", json={"description": "kept"})
        rev = api.get("/healthz").json()["revision"]
    from vinfra.server import open_server

    server = open_server(settings, load(EXAMPLE))  # the same file again: no new revision, the edit is kept
    try:
        assert server.store.current.revision == rev
        assert server.store.current.data["vms"]["web01"]["description"] == "kept"
    finally:
        server.close()
    edited = load_text(EXAMPLE.read_text().replace("Lab: three", "Lab (v2): three"))
    server = open_server(settings, edited)  # a changed file: imported as a new revision
    try:
        assert server.store.current.revision == rev + 1
        assert server.store.current.data["description"].startswith("Lab (v2)")
    finally:
        server.close()


def test_changes_validated_in_a_worker_process(tmp_path: Path) -> None:
    """vinfra serve's validator: the same answers as in process, the worker keeping the design by state."""
    settings = ServerSettings(db_url=f"sqlite:///{tmp_path / 'w.db'}", time_scale=0, validate_in_subprocess=True,
                              alarms=False)
    for api in make_api(settings):
        ok = api.request("PATCH", "/vms/web01", json={"memory_gb": 6})
        assert ok.status_code == 200 and ok.json()["memory_gb"] == 6.0
        bad = api.request("PATCH", "/vms/web01", json={"host": "nowhere"})
        assert bad.status_code == 422 and bad.json()["errors"][0]["field"] == "vms.web01.host"
        assert api.request("PATCH", "/vms/web02", json={"memory_gb": 3}).json()["memory_gb"] == 3.0
        assert api.task("/vms/app01/migrate", {"host": "lab-esx2"})["state"] == "success"
        assert api.get("/vms/web01").json()["memory_gb"] == 6.0
        assert load_text(api.get("/revisions/4/design").text).vms["app01"].host == "lab-esx2"
