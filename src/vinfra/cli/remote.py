"""``vinfra --server URL COMMAND ...``: the command line against a running ``vinfra serve`` instead of a file.

The token is read from the environment variable ``VINFRA_TOKEN`` (``POST /tokens`` with a user name and
password gives one; it is never taken on the command line, where other users could read it in the process
list).

- ``show``, ``check``, ``reach``: the server's head revision, exported as a design file (``GET
  /revisions/{head}/design``), is answered by the same code as the file commands, so the text and JSON are
  the file commands' (every option of theirs applies; DESIGN is left out: the server gives it).  A
  location (``FILE:LINE:COL``) is in that export, downloaded to a temporary ``revision-N.json``: ``GET
  /revisions/N/design?format=json`` gives the same file.
- ``power VM on|off|reset``, ``vmotion VM HOST [--strict]``, ``maintenance enter|exit HOST``, ``drs apply
  CLUSTER [--automatic-only]``, ``fail ELEMENT``, ``restore ELEMENT``: submit the operation as a task and wait
  for it (``--no-wait``: print it queued); text is one line per task, ``--format json`` the task as the server
  answers it (``GET /tasks/{id}``).

Exit status: 0 success; 1 the operation was refused (its VMware-style fault, at submission or when the task
ran); 2 bad input or usage, an unreachable server, a missing or refused token (401/403), an unknown object.
Every error is one line on stderr, never a traceback.
"""

from __future__ import annotations

import os
import sys
import tempfile
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import typer

from .command import EXIT_BAD_INPUT, VinfraGroup
from .network import Format, FormatOpt

TOKEN_ENV = "VINFRA_TOKEN"
#: the exit status of a refused operation, as a refused ``vinfra vmotion`` (the answer is negative)
EXIT_REFUSED = 1
#: how long a task is waited for (s)
WAIT_S = 600.0
#: the file commands that read a design, answered on the server's head
DESIGN_COMMANDS = ("show", "check", "reach")

remote = typer.Typer(name="vinfra --server URL", cls=VinfraGroup, no_args_is_help=True, add_completion=False,
                     pretty_exceptions_enable=False, rich_markup_mode=None,
                     help="The command line against a vinfra server (token from $VINFRA_TOKEN).")
maintenance_app = typer.Typer(cls=VinfraGroup, no_args_is_help=True, help="Enter or exit maintenance mode.")
drs_app = typer.Typer(cls=VinfraGroup, no_args_is_help=True, help="DRS on the server.")
remote.add_typer(maintenance_app, name="maintenance")
remote.add_typer(drs_app, name="drs")


NoWaitOpt = typer.Option(False, "--no-wait", help="Print the task queued; do not wait for it to end.")


class Failed(Exception):
    """A one-line error and its exit status."""

    def __init__(self, message: str, code: int = EXIT_BAD_INPUT) -> None:
        super().__init__(message)
        self.code = code


class Client:
    """The server at ``url`` with the token of ``$VINFRA_TOKEN``; every failure is a :class:`Failed`."""

    def __init__(self, url: str, token: str | None) -> None:
        import httpx

        if not url.startswith(("http://", "https://")):
            raise Failed(f"--server {url}: expected an http:// or https:// URL")
        self.url = url.rstrip("/")
        headers = {"Authorization": f"Bearer {token}"} if token else {}
        self.http = httpx.Client(base_url=self.url, headers=headers, timeout=60)

    def request(self, method: str, path: str, **kw: Any) -> Any:
        import httpx

        try:
            r = self.http.request(method, path, **kw)
        except httpx.HTTPError as exc:
            raise Failed(f"cannot reach the server at {self.url}: {exc or type(exc).__name__}") from None
        if r.status_code < 400:
            return r
        try:
            problem = r.json()
        except ValueError:
            problem = {}
        if not isinstance(problem, dict):
            problem = {}
        detail = problem.get("detail") or r.reason_phrase
        if r.status_code == 401:
            hint = f"set {TOKEN_ENV} to a token (POST /tokens)" if "authorization" not in self.http.headers \
                else f"the token in {TOKEN_ENV} is not accepted"
            raise Failed(f"{self.url}: 401 unauthorized: {hint}")
        if r.status_code == 403:
            raise Failed(f"{self.url}: 403 forbidden: {detail}")
        if r.status_code == 409 and problem.get("fault"):
            raise Failed(f"{problem['fault']}: {detail}", EXIT_REFUSED)
        errors = problem.get("errors") or []
        fields = "; ".join(f"{e.get('field')}: {e.get('message')}" for e in errors[:3] if isinstance(e, dict))
        raise Failed(f"{self.url}: {r.status_code} {detail}" + (f" ({fields})" if fields and fields not in detail
                                                                 else ""))

    def json(self, method: str, path: str, **kw: Any) -> Any:
        r = self.request(method, path, **kw)
        try:
            return r.json()
        except ValueError:
            raise Failed(f"{self.url}{path}: the answer is not JSON (is this a vinfra server?)") from None


