"""The role table (issue 14, "Users, roles, tokens"): every endpoint x every role.  Each endpoint's least
role is written out below; the test checks the table covers every route of the app, that a request without
a token is a 401, a role below the least one a 403, and a role at or above it gets past authorization."""

from __future__ import annotations

import re

import pytest
from fastapi.routing import APIRoute

from conftest import ROLES, Api
from vinfra.server.store import DICT_SECTIONS

PUBLIC, RO, OP, ADMIN = "public", "Read-only", "Operator", "Administrator"
RANK = {RO: 0, OP: 1, ADMIN: 2}

TABLE: dict[tuple[str, str], str] = {
    ("GET", "/healthz"): PUBLIC,
    ("POST", "/tokens"): PUBLIC,
    ("GET", "/"): PUBLIC,  # the web client's page; everything it shows comes through the routes below
    ("GET", "/web/findings"): RO,
    ("GET", "/web/hosts/{host}/networking"): RO,
    ("GET", "/web/topology"): RO,
    ("POST", "/web/vmotion-check"): RO,
    ("POST", "/web/clone-check"): RO,
    ("GET", "/web/trace"): RO,
    ("GET", "/web/hosts/{host}/ha-plan"): RO,
    ("GET", "/web/clusters/{name}/drs"): RO,
    ("POST", "/api/session"): PUBLIC,
    ("POST", "/rest/com/vmware/cis/session"): PUBLIC,
    ("POST", "/links"): ADMIN,
    ("DELETE", "/links/{name:path}"): ADMIN,
    ("GET", "/links"): RO,
    ("GET", "/links/{name:path}"): RO,
    ("GET", "/failures"): RO,
    ("GET", "/failures/{name:path}"): RO,
    ("POST", "/vms/{name}/power"): OP,
    ("POST", "/vms/{name}/migrate"): OP,
    ("POST", "/hosts/{name}/portgroups"): ADMIN,
    ("PATCH", "/hosts/{name}/portgroups/{portgroup}"): ADMIN,
    ("DELETE", "/hosts/{name}/portgroups/{portgroup}"): ADMIN,
    ("POST", "/failures"): ADMIN,
    ("POST", "/hosts/{name}/maintenance"): ADMIN,
    ("DELETE", "/hosts/{name}/maintenance"): ADMIN,
    ("POST", "/clusters/{name}/drs"): ADMIN,
    ("POST", "/templates/{name}/clone"): ADMIN,  # provisioning creates inventory: configuration, not VM power/migration
    ("DELETE", "/failures/{element:path}"): ADMIN,
    ("GET", "/tasks"): RO,
    ("GET", "/tasks/{task_id}"): RO,
    ("POST", "/tasks/{task_id}/cancel"): OP,
    ("GET", "/events"): RO,
    ("GET", "/events/stream"): RO,
    ("GET", "/alarms"): RO,
    ("POST", "/whatif"): RO,
    ("GET", "/users"): ADMIN,
    ("POST", "/users"): ADMIN,
    ("DELETE", "/users/{name}"): ADMIN,
    ("DELETE", "/tokens/current"): RO,
    ("GET", "/roles"): RO,
    ("GET", "/revisions"): RO,
    ("GET", "/revisions/{rev}"): RO,
    ("GET", "/revisions/{rev}/design"): RO,
    ("GET", "/revisions/{rev}/diff/{other}"): RO,
    ("POST", "/revisions"): ADMIN,
    ("GET", "/api/session"): RO,
    ("DELETE", "/api/session"): RO,
    ("DELETE", "/rest/com/vmware/cis/session"): RO,
}
for _section in DICT_SECTIONS:
    TABLE[("GET", f"/{_section}")] = RO
    TABLE[("GET", f"/{_section}/{{name}}")] = RO
    for _method in ("PUT", "PATCH", "DELETE"):
        TABLE[(_method, f"/{_section}/{{name}}")] = ADMIN
for _prefix in ("/api", "/rest"):
    for _path in ("vm", "vm/{vm}", "vm/{vm}/guest/networking/interfaces", "host", "host/{host}", "cluster",
                  "cluster/{cluster}", "network", "datastore", "datastore/{datastore}"):
        TABLE[("GET", f"{_prefix}/vcenter/{_path}")] = RO

#: a value for each path parameter (real objects, so an authorized request reaches the handler)
SAMPLES = {"name": "web01", "portgroup": "Lab VMs", "element": "lab-esx1", "task_id": "1", "rev": "1",
           "other": "1", "vm": "vm-web01", "host": "host-lab-esx1", "cluster": "domain-c-lab",
           "datastore": "datastore-lab-nfs"}


def api_routes(routes: list) -> list[APIRoute]:
    """Every APIRoute, through included routers (FastAPI keeps those as one route each; none has a prefix)."""
    out: list[APIRoute] = []
    for r in routes:
        if isinstance(r, APIRoute):
            out.append(r)
        elif hasattr(r, "original_router"):
            out += api_routes(r.original_router.routes)
    return out


def _routes(api: Api) -> list[tuple[str, str]]:
    return [(m, r.path) for r in api_routes(api.client.app.routes) for m in r.methods]


def _url(path: str) -> str:
    if path.startswith("/users/"):
        return "/users/nobody"
    return re.sub(r"\{(\w+)(:path)?\}", lambda m: SAMPLES[m.group(1)], path)


def test_the_table_covers_every_route(api: Api) -> None:
    assert sorted(_routes(api)) == sorted(TABLE)


def test_the_table_matches_the_declared_privileges(api: Api) -> None:
    """What each route's dependency demands (auth.requires) is what the table says."""
    from vinfra.server.auth import ROLES as PRIVS

    for route in api_routes(api.client.app.routes):
        privs = [d.call.privilege for d in route.dependant.dependencies if hasattr(d.call, "privilege")]
        for method in route.methods:
            want = TABLE[(method, route.path)]
            if want == PUBLIC:
                assert privs == [], route.path
                continue
            assert len(privs) == 1, route.path
            least = min((r for r in RANK if privs[0] in PRIVS[r]), key=RANK.__getitem__)
            assert least == want, (method, route.path)


@pytest.mark.parametrize("key", sorted(TABLE), ids=lambda k: f"{k[0]} {k[1]}")
def test_endpoint_by_role(api: Api, key: tuple[str, str]) -> None:
    method, path = key
    want = TABLE[key]
    url = _url(path)
    kw = {"json": {}} if method in ("POST", "PUT", "PATCH") else {}
    if path == "/events/stream":
        url += "?limit=1"
    if want == PUBLIC:
        r = api.request(method, url, role=None, **kw)
        assert r.status_code not in (403, 500), r.text
        return
    anonymous = api.request(method, url, role=None, **kw)
    assert anonymous.status_code == 401, anonymous.text
    assert anonymous.headers["content-type"] == "application/problem+json"
    bogus = api.request(method, url, role=None, headers={"Authorization": "Bearer not-a-token"}, **kw)
    assert bogus.status_code == 401
    for role in ROLES:
        r = api.request(method, url, role=role, **kw)
        if RANK[role] < RANK[want]:
            assert r.status_code == 403, (role, r.text)
            assert r.json()["type"].endswith("/forbidden")
        else:
            assert r.status_code not in (401, 403, 500), (role, r.status_code, r.text)
