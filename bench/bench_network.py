"""Benchmarks of the network engine, as plain functions a bench runner can call.

- :func:`bench_reach` runs the real CLI path, ``vinfra reach DESIGN --format json``, in a child
  process and reports its wall time and peak resident memory (design loading included).
- :func:`bench_trace` loads the design in this process, then times traces: the first one (cold: it
  also builds the snapshot's derived state: spanning tree, teams, endpoints, layer 3) and the median
  of the following ones (warm: the snapshot already derived, as in a long-running session).

Run ``python bench/bench_network.py DESIGN...`` to print the figures as JSON.
"""

from __future__ import annotations

import json
import os
import resource
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path
from typing import Any

CLI = "from vinfra.cli.main import main; main()"


def bench_reach(design_path: str | Path, fmt: str = "json") -> dict[str, Any]:
    """Wall seconds and peak memory of ``vinfra reach DESIGN`` (a fresh process: the real CLI path)."""
    with tempfile.TemporaryFile() as out_f, tempfile.TemporaryFile() as err_f:
        start = time.perf_counter()
        proc = subprocess.Popen([sys.executable, "-c", CLI, "reach", str(design_path), "--format", fmt],
                                stdout=out_f, stderr=err_f)
        _, status, usage = os.wait4(proc.pid, 0)  # this child's own rusage: its peak memory
        seconds = time.perf_counter() - start
        proc.returncode = os.waitstatus_to_exitcode(status)
        out_f.seek(0)
        err_f.seek(0)
        out, err = out_f.read(), err_f.read()
    if proc.returncode != 0:
        raise RuntimeError(f"vinfra reach failed ({proc.returncode}): {err.decode()[-2000:]}")
    result: dict[str, Any] = {"design": str(design_path), "seconds": round(seconds, 3),
                              "peak_mib": round(usage.ru_maxrss / 1024, 1)}
    if fmt == "json":
        data = json.loads(out)
        result.update(endpoints=data["endpoints"], classes=len(data["classes"]), pairs_listed=len(data.get("pairs", [])))
    return result


def bench_trace(design_path: str | Path, src: str | None = None, dst: str | None = None, repeats: int = 20) -> dict[str, Any]:
    """Seconds to load, to trace once cold and warm (median), and this process's peak memory."""
    import vinfra
    from vinfra.analysis.trace import trace
    from vinfra.network import Snapshot

    t0 = time.perf_counter()
    inv = vinfra.load(design_path)
    load_s = time.perf_counter() - t0
    vms = [v for v, vm in inv.vms.items() if vm.nics and vm.nics[0].ip is not None]
    src = src or vms[0]
    dst = dst or vms[-1]
    snap = Snapshot(inv)
    t1 = time.perf_counter()
    first = trace(snap, src, dst)
    cold = time.perf_counter() - t1
    warm = []
    for _ in range(repeats):
        t = time.perf_counter()
        trace(snap, src, dst)
        warm.append(time.perf_counter() - t)
    return {"design": str(design_path), "src": src, "dst": dst, "verdict": first["verdict"], "hops": len(first["rows"]),
            "load_seconds": round(load_s, 3), "trace_cold_seconds": round(cold, 4),
            "trace_warm_seconds": round(statistics.median(warm), 5),
            "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


if __name__ == "__main__":
    for path in sys.argv[1:]:
        print(json.dumps({"reach": bench_reach(path), "trace": bench_trace(path)}, indent=2))
