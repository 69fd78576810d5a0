"""Benchmark of ``vinfra check``: one design, in this process, the way the CLI runs it.

:func:`bench_check` loads the design, derives the network state, runs every rule, locates the
findings in the file and renders them, and returns the wall time and the peak memory.  It is
written to plug into the bench registry (``bench/cases.py``) once that lands, e.g.::

    @case("check", targets={LARGE.name: Target(seconds=30.0)})
    def check(path: Path) -> object:
        return bench_check(path)

Alone: ``python bench/bench_check.py DESIGN [--format text|json|sarif]``.
"""

from __future__ import annotations

import gc
import resource
import sys
import time
from pathlib import Path
from typing import Any

import vinfra
from vinfra.checks import report, run_checks
from vinfra.network import Snapshot


def _peak_rss_mib() -> float:
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / (1024 * 1024) if sys.platform == "darwin" else peak / 1024  # Linux: KiB, macOS: bytes


def bench_check(design_path: str | Path, fmt: str = "text") -> dict[str, Any]:
    """Time ``vinfra check DESIGN --format FMT`` end to end (without printing).

    Returns ``seconds`` (total), ``peak_rss_mib`` (the process's peak resident memory so far:
    run it in a fresh process for a clean figure), the time of each phase and what was found.
    """
    start = time.perf_counter()
    inv = vinfra.load(design_path)
    loaded = time.perf_counter()
    gc.freeze()  # as vinfra check does: the inventory lives for the whole run
    try:
        run = run_checks(Snapshot(inv))
        checked = time.perf_counter()
        run.located()
        located = time.perf_counter()
        if fmt == "json":
            items = len(report.to_json(run)["findings"])
        elif fmt == "sarif":
            items = len(report.to_sarif(run)["runs"][0]["results"])
        else:
            items = len(report.text_lines(run))
        done = time.perf_counter()
    finally:
        gc.unfreeze()
    return {
        "seconds": done - start,
        "peak_rss_mib": _peak_rss_mib(),
        "load_s": loaded - start,
        "check_s": checked - loaded,
        "locate_s": located - checked,
        "render_s": done - located,
        "hosts": len(inv.hosts),
        "vms": len(inv.vms),
        "rules": len(run.rules),
        "findings": len(run.findings),
        "output_items": items,
    }


def main(argv: list[str]) -> int:
    if not argv or argv[0] in ("-h", "--help"):
        print(__doc__)
        return 2
    fmt = argv[argv.index("--format") + 1] if "--format" in argv else "text"
    result = bench_check(argv[0], fmt)
    for key, value in result.items():
        print(f"{key:>13}: {value:.2f}" if isinstance(value, float) else f"{key:>13}: {value}")
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
