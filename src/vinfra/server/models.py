"""The server's tables (SQLAlchemy 2 declarative).  The schema itself is created by the Alembic migrations in
``migrations/``; these classes are how the code reads and writes it, and a test checks the two agree.

The inventory is stored as revisions (who, when, what): each revision holds its changes as object-level
operations; every :data:`~vinfra.server.settings.ServerSettings.checkpoint_every`-th revision (and every
import) also holds the whole design, so any revision is rebuilt from the nearest checkpoint at or before it.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import JSON, ForeignKey, Integer, String, Text
from sqlalchemy import DateTime as SaDateTime
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import TypeDecorator


class DateTime(TypeDecorator[datetime]):
    """A UTC timestamp that comes back aware on every database (SQLite drops the zone)."""

    impl = SaDateTime(timezone=True)
    cache_ok = True

    def __init__(self, timezone: bool = True) -> None:
        super().__init__()

    def process_result_value(self, value: datetime | None, dialect: Dialect) -> datetime | None:
        if value is not None and value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value


class Base(DeclarativeBase):
    pass


class User(Base):
    __tablename__ = "users"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    name: Mapped[str] = mapped_column(String(200), unique=True)
    role: Mapped[str] = mapped_column(String(32))
    password_hash: Mapped[str] = mapped_column(String(400))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Token(Base):
    __tablename__ = "tokens"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(ForeignKey("users.id", ondelete="CASCADE"), index=True)
    #: sha256 of the token: a token is 256 random bits, so a fast hash is enough (passwords get argon2)
    token_sha256: Mapped[str] = mapped_column(String(64), unique=True)
    name: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))


class Revision(Base):
    __tablename__ = "revisions"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    author: Mapped[str] = mapped_column(String(200))
    message: Mapped[str] = mapped_column(Text)
    #: "import" (a whole design, always a checkpoint) or "change"
    kind: Mapped[str] = mapped_column(String(16), default="change")
    #: [{"op": "put"|"delete", "section": ..., "name": ... | None, "value": ...}]
    changes: Mapped[Any] = mapped_column(JSON)
    #: the whole design (topology-v1 data) at this revision, on checkpoints only
    snapshot: Mapped[Any | None] = mapped_column(JSON, nullable=True)
    task_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Task(Base):
    __tablename__ = "tasks"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    operation: Mapped[str] = mapped_column(String(64))
    target: Mapped[str] = mapped_column(String(400))
    params: Mapped[Any] = mapped_column(JSON)
    state: Mapped[str] = mapped_column(String(16), index=True)  # queued, running, success, error
    progress: Mapped[int] = mapped_column(Integer, default=0)
    user: Mapped[str] = mapped_column(String(200))
    queued_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    started_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    finished_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    #: {"fault": VMware-style name, "message": ..., "faults": [...]} when state is error
    error: Mapped[Any | None] = mapped_column(JSON, nullable=True)
    result: Mapped[Any | None] = mapped_column(JSON, nullable=True)
    revision_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Event(Base):
    __tablename__ = "events"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    kind: Mapped[str] = mapped_column(String(64))  # VMware-style event type, e.g. VmPoweredOnEvent
    user: Mapped[str] = mapped_column(String(200))
    object: Mapped[str] = mapped_column(String(400))
    message: Mapped[str] = mapped_column(Text)
    #: links a task's events (cluster-behaviour §4.3 chainId)
    chain_id: Mapped[int | None] = mapped_column(Integer, nullable=True)
    revision_id: Mapped[int | None] = mapped_column(Integer, nullable=True)


class Alarm(Base):
    __tablename__ = "alarms"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    #: the finding's identity (rule code, objects, message): the same finding keeps one open alarm
    key: Mapped[str] = mapped_column(String(64), index=True)
    rule: Mapped[str] = mapped_column(String(200))
    code: Mapped[str] = mapped_column(String(32))
    objects: Mapped[Any] = mapped_column(JSON)
    message: Mapped[str] = mapped_column(Text)
    status: Mapped[str] = mapped_column(String(8))  # red while the finding holds, green once it went away
    raised_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    raised_revision: Mapped[int] = mapped_column(Integer)
    cleared_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True), nullable=True)
    cleared_revision: Mapped[int | None] = mapped_column(Integer, nullable=True)
