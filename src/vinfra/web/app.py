"""Mount the web client on the server's FastAPI app: ``/`` answers the single-page client, ``/ui/...`` its
static files (no CDN: cytoscape is vendored under ``static/vendor``), and :mod:`vinfra.web.api` its views."""

from __future__ import annotations

from pathlib import Path

from fastapi import FastAPI
from fastapi.responses import FileResponse
from fastapi.staticfiles import StaticFiles

STATIC = Path(__file__).parent / "static"


def mount_web(app: FastAPI) -> None:
    """Serve the client at ``/`` and its assets at ``/ui``; include the client's API views under ``/web``."""
    from .api import router

    app.include_router(router)
    app.mount("/ui", StaticFiles(directory=STATIC), name="ui")

    @app.get("/", include_in_schema=False)
    def index() -> FileResponse:
        return FileResponse(STATIC / "index.html", media_type="text/html")
