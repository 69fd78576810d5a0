"""The Alembic migrations shipped in the package build exactly the schema the models describe, on SQLite and
PostgreSQL, and running them again on start changes nothing."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect

from vinfra.server.db import make_engine, migrate
from vinfra.server.models import Base
from vinfra.server.settings import ServerSettings


def test_migrations_match_the_models(db_settings: dict[str, str | None]) -> None:
    engine = make_engine(ServerSettings(**db_settings))  # type: ignore[arg-type]
    try:
        migrate(engine)
        migrate(engine)  # a second start: already at head
        with engine.connect() as conn:
            diff = compare_metadata(MigrationContext.configure(conn), Base.metadata)
            tables = set(inspect(conn).get_table_names())
        assert diff == []
        assert {"users", "tokens", "revisions", "tasks", "events", "alarms", "alembic_version"} <= tables
    finally:
        engine.dispose()
