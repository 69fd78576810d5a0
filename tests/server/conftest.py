"""Server test fixtures: a server per test on a fresh database, SQLite always and PostgreSQL (the
``postgresql`` parameter) for the tests that use :func:`db_url`; one token per role.

PostgreSQL is at ``VINFRA_TEST_PG`` (default ``postgresql+psycopg://postgres@127.0.0.1:5432/test``); each test
gets its own schema, dropped afterwards.  When it cannot be reached the PostgreSQL cases fail, naming the reason:
every machine of ours runs one, and ``.ci/run`` starts it (``.ci/postgres.sh``) where none runs.
"""

from __future__ import annotations

import dataclasses
import os
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

from fastapi.testclient import TestClient

from vinfra.io.design import load
from vinfra.server import Server, ServerSettings, create_app, open_server

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "small-cluster-templates.yaml"
PG_URL = os.environ.get("VINFRA_TEST_PG", "postgresql+psycopg://postgres@127.0.0.1:5432/test")
ROLES = ("Administrator", "Operator", "Read-only")


def _pg_reachable() -> str | None:
    try:
        import psycopg

        conninfo = PG_URL.replace("postgresql+psycopg://", "postgresql://")
        with psycopg.connect(conninfo, connect_timeout=3):
            return None
    except Exception as exc:  # why it cannot be used
        return str(exc).splitlines()[0]


@pytest.fixture(params=["sqlite", "postgresql"])
def db_settings(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[dict[str, str | None]]:
    """Database settings for one test: a SQLite file, or a fresh PostgreSQL schema (dropped afterwards)."""
    if request.param == "sqlite":
        yield {"db_url": f"sqlite:///{tmp_path / 'vinfra.db'}", "db_schema": None}
        return
    problem = _pg_reachable()
    if problem is not None:
        # never a silent skip: every machine of ours (CI's included) runs one; .ci/postgres.sh starts it
        pytest.fail(f"PostgreSQL at {PG_URL} is not reachable: {problem} (run `bash .ci/postgres.sh`)")
    schema = "t_" + uuid.uuid4().hex[:16]
    yield {"db_url": PG_URL, "db_schema": schema}
    import psycopg

    with psycopg.connect(PG_URL.replace("postgresql+psycopg://", "postgresql://"), autocommit=True) as conn:
        conn.execute(f"DROP SCHEMA IF EXISTS {schema} CASCADE")


@dataclass
class Api:
    """A test client with one token per role: ``api.get(path, role="Operator")``."""

    client: TestClient
    server: Server
    tokens: dict[str, str]

    def headers(self, role: str | None, extra: dict[str, str] | None = None) -> dict[str, str]:
        h = dict(extra or {})
        if role is not None:
            h["Authorization"] = f"Bearer {self.tokens[role]}"
        return h

    def request(self, method: str, path: str, role: str | None = "Administrator", headers: dict[str, str] | None = None,
                **kw: object):
        return self.client.request(method, path, headers=self.headers(role, headers), **kw)

    def get(self, path: str, role: str | None = "Administrator", **kw: object):
        return self.request("GET", path, role, **kw)

    def post(self, path: str, role: str | None = "Administrator", **kw: object):
        return self.request("POST", path, role, **kw)

    def task(self, path: str, body: dict | None = None, role: str = "Administrator", method: str = "POST") -> dict:
        """Submit an operation, wait for the worker, answer the task as it ended."""
        r = self.request(method, path, role, json=body)
        assert r.status_code == 202, r.text
        assert self.server.wait_idle(60)
        return self.get(f"/tasks/{r.json()['id']}").json()


#: cheap password hashes: the tests make three users each (the defaults cost ~1 s a hash on a busy machine)
FAST_HASH = {"argon2_memory_kib": 1024, "argon2_time_cost": 1}


def make_api(settings: ServerSettings, design: Path | None = EXAMPLE) -> Iterator[Api]:
    settings = dataclasses.replace(settings, **FAST_HASH)
    server = open_server(settings, load(design) if design else None, "example", admin=("root", "root-password"))
    accounts = server.accounts
    accounts.create_user("op", "op-password", "Operator")
    accounts.create_user("ro", "ro-password", "Read-only")
    tokens = {}
    for role, (user, pw) in zip(ROLES, (("root", "root-password"), ("op", "op-password"), ("ro", "ro-password")),
                                strict=True):
        tokens[role] = accounts.issue_token(accounts.verify(user, pw), "test")
    with TestClient(create_app(server), raise_server_exceptions=False) as client:
        yield Api(client, server, tokens)


@pytest.fixture
def api(tmp_path: Path) -> Iterator[Api]:
    """A server on SQLite with the small-cluster example, tasks instant (--time-scale 0)."""
    yield from make_api(ServerSettings(db_url=f"sqlite:///{tmp_path / 'vinfra.db'}", time_scale=0))


@pytest.fixture
def db_api(db_settings: dict[str, str | None]) -> Iterator[Api]:
    """As :func:`api`, on SQLite and on PostgreSQL."""
    yield from make_api(ServerSettings(time_scale=0, **db_settings))  # type: ignore[arg-type]


def wait_task(api: Api, task_id: int, states: set[str], timeout: float = 30) -> dict:
    """Poll task ``task_id`` until its state is one of ``states``; its row."""
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        t = api.get(f"/tasks/{task_id}").json()
        if t["state"] in states:
            return t
        time.sleep(0.02)
    raise AssertionError(f"task {task_id} never reached {states}")
