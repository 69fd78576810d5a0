"""Tasks: operations run by a worker inside the server (cluster-behaviour §4.3).

A task is ``queued`` -> ``running`` (progress 0-100) -> ``success`` | ``error`` (the fault attached).  The
scheduler starts queued tasks in submission order under the concurrency costs of §1.4 through
:func:`vinfra.cluster.vmotion.schedule` (FIFO: the first task that does not fit waits, and every later one
with it): a vMotion charges its §1.4 host and network costs on both hosts; other operations charge a cost of
1 on their host [model, as provisioning in §4.2]; a clone charges 1 on its destination host (§1.4 "other
provisioning").  A running task sleeps the time its model gives times
``--time-scale``, then is planned again against the head as it is then and applied: its revision, events and
end state are one transaction, so a crash leaves a task either applied and ``success`` or not applied.  On
start, a task found ``running`` (the server died under it) ends in ``error`` with ``TaskInterrupted``; queued
tasks run.  A queued task can be cancelled (``RequestCanceled``); a running one cannot (not supported yet).
"""

from __future__ import annotations

import threading
import time
from concurrent.futures import ThreadPoolExecutor
from typing import TYPE_CHECKING, Any

from sqlalchemy import select, update

from ..cluster.vmotion import Operation, concurrency_limits, schedule
from .models import Event, Task
from .operations import OPERATIONS, Fault, Plan
from .problems import Problem
from .store import now

if TYPE_CHECKING:
    from sqlalchemy.orm import Session

    from .db import Database
    from .settings import ServerSettings
    from .store import InventoryStore

#: [model] the vMotion link speed the §1.4 network maximum is taken at (4 vMotions per host below 10 Gb/s)
LINK_MBPS = 1000
#: progress is written at most this often while a task sleeps (s)
PROGRESS_EVERY_S = 0.5


def task_row(t: Task) -> dict[str, Any]:
    return {"id": t.id, "operation": t.operation, "target": t.target, "params": t.params, "state": t.state,
            "progress": t.progress, "user": t.user, "queued_at": t.queued_at.isoformat(),
            "started_at": t.started_at.isoformat() if t.started_at else None,
            "finished_at": t.finished_at.isoformat() if t.finished_at else None,
            "error": t.error, "result": t.result, "revision": t.revision_id}


