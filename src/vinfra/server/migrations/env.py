"""Alembic environment: the connection comes from :func:`vinfra.server.db.migrate` (config attribute
``connection``), so migrations run on the engine the server already opened."""

from __future__ import annotations

from alembic import context

from vinfra.server.models import Base

connection = context.config.attributes["connection"]
context.configure(connection=connection, target_metadata=Base.metadata, render_as_batch=True)
with context.begin_transaction():
    context.run_migrations()
