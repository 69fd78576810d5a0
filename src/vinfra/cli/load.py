"""``vinfra load``: render the rows of :mod:`vinfra.analysis.load`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from .main import EXIT_BAD_INPUT, app, err, out, report_design_error
from .network import FailOpt, _answer, _check_format, _json


@app.command("load")
def load_command(
    design: Path = typer.Argument(..., help="Design file.", show_default=False),
    flows: Path = typer.Option(None, "--flows", help="YAML or JSON list of {from, to, mbps} flows.", show_default=False),
    random_n: int = typer.Option(None, "--random", help="N random flows of 1 Mb/s between VM NICs [1000].",
                                 show_default=False),
    seed: int = typer.Option(0, "--seed", help="Seed of --random."),
    fail: list[str] = FailOpt,
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """Put flows on uplinks and inter-switch links by the teaming and hashing rules, outbound and inbound;
    report the load of each uplink and link and the spread (max/mean) of each team."""
    from ..analysis.load import FlowError, load, parse_flows, random_flows
    from ..io.design import parse_text
    from ..io.errors import DesignError

    _check_format(fmt)
    if flows is not None and random_n is not None:
        err.print("error: give --flows or --random, not both", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    if random_n is not None and random_n < 1:
        err.print(f"error: --random {random_n}: expected 1 or more", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    data = None
    if flows is not None:
        try:
            data = parse_text(flows.read_text(encoding="utf-8"), str(flows))
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
    if fmt == "json":
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
    out.print(teams)
    links = Table(title="load per uplink and inter-switch link (Mb/s)")
    for col in ("uplink or link", "direction", "Mb/s"):
        links.add_column(col, overflow="fold")
    for u in answer["uplinks"]:
        links.add_row(u["uplink"], u["direction"], f"{u['mbps']:g}")
    for k in answer["links"]:
        links.add_row(k["link"], "", f"{k['mbps']:g}")
    out.print(links)
    f = answer["flows"]
    out.print(f"{f['carried']} flows carried, {f['dropped']} dropped", markup=False)
