"""RFC 9457 problem details: every error the API answers is ``application/problem+json`` with ``type``,
``title``, ``status``, ``detail`` and, for bad input, ``errors``: one ``{"field", "message"}`` per problem, the
field named as a JSON pointer-like dotted path (``body.vlan``, ``query.limit``, ``vms.web01.host``)."""

from __future__ import annotations

from typing import Any

from fastapi import FastAPI, Request
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException as StarletteHTTPException

PROBLEM_TYPE = "https://vinfra.dev/problems/"
MEDIA_TYPE = "application/problem+json"

_TITLES = {400: "Bad request", 401: "Unauthorized", 403: "Forbidden", 404: "Not found", 405: "Method not allowed",
           409: "Conflict", 412: "Precondition failed", 415: "Unsupported media type", 422: "Invalid input",
           428: "Precondition required", 500: "Internal error", 503: "Unavailable"}


class Problem(Exception):
    """Raise to answer a problem: ``Problem(404, "not-found", "no VM 'x'")``."""

    def __init__(self, status: int, slug: str, detail: str, errors: list[dict[str, str]] | None = None,
                 headers: dict[str, str] | None = None, **extra: Any) -> None:
        super().__init__(detail)
        self.status, self.slug, self.detail, self.errors, self.headers, self.extra = (
            status, slug, detail, errors, headers, extra)


def problem_response(status: int, slug: str, detail: str, errors: list[dict[str, str]] | None = None,
                     headers: dict[str, str] | None = None, instance: str | None = None,
                     **extra: Any) -> JSONResponse:
    body: dict[str, Any] = {"type": PROBLEM_TYPE + slug, "title": _TITLES.get(status, "Error"), "status": status,
                            "detail": detail}
    if instance:
        body["instance"] = instance
    if errors:
        body["errors"] = errors
    body.update(extra)
    return JSONResponse(body, status_code=status, headers=headers, media_type=MEDIA_TYPE)


#: the JSON schema of a problem (RFC 9457 members plus ``errors`` and whatever extension members it carries)
PROBLEM_SCHEMA: dict[str, Any] = {
    "type": "object",
    "required": ["type", "title", "status", "detail"],
    "properties": {
        "type": {"type": "string"}, "title": {"type": "string"}, "status": {"type": "integer"},
        "detail": {"type": "string"}, "instance": {"type": "string"},
        "errors": {"type": "array", "items": {"type": "object", "required": ["field", "message"],
                                              "properties": {"field": {"type": "string"},
                                                             "message": {"type": "string"}}}},
    },
}


def document(app: FastAPI) -> None:
    """Declare in the OpenAPI document that every 4xx answer is a problem (FastAPI's own 422 shape is never
    sent: :func:`install` answers validation errors as problems too)."""
    from fastapi.openapi.utils import get_openapi

    def openapi() -> dict[str, Any]:
        if app.openapi_schema is None:
            doc = get_openapi(title=app.title, version=app.version, description=app.description, routes=app.routes)
            doc.setdefault("components", {}).setdefault("schemas", {})["Problem"] = PROBLEM_SCHEMA
            for ops in doc.get("paths", {}).values():
                for op in ops.values():
                    responses = op.setdefault("responses", {})
                    responses.pop("422", None)
                    responses["4XX"] = {"description": "A problem (RFC 9457)", "content": {
                        MEDIA_TYPE: {"schema": {"$ref": "#/components/schemas/Problem"}}}}
            for name in ("HTTPValidationError", "ValidationError"):
                doc["components"]["schemas"].pop(name, None)
            app.openapi_schema = doc
        return app.openapi_schema

    app.openapi = openapi  # type: ignore[method-assign]


def _field(loc: tuple[Any, ...] | list[Any]) -> str:
    return ".".join(str(part) for part in loc)


def install(app: FastAPI) -> None:
    """Answer every error as problem+json; an unexpected exception is a 500 problem (and a bug)."""

    @app.exception_handler(Problem)
    async def _problem(request: Request, exc: Problem) -> JSONResponse:
        return problem_response(exc.status, exc.slug, exc.detail, exc.errors, exc.headers, request.url.path,
                                **exc.extra)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        errors = [{"field": _field(e.get("loc", ())), "message": str(e.get("msg", "invalid"))} for e in exc.errors()]
        detail = "; ".join(f"{e['field']}: {e['message']}" for e in errors) or "invalid request"
        return problem_response(422, "invalid-input", detail, errors, instance=request.url.path)

    @app.exception_handler(StarletteHTTPException)
    async def _http(request: Request, exc: StarletteHTTPException) -> JSONResponse:
        slug = {404: "not-found", 405: "method-not-allowed", 401: "unauthorized"}.get(exc.status_code, "error")
        return problem_response(exc.status_code, slug, str(exc.detail), headers=getattr(exc, "headers", None),
                                instance=request.url.path)

    @app.exception_handler(Exception)
    async def _bug(request: Request, exc: Exception) -> JSONResponse:
        return problem_response(500, "internal-error", f"{type(exc).__name__}: {exc}", instance=request.url.path)
