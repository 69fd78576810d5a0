"""Schemathesis against the server's OpenAPI document (bounded examples): no 500, every answer within its
documented schema, status and content type (4xx answers are RFC 9457 problems).  Cases are generated from
the document and sent through the app's test client (schemathesis' pytest plugin does not run on this
pytest)."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

schemathesis = pytest.importorskip("schemathesis")

from hypothesis import HealthCheck, given, settings  # noqa: E402
from schemathesis.checks import (  # noqa: E402
    content_type_conformance,
    not_a_server_error,
    response_schema_conformance,
    status_code_conformance,
)
from schemathesis.core import NotSet  # noqa: E402

from conftest import Api, make_api  # noqa: E402
from vinfra.server import ServerSettings, create_app  # noqa: E402

#: examples per operation: bounded so the suite stays quick
EXAMPLES = 10
#: operations left out: the ones that end the test's own session, and the endless event stream
SKIP = {"DELETE /tokens/current", "DELETE /api/session", "DELETE /rest/com/vmware/cis/session",
        "GET /events/stream"}
DOC = create_app(None).openapi()  # type: ignore[arg-type]  (the document needs no database)
SCHEMA = schemathesis.openapi.from_dict(DOC)
OPERATIONS = {op.label: op for op in (r.ok() for r in SCHEMA.get_all_operations())}
CHECKS = [not_a_server_error, response_schema_conformance, status_code_conformance, content_type_conformance]


@pytest.fixture(scope="module")
def live_api(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Api]:
    tmp: Path = tmp_path_factory.mktemp("schemathesis")
    yield from make_api(ServerSettings(db_url=f"sqlite:///{tmp / 'st.db'}", time_scale=0, alarms=False))


def _send(api: Api, case: Any) -> Any:
    path = case.path
    for name, value in (case.path_parameters or {}).items():
        path = path.replace("{" + name + "}", quote(str(value), safe=""))
    headers = {k: str(v) for k, v in (case.headers or {}).items()}
    headers["Authorization"] = f"Bearer {api.tokens['Administrator']}"
    kw: dict[str, Any] = {"params": case.query, "headers": headers}
    if not isinstance(case.body, NotSet) and case.method.upper() in ("POST", "PUT", "PATCH"):
        kw["json"] = case.body
    return api.client.request(case.method, path, **kw)


def test_the_document_covers_the_api() -> None:
    assert len(OPERATIONS) > 80
    assert all("4XX" in op.definition.raw["responses"] for op in OPERATIONS.values())


@pytest.mark.parametrize("label", sorted(set(OPERATIONS) - SKIP))
def test_operation_conforms(live_api: Api, label: str) -> None:
    op = OPERATIONS[label]

    @given(case=op.as_strategy())
    @settings(max_examples=EXAMPLES, deadline=None, derandomize=True, database=None,
              suppress_health_check=list(HealthCheck))
    def run(case: Any) -> None:
        case.validate_response(_send(live_api, case), checks=CHECKS)

    run()
