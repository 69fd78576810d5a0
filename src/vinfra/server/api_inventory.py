"""Inventory resources: every object of topology-v1 (switches, hosts, dvswitches, clusters, datastores, vms,
templates, links, failures) as a collection with brief and full views, pagination, filters and sorting, and
single objects with an ETag.  Writes (Administrator): PUT creates or replaces an object, PATCH applies a JSON
merge patch (RFC 7386), DELETE removes it; each is one revision, refused with 412 on a stale ``If-Match``
(``If-None-Match: *`` on PUT: create only) and with 422 naming the field when the design it leaves is
invalid.  Links are added with POST /links and removed with DELETE; failures change through the fail/restore
tasks (api_operations)."""

from __future__ import annotations

from enum import StrEnum
from typing import Annotated, Any

from fastapi import APIRouter, Body, Header, Query, Request, Response
from pydantic import BaseModel, Field

from .auth import Configurer, Reader
from .problems import Problem
from .store import DICT_SECTIONS, SECTIONS, check_if_match, etag_of, link_name
from .views import BRIEF_FIELDS, FILTERS, brief, filtered, full, items

router = APIRouter()


class View(StrEnum):
    brief = "brief"
    full = "full"


class Page(BaseModel):
    count: int
    limit: int
    offset: int
    next: str | None
    previous: str | None
    results: list[dict[str, Any]]


def _server(request: Request) -> Any:
    return request.app.state.server


def _page_links(request: Request, count: int, limit: int, offset: int) -> tuple[str | None, str | None]:
    url = request.url
    nxt = str(url.include_query_params(offset=offset + limit, limit=limit)) if offset + limit < count else None
    prev = str(url.include_query_params(offset=max(0, offset - limit), limit=limit)) if offset > 0 else None
    return nxt, prev


def _sort_key(field: str) -> Any:
    def key(row: dict[str, Any]) -> tuple[bool, Any]:
        v = row.get(field)
        return (v is None, v if not isinstance(v, bool) else int(v))
    return key


def _merge_patch(target: Any, patch: Any) -> Any:
    """RFC 7386 JSON merge patch."""
    if not isinstance(patch, dict):
        return patch
    out = dict(target) if isinstance(target, dict) else {}
    for k, v in patch.items():
        if v is None:
            out.pop(k, None)
        else:
            out[k] = _merge_patch(out.get(k), v)
    return out


def _body_object(body: Any, name: str) -> dict[str, Any]:
    if not isinstance(body, dict):
        raise Problem(422, "invalid-input", "the body must be a JSON object",
                      [{"field": "body", "message": "expected an object"}])
    body = dict(body)
    given = body.pop("name", name)
    if given != name:
        raise Problem(422, "invalid-input", f"body.name {given!r} differs from the name in the path {name!r}",
                      [{"field": "body.name", "message": f"must be {name!r} (or left out)"}])
    return body


def _register(section: str) -> None:
    tag = section
    item_path = f"/{section}/{{name:path}}" if section in ("links", "failures") else f"/{section}/{{name}}"

    async def list_objects(request: Request, _: Reader,
                     view: View = View.brief,
                     limit: Annotated[int, Query(ge=1, le=10_000)] = 100,
                     offset: Annotated[int, Query(ge=0, le=10**9)] = 0,
                     sort: Annotated[str | None, Query(max_length=64, description="a brief field, '-' for descending")] = None,
                     cluster: Annotated[str | None, Query(max_length=400)] = None,
                     host: Annotated[str | None, Query(max_length=400)] = None,
                     name__ic: Annotated[str | None, Query(max_length=400, description="name contains, any case")] = None,
                     ) -> Page:
        server = _server(request)
        limit = min(limit, server.settings.max_page)
        for param, value in (("cluster", cluster), ("host", host)):
            if value is not None and param not in FILTERS.get(section, ()):
                raise Problem(422, "invalid-input", f"{section} cannot be filtered by {param}",
                              [{"field": f"query.{param}", "message": f"not a filter of {section}"}])
        head = server.store.current
        rows = filtered(head, section, cluster, host, name__ic)
        if sort:
            field = sort.removeprefix("-")
            if field not in ("name", *BRIEF_FIELDS[section]):
                raise Problem(422, "invalid-input", f"cannot sort {section} by {field!r}",
                              [{"field": "query.sort", "message": "one of " + ", ".join(("name", *BRIEF_FIELDS[section]))}])
            rows = sorted(rows, key=_sort_key(field), reverse=sort.startswith("-"))
        count = len(rows)
        page = rows[offset: offset + limit]
        if view is View.full:
            data = dict(items(head, section)) if section in DICT_SECTIONS else None
            page = [full(section, r["name"], data[r["name"]] if data is not None else head.get(section, r["name"]))
                    for r in page]
        nxt, prev = _page_links(request, count, limit, offset)
        return Page(count=count, limit=limit, offset=offset, next=nxt, previous=prev, results=page)

    async def get_object(request: Request, response: Response, name: str, _: Reader, view: View = View.full,
                   ) -> dict[str, Any]:
        head = _server(request).store.current
        obj = head.get(section, name)
        if obj is None:
            raise Problem(404, "not-found", f"no {section} object {name!r}")
        response.headers["ETag"] = etag_of(obj)
        return full(section, name, obj) if view is View.full else brief(head, section, name, obj)

    # the reads are async: they only look at the head in memory, so they run on the event loop and never wait
    # for a worker thread (writes, which validate a whole design, hold those)
    router.add_api_route(f"/{section}", list_objects, methods=["GET"], tags=[tag], operation_id=f"list_{section}",
                         summary=f"List {section}", response_model=Page)
    router.add_api_route(item_path, get_object, methods=["GET"], tags=[tag], operation_id=f"get_{section}",
                         summary=f"Get one of {section}")
    if section in DICT_SECTIONS:
        _register_writes(section, item_path)


