"""The app factory: :func:`create_app` wires the database, the inventory store, the task runner and the alarm
watcher into a FastAPI app; the lifespan opens them on start and closes them on shutdown (uvicorn's graceful
shutdown: requests in flight finish, running tasks are given the time to end their current step)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import TYPE_CHECKING

from fastapi import FastAPI

from . import problems
from .settings import ServerSettings

if TYPE_CHECKING:
    from ..model import Inventory
    from .alarms import AlarmWatcher
    from .auth import Accounts
    from .db import Database
    from .store import InventoryStore
    from .tasks import TaskRunner


@dataclass
class Server:
    """Everything a request handler reaches through ``request.app.state.server``."""

    settings: ServerSettings
    db: Database
    store: InventoryStore
    accounts: Accounts
    tasks: TaskRunner
    alarms: AlarmWatcher | None

    def wait_idle(self, timeout: float = 60.0) -> bool:
        """Wait until no task is queued or running and the alarms describe the head (tests, the bench)."""
        import time

        end = time.monotonic() + timeout
        while not self.tasks.idle():
            if time.monotonic() > end:
                return False
            time.sleep(0.01)
        return self.alarms.wait(max(0.0, end - time.monotonic())) if self.alarms else True

    def close(self) -> None:
        self.tasks.close()
        if self.alarms is not None:
            self.alarms.close()
        self.store.validator.close()
        self.db.close()


def open_server(settings: ServerSettings, design: Inventory | None = None, design_name: str = "",
                admin: tuple[str, str] | None = None) -> Server:
    """Open the database (migrating it), create ``admin``, and import ``design`` unless it is the design last
    imported (a restart with the same file keeps the edits made since)."""
    from .alarms import AlarmWatcher
    from .auth import Accounts
    from .db import Database
    from .store import InventoryStore
    from .tasks import TaskRunner

    db = Database(settings)
    validator = None
    if settings.validate_in_subprocess:
        from .validation import SubprocessValidator

        validator = SubprocessValidator(settings.validation_nice)
    store = InventoryStore(db, settings, validator)
    accounts = Accounts(db, settings.argon2_memory_kib, settings.argon2_time_cost)
    if admin is not None:
        accounts.ensure_admin(*admin)
    checker = None
    if settings.alarms and settings.validate_in_subprocess:
        from .alarms import SubprocessChecker

        checker = SubprocessChecker(settings.validation_nice)
    alarms = AlarmWatcher(db, store, checker) if settings.alarms else None
    if design is not None:
        store.import_design(design, admin[0] if admin else "vinfra", f"import {design_name or design.name}",
                            since_last_import=True)
    if store.head is not None:
        store.validator.prime(store.head.state_id, store.head.data)
    return Server(settings, db, store, accounts, TaskRunner(db, store, settings), alarms)


def create_app(server: Server) -> FastAPI:
    """The API over an opened :class:`Server` (closed when the app shuts down)."""
    from . import api_admin, api_inventory, api_operations, vcenter

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        yield
        server.close()

    app = FastAPI(title="vinfra", version="1", lifespan=lifespan,
                  description="VirtualCenter for a vinfra design: inventory, revisions, tasks, events, alarms.")
    app.state.server = server
    problems.install(app)
    if server is not None and server.settings.fast_reads:  # None: only the OpenAPI document is asked for
        from .fastread import FastReads

        app.add_middleware(FastReads, server=server)

    @app.get("/healthz", tags=["server"])
    def healthz() -> dict[str, object]:
        """Liveness: the database answers; the head revision (null before the first import)."""
        from sqlalchemy import text

        with server.db.read() as s:
            s.execute(text("SELECT 1"))
        head = server.store.head
        return {"status": "ok", "revision": head.revision if head else None}

    # routes are matched in order, one by one: the reads most asked for first
    app.include_router(api_inventory.router)
    app.include_router(vcenter.router)
    app.include_router(api_operations.router)
    app.include_router(api_admin.router)
    from ..web.app import mount_web; mount_web(app)  # noqa: E702, I001  the web client (issue 15) at /
    problems.document(app)
    return app
