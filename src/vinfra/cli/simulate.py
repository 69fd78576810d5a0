"""``vinfra simulate``: render the rows of :mod:`vinfra.simulation`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from .main import EXIT_BAD_INPUT, app, err, load_or_exit, out, print_plain, print_table
from .network import Format, FormatOpt, _json


def _bad(message: str) -> typer.Exit:
    err.print(f"error: {message}", markup=False)
    return typer.Exit(EXIT_BAD_INPUT)


@app.command()
def simulate(
    design: Path = typer.Argument(..., metavar="DESIGN", help="Design file (YAML or JSON).", show_default=False),
    scenario: Path = typer.Argument(..., metavar="SCENARIO", help="Scenario file (scenario-v1, YAML or JSON).",
                                    show_default=False),
    until: float | None = typer.Option(None, "--until", metavar="SECONDS", min=0.001, show_default=False,
                                       help="Simulated seconds to run (default: the scenario's 'until')."),
    seed: int | None = typer.Option(None, "--seed", metavar="N", show_default=False,
                                    help="Seed of every random choice (default: the scenario's 'seed')."),
    fmt: Format = FormatOpt,
    plot: Path | None = typer.Option(None, "--plot", metavar="FILE.png|svg", show_default=False,
                                     help="Also draw probe availability and host load over time."),
    runs: int | None = typer.Option(None, "--runs", metavar="N", min=1, show_default=False,
                                    help="Monte Carlo: run N seeds (from --seed) and report downtime per probe."),
    workers: int | None = typer.Option(None, "--workers", metavar="N", min=1, show_default=False,
                                       help="Local worker processes for --runs (default: the machine's CPUs)."),
    scheduler: str | None = typer.Option(None, "--scheduler", metavar="ADDRESS", show_default=False,
                                         help="Run --runs on a Dask cluster: the scheduler's tcp://HOST:PORT."),
) -> None:
    """Play a scenario against a design over time.

    Failures and repairs, detection and failover (link status, link-state tracking, beacon probing), spanning
    tree and FHRP reconvergence, HA restarts in priority order, vMotions and maintenance evacuations under the
    concurrency limits, DRS passes, clones, VM monitoring resets: every state change as an event row, per
    probe the outage windows with their cause, and a summary.  The same design, scenario and seed print the
    same bytes.  Not simulated: LACP partner loss with the link up, clone concurrency; clones are not network
    endpoints.

    Exit status: 0 simulated (whatever the outages), 2 bad input.
    """
    from ..execute import SchedulerError
    from ..simulation.engine import simulate as run_simulation
    from ..simulation.scenario import ScenarioError, check_against, load_scenario

    if plot is not None and plot.suffix.lower() not in (".png", ".svg"):
        raise _bad(f"--plot {plot}: expected a .png or .svg file")
    if scheduler is not None and not scheduler.startswith(("tcp://", "tls://", "inproc://", "ws://", "wss://")):
        raise _bad(f"--scheduler {scheduler}: expected an address such as tcp://HOST:8786")
    if scheduler is not None and runs is None:
        raise _bad("--scheduler goes with --runs N")
    try:
        loaded = load_scenario(scenario)
    except ScenarioError as exc:
        _report(exc)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    inv = load_or_exit(design)
    try:
        check_against(loaded, inv)
    except ScenarioError as exc:
        _report(exc)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    sc, timers = loaded.scenario, loaded.timers
    if runs is not None:
        from ..simulation.montecarlo import monte_carlo

        with _progress("runs") as step:
            try:
                answer = monte_carlo(design.read_text(encoding="utf-8"), str(design), sc, timers, runs,
                                     first_seed=seed, until=until, workers=workers, scheduler=scheduler,
                                     progress=(lambda n: step(n, runs)) if step else None)
            except SchedulerError as exc:
                raise _bad(str(exc)) from None
        if fmt is Format.json:
            _json(answer)
        else:
            _runs_text(answer)
        return
    horizon = until if until is not None else sc.until
    with _progress("simulated s") as step:
        report = run_simulation(inv, sc, timers, seed=seed, until=until,
                                progress=(lambda now, end: step(int(now), int(end))) if step and horizon >= 3600 else None)
    if plot is not None:
        from ..simulation.plot import plot as draw

        try:
            draw(inv, report, plot)
        except OSError as exc:
            raise _bad(f"--plot {plot}: cannot write: {exc.strerror or exc}") from None
    if fmt is Format.json:
        _json(report)
        return
    _text(report)


def _report(exc: Any) -> None:
    for diag in exc.diagnostics:
        print_plain(err, str(diag))
    n = len(exc.diagnostics)
    print_plain(err, f"{n} error{'s' if n != 1 else ''}")


class _progress:
    """A rich progress bar on stderr when it is a terminal; nothing otherwise (output stays byte-identical)."""

    def __init__(self, what: str) -> None:
        self.what = what

    def __enter__(self) -> Any:
        if not err.is_terminal:
            return None
        from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn

        self.bar = Progress(TextColumn(self.what), BarColumn(), MofNCompleteColumn(), TimeRemainingColumn(),
                            console=err, transient=True)
        self.bar.start()
        self.task = self.bar.add_task(self.what, total=None)
        self.done = 0

        def update(done: int, total: int) -> None:
            self.done = done if self.what != "runs" else self.done + done
            self.bar.update(self.task, completed=self.done, total=total)

        return update

    def __exit__(self, *exc: object) -> None:
        if err.is_terminal:
            self.bar.stop()


def _text(report: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title=f"{len(report['events'])} events")
    for col in ("t", "kind", "subject", "detail"):
        table.add_column(col, overflow="fold")
    for e in report["events"]:
        table.add_row(f"{e['t']:g}", e["kind"], e["subject"], e["detail"])
    print_table(table)
    s = report["summary"]
    probes = Table(title=f"{len(s['probes'])} probes over {s['until']:g} s")
    for col in ("probe", "downtime", "availability", "outages"):
        probes.add_column(col, overflow="fold")
    for p in s["probes"]:
        probes.add_row(f"{p['from']} -> {p['to']}", f"{p['downtime_s']:g} s", f"{p['availability'] * 100:.4f} %",
                       str(p["outages"]))
    print_table(probes)
    for o in report["outages"]:
        end = "open" if o["end"] is None else f"{o['end']:g}"
        out.print(f"outage {o['from']} -> {o['to']} [{o['start']:g}, {end}): {o['cause']}", markup=False)
    last = "-" if s["last_restart_s"] is None else f"{s['last_restart_s']:g} s"
    rec = "-" if s["recovered_by_s"] is None else f"{s['recovered_by_s']:g} s"
    out.print(f"{s['vms_restarted']} VMs restarted (last at {last}), {s['migrations']} migrations, "
              f"recovered by {rec}, {len(s['never_recovered'])} probes still down", markup=False)


def _runs_text(answer: dict[str, Any]) -> None:
    from rich.table import Table

    table = Table(title=f"downtime per probe over {answer['runs']} runs (seeds {answer['seeds'][0]}-{answer['seeds'][1]})")
    for col in ("probe", "mean", "p50", "p95", "max"):
        table.add_column(col)
    for p in answer["probes"]:
        table.add_row(f"{p['from']} -> {p['to']}", *(f"{p[k]:g} s" for k in ("mean_s", "p50_s", "p95_s", "max_s")))
    print_table(table)
