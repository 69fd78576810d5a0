"""``vinfra load``: render the rows of :mod:`vinfra.analysis.load`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from .main import EXIT_BAD_INPUT, FailOpt, app, err, out, print_table, report_design_error
from .network import Format, FormatOpt, _answer, _json


@app.command("load")
def load_command(
    design: Path = typer.Argument(..., metavar="DESIGN", help="Design file (YAML or JSON).", show_default=False),
    flows: Path | None = typer.Option(None, "--flows", metavar="FILE", show_default=False,
                                      help="A YAML or JSON list of {from, to, mbps} flows."),
    random_n: int | None = typer.Option(None, "--random", metavar="N", min=1, show_default=False,
                                        help="N random flows of 1 Mb/s between VM NICs (default: 1000)."),
    seed: int = typer.Option(0, "--seed", metavar="SEED", min=0, help="Seed of --random."),
    fail: list[str] = FailOpt,
    fmt: Format = FormatOpt,
) -> None:
    """Put flows on uplinks and links and report their load.

    Flows follow the teaming and hashing rules, outbound and inbound; prints the load of each uplink and
    inter-switch link and the spread (max/mean) of each team.

    Exit status: 0 answered, 2 bad input.
    """
    from ..analysis.load import FlowError, load, parse_flows, random_flows
    from ..io.design import parse_text
    from ..io.errors import DesignError
    from ..io.source_text import decode_design

    if flows is not None and random_n is not None:
        err.print("error: give --flows or --random, not both", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    data = None
    if flows is not None:
        try:
            data = parse_text(decode_design(flows.read_bytes(), str(flows)), str(flows), design=False)
        except OSError as exc:
            err.print(f"{flows}: error: cannot read: {exc.strerror}", markup=False)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        except DesignError as exc:
            report_design_error(exc)
            raise typer.Exit(EXIT_BAD_INPUT) from None

    def ask(snap: Any) -> dict[str, Any]:
        try:
            chosen = parse_flows(snap, data) if data is not None else random_flows(snap, random_n or 1000, seed)
        except FlowError as exc:
            err.print(f"{flows}: error: {exc}", markup=False)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        return load(snap, chosen)

    answer = _answer(design, fail, ask)
    if fmt is Format.json:
        _json(answer)
        return
    _text(answer)


def _text(answer: dict[str, Any]) -> None:
    from rich.table import Table

    teams = Table(title="spread per team (outbound, max / mean over the uplinks in use)")
    for col in ("host", "port group", "policy", "load (Mb/s)", "spread"):
        teams.add_column(col, overflow="fold")
    for t in answer["teams"]:
        loads = ", ".join(f"{u} {v:g}" for u, v in t["load_mbps"].items())
        teams.add_row(t["host"], t["portgroup"], t["policy"], loads, "-" if t["spread"] is None else f"{t['spread']:g}")
    print_table(teams)
    links = Table(title="load per uplink and inter-switch link (Mb/s)")
    for col in ("uplink or link", "direction", "Mb/s"):
        links.add_column(col, overflow="fold")
    for u in answer["uplinks"]:
        links.add_row(u["uplink"], u["direction"], f"{u['mbps']:g}")
    for k in answer["links"]:
        links.add_row(k["link"], "", f"{k['mbps']:g}")
    print_table(links)
    f = answer["flows"]
    out.print(f"{f['carried']} flows carried, {f['dropped']} dropped", markup=False)
