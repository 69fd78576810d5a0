"""Load test of ``vinfra serve`` on loopback (issue 14): a generated design (default 200 hosts / 2,000 VMs),
a real server process, N concurrent clients for a bounded time doing mixed reads, task submissions and
edits; prints throughput, p50/p99 latency per kind, errors, and checks every acknowledged write is there.

    python -m bench.server_load [--seconds 60] [--clients 50] [--hosts 200] [--vms 2000] [--alarms]

Target (issue 14): >= 500 reads/s with p99 < 100 ms on 200 hosts / 2,000 VMs, zero errors.  Only loopback
traffic; the loop is bounded by --seconds and stops by itself.  Exit status 0 when the target is met and
every write is there, 1 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import random
import signal
import statistics
import sys
import tempfile
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT / "tests" / "server"))

from live import free_port, start, token  # noqa: E402

READ_SHARE, TASK_SHARE = 0.90, 0.04  # the rest are edits (--reads-only: all reads)


def _pct(values: list[float], p: float) -> float:
    if not values:
        return 0.0
    values = sorted(values)
    return values[min(len(values) - 1, int(p / 100 * len(values)))]


async def client(k: int, base: str, headers: dict[str, str], vms: list[str], hosts: list[str], own: list[str],
                 until: float, lat: dict[str, list[float]], errors: list[str], acked: dict[str, str],
                 power: dict[str, str], tried: dict[str, str]) -> None:
    rnd = random.Random(k)
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=30) as c:
        n = 0
        while time.monotonic() < until:
            n += 1
            roll = rnd.random()
            t0 = time.perf_counter()
            try:
                if roll < READ_SHARE:
                    kind = "read"
                    pick = rnd.random()
                    if pick < 0.4:
                        r = await c.get(f"/vms/{rnd.choice(vms)}")
                    elif pick < 0.6:
                        r = await c.get(f"/hosts/{rnd.choice(hosts)}?view=brief")
                    elif pick < 0.8:
                        r = await c.get(f"/vms?limit=50&offset={rnd.randrange(0, len(vms))}&host={rnd.choice(hosts)}")
                    else:
                        r = await c.get(f"/api/vcenter/vm/vm-{rnd.choice(vms)}")
                    ok = r.status_code == 200
                elif roll < READ_SHARE + TASK_SHARE:
                    kind = "task"
                    vm = rnd.choice(own)
                    action = "off" if power[vm] == "on" else "on"
                    r = await c.post(f"/vms/{vm}/power", json={"action": action})
                    ok = r.status_code == 202
                    if ok:  # wait for it: the next toggle of this VM must see it applied
                        tid = r.json()["id"]
                        while True:
                            t = (await c.get(f"/tasks/{tid}")).json()
                            if t["state"] in ("success", "error"):
                                break
                            await asyncio.sleep(0.01)
                        ok = t["state"] == "success"
                        if ok:
                            power[vm] = action
                else:
                    kind = "edit"
                    vm = rnd.choice(own)
                    got = await c.get(f"/vms/{vm}")
                    text = f"client {k} edit {n}"
                    tried[vm] = text  # sent: if its answer is lost (a timeout), it may still be applied
                    r = await c.patch(f"/vms/{vm}", json={"description": text}, headers={"If-Match": got.headers["etag"]})
                    ok = r.status_code == 200
                    if ok:
                        acked[vm] = text
            except httpx.HTTPError as exc:
                kind, ok = "error", False
                r = None
                errors.append(f"{type(exc).__name__}: {exc}")
            lat.setdefault(kind, []).append(time.perf_counter() - t0)
            if not ok and r is not None:
                errors.append(f"{kind}: {r.status_code} {r.text[:200]}")


async def run(base: str, headers: dict[str, str], seconds: float, clients: int) -> dict:
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as c:
        vms = [r["name"] for r in (await c.get("/vms?limit=10000")).json()["results"]]
        vm_power = {r["name"]: r["power"] for r in (await c.get("/vms?limit=10000")).json()["results"]}
        hosts = [r["name"] for r in (await c.get("/hosts?limit=10000")).json()["results"]]
    lat: dict[str, list[float]] = {}
    errors: list[str] = []
    acked: dict[str, str] = {}
    tried: dict[str, str] = {}
    until = time.monotonic() + seconds
    t0 = time.monotonic()
    # each client edits and powers its own VMs: no two clients race on one VM's ETag or power state
    await asyncio.gather(*(client(k, base, headers, vms, hosts, vms[k::clients][:20], until, lat, errors, acked,
                                  vm_power, tried) for k in range(clients)))
    elapsed = time.monotonic() - t0
    async with httpx.AsyncClient(base_url=base, headers=headers, timeout=60) as c:
        # the last acknowledged edit of each VM, or the one sent after it whose answer was lost
        missing = [vm for vm, text in acked.items()
                   if (await c.get(f"/vms/{vm}")).json().get("description") not in (text, tried.get(vm))]
    return {"elapsed": elapsed, "lat": lat, "errors": errors, "acked": len(acked), "missing": missing}


def main(argv: list[str] | None = None) -> int:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--seconds", type=float, default=60.0)
    ap.add_argument("--clients", type=int, default=50)
    ap.add_argument("--hosts", type=int, default=200)
    ap.add_argument("--vms", type=int, default=2000)
    ap.add_argument("--alarms", action="store_true", help="re-run the checks after each change (off by default)")
    ap.add_argument("--json", action="store_true")
    ap.add_argument("--reads-only", action="store_true", help="no tasks and no edits (the read baseline)")
    args = ap.parse_args(argv)
    global READ_SHARE, TASK_SHARE
    if args.reads_only:
        READ_SHARE, TASK_SHARE = 1.0, 0.0
    if not (0 < args.seconds <= 600 and 0 < args.clients <= 500):
        ap.error("--seconds is 0-600 and --clients 1-500")

    from vinfra.generate import generate_design

    tmp = Path(tempfile.mkdtemp(prefix="vinfra-load-"))
    design = tmp / "design.json"
    design.write_text(json.dumps(generate_design(args.hosts, args.vms)))
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    extra = [] if args.alarms else ["--no-alarms"]
    proc = start([str(design), "--db", f"sqlite:///{tmp / 'load.db'}", "--time-scale", "0", *extra], port,
                 timeout=300)
    try:
        headers = {"Authorization": f"Bearer {token(base)}"}
        res = asyncio.run(run(base, headers, args.seconds, args.clients))
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=60)
    lat, elapsed = res["lat"], res["elapsed"]
    rows = {kind: {"count": len(v), "per_s": len(v) / elapsed, "p50_ms": 1000 * _pct(v, 50),
                   "p99_ms": 1000 * _pct(v, 99), "mean_ms": 1000 * statistics.fmean(v) if v else 0.0}
            for kind, v in sorted(lat.items())}
    reads = rows.get("read", {"per_s": 0.0, "p99_ms": float("inf")})
    met = reads["per_s"] >= 500 and reads["p99_ms"] < 100 and not res["errors"] and not res["missing"]
    report = {"hosts": args.hosts, "vms": args.vms, "clients": args.clients, "seconds": round(elapsed, 1),
              "alarms": args.alarms, "kinds": rows, "errors": len(res["errors"]), "error_samples": res["errors"][:5],
              "acknowledged_edits_checked": res["acked"], "missing_edits": res["missing"],
              "target": ">= 500 reads/s, p99 < 100 ms, zero errors", "met": met}
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        print(f"vinfra serve load: {args.hosts} hosts / {args.vms} VMs, {args.clients} clients, {elapsed:.1f} s"
              f"{', alarms on' if args.alarms else ''}")
        for kind, r in rows.items():
            print(f"  {kind:5}  {r['count']:7d}  {r['per_s']:8.1f}/s  p50 {r['p50_ms']:7.1f} ms  p99 {r['p99_ms']:8.1f} ms")
        print(f"  errors: {len(res['errors'])}  {res['errors'][:3]}")
        print(f"  acknowledged edits checked afterwards: {res['acked']}, missing: {len(res['missing'])}")
        print(f"  target >= 500 reads/s with p99 < 100 ms, zero errors: {'met' if met else 'NOT met'}")
    return 0 if met else 1


if __name__ == "__main__":
    sys.exit(main())