def _commit(request: Request, response: Response, section: str, name: str, value: dict[str, Any] | None,
            who: str, message: str, if_match: str | None, created_status: bool = False) -> dict[str, Any] | None:
    store = _server(request).store
    op = ({"op": "put", "section": section, "name": name, "value": value} if value is not None
          else {"op": "delete", "section": section, "name": name})
    existed = store.current.get(section, name) is not None
    store.change([op], who, message, preconditions=[(section, name, if_match)] if if_match else ())
    if value is None:
        response.status_code = 204
        return None
    obj = store.current.get(section, name)
    response.headers["ETag"] = etag_of(obj)
    if created_status and not existed:
        response.status_code = 201
    return full(section, name, obj)


def _register_writes(section: str, item_path: str) -> None:
    def put_object(request: Request, response: Response, name: str, who: Configurer,
                   body: Annotated[dict[str, Any], Body(description="the object as in a design file")],
                   if_match: Annotated[str | None, Header(max_length=400)] = None,
                   if_none_match: Annotated[str | None, Header(max_length=400)] = None) -> dict[str, Any] | None:
        value = _body_object(body, name)
        store = _server(request).store
        with store.lock:  # the precondition and the write see one head
            if if_none_match is not None and if_none_match.strip() == "*" and store.current.get(section, name) is not None:
                raise Problem(412, "precondition-failed", f"If-None-Match: * but {section}/{name} exists")
            return _commit(request, response, section, name, value, who.name, f"put {section}/{name}", if_match, True)

    def patch_object(request: Request, response: Response, name: str, who: Configurer,
                     body: Annotated[dict[str, Any], Body(description="a JSON merge patch (RFC 7386)")],
                     if_match: Annotated[str | None, Header(max_length=400)] = None) -> dict[str, Any] | None:
        store = _server(request).store
        with store.lock:
            check_if_match(store.current, section, name, if_match)
            current = store.current.get(section, name)
            if current is None:
                raise Problem(404, "not-found", f"no {section} object {name!r}")
            value = _body_object(_merge_patch(current, body), name)
            return _commit(request, response, section, name, value, who.name, f"patch {section}/{name}", if_match)

    def delete_object(request: Request, response: Response, name: str, who: Configurer,
                      if_match: Annotated[str | None, Header(max_length=400)] = None) -> None:
        store = _server(request).store
        with store.lock:
            if store.current.get(section, name) is None:
                raise Problem(404, "not-found", f"no {section} object {name!r}")
            _commit(request, response, section, name, None, who.name, f"delete {section}/{name}", if_match)

    router.add_api_route(item_path, put_object, methods=["PUT"], tags=[section], operation_id=f"put_{section}",
                         summary=f"Create or replace one of {section}",
                         responses={200: {"description": "Replaced"}, 201: {"description": "Created"}})
    router.add_api_route(item_path, patch_object, methods=["PATCH"], tags=[section], operation_id=f"patch_{section}",
                         summary=f"Merge-patch one of {section}")
    router.add_api_route(item_path, delete_object, methods=["DELETE"], tags=[section], status_code=204,
                         operation_id=f"delete_{section}", summary=f"Remove one of {section}")


class NewLink(BaseModel):
    a: str = Field(max_length=400, description="DEVICE:INTERFACE")
    b: str = Field(max_length=400)
    speed: int | None = Field(None, ge=1, le=10**7)


@router.post("/links", tags=["links"], status_code=201, operation_id="add_link")
def add_link(request: Request, response: Response, body: NewLink, who: Configurer) -> dict[str, Any]:
    """Cable two interfaces (one revision); 409 when the link exists."""
    store = _server(request).store
    value = body.model_dump(exclude_none=True)
    name = link_name(value)
    with store.lock:
        if store.current.get("links", name) is not None:
            raise Problem(409, "conflict", f"link {name} exists")
        store.change([{"op": "put", "section": "links", "name": name, "value": value}], who.name, f"cable {name}")
        obj = next((o for n, o in items(store.current, "links") if n == name), value)
    response.headers["ETag"] = etag_of(obj)
    return full("links", link_name(obj), obj)


@router.delete("/links/{name:path}", tags=["links"], status_code=204, operation_id="delete_link")
def delete_link(request: Request, name: str, who: Configurer,
                if_match: Annotated[str | None, Header(max_length=400)] = None) -> None:
    store = _server(request).store
    with store.lock:
        if store.current.get("links", name) is None:
            raise Problem(404, "not-found", f"no link {name!r}")
        store.change([{"op": "delete", "section": "links", "name": name}], who.name, f"uncable {name}",
                     preconditions=[("links", name, if_match)] if if_match else ())


for _section in SECTIONS:
    _register(_section)
