"""Helpers of the web client's browser tests (issue 15): a real ``vinfra serve`` on a free loopback port (SQLite in a
temporary directory, ``--time-scale 0``) and Debian's chromium driven by Playwright for Python.  Each test
saves a screenshot under ``$VINFRA_WEB_REPORT`` (default ``web-report/`` at the repository root).

Skipped with the reason when Playwright or chromium is missing, except under CI (``CI=true``), where
``.ci/run`` installs chromium and a missing browser fails."""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

ROOT = Path(__file__).resolve().parents[2]
CHROMIUM = "/usr/bin/chromium"
REPORT = Path(os.environ.get("VINFRA_WEB_REPORT", ROOT / "web-report"))
LAUNCH = "import sys; from vinfra.cli.main import main; sys.argv[0] = 'vinfra'; main()"
PASSWORDS = {"root": "root-password", "op": "op-password", "ro": "ro-password"}


def missing() -> str | None:
    try:
        import playwright.sync_api  # noqa: F401
    except ImportError:
        return "playwright is not installed (pip install playwright)"
    if not Path(CHROMIUM).exists():
        return f"{CHROMIUM} is missing (apt-get install chromium)"
    return None


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@dataclass
class Live:
    base: str
    admin: httpx.Client

    def wait_tasks(self, timeout: float = 30.0) -> None:
        end = time.monotonic() + timeout
        while time.monotonic() < end:
            if not self.admin.get("/tasks", params={"state": "queued"}).json()["count"] and \
                    not self.admin.get("/tasks", params={"state": "running"}).json()["count"]:
                return
            time.sleep(0.05)
        raise AssertionError("tasks did not finish")


def serve(design: Path, tmp: Path, *extra: str) -> Iterator[Live]:
    """``vinfra serve DESIGN`` on a free port with users root (Administrator), op (Operator), ro (Read-only)."""
    port = _free_port()
    env = {**os.environ, "VINFRA_ADMIN_PASSWORD": PASSWORDS["root"],
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    proc = subprocess.Popen([sys.executable, "-c", LAUNCH, "serve", str(design), "--db", f"sqlite:///{tmp / 'web.db'}",
                             "--time-scale", "0", "--port", str(port), "--init-admin", "root", *extra],
                            env=env, stdout=subprocess.PIPE, stderr=subprocess.STDOUT, text=True)
    base = f"http://127.0.0.1:{port}"
    try:
        end = time.monotonic() + 90
        while True:
            if proc.poll() is not None:
                raise RuntimeError(f"vinfra serve exited {proc.returncode}: {proc.stdout.read() if proc.stdout else ''}")
            try:
                if httpx.get(f"{base}/healthz", timeout=1).status_code == 200:
                    break
            except httpx.HTTPError:
                pass
            if time.monotonic() > end:
                raise RuntimeError("vinfra serve did not answer /healthz in time")
            time.sleep(0.1)
        tok = httpx.post(f"{base}/tokens", json={"username": "root", "password": PASSWORDS["root"]}, timeout=60).json()
        admin = httpx.Client(base_url=base, headers={"Authorization": f"Bearer {tok['token']}"}, timeout=60)
        for user, role in (("op", "Operator"), ("ro", "Read-only")):
            admin.post("/users", json={"name": user, "password": PASSWORDS[user], "role": role}).raise_for_status()
        yield Live(base, admin)
        admin.close()
    finally:
        proc.terminate()
        try:
            proc.wait(timeout=30)
        except subprocess.TimeoutExpired:
            proc.kill()


def login(browser, live: Live, user: str = "root"):  # type: ignore[no-untyped-def]
    """A new page logged in as ``user`` through the login form, the tree shown."""
    page = browser.new_page(viewport={"width": 1400, "height": 1000})
    page.goto(live.base + "/")
    page.get_by_label("User name").fill(user)
    page.get_by_label("Password").fill(PASSWORDS[user])
    page.get_by_role("button", name="Log in").click()
    page.locator("#tree button").first.wait_for()
    return page


def open_object(page, section: str, name: str) -> None:  # type: ignore[no-untyped-def]
    """Click an object in the tree, opening the folders that hold it first."""
    button = page.locator(f'#tree button[data-section="{section}"][data-name="{name}"]')
    # open the folders that hold it, outermost first, as a user clicks down the tree
    for summary in button.evaluate_handle(
            "b => { const out = []; for (let d = b.closest('details'); d; d = d.parentElement.closest('details')) "
            "if (!d.open) out.unshift(d.querySelector(':scope > summary')); return out; }").get_properties().values():
        summary.as_element().click()
    button.click()


AXE = Path(__file__).parent / "vendor" / "axe.min.js"


def serious(page) -> list[str]:  # type: ignore[no-untyped-def]
    """axe-core's serious and critical violations on the page as it is now."""
    page.add_script_tag(path=str(AXE))
    result = page.evaluate("axe.run(document, {resultTypes: ['violations']})")
    return [f"{v['id']}: {v['help']} {[n['target'] for n in v['nodes'][:3]]}" for v in result["violations"]
            if v["impact"] in ("serious", "critical")]
