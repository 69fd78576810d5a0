"""The server's settings: one frozen dataclass, filled by ``vinfra serve``'s options or by tests."""

from __future__ import annotations

from dataclasses import dataclass

#: the default database: a SQLite file in the working directory (WAL mode), so ``vinfra serve DESIGN`` runs
#: with nothing else installed
DEFAULT_DB_URL = "sqlite:///vinfra.db"


@dataclass(frozen=True, slots=True)
class ServerSettings:
    #: SQLAlchemy URL: ``sqlite:///FILE`` or ``postgresql+psycopg://USER@HOST/DB``
    db_url: str = DEFAULT_DB_URL
    #: PostgreSQL only: the schema the tables live in (created when missing); None = the server's default
    db_schema: str | None = None
    #: a task takes the time its model gives times this: 1 = real time, 0 = instant (tests)
    time_scale: float = 1.0
    #: how many tasks run at once (cluster-behaviour §1.4 bounds vMotions per host further; see tasks.py)
    task_workers: int = 4
    #: every this many revisions store the whole design, so rebuilding a revision replays at most this many
    checkpoint_every: int = 50
    #: the largest page a list answers
    max_page: int = 1000
    #: argon2id cost of new password hashes (argon2-cffi's RFC 9106 low-memory profile by default: 64 MiB,
    #: 3 passes); an existing hash keeps the cost it was made with, so lowering these never locks anyone out
    argon2_memory_kib: int = 65536
    argon2_time_cost: int = 3
    #: validate changes in a worker process (``vinfra serve``): a large design's validation then never holds
    #: the server's interpreter lock against the reads; off, it runs in the writing thread (tests)
    validate_in_subprocess: bool = False
    #: how many ``nice`` steps the validation worker runs below the server (0-19): reads before validation
    validation_nice: int = 5
    #: re-run the checks after each change and raise/clear alarms (off: no alarms; the bench measures both)
    alarms: bool = True
    #: answer the hot reads (one object, one VM in vCenter's shape) from the head's rendered bytes before
    #: FastAPI's routing (:mod:`vinfra.server.fastread`); off: every request goes through the routes (tests
    #: compare the two)
    fast_reads: bool = True
