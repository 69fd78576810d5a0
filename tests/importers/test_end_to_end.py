"""End to end: the NX-OS top-of-rack config of ../shared/data, ESXi command output of ../shared/data and the
cabling between them give, through ``vinfra import``, a design that validates, and ``vinfra check`` runs on it.

The ESXi side is read by ``vinfra.importers.esxi.read_esxi`` (the host-side importers, built beside this one);
it is imported inside the test so that only this test, not the collection of the others, depends on it.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from typer.testing import CliRunner

from _import_data import ESXI, TOR1
from vinfra.cli.main import app

runner = CliRunner()
# TOR1's hypervisor ports (trunks, native VLAN 12, allowed 7-12, edge trunk)
HOST_PORTS = [f"Ethernet1/{slot}/{lane}" for slot in range(3, 11) for lane in range(1, 5)]


def _captures(tmp: Path) -> list[Path]:
    """Two hosts' captured output, one directory each (the files of ../shared/data, copied per host)."""
    esx01 = tmp / "esx01"
    esx02 = tmp / "esx02"
    esx01.mkdir()
    esx02.mkdir()
    for name in ("esxcfg_vswitch_2.txt", "esxcfg_vmknic_2.txt", "esxcfg_nics_1.txt"):
        shutil.copy(ESXI / name, esx01 / name)
    shutil.copy(ESXI / "esxcfg_vswitch_1.txt", esx02 / "esxcfg_vswitch_1.txt")
    return [esx01, esx02]


def _uplinks(host: dict) -> list[str]:
    found = {nic for vs in (host.get("vswitches") or {}).values() for nic in vs.get("uplinks") or []}
    return sorted(found, key=lambda n: (len(n), n))


def test_tor1_and_esxi_output_import_to_a_design_that_validates_and_checks(tmp_path: Path) -> None:
    from vinfra.importers.esxi import read_esxi

    captures = _captures(tmp_path)
    hosts = read_esxi(captures).design["hosts"]
    dv_uplinks = {host: sorted(mapping.values())
                  for dvs in (read_esxi(captures).design.get("dvswitches") or {}).values()
                  for host, mapping in (dvs.get("hosts") or {}).items()}
    ports = iter(HOST_PORTS)
    cables = [(next(ports), host, nic) for host in sorted(hosts)
              for nic in sorted(set(_uplinks(hosts[host])) | set(dv_uplinks.get(host, [])))]
    assert len(cables) >= 3
    # the first host's cables as TOR1's CDP shows them, the rest as a cabling sheet
    first = sorted(hosts)[0]
    cdp = tmp_path / "tor1-cdp.txt"
    cdp.write_text("TOR1# show cdp neighbors detail\n" + "".join(
        f"----------------------------------------\nDevice ID:{host}.example.com\n"
        f"Platform: VMware ESX, Capabilities: Switch\nInterface: {port}, Port ID (outgoing port): {nic}\n"
        f"Holdtime: 161 sec\n\n" for port, host, nic in cables if host == first), encoding="utf-8")
    sheet = tmp_path / "cabling.csv"
    sheet.write_text("a,b\n" + "".join(f"TOR1:{port},{host}:{nic}\n" for port, host, nic in cables if host != first),
                     encoding="utf-8")
    design = tmp_path / "dc.yaml"
    result = runner.invoke(app, ["import", "--switch-config", str(TOR1),
                                 *(a for c in captures for a in ("--esxi-output", str(c))),
                                 "--neighbors", str(cdp), "--neighbors", str(sheet), "-o", str(design)])
    assert result.exit_code == 0, result.stderr
    assert "no cable in the sources" not in result.stdout  # every uplink joined its switch port
    assert result.stdout.splitlines()[-1] == (f"{design}: written: 1 switch, {len(hosts)} hosts, 0 VMs, "
                                              f"{len(cables)} links; 0 conflicts")
    validated = runner.invoke(app, ["validate", str(design)])
    assert validated.exit_code == 0, validated.stderr
    assert validated.stdout.endswith(f"{len(hosts)} hosts, 0 VMs, 1 switch, {len(cables)} links\n")
    checked = runner.invoke(app, ["check", str(design), "--format", "json"])
    assert checked.exit_code in (0, 1), checked.stderr  # 1: findings; never 2 (bad input)
    assert "untagged-portgroup-on-trunk" in checked.stdout  # the hosts' VLAN 0 port groups on TOR1's trunks
