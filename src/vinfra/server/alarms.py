"""Alarms from the checks (cluster-behaviour §4.3): after each change the checks (:mod:`vinfra.checks`) run on
the new head; a finding of severity ``error`` that was not there raises a red alarm on its objects, and an
alarm whose finding went away turns green (cleared).  Each transition is an event.

The checks take seconds on a large design, so they run in a background thread, off the request path, on the
newest head only (changes arriving meanwhile are coalesced: the alarms always describe the newest head once
the thread catches up; :meth:`AlarmWatcher.wait` waits for that).
"""

from __future__ import annotations

import hashlib
import threading
from typing import TYPE_CHECKING, Any

from sqlalchemy import select

from .models import Alarm, Event
from .store import now

if TYPE_CHECKING:
    from ..checks.finding import Finding
    from .db import Database
    from .store import Head, InventoryStore


def finding_key(f: Finding) -> str:
    text = "\x00".join([f.code, *f.objects, f.message])
    return hashlib.sha256(text.encode()).hexdigest()[:32]


def alarm_row(a: Alarm) -> dict[str, Any]:
    return {"id": a.id, "status": a.status, "code": a.code, "rule": a.rule, "objects": a.objects,
            "message": a.message, "raised_at": a.raised_at.isoformat(), "raised_revision": a.raised_revision,
            "cleared_at": a.cleared_at.isoformat() if a.cleared_at else None, "cleared_revision": a.cleared_revision}


def error_findings(head: Head) -> list[Finding]:
    from ..checks import run_checks

    return [f for f in run_checks(head.snapshot).findings if f.severity == "error" and f.status == "fail"]


class AlarmWatcher:
    """Re-runs the checks on each new head in a background thread (see the module doc)."""

    def __init__(self, db: Database, store: InventoryStore) -> None:
        self.db, self.store = db, store
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
        findings = {finding_key(f): f for f in error_findings(head)}
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
