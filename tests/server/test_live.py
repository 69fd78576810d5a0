"""A real server process: graceful shutdown on SIGTERM, and the crash test (SIGKILL during a burst of writes,
restart: every write that got a 2xx is there, none half-applied)."""

from __future__ import annotations

import signal
import threading
from pathlib import Path

import httpx
from live import free_port, start, token

from conftest import EXAMPLE
from vinfra.io.design import load_text


def test_sigterm_stops_gracefully(tmp_path: Path) -> None:
    port = free_port()
    proc = start([str(EXAMPLE), "--db", f"sqlite:///{tmp_path / 'g.db'}", "--time-scale", "0"], port)
    proc.send_signal(signal.SIGTERM)
    assert proc.wait(timeout=30) == 0


def test_sigkill_during_writes_loses_no_acknowledged_write(tmp_path: Path) -> None:
    db = f"sqlite:///{tmp_path / 'crash.db'}"
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    proc = start([str(EXAMPLE), "--db", db, "--time-scale", "0", "--no-alarms"], port)
    headers = {"Authorization": f"Bearer {token(base)}"}
    acked: dict[str, str] = {}  # VM -> the description a 2xx confirmed last
    lock = threading.Lock()
    stop = threading.Event()

    def writer(vm: str) -> None:
        with httpx.Client(base_url=base, headers=headers, timeout=10) as c:
            for k in range(10_000):
                if stop.is_set():
                    return
                try:
                    r = c.patch(f"/vms/{vm}", json={"description": f"{vm} write {k}", "memory_gb": 4 + k % 3})
                except httpx.HTTPError:
                    return
                if 200 <= r.status_code < 300:
                    with lock:
                        acked[vm] = f"{vm} write {k}"

    threads = [threading.Thread(target=writer, args=(vm,)) for vm in ("web01", "web02", "app01", "db01")]
    for t in threads:
        t.start()
    deadline = threading.Event()
    while not deadline.wait(0.2):
        with lock:
            if sum(1 for _ in acked) == 4 and len(acked) == 4:
                break
    deadline.wait(1.0)  # a burst under way
    proc.send_signal(signal.SIGKILL)
    proc.wait(timeout=30)
    stop.set()
    for t in threads:
        t.join(timeout=30)
    assert len(acked) == 4

    proc = start([str(EXAMPLE), "--db", db, "--time-scale", "0", "--no-alarms"], port)
    try:
        h = {"Authorization": f"Bearer {token(base)}"}
        for vm, description in acked.items():
            got = httpx.get(f"{base}/vms/{vm}", headers=h, timeout=30).json()
            # the last acknowledged write, or one later whose answer the kill swallowed: never an older one
            n_got, n_acked = int(got["description"].rsplit(" ", 1)[1]), int(description.rsplit(" ", 1)[1])
            assert n_got in (n_acked, n_acked + 1), (vm, got["description"], description)
            assert got["memory_gb"] == 4 + n_got % 3  # both fields of one write, never half of it
        head = httpx.get(f"{base}/healthz", timeout=30).json()["revision"]
        design = httpx.get(f"{base}/revisions/{head}/design", headers=h, timeout=60).text
        assert load_text(design).vms["web01"].description is not None  # the head still loads whole
    finally:
        proc.send_signal(signal.SIGTERM)
        proc.wait(timeout=30)
