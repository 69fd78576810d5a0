"""ESXi command output -> hosts: the captured outputs in shared/data (intel/mfd-esxi) and esxcli transcripts.

Each fragment must pass model validation on its own (no switches): vswitch uplinks declared as NICs, VMkernel
ports only on port groups the capture shows, teaming lists within the vSwitch's uplinks (T9, T16).
"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from _paths import SHARED
from vinfra.importers.esxi import read_esxi
from vinfra.importers.report import Imported, ImportSourceError, Support
from vinfra.io.design import from_data
from vinfra.model import build_inventory

ESXI_DATA = SHARED / "data" / "intel-mfd-esxi" if SHARED else None
CAPTURES = sorted(ESXI_DATA.iterdir()) if ESXI_DATA and ESXI_DATA.is_dir() else []
needs_data = pytest.mark.skipif(not CAPTURES, reason="shared/data is not next to the repository")


def _valid(imported: Imported) -> None:
    _, problems = build_inventory(imported.design)
    assert problems == [], problems
    from_data(imported.design)  # the loader's own path, with its located errors


def _data(name: str) -> Path:
    assert ESXI_DATA is not None
    return ESXI_DATA / name


def test_the_shared_captures_are_all_there() -> None:
    if SHARED is None:
        pytest.skip("shared/ is not next to the repository")
    assert [p.name for p in CAPTURES] == ["esxcfg_nics_1.txt", "esxcfg_vmknic_2.txt", "esxcfg_vswitch_1.txt",
                                          "esxcfg_vswitch_2.txt"]


@needs_data
@pytest.mark.parametrize("capture", CAPTURES, ids=lambda p: p.name)
def test_every_shared_capture_is_read_and_validates(capture: Path) -> None:
    imported = read_esxi([capture])
    assert list(imported.design["hosts"]) == [capture.stem]  # a file's host is named by the file
    assert imported.sources == (str(capture),)
    # every non-blank line has exactly one report line
    lines = [n for n, t in enumerate(capture.read_text().splitlines(), 1) if t.strip()]
    assert sorted(r.line for r in imported.report if r.line is not None) == lines
    _valid(imported)


@needs_data
def test_esxcfg_vswitch_gives_vswitches_uplinks_port_groups_and_the_dvs() -> None:
    imported = read_esxi([_data("esxcfg_vswitch_1.txt")])
    host = imported.design["hosts"]["esxcfg_vswitch_1"]
    vs = host["vswitches"]["vSwitch0"]
    assert vs["uplinks"] == ["vmnic0"] and vs["mtu"] == 1500
    assert {pg: v["vlan"] for pg, v in vs["portgroups"].items()} == {"ATmng": 0, "VM Network": 0,
                                                                     "Management Network": 0}
    dvs = imported.design["dvswitches"]["DSwitch_063LongName"]
    assert dvs["mtu"] == 9000 and dvs["hosts"] == {"esxcfg_vswitch_1": {"uplink1": "vmnic3"}}
    assert sorted(host["nics"]) == ["vmnic0", "vmnic3"]
    dvs_row = next(r for r in imported.report if r.line == 10)
    assert dvs_row.support is Support.PARTIAL and "dvUplink names" in dvs_row.message
    assert [r.support for r in imported.report if r.line in (13, 14)] == [Support.IGNORED] * 2  # DVPort usage

    two = read_esxi([_data("esxcfg_vswitch_2.txt")]).design["hosts"]["esxcfg_vswitch_2"]["vswitches"]
    assert {n: v["uplinks"] for n, v in two.items()} == {"ATvSwitchLongName": ["vmnic10"], "vSwitch0": ["vmnic4"]}
    assert list(two["ATvSwitchLongName"]["portgroups"]) == ["ATNetwork", "ATvmnic10"]


@needs_data
def test_esxcfg_nics_gives_speeds_macs_and_drivers_and_reports_down_links() -> None:
    imported = read_esxi([_data("esxcfg_nics_1.txt")])
    nics = imported.design["hosts"]["esxcfg_nics_1"]["nics"]
    assert len(nics) == 16
    assert nics["vmnic0"] == {"speed": 25000, "mac": "68:05:ca:aa:bb:cc", "driver": "icen"}
    assert nics["vmnic4"]["speed"] == 1000 and nics["vmnic10"]["speed"] == 10000
    assert "speed" not in nics["vmnic14"]  # Down, 0Mbps: no speed to import
    down = [r.text.split()[0] for r in imported.report if r.support is Support.PARTIAL]
    assert sorted(down) == ["vmnic14", "vmnic15", "vmnic5", "vmnic6", "vmnic7"]


@needs_data
def test_vmkernel_ports_join_the_port_groups_of_the_same_hosts_capture(tmp_path: Path) -> None:
    host_dir = tmp_path / "esx-lab-07"
    host_dir.mkdir()
    for name in ("esxcfg_vswitch_2.txt", "esxcfg_vmknic_2.txt"):
        shutil.copy(_data(name), host_dir / name)
    imported = read_esxi([host_dir])
    host = imported.design["hosts"]["esx-lab-07"]  # a directory's host is named by the directory
    assert host["vmkernel"] == {
        "vmk0": {"portgroup": "Management Network", "mac": "48:df:37:aa:bb:cc", "mtu": 1500, "ip": "172.31.0.82/16"},
        "vmk1": {"portgroup": "ATvmnic10", "mac": "00:50:56:aa:bb:cc", "mtu": 1500, "ip": "1.1.1.1/8"},
    }
    vmk2 = next(r for r in imported.report if r.source.endswith("esxcfg_vmknic_2.txt") and r.line == 6)
    assert vmk2.support is Support.WRONG and "PGvmnic0" in vmk2.message
    ipv6 = [r for r in imported.report if "IPv6" in r.message]
    assert len(ipv6) == 3 and all(r.support is Support.IGNORED for r in ipv6)
    _valid(imported)


TRANSCRIPT = """\
[root@esx01:~] esxcli network nic list
Name    PCI Device    Driver  Admin Status  Link Status  Speed  Duplex  MAC Address         MTU  Description
------  ------------  ------  ------------  -----------  -----  ------  -----------------  ----  -----------
vmnic0  0000:02:00.0  ixgben  Up            Up           10000  Full    00:50:56:01:00:00  1500  Intel(R) 82599 10 Gigabit Dual Port Network Connection
vmnic1  0000:02:00.1  ixgben  Up            Up           10000  Full    00:50:56:01:00:01  1500  Intel(R) 82599 10 Gigabit Dual Port Network Connection
vmnic2  0000:03:00.0  ixgben  Up            Down             0  Half    00:50:56:01:00:02  9000  Intel(R) 82599 10 Gigabit Dual Port Network Connection
[root@esx01:~] esxcli network vswitch standard list
vSwitch0
   Name: vSwitch0
   Class: cswitch
   Num Ports: 5632
   Used Ports: 8
   Configured Ports: 128
   MTU: 1500
   CDP Status: listen
   Beacon Enabled: false
   Beacon Interval: 1
   Beacon Threshold: 3
   Beacon Required By:
   Uplinks: vmnic1, vmnic0
   Portgroups: VM Network, vMotion, Management Network

