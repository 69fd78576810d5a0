"""The database: engine (SQLite in WAL mode, or PostgreSQL), sessions, and the Alembic migrations run on start."""

from __future__ import annotations

import re
from collections.abc import Iterator
from contextlib import contextmanager
from importlib import resources
from typing import Any

import orjson
from sqlalchemy import Engine, create_engine, event, text
from sqlalchemy.orm import Session, sessionmaker

from .settings import ServerSettings

_SCHEMA_NAME = re.compile(r"^[a-z_][a-z0-9_]{0,62}$")


class DatabaseError(ValueError):
    """A database URL or schema the server cannot use (bad input: ``vinfra serve`` exits 2)."""


def _json(value: Any) -> str:
    return orjson.dumps(value).decode()


def make_engine(settings: ServerSettings) -> Engine:
    """Open the database of ``settings``: SQLite gets WAL journaling and a busy timeout; PostgreSQL gets the
    configured schema on its search path (created when missing)."""
    url = settings.db_url
    try:
        if url.startswith("sqlite"):
            engine = create_engine(url, json_serializer=_json, json_deserializer=orjson.loads,
                                   connect_args={"check_same_thread": False, "timeout": 30})

            @event.listens_for(engine, "connect")
            def _sqlite_pragmas(dbapi_conn: Any, _: Any) -> None:
                cur = dbapi_conn.cursor()
                cur.execute("PRAGMA journal_mode=WAL")  # readers never wait for the writer
                cur.execute("PRAGMA synchronous=NORMAL")  # WAL + NORMAL: a committed write survives a crash
                cur.execute("PRAGMA foreign_keys=ON")
                cur.close()

            return engine
        if url.startswith("postgresql+psycopg"):
            import psycopg  # noqa: F401  (the driver SQLAlchemy loads by name: missing, it is a clear error here)
        engine = create_engine(url, json_serializer=_json, json_deserializer=orjson.loads, pool_size=10,
                               max_overflow=20, pool_pre_ping=True)
    except Exception as exc:  # an unparseable URL or a missing driver
        raise DatabaseError(f"--db {url}: {exc}") from None
    schema = settings.db_schema
    if schema is not None:
        if not _SCHEMA_NAME.match(schema):
            raise DatabaseError(f"schema {schema!r}: lower-case letters, digits and _ only")

        @event.listens_for(engine, "connect")
        def _search_path(dbapi_conn: Any, _: Any) -> None:
            cur = dbapi_conn.cursor()
            cur.execute(f"CREATE SCHEMA IF NOT EXISTS {schema}")
            cur.execute(f"SET search_path TO {schema}")
            cur.close()
            dbapi_conn.commit()

    return engine


def migrate(engine: Engine) -> None:
    """Bring the schema to the newest Alembic revision shipped in ``vinfra.server.migrations``."""
    from alembic import command
    from alembic.config import Config

    cfg = Config()
    cfg.set_main_option("script_location", str(resources.files("vinfra.server") / "migrations"))
    with engine.begin() as conn:
        cfg.attributes["connection"] = conn
        command.upgrade(cfg, "head")


def check_connection(engine: Engine) -> None:
    try:
        with engine.connect() as conn:
            conn.execute(text("SELECT 1"))
    except Exception as exc:
        raise DatabaseError(f"cannot open the database {engine.url.render_as_string(hide_password=True)}: "
                            f"{str(exc).splitlines()[0]}") from None


class Database:
    """The engine and a session factory; :meth:`write` is one transaction (committed, or rolled back whole)."""

    def __init__(self, settings: ServerSettings) -> None:
        self.engine = make_engine(settings)
        check_connection(self.engine)
        migrate(self.engine)
        self.sessions = sessionmaker(self.engine, expire_on_commit=False)

    @contextmanager
    def read(self) -> Iterator[Session]:
        with self.sessions() as session:
            yield session

    @contextmanager
    def write(self) -> Iterator[Session]:
        with self.sessions() as session, session.begin():
            yield session

    def close(self) -> None:
        self.engine.dispose()
