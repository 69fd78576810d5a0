"""``vinfra serve``: run the VirtualCenter server (:mod:`vinfra.server`) for a design.  FastAPI, uvicorn and
SQLAlchemy are imported inside the command: the other commands never pay for them."""

from __future__ import annotations

import os
from pathlib import Path

import typer

from .main import EXIT_BAD_INPUT, app, err, load_or_exit, print_plain

ADMIN_PASSWORD_ENV = "VINFRA_ADMIN_PASSWORD"


@app.command()
def serve(
    design: Path | None = typer.Argument(None, metavar="[DESIGN]", show_default=False,
                                         help="A design to import (a new revision when it differs from the head)."),
    db: str = typer.Option("sqlite:///vinfra.db", "--db", metavar="URL",
                           help="Database: sqlite:///FILE (WAL mode) or postgresql+psycopg://USER@HOST/DB."),
    host: str = typer.Option("127.0.0.1", "--host", help="Address to listen on."),
    port: int = typer.Option(8080, "--port", min=1, max=65535, help="Port to listen on."),
    time_scale: float = typer.Option(1.0, "--time-scale", min=0.0, max=1000.0,
                                     help="Tasks take the time their model gives times this (0: instant)."),
    init_admin: str | None = typer.Option(None, "--init-admin", metavar="NAME",
                                          help=f"Create administrator NAME (password from ${ADMIN_PASSWORD_ENV}) "
                                               "unless a user of that name exists."),
    workers: int = typer.Option(4, "--task-workers", min=1, max=64, help="Tasks running at once at most."),
    alarms: bool = typer.Option(True, "--alarms/--no-alarms",
                                help="Re-run the checks after each change and raise or clear alarms."),
) -> None:
    """Serve a design as VirtualCenter: a REST API with revisions, tasks, events and alarms.

    The API is documented at /docs (OpenAPI at /openapi.json); /healthz answers when it is up.  The database
    keeps every revision: restarting with the same --db continues where it stopped.  Stop with Ctrl-C or
    SIGTERM (requests in flight finish first).

    Exit status: 0 stopped normally, 2 bad input (a design that does not load, a database that cannot be
    opened, --init-admin without the password variable).
    """
    admin = None
    if init_admin is not None:
        password = os.environ.get(ADMIN_PASSWORD_ENV)
        if not password or len(password) < 8:
            err.print(f"error: --init-admin {init_admin}: set {ADMIN_PASSWORD_ENV} to its password (8 characters "
                      "or more)", markup=False)
            raise typer.Exit(EXIT_BAD_INPUT)
        admin = (init_admin, password)
    inv = load_or_exit(design) if design is not None else None

    import uvicorn

    from ..server import ServerSettings, create_app, open_server
    from ..server.db import DatabaseError

    settings = ServerSettings(db_url=db, time_scale=time_scale, task_workers=workers, alarms=alarms,
                              validate_in_subprocess=True)
    try:
        server = open_server(settings, inv, str(design) if design else "", admin)
    except DatabaseError as exc:
        print_plain(err, f"error: {exc}")
        raise typer.Exit(EXIT_BAD_INPUT) from None
    head = server.store.head
    print_plain(err, f"vinfra serve: {db} at revision {head.revision if head else '-'}; http://{host}:{port}/docs")
    import signal
    import sys

    # uvicorn shuts down gracefully on SIGTERM/SIGINT, then re-raises the signal to the handler that was there
    # before it: make that an ordinary exit 0 (a stop asked for), not death by signal
    for sig in (signal.SIGTERM, signal.SIGINT):
        signal.signal(sig, lambda *_: sys.exit(0))
    uvicorn.run(create_app(server), host=host, port=port, log_level="warning", timeout_graceful_shutdown=10,
                access_log=False)
    print_plain(err, "vinfra serve: stopped")