Storage
   Name: Storage
   Class: cswitch
   MTU: 9000
   Uplinks: vmnic2
   Portgroups: iSCSI-A, NFS

[root@esx01:~] esxcli network vswitch standard portgroup list
Name                Virtual Switch  Active Clients  VLAN ID
------------------  --------------  --------------  -------
Management Network  vSwitch0                     1        0
VM Network          vSwitch0                     3       10
vMotion             vSwitch0                     1       20
iSCSI-A             Storage                      1       50
[root@esx01:~] esxcli network vswitch standard policy failover get -v vSwitch0
   Load Balancing: iphash
   Network Failure Detection: beacon
   Notify Switches: true
   Failback: false
   Active Adapters: vmnic0, vmnic1
   Standby Adapters:
   Unused Adapters:
[root@esx01:~] esxcli network vswitch standard portgroup policy failover get -p vMotion
   Load Balancing: srcport
   Network Failure Detection: link
   Notify Switches: true
   Failback: true
   Active Adapters: vmnic1
   Standby Adapters: vmnic0
   Unused Adapters:
   Override Vswitch Load Balancing: true
   Override Vswitch Network Failure Detection: false
   Override Vswitch Notify Switches: false
   Override Vswitch Failback: false
   Override Vswitch Uplinks: true
[root@esx01:~] esxcli network ip interface list
vmk0
   Name: vmk0
   MAC Address: 00:50:56:6a:01:10
   Enabled: true
   Portset: vSwitch0
   Portgroup: Management Network
   Netstack Instance: defaultTcpipStack
   VDS Name: N/A
   VDS UUID: N/A
   VDS Port: N/A
   VDS Connection: -1
   MTU: 1500
   TSO MSS: 65535
   Port ID: 33554436

