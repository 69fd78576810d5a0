"""Benchmarks of ``vinfra check``, as plain functions a bench runner can call.

- :func:`bench_check` runs the real CLI path, ``vinfra check DESIGN --format FMT``, in a child
  process and reports its wall time and peak resident memory (loading, every rule, locating the
  findings in the file and rendering them, output discarded).
- :func:`profile_check` does the same steps in this process and times each phase.

To plug into the registry (``bench/cases.py``)::

    @case("check", targets={LARGE.name: Target(seconds=30.0)})
    def check(path: Path) -> object:
        return bench_check(path)

Alone: ``python bench/bench_check.py DESIGN... [--format text|json|sarif] [--phases]`` prints JSON.
"""

from __future__ import annotations

import gc
import json
import os
import resource
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CLI = "from vinfra.cli.main import main; main()"


def bench_check(design_path: str | Path, fmt: str = "text") -> dict[str, Any]:
    """Wall seconds and peak memory of ``vinfra check DESIGN`` (a fresh process: the real CLI path)."""
    with tempfile.TemporaryFile() as out_f, tempfile.TemporaryFile() as err_f:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", CLI, "check", str(design_path), "--format", fmt,
                                 "--fail-on", "never"], stdout=out_f, stderr=err_f)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage: its peak memory
        seconds = time.perf_counter() - start
        code = os.waitstatus_to_exitcode(status)
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read(), err_f.read()
    if code != 0:
        raise RuntimeError(f"vinfra check failed ({code}): {err.decode()[-2000:]}")
    result: dict[str, Any] = {"design": str(design_path), "format": fmt, "seconds": round(seconds, 3),
                              "peak_rss_mib": round(usage.ru_maxrss / 1024, 1), "cpu_seconds":
                              round(usage.ru_utime + usage.ru_stime, 3)}
    if fmt == "json":
        result["findings"] = len(json.loads(out)["findings"])
    elif fmt == "sarif":
        result["findings"] = len(json.loads(out)["runs"][0]["results"])
    return result


def profile_check(design_path: str | Path, fmt: str = "text") -> dict[str, Any]:
    """The phases of ``vinfra check`` in this process: load, check, locate, render (seconds)."""
    import vinfra
    from vinfra.checks import report, run_checks
    from vinfra.network import Snapshot

    t0 = time.perf_counter()
    inv = vinfra.load(design_path)
    t1 = time.perf_counter()
    gc.freeze()  # as vinfra check does: the inventory lives for the whole run
    try:
        run = run_checks(Snapshot(inv))
        t2 = time.perf_counter()
        run.located()
        t3 = time.perf_counter()
        {"json": report.to_json, "sarif": report.to_sarif}.get(fmt, report.text_lines)(run)  # type: ignore[operator]
        t4 = time.perf_counter()
    finally:
        gc.unfreeze()
    return {"design": str(design_path), "hosts": len(inv.hosts), "vms": len(inv.vms), "rules": len(run.rules),
            "findings": len(run.findings), "load_seconds": round(t1 - t0, 3), "check_seconds": round(t2 - t1, 3),
            "locate_seconds": round(t3 - t2, 3), "render_seconds": round(t4 - t3, 3), "seconds": round(t4 - t0, 3),
            "peak_rss_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


def main(argv: list[str]) -> int:
    fmt = argv[argv.index("--format") + 1] if "--format" in argv else "text"
    designs = [a for i, a in enumerate(argv) if not a.startswith("--") and (i == 0 or argv[i - 1] != "--format")]
    if not designs:
        print(__doc__)
        return 2
    fn = profile_check if "--phases" in argv else bench_check
    for design in designs:
        print(json.dumps(fn(design, fmt)))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
