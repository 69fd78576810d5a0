"""``vinfra failures``: render the rows of :mod:`vinfra.analysis.failures`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from . import heap
from .main import EXIT_BAD_INPUT, app, err, load_or_exit, out, print_table
from .network import Format, FormatOpt, _json


def _bad(message: str) -> typer.Exit:
    err.print(f"error: {message}", markup=False)
    return typer.Exit(EXIT_BAD_INPUT)


@app.command()
def failures(
    design: Path = typer.Argument(..., metavar="DESIGN", help="Design file (YAML or JSON).", show_default=False),
    depth: int = typer.Option(1, "--depth", metavar="1|2", min=1, max=2,
                              help="1: every single failure; 2: also every pair of failures neither of which "
                                   "is an outage alone."),
    only: list[str] = typer.Option([], "--only", metavar="KINDS", show_default=False,
                                   help="Only these kinds: switches, links, nics, hosts (repeatable, or "
                                        "comma-separated)."),
    fmt: Format = FormatOpt,
    workers: int | None = typer.Option(None, "--workers", metavar="N", min=1, show_default=False,
                                       help="Local worker processes (default: the machine's CPUs)."),
    scheduler: str | None = typer.Option(None, "--scheduler", metavar="ADDRESS", show_default=False,
                                         help="Run on a Dask cluster: the scheduler's tcp://HOST:PORT."),
) -> None:
    """Fail every element in turn and say what breaks.

    Fails every switch, inter-switch link, host pNIC and host in turn (or every pair with --depth 2) and
    compares reachability with the intact design: impact (none, degraded, outage), endpoint pairs lost,
    endpoints black-holed and why, and the estimated recovery time.

    Exit status: 0 answered (whatever the impact), 2 bad input.
    """
    from ..analysis.failures import KINDS, SweepError, runner, sweep
    from ..execute import SchedulerError

    kinds = [k.strip() for item in (only or []) for k in item.split(",") if k.strip()]
    bad = [k for k in kinds if k not in KINDS]
    if bad:
        raise _bad(f"--only {bad[0]}: expected one of {', '.join(KINDS)}")
    if depth not in (1, 2):
        raise _bad(f"--depth {depth}: expected 1 or 2")
    if workers is not None and workers < 1:
        raise _bad(f"--workers {workers}: expected 1 or more")
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://", "ws://", "wss://")):
        raise _bad(f"--scheduler {scheduler}: expected an address such as tcp://HOST:8786")
    inv = load_or_exit(design)
    text = design.read_text(encoding="utf-8")
    heap.freeze()  # the loaded design lives as long as the command (see cli.heap)
    try:
        with _progress() as progress:
            run = runner(text, str(design), workers=workers, scheduler=scheduler, progress=progress)
            try:
                answer = sweep(inv, depth=depth, only=kinds or None, run=run)
            except (SweepError, SchedulerError) as exc:
                raise _bad(str(exc)) from None
    finally:
        heap.thaw()
    if fmt is Format.json:
        _json(answer)
        return
    _text(answer)


class _progress:
    """A rich progress bar on stderr when it is a terminal; nothing otherwise (output stays byte-identical)."""

    def __enter__(self) -> Any:
        if not err.is_terminal:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn("scenarios"), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            console=err, transient=True)
        self.bar.start()
        self.task = self.bar.add_task("sweep", total=None)

        def update(done: int, total: int) -> None:
            self.bar.update(self.task, completed=done, total=total)

        return update

    def __exit__(self, *exc: object) -> None:
        if err.is_terminal:
            self.bar.stop()


def _text(answer: dict[str, Any]) -> None:
    from rich.table import Table

    rows = answer["scenarios"]
    table = Table(title=f"{len(rows)} failure scenarios")
    for col in ("fail", "impact", "lost", "blackholed", "recovery", "explanation"):
        table.add_column(col, overflow="fold")
    for r in rows:
        bh = ", ".join(b["endpoint"] for b in r["blackholed"][:4]) + (f" (+{len(r['blackholed']) - 4})" if len(r["blackholed"]) > 4 else "")
        rec = "-" if r["recovery_s"] is None else f"{r['recovery_s']:g} s"
        table.add_row(" + ".join(r["fail"]), r["impact"], str(len(r["lost"])), bh, rec, r["explanation"])
    print_table(table)
    why = sorted({(b["endpoint"], b["why"]) for r in rows for b in r["blackholed"]})
    if why:
        out.print("black-holed endpoints:", markup=False)
        for name, reason in why:
            out.print(f"  {name}: {reason}", markup=False)
    counts = {k: sum(r["impact"] == k for r in rows) for k in ("outage", "degraded", "none")}
    out.print(f"{counts['outage']} outage, {counts['degraded']} degraded, {counts['none']} none", markup=False)