_client: Client | None = None


def client() -> Client:
    assert _client is not None
    return _client


# the design commands -------------------------------------------------------------------------------------
def head_design(c: Client, directory: Path) -> Path:
    """The server's head revision as a design file in ``directory`` (named after the revision)."""
    health = c.json("GET", "/healthz")
    rev = health.get("revision") if isinstance(health, dict) else None
    if rev is None:
        raise Failed(f"{c.url}: the server holds no design yet (POST /revisions imports one)")
    text = c.request("GET", f"/revisions/{rev}/design", params={"format": "json"}).text
    path = directory / f"revision-{rev}.json"
    path.write_text(text, encoding="utf-8")
    return path


def run_design_command(c: Client, args: list[str]) -> None:
    """A file command (``show``/``check``/``reach``) on the server's head: its own options, its own output."""
    from .main import app

    with tempfile.TemporaryDirectory(prefix="vinfra-server-") as tmp:
        design = head_design(c, Path(tmp))
        # SystemExit carries the command's own exit status
        app(args=[args[0], str(design), *args[1:]], prog_name="vinfra")


# operations ---------------------------------------------------------------------------------------------
def _task(path: str, body: dict[str, Any] | None, fmt: Format, no_wait: bool, method: str = "POST") -> None:
    c = client()
    task = c.json(method, path, json=body)
    if not no_wait:
        end = time.monotonic() + WAIT_S
        pause = 0.05
        while task.get("state") in ("queued", "running"):
            if time.monotonic() > end:
                raise Failed(f"task {task['id']} still {task['state']} after {WAIT_S:.0f} s (GET /tasks/{task['id']})")
            time.sleep(pause)
            pause = min(1.0, pause * 2)
            task = c.json("GET", f"/tasks/{task['id']}")
    from .main import out, print_plain

    if fmt is Format.json:
        import orjson

        print_plain(out, orjson.dumps(task, option=orjson.OPT_INDENT_2).decode())
    else:
        print_plain(out, task_line(task))
    if task.get("state") == "error":
        raise typer.Exit(EXIT_REFUSED)


def task_line(task: dict[str, Any]) -> str:
    """``task 7 power web01: success (power on)``; an error names its fault."""
    head = f"task {task['id']} {task['operation']} {task['target']}: {task['state']}"
    if task["state"] == "error" and task.get("error"):
        return f"{head}: {task['error'].get('fault')}: {task['error'].get('message')}"
    result = task.get("result") or {}
    said = ", ".join(f"{k} {v}" for k, v in result.items() if isinstance(v, str | int | float) and v is not None)
    moved = result.get("evacuated") or result.get("applied")
    if isinstance(moved, list):
        said = ", ".join(filter(None, [said, f"{len(moved)} VM(s) moved"]))
    return f"{head} ({said})" if said else head


@remote.command()
def power(vm: str = typer.Argument(..., metavar="VM", show_default=False),
          action: str = typer.Argument(..., metavar="on|off|reset", show_default=False),
          fmt: Format = FormatOpt, no_wait: bool = NoWaitOpt) -> None:
    """Power a VM on, off or reset it (a task)."""
    if action not in ("on", "off", "reset"):
        raise typer.BadParameter(f"{action!r}: expected on, off or reset", param_hint="on|off|reset")
    _task(f"/vms/{quote(vm, safe='')}/power", {"action": action}, fmt, no_wait)


