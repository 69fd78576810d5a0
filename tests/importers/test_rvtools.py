"""RVTools exports -> hosts, vSwitches, port groups, DVS, VMs: the shared workbooks and a CSV export in
RVTools' own column names."""

from __future__ import annotations

import csv
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import openpyxl
import pytest

from _paths import SHARED
from vinfra.importers.report import Imported, ImportSourceError, Support
from vinfra.importers.rvtools import _Sheet, read_rvtools
from vinfra.io.design import from_data
from vinfra.model import build_inventory

RV_DATA = SHARED / "data" / "rvtools-to-ibm-cloud" if SHARED else None
WORKBOOKS = sorted(RV_DATA.glob("*.xlsx")) if RV_DATA and RV_DATA.is_dir() else []
needs_data = pytest.mark.skipif(not WORKBOOKS, reason="shared/data is not next to the repository")


def _valid(imported: Imported) -> None:
    _, problems = build_inventory(imported.design)
    assert problems == [], problems[:5]
    from_data(imported.design)


def _workbook(name: str) -> Path:
    assert RV_DATA is not None
    return RV_DATA / name


@needs_data
@pytest.mark.parametrize("workbook", WORKBOOKS, ids=lambda p: p.name)
def test_every_shared_workbook_is_read_and_validates(workbook: Path) -> None:
    imported = read_rvtools(workbook)
    assert imported.sources == (str(workbook),)
    assert imported.design["vms"]
    _valid(imported)


@needs_data
def test_the_sizing_workshop_workbook() -> None:
    imported = read_rvtools(_workbook("SizingWorkshop-RVTools.xlsx"))
    design = imported.design
    # vInfo: 805 rows up to the first empty row (the sheet declares 3504): 795 VMs and 10 templates
    assert len(design["vms"]) == 795 and len(design["templates"]) == 10
    assert sorted(design["clusters"]) == ["Cluster1", "Cluster2", "DMZ", "Mgmt"]
    host = design["hosts"]["vmsp-01"]
    assert host["cpu"] == {"sockets": 2, "cores": 8, "mhz": 2700, "vendor": "intel"}
    assert host["memory_gb"] == round(262109 / 1024, 2)
    assert (host["product"], host["version"], host["cluster"]) == ("esxi", "6.0.0", "Cluster1")
    # the workbook's defect: VMs name hosts (bovmsp-04.customer.com) that vHost (vmsp-04) does not list
    assert len(design["hosts"]) == 34 + 32
    assert design["vms"]["wadfs1"]["host"] == "bovmsp-04.customer.com"
    orphan = next(r for r in imported.report if r.text == "bovmsp-04.customer.com")
    assert orphan.support is Support.PARTIAL and "no vHost row" in orphan.message
    # vNetwork names no network for any NIC: every row reported, no NIC invented
    rows = [r for r in imported.report if r.source.endswith("[vNetwork]") and r.line != 1]
    assert len(rows) == 805 and all(r.support is Support.WRONG and "no Network" in r.message for r in rows)
    assert not any("nics" in vm for vm in design["vms"].values())
    assert design["vms"]["wowas1"] == {"cpu": {"vcpus": 6}, "memory_gb": 16.0, "host": "bovmsp-04.customer.com",
                                       "power": "on", "guest": "Microsoft Windows Server 2012 (64-bit)"}
    ignored = [r for r in imported.report if r.support is Support.IGNORED]
    assert [r.source.rsplit("[", 1)[1] for r in ignored] == ["vPartition]"]


@needs_data
def test_the_small_workbook_with_simplified_columns() -> None:
    imported = read_rvtools(_workbook("rvtools-small-complete.xlsx"))
    design = imported.design
    assert sorted(design["vms"]) == ["sample-archive-01", "sample-db-01", "sample-web-01"]
    pgs = {h: v["vswitches"]["vSwitch0"]["portgroups"] for h, v in design["hosts"].items()}
    assert pgs == {"sample-host-01": {"sample-app-net": {"vlan": 101}}, "sample-host-02": {"sample-db-net": {"vlan": 102}}}
    assert design["dvswitches"]["dvSwitch-backup"]["portgroups"] == {"sample-backup-net": {"vlan": 103}}
    db = design["vms"]["sample-db-01"]
    assert [n["network"] for n in db["nics"]] == ["sample-db-net", "dvSwitch-backup/sample-backup-net"]
    assert db["nics"][0]["mac"] == "00:50:56:aa:00:02" and db["memory_gb"] == 16.0
    assert design["vms"]["sample-archive-01"]["power"] == "off"
    assert list(design["dvswitches"]["dvSwitch-backup"]["hosts"]) == ["sample-host-02"]
    _valid(imported)