vmk1
   Name: vmk1
   MAC Address: 00:50:56:6a:01:11
   Enabled: true
   Portset: vSwitch0
   Portgroup: vMotion
   VDS Name: N/A
   MTU: 9000
   Port ID: 33554437

vmk2
   Name: vmk2
   MAC Address: 00:50:56:6a:01:12
   Enabled: true
   Portset: DvsPortset-0
   Portgroup: N/A
   VDS Name: dvs-prod
   VDS Port: 17
   MTU: 9000
[root@esx01:~] esxcli network ip interface ipv4 get
Name  IPv4 Address  IPv4 Netmask   IPv4 Broadcast  Address Type  Gateway   DHCP DNS
----  ------------  -------------  --------------  ------------  --------  --------
vmk0  10.0.1.11     255.255.255.0  10.0.1.255      STATIC        10.0.1.1     false
vmk1  10.0.20.11    255.255.255.0  10.0.20.255     STATIC        0.0.0.0      false
[root@esx01:~] esxcli network ip interface tag get -i vmk0
   Tags: Management
[root@esx01:~] esxcli network ip interface tag get -i vmk1
   Tags: VMotion, faultToleranceLogging, NVMeTCP
[root@esx01:~] esxcli storage core adapter list
HBA Name  Driver  Link State  UID  Capabilities  Description
vmhba0    vmw_ahci  link-n/a  sata.vmhba0  (0000:00:11.4) Intel Corporation Wellsburg AHCI Controller
"""


def test_an_esxcli_transcript_gives_teaming_overrides_and_addresses(tmp_path: Path) -> None:
    capture = tmp_path / "capture.log"
    capture.write_text(TRANSCRIPT)
    imported = read_esxi([capture])
    assert list(imported.design["hosts"]) == ["esx01"]  # from the shell prompts
    host = imported.design["hosts"]["esx01"]
    assert host["nics"]["vmnic0"] == {"speed": 10000, "mac": "00:50:56:01:00:00", "driver": "ixgben"}
    vs0 = host["vswitches"]["vSwitch0"]
    assert vs0["uplinks"] == ["vmnic1", "vmnic0"] and vs0["mtu"] == 1500
    assert vs0["teaming"] == {"policy": "ip_hash", "detection": "beacon", "notify_switches": True, "failback": False,
                              "active": ["vmnic0", "vmnic1"], "standby": [], "unused": []}
    # only the overridden fields are the port group's (T16): policy and the uplink order
    assert vs0["portgroups"]["vMotion"] == {"vlan": 20, "teaming": {"policy": "port_id", "active": ["vmnic1"],
                                                                     "standby": ["vmnic0"], "unused": []}}
    assert vs0["portgroups"]["VM Network"] == {"vlan": 10}
    storage = host["vswitches"]["Storage"]
    assert storage["mtu"] == 9000 and list(storage["portgroups"]) == ["iSCSI-A"]
    nfs = next(r for r in imported.report if "'NFS'" in r.message)
    assert nfs.support is Support.PARTIAL and "VLAN is not in the capture" in nfs.message
    assert host["vmkernel"]["vmk0"] == {"portgroup": "Management Network", "mac": "00:50:56:6a:01:10", "mtu": 1500,
                                        "ip": "10.0.1.11/24", "gateway": "10.0.1.1", "services": ["management"]}
    assert host["vmkernel"]["vmk1"]["ip"] == "10.0.20.11/24" and host["vmkernel"]["vmk1"]["mtu"] == 9000
    assert host["vmkernel"]["vmk1"]["services"] == ["ft", "vmotion"]
    tags = next(r for r in imported.report if r.text.startswith("Tags: VMotion"))
    assert tags.support is Support.PARTIAL and "NVMeTCP" in tags.message
    assert "vmk2" not in host["vmkernel"]  # on a DVS port: reported, not imported
    vmk2 = next(r for r in imported.report if r.text == "VDS Name: dvs-prod" or "dvs-prod port 17" in r.message)
    assert vmk2.support is Support.WRONG
    hba = [r for r in imported.report if "esxcli storage" in r.text or r.text.startswith("vmhba0")]
    assert [r.support for r in hba] == [Support.UNRECOGNISED, Support.IGNORED]
    _valid(imported)


def test_hostname_output_names_the_host(tmp_path: Path) -> None:
    capture = tmp_path / "x.txt"
    capture.write_text("[root@localhost:~] hostname\nesx09.lab.example\n[root@localhost:~] esxcfg-vswitch -l\n"
                       "Switch Name      Num Ports   Used Ports  Configured Ports  MTU     Uplinks\n"
                       "vSwitch0         5632        3           128               1500    vmnic0,vmnic1\n\n"
                       "  PortGroup Name        VLAN ID  Used Ports  Uplinks\n"
                       "  VM Network            10       1           vmnic0,vmnic1\n"
                       "  vMotion               20       1           vmnic1\n")
    imported = read_esxi([capture])
    host = imported.design["hosts"]["esx09"]
    assert host["vswitches"]["vSwitch0"]["uplinks"] == ["vmnic0", "vmnic1"]
    assert {k: v["vlan"] for k, v in host["vswitches"]["vSwitch0"]["portgroups"].items()} == {"VM Network": 10,
                                                                                             "vMotion": 20}
    vmotion = next(r for r in imported.report if r.line == 9)
    assert vmotion.support is Support.PARTIAL and "active or standby" in vmotion.message
    _valid(imported)


def test_a_dvs_named_with_spaces_and_a_vswitch_without_uplinks(tmp_path: Path) -> None:
    capture = tmp_path / "esx03.txt"
    capture.write_text("Switch Name      Num Ports   Used Ports  Configured Ports  MTU     Uplinks\n"
                       "vSwitch1         1536        1           128               1500\n\n"
                       "  PortGroup Name        VLAN ID  Used Ports  Uplinks\n"
                       "  Isolated              4095     0\n\n"
                       "DVS Name         Num Ports   Used Ports  Configured Ports  MTU     Uplinks\n"
                       "DSwitch Prod 01  2560        6           512               9000    vmnic2,vmnic3\n\n"
                       "  DVPort ID           In Use      Client\n"
                       "  0                   1           vmnic2\n")
    imported = read_esxi([capture])
    vs1 = imported.design["hosts"]["esx03"]["vswitches"]["vSwitch1"]
    assert vs1 == {"uplinks": [], "mtu": 1500, "portgroups": {"Isolated": {"vlan": 4095}}}  # VGT (V3)
    # a DVS name may hold spaces (a VM NIC names it as 'DSwitch Prod 01/portgroup')
    assert imported.design["dvswitches"]["DSwitch Prod 01"]["hosts"] == {"esx03": {"uplink1": "vmnic2",
                                                                                   "uplink2": "vmnic3"}}
    slash = tmp_path / "esx04.txt"
    slash.write_text(capture.read_text().replace("DSwitch Prod 01", "DSwitch/Prod"))
    rejected = read_esxi([slash])
    dvs_row = next(r for r in rejected.report if r.line == 8)
    assert dvs_row.support is Support.WRONG and "'/' separates a switch from its port group" in dvs_row.message
    assert "dvswitches" not in rejected.design
    assert [r.support for r in rejected.report if r.line in (10, 11)] == [Support.IGNORED] * 2
    _valid(rejected)
    _valid(imported)


@needs_data
def test_two_captures_of_one_host_that_disagree_are_a_conflict(tmp_path: Path) -> None:
    host_dir = tmp_path / "esx02"
    host_dir.mkdir()
    shutil.copy(_data("esxcfg_vswitch_1.txt"), host_dir / "a.txt")
    shutil.copy(_data("esxcfg_vswitch_2.txt"), host_dir / "b.txt")
    imported = read_esxi([host_dir])
    conflict = next(c for c in imported.conflicts if c.what == "vswitches.vSwitch0.uplinks")
    assert [v for _, v in conflict.values] == [["vmnic0"], ["vmnic4"]]
    assert conflict.chosen.endswith("a.txt:2 (first read)")
    assert imported.design["hosts"]["esx02"]["vswitches"]["vSwitch0"]["uplinks"] == ["vmnic0"]
    _valid(imported)


# malformed input: a located error, never a traceback ----------------------------------------------


@needs_data
@pytest.mark.parametrize("capture,line", [("esxcfg_vswitch_1.txt", 6), ("esxcfg_nics_1.txt", 9),
                                           ("esxcfg_vmknic_2.txt", 4), ("esxcfg_vswitch_2.txt", 13)])
def test_a_capture_cut_mid_row_is_a_located_error(tmp_path: Path, capture: str, line: int) -> None:
    lines = _data(capture).read_text().splitlines()
    cut = tmp_path / capture
    cut.write_text("\n".join(lines[: line - 1] + [lines[line - 1][:20]]))
    with pytest.raises(ImportSourceError) as err:
        read_esxi([cut])
    assert str(err.value).startswith(f"{cut}:{line}:1: error: ")
    assert "truncated" in str(err.value)


def test_a_header_without_its_rows_is_truncated(tmp_path: Path) -> None:
    cut = tmp_path / "h.txt"
    cut.write_text("Switch Name      Num Ports   Used Ports  Configured Ports  MTU     Uplinks\n")
    with pytest.raises(ImportSourceError, match=r"h.txt:1:1: error: .*before its switch row"):
        read_esxi([cut])


def test_an_esxcli_block_cut_short_is_truncated(tmp_path: Path) -> None:
    cut = tmp_path / "c.txt"
    cut.write_text(TRANSCRIPT.split("   Portgroups: VM Network")[0])
    with pytest.raises(ImportSourceError, match=r"c.txt:20:1: error: .*'vSwitch0' ends without Portgroups"):
        read_esxi([cut])


@pytest.mark.parametrize("content,message", [
    ("", "the file is empty"),
    ("hello\nworld\n", "c.txt:1:1: error: not ESXi command output"),
    ("\n\nshow running-config\n", "c.txt:3:1: error: not ESXi command output"),
])
def test_a_file_that_is_no_esxi_output_is_a_located_error(tmp_path: Path, content: str, message: str) -> None:
    bad = tmp_path / "c.txt"
    bad.write_text(content)
    with pytest.raises(ImportSourceError, match=message):
        read_esxi([bad])


def test_binary_and_missing_input_are_located_errors(tmp_path: Path) -> None:
    binary = tmp_path / "b.txt"
    binary.write_bytes(b"Switch Name\n\xff\xfe\n")
    with pytest.raises(ImportSourceError, match=r"b.txt:2:1: error: byte 0xff is not UTF-8"):
        read_esxi([binary])
    with pytest.raises(ImportSourceError, match="no such file or directory"):
        read_esxi([tmp_path / "nope"])


def test_two_captures_naming_one_host_are_refused(tmp_path: Path) -> None:
    for name in ("a.txt", "b.txt"):
        (tmp_path / name).write_text("[root@esx01:~] hostname\nesx01\n")
    with pytest.raises(ImportSourceError, match="host esx01 was already read"):
        read_esxi([tmp_path / "a.txt", tmp_path / "b.txt"])
