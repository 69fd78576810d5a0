"""Bad command-line values are refused before any work, with exit 2 and one ``error:`` line naming the option:
numbers out of range, empty selectors, values outside an option's choices."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from _paths import ROOT
from vinfra.cli.main import app

runner = CliRunner()
DESIGN = str(ROOT / "examples" / "two-independent-switches.yaml")
PING = ["trace", DESIGN, "intranet01", "erp-app01"]


@pytest.mark.parametrize(("args", "message"), [
    # numbers
    ([*PING, "--size", "-5"], "error: --size: Input should be greater than or equal to 0"),
    ([*PING, "--size", "65508"], "error: --size: Input should be less than or equal to 65507"),
    ([*PING, "--size", "big"], "error: --size: Input should be a valid integer"),
    (["generate", "--hosts", "0", "--vms", "1"], "error: --hosts: Input should be greater than or equal to 1"),
    (["generate", "--hosts", "100001", "--vms", "0"], "error: --hosts: Input should be less than or equal to 100000"),
    (["generate", "--hosts", "1", "--vms", "-1"], "error: --vms: Input should be greater than or equal to 0"),
    (["generate", "--hosts", "1", "--vms", "1", "--seed", "-1"], "error: --seed: Input should be greater than or equal to 0"),
    # selectors
    (["check", DESIGN, "--select", ""], "error: --select: empty value '': expected a rule's slug, code or code prefix"),
    (["check", DESIGN, "--select", "VN1,"], "error: --select: empty value 'VN1,'"),
    (["check", DESIGN, "--ignore", " "], "error: --ignore: empty value ' '"),
    (["check", DESIGN, "--fail", ""], "error: --fail: empty value '': expected a device, DEVICE:INTERFACE or a link"),
    ([*PING, "--fail", ""], "error: --fail: empty value ''"),
    (["reach", DESIGN, "--from", ""], "error: --from: empty value '': expected a VM, VM:nicN"),
    (["reach", DESIGN, "--to", ""], "error: --to: empty value ''"),
    # choices
    ([*PING, "--format", "xml"], "error: --format: 'xml' is not one of 'text', 'json'"),
    (["reach", DESIGN, "--format", "sarif"], "error: --format: 'sarif' is not one of 'text', 'json'"),
    (["rules", "--format", "sarif"], "error: --format: 'sarif' is not one of 'text', 'json'"),
    (["check", DESIGN, "--format", "xml"], "error: --format: 'xml' is not one of 'text', 'json', 'sarif'"),
    (["check", DESIGN, "--fail-on", "info"], "error: --fail-on: 'info' is not one of 'error', 'warning', 'never'"),
    (["export", DESIGN, "-f", "toml"], "error: --format: 'toml' is not one of 'json', 'yaml'"),
    # usage
    (["trace", DESIGN, "intranet01"], "error: missing argument 'DST'"),
    (["check", DESIGN, "--bogus"], "error: no such option: --bogus"),
    (["chek", DESIGN], "error: no such command 'chek'. Did you mean 'check'?"),
])
def test_refused_with_exit_2(args: list[str], message: str) -> None:
    result = runner.invoke(app, args)
    assert result.exit_code == 2, result.output
    assert result.stdout == ""
    lines = result.stderr.splitlines()
    assert lines[0].startswith("Usage: vinfra")
    assert lines[-1].startswith(message), lines[-1]
    assert "Traceback" not in result.stderr and "╭" not in result.stderr


@pytest.mark.parametrize("args", [
    ["trace", DESIGN, "", "erp-app01"],
    ["trace", DESIGN, "intranet01", " "],
    ["show", DESIGN, "--host", ""],
    ["rule", ""],
])
def test_empty_names_are_refused(args: list[str]) -> None:
    """Names checked against the design or the catalogue: refused there, with what was expected."""
    result = runner.invoke(app, args)
    assert result.exit_code == 2
    assert "error:" in result.stderr and "Traceback" not in result.stderr


def test_a_selector_list_with_values_is_accepted() -> None:
    result = runner.invoke(app, ["check", DESIGN, "--select", "VN1,VN2", "--ignore", "VN101"])
    assert result.exit_code == 0, result.output
