"""Benchmarks of the network engine, as plain functions a bench runner can call.

- :func:`bench_reach` runs the real CLI path, ``vinfra reach DESIGN --format json``, in a child
  process and reports its wall time and peak resident memory (design loading included).
- :func:`bench_trace` loads the design once in this process, then times ``Snapshot(inv)`` plus one
  ``trace`` per pair (:func:`trace_pairs`: same VLAN across hosts, routed across blocks, VMkernel ports):
  the time from having the Inventory to having the answer, every derivation the trace needs included.

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


def trace_pairs(inv: Any) -> list[tuple[str, str, str]]:
    """(what, src, dst) pairs that exercise different walks, picked from the design itself: two VMs of one
    VLAN on different hosts, two VMs far apart (routed, across blocks), two VMkernel ports of one network on
    different hosts, and a VMkernel port to a VM."""
    vms = [(name, vm.host, vm.nics[0]) for name, vm in inv.vms.items() if vm.nics and vm.nics[0].ip is not None]
    pairs: list[tuple[str, str, str]] = []
    if vms:
        first = vms[0]
        same = next((v for v in vms if v[1] != first[1] and v[2].network == first[2].network
                     and v[2].ip.network == first[2].ip.network), None)
        if same is not None:
            pairs.append(("same VLAN, two hosts", first[0], same[0]))
        far = next((v for v in reversed(vms) if v[2].ip.network != first[2].ip.network), None)
        if far is not None:
            pairs.append(("routed, across blocks", first[0], far[0]))
            pairs.append(("routed, back", far[0], first[0]))
    vmks = [(f"{h}:{k}", h, p) for h, host in inv.hosts.items() for k, p in host.vmkernel.items() if p.ip is not None]
    if vmks:
        first_k = vmks[0]
        peer = next((v for v in vmks if v[1] != first_k[1] and v[2].portgroup == first_k[2].portgroup), None)
        if peer is not None:
            pairs.append(("VMkernel, same network", first_k[0], peer[0]))
        if vms:
            pairs.append(("VMkernel to a VM", first_k[0], vms[len(vms) // 2][0]))
    return pairs


def bench_trace(design_path: str | Path, pairs: list[tuple[str, str]] | None = None) -> dict[str, Any]:
    """Seconds per trace *after loading*: the design is loaded once, then for each pair a fresh
    ``Snapshot(inv)`` is built and traced, and that is what is timed (so every derivation the trace needs
    is in the figure).  Reports each pair, the max and the median, and this process's peak memory."""
    import vinfra
    from vinfra.analysis.trace import trace
    from vinfra.network import Snapshot

    t0 = time.perf_counter()
    inv = vinfra.load(design_path)
    load_s = time.perf_counter() - t0
    chosen = [("given", s, d) for s, d in pairs] if pairs else trace_pairs(inv)
    rows = []
    for what, src, dst in chosen:
        t = time.perf_counter()
        answer = trace(Snapshot(inv), src, dst)
        seconds = time.perf_counter() - t
        rows.append({"what": what, "src": src, "dst": dst, "verdict": answer["verdict"], "hops": len(answer["rows"]),
                     "seconds": round(seconds, 4)})
    times = [r["seconds"] for r in rows]
    return {"design": str(design_path), "load_seconds": round(load_s, 3), "traces": rows,
            "trace_max_seconds": max(times) if times else None,
            "trace_median_seconds": round(statistics.median(times), 4) if times else None,
            "peak_mib": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1)}


if __name__ == "__main__":
    for path in sys.argv[1:]:
        print(json.dumps({"reach": bench_reach(path), "trace": bench_trace(path)}, indent=2))
