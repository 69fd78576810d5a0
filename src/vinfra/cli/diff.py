"""``vinfra diff``: render the rows of :mod:`vinfra.analysis.diff`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from . import heap
from .main import EXIT_BAD_INPUT, FailOpt, app, err, load_or_exit, out, print_table
from .network import Format, FormatOpt, _json


@app.command()
def diff(
    design: Path = typer.Argument(..., metavar="DESIGN", help="The design as it is (YAML or JSON).", show_default=False),
    other: Path | None = typer.Argument(None, metavar="[OTHER]", show_default=False,
                                        help="The design as it would be after the change."),
    fail: list[str] = FailOpt,
    fmt: Format = FormatOpt,
) -> None:
    """What a change does to reachability and findings.

    Lists the endpoint pairs whose reachability changed and the check findings that appeared or went away,
    between DESIGN and OTHER, or between DESIGN intact and with the --fail elements failed (with OTHER,
    --fail applies to OTHER).

    Exit status: 0 answered (whatever the difference), 2 bad input.
    """
    from ..analysis.diff import diff as diff_answer
    from ..network import FailureError, Snapshot

    if other is None and not fail:
        err.print("error: give a second design or at least one --fail", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    inv_a = load_or_exit(design)
    inv_b = load_or_exit(other) if other is not None else inv_a
    heap.freeze()  # the loaded designs live as long as the command (see cli.heap)
    try:
        try:
            after = Snapshot(inv_b, fail=fail or [])
        except FailureError as exc:
            err.print(f"{other or design}: error: {exc}", markup=False)
            raise typer.Exit(EXIT_BAD_INPUT) from None
        answer = diff_answer(Snapshot(inv_a), after)
    finally:
        heap.thaw()
    if fmt is Format.json:
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
        print_table(table)
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
