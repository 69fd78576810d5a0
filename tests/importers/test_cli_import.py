"""``vinfra import``: writes a design that 'vinfra validate' accepts and a report; bad input is exit 2 with a
located message, no traceback and no file written (an existing one untouched)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from _import_data import AVD, HERE, SHOW_OUTPUTS, SWITCH_CONFIGS, TOR1
from vinfra.cli.main import app

runner = CliRunner()


def _ok(args: list[str]) -> str:
    result = runner.invoke(app, ["import", *args])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 0, result.stderr
    return result.stdout


def test_tor1_with_its_cabling_imports_and_validates(tmp_path: Path) -> None:
    out = tmp_path / "tor.yaml"
    stdout = _ok(["--switch-config", str(TOR1), "--neighbors", str(HERE / "tor1-cdp.txt"), "-o", str(out)])
    assert stdout.splitlines()[-1] == f"{out}: written: 1 switch, 0 hosts, 0 VMs, 0 links; 0 conflicts"
    # every line not fully supported is listed with file and line
    assert f"{TOR1}:318: wrong: spanning-tree mst 2 priority 16384" in stdout
    assert f"{TOR1}:4: ignored: version 6.0(2)U6(1)" in stdout
    validated = runner.invoke(app, ["validate", str(out)])
    assert validated.exit_code == 0 and validated.stdout == f"{out}: ok: tor: 0 hosts, 0 VMs, 1 switch, 0 links\n"
    assert out.read_text(encoding="utf-8").startswith("# tor: imported by vinfra import from")


def test_every_shared_switch_file_imports_through_the_command(tmp_path: Path) -> None:
    out = tmp_path / "all.yaml"
    configs = [p for p in SWITCH_CONFIGS if p.name != "LEAF1.cfg"] + [AVD / "LEAF1.cfg"]
    # each shared config names its own switch, except the two summaries (named by file): all in one design
    _ok([*(a for p in configs + SHOW_OUTPUTS for a in ("--switch-config", str(p))), "-o", str(out)])
    assert runner.invoke(app, ["validate", str(out)]).exit_code == 0


def test_report_file_and_json(tmp_path: Path) -> None:
    out = tmp_path / "d.yaml"
    report = tmp_path / "r.json"
    stdout = _ok(["--switch-config", str(AVD / "LEAF1.cfg"), "-o", str(out), "--report", str(report), "-f", "json"])
    data = json.loads(report.read_text(encoding="utf-8"))
    assert json.loads(stdout) == data
    assert data["counts"]["wrong"] >= 3 and set(data["counts"]) == {"unrecognised", "ignored", "wrong", "partial",
                                                                     "supported"}
    assert {"source": str(AVD / "LEAF1.cfg"), "line": 30, "text": "trunk group MLAG", "support": "wrong",
            "message": "EOS trunk groups are not modelled: the VLAN is taken as carried by every trunk that allows "
                       "it"} in data["not_supported"]


def _bad(args: list[str], out: Path) -> str:
    out.write_text("previous\n", encoding="utf-8")
    result = runner.invoke(app, ["import", *args, "-o", str(out)])
    assert result.exception is None or isinstance(result.exception, SystemExit), result.exception
    assert result.exit_code == 2
    assert "Traceback" not in result.stderr
    assert out.read_text(encoding="utf-8") == "previous\n"  # nothing half-written
    return result.stderr


def test_a_truncated_config_is_exit_2_located(tmp_path: Path) -> None:
    raw = TOR1.read_bytes()
    cut = tmp_path / "cut.cfg"
    cut.write_bytes(raw[: raw.index(b"switchport trunk native vlan 12") + len(b"switchport trunk native vlan")])
    stderr = _bad(["--switch-config", str(cut)], tmp_path / "d.yaml")
    line = cut.read_bytes().count(b"\n") + 1
    assert stderr == f"{cut}:{line}:3: error: switchport trunk native vlan needs one VLAN\n"


@pytest.mark.parametrize("args", [
    [],
    ["--vcenter", "https://vc.example"],
    ["--switch-config", str(TOR1), "--user", "admin"],
    ["--vcenter", "https://vc.example", "--user", "u", "--password-env", "VINFRA_TEST_UNSET_PASSWORD"],
], ids=["no-source", "vcenter-without-user", "user-without-vcenter", "password-env-unset"])
def test_usage_errors(args: list[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv("VINFRA_TEST_UNSET_PASSWORD", raising=False)
    assert _bad(args, tmp_path / "d.yaml").startswith("error: ")


def test_a_neighbour_file_of_another_kind_is_exit_2(tmp_path: Path) -> None:
    stderr = _bad(["--switch-config", str(TOR1), "--neighbors", str(TOR1)], tmp_path / "d.yaml")
    assert stderr.startswith(f"{TOR1}:1:1: error: not CDP or LLDP neighbour detail output")


def test_two_configs_of_one_switch_are_refused_not_merged(tmp_path: Path) -> None:
    stderr = _bad(["--switch-config", str(TOR1), "--switch-config", str(TOR1)], tmp_path / "d.yaml")
    assert "also configured by" in stderr


def test_a_design_that_would_not_validate_is_not_written(tmp_path: Path) -> None:
    cfg = tmp_path / "sw.cfg"
    # the switch would refuse it too: a subnet's network address is no interface address
    cfg.write_text("hostname sw\ninterface Vlan10\n ip address 10.0.10.0 255.255.255.0\n", encoding="utf-8")
    out = tmp_path / "d.yaml"
    stderr = _bad(["--switch-config", str(cfg)], out)
    assert stderr.splitlines()[0] == f"{out}: error: the imported design does not validate; nothing written"
    assert "switches.sw.interfaces.Vlan10.ip" in stderr and "network address" in stderr


def test_cabling_files_that_disagree_are_a_reported_conflict(tmp_path: Path) -> None:
    leaf2 = tmp_path / "LEAF2.cfg"
    leaf2.write_text((AVD / "LEAF1.cfg").read_text(encoding="utf-8").replace("hostname LEAF1", "hostname LEAF2")
                     .replace("192.168.0.0/31", "192.168.0.1/31").replace("peer-address 192.168.0.1",
                                                                          "peer-address 192.168.0.0"),
                     encoding="utf-8")
    first = tmp_path / "first.csv"
    second = tmp_path / "second.csv"
    first.write_text("a,b\nLEAF1:Ethernet47,LEAF2:Ethernet47\n", encoding="utf-8")
    second.write_text("a,b\nLEAF1:Et47,LEAF2:Ethernet48\n", encoding="utf-8")
    out = tmp_path / "pair.yaml"
    stdout = _ok(["--switch-config", str(AVD / "LEAF1.cfg"), "--switch-config", str(leaf2), "--neighbors", str(first),
                  "--neighbors", str(second), "-o", str(out)])
    assert (f"conflict: links.LEAF1:Ethernet47: {first} says 'LEAF2:Ethernet47'; {second} says 'LEAF2:Ethernet48'; "
            f"the design holds {first} (first given)") in stdout.splitlines()
    assert stdout.splitlines()[-1] == f"{out}: written: 2 switches, 0 hosts, 0 VMs, 1 link; 1 conflict"


def test_host_side_sources_that_cannot_be_read_are_exit_2_located(tmp_path: Path,
                                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """Malformed input through the command (issue 12): a workbook that is not RVTools, a truncated ESXi output
    and an unreachable vCenter each give exit 2 naming the source, no traceback, and write nothing."""
    import openpyxl

    book = tmp_path / "budget.xlsx"
    wb = openpyxl.Workbook()
    wb.active.append(["Item", "Cost"])
    wb.save(book)
    esxi = tmp_path / "esx01"
    esxi.mkdir()
    (esxi / "esxcfg-vswitch-l.txt").write_text(
        "Switch Name      Num Ports   Used Ports  Configured Ports  MTU     Uplinks\nvSwitch0         1")
    monkeypatch.setenv("VC_PASSWORD", "secret")
    out = tmp_path / "out.yaml"
    for args, where in (
        (["--rvtools", str(book)], str(book)),
        (["--esxi-output", str(esxi)], str(esxi)),
        (["--vcenter", "https://127.0.0.1:9/sdk", "--user", "u", "--password-env", "VC_PASSWORD"], "127.0.0.1:9"),
    ):
        result = runner.invoke(app, ["import", *args, "-o", str(out)])
        text = result.stdout + result.stderr
        assert result.exit_code == 2, text
        assert where in text and "error" in text and "Traceback" not in text
        assert not out.exists()
