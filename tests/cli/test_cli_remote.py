"""``vinfra --server URL ...`` (cli/remote.py) against a live server in this process (uvicorn in a thread):
show, check and reach answer as the file commands do on the server's head; operations run as tasks; every
error is one line with a non-zero exit, never a traceback."""

from __future__ import annotations

import json
import os
import re
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

pytest.importorskip("fastapi")

import uvicorn
from typer.testing import CliRunner

from _paths import ROOT
from vinfra.cli.main import app
from vinfra.cli.remote import TOKEN_ENV, Failed, run, split_server
from vinfra.io.design import load
from vinfra.server import ServerSettings, create_app, open_server

EXAMPLE = ROOT / "examples" / "small-cluster-templates.yaml"


@dataclass
class Live:
    url: str
    tokens: dict[str, str]
    server: object


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@pytest.fixture
def live(tmp_path: Path) -> Iterator[Live]:
    settings = ServerSettings(db_url=f"sqlite:///{tmp_path / 'v.db'}", time_scale=0, alarms=False,
                              argon2_memory_kib=1024, argon2_time_cost=1)
    server = open_server(settings, load(EXAMPLE), "example", admin=("root", "root-password"))
    server.accounts.create_user("ro", "ro-password", "Read-only")
    tokens = {role: server.accounts.issue_token(server.accounts.verify(user, pw), "t")
              for role, user, pw in (("Administrator", "root", "root-password"), ("Read-only", "ro", "ro-password"))}
    port = _free_port()
    userver = uvicorn.Server(uvicorn.Config(create_app(server), host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=userver.run, daemon=True)
    thread.start()
    end = time.monotonic() + 60
    while not userver.started:
        assert time.monotonic() < end, "the server did not start"
        time.sleep(0.02)
    yield Live(f"http://127.0.0.1:{port}", tokens, server)
    userver.should_exit = True
    thread.join(timeout=30)


def remote(live: Live, args: list[str], capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch,
           role: str | None = "Administrator", url: str | None = None) -> tuple[int, str, str]:
    if role is None:
        monkeypatch.delenv(TOKEN_ENV, raising=False)
    else:
        monkeypatch.setenv(TOKEN_ENV, live.tokens[role])
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        run(url or live.url, args)
    got = capsys.readouterr()
    code = exc.value.code
    return (code if isinstance(code, int) else 0 if code is None else 1), got.out, got.err


def local(args: list[str]) -> tuple[int, str]:
    r = CliRunner().invoke(app, args)
    return r.exit_code, r.stdout


@pytest.mark.parametrize("args", [["show"], ["show", "--host", "lab-esx1"], ["check", "--format", "json"],
                                  ["check"], ["reach", "--format", "json"], ["reach", "--from", "web01"]])
def test_design_commands_answer_as_on_the_file(live: Live, capsys, monkeypatch, tmp_path: Path,
                                               args: list[str]) -> None:
    """The same output as the file command on the head's export (locations name that export's lines)."""
    import httpx

    code, out, err = remote(live, args, capsys, monkeypatch, role="Read-only")
    export = tmp_path / "revision-1.json"
    export.write_text(httpx.get(f"{live.url}/revisions/1/design?format=json",
                                headers={"Authorization": f"Bearer {live.tokens['Read-only']}"}).text)
    want_code, want_out = local([args[0], str(export), *args[1:]])
    assert (code, re.sub(re.escape(tempfile.gettempdir()) + r"/vinfra-server-[^/]+/", str(tmp_path) + "/", out)) == (want_code, want_out), err
    assert out.strip()
    if args[0] != "show":  # the export is the design: the answers are the example file's, but for locations
        assert code == local([args[0], str(EXAMPLE), *args[1:]])[0]


def test_design_commands_see_the_servers_changes(live: Live, capsys, monkeypatch) -> None:
    code, out, _ = remote(live, ["power", "web01", "off"], capsys, monkeypatch)
    assert code == 0 and "power web01: success" in out
    code, out, _ = remote(live, ["check", "--format", "json"], capsys, monkeypatch)
    _, before = local(["check", str(EXAMPLE), "--format", "json"])
    assert code in (0, 1) and out != before  # web01 powered off on the server, not in the file


def test_operations_run_as_tasks(live: Live, capsys, monkeypatch) -> None:
    code, out, _ = remote(live, ["power", "web02", "off", "--format", "json"], capsys, monkeypatch)
    task = json.loads(out)
    assert code == 0 and task["state"] == "success" and task["operation"] == "power"
    assert live.server.store.current.data["vms"]["web02"]["power"] == "off"
    # refused at submission: the fault, exit 1
    code, out, err = remote(live, ["power", "web02", "off"], capsys, monkeypatch)
    assert code == 1 and err.startswith("error: InvalidPowerState:") and len(err.splitlines()) == 1
    code, out, _ = remote(live, ["maintenance", "enter", "lab-esx2"], capsys, monkeypatch)
    assert code == 0 and "enter_maintenance lab-esx2: success" in out
    assert live.server.store.current.data["hosts"]["lab-esx2"]["state"] == "maintenance"
    code, out, _ = remote(live, ["maintenance", "exit", "lab-esx2"], capsys, monkeypatch)
    assert code == 0 and live.server.store.current.data["hosts"]["lab-esx2"]["state"] != "maintenance"
    code, out, _ = remote(live, ["drs", "apply", "lab"], capsys, monkeypatch)
    assert code == 0 and "apply_drs lab: success" in out
    code, out, _ = remote(live, ["fail", "lab-sw"], capsys, monkeypatch)
    assert code == 0 and "lab-sw" in live.server.store.current.data["failures"]
    code, out, _ = remote(live, ["restore", "lab-sw"], capsys, monkeypatch)
    assert code == 0 and live.server.store.current.data["failures"] == []
    code, out, _ = remote(live, ["vmotion", "web01", "lab-esx2", "--no-wait", "-f", "json"], capsys, monkeypatch)
    assert code == 0 and json.loads(out)["operation"] == "migrate"


def test_errors_are_one_line_with_a_non_zero_exit(live: Live, capsys, monkeypatch) -> None:
    code, _, err = remote(live, ["show"], capsys, monkeypatch, role=None)
    assert code == 2 and err == f"error: {live.url}: 401 unauthorized: set {TOKEN_ENV} to a token (POST /tokens)\n"
    monkeypatch.setenv(TOKEN_ENV, "nosuch")
    with pytest.raises(SystemExit) as exc:
        run(live.url, ["show"])
    assert exc.value.code == 2 and "not accepted" in capsys.readouterr().err
    code, _, err = remote(live, ["power", "web01", "off"], capsys, monkeypatch, role="Read-only")
    assert code == 2 and err.startswith(f"error: {live.url}: 403 forbidden:") and len(err.splitlines()) == 1
    code, _, err = remote(live, ["power", "nosuch", "off"], capsys, monkeypatch)
    assert code == 2 and "404" in err and len(err.splitlines()) == 1
    code, _, err = remote(live, ["power", "web01", "sideways"], capsys, monkeypatch)
    assert code == 2 and "expected on, off or reset" in err and "Traceback" not in err
    code, _, err = remote(live, ["show"], capsys, monkeypatch, url=f"http://127.0.0.1:{_free_port()}")
    assert code == 2 and err.startswith("error: cannot reach the server at") and len(err.splitlines()) == 1
    code, _, err = remote(live, ["show"], capsys, monkeypatch, url="ftp://x")
    assert code == 2 and "http://" in err
    with pytest.raises(Failed):
        split_server(["--server"])
    assert split_server(["--server=http://x", "show"]) == ("http://x", ["show"])
    assert split_server(["show"]) is None


def test_the_entry_point_dispatches_server(live: Live) -> None:
    """``vinfra --server URL ...`` as a user types it (a process: the entry point exits the process)."""
    launch = "import sys; from vinfra.cli.main import main; sys.argv[0] = 'vinfra'; main()"
    env = {**os.environ, TOKEN_ENV: live.tokens["Read-only"],
           "PYTHONPATH": os.pathsep.join([str(ROOT / "src"), os.environ.get("PYTHONPATH", "")])}
    r = subprocess.run([sys.executable, "-c", launch, "--server", live.url, "show", "--host", "lab-esx1"],
                       env=env, capture_output=True, text=True, timeout=120)
    assert r.returncode == 0, r.stderr
    assert r.stdout == local(["show", str(EXAMPLE), "--host", "lab-esx1"])[1]
    r = subprocess.run([sys.executable, "-c", launch, "--server"], env=env, capture_output=True, text=True,
                       timeout=120)
    assert r.returncode == 2 and r.stderr == "error: --server needs a URL (http://HOST:PORT)\n"
