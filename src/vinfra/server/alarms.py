"""Alarms from the checks (cluster-behaviour §4.3): after each change the checks (:mod:`vinfra.checks`) run on
the new head; a finding of severity ``error`` that was not there raises a red alarm on its objects, and an
alarm whose finding went away turns green (cleared).  Each transition is an event.

The checks take seconds on a large design, so they run in a background thread, off the request path, on the
newest head only (changes arriving meanwhile are coalesced: the alarms always describe the newest head once
the thread catches up; :meth:`AlarmWatcher.wait` waits for that).  Under ``vinfra serve`` the thread hands the
work to :class:`SubprocessChecker`, a worker process of its own below the server's priority: checks run in
the server's process hold the interpreter lock for seconds and starve the reads on the event loop (measured
with ``bench/server_load.py --alarms``: p50 of reads 22 s in-process, against milliseconds in the worker).
"""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING, Any, NamedTuple

from sqlalchemy import select

from .models import Alarm, Event
from .store import now

if TYPE_CHECKING:
    from ..network import Snapshot
    from .db import Database
    from .store import Head, InventoryStore


class ErrorFinding(NamedTuple):
    """What an alarm keeps of a failed finding of severity error (plain data: it crosses processes)."""

    code: str
    rule: str
    objects: tuple[str, ...]
    message: str


def finding_key(f: ErrorFinding) -> str:
    text = "\x00".join([f.code, *f.objects, f.message])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def alarm_row(a: Alarm) -> dict[str, Any]:
    return {"id": a.id, "status": a.status, "code": a.code, "rule": a.rule, "objects": a.objects,
            "message": a.message, "raised_at": a.raised_at.isoformat(), "raised_revision": a.raised_revision,
            "cleared_at": a.cleared_at.isoformat() if a.cleared_at else None, "cleared_revision": a.cleared_revision}


def snapshot_errors(snap: Snapshot) -> list[ErrorFinding]:
    """The failed findings of severity error of the checks on ``snap``."""
    from ..checks import run_checks

    return [ErrorFinding(f.code, f.rule, tuple(f.objects), f.message)
            for f in run_checks(snap).findings if f.severity == "error" and f.status == "fail"]


def _data_errors(data: dict[str, Any], source: str) -> list[ErrorFinding]:
    """In the checks worker: the errors of a head's (already validated) data."""
    from ..io.design import from_data
    from ..network import Snapshot

    return snapshot_errors(Snapshot(from_data(data, source=source)))


class InProcessChecker:
    """The checks in the calling thread, on the head's own snapshot (tests: no process to start)."""

    def errors(self, head: Head) -> list[ErrorFinding]:
        return snapshot_errors(head.snapshot)

    def close(self) -> None:
        pass


class SubprocessChecker:
    """The checks in a worker process of their own, ``nice`` steps below the server (see the module doc); a
    second worker, not the validation worker's, so a write never waits behind a check run."""

    def __init__(self, nice: int = 5) -> None:
        from .validation import niced_worker

        self._pool = niced_worker(nice)

    def errors(self, head: Head) -> list[ErrorFinding]:
        return self._pool.submit(_data_errors, head.data, f"revision {head.revision}").result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)


class AlarmWatcher:
    """Re-runs the checks on each new head in a background thread (see the module doc)."""

    def __init__(self, db: Database, store: InventoryStore, checker: InProcessChecker | SubprocessChecker | None = None
                 ) -> None:
        self.db, self.store = db, store
        self.checker = checker or InProcessChecker()
        self._cond = threading.Condition()
        self._done: int | None = None
        self._stop = False
        store.on_change(self._changed)
        self._thread = threading.Thread(target=self._loop, name="alarms", daemon=True)
        self._thread.start()

    def _changed(self, head: Head) -> None:
        with self._cond:
            self._cond.notify_all()

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._thread.join(timeout=30)
        self.checker.close()

    def wait(self, timeout: float = 60.0) -> bool:
        """Wait until the alarms describe the newest head; False on timeout."""
        with self._cond:
            return self._cond.wait_for(lambda: self.store.head is None or self._done == self.store.head.revision,
                                       timeout=timeout)

    def _loop(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._stop or (self.store.head is not None
                                                           and self._done != self.store.head.revision))
                if self._stop:
                    return
                head = self.store.head
            assert head is not None
            try:
                self._evaluate(head)
            finally:
                with self._cond:
                    self._done = head.revision
                    self._cond.notify_all()

    def _evaluate(self, head: Head) -> None:
        findings = {finding_key(f): f for f in self.checker.errors(head)}
        at = now()
        with self.db.write() as s:
            open_alarms = {a.key: a for a in s.scalars(select(Alarm).where(Alarm.status == "red"))}
            for key, f in findings.items():
                if key in open_alarms:
                    continue
                s.add(Alarm(key=key, rule=f.rule, code=f.code, objects=list(f.objects), message=f.message,
                            status="red", raised_at=at, raised_revision=head.revision))
                s.add(Event(created_at=at, kind="AlarmStatusChangedEvent", user="vinfra",
                            object=f.objects[0] if f.objects else "", revision_id=head.revision,
                            message=f"alarm red: {f.code} {f.rule}: {f.message}"))
            for key, a in open_alarms.items():
                if key in findings:
                    continue
                a.status, a.cleared_at, a.cleared_revision = "green", at, head.revision
                s.add(Event(created_at=at, kind="AlarmStatusChangedEvent", user="vinfra",
                            object=a.objects[0] if a.objects else "", revision_id=head.revision,
                            message=f"alarm green (cleared): {a.code} {a.rule}: {a.message}"))