class TaskRunner:
    """Submits, schedules and runs tasks (see the module doc)."""

    def __init__(self, db: Database, store: InventoryStore, settings: ServerSettings) -> None:
        self.db, self.store, self.settings = db, store, settings
        self._cond = threading.Condition()
        self._active: dict[int, Operation] = {}  # queued or running, in id order
        self._running: set[int] = set()
        self._stop = False
        self._pool = ThreadPoolExecutor(max_workers=max(1, settings.task_workers * 4), thread_name_prefix="task")
        self._recover()
        self._thread = threading.Thread(target=self._loop, name="task-scheduler", daemon=True)
        self._thread.start()

    # lifecycle -----------------------------------------------------------------------------------
    def _recover(self) -> None:
        with self.db.write() as s:
            for t in s.scalars(select(Task).where(Task.state == "running")):
                t.state, t.finished_at = "error", now()
                t.error = {"fault": "TaskInterrupted", "message": "the server stopped while the task ran; nothing "
                           "was applied", "faults": []}
                s.add(Event(created_at=t.finished_at, kind="TaskInterruptedEvent", user=t.user,
                            object=t.target, message=f"task {t.id} ({t.operation}) interrupted", chain_id=t.id))
            queued = list(s.scalars(select(Task).where(Task.state == "queued").order_by(Task.id)))
        for t in queued:
            self._active[t.id] = self._operation(t.id, t.operation, t.target, t.params)

    def close(self) -> None:
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._thread.join(timeout=5)
        self._pool.shutdown(wait=True, cancel_futures=True)

    def idle(self) -> bool:
        with self._cond:
            return not self._active

    # submission ----------------------------------------------------------------------------------
    def submit(self, operation: str, target: str, params: dict[str, Any], user: str) -> dict[str, Any]:
        """Queue a task after planning it once against the head: a refusal now is a 409 problem carrying the
        fault (``InvalidPowerState``...), an unknown object a 404; nothing is queued then."""
        planner, _ = OPERATIONS[operation]
        try:
            planner(self.store.current, target, params)
        except Fault as f:
            status = 404 if f.fault == "NotFound" else 409
            raise Problem(status, "fault", f.message, fault=f.fault, faults=f.faults) from None
        with self.db.write() as s:
            t = Task(operation=operation, target=target, params=params, state="queued", progress=0, user=user,
                     queued_at=now())
            s.add(t)
            s.flush()
            s.add(Event(created_at=t.queued_at, kind="TaskEvent", user=user, object=target,
                        message=f"task {t.id} {operation} {target} queued", chain_id=t.id))
            row = task_row(t)
        with self._cond:
            self._active[t.id] = self._operation(t.id, operation, target, params)
            self._cond.notify_all()
        return row

    def cancel(self, task_id: int, user: str) -> dict[str, Any]:
        with self._cond:
            if task_id in self._running:
                raise Problem(409, "not-cancelable", f"task {task_id} is running: only a queued task can be cancelled")
            with self.db.write() as s:
                t = s.get(Task, task_id)
                if t is None:
                    raise Problem(404, "not-found", f"no task {task_id}")
                if t.state != "queued":
                    raise Problem(409, "not-cancelable", f"task {task_id} is {t.state}: only a queued task can be "
                                  "cancelled")
                t.state, t.finished_at = "error", now()
                t.error = {"fault": "RequestCanceled", "message": f"cancelled by {user}", "faults": []}
                s.add(Event(created_at=t.finished_at, kind="TaskEvent", user=user, object=t.target,
                            message=f"task {t.id} cancelled by {user}", chain_id=t.id))
                row = task_row(t)
            self._active.pop(task_id, None)
            self._cond.notify_all()
        return row

    # scheduling ----------------------------------------------------------------------------------
    def _operation(self, task_id: int, operation: str, target: str, params: dict[str, Any]) -> Operation:
        """The §1.4 charges of a task, from the design as it is at submission."""
        head = self.store.head
        name = str(task_id)
        if operation == "migrate" and head is not None and target in head.data["vms"]:
            from ..cluster.vmotion import vmotion_operation

            vm = head.data["vms"][target]
            return vmotion_operation(name, vm["host"], params["host"], vm.get("datastore"), LINK_MBPS)
        if operation == "clone":  # provisioning: cost 1 on the destination host (§1.4, §4.2)
            from .cluster_ops import clone_charges

            return clone_charges(name, head, target, params)
        host = target if operation.endswith("portgroup") else None
        if operation == "power" and head is not None and target in head.data["vms"]:
            host = head.data["vms"][target]["host"]
        return Operation(name, ((("host", host), 1),) if host else ())

    def _maxima(self) -> dict[tuple[str, str], int]:
        res = concurrency_limits(LINK_MBPS)["resources"]
        return {r: res[r[0]]["max"] for op in self._active.values() for r, _ in op.costs}

    def _loop(self) -> None:
        while True:
            with self._cond:
                if self._stop:
                    return
                states = schedule(list(self._active.values()), self._maxima())
                start = [int(n) for n, st in states.items() if st == "running" and int(n) not in self._running]
                start = start[: max(0, self.settings.task_workers - len(self._running))]
                self._running.update(start)
                if not start:
                    self._cond.wait(timeout=1.0)
                    continue
            for task_id in start:
                self._pool.submit(self._run, task_id)

    def _finish(self, task_id: int) -> None:
        with self._cond:
            self._running.discard(task_id)
            self._active.pop(task_id, None)
            self._cond.notify_all()

    # running -------------------------------------------------------------------------------------
    def _run(self, task_id: int) -> None:
        try:
            self._execute(task_id)
        except Exception as exc:  # a bug must not leave a task running forever: record it as the task's error
            with self.db.write() as s:
                s.execute(update(Task).where(Task.id == task_id, Task.state == "running").values(
                    state="error", finished_at=now(),
                    error={"fault": "SystemError", "message": f"{type(exc).__name__}: {exc}", "faults": []}))
        finally:
            self._finish(task_id)

    def _execute(self, task_id: int) -> None:
        with self.db.write() as s:
            t = s.get(Task, task_id)
            if t is None or t.state != "queued":
                return
            t.state, t.started_at, t.progress = "running", now(), 0
            operation, target, params, user = t.operation, t.target, dict(t.params), t.user
            s.add(Event(created_at=t.started_at, kind="TaskEvent", user=user, object=target,
                        message=f"task {task_id} {operation} {target} started", chain_id=task_id))
        planner, _ = OPERATIONS[operation]
        try:
            plan = planner(self.store.current, target, params)
        except Fault as f:
            self._fail(task_id, f, user, target)
            return
        self._wait(task_id, plan.duration_s * self.settings.time_scale)
        try:
            # planned again under the store's write lock: the head may have moved while the task ran
            with self.store.lock:
                plan = planner(self.store.current, target, params)
                self._apply(task_id, plan, user)
        except Fault as f:
            self._fail(task_id, f, user, target)
        except Problem as p:  # the change left an invalid design
            self._fail(task_id, Fault("InvalidArgument", p.detail, p.errors), user, target)

    def _wait(self, task_id: int, seconds: float) -> None:
        if seconds <= 0:
            return
        end = time.monotonic() + seconds
        while True:
            left = end - time.monotonic()
            if left <= 0 or self._stop:
                return
            time.sleep(min(left, PROGRESS_EVERY_S))
            progress = min(99, int(100 * (1 - max(0.0, end - time.monotonic()) / seconds)))
            with self.db.write() as s:
                s.execute(update(Task).where(Task.id == task_id).values(progress=progress))

    def _apply(self, task_id: int, plan: Plan, user: str) -> None:
        def finish(s: Session, rev: Any) -> None:
            t = s.get(Task, task_id)
            assert t is not None
            t.state, t.progress, t.finished_at, t.result = "success", 100, now(), plan.result
            t.revision_id = rev.id if rev is not None else None
            s.add(Event(created_at=t.finished_at, kind="TaskEvent", user=user, object=t.target,
                        message=f"task {task_id} {t.operation} {t.target} succeeded", chain_id=task_id,
                        revision_id=t.revision_id))

        if plan.ops:
            self.store.change(plan.ops, user, plan.message, events=plan.events, extra=finish, task_id=task_id)
        else:
            with self.db.write() as s:
                for ev in plan.events:
                    s.add(Event(created_at=now(), user=user, chain_id=task_id, **ev))
                finish(s, None)

    def _fail(self, task_id: int, f: Fault, user: str, target: str) -> None:
        with self.db.write() as s:
            t = s.get(Task, task_id)
            assert t is not None
            t.state, t.finished_at, t.error = "error", now(), f.row()
            s.add(Event(created_at=t.finished_at, kind="TaskEvent", user=user, object=target,
                        message=f"task {task_id} {t.operation} {target} failed: {f.fault}: {f.message}",
                        chain_id=task_id))

    # reading -------------------------------------------------------------------------------------
    def get(self, task_id: int) -> dict[str, Any]:
        with self.db.read() as s:
            t = s.get(Task, task_id)
            if t is None:
                raise Problem(404, "not-found", f"no task {task_id}")
            return task_row(t)

    def list(self, state: str | None, limit: int, offset: int) -> tuple[int, list[dict[str, Any]]]:
        from sqlalchemy import func

        q = select(Task)
        if state:
            q = q.where(Task.state == state)
        with self.db.read() as s:
            count = s.scalar(select(func.count()).select_from(q.subquery())) or 0
            rows = [task_row(t) for t in s.scalars(q.order_by(Task.id.desc()).limit(limit).offset(offset))]
        return count, rows
