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


def client_for(tmp: Path, example: str, folder: str = "examples") -> Iterator[TestClient]:
    settings = ServerSettings(db_url=f"sqlite:///{tmp / 'api.db'}", time_scale=0, alarms=False,
                              argon2_memory_kib=1024, argon2_time_cost=1)
    server = open_server(settings, load(ROOT / folder / example), example, admin=("root", "root-password"))
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


def test_topology_link_states_from_spanning_tree(tmp_path: Path) -> None:
    """``partly``: per-VLAN trees block some carried VLANs (PVST+ load sharing), or a channel forwards with a
    member down; ``blocked``: every carried VLAN blocked (stp.py's per-VLAN view, topology-v1 "Spanning tree")."""
    for c in client_for(tmp_path, "web-pvst-partly-blocked.yaml", "tests/data"):
        edges = {e["id"]: e for e in c.get("/web/topology").json()["edges"]}
        up1, up2 = edges["acc-a:Te1/1/1--core-1:Te1/0/1"], edges["acc-a:Te1/1/2--core-2:Te1/0/1"]
        assert (up1["state"], up1["blocked_vlans"], up1["vlans"]) == ("partly", [20], [10, 20])
        assert (up2["state"], up2["blocked_vlans"]) == ("partly", [10])
        assert "blocked in VLAN 20, forwarding VLAN 10" in up1["why"]
        po = edges["core-1:Po1--core-2:Po1"]
        assert (po["state"], po["members"], po["blocked_vlans"]) == ("partly", 2, [])
        assert [d["link"] for d in po["members_down"]] == ["core-1:Te1/0/24--core-2:Te1/0/24"]
        assert edges["acc-a:Gi1/0/1--esx01:vmnic0"]["state"] == "up"
        # restoring the member leaves the channel up; the uplinks stay partly blocked (spanning tree's choice)
        assert c.delete("/failures/core-1:Te1/0/24").status_code == 202
        assert c.server.wait_idle(60)  # type: ignore[attr-defined]
        edges = {e["id"]: e for e in c.get("/web/topology").json()["edges"]}
        assert edges["core-1:Po1--core-2:Po1"]["state"] == "up"
        assert edges["acc-a:Te1/1/1--core-1:Te1/0/1"]["state"] == "partly"


def test_two_independent_switches_block_whole_uplinks(two: TestClient) -> None:
    edges = {e["id"]: e for e in two.get("/web/topology").json()["edges"]}
    states = {k: e["state"] for k, e in edges.items() if e["kind"] == "switch"}
    assert states == {"acc-a:Te1/1/1--core-1:Te1/0/1": "up", "acc-a:Te1/1/2--core-2:Te1/0/1": "blocked",
                      "acc-b:Te1/1/1--core-1:Te1/0/2": "up", "acc-b:Te1/1/2--core-2:Te1/0/2": "blocked",
                      "core-1:Te1/0/24--core-2:Te1/0/24": "up"}
    assert edges["acc-a:Te1/1/2--core-2:Te1/0/1"]["blocked_vlans"] == [110, 120, 130, 140]


def test_drs_recommendations_view(tmp_path: Path) -> None:
    """``GET /web/clusters/{name}/drs`` is what the apply would do (server.cluster_ops.drs_pass), changing
    nothing; 404 for an unknown cluster."""
    from vinfra.cluster import drs, ha

    for c in client_for(tmp_path, "web-drs-unbalanced.yaml", "tests/data"):
        got = c.get("/web/clusters/lab/drs").json()
        inv = load(ROOT / "tests" / "data" / "web-drs-unbalanced.yaml")
        want = drs.drs_pass(inv, "lab", ha_admits=ha.admission_hook(inv, "lab")).row()
        assert got["recommendations"] == want["recommendations"] and len(got["recommendations"]) >= 2
        assert got["imbalance"] == want["imbalance"]
        assert c.get("/tasks").json()["count"] == 0
        assert c.get("/web/clusters/nope/drs").status_code == 404
