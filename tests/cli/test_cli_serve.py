"""``vinfra serve``: bad input exits 2 before anything listens; the other commands never import the server."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

from typer.testing import CliRunner

from _paths import DATA, ROOT
from vinfra.cli.main import app

runner = CliRunner()
EXAMPLE = str(ROOT / "examples" / "small-cluster-templates.yaml")


def test_init_admin_needs_the_password_variable(monkeypatch, tmp_path: Path) -> None:
    monkeypatch.delenv("VINFRA_ADMIN_PASSWORD", raising=False)
    r = runner.invoke(app, ["serve", EXAMPLE, "--db", f"sqlite:///{tmp_path / 'x.db'}", "--init-admin", "root"])
    assert r.exit_code == 2
    assert "VINFRA_ADMIN_PASSWORD" in r.output


def test_a_design_that_does_not_load_exits_2(tmp_path: Path) -> None:
    r = runner.invoke(app, ["serve", str(DATA / "broken.yaml"), "--db", f"sqlite:///{tmp_path / 'x.db'}"])
    assert r.exit_code == 2
    assert "broken.yaml:" in r.output


def test_a_database_that_cannot_be_opened_exits_2(tmp_path: Path) -> None:
    r = runner.invoke(app, ["serve", "--db", f"sqlite:///{tmp_path / 'no' / 'such' / 'dir.db'}"])
    assert r.exit_code == 2
    assert "cannot open the database" in r.output
    r = runner.invoke(app, ["serve", "--db", "nosuchdriver://x"])
    assert r.exit_code == 2 and "--db nosuchdriver://x" in r.output


def test_other_commands_do_not_import_the_server() -> None:
    code = ("import sys, vinfra.cli.main; "
            "print(sorted(m for m in ('fastapi', 'sqlalchemy', 'uvicorn', 'alembic') if m in sys.modules))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True,
                         env={"PYTHONPATH": str(ROOT / "src")}).stdout
    assert out.strip() == "[]"
