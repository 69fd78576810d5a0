"""Independent jobs on a ``concurrent.futures`` executor: a local process pool, or a Dask cluster.

An analysis hands over a *payload* (what every job needs, e.g. the design's text), a *setup* that turns it
into a context once per worker (e.g. the intact design analysed), a job function ``fn(context, item)`` and
its items; :func:`run` gives back the results in item order, whichever executor ran them.  The analysis
never knows which.

- **Local** (the default): ``workers`` processes (the machine's CPUs unless given); the payload travels
  once per process through the pool's initializer.  ``workers=1`` runs in this process, without a pool.
- **Dask** (``scheduler="tcp://host:8786"``): the client's ``concurrent.futures`` executor.  The payload is
  scattered to every worker once (``broadcast``), and each job names it, so it is not shipped per job;
  each worker process builds its context the first time a job needs it.

Items go in chunks (a few per worker), so that per-job overhead does not dominate short jobs; ``progress``
is called with the number of items each finished chunk held.
"""

from __future__ import annotations

import hashlib
import math
import os
import pickle
import threading
from collections.abc import Callable, Sequence
from concurrent.futures import Executor, Future, ProcessPoolExecutor, as_completed
from typing import Any, TypeVar

T = TypeVar("T")
R = TypeVar("R")

#: seconds to wait for a Dask scheduler before giving up
CONNECT_TIMEOUT_S = 10
_contexts: dict[str, Any] = {}  # per worker process: token -> context built from the payload
_lock = threading.Lock()  # a Dask worker may run jobs in threads


class SchedulerError(RuntimeError):
    """A Dask scheduler that cannot be reached (or Dask not installed)."""


def _context(token: str, setup: Callable[[Any], Any], payload: Any) -> Any:
    got = _contexts.get(token)
    if got is None:
        with _lock:
            got = _contexts.get(token)
            if got is None:
                got = _contexts[token] = setup(payload)
    return got


def _install(token: str, setup: Callable[[Any], Any], payload: Any) -> None:
    _context(token, setup, payload)


def _chunk_local(token: str, fn: Callable[[Any, Any], Any], items: list[Any]) -> list[Any]:
    ctx = _contexts[token]
    return [fn(ctx, x) for x in items]


def _chunk_remote(token: str, setup: Callable[[Any], Any], payload: Any, fn: Callable[[Any, Any], Any],
                  items: list[Any]) -> list[Any]:
    ctx = _context(token, setup, payload)
    return [fn(ctx, x) for x in items]


def _chunks(items: Sequence[T], workers: int) -> list[list[T]]:
    size = max(1, min(32, math.ceil(len(items) / (workers * 4))))
    return [list(items[i:i + size]) for i in range(0, len(items), size)]


def run(fn: Callable[[Any, T], R], items: Sequence[T], payload: Any, setup: Callable[[Any], Any], *,
        workers: int | None = None, scheduler: str | None = None,
        progress: Callable[[int], None] | None = None) -> list[R]:
    """``[fn(setup(payload), x) for x in items]``, run in parallel (see the module doc).  ``fn`` and
    ``setup`` must be module-level functions (they are pickled to the workers)."""
    token = hashlib.sha256(pickle.dumps((setup, payload), protocol=5)).hexdigest()[:16]
    if not items:
        return []
    if scheduler is not None:
        return _run_dask(fn, items, payload, setup, token, scheduler, progress)
    n = workers or os.cpu_count() or 1
    if n == 1 or len(items) == 1:
        ctx = _context(token, setup, payload)
        out = []
        for x in items:
            out.append(fn(ctx, x))
            if progress is not None:
                progress(1)
        return out
    with ProcessPoolExecutor(max_workers=n, initializer=_install, initargs=(token, setup, payload)) as pool:
        return _gather(pool, [(chunk, (_chunk_local, token, fn, chunk)) for chunk in _chunks(items, n)], progress)


def _run_dask(fn: Callable[[Any, T], R], items: Sequence[T], payload: Any, setup: Callable[[Any], Any], token: str,
              scheduler: str, progress: Callable[[int], None] | None) -> list[R]:
    try:
        from distributed import Client
    except ImportError:  # pragma: no cover - dask[distributed] is a dependency
        raise SchedulerError("--scheduler needs dask[distributed] installed") from None
    try:
        client = Client(scheduler, timeout=CONNECT_TIMEOUT_S, set_as_default=False)
    except (OSError, TimeoutError, ValueError) as exc:
        raise SchedulerError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        n = max(1, sum(client.nthreads().values()))
        shipped = client.scatter(payload, broadcast=True)  # once per worker; jobs refer to it
        executor = client.get_executor(pure=False)
        return _gather(executor, [(chunk, (_chunk_remote, token, setup, shipped, fn, chunk)) for chunk in _chunks(items, n)],
                       progress)
    finally:
        client.close()


def _gather(executor: Executor, jobs: list[tuple[list[Any], tuple[Any, ...]]],
            progress: Callable[[int], None] | None) -> list[Any]:
    futures: dict[Future[Any], int] = {}
    for k, (_, call) in enumerate(jobs):
        futures[executor.submit(*call)] = k
    results: list[list[Any] | None] = [None] * len(jobs)
    for fut in as_completed(futures):
        k = futures[fut]
        results[k] = fut.result()
        if progress is not None:
            progress(len(jobs[k][0]))
    return [x for chunk in results for x in chunk]  # type: ignore[union-attr]


__all__ = ["SchedulerError", "run"]
