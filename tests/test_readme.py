"""The README's examples are true: its Python runs, and the output it quotes is what vinfra prints."""

from __future__ import annotations

import re
import shlex
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


def matches(expected: list[str], produced: list[str]) -> bool:
    """Whether the README's lines are what the command prints, in order and whole: ``...`` stands for any
    number of lines (none included), however indented; trailing spaces do not count."""
    want = [ln.rstrip() for ln in expected]
    got = [ln.rstrip() for ln in produced]
    while want and not want[-1]:
        want.pop()
    while got and not got[-1]:
        got.pop()

    def at(i: int, j: int) -> bool:
        if i == len(want):
            return j == len(got)
        if want[i].strip() == "...":
            return any(at(i + 1, k) for k in range(j, len(got) + 1))
        return j < len(got) and got[j] == want[i] and at(i + 1, j + 1)

    return at(0, 0)


def sessions() -> list[tuple[str, list[str]]]:
    """Every ``$ command`` of the README's console blocks with the lines it shows."""
    out = []
    for block in blocks("console"):
        for session in re.split(r"^\$ ", block, flags=re.M)[1:]:
            command, *shown = session.splitlines()
            out.append((command, shown))
    return out


def test_quoted_output_is_real(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """Each command prints exactly the lines quoted (``...`` elides), and exits 0 unless an ``echo $?``
    that follows says otherwise."""
    # run where the README's relative paths resolve, but where files it writes (-o) land in tmp_path
    for name in ("examples", "tests"):
        (tmp_path / name).symlink_to(ROOT / name)
    monkeypatch.chdir(tmp_path)
    runner = CliRunner()
    quoted = sessions()
    assert len(quoted) >= 8
    status: int | None = None
    for n, (command, shown) in enumerate(quoted):
        if command == "echo $?":
            assert [str(status)] == [ln for ln in shown if ln.strip()], f"exit status of the command before line {n}"
            continue
        assert command.startswith("vinfra "), command
        result = runner.invoke(app, shlex.split(command.removeprefix("vinfra ")))
        status = result.exit_code
        followed_by_status = n + 1 < len(quoted) and quoted[n + 1][0] == "echo $?"
        assert followed_by_status or status == 0, f"`{command}` exits {status}: say so with `$ echo $?`"
        produced = (result.stdout + result.stderr).splitlines()
        assert matches(shown, produced), f"README quotes lines `{command}` does not print in that order:\n" + \
            "\n".join(produced)


def test_matches_is_strict() -> None:
    assert matches(["a", "...", "d"], ["a", "b", "c", "d"])
    assert matches(["a", "...", "b", "..."], ["a", "b", "c"])
    assert not matches(["a", "c"], ["a", "b", "c"])  # a line left out without ...
    assert not matches(["b", "a"], ["a", "b"])  # order
    assert not matches(["a"], ["a", "b"])  # more printed than quoted


def test_setup_puts_vinfra_on_path() -> None:
    """The tour runs ``vinfra`` as a plain command: both ways to install (pip, make) activate the venv."""
    setup = README.split("## Install", 1)[1].split("## A five-minute tour", 1)[0]
    install_blocks = re.findall(r"```sh\n(.*?)```", setup, flags=re.S)
    assert len(install_blocks) == 2
    for block in install_blocks:
        assert re.search(r"^\. \.venv/bin/activate", block, flags=re.M), block


def test_quoted_errors_are_the_golden_ones() -> None:
    quoted = [ln for ln in README.splitlines() if ln.startswith("tests/data/broken.yaml:")]
    assert quoted and all(ln in BROKEN_LINES for ln in quoted)
