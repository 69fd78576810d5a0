"""``vinfra check``, ``vinfra rules`` and ``vinfra rule``: the consistency checks, rendered.

Only formatting lives here: the run, its rows and documents come from :mod:`vinfra.checks`.
"""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING

import typer

from . import heap
from .main import EXIT_BAD_INPUT, FailOpt, app, err, load_or_exit, not_empty, out, print_table

if TYPE_CHECKING:
    from ..checks.engine import CheckRun, Rule
    from ..model import Inventory

# The checks, the model, the network engine, orjson and rich tables are imported inside the commands: the
# command line starts (and --help answers) without them (issue 9: the start-up floor of every command).

SELECTOR = "a rule's slug, code or code prefix (VN2)"


class Format(StrEnum):
    text = "text"
    json = "json"
    sarif = "sarif"


class RulesFormat(StrEnum):
    text = "text"
    json = "json"


class FailOn(StrEnum):
    error = "error"
    warning = "warning"
    never = "never"


def _dump(doc: object) -> None:
    import orjson

    # plain writes: rich's console is slow on megabytes of text, and JSON needs no styling
    sys.stdout.write(orjson.dumps(doc, option=orjson.OPT_INDENT_2 | orjson.OPT_SORT_KEYS).decode() + "\n")


@app.command()
def check(
    design: Path = typer.Argument(..., metavar="DESIGN", help="Design file (YAML or JSON).", show_default=False),
    fmt: Format = typer.Option(Format.text, "--format", "-f", help="Output format."),
    select: list[str] = typer.Option(
        [], "--select", metavar="RULES", callback=not_empty(SELECTOR, commas=True), show_default=False,
        help="Run only these rules: slugs, codes or code prefixes (VN2), comma-separated or repeated.  "
             "Default: every rule."),
    ignore: list[str] = typer.Option(
        [], "--ignore", metavar="RULES", callback=not_empty(SELECTOR, commas=True), show_default=False,
        help="Skip these rules: slugs, codes or code prefixes, comma-separated or repeated."),
    fail_on: FailOn = typer.Option(FailOn.error, "--fail-on",
                                   help="Exit 1 when a finding of this severity or worse exists (never: exit 0)."),
    fail: list[str] = FailOpt,
) -> None:
    """Find where the vSwitch side and the switch side disagree.

    Prints every finding as FILE:LINE:COL: CODE slug [severity] message, with a fix for both sides, then a
    summary.  A rule that cannot judge a case reports it as unknown.

    Exit status: 0 clean, 1 a finding (failed or unknown) at or above --fail-on, 2 bad input.
    """
    from ..checks.engine import SelectionError, select_rules

    try:
        rules = select_rules(select, ignore)
    except SelectionError as exc:
        err.print(f"error: {exc}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    inv = load_or_exit(design)
    # the inventory lives for the whole run: keep the collector from rescanning its objects
    # (about a quarter of the check time on a 2,500-host design); see heap
    heap.freeze()
    try:
        code = _run_and_print(inv, str(design), fmt, rules, fail, fail_on.value)
    finally:
        heap.thaw()
    raise typer.Exit(code)


def _run_and_print(inv: Inventory, design: str, fmt: Format, rules: list[Rule], fail: list[str], fail_on: str = "error") -> int:
    from ..checks import report
    from ..checks.engine import run_checks
    from ..network import FailureError, Snapshot

    try:
        snap = Snapshot(inv, fail=fail)
    except FailureError as exc:
        err.print(f"error: {exc}", markup=False)
        return EXIT_BAD_INPUT
    heap.freeze()  # the derived state lives as long as the design
    with heap.no_collections():  # the rules' objects live to the end or die by reference counting
        run = run_checks(snap, rules=rules)  # what they leave alive is frozen as the block ends (heap)
    heap.keep_until_exit(run)  # with its rules' context (:attr:`CheckRun.context`): never torn down object by object
    if fmt is Format.json:
        _dump(report.to_json(run))
    elif fmt is Format.sarif:
        _dump(report.to_sarif(run))
    else:
        lines = report.text_lines(run)
        if lines:
            sys.stdout.write("\n".join(lines) + "\n")
        _print_summary(run, design)
    return report.exit_code(run, fail_on)


def _print_summary(run: CheckRun, design: str) -> None:
    from rich.table import Table

    from ..checks import report

    totals = report.totals(run)
    rows = report.summary_rows(run)
    if rows:
        table = Table(title=None, show_edge=False, pad_edge=False)
        for name, justify in (("code", "left"), ("rule", "left"), ("severity", "left"), ("findings", "right"),
                              ("unknown", "right")):
            table.add_column(name, justify=justify)  # type: ignore[arg-type]
        for code, slug, sev, fails, unknowns in rows:
            table.add_row(code, slug, sev, str(fails), str(unknowns))
        out.print()
        print_table(table)
    found = sum(totals[k] for k in ("error", "warning", "info"))
    out.print(f"{design}: {found} finding{'s' if found != 1 else ''} ({totals['error']} error, {totals['warning']} "
              f"warning, {totals['info']} info; {totals['unknown']} unknown) from {totals['rules']} "
              f"rule{'s' if totals['rules'] != 1 else ''}", markup=False)


@app.command("rules")
def rules_cmd(fmt: RulesFormat = typer.Option(RulesFormat.text, "--format", "-f", help="Output format.")) -> None:
    """List the check rules: code, slug, severity, summary.

    Exit status: 0.
    """
    from rich.table import Table

    from ..checks import report
    from ..checks.engine import all_rules

    rows = [report.rule_row(r) for r in all_rules()]
    if fmt is RulesFormat.json:
        _dump({"rules": rows})
        return
    table = Table(show_edge=False, pad_edge=False)
    for name in ("code", "rule", "severity", "summary"):
        table.add_column(name)
    for row in rows:
        table.add_row(row["code"], row["rule"], row["severity"], row["summary"])
    print_table(table)


@app.command("rule")
def rule_cmd(name: str = typer.Argument(..., metavar="RULE", help="A rule's slug or code.", show_default=False)) -> None:
    """Print one rule's documentation.

    What the rule checks, why it matters, a failing and a passing example, the fix, and the behaviour rules
    it rests on.

    Exit status: 0, or 2 when no rule has that slug or code.
    """
    from ..checks.engine import all_rules, get_rule

    r = get_rule(name)
    if r is None:
        close = [x.slug for x in all_rules() if name.lower() in x.slug]
        hint = f" (did you mean {', '.join(close[:3])}?)" if close else " (see 'vinfra rules')"
        err.print(f"error: no rule has the slug or code '{name}'{hint}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    out.print(r.render_doc(), markup=False)
