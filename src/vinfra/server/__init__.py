"""``vinfra serve``: VirtualCenter for a design (the interfaces layer; it may import everything below it).

FastAPI on uvicorn over SQLAlchemy 2 (SQLite in WAL mode by default, PostgreSQL with ``--db
postgresql+psycopg://...``), schema by the Alembic migrations shipped in ``migrations/``.  The inventory is
versioned (:mod:`.store`), operations run as tasks (:mod:`.tasks`, :mod:`.operations`), error findings raise
alarms (:mod:`.alarms`), users have vCenter's roles (:mod:`.auth`), and vCenter's REST shapes are served
read-only (:mod:`.vcenter`).  Start with :func:`open_server` and :func:`create_app`.
"""

from .app import Server, create_app, open_server
from .settings import ServerSettings

__all__ = ["Server", "ServerSettings", "create_app", "open_server"]