@remote.command()
def vmotion(vm: str = typer.Argument(..., metavar="VM", show_default=False),
            host: str = typer.Argument(..., metavar="HOST", show_default=False),
            strict: bool = typer.Option(False, "--strict", help="Also require each vNIC's VLAN in the same "
                                                                 "layer-2 domain (VlanMismatch)."),
            fmt: Format = FormatOpt, no_wait: bool = NoWaitOpt) -> None:
    """vMotion a VM to another host (a task); a move the vMotion model refuses exits 1 with its fault."""
    _task(f"/vms/{quote(vm, safe='')}/migrate", {"host": host, "strict": strict}, fmt, no_wait)


@maintenance_app.command("enter")
def maintenance_enter(host: str = typer.Argument(..., metavar="HOST", show_default=False),
                      fmt: Format = FormatOpt, no_wait: bool = NoWaitOpt) -> None:
    """Enter maintenance mode: DRS evacuates the host's powered-on VMs."""
    _task(f"/hosts/{quote(host, safe='')}/maintenance", None, fmt, no_wait)


@maintenance_app.command("exit")
def maintenance_exit(host: str = typer.Argument(..., metavar="HOST", show_default=False),
                     fmt: Format = FormatOpt, no_wait: bool = NoWaitOpt) -> None:
    """Exit maintenance mode."""
    _task(f"/hosts/{quote(host, safe='')}/maintenance", None, fmt, no_wait, method="DELETE")


@drs_app.command("apply")
def drs_apply(cluster: str = typer.Argument(..., metavar="CLUSTER", show_default=False),
              automatic_only: bool = typer.Option(False, "--automatic-only",
                                                  help="Only what the cluster's automation level would apply."),
              fmt: Format = FormatOpt, no_wait: bool = NoWaitOpt) -> None:
    """Run DRS on a cluster and apply its recommendations (a task)."""
    _task(f"/clusters/{quote(cluster, safe='')}/drs", {"automatic_only": automatic_only}, fmt, no_wait)


@remote.command()
def fail(element: str = typer.Argument(..., metavar="ELEMENT", show_default=False,
                                       help="A device, DEVICE:INTERFACE or a link A:X--B:Y."),
         fmt: Format = FormatOpt, no_wait: bool = NoWaitOpt) -> None:
    """Fail an element (a task: it joins the design's failures)."""
    _task("/failures", {"element": element}, fmt, no_wait)


@remote.command()
def restore(element: str = typer.Argument(..., metavar="ELEMENT", show_default=False),
            fmt: Format = FormatOpt, no_wait: bool = NoWaitOpt) -> None:
    """Restore a failed element (a task)."""
    _task(f"/failures/{quote(element, safe=':')}", None, fmt, no_wait, method="DELETE")


def _placeholder(name: str) -> None:
    """``show``/``check``/``reach`` in this group's help (run_design_command answers them)."""

    @remote.command(name, context_settings={"ignore_unknown_options": True, "allow_extra_args": True},
                    add_help_option=False)
    def command() -> None:  # pragma: no cover - never called: run() dispatches these first
        raise AssertionError(name)

    command.__doc__ = (f"'vinfra {name}' on the server's head revision: its options and output "
                       f"('vinfra {name} --help'), without DESIGN.")


for _name in DESIGN_COMMANDS:
    _placeholder(_name)


def split_server(argv: list[str]) -> tuple[str, list[str]] | None:
    """(URL, the rest) when ``argv`` starts with ``--server URL`` or ``--server=URL``; else None."""
    if argv and argv[0].startswith("--server="):
        return argv[0].partition("=")[2], argv[1:]
    if argv and argv[0] == "--server":
        if len(argv) < 2 or argv[1].startswith("-"):
            raise Failed("--server needs a URL (http://HOST:PORT)")
        return argv[1], argv[2:]
    return None


def run(url: str, args: list[str]) -> None:
    """Run ``args`` against the server at ``url``; exits (SystemExit) with the status of the module doc."""
    global _client
    from .main import err, print_plain

    try:
        _client = Client(url, os.environ.get(TOKEN_ENV) or None)
        if args and args[0] in DESIGN_COMMANDS:
            if any(a in ("--help", "-h") for a in args[1:]):
                from .main import app

                app(args=args, prog_name="vinfra")  # the file command's help: its options apply
            run_design_command(_client, args)
        else:
            remote(args=args, prog_name=f"vinfra --server {url}", standalone_mode=True)
    except Failed as exc:
        print_plain(err, f"error: {exc}")
        sys.exit(exc.code)
    finally:
        if _client is not None:
            _client.http.close()
            _client = None
