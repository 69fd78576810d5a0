"""Validating a change: apply the operations to the head's data and validate the whole design (the same
validation as ``vinfra validate``), answering the operations normalized (every default filled in) or the
design's diagnostics.

Validation of a large design is CPU-bound Python (a second for 2,000 VMs on a busy machine); run in the server
process it would hold the interpreter lock and starve the reads answered on the event loop.  So
:class:`SubprocessValidator` (``vinfra serve``'s default) runs it in one worker process that keeps the designs
it validated by a state id, so a change sends only its operations; the server applies the normalized
operations to its own copy of the data, and builds an Inventory only when an analysis asks for one.
:class:`InProcessValidator` does the same in the calling thread (tests: no process to start).
"""

from __future__ import annotations

import uuid
from collections import OrderedDict
from concurrent.futures import ProcessPoolExecutor
from typing import Any

from ..io.design import from_data
from ..io.errors import DesignError
from ..model import Inventory

#: a validation: ("ok", normalized ops) or ("invalid", [(field, message)...])
Outcome = tuple[str, Any]
#: designs a worker keeps, by state id (the head and a few before it)
KEEP = 4


def new_state_id() -> str:
    return uuid.uuid4().hex


def validate_ops(data: dict[str, Any], ops: list[dict[str, Any]]) -> tuple[Outcome, dict[str, Any] | None,
                                                                           Inventory | None]:
    """(outcome, the new data, the new Inventory) of applying ``ops`` to ``data``."""
    from .store import apply_ops, normalized

    new = apply_ops(data, ops)
    try:
        inv = from_data(new, source="<change>")
    except DesignError as exc:
        return ("invalid", [d.message for d in exc.diagnostics]), None, None
    norm, new = normalized(ops, new, inv)
    return ("ok", norm), new, inv


class InProcessValidator:
    def validate(self, state: str, data: dict[str, Any], ops: list[dict[str, Any]], new_state: str
                 ) -> tuple[Outcome, Inventory | None]:
        outcome, _, inv = validate_ops(data, ops)
        return outcome, inv

    def prime(self, state: str, data: dict[str, Any]) -> None:
        pass

    def close(self) -> None:
        pass


# the worker process's designs by state id
_designs: OrderedDict[str, dict[str, Any]] = OrderedDict()


def _worker_validate(state: str, data: dict[str, Any] | None, ops: list[dict[str, Any]], new_state: str
                     ) -> Outcome | None:
    if data is not None:
        _designs[state] = data
    base = _designs.get(state)
    if base is None:
        return None  # the caller sends the data
    outcome, new, _ = validate_ops(base, ops)
    if new is not None:
        _designs[new_state] = new
        while len(_designs) > KEEP:
            _designs.popitem(last=False)
    return outcome


def _lower_priority(nice: int) -> None:
    import os

    os.nice(nice)


def _worker_prime(state: str, data: dict[str, Any]) -> None:
    _designs[state] = data
    while len(_designs) > KEEP:
        _designs.popitem(last=False)


def niced_worker(nice: int) -> ProcessPoolExecutor:
    """One worker process ``nice`` steps below the server (a fresh forkserver interpreter, not a fork of a
    process running threads), for CPU-bound work kept off the server's interpreter lock."""
    import multiprocessing

    return ProcessPoolExecutor(max_workers=1, mp_context=multiprocessing.get_context("forkserver"),
                               initializer=_lower_priority, initargs=(nice,))


class SubprocessValidator:
    """Validation in one worker process, ``nice`` steps below the server: on a busy machine the reads (the
    server's event loop) get more of the CPU than a write's validation.  Not more than a few steps: at nice
    10 on a machine with a load average of 16 the worker got ~2 % of a CPU and a write waited 20 s."""

    def __init__(self, nice: int = 5) -> None:
        self._pool = niced_worker(nice)

    def validate(self, state: str, data: dict[str, Any], ops: list[dict[str, Any]], new_state: str
                 ) -> tuple[Outcome, Inventory | None]:
        outcome = self._pool.submit(_worker_validate, state, None, ops, new_state).result()
        if outcome is None:  # the worker does not hold this state yet: send it once
            outcome = self._pool.submit(_worker_validate, state, data, ops, new_state).result()
        assert outcome is not None
        return outcome, None

    def prime(self, state: str, data: dict[str, Any]) -> None:
        """Start the worker and give it the head before the first write (measured: under load the worker's
        start and the first transfer of a 2,000-VM design held the first write ~9 s)."""
        self._pool.submit(_worker_prime, state, data).result()

    def close(self) -> None:
        self._pool.shutdown(wait=True, cancel_futures=True)
