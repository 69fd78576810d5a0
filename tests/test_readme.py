"""The README's examples are true: its Python runs, and the output it quotes is what vinfra prints."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _golden import BROKEN_LINES
from _paths import ROOT
from vinfra.cli.main import app

README = (ROOT / "README.md").read_text(encoding="utf-8")


def blocks(lang: str) -> list[str]:
    return re.findall(rf"```{lang}\n(.*?)```", README, flags=re.S)


def test_python_examples_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)
    code = blocks("python")
    assert code
    for block in code:
        exec(compile(block, "README.md", "exec"), {})


def test_quoted_output_is_real(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    # run where the README's relative paths resolve, but where files it writes (-o) land in tmp_path
    for name in ("examples", "tests"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    checked = 0
    for block in blocks("console"):
        for session in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, *expected = session.splitlines()
            args = command.removeprefix("vinfra ").split()
            result = runner.invoke(app, args)
            produced = (result.stdout + result.stderr).splitlines()
            assert result.exit_code == (2 if "broken" in command else 0), command
            for line in expected:
                if line.strip() and line.strip() != "...":
                    assert line in produced, f"README quotes a line `vinfra {command}` does not print: {line!r}"
                    checked += 1
    assert checked >= 20


def test_quoted_errors_are_the_golden_ones() -> None:
    quoted = [ln for ln in README.splitlines() if ln.startswith("tests/data/broken.yaml:")]
    assert quoted and all(ln in BROKEN_LINES for ln in quoted)
