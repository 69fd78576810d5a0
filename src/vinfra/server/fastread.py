"""The read fast path: the most asked-for reads answered from the head's rendered bytes, before FastAPI.

A GET of one object (``/vms/web01``, ``/hosts/esx01?view=brief``) or of one VM in vCenter's shape
(``/api/vcenter/vm/vm-web01``, ``/rest/vcenter/vm/vm-web01``) costs FastAPI ~50 route matches, dependency
solving and JSON encoding through ``jsonable_encoder`` on every request (measured: most of a read's CPU time).
The head is immutable (a change makes a new :class:`~vinfra.server.store.Head`), so each object's answer is
rendered once per head (JSON bytes and ETag, on first use) and kept with the head.

:class:`FastReads` is an ASGI middleware that answers such a request itself only when the answer is a 200 it
can give exactly as the route would (same body, ETag and media type; ``tests/server/test_fastread.py``
compares the two): a token already known to :class:`~vinfra.server.auth.Accounts` with the ``read``
privilege, a path naming an existing object, and no query but ``view=brief|full``.  Anything else (no or
unknown token, 404, other query parameters, other methods) goes on to the app, which answers as always.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, MutableMapping
from typing import TYPE_CHECKING, Any

import orjson

from .store import DICT_SECTIONS, etag_of

if TYPE_CHECKING:
    from .app import Server
    from .store import Head

Scope = MutableMapping[str, Any]
Message = MutableMapping[str, Any]
Receive = Callable[[], Awaitable[Message]]
Send = Callable[[Message], Awaitable[None]]
ASGIApp = Callable[[Scope, Receive, Send], Awaitable[None]]

_VIEWS = {b"": "full", b"view=full": "full", b"view=brief": "brief"}
_VCENTER = {"api": False, "rest": True}  # prefix -> 6.5 style (answers wrapped in "value")


def render(head: Head, key: tuple[str, ...]) -> tuple[bytes, bytes | None] | None:
    """(body, ETag) of one read on ``head``, rendered once per head; None when the object does not exist
    (the route answers the 404).  ``key``: ("obj", section, name, view) or ("vc-vm", name, "1" for 6.5)."""
    cache = head.cache.setdefault("fastread", {})
    got = cache.get(key)
    if got is not None or key in cache:
        return got
    from .views import brief, full

    if key[0] == "obj":
        _, section, name, view = key
        obj = head.data.get(section, {}).get(name)
        if obj is None:
            got = None
        else:
            body = full(section, name, obj) if view == "full" else brief(head, section, name, obj)
            got = (orjson.dumps(body), etag_of(obj).encode())
    else:
        from .vcenter import vm_info

        _, name, v65 = key
        vm = head.data["vms"].get(name)
        if vm is None:
            got = None
        else:
            info = vm_info(name, vm, v65 == "1")
            got = (orjson.dumps({"value": info} if v65 == "1" else info), None)
    cache[key] = got
    return got


def _key(path: str, query: bytes) -> tuple[str, ...] | None:
    """The read a path asks for, if it is one the fast path serves."""
    parts = path.split("/")
    if len(parts) == 3 and parts[1] in DICT_SECTIONS and parts[2]:
        view = _VIEWS.get(query)
        return ("obj", parts[1], parts[2], view) if view else None
    if (len(parts) == 5 and parts[1] in _VCENTER and parts[2] == "vcenter" and parts[3] == "vm"
            and parts[4].startswith("vm-") and not query):
        return ("vc-vm", parts[4][3:], "1" if _VCENTER[parts[1]] else "0")
    return None


def _token(scope: Scope) -> str | None:
    """The request's token as :func:`vinfra.server.auth.bearer` reads it."""
    auth = session = None
    for k, v in scope["headers"]:
        if k == b"authorization":
            auth = v
        elif k == b"vmware-api-session-id":
            session = v
    if auth is not None:
        scheme, _, value = auth.decode("latin-1").partition(" ")
        if scheme.lower() == "bearer" and value.strip():
            return value.strip()
    return session.decode("latin-1") if session else None


class FastReads:
    """ASGI middleware: see the module doc."""

    def __init__(self, app: ASGIApp, server: Server) -> None:
        self.app, self.server = app, server

    async def __call__(self, scope: Scope, receive: Receive, send: Send) -> None:
        if scope["type"] == "http" and scope["method"] == "GET":
            answer = self._answer(scope)
            if answer is not None:
                body, etag = answer
                headers = [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())]
                if etag is not None:
                    headers.append((b"etag", etag))
                await send({"type": "http.response.start", "status": 200, "headers": headers})
                await send({"type": "http.response.body", "body": body})
                return
        await self.app(scope, receive, send)

    def _answer(self, scope: Scope) -> tuple[bytes, bytes | None] | None:
        # ASGI's path is percent-decoded already, as the router matches it
        key = _key(scope["path"], scope["query_string"])
        if key is None:
            return None
        head = self.server.store.head
        token = _token(scope)
        if head is None or token is None:
            return None
        principal = self.server.accounts.cached(token)
        if principal is None or not principal.may("read"):
            return None
        return render(head, key)
