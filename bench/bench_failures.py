"""Benchmarks of the failure sweep (``vinfra failures``).

- The registered case ``failures`` times ``vinfra failures DESIGN --format json`` in a fresh process (the
  real CLI path: loading, the intact design analysed once per worker, every single failure on a local
  process pool of the machine's CPUs), against the issue's targets: 200 hosts / 2,000 VMs under 10 s,
  2,500 hosts / 40,000 VMs under 5 minutes.  They are wall-clock targets on this 2-core machine and judged
  on wall time (:attr:`Target.wall`): the case's own process does not count its workers' CPU time.  The
  table's "process CPU s" is everything, workers included.
- ``python -m bench.bench_failures DESIGN [--workers N] [--sample K]`` prints, as JSON, the sweep's wall
  time and CPU time (this process and its workers), the time one scenario takes when answered alone (the
  whole reach analysis of the failed snapshot, averaged over a sample of each kind), and their ratio:
  sweep / (one scenario x scenarios), the sharing figure.  Below 1, scenarios share work (the intact design
  analysed once, signatures reused outside a failure's layer-2 islands); with N workers the ideal without
  sharing is 1 / N.  ``--estimate K`` does not sweep: it times K scenarios of each kind through the sweep's
  own code (one process) and extrapolates to the whole sweep (for a design whose full sweep is too long to
  run beside other work), saying so in its output.
"""

from __future__ import annotations

import argparse
import gc
import json
import os
import resource
import time
from pathlib import Path
from typing import Any

from .registry import Target, case

# Issue targets (failure analysis): single-failure sweep of 200/2,000 < 10 s; of 2,500/40,000 < 5 minutes (wall
# clock on this 2-core machine, the pool's workers doing the work).
FAILURES_TARGETS = {"200h-2k": Target(seconds=10.0, wall=True), "2500h-40k": Target(seconds=300.0, wall=True)}


@case("failures", targets=FAILURES_TARGETS, sizes=tuple(FAILURES_TARGETS))
def failures_cli(path: Path) -> object:
    """``vinfra failures DESIGN --format json``: every switch, inter-switch link, host pNIC and host."""
    from .cases import _run_cli

    return _run_cli("failures", str(path), "--format", "json")


def _cpu() -> float:
    """CPU seconds of this process and of its children that have ended (the pool's workers)."""
    me, kids = resource.getrusage(resource.RUSAGE_SELF), resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime + kids.ru_utime + kids.ru_stime


