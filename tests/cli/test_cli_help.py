"""Every command's ``--help`` names values (``DESIGN``, ``BYTES``, ``[text|json]``), never Python types, lists the
choices an option takes, keeps its sentences whole and documents the exit status."""

from __future__ import annotations

import re

import pytest
import typer
from typer.testing import CliRunner

import vinfra
from vinfra.cli.main import app

runner = CliRunner()
COMMANDS = sorted(typer.main.get_command(app).commands)  # type: ignore[attr-defined]
# what typer prints for a parameter without a metavar: <list[Path]>, <bool>, <str>, <path>, <int range>
PYTHON_TYPE = re.compile(r"<[\w\[\]|, ]+>")


def _help(*args: str) -> str:
    result = runner.invoke(app, [*args, "--help"], terminal_width=100)
    assert result.exit_code == 0, result.output
    return result.stdout


def test_every_command_is_listed() -> None:
    expected = ["validate", "show", "export", "check", "rules", "rule", "trace", "reach", "verify", "generate",
                "failures", "diff", "load", "patterns", "vmotion", "ha", "drs", "import", "serve", "simulate"]
    assert set(COMMANDS) == set(expected)


@pytest.mark.parametrize("command", COMMANDS)
def test_help_shows_no_python_types(command: str) -> None:
    text = _help(command)
    assert not PYTHON_TYPE.findall(text), text
    assert "Exit status:" in text


@pytest.mark.parametrize("command", COMMANDS)
def test_help_sentences_are_whole(command: str) -> None:
    """Each paragraph is wrapped as one text: no line of a paragraph stops mid-sentence at a short width."""
    text = _help(command)
    description = text.split("\n\n")[1:]
    for paragraph in description:
        if paragraph.startswith(("Arguments:", "Options:")):
            break
        lines = [ln.strip() for ln in paragraph.splitlines()]
        assert lines[-1].endswith("."), paragraph
        # rewrapped to the width: every line but the last is filled
        assert all(len(ln) > 60 for ln in lines[:-1]), paragraph


def test_command_list_shows_whole_summaries() -> None:
    text = _help()
    listed = text.split("Commands:\n", 1)[1].split("\n\n", 1)[0]
    rows = [ln.split(None, 1) for ln in listed.splitlines()]
    assert sorted(name for name, _ in rows) == COMMANDS
    for _, summary in rows:
        assert summary.endswith(".") and not summary.endswith("..."), summary


@pytest.mark.parametrize(("command", "option", "choices"), [
    ("check", "--format", "[text|json|sarif]"),
    ("check", "--fail-on", "[error|warning|never]"),
    ("rules", "--format", "[text|json]"),
    ("trace", "--format", "[text|json]"),
    ("reach", "--format", "[text|json]"),
    ("vmotion", "--format", "[text|json]"),
    ("vmotion", "--policy", "[abort|force|throttle]"),
    ("vmotion", "--limits", "[vi3|vsphere5|vsphere7]"),
    ("ha", "--format", "[text|json]"),
    ("export", "--format", "[json|yaml]"),
    ("generate", "--format", "[yaml|json]"),
    ("generate", "--pattern", "[independent|stacked|mlag|mixed]"),
])
def test_choices_are_listed(command: str, option: str, choices: str) -> None:
    assert re.search(rf"{option} {re.escape(choices)}", _help(command))


@pytest.mark.parametrize(("command", "shown"), [
    ("validate", "vinfra validate [OPTIONS] DESIGN..."),
    ("trace", "vinfra trace [OPTIONS] DESIGN SRC DST"),
    ("verify", "vinfra verify [OPTIONS] EXPECT..."),
    ("trace", "--size BYTES"),
    ("vmotion", "vinfra vmotion [OPTIONS] DESIGN VM HOST"),
    ("vmotion", "--downtime-goal SECONDS"),
    ("ha", "vinfra ha [OPTIONS] DESIGN"),
    ("ha", "--fail-host HOST"),
    ("trace", "--fail ELEMENT"),
    ("check", "--select RULES"),
    ("generate", "--hosts N"),
    ("generate", "-o, --output FILE"),
    ("show", "-H, --host HOST"),
])
def test_values_are_named(command: str, shown: str) -> None:
    assert shown in _help(command)


def test_flags_take_no_value() -> None:
    assert re.search(r"^\s+-v, --verbose\s+Also", _help("verify"), flags=re.M)
    assert re.search(r"^\s+--help\s+Show", _help("trace"), flags=re.M)


def test_version() -> None:
    result = runner.invoke(app, ["--version"])
    assert result.exit_code == 0
    assert result.stdout == f"vinfra {vinfra.__version__}\n"


def test_exit_codes_are_documented_for_the_whole_tool() -> None:
    text = " ".join(_help().split())
    assert "Exit status: 0 success; 1 the answer is negative" in text
    assert "2 bad input or usage" in text