# the CSV export, in RVTools' own column names ------------------------------------------------------

EXPORT: dict[str, list[list[Any]]] = {
    "vHost": [["Host", "Datacenter", "Cluster", "CPU Model", "Speed", "# CPU", "Cores per CPU", "# Cores", "# Memory",
               "ESX Version"],
              ["esx01", "DC1", "prod", "AMD EPYC 7313 16-Core Processor", "3000", "2", "16", "32", "524288",
               "VMware ESXi 7.0.3 build-21930508"]],
    "vCluster": [["Name", "HA enabled", "Failover Level", "AdmissionControlEnabled", "Isolation Response",
                  "DRS enabled", "DRS default VM behavior"],
                 ["prod", "True", "1", "True", "powerOff", "True", "partiallyAutomated"]],
    "vNIC": [["Host", "Datacenter", "Cluster", "Network Device", "Driver", "Speed", "Duplex", "MAC", "Switch"],
             ["esx01", "DC1", "prod", "vmnic0", "ixgben", "10000", "Full", "00:50:56:01:00:00", "vSwitch0"],
             ["esx01", "DC1", "prod", "vmnic1", "ixgben", "10000", "Full", "00:50:56:01:00:01", "vSwitch0"],
             ["esx01", "DC1", "prod", "vmnic2", "i40en", "25000", "Full", "00:50:56:01:00:02", "dvs-prod"],
             ["esx01", "DC1", "prod", "vmnic3", "i40en", "0", "", "00:50:56:01:00:03", "dvs-prod"]],
    "vSwitch": [["Host", "Datacenter", "Cluster", "Switch", "# Ports", "Promiscuous Mode", "Mac Changes",
                 "Forged Transmits", "Policy", "Notify Switch", "Rolling Order", "MTU"],
                ["esx01", "DC1", "prod", "vSwitch0", "128", "False", "False", "False", "loadbalance_srcmac", "True",
                 "True", "1500"]],
    "vPort": [["Host", "Datacenter", "Cluster", "Port Group", "Switch", "VLAN", "Policy"],
              ["esx01", "DC1", "prod", "Management Network", "vSwitch0", "0", ""],
              ["esx01", "DC1", "prod", "VM-10", "vSwitch0", "10", "failover_explicit"]],
    "vSC_VMK": [["Host", "Datacenter", "Cluster", "Port Group", "Device", "Mac Address", "DHCP", "IP Address",
                 "IP 6 Address", "Subnet mask", "Gateway", "IP 6 Gateway", "MTU"],
                ["esx01", "DC1", "prod", "Management Network", "vmk0", "00:50:56:6a:01:10", "False", "10.0.1.11", "",
                 "255.255.255.0", "10.0.1.1", "", "1500"]],
    "dvSwitch": [["Switch", "Datacenter", "Vendor", "Version", "Host members", "Max MTU"],
                 ["dvs-prod", "DC1", "VMware, Inc.", "7.0.3", "esx01", "9000"]],
    "dvPort": [["Port", "Switch", "Type", "VLAN", "Active Uplink", "Standby Uplink", "Policy"],
               ["dv-web", "dvs-prod", "earlyBinding", "30", "uplink1", "uplink2", "loadbalance_srcid"],
               ["dv-trunk", "dvs-prod", "earlyBinding", "100-200", "uplink1,uplink2", "", "loadbalance_srcid"]],
    "vDatastore": [["Name", "Config status", "Type", "Capacity MB", "Hosts"],
                   ["ds-nfs", "green", "NFS", "2097152", "esx01"]],
    "vInfo": [["VM", "Powerstate", "Template", "CPUs", "Memory", "NICs", "Network #1", "Network #2", "Datacenter",
               "Cluster", "Host", "OS according to the VMware Tools"],
              ["web01", "poweredOn", "False", "2", "4096", "2", "VM-10", "dv-web", "DC1", "prod", "esx01", "Ubuntu"],
              ["app01", "poweredOff", "False", "1", "2048", "1", "VM-10", "", "DC1", "prod", "esx01", ""],
              ["tmpl01", "poweredOff", "True", "1", "1024", "0", "", "", "DC1", "prod", "esx01", ""]],
    "vNetwork": [["VM", "Powerstate", "Template", "NIC label", "Adapter", "Network", "Switch", "Connected",
                  "Mac Address", "IPv4 Address"],
                 ["web01", "poweredOn", "False", "Network adapter 1", "Vmxnet3", "VM-10", "vSwitch0", "True",
                  "00:50:56:aa:10:21", "10.0.10.21"],
                 ["web01", "poweredOn", "False", "Network adapter 2", "Vmxnet3", "dv-web", "dvs-prod", "True",
                  "00:50:56:aa:10:22", ""],
                 ["web01", "poweredOn", "False", "Network adapter 3", "Vmxnet3", "Nowhere", "vSwitch9", "True",
                  "00:50:56:aa:10:23", ""]],
    "vPartition": [["VM", "Disk", "Capacity MB"], ["web01", "/", "20480"]],
}


