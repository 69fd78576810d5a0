"""The web client's own read-only views (:mod:`vinfra.web.api`) without a browser: they answer what the CLI
computes, need a token, and follow the design's state (failures)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

pytest.importorskip("fastapi")
from fastapi.testclient import TestClient

from vinfra.io.design import load
from vinfra.server import ServerSettings, create_app, open_server
from vinfra.views import host_diagrams

ROOT = Path(__file__).resolve().parents[2]


def client_for(tmp: Path, example: str) -> Iterator[TestClient]:
    settings = ServerSettings(db_url=f"sqlite:///{tmp / 'api.db'}", time_scale=0, alarms=False,
                              argon2_memory_kib=1024, argon2_time_cost=1)
    server = open_server(settings, load(ROOT / "examples" / example), example, admin=("root", "root-password"))
    token = server.accounts.issue_token(server.accounts.verify("root", "root-password"), "test")
    with TestClient(create_app(server), raise_server_exceptions=False) as c:
        c.headers["Authorization"] = f"Bearer {token}"
        c.server = server  # type: ignore[attr-defined]
        yield c


@pytest.fixture
def two(tmp_path: Path) -> Iterator[TestClient]:
    yield from client_for(tmp_path, "two-independent-switches.yaml")


@pytest.fixture
def stacked(tmp_path: Path) -> Iterator[TestClient]:
    yield from client_for(tmp_path, "stacked-ip-hash.yaml")


def test_index_and_assets_are_served(two: TestClient) -> None:
    r = two.get("/")
    assert r.status_code == 200 and 'src="/ui/app.js"' in r.text
    for asset in ("app.js", "api.js", "netview.js", "topology.js", "app.css", "vendor/cytoscape.min.js"):
        assert two.get(f"/ui/{asset}").status_code == 200, asset


def test_views_need_a_token(two: TestClient) -> None:
    for path in ("/web/findings", "/web/topology", "/web/hosts/esx01/networking"):
        assert two.get(path, headers={"Authorization": ""}).status_code == 401


def test_networking_is_show_hosts_data(two: TestClient) -> None:
    got = two.get("/web/hosts/esx01/networking").json()
    want = host_diagrams(load(ROOT / "examples" / "two-independent-switches.yaml"), "esx01")
    assert [(s["name"], [pg["roles"] for pg in s["portgroups"]]) for s in got["switches"]] == \
        [(d.name, [list(pg.roles) for pg in d.portgroups]) for d in want]
    up = got["switches"][0]["uplinks"][0]
    assert up["switch_port"] == {"port": "acc-a:Gi1/0/1", "device": "acc-a", "interface": "Gi1/0/1", "mode": "trunk",
                                 "allowed_vlans": "110-140", "native_vlan": 1, "access_vlan": None,
                                 "channel_group": None, "shutdown": False}
    assert two.get("/web/hosts/nope/networking").status_code == 404


def test_topology_channel_is_one_edge_and_failures_show(stacked: TestClient) -> None:
    topo = stacked.get("/web/topology").json()
    host_edges = [e for e in topo["edges"] if e["source"].startswith("esx") or e["target"].startswith("esx")]
    assert host_edges and all(e["channel"] and e["members"] == 2 for e in host_edges)  # one edge per bundle
    assert all(e["state"] == "up" for e in host_edges)
    host = host_edges[0]["source"] if host_edges[0]["source"].startswith("esx") else host_edges[0]["target"]
    r = stacked.post("/failures", json={"element": f"{host}:vmnic0"})
    assert r.status_code == 202
    assert stacked.server.wait_idle(60)  # type: ignore[attr-defined]
    after = {e["id"]: e for e in stacked.get("/web/topology").json()["edges"]}
    # one member left: the channel still carries traffic, degraded ("partly"), the member down named
    assert after[host_edges[0]["id"]]["state"] == "partly"
    assert [d["link"].split("--") for d in after[host_edges[0]["id"]]["members_down"]] and \
        f"{host}:vmnic0" in after[host_edges[0]["id"]]["why"]
    r = stacked.post("/failures", json={"element": f"{host}:vmnic1"})
    assert stacked.server.wait_idle(60)  # type: ignore[attr-defined]
    after = {e["id"]: e for e in stacked.get("/web/topology").json()["edges"]}
    assert after[host_edges[0]["id"]]["state"] == "failed" and after[host_edges[0]["id"]]["why"]


def test_vmotion_check_answers_without_moving(two: TestClient) -> None:
    ok = two.post("/web/vmotion-check", json={"vm": "intranet01", "host": "esx02"}).json()
    assert ok["ok"] and not ok["faults"]
    assert two.get("/vms/intranet01").json()["host"] == "esx01"
    assert two.post("/web/vmotion-check", json={"vm": "nope", "host": "esx02"}).status_code == 404
