"""``vinfra patterns``: render :mod:`vinfra.analysis.patterns` as a table, JSON or Markdown."""

from __future__ import annotations

from typing import Any

import typer

from .main import EXIT_BAD_INPUT, app, err, out
from .network import _json

COLUMNS = ("pattern", "policy", "usable", "survives each single failure", "needs upstream detection", "spread")


def _cells(r: dict[str, Any]) -> list[str]:
    return [
        r["pattern"], r["policy"],
        "yes" if r["usable"] else f"no ({', '.join(r['why'])})",
        "yes" if r["survives"] else f"no ({', '.join(r['outages'][:2])}{', ...' if len(r['outages']) > 2 else ''})",
        "yes" if r["needs_upstream_detection"] else "no",
        "-" if r["spread"] is None else f"{r['spread']:g}",
    ]


@app.command()
def patterns(fmt: str = typer.Option("text", "--format", help="text, json or markdown.")) -> None:
    """The seed deck's comparison, computed: for each physical pattern (independent switches with and without
    link-state tracking, a stack, an MLAG pair) and each teaming policy, a small design run through the
    checker, the failure sweep and the load analysis."""
    if fmt not in ("text", "json", "markdown"):
        err.print(f"error: --format must be text, json or markdown, not {fmt!r}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    from ..analysis.patterns import table

    rows = table()
    if fmt == "json":
        _json({"rows": rows})
        return
    if fmt == "markdown":
        lines = ["| " + " | ".join(COLUMNS) + " |", "|" + "---|" * len(COLUMNS)]
        lines += ["| " + " | ".join(c.replace("|", "\\|") for c in _cells(r)) + " |" for r in rows]
        out.file.write("\n".join(lines) + "\n")
        out.file.flush()
        return
    from rich.table import Table

    t = Table(title="teaming policy x physical pattern (every cell computed)")
    for col in COLUMNS:
        t.add_column(col, overflow="fold")
    for r in rows:
        t.add_row(*_cells(r))
    out.print(t)
