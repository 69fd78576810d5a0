"""Benchmarks of the simulation (``vinfra simulate``).

- The registered case ``simulate`` times ``vinfra simulate DESIGN SCENARIO --format json`` in this process
  (loading, the default probes: every VM to its gateway, then VM pairs of a cluster, at most 2,000; one
  hour with one random failure every 5 minutes, each repaired 2 minutes later), against the issue's
  target: 200 hosts / 2,000 VMs under 30 s.
- ``python -m bench.bench_simulation DESIGN [--runs 100] [--workers 2]`` prints, as JSON, one run's wall
  time and the Monte Carlo of ``--runs`` seeds on a Dask ``LocalCluster`` of ``--workers`` single-threaded
  workers (the ``--scheduler`` path of the command), with the downtime distribution over the probes.

Measured on the shared 2-core machine (eight engineers at work): the case 7.0 s of CPU (30-45 s wall; one
run 13.2 s wall on a quieter moment); 100 Monte Carlo runs on a 2-worker LocalCluster 1,651 s wall (every
probe down at least once over the 100 runs); 20 runs 600 s wall (about 30 s a run per worker under that load; 2,000
probes, 1,403 of them down at least once, worst mean downtime 11.8 s, p95 75 s: HA's 15 s plus a 60 s boot).
"""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from .registry import Target, case

SIMULATE_TARGETS = {"200h-2k": Target(seconds=30.0)}

HOURLY = """scenario: 1
name: one-failure-every-5-minutes
until: 3600
seed: 1
events:
  - {every: 300, fail_random: {kinds: [host, switch, link, nic], restore_after: 120}}
"""


def _with_scenario(path: Path) -> tuple[Path, Path]:
    scenario = path.with_name(f"{path.stem}.hourly.scenario.yaml")
    scenario.write_text(HOURLY, encoding="utf-8")
    return path, scenario


@case("simulate", targets=SIMULATE_TARGETS, sizes=("200h-2k",), prepare=_with_scenario)
def simulate_cli(paths: tuple[Path, Path]) -> object:
    """``vinfra simulate DESIGN SCENARIO --format json``: an hour, one random failure every 5 minutes."""
    from .cases import _run_cli

    return _run_cli("simulate", str(paths[0]), str(paths[1]), "--format", "json")


def measure(path: Path, runs: int, workers: int) -> dict[str, Any]:
    """One run's time, then ``runs`` seeds on a Dask LocalCluster of ``workers`` workers."""
    from distributed import LocalCluster

    import vinfra
    from vinfra.simulation.engine import simulate
    from vinfra.simulation.montecarlo import monte_carlo
    from vinfra.simulation.scenario import load_scenario_text

    loaded = load_scenario_text(HOURLY, "hourly")
    t0 = time.perf_counter()
    inv = vinfra.load(path)
    report = simulate(inv, loaded.scenario, loaded.timers)
    one = time.perf_counter() - t0
    out: dict[str, Any] = {"design": path.name, "probes": len(report["summary"]["probes"]),
                           "one_run_s": round(one, 2), "events": len(report["events"]),
                           "outages": len(report["outages"])}
    if runs:
        text = path.read_text(encoding="utf-8")
        with LocalCluster(n_workers=workers, threads_per_worker=1, processes=True, dashboard_address=None) as cluster:
            t0 = time.perf_counter()
            answer = monte_carlo(text, str(path), loaded.scenario, loaded.timers, runs,
                                 scheduler=cluster.scheduler_address)
            out["monte_carlo"] = {"runs": runs, "workers": workers, "seconds": round(time.perf_counter() - t0, 1)}
        down = [p for p in answer["probes"] if p["max_s"] > 0]
        out["monte_carlo"]["probes_ever_down"] = len(down)
        out["monte_carlo"]["worst"] = sorted(down, key=lambda p: (-p["mean_s"], p["from"], p["to"]))[:5]
    return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("design", type=Path)
    ap.add_argument("--runs", type=int, default=100)
    ap.add_argument("--workers", type=int, default=2)
    args = ap.parse_args()
    print(json.dumps(measure(args.design, args.runs, args.workers), indent=2))


if __name__ == "__main__":
    main()
