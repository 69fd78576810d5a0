"""``vinfra patterns``: render :mod:`vinfra.analysis.patterns` as a table, JSON or Markdown."""

from __future__ import annotations

from enum import StrEnum
from typing import Any

import typer

from .main import app, out, print_table
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


class PatternsFormat(StrEnum):
    text = "text"
    json = "json"
    markdown = "markdown"


@app.command()
def patterns(fmt: PatternsFormat = typer.Option(PatternsFormat.text, "--format", "-f", help="Output format.")) -> None:
    """The seed deck's comparison of patterns and teaming policies, computed.

    For each physical pattern (independent switches with and without link-state tracking, a stack, an MLAG
    pair) and each teaming policy, a small design run through the checker, the failure sweep and the load
    analysis; no cell is typed in by hand.

    Exit status: 0.
    """
    from ..analysis.patterns import table

    rows = table()
    if fmt is PatternsFormat.json:
        _json({"rows": rows})
        return
    if fmt is PatternsFormat.markdown:
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
    print_table(t)
