"""``vinfra verify``: run expectation files and report every statement that does not hold."""

from __future__ import annotations

from pathlib import Path

import typer

from .main import EXIT_BAD_INPUT, app, err, out, print_plain, report_design_error


@app.command()
def verify(
    files: list[Path] = typer.Argument(..., metavar="EXPECT", help="Expectation files (NAME.expect.yaml).",
                                       show_default=False),
    verbose: bool = typer.Option(False, "--verbose", "-v", help="Also list statements that passed or did not run."),
) -> None:
    """Check designs against their expectation files.

    Runs every statement of the reach, failures, checks, vmotion, ha and drs sections and prints each one that
    does not hold.  Statements it cannot evaluate yet (ha and drs inside a failure scenario) are counted as not
    run, never as passed.

    Exit status: 0 every statement that ran held, 1 a statement failed, 2 bad input.
    """
    from ..analysis.expect import ExpectError, run_expectations  # imported on use: lean start-up
    from ..io.errors import DesignError

    passed = failed = not_run = 0
    bad_input = False
    for path in files:
        try:
            run = run_expectations(path)
        except ExpectError as exc:
            for d in exc.diagnostics:
                print_plain(err, str(d))
            bad_input = True
            continue
        except DesignError as exc:
            report_design_error(exc)
            bad_input = True
            continue
        for r in run.results:
            if r.status == "fail":
                out.print(f"FAIL {r.section}: {r.statement}: {r.detail}", markup=False)
            elif verbose:
                out.print(f"{r.status.upper()} {r.section}: {r.statement}" + (f" ({r.detail})" if r.detail else ""), markup=False)
        p, f, n = run.count("pass"), run.count("fail"), run.count("not-run")
        out.print(f"{path}: {p} passed, {f} failed, {n} not run", markup=False)
        passed, failed, not_run = passed + p, failed + f, not_run + n
    if len(files) > 1:
        out.print(f"total: {passed} passed, {failed} failed, {not_run} not run", markup=False)
    if bad_input:
        raise typer.Exit(EXIT_BAD_INPUT)
    if failed:
        raise typer.Exit(1)
