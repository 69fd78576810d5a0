"""The collector and the loaded design: keep full collections off objects that live as long as the command.

A loaded design is about a million container objects that stay alive until the command ends; every full
collection walks them again (a 2,500-host reach ran about 11, up to 0.47 s each), and thawing them at exit
cost one more 2 s pass.  Commands freeze the design after loading it and after building derived state.
When the command is the whole process (the ``vinfra`` entry point) nothing is thawed: the process ends and
its frozen objects need no collection.  A caller running commands in-process (tests, a server) gets its
collector back after each command, so that nothing stays frozen between commands.
"""

from __future__ import annotations

import gc
import os
import sys
from collections.abc import Iterator
from contextlib import contextmanager

_whole_process = False
_kept: list[object] = []  # see :func:`keep_until_exit`


#: (young, middle, old) collection thresholds while the command is the whole process: a full collection
#: walks every object built so far, and what a command builds (the design, its derived state, the analyses'
#: memos) lives until the process ends, so full collections find next to nothing to free.  Young and middle
#: collections still free short-lived cycles.  (A 2,500-host reach: 10.2 s -> 8.2 s in process.)
WHOLE_PROCESS_THRESHOLDS = (700, 10, 1000)


def whole_process() -> None:
    """Called by the entry point: the process ends with the command, so frozen objects stay frozen and full
    collections are rare (:data:`WHOLE_PROCESS_THRESHOLDS`)."""
    global _whole_process
    _whole_process = True
    gc.set_threshold(*WHOLE_PROCESS_THRESHOLDS)


@contextmanager
def no_collections() -> Iterator[None]:
    """No automatic collection inside the block when the command is the whole process.  For a run whose
    objects either live to the end or die by reference counting: ``vinfra check`` on a 2,500-host design
    runs about 2,000 young and 200 middle collections over its rules (0.15-0.25 s of CPU) and leaves five
    objects in cycles behind.  In-process callers (tests, a server) keep their collector running."""
    if not _whole_process or not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        # what the block built lives to the end (the process ends with the command): out of the collector's
        # reach, or the first young collection after it walks every object the block allocated (a 2,500-host
        # reach: 0.25 s more than collecting all along)
        gc.freeze()
        gc.enable()


def freeze() -> None:
    """Move every object alive now out of the collector's reach (long-lived: the design, derived state)."""
    gc.freeze()


def thaw() -> None:
    """On the way out of a command: give an in-process caller its collector back; at process exit, skip."""
    if not _whole_process:
        gc.unfreeze()


def keep() -> None:
    """Right after loading: freeze the design when the process ends with the command (nothing to thaw);
    in-process callers keep their collector, as commands that do not thaw must leave it."""
    if _whole_process:
        gc.freeze()


def keep_until_exit(obj: object) -> None:
    """When the command is the whole process: hold ``obj`` until :func:`leave` ends it, so that it is never torn
    down object by object (a 2,500-host check's rule context: 0.03 s).  In-process callers: nothing held."""
    if _whole_process:
        _kept.append(obj)


def leave(code: int) -> None:
    """End the process now, output flushed: tearing down a loaded design object by object costs a quarter
    of a second of a 2,500-host validate, for memory the operating system takes back at once anyway."""
    try:
        sys.stdout.flush()
        sys.stderr.flush()
    except (BrokenPipeError, ValueError):  # a closed pipe: the reader is gone, the status still counts
        pass
    os._exit(code)
