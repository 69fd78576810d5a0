"""Issue 8's corpus of malformed designs (tests/data/bad/): each is refused with exit 2 and its golden
diagnostics, every one at ``FILE:LINE:COL``, never a traceback, printed as written (no emoji, no markup).

A golden file ``NAME.golden`` holds the exact standard error of ``vinfra validate tests/data/bad/NAME``.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _paths import DATA, ROOT
from vinfra.cli.main import app

runner = CliRunner()
BAD = DATA / "bad"
CASES = sorted(p for p in BAD.iterdir() if not p.name.endswith(".golden"))
# every case issue 8 names has a file here
EXPECTED_CASES = {
    "nul-byte.yaml", "json-duplicate-key.json", "merge-scalar.yaml", "merge-list-of-scalars.yaml", "merge-null.yaml",
    "recursive-alias.yaml", "custom-tag.yaml", "binary-tag.yaml", "yaml-version.yaml",
    "svi-default-route.yaml", "host-address-network.yaml", "host-address-broadcast.yaml",
    "host-address-limited-broadcast.yaml", "mac-broadcast.yaml", "mac-multicast.yaml", "ha-percentage.yaml",
    "infinite-memory.yaml", "nan-capacity.yaml", "overflow-float.yaml", "memory-too-large.yaml", "capacity-too-large.yaml",
    "speed-too-large.yaml", "allowed-vlans-blank.yaml", "vm-name-colon.yaml", "vm-name-bidi.yaml", "vm-name-empty.yaml",
    "template-name-control.yaml", "portgroup-name-colon.yaml",
    "huge-integer.yaml", "json-huge-number.json", "error-at-line-100.yaml", "latin1.yaml", "utf16-bom.yaml",
    "utf16-no-bom.yaml", "multi-document.yaml", "only-dots.yaml", "deep-nesting.yaml", "deep-block-nesting.yaml",
    "merge-list-anchor.yaml",
}
# emoji and pictographs rich would have substituted for ':name:' codes
_EMOJI = re.compile("[\U0001F000-\U0001FAFF\u2600-\u27BF\u2B00-\u2BFF]")


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_the_corpus_covers_every_case_of_the_issue() -> None:
    assert {p.name for p in CASES} == EXPECTED_CASES
    assert all((BAD / f"{p.name}.golden").is_file() for p in CASES)


@pytest.mark.parametrize("path", CASES, ids=lambda p: p.name)
def test_bad_design_is_refused_located_and_golden(path: Path) -> None:
    rel = path.relative_to(ROOT).as_posix()
    result = runner.invoke(app, ["validate", rel])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "Traceback" not in result.stderr
    assert not _EMOJI.search(result.stderr)
    lines = result.stderr.splitlines()
    assert len(lines) >= 2 and re.fullmatch(r"\d+ errors?", lines[-1])
    for line in lines[:-1]:
        assert re.match(rf"{re.escape(rel)}:\d+:\d+: error: \S", line), line
    assert result.stderr == (BAD / f"{path.name}.golden").read_text(encoding="utf-8")


COMMANDS = [["validate"], ["show"], ["export"], ["check"], ["reach"], ["trace", "web01", "web01"]]


@pytest.mark.parametrize("command", COMMANDS, ids=lambda c: c[0])
def test_every_command_prints_diagnostics_as_written(command: list[str]) -> None:
    """rich turned ':100:' into an emoji; every command that prints diagnostics prints them plainly."""
    rel = "tests/data/bad/error-at-line-100.yaml"
    result = runner.invoke(app, [command[0], rel, *command[1:]])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"{rel}:100:16: error: vms.web01.memory_gb: ")
    assert not _EMOJI.search(result.stderr)


def test_markup_in_a_name_prints_as_written(tmp_path: Path) -> None:
    bad = tmp_path / "x.yaml"
    bad.write_text("name: '[bold]x[/bold] :smile:'\nhosts: {'[red]h': {}}\n", encoding="utf-8")
    result = runner.invoke(app, ["validate", str(bad)])
    assert result.exit_code == 2
    assert "hosts.[red]h: invalid device name '[red]h'" in result.stderr