def _write_export(directory: Path, sheets: dict[str, list[list[Any]]] = EXPORT) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    for sheet, rows in sheets.items():
        with (directory / f"RVTools_tab{sheet}.csv").open("w", newline="", encoding="utf-8-sig") as fh:
            csv.writer(fh).writerows(rows)
    return directory


def test_a_csv_export_gives_the_host_network_and_vms(tmp_path: Path) -> None:
    imported = read_rvtools(_write_export(tmp_path / "export"))
    design = imported.design
    host = design["hosts"]["esx01"]
    assert host["cpu"] == {"sockets": 2, "cores": 16, "mhz": 3000, "vendor": "amd"}
    assert (host["memory_gb"], host["version"], host["cluster"]) == (512.0, "7.0.3", "prod")
    assert host["nics"]["vmnic2"] == {"speed": 25000, "mac": "00:50:56:01:00:02", "driver": "i40en"}
    assert "speed" not in host["nics"]["vmnic3"]  # link down: reported partial
    vs = host["vswitches"]["vSwitch0"]
    assert vs["uplinks"] == ["vmnic0", "vmnic1"] and vs["mtu"] == 1500  # uplinks from vNIC's Switch column
    # Rolling Order true = no failback (T11); mac hash (T2)
    assert vs["teaming"] == {"policy": "mac_hash", "notify_switches": True, "failback": False}
    assert vs["security"] == {"promiscuous": False, "mac_changes": False, "forged_transmits": False}
    assert vs["portgroups"] == {"Management Network": {"vlan": 0},
                                "VM-10": {"vlan": 10, "teaming": {"policy": "explicit"}}}
    assert host["vmkernel"]["vmk0"] == {"portgroup": "Management Network", "ip": "10.0.1.11/24",
                                        "gateway": "10.0.1.1", "mac": "00:50:56:6a:01:10", "mtu": 1500}
    assert host["datastores"] == ["ds-nfs"]
    assert design["datastores"]["ds-nfs"] == {"capacity_gb": 2048.0, "type": "nfs", "transport": "nfs"}
    dvs = design["dvswitches"]["dvs-prod"]
    assert dvs["mtu"] == 9000 and dvs["hosts"] == {"esx01": {"uplink1": "vmnic2", "uplink2": "vmnic3"}}
    assert dvs["portgroups"] == {"dv-web": {"vlan": 30}, "dv-trunk": {"vlan": {"trunk": "100-200"}}}
    assert design["clusters"]["prod"] == {"drs": {"enabled": True, "automation": "partially"},
                                          "ha": {"enabled": True, "admission_control": {"policy": "host_failures",
                                                                                        "value": 1},
                                                 "isolation_response": "power_off"}}
    web = design["vms"]["web01"]
    assert web["nics"] == [{"network": "VM-10", "mac": "00:50:56:aa:10:21"},
                           {"network": "dvs-prod/dv-web", "mac": "00:50:56:aa:10:22"}]
    nowhere = next(r for r in imported.report if r.text == "web01 Network adapter 3")
    assert nowhere.support is Support.WRONG and "not a port group of esx01" in nowhere.message
    no_prefix = next(r for r in imported.report if r.text == "web01 Network adapter 1")
    assert no_prefix.support is Support.PARTIAL and "prefix length" in no_prefix.message
    # a VM without vNetwork rows takes its networks from vInfo's Network #N columns
    assert design["vms"]["app01"]["nics"] == [{"network": "VM-10"}] and design["vms"]["app01"]["power"] == "off"
    assert "tmpl01" in design["templates"] and "tmpl01" not in design["vms"]
    assert next(r for r in imported.report if r.text == "vPartition").support is Support.IGNORED
    _valid(imported)


