"""``vinfra trace`` and ``vinfra reach``: render the rows of :mod:`vinfra.analysis.trace` and
:mod:`vinfra.analysis.reach`."""

from __future__ import annotations

from collections.abc import Callable
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from . import heap
from .main import EXIT_BAD_INPUT, EXIT_NEGATIVE, FailOpt, app, err, load_or_exit, not_empty, out, print_table

if TYPE_CHECKING:
    from ..network import Snapshot

# The analyses, the network engine, orjson and rich tables are imported inside the commands: the command
# line starts (and ``--help`` answers) without them.


class Format(StrEnum):
    text = "text"
    json = "json"


FormatOpt = typer.Option(Format.text, "--format", "-f", help="Output format.")
ENDPOINT = "a VM, VM:nicN, HOST:vmkN, SWITCH:VlanN or an IPv4 address"
#: the largest ICMP payload of one IPv4 packet: 65535 bytes less the IPv4 (20) and ICMP (8) headers
MAX_PING_PAYLOAD = 65507


def _snapshot(design: Path, fail: list[str] | None) -> Snapshot:
    from ..network import FailureError, Snapshot

    inv = load_or_exit(design)
    # the loaded design lives as long as the command: keep the collector from walking its million objects
    # again and again while the analysis allocates (a 2,500-host design: seconds); the command thaws (heap)
    heap.freeze()
    try:
        snap = Snapshot(inv, fail=fail or [])
        _ = snap.failed
        heap.freeze()  # the derived state lives as long as the design
        return snap
    except FailureError as exc:
        err.print(f"{design}: error: {exc}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _json(data: object) -> None:
    import orjson

    # straight to the console's file: JSON needs no rendering, and rich takes seconds over a megabyte of it
    text = orjson.dumps(data, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode()
    out.file.write(text + "\n")
    out.file.flush()


@app.command()
def trace(
    design: Path = typer.Argument(..., metavar="DESIGN", help="Design file (YAML or JSON).", show_default=False),
    src: str = typer.Argument(..., metavar="SRC", show_default=False,
                              help=f"Source endpoint: {ENDPOINT} (web01, web01:nic1, esx01:vmk0, dist-1:Vlan10)."),
    dst: str = typer.Argument(..., metavar="DST", help="Destination endpoint, named as SRC is.", show_default=False),
    fail: list[str] = FailOpt,
    size: int | None = typer.Option(
        None, "--size", metavar="BYTES", min=0, max=MAX_PING_PAYLOAD, show_default=False,
        help="Send a don't-fragment ping of this ICMP payload (vmkping -d -s) and check every MTU on the way (S7)."),
    fmt: Format = FormatOpt,
) -> None:
    """Trace one ping hop by hop.

    Walks the ARP exchange, the echo request and its reply through port-group tagging, uplink choice, each
    switch port's VLAN admission, spanning tree, gateways and routed hops, naming the behaviour rule behind
    each decision; then prints the verdict.

    Exit status: 0 reachable, 1 unreachable (as ping), 2 bad input.
    """
    from rich.table import Table

    from ..analysis.trace import COLUMNS
    from ..analysis.trace import trace as trace_answer
    answer = _answer(design, fail, lambda snap: trace_answer(snap, src, dst, size))
    code = 0 if answer["reachable"] else EXIT_NEGATIVE
    if fmt is Format.json:
        _json(answer)
        raise typer.Exit(code)
    table = Table(title=f"ping {src} -> {dst}", show_lines=False)
    for col in COLUMNS:
        table.add_column(col, overflow="fold")
    for row in answer["rows"]:
        table.add_row(*["" if row[c] is None else str(row[c]) for c in COLUMNS])
    print_table(table)
    verdict = answer["verdict"]
    out.print(f"{verdict}" + (f": {answer['reason']}" if answer["reason"] else "")
              + (f" [{answer['rule']}]" if answer["rule"] else ""), markup=False)
    raise typer.Exit(code)


def _answer(design: Path, fail: list[str], ask: Callable[[Any], dict[str, Any]]) -> dict[str, Any]:
    """Load the design, apply the failures and ask; an unknown endpoint is bad input (exit 2)."""
    from ..network.endpoints import EndpointError

    try:
        snap = _snapshot(design, fail)
        with heap.no_collections():  # the analysis' objects live to the end or die by reference counting
            return ask(snap)
    except EndpointError as exc:
        err.print(f"{design}: error: {exc}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    finally:
        heap.thaw()  # frozen by _snapshot; a caller running commands in-process gets its collector back


@app.command()
def reach(
    design: Path = typer.Argument(..., metavar="DESIGN", help="Design file (YAML or JSON).", show_default=False),
    fail: list[str] = FailOpt,
    sources: list[str] = typer.Option(
        [], "--from", metavar="SRC", callback=not_empty(ENDPOINT), show_default=False,
        help=f"Only from this endpoint: {ENDPOINT}.  Repeatable."),
    targets: list[str] = typer.Option(
        [], "--to", metavar="DST", callback=not_empty(ENDPOINT), show_default=False,
        help="Only to this endpoint, named as for --from.  Repeatable."),
    fmt: Format = FormatOpt,
) -> None:
    """Who can ping whom.

    Prints classes of endpoints that all reach each other (VM NICs, VMkernel and Service Console ports,
    SVIs and FHRP addresses) and the classes each class reaches.  Pairs, with the reason when unreachable,
    are listed when --from or --to restrict the question, or when the design is small.

    Exit status: 0 answered (whatever the answer), 2 bad input.
    """
    from rich.table import Table

    from ..analysis.reach import reach as reach_answer
    answer = _answer(design, fail, lambda snap: reach_answer(snap, sources or None, targets or None))
    if fmt is Format.json:
        _json(answer)
        return
    classes = Table(title=f"{answer['endpoints']} endpoints in {len(answer['classes'])} classes (each class reaches itself)")
    for col in ("class", "size", "members", "reaches classes"):
        classes.add_column(col, overflow="fold")
    for c in answer["classes"]:
        members = c["members"]
        shown = ", ".join(members[:8]) + (f", ... (+{len(members) - 8})" if len(members) > 8 else "")
        classes.add_row(str(c["class"]), str(c["size"]), shown, ", ".join(map(str, c["reaches"])) or "-")
    print_table(classes)
    if "pairs" in answer:
        pairs = Table(title="pairs")
        for col in ("src", "dst", "reachable", "reason"):
            pairs.add_column(col, overflow="fold")
        for p in answer["pairs"]:
            pairs.add_row(p["src"], p["dst"], "yes" if p["reachable"] else "no", p["reason"] or "")
        print_table(pairs)
        n_ok = sum(p["reachable"] for p in answer["pairs"])
        out.print(f"{n_ok} of {len(answer['pairs'])} pairs reachable", markup=False)
    else:
        out.print(answer["note"], markup=False)
