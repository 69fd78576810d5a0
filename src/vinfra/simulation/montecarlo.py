"""Monte Carlo over seeds: the same scenario run with N seeds (``fail_random`` draws and timer phases
change with the seed) on the executor of the failure sweep (:mod:`vinfra.execute`: local processes, or a
Dask cluster), and the distribution of downtime per probe: mean, p50, p95 and max (nearest-rank
percentiles, so every figure is a downtime some run had)."""

from __future__ import annotations

import math
from collections.abc import Callable
from typing import Any

from ..timing import Timers
from .engine import simulate
from .scenario import Scenario


def _setup(payload: tuple[str, str, Scenario, Timers, float | None]) -> tuple[Any, Scenario, Timers, float | None]:
    from ..io.design import load_text

    text, source, scenario, timers, until = payload
    return load_text(text, source), scenario, timers, until


def _job(ctx: tuple[Any, Scenario, Timers, float | None], seed: int) -> list[float]:
    inv, scenario, timers, until = ctx
    summary = simulate(inv, scenario, timers, seed=seed, until=until)["summary"]
    return [p["downtime_s"] for p in summary["probes"]]


def percentile(values: list[float], q: float) -> float:
    """Nearest-rank percentile (``q`` in 0-100) of ``values``."""
    xs = sorted(values)
    k = max(1, math.ceil(q / 100 * len(xs)))
    return xs[k - 1]


def monte_carlo(design_text: str, design_source: str, scenario: Scenario, timers: Timers, runs: int, *,
                first_seed: int | None = None, until: float | None = None, workers: int | None = None,
                scheduler: str | None = None, progress: Callable[[int], None] | None = None) -> dict[str, Any]:
    """``runs`` runs with seeds ``first_seed`` (the scenario's seed by default), ``first_seed + 1``, ...:
    ``{"runs", "seeds", "probes": [{from, to, mean_s, p50_s, p95_s, max_s}]}``."""
    from .. import execute
    from ..io.design import load_text
    from .engine import Simulation

    start = scenario.seed if first_seed is None else first_seed
    seeds = list(range(start, start + runs))
    results = execute.run(_job, seeds, (design_text, design_source, scenario, timers, until), _setup,
                          workers=workers, scheduler=scheduler, progress=progress)
    pairs = [(p.src, p.dst) for p in Simulation(load_text(design_text, design_source), scenario, timers).probes]
    probes = []
    for k, (a, b) in enumerate(pairs):
        xs = [r[k] for r in results]
        probes.append({"from": a, "to": b, "mean_s": round(sum(xs) / len(xs), 6), "p50_s": percentile(xs, 50),
                       "p95_s": percentile(xs, 95), "max_s": max(xs)})
    return {"runs": runs, "seeds": [seeds[0], seeds[-1]], "probes": probes}


__all__ = ["monte_carlo", "percentile"]