def test_one_csv_file_of_the_export_is_read_alone(tmp_path: Path) -> None:
    export = _write_export(tmp_path / "export", {"vInfo": EXPORT["vInfo"]})
    imported = read_rvtools(export / "RVTools_tabvInfo.csv")
    assert sorted(imported.design["vms"]) == ["app01", "web01"]
    assert imported.design["hosts"]["esx01"]["cluster"] == "prod"
    # no vPort rows: the networks named in vInfo are not port groups of esx01, so no NIC is made up
    assert not any("nics" in vm for vm in imported.design["vms"].values())
    _valid(imported)


def test_a_workbook_built_like_rvtools_reads_like_its_csv_export(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.remove(wb.active)
    for sheet, rows in EXPORT.items():
        ws = wb.create_sheet(sheet)
        for row in rows:
            ws.append(row)
    wb.save(tmp_path / "export.xlsx")
    from_xlsx = read_rvtools(tmp_path / "export.xlsx").design
    from_csv = read_rvtools(_write_export(tmp_path / "csv")).design
    assert {k: v for k, v in from_xlsx.items() if k != "name"} == {k: v for k, v in from_csv.items() if k != "name"}


def test_reading_stops_at_the_first_empty_row_and_reports_rows_after_it(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    ws = wb.active
    ws.title = "vInfo"
    ws.append(["VM", "Host", "CPUs", "Memory"])
    for i in range(5):
        ws.append([f"vm{i}", "esx01", 1, 1024])
    ws.cell(row=9, column=1, value="after-the-gap")  # rows 7 and 8 empty
    ws.cell(row=1_048_576, column=1, value="the-declared-millionth-row")  # the sheet now declares a million rows
    wb.save(tmp_path / "big.xlsx")
    imported = read_rvtools(tmp_path / "big.xlsx")
    assert sorted(imported.design["vms"]) == [f"vm{i}" for i in range(5)]
    gap = next(r for r in imported.report if r.line == 7)
    assert gap.source.endswith("big.xlsx[vInfo]") and gap.support is Support.WRONG
    assert "not read" in gap.message


def test_a_sheet_is_not_walked_past_its_first_empty_row() -> None:
    pulled = 0

    def rows() -> Iterator[tuple[Any, ...]]:  # a sheet declaring a million rows, all but 4 empty
        nonlocal pulled
        for i in range(1_000_000):
            pulled += 1
            yield ("VM", "Host") if i == 0 else (f"vm{i}", "esx01") if i < 4 else (None, None)

    sheet = _Sheet("x.xlsx", "vInfo", rows())
    assert [r["VM"] for _, r in sheet.rows] == ["vm1", "vm2", "vm3"]
    assert sheet.gap is None and pulled < 100


# malformed input -----------------------------------------------------------------------------------


def test_a_workbook_that_is_not_an_rvtools_export_is_a_located_error(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "Budget"
    wb.active.append(["Item", "Cost"])
    wb.save(tmp_path / "budget.xlsx")
    with pytest.raises(ImportSourceError) as err:
        read_rvtools(tmp_path / "budget.xlsx")
    assert str(err.value) == (f"{tmp_path / 'budget.xlsx'}: error: not an RVTools export: no vInfo, vHost, vNetwork "
                              "... sheet (sheets: Budget)")


def test_a_sheet_without_its_key_column_is_a_located_error(tmp_path: Path) -> None:
    wb = openpyxl.Workbook()
    wb.active.title = "vInfo"
    wb.active.append(["Name", "Host"])
    wb.save(tmp_path / "odd.xlsx")
    with pytest.raises(ImportSourceError, match=r"odd.xlsx\[vInfo\]:1:1: error: the vInfo sheet has no 'VM' column"):
        read_rvtools(tmp_path / "odd.xlsx")


@pytest.mark.parametrize("name,content,message", [
    ("fake.xlsx", b"VM,Host\nweb01,esx01\n", "not an xlsx workbook"),
    ("notes.csv", b"VM,Host\n", "not an RVTools export"),
    ("RVTools_tabvInfo.csv", b"VM,Host\n\xff\xfe\n", "not UTF-8 text"),
])
def test_files_that_are_not_exports_are_located_errors(tmp_path: Path, name: str, content: bytes, message: str) -> None:
    (tmp_path / name).write_bytes(content)
    with pytest.raises(ImportSourceError, match=message):
        read_rvtools(tmp_path / name)


def test_missing_and_empty_inputs_are_located_errors(tmp_path: Path) -> None:
    with pytest.raises(ImportSourceError, match="no such file or directory"):
        read_rvtools(tmp_path / "nope.xlsx")
    with pytest.raises(ImportSourceError, match="no RVTools CSV export here"):
        read_rvtools(tmp_path)
