"""The registry of benchmark sizes and cases, and their targets."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

Input = Literal["path", "inventory"]


@dataclass(frozen=True)
class Size:
    """One generated design (:func:`vinfra.generate.generate_design` arguments)."""

    name: str
    hosts: int
    vms: int
    seed: int = 0
    pattern: str = "mixed"
    #: ``generate_design``'s skew (hot, cold): half the hosts' VMs at about ``hot`` of host CPU, half at ``cold``
    skew: tuple[float, float] | None = None
    #: only these cases run at this size (None: every case whose ``sizes`` allow it)
    cases: tuple[str, ...] | None = None


@dataclass(frozen=True)
class Target:
    """What a case must stay under at one size; ``None`` is no limit.

    ``than`` makes the time limit relative: at most case ``than``'s time on the same design file plus
    ``seconds`` (that case is then run too)."""

    seconds: float | None = None
    rss_mib: float | None = None
    #: relative: at most this case's time plus ``seconds`` (the load-error case against load)
    than: str | None = None
    #: the whole process: interpreter start-up, imports, the case and the exit
    process_seconds: float | None = None
    #: ``seconds`` is judged on wall time: for a case that runs its own worker processes (the failure sweep's
    #: pool), whose CPU time the case's own process does not count
    wall: bool = False

    def describe(self) -> str:
        parts = []
        if self.than is not None:
            parts.append(f"<= {self.than} + {self.seconds:g} s")
        elif self.seconds is not None:
            parts.append(f"< {self.seconds:g} s" + (" wall" if self.wall else ""))
        if self.process_seconds is not None:
            parts.append(f"process < {self.process_seconds:g} s")
        if self.rss_mib is not None:
            parts.append(f"< {self.rss_mib / 1024:g} GiB" if self.rss_mib >= 1024 else f"< {self.rss_mib:g} MiB")
        return ", ".join(parts) or "-"

    def met(self, seconds: float, rss_mib: float, process_seconds: float = 0.0,
            than_seconds: float | None = None) -> bool:
        if self.than is not None:
            if than_seconds is None:
                return False
            fast = seconds <= than_seconds + (self.seconds or 0.0)
        else:
            fast = self.seconds is None or seconds < self.seconds
        return (fast and (self.rss_mib is None or rss_mib < self.rss_mib)
                and (self.process_seconds is None or process_seconds < self.process_seconds))


@dataclass(frozen=True)
class Case:
    """A timed function.  ``input="path"`` times ``fn(design_path)``; ``input="inventory"``
    loads the design first (untimed, but counted in peak memory) and times ``fn(inventory)``.
    ``prepare`` (untimed) turns the generated design's path into the path the case reads, such as
    a copy with one error."""

    name: str
    fn: Callable[[Any], object]
    input: Input = "path"
    sizes: Sequence[str] | None = None  # None: every size
    formats: Sequence[str] = ("yaml",)
    targets: dict[str, Target] = field(default_factory=dict)
    #: untimed: turns the input into what ``fn`` takes (a trace's endpoint pair is searched here, not timed)
    prepare: Callable[[Any], Any] | None = None
    #: untimed, after the run: figures of ``fn``'s answer to print beside its time (raise SystemExit when the
    #: answer misses what the case must show)
    figures: Callable[[Any], dict[str, Any]] | None = None
    #: a ``vinfra`` command line (its arguments, given the design's path): the whole-process figures are then
    #: those of that command run as users run it, in a fresh process of its own, rather than of the benchmark's
    #: child (whose own imports and set-up are no part of the command's start-up)
    command: Callable[[Path], list[str]] | None = None


SIZES: dict[str, Size] = {}
CASES: dict[str, Case] = {}


def add_size(size: Size) -> Size:
    SIZES[size.name] = size
    return size


def register(c: Case) -> Case:
    if c.name in CASES:
        raise ValueError(f"benchmark case {c.name!r} is registered twice")
    CASES[c.name] = c
    return c


def case(name: str, *, input: Input = "path", sizes: Sequence[str] | None = None,
         formats: Sequence[str] = ("yaml",), targets: dict[str, Target] | None = None,
         prepare: Callable[[Any], Any] | None = None, figures: Callable[[Any], dict[str, Any]] | None = None,
         command: Callable[[Path], list[str]] | None = None,
         ) -> Callable[[Callable[[Any], object]], Callable[[Any], object]]:
    """Decorator: register ``fn`` as case ``name``."""

    def wrap(fn: Callable[[Any], object]) -> Callable[[Any], object]:
        register(Case(name, fn, input, sizes, formats, targets or {}, prepare, figures, command))
        return fn

    return wrap
