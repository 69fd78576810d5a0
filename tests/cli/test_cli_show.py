"""``vinfra show``: the inventory tree, then the vSwitch diagrams of every host or of ``--host``."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from _golden import BROKEN, BROKEN_LINES
from _paths import ROOT, shared_example
from vinfra.cli.main import app

runner = CliRunner()
DEMO = "examples/two-independent-switches.yaml"

DEMO_OUTPUT = """\
Datacenter branch-two-independent-switches
└── Cluster branch  [DRS fully (threshold 3), HA (tolerates 1 host failure)]
    ├── esx01  ESXi 7.0, 1x12 cores @ 2400 MHz, 256 GB
    │   ├── intranet01  2 vCPUs, 8 GB
    │   └── erp-app01  4 vCPUs, 32 GB
    ├── esx02  ESXi 7.0, 1x12 cores @ 2400 MHz, 256 GB
    │   └── intranet02  2 vCPUs, 8 GB
    └── esx03  ESXi 7.0, 1x12 cores @ 2400 MHz, 256 GB
        └── erp-db01  8 vCPUs, 64 GB

esx01 · vSwitch0 (standard vSwitch, MTU 1500, teaming port_id)
  Port groups                                         │ vmnic0   vmnic1
  ────────────────────────────────────────────────────┼─────────────────
  Management · VLAN 110                               │ active   standby
      vmk0  10.20.110.11/24  management               │
  vMotion · VLAN 120                                  │ standby  active
      vmk1  10.20.120.11/24  vmotion                  │
  Web · VLAN 130                                      │ active   active
      intranet01  10.20.130.11/24  00:50:56:20:30:11  │
  App · VLAN 140                                      │ active   active
      erp-app01  10.20.140.21/24  00:50:56:20:40:21   │
  ────────────────────────────────────────────────────┴─────────────────
  Physical adapters
    vmnic0   1000 Mb/s  ── acc-a:Gi1/0/1  trunk, allowed 110-140, native 1
    vmnic1   1000 Mb/s  ── acc-b:Gi1/0/1  trunk, allowed 110-140, native 1
"""


@pytest.fixture(autouse=True)
def _in_repo(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(ROOT)


def test_make_demo_output_is_exact_and_deterministic() -> None:
    first = runner.invoke(app, ["show", DEMO, "--host", "esx01"])
    second = runner.invoke(app, ["show", DEMO, "-H", "esx01"])
    assert first.exit_code == 0 and first.stderr == ""
    assert first.stdout == DEMO_OUTPUT
    assert second.stdout == first.stdout


def test_without_host_every_host_is_drawn() -> None:
    result = runner.invoke(app, ["show", DEMO])
    assert result.exit_code == 0
    heads = [ln for ln in result.stdout.splitlines() if " · vSwitch" in ln]
    assert heads == [f"{h} · vSwitch0 (standard vSwitch, MTU 1500, teaming port_id)" for h in ("esx01", "esx02", "esx03")]


def test_distributed_switches_follow_the_standard_ones() -> None:
    result = runner.invoke(app, ["show", "examples/mlag-vds-lacp.yaml", "--host", "esx-pod1"])
    assert result.exit_code == 0
    out = result.stdout
    assert out.index("esx-pod1 · vSwitch0") < out.index("esx-pod1 · dvs-prod (distributed switch 8.0")
    assert "    uplink2 = vmnic3  10000 Mb/s  ── leaf-2:Ethernet1/11" in out
    assert "    lag:lag1          LACP active; members uplink1, uplink2; hash src-dst-ip" in out


def test_vgt_guests_show_their_vlans() -> None:
    result = runner.invoke(app, ["show", "examples/guest-vlan-tagging.yaml", "--host", "esx-lab1"])
    assert result.exit_code == 0
    assert "      probe01 nic2  10.20.130.5/24  guest VLAN 130  00:50:56:20:30:05   │" in result.stdout
    assert "      probe01 nic1  10.20.150.21/24  guest untagged  00:50:56:20:50:21  │" in result.stdout


def test_a_long_tree_is_not_cropped_on_a_narrow_terminal() -> None:
    result = runner.invoke(app, ["show", str(shared_example("seed-io-consolidation.yaml"))], terminal_width=40)
    assert "└── Cluster cl-cna  [DRS fully (threshold 3), HA (50% reserved), EVC intel-westmere]" in result.stdout


def test_host_without_virtual_switches() -> None:
    result = runner.invoke(app, ["show", "tests/data/bare-host.yaml", "--host", "esx01"])
    assert result.exit_code == 0
    assert result.stdout.endswith("\nesx01: no virtual switches\n")


def test_unknown_host_is_a_precise_error() -> None:
    result = runner.invoke(app, ["show", DEMO, "--host", "esx1"])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr == (
        f"{DEMO}: error: --host esx1: no host of that name in design 'branch-two-independent-switches' "
        "(did you mean 'esx01'?)\n"
    )
    result = runner.invoke(app, ["show", DEMO, "--host", "zzz"])
    assert result.exit_code == 2
    assert result.stderr.endswith("(hosts: esx01, esx02, esx03)\n")


def test_broken_design_exits_2_with_every_diagnostic() -> None:
    result = runner.invoke(app, ["show", BROKEN])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert result.stderr.splitlines() == BROKEN_LINES + [f"{len(BROKEN_LINES)} errors"]
    missing = runner.invoke(app, ["show", "nope.yaml"])
    assert missing.exit_code == 2 and missing.stderr == "nope.yaml: error: no such file\n1 error\n"
