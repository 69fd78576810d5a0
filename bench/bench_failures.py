"""Benchmarks of the failure sweep (``vinfra failures``).

- The registered case ``failures`` times ``vinfra failures DESIGN --format json`` in a fresh process (the
  real CLI path: loading, the intact design analysed once per worker, every single failure on a local
  process pool of the machine's CPUs), against the issue's targets: 200 hosts / 2,000 VMs under 10 s,
  2,500 hosts / 40,000 VMs under 5 minutes.
- ``python -m bench.bench_failures DESIGN [--workers N]`` prints, as JSON, the sweep's wall time, the
  time one scenario takes when answered alone (the whole reach analysis of the failed snapshot, averaged
  over a sample of each kind), and their ratio: sweep / (one scenario x scenarios).  Below 1, scenarios
  share work (the intact design analysed once, signatures reused outside a failure's layer-2 islands);
  with N workers the ideal without sharing is 1 / N.
"""

from __future__ import annotations

import argparse
import json
import os
import time
from pathlib import Path
from typing import Any

from .registry import Target, case

# Issue targets (failure analysis): single-failure sweep of 200/2,000 < 10 s; of 2,500/40,000 < 5 minutes.
FAILURES_TARGETS = {"200h-2k": Target(seconds=10.0), "2500h-40k": Target(seconds=300.0)}


@case("failures", targets=FAILURES_TARGETS)
def failures_cli(path: Path) -> object:
    """``vinfra failures DESIGN --format json``: every switch, inter-switch link, host pNIC and host."""
    from .cases import _run_cli

    return _run_cli("failures", str(path), "--format", "json")


def measure(path: Path, workers: int | None = None, sample: int = 3) -> dict[str, Any]:
    """The sweep's wall time and the sharing ratio (see the module doc)."""
    import vinfra
    from vinfra.analysis.failures import KINDS, elements, runner, sweep
    from vinfra.analysis.reach import reach
    from vinfra.network import Snapshot

    inv = vinfra.load(path)
    text = path.read_text(encoding="utf-8")
    start = time.perf_counter()
    rows = sweep(inv, run=runner(text, str(path), workers=workers))["scenarios"]
    sweep_s = time.perf_counter() - start
    per_kind: dict[str, dict[str, float]] = {}
    alone_total = 0.0
    for kind in KINDS:
        items = elements(inv, [kind])
        if not items:
            continue
        picks = sorted({items[0], items[len(items) // 2], items[-1]})[:sample]
        times = []
        for item in picks:
            t = time.perf_counter()
            reach(Snapshot(inv, fail=[item]), list_pairs=False)
            times.append(time.perf_counter() - t)
        mean = sum(times) / len(times)
        per_kind[kind] = {"scenarios": len(items), "one_scenario_s": round(mean, 4)}
        alone_total += mean * len(items)
    return {
        "design": str(path), "workers": workers or os.cpu_count(), "scenarios": len(rows),
        "sweep_s": round(sweep_s, 3), "per_kind": per_kind, "alone_total_s": round(alone_total, 3),
        "ratio": round(sweep_s / alone_total, 4) if alone_total else None,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_failures", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("designs", nargs="+", type=Path)
    parser.add_argument("--workers", type=int, default=None, help="local worker processes [the machine's CPUs]")
    args = parser.parse_args(argv)
    for path in args.designs:
        print(json.dumps(measure(path, args.workers), indent=2))


if __name__ == "__main__":
    main()
