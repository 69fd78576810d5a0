"""govmomi's vCenter simulator for the tests, built from our Go program (tests/peers/vcsim).

The binary is built once into a cache directory keyed by the program's hash (about 25-40 s cold), in
GOPATH mode against Debian's golang-github-vmware-govmomi-dev, offline. Without ``go`` or that package the
vCenter tests FAIL rather than skip: CI installs both (.ci/run), and a skipped live test proves nothing.
"""

from __future__ import annotations

import hashlib
import os
import shutil
import subprocess
import tempfile
import threading
from pathlib import Path

import pytest

from _paths import ROOT

GOVMOMI = Path("/usr/share/gocode/src/github.com/vmware/govmomi/simulator")
PROGRAM = ROOT / "tests" / "peers" / "vcsim"


def _cache_dir() -> Path:
    base = Path(os.environ.get("VINFRA_CACHE") or Path(tempfile.gettempdir()) / "vinfra-cache")
    digest = hashlib.sha256((PROGRAM / "main.go").read_bytes()).hexdigest()[:16]
    return base / f"vcsim-{digest}"


def vcsim_binary() -> Path:
    """The simulator binary, built on first use (a test that needs it fails if it cannot be built)."""
    cache = _cache_dir()
    binary = cache / "vcsim"
    if binary.is_file():
        return binary
    go = shutil.which("go")
    if go is None or not GOVMOMI.is_dir():
        pytest.fail("the vCenter simulator cannot be built: install golang-go and golang-github-vmware-govmomi-dev "
                    "(apt-get install -y golang-go golang-github-vmware-govmomi-dev; .ci/run does)")
    cache.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "GOPATH": f"{cache / 'gopath'}:/usr/share/gocode", "GO111MODULE": "off", "GOPROXY": "off",
           "GOFLAGS": "", "GOCACHE": str(cache / "gocache")}
    partial = cache / f"vcsim.{os.getpid()}.part"
    done = subprocess.run([go, "build", "-o", str(partial), "./tests/peers/vcsim"], cwd=ROOT, env=env,
                          capture_output=True, text=True, timeout=600, check=False)
    if done.returncode != 0:
        pytest.fail(f"building the vCenter simulator failed:\n{done.stderr[-3000:]}")
    partial.replace(binary)  # atomic: a concurrent session never runs a half-written binary
    return binary


class Vcsim:
    """A running simulator: its SDK URL without the credentials vcsim prints in it."""

    def __init__(self, binary: Path, *args: str) -> None:
        self.proc = subprocess.Popen([str(binary), *args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                                     stderr=subprocess.PIPE, text=True)
        line: list[str] = []
        reader = threading.Thread(target=lambda: line.append(self.proc.stdout.readline() if self.proc.stdout else ""))
        reader.start()
        reader.join(timeout=60)
        if not line or not line[0].startswith("http"):
            self.stop()
            err = self.proc.stderr.read() if self.proc.stderr else ""
            raise RuntimeError(f"vcsim did not print its URL: {line!r} {err[-2000:]}")
        url = line[0].strip()
        self.url = url.replace("user:pass@", "")

    def stop(self) -> None:
        if self.proc.poll() is None:
            if self.proc.stdin:
                self.proc.stdin.close()  # the program serves until its stdin closes
            try:
                self.proc.wait(timeout=10)
            except subprocess.TimeoutExpired:
                self.proc.kill()
                self.proc.wait(timeout=10)
        for stream in (self.proc.stdout, self.proc.stderr):
            if stream:
                stream.close()

