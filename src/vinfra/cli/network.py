"""``vinfra trace`` and ``vinfra reach``: render the rows of :mod:`vinfra.analysis.trace` and
:mod:`vinfra.analysis.reach`."""

from __future__ import annotations

import gc
from collections.abc import Callable
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .main import EXIT_BAD_INPUT, app, err, load_or_exit, out

if TYPE_CHECKING:
    from ..network import Snapshot

# The analyses, the network engine, orjson and rich tables are imported inside the commands: the command
# line starts (and ``--help`` answers) without them.

FailOpt = typer.Option(None, "--fail", help="Fail a device, interface or link (repeatable).", show_default=False)
FormatOpt = typer.Option("text", "--format", help="text or json.")


def _snapshot(design: Path, fail: list[str] | None) -> Snapshot:
    from ..network import FailureError, Snapshot

    inv = load_or_exit(design)
    # the loaded design lives as long as the command: keep the collector from walking its million objects
    # again and again while the analysis allocates (a 2,500-host design: seconds); the command unfreezes
    gc.freeze()
    try:
        snap = Snapshot(inv, fail=fail or [])
        _ = snap.failed
        return snap
    except FailureError as exc:
        err.print(f"{design}: error: {exc}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _check_format(fmt: str) -> None:
    if fmt not in ("text", "json"):
        err.print(f"error: --format must be text or json, not {fmt!r}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)


def _json(data: object) -> None:
    import orjson

    # straight to the console's file: JSON needs no rendering, and rich takes seconds over a megabyte of it
    text = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
    out.file.write(text + "\n")
    out.file.flush()


@app.command()
def trace(
    design: Path = typer.Argument(..., help="Design file.", show_default=False),
    src: str = typer.Argument(..., help="Source endpoint: web01, web01:nic1, esx01:vmk0, dist-1:Vlan10 or an address.", show_default=False),
    dst: str = typer.Argument(..., help="Destination endpoint.", show_default=False),
    fail: list[str] = FailOpt,
    size: int = typer.Option(None, "--size", help="ICMP payload of a don't-fragment ping (vmkping -d -s); checks MTUs (S7).", show_default=False),
    fmt: str = FormatOpt,
) -> None:
    """Trace one ping hop by hop: ARP, echo request and reply, with the rule behind each decision."""
    from rich.table import Table

    from ..analysis.trace import COLUMNS
    from ..analysis.trace import trace as trace_answer
    _check_format(fmt)
    answer = _answer(design, fail, lambda snap: trace_answer(snap, src, dst, size))
    if fmt == "json":
        _json(answer)
        return
    table = Table(title=f"ping {src} -> {dst}", show_lines=False)
    for col in COLUMNS:
        table.add_column(col, overflow="fold")
    for row in answer["rows"]:
        table.add_row(*["" if row[c] is None else str(row[c]) for c in COLUMNS])
    out.print(table)
    verdict = answer["verdict"]
    out.print(f"{verdict}" + (f": {answer['reason']}" if answer["reason"] else "")
              + (f" [{answer['rule']}]" if answer["rule"] else ""), markup=False)


def _answer(design: Path, fail: list[str], ask: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """Load the design, apply the failures and ask; an unknown endpoint is bad input (exit 2)."""
    from ..network.endpoints import EndpointError

    try:
        return ask(_snapshot(design, fail))
    except EndpointError as exc:
        err.print(f"{design}: error: {exc}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    finally:
        gc.unfreeze()  # frozen by _snapshot; a caller running commands in-process gets its collector back


@app.command()
def reach(
    design: Path = typer.Argument(..., help="Design file.", show_default=False),
    fail: list[str] = FailOpt,
    sources: list[str] = typer.Option(None, "--from", help="Only from these endpoints (repeatable).", show_default=False),
    targets: list[str] = typer.Option(None, "--to", help="Only to these endpoints (repeatable).", show_default=False),
    fmt: str = FormatOpt,
) -> None:
    """Who can ping whom.  Prints classes of endpoints that all reach each other; pairs (with the reason
    when unreachable) are listed when --from/--to restrict the question or the design is small."""
    from rich.table import Table

    from ..analysis.reach import reach as reach_answer
    _check_format(fmt)
    answer = _answer(design, fail, lambda snap: reach_answer(snap, sources or None, targets or None))
    if fmt == "json":
        _json(answer)
        return
    classes = Table(title=f"{answer['endpoints']} endpoints in {len(answer['classes'])} classes (each class reaches itself)")
    for col in ("class", "size", "members", "reaches classes"):
        classes.add_column(col, overflow="fold")
    for c in answer["classes"]:
        members = c["members"]
        shown = ", ".join(members[:8]) + (f", ... (+{len(members) - 8})" if len(members) > 8 else "")
        classes.add_row(str(c["class"]), str(c["size"]), shown, ", ".join(map(str, c["reaches"])) or "-")
    out.print(classes)
    if "pairs" in answer:
        pairs = Table(title="pairs")
        for col in ("src", "dst", "reachable", "reason"):
            pairs.add_column(col, overflow="fold")
        for p in answer["pairs"]:
            pairs.add_row(p["src"], p["dst"], "yes" if p["reachable"] else "no", p["reason"] or "")
        out.print(pairs)
        n_ok = sum(p["reachable"] for p in answer["pairs"])
        out.print(f"{n_ok} of {len(answer['pairs'])} pairs reachable", markup=False)
    else:
        out.print(answer["note"], markup=False)
