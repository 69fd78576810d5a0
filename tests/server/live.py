"""A real ``vinfra serve`` in a subprocess on a free loopback port (for the crash and shutdown tests and the
load bench)."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
LAUNCH = "import sys; from vinfra.cli.main import main; sys.argv[0] = 'vinfra'; main()"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start(args: list[str], port: int, password: str = "root-password", timeout: float = 60.0) -> subprocess.Popen:
    """Start ``vinfra serve ARGS --port PORT --init-admin root`` and wait until /healthz answers."""
    env = {**os.environ, "VINFRA_ADMIN_PASSWORD": password,
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-c", LAUNCH, "serve", *args, "--port", str(port), "--init-admin", "root"],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    end = time.monotonic() + timeout
    while time.monotonic() < end:
        if proc.poll() is not None:
            raise RuntimeError(f"vinfra serve exited {proc.returncode}: {proc.stdout.read() if proc.stdout else ''}")
        try:
            if httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=1).status_code == 200:
                return proc
        except httpx.HTTPError:
            pass
        time.sleep(0.1)
    proc.kill()
    raise RuntimeError("vinfra serve did not answer /healthz in time")


def token(base: str, user: str = "root", password: str = "root-password") -> str:
    r = httpx.post(f"{base}/tokens", json={"username": user, "password": password}, timeout=30)
    r.raise_for_status()
    return r.json()["token"]