def _alone(inv: Any, sample: int) -> tuple[dict[str, dict[str, float]], float]:
    """One scenario answered alone (the whole reach analysis of its failed snapshot), per kind."""
    from vinfra.analysis.failures import KINDS, elements
    from vinfra.analysis.reach import reach
    from vinfra.network import Snapshot

    per_kind: dict[str, dict[str, float]] = {}
    alone_total = 0.0
    for kind in KINDS:
        items = elements(inv, [kind])
        if not items:
            continue
        picks = sorted({items[0], items[len(items) // 2], items[-1]})[:sample]
        times = []
        for item in picks:
            t = time.process_time()
            reach(Snapshot(inv, fail=[item]), list_pairs=False)
            times.append(time.process_time() - t)
        mean = sum(times) / len(times)
        per_kind[kind] = {"scenarios": len(items), "one_scenario_s": round(mean, 4)}
        alone_total += mean * len(items)
    return per_kind, alone_total


def measure(path: Path, workers: int | None = None, sample: int = 3) -> dict[str, Any]:
    """The sweep's wall and CPU time and the sharing ratio (see the module doc)."""
    import vinfra
    from vinfra.analysis.failures import runner, sweep

    inv = vinfra.load(path)
    text = path.read_text(encoding="utf-8")
    start, cpu0 = time.perf_counter(), _cpu()
    rows = sweep(inv, run=runner(text, str(path), workers=workers))["scenarios"]
    sweep_s, sweep_cpu = time.perf_counter() - start, _cpu() - cpu0
    per_kind, alone_total = _alone(inv, sample)
    return {
        "design": str(path), "workers": workers or os.cpu_count(), "scenarios": len(rows),
        "sweep_s": round(sweep_s, 3), "sweep_cpu_s": round(sweep_cpu, 3), "per_kind": per_kind,
        "alone_total_s": round(alone_total, 3),
        # sharing: the sweep's CPU against answering every scenario alone (CPU too: the machine is shared)
        "ratio": round(sweep_cpu / alone_total, 4) if alone_total else None,
    }


def _stratum(inv: Any, kind: str, item: str) -> str:
    """What decides how a scenario is answered (and so its cost): a switch that routes (holds an L3
    interface) or not; a link between two switches that carries VLANs or is routed, or an uplink to a host."""
    if kind == "switches":
        routes = any(i.ip is not None for i in inv.switches[item].interfaces.values())
        return "router" if routes else "layer 2"
    if kind == "links":
        a, b = item.split("--")
        ends = [inv.switches[r.partition(":")[0]].interfaces.get(r.partition(":")[2]) for r in (a, b)]
        return "routed" if all(i is not None and i.ip is not None for i in ends) else "layer 2"
    return kind


def estimate(path: Path, per_kind_n: int, sample: int = 2) -> dict[str, Any]:
    """Extrapolate the sweep from ``per_kind_n`` scenarios of each kind and stratum (:func:`_stratum`: routing
    switches and routed links cost far more than the others), spread over the stratum, run through the
    sweep's own code in this process (CPU seconds); the sweep's wall time on W workers is about (intact
    design per worker + CPU total / W)."""
    import vinfra
    from vinfra.analysis.failures import KINDS, Baseline, elements, run_scenario

    inv = vinfra.load(path)
    t = time.process_time()
    base = Baseline(inv)
    base_s = time.process_time() - t
    gc.freeze()  # as a pool's worker does once its intact design is built (failures._setup)
    kinds: dict[str, dict[str, float]] = {}
    total = 0.0
    for kind in KINDS:
        strata: dict[str, list[str]] = {}
        for item in elements(inv, [kind]):
            strata.setdefault(_stratum(inv, kind, item), []).append(item)
        for name, items in sorted(strata.items()):
            step = max(1, len(items) // per_kind_n)
            times = []
            for item in items[::step][:per_kind_n]:
                t = time.process_time()
                run_scenario(base, [item])
                times.append(time.process_time() - t)
            mean = sum(times) / len(times)
            label = kind if name == kind else f"{kind} ({name})"
            kinds[label] = {"scenarios": len(items), "timed": len(times), "mean_s": round(mean, 4),
                            "max_s": round(max(times), 4), "cpu_s": round(mean * len(items), 1)}
            total += mean * len(items)
    workers = os.cpu_count() or 1
    per_kind, alone_total = _alone(inv, sample)
    return {
        "design": str(path), "estimated": True, "intact_design_s": round(base_s, 3), "per_kind": kinds,
        "scenarios_cpu_s": round(total, 1), "workers": workers,
        "sweep_s_estimate": round(base_s + total / workers, 1),
        "alone_per_kind": per_kind, "alone_total_s": round(alone_total, 1),
        "ratio": round((base_s * workers + total) / alone_total, 4) if alone_total else None,
    }


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.bench_failures", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("designs", nargs="+", type=Path)
    parser.add_argument("--workers", type=int, default=None, help="local worker processes [the machine's CPUs]")
    parser.add_argument("--sample", type=int, default=3, help="scenarios per kind answered alone [3]")
    parser.add_argument("--estimate", type=int, default=None, metavar="K",
                        help="do not sweep: time K scenarios of each kind and extrapolate")
    args = parser.parse_args(argv)
    for path in args.designs:
        if args.estimate:
            print(json.dumps(estimate(path, args.estimate, min(args.sample, 2)), indent=2))
        else:
            print(json.dumps(measure(path, args.workers, args.sample), indent=2))


if __name__ == "__main__":
    main()
