"""Users, roles and tokens: vCenter's built-in roles (cluster-behaviour §4), argon2 password hashes, Bearer
tokens.

Roles and their privileges:

- ``Read-only``: ``read`` (every GET);
- ``Operator``: ``read`` plus ``vm.power`` and ``vm.migrate`` (power operations and vMotion) and
  ``task.cancel``; no configuration;
- ``Administrator``: everything, including ``config`` (inventory edits, imports, port groups, failures) and
  ``admin`` (users).

A request authenticates with ``Authorization: Bearer TOKEN`` (or vCenter's ``vmware-api-session-id`` header);
without one it is a 401, with a role lacking the endpoint's privilege a 403.
"""

from __future__ import annotations

import hashlib
import secrets
import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING, Annotated

from argon2 import PasswordHasher
from argon2.exceptions import InvalidHashError, VerificationError
from fastapi import Depends, Request
from fastapi.concurrency import run_in_threadpool
from sqlalchemy import delete, select

from .models import Token, User
from .problems import Problem
from .store import now

if TYPE_CHECKING:
    from .db import Database

ROLES: dict[str, frozenset[str]] = {
    "Read-only": frozenset({"read"}),
    "Operator": frozenset({"read", "vm.power", "vm.migrate", "task.cancel"}),
    "Administrator": frozenset({"read", "vm.power", "vm.migrate", "task.cancel", "config", "admin"}),
}
PRIVILEGES = frozenset().union(*ROLES.values())



@dataclass(frozen=True, slots=True)
class Principal:
    name: str
    role: str

    def may(self, privilege: str) -> bool:
        return privilege in ROLES[self.role]


def _sha(token: str) -> str:
    return hashlib.sha256(token.encode()).hexdigest()


class Accounts:
    """Users and tokens in the database, with a cache of token -> principal (dropped on any removal)."""

    def __init__(self, db: Database, memory_kib: int = 65536, time_cost: int = 3) -> None:
        self.db = db
        self._hasher = PasswordHasher(memory_cost=memory_kib, time_cost=time_cost)
        self._cache: dict[str, Principal] = {}
        self._lock = threading.Lock()

    def create_user(self, name: str, password: str, role: str) -> None:
        if role not in ROLES:
            raise Problem(422, "invalid-input", f"role {role!r}: one of {', '.join(ROLES)}",
                          [{"field": "body.role", "message": f"one of {', '.join(ROLES)}"}])
        with self.db.write() as s:
            if s.scalar(select(User.id).where(User.name == name)) is not None:
                raise Problem(409, "conflict", f"user {name!r} exists",
                              [{"field": "body.name", "message": "already taken"}])
            s.add(User(name=name, role=role, password_hash=self._hasher.hash(password), created_at=now()))

    def ensure_admin(self, name: str, password: str) -> bool:
        """``--init-admin``: create the administrator unless a user of that name exists; True when created."""
        with self.db.read() as s:
            if s.scalar(select(User.id).where(User.name == name)) is not None:
                return False
        self.create_user(name, password, "Administrator")
        return True

    def delete_user(self, name: str) -> None:
        with self.db.write() as s:
            user = s.scalar(select(User).where(User.name == name))
            if user is None:
                raise Problem(404, "not-found", f"no user {name!r}")
            s.execute(delete(Token).where(Token.user_id == user.id))
            s.delete(user)
        with self._lock:
            self._cache.clear()

    def users(self) -> list[dict[str, str]]:
        with self.db.read() as s:
            return [{"name": u.name, "role": u.role, "created_at": u.created_at.isoformat()}
                    for u in s.scalars(select(User).order_by(User.name))]

    def verify(self, name: str, password: str) -> User:
        with self.db.read() as s:
            user = s.scalar(select(User).where(User.name == name))
        try:
            if user is None:
                raise VerificationError("no such user")
            self._hasher.verify(user.password_hash, password)
        except (VerificationError, InvalidHashError):
            raise Problem(401, "unauthorized", "wrong user name or password",
                          headers={"WWW-Authenticate": 'Basic realm="vinfra"'}) from None
        return user

    def issue_token(self, user: User, name: str) -> str:
        token = secrets.token_urlsafe(32)
        with self.db.write() as s:
            s.add(Token(user_id=user.id, token_sha256=_sha(token), name=name, created_at=now()))
        return token

    def revoke(self, token: str) -> None:
        with self.db.write() as s:
            s.execute(delete(Token).where(Token.token_sha256 == _sha(token)))
        with self._lock:
            self._cache.clear()

    def cached(self, token: str) -> Principal | None:
        return self._cache.get(_sha(token))

    def principal(self, token: str) -> Principal | None:
        digest = _sha(token)
        got = self._cache.get(digest)
        if got is not None:
            return got
        with self.db.read() as s:
            row = s.execute(select(User.name, User.role).join(Token, Token.user_id == User.id)
                            .where(Token.token_sha256 == digest)).first()
        if row is None:
            return None
        principal = Principal(row.name, row.role)
        with self._lock:
            self._cache[digest] = principal
        return principal


def bearer(request: Request) -> str | None:
    header = request.headers.get("authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() == "bearer" and value.strip():
        return value.strip()
    return request.headers.get("vmware-api-session-id") or None


def requires(privilege: str):
    """The dependency of an endpoint needing ``privilege``: 401 without a valid token, 403 without the
    privilege.  The privilege is recorded on the dependency so the role table test can read it."""
    assert privilege in PRIVILEGES, privilege

    async def dependency(request: Request) -> Principal:
        # async: a cached token answers on the event loop, so reads never wait for a thread behind writes
        token = bearer(request)
        accounts: Accounts = request.app.state.server.accounts
        principal = accounts.cached(token) if token else None
        if principal is None and token:
            principal = await run_in_threadpool(accounts.principal, token)
        if principal is None:
            raise Problem(401, "unauthorized", "authenticate with 'Authorization: Bearer TOKEN' (POST /tokens)",
                          headers={"WWW-Authenticate": 'Bearer realm="vinfra"'})
        if not principal.may(privilege):
            raise Problem(403, "forbidden", f"role {principal.role} lacks the privilege {privilege!r}")
        return principal

    dependency.privilege = privilege  # type: ignore[attr-defined]
    return dependency


Reader = Annotated[Principal, Depends(requires("read"))]
Configurer = Annotated[Principal, Depends(requires("config"))]
PowerUser = Annotated[Principal, Depends(requires("vm.power"))]
Migrator = Annotated[Principal, Depends(requires("vm.migrate"))]
Canceller = Annotated[Principal, Depends(requires("task.cancel"))]
Admin = Annotated[Principal, Depends(requires("admin"))]
