"""``vinfra diff``: render the rows of :mod:`vinfra.analysis.diff`."""

from __future__ import annotations

import gc
from pathlib import Path
from typing import Any

import typer

from .main import EXIT_BAD_INPUT, app, err, load_or_exit, out
from .network import FailOpt, _check_format, _json


@app.command()
def diff(
    design: Path = typer.Argument(..., help="The design as it is.", show_default=False),
    other: Path = typer.Argument(None, help="The design as it would be after the change.", show_default=False),
    fail: list[str] = FailOpt,
    fmt: str = typer.Option("text", "--format", help="text or json."),
) -> None:
    """What a change does: endpoint pairs whose reachability changed and check findings that appeared or went
    away, between DESIGN and OTHER, or between DESIGN intact and with --fail elements failed (with OTHER,
    --fail applies to OTHER)."""
    from ..analysis.diff import diff as diff_answer
    from ..network import FailureError, Snapshot

    _check_format(fmt)
    if other is None and not fail:
        err.print("error: give a second design or at least one --fail", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    inv_a = load_or_exit(design)
    inv_b = load_or_exit(other) if other is not None else inv_a
    gc.freeze()  # the loaded designs live as long as the command (see cli.network)
    try:
        try:
            after = Snapshot(inv_b, fail=fail or [])
        except FailureError as exc:
            err.print(f"{other or design}: error: {exc}", markup=False)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        answer = diff_answer(Snapshot(inv_a), after)
    finally:
        gc.unfreeze()
    if fmt == "json":
        _json(answer)
        return
    _text(answer)


def _text(answer: dict[str, Any]) -> None:
    from rich.table import Table

    eps = answer["endpoints"]
    if eps["added"] or eps["removed"]:
        out.print(f"endpoints added: {', '.join(eps['added']) or '-'}; removed: {', '.join(eps['removed']) or '-'}",
                  markup=False)
    if answer["pairs"]:
        table = Table(title=f"{answer['pairs_changed']} endpoint pairs changed")
        for col in ("src", "dst", "before", "after"):
            table.add_column(col, overflow="fold")
        for p in answer["pairs"]:
            table.add_row(p["src"], p["dst"], "reachable" if p["before"] else "unreachable",
                          "reachable" if p["after"] else "unreachable")
        out.print(table)
        if answer["pairs_changed"] > len(answer["pairs"]):
            out.print(f"(the first {len(answer['pairs'])} listed)", markup=False)
    for title, key, sign in (("findings that appeared", "appeared", "+"), ("findings that went away", "went_away", "-")):
        rows = answer["findings"][key]
        if rows:
            out.print(f"{title}:", markup=False)
            for f in rows:
                loc = f["location"]
                where = f"{loc['file']}:{loc['line']}:{loc['column']}: " if loc["file"] and loc["line"] else ""
                out.print(f"  {sign} {where}{f['code']} {f['rule']} [{f['severity']}] {f['message']}", markup=False)
    n_f = len(answer["findings"]["appeared"]) + len(answer["findings"]["went_away"])
    out.print(f"{answer['pairs_changed']} pairs changed, {len(answer['findings']['appeared'])} findings appeared, "
              f"{len(answer['findings']['went_away'])} went away" + ("" if answer["pairs_changed"] or n_f else ": no difference"),
              markup=False)
