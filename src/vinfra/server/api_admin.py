"""Users and tokens (Administrator manages users; anyone with a password gets a token), and revisions:
list, read, export as a design file, diff two, import a whole design."""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import PlainTextResponse
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from .auth import ROLES, Admin, Configurer, Reader, bearer
from .models import Revision
from .problems import Problem

router = APIRouter()
Name = Annotated[str, Field(min_length=1, max_length=200, pattern=r"^[^\s:/][^:/]*$")]
RevisionId = Annotated[int, Path(ge=1, le=2**62)]


class NewUser(BaseModel):
    name: Name
    password: str = Field(min_length=8, max_length=1000)
    role: Literal["Administrator", "Operator", "Read-only"]


class Login(BaseModel):
    username: str = Field(min_length=1, max_length=200)
    password: str = Field(min_length=1, max_length=1000)
    name: str = Field("api", max_length=200, description="a label for the token")


@router.get("/users", tags=["users"])
def list_users(request: Request, _: Admin) -> list[dict[str, str]]:
    return request.app.state.server.accounts.users()


@router.post("/users", status_code=201, tags=["users"])
def create_user(request: Request, body: NewUser, _: Admin) -> dict[str, str]:
    request.app.state.server.accounts.create_user(body.name, body.password, body.role)
    return {"name": body.name, "role": body.role}


@router.delete("/users/{name}", status_code=204, tags=["users"])
def delete_user(request: Request, name: str, who: Admin) -> None:
    if name == who.name:
        raise Problem(409, "conflict", "an administrator cannot delete themself")
    request.app.state.server.accounts.delete_user(name)


@router.post("/tokens", status_code=201, tags=["users"])
def create_token(request: Request, body: Login) -> dict[str, str]:
    """A Bearer token for a user name and password (no token needed to ask)."""
    accounts = request.app.state.server.accounts
    user = accounts.verify(body.username, body.password)
    return {"token": accounts.issue_token(user, body.name), "user": user.name, "role": user.role}


@router.delete("/tokens/current", status_code=204, tags=["users"])
def revoke_token(request: Request, _: Reader) -> None:
    """Revoke the token this request carries."""
    request.app.state.server.accounts.revoke(bearer(request) or "")


@router.get("/roles", tags=["users"])
def list_roles(_: Reader) -> dict[str, list[str]]:
    return {role: sorted(privs) for role, privs in ROLES.items()}


# revisions -----------------------------------------------------------------------------------------------
def _rev_row(r: Revision, changes: bool = False) -> dict[str, Any]:
    row = {"id": r.id, "time": r.created_at.isoformat(), "author": r.author, "message": r.message,
           "task": r.task_id, "objects": [c["section"] if c.get("name") is None else f"{c['section']}/{c['name']}"
                                          for c in r.changes]}
    if changes:
        row["changes"] = r.changes
    return row


@router.get("/revisions", tags=["revisions"])
def list_revisions(request: Request, _: Reader, limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                   offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> dict[str, Any]:
    """Revisions, newest first: who, when, what (the objects each changed)."""
    with request.app.state.server.db.read() as s:
        count = s.scalar(select(func.count(Revision.id))) or 0
        rows = [_rev_row(r) for r in s.scalars(select(Revision).order_by(Revision.id.desc()).limit(limit)
                                                .offset(offset))]
    return {"count": count, "limit": limit, "offset": offset, "results": rows}


@router.get("/revisions/{rev}", tags=["revisions"])
def get_revision(request: Request, rev: RevisionId, _: Reader) -> dict[str, Any]:
    with request.app.state.server.db.read() as s:
        r = s.get(Revision, rev)
        if r is None:
            raise Problem(404, "not-found", f"no revision {rev}")
        return _rev_row(r, changes=True)


@router.get("/revisions/{rev}/design", tags=["revisions"], response_class=PlainTextResponse,
            responses={200: {"content": {"application/yaml": {}, "application/json": {}}}})
def export_revision(request: Request, rev: RevisionId, _: Reader,
                    format: Literal["yaml", "json"] = "yaml") -> PlainTextResponse:
    """The design at a revision as a design file (``vinfra export``'s output: ``vinfra validate`` accepts it)."""
    from ..io.export import render

    inv = request.app.state.server.store.inventory_at(rev)
    return PlainTextResponse(render(inv, format), media_type=f"application/{format}")


@router.get("/revisions/{rev}/diff/{other}", tags=["revisions"])
def diff_revisions(request: Request, rev: RevisionId, other: RevisionId, _: Reader) -> dict[str, Any]:
    """What changed from ``rev`` to ``other``: endpoint pairs whose reachability changed and findings that
    appeared or went away, by :func:`vinfra.analysis.diff.diff` (the code of ``vinfra diff``)."""
    from ..analysis.diff import diff
    from ..network import Snapshot

    store = request.app.state.server.store
    return {"from": rev, "to": other, **diff(Snapshot(store.inventory_at(rev)), Snapshot(store.inventory_at(other)))}


class Import(BaseModel):
    design: str = Field(min_length=1, max_length=200_000_000, description="a design file's text (YAML or JSON)")
    message: str = Field("import", max_length=10_000)


@router.post("/revisions", status_code=201, tags=["revisions"])
def import_design(request: Request, body: Import, who: Configurer) -> dict[str, Any]:
    """Import a whole design as a new revision (200 with the head when it equals the head already); a design
    that does not load is a 422 with every diagnostic (line and column in the text)."""
    from ..io.design import load_text
    from ..io.errors import DesignError

    try:
        inv = load_text(body.design, source="<upload>")
    except DesignError as exc:
        errors = [{"field": f"body.design:{d.line}:{d.column}" if d.line else "body.design", "message": d.message}
                  for d in exc.diagnostics]
        raise Problem(422, "invalid-design", str(exc.diagnostics[0]), errors) from None
    store = request.app.state.server.store
    rev = store.import_design(inv, who.name, body.message)
    head = store.current
    return {"revision": head.revision, "created": rev is not None}
