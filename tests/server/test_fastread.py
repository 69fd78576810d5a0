"""The read fast path (:mod:`vinfra.server.fastread`) answers exactly what the routes answer: same status,
body, ETag and media type, on the head as it is after writes too; what it does not serve (no token, 404,
other queries, a role-less token) goes on to the routes."""

from __future__ import annotations

import dataclasses
from collections.abc import Iterator
from pathlib import Path

import orjson
import pytest

from conftest import Api, make_api
from vinfra.server import ServerSettings

PATHS = ["/vms/web01", "/vms/web01?view=brief", "/vms/web01?view=full", "/hosts/lab-esx1?view=brief",
         "/hosts/lab-esx1", "/clusters/lab", "/clusters/lab?view=brief", "/datastores/lab-nfs?view=brief",
         "/switches/lab-sw", "/api/vcenter/vm/vm-web01", "/rest/vcenter/vm/vm-web01",
         # not served by the fast path: they must still answer as the routes do
         "/vms/nosuch", "/api/vcenter/vm/vm-nosuch", "/api/vcenter/vm/web01", "/vms/web01?view=nosuch",
         "/vms/web01?view=brief&x=1", "/vms", "/tasks/999"]


@pytest.fixture
def pair(tmp_path: Path) -> Iterator[tuple[Api, Api]]:
    """Two servers on one design: the fast path on, and off."""
    base = ServerSettings(time_scale=0, alarms=False)
    fast = make_api(dataclasses.replace(base, db_url=f"sqlite:///{tmp_path / 'fast.db'}"))
    slow = make_api(dataclasses.replace(base, db_url=f"sqlite:///{tmp_path / 'slow.db'}", fast_reads=False))
    yield next(fast), next(slow)
    for gen in (fast, slow):
        gen.close()


def _same(fast: Api, slow: Api, path: str, role: str | None) -> None:
    a, b = fast.get(path, role=role), slow.get(path, role=role)
    assert a.status_code == b.status_code, path
    assert a.headers.get("etag") == b.headers.get("etag"), path
    assert a.headers["content-type"] == b.headers["content-type"], path
    assert orjson.loads(a.content) == orjson.loads(b.content), path


@pytest.mark.parametrize("role", ["Administrator", "Read-only", None])
def test_fast_reads_answer_as_the_routes(pair: tuple[Api, Api], role: str | None) -> None:
    fast, slow = pair
    for path in PATHS:
        _same(fast, slow, path, role)
    served = fast.server.store.current.cache.get("fastread", {})
    assert (("obj", "vms", "web01", "brief") in served) == (role is not None)  # the fast path did answer
    assert "fastread" not in slow.server.store.current.cache


def test_fast_reads_follow_the_head_after_writes(pair: tuple[Api, Api]) -> None:
    fast, slow = pair
    for api in pair:
        _ = api.get("/vms/web01")  # rendered once on the old head
        etag = api.get("/vms/web01").headers["etag"]
        r = api.request("PATCH", "/vms/web01", json={"description": "moved"}, headers={"If-Match": etag})
        assert r.status_code == 200, r.text
        assert api.task("/vms/web02/power", {"action": "off"})["state"] == "success"
    for path in ("/vms/web01", "/vms/web02?view=brief", "/hosts/lab-esx1?view=brief", "/api/vcenter/vm/vm-web02"):
        _same(fast, slow, path, "Read-only")
    assert fast.get("/vms/web01").json()["description"] == "moved"
    assert fast.get("/rest/vcenter/vm/vm-web02").json()["value"]["power_state"] == "POWERED_OFF"


def test_an_unknown_token_goes_to_the_routes(pair: tuple[Api, Api]) -> None:
    fast, _ = pair
    r = fast.client.get("/vms/web01", headers={"Authorization": "Bearer nosuch"})
    assert r.status_code == 401 and r.headers["content-type"] == "application/problem+json"
