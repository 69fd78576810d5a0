"""``vinfra rules``: the formats it offers are the ones it prints, and a pipe gets every slug and summary whole."""

from __future__ import annotations

import json

from typer.testing import CliRunner

from vinfra.cli.main import app

runner = CliRunner()


def test_rules_json_is_the_catalogue() -> None:
    result = runner.invoke(app, ["rules", "--format", "json"])
    assert result.exit_code == 0
    assert [r["code"] for r in json.loads(result.stdout)["rules"]]


def test_rules_text_is_not_truncated_when_piped() -> None:
    rows = json.loads(runner.invoke(app, ["rules", "-f", "json"]).stdout)["rules"]
    text = runner.invoke(app, ["rules"], terminal_width=80).stdout.splitlines()
    assert max(len(line) for line in text) > 80  # wider than the 80 columns a pipe would be cut at
    for row in rows:
        (line,) = [ln for ln in text if ln.startswith(row["code"] + " ")]
        cells = [c.strip() for c in line.split("│")]
        assert cells == [row["code"], row["rule"], row["severity"], row["summary"]]
