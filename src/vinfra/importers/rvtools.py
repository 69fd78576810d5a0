"""RVTools exports (an ``.xlsx`` workbook, or the CSV export: a directory of ``RVTools_tab<sheet>.csv`` files
or one such file) -> hosts, vSwitches, port groups, DVS, VMkernel ports, clusters, datastores, VMs and their
networks.

Sheets read (columns by their header text, so a column moved or added does not matter): ``vHost``,
``vCluster``, ``vDatastore``, ``vNIC`` (vmnics and the vSwitch each backs), ``vSwitch``, ``vPort`` (port
groups and VLANs), ``vSC_VMK`` (VMkernel ports), ``dvSwitch``, ``dvPort``, ``vInfo`` (VMs and templates) and
``vNetwork`` (VM NICs). Every other sheet is reported ``ignored``. The workbook is opened read-only and each
sheet is read up to its first empty row: some exports declare a million rows; a row found soon after that
gap is reported, not silently lost.

A row is reported as a line of ``<file>[<sheet>]`` (row 1 is the header). A VM NIC whose network is not a
port group of its host in the export, an address without a prefix length (RVTools gives none for VMs) and
a name the design cannot hold are reported and left out, so the fragment always validates.

Not done yet: resource pools, snapshots, disks and partitions (sizes), vDS LACP, traffic shaping.
"""

from __future__ import annotations

import csv
import io
import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

from . import fields
from .ledger import Ledger
from .report import Imported, ImportSourceError, Support

_SHEETS = ("vHost", "vCluster", "vDatastore", "vNIC", "vSwitch", "vPort", "vSC_VMK", "dvSwitch", "dvPort", "vInfo",
           "vNetwork")
_KEY_COLUMN = {"vHost": "Host", "vCluster": ("Name", "Cluster"), "vDatastore": "Name", "vNIC": "Host",
               "vSwitch": "Switch", "vPort": "Port Group", "vSC_VMK": "Host", "dvSwitch": ("Switch", "Name"),
               "dvPort": ("Port", "Port Group"), "vInfo": "VM", "vNetwork": "VM"}
_PEEK_AFTER_GAP = 50  # rows looked at past the first empty row, to report data that the stop would skip
_CSV_NAME = re.compile(r"^(?:RVTools_tab)?(?P<sheet>[A-Za-z_]+)\.csv$", re.IGNORECASE)

Row = tuple[int, dict[str, Any]]


def read_rvtools(path: Path) -> Imported:
    """Read an RVTools export; a file that is not one is an :class:`ImportSourceError` (exit 2)."""
    path = Path(path)
    sheets = _open(path)
    return _Builder(str(path), sheets).build()


# opening ----------------------------------------------------------------------------------------


class _Sheet:
    """One tab: its header, and its rows as dicts up to the first empty row."""

    def __init__(self, source: str, name: str, rows: Iterator[tuple[Any, ...]]) -> None:
        self.source = f"{source}[{name}]"
        self.name = name
        self.header: list[str] = []
        self.rows: list[Row] = []
        self.gap: int | None = None  # first empty row, when data follows it
        first = next(rows, None)
        if first is None:
            return
        self.header = [" ".join(str(h).split()) if h is not None else "" for h in first]
        for number, row in enumerate(rows, 2):
            if _empty(row):
                for extra, later in enumerate(rows, number + 1):
                    if not _empty(later):
                        self.gap = number
                        break
                    if extra - number > _PEEK_AFTER_GAP:
                        break
                break
            self.rows.append((number, {h: v for h, v in zip(self.header, row, strict=False) if h}))

    def column(self, *names: str) -> str | None:
        for n in names:
            if n in self.header:
                return n
        return None


def _empty(row: tuple[Any, ...]) -> bool:
    return all(v is None or (isinstance(v, str) and not v.strip()) for v in row)


def _open(path: Path) -> dict[str, _Sheet]:
    source = str(path)
    if path.is_dir():
        files = sorted(p for p in path.iterdir() if p.is_file() and _CSV_NAME.match(p.name))
        if not files:
            raise ImportSourceError.at(source, "no RVTools CSV export here (expected RVTools_tab<sheet>.csv files)")
        return _checked(source, {s.name: s for s in (_csv_sheet(f) for f in files)})
    if not path.is_file():
        raise ImportSourceError.at(source, "no such file or directory")
    if path.suffix.lower() == ".csv":
        if not _CSV_NAME.match(path.name):
            raise ImportSourceError.at(source, "not an RVTools CSV export: the file name names no sheet "
                                       "(RVTools_tabvInfo.csv, vInfo.csv ...)")
        return _checked(source, {s.name: s for s in [_csv_sheet(path)]})
    import openpyxl  # imported on use: openpyxl's import costs ~0.2 s that other commands need not pay
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        wb = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (zipfile.BadZipFile, InvalidFileException, KeyError, OSError) as exc:
        raise ImportSourceError.at(source, f"not an xlsx workbook ({type(exc).__name__}: {exc})") from None
    try:
        sheets = {ws.title: _Sheet(source, ws.title, ws.iter_rows(values_only=True)) for ws in wb.worksheets
                  if ws.title in _SHEETS}
        others = [ws.title for ws in wb.worksheets if ws.title not in _SHEETS]
    finally:
        wb.close()
    checked = _checked(source, sheets, others)
    for title in others:  # not read: listed so that the report names them
        checked.setdefault(title, _Sheet(source, title, iter(())))
    return checked


def _csv_sheet(file: Path) -> _Sheet:
    m = _CSV_NAME.match(file.name)
    assert m is not None
    name = next((s for s in _SHEETS if s.lower() == m.group("sheet").lower()), m.group("sheet"))
    try:
        text = file.read_bytes().decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportSourceError.at(str(file), f"not UTF-8 text at byte {exc.start}: export the CSV as UTF-8") from None
    except OSError as exc:
        raise ImportSourceError.at(str(file), f"cannot read: {exc.strerror or exc}") from None
    first = text.split("\n", 1)[0]
    try:
        dialect: Any = csv.Sniffer().sniff(first, delimiters=",;\t")
    except csv.Error:
        dialect = csv.excel
    sheet = _Sheet(str(file.parent), name, (tuple(r) for r in csv.reader(io.StringIO(text), dialect)))
    sheet.source = f"{file}"
    return sheet


def _checked(source: str, sheets: dict[str, _Sheet], others: list[str] | None = None) -> dict[str, _Sheet]:
    known = {n: s for n, s in sheets.items() if n in _SHEETS}
    if not known:
        names = ", ".join(sorted(set(sheets) | set(others or []))) or "none"
        raise ImportSourceError.at(source, f"not an RVTools export: no vInfo, vHost, vNetwork ... sheet (sheets: {names})")
    for name, sheet in known.items():
        keys = _KEY_COLUMN[name]
        keys = (keys,) if isinstance(keys, str) else keys
        if sheet.header and sheet.column(*keys) is None:
            raise ImportSourceError.at(sheet.source, f"the {name} sheet has no {' or '.join(repr(k) for k in keys)} "
                                       f"column: not an RVTools {name} tab", line=1, column=1)
    return sheets


# values -----------------------------------------------------------------------------------------


def _text(value: Any) -> str | None:
    if value is None:
        return None
    text = str(value).strip()
    return text or None


def _int(value: Any) -> int | None:
    if isinstance(value, bool) or value is None:
        return None
    if isinstance(value, int | float):
        return int(value)
    text = str(value).strip().replace(",", "")
    try:
        return int(float(text)) if text else None
    except ValueError:
        return None


def _bool(value: Any) -> bool | None:
    if isinstance(value, bool):
        return value
    text = str(value).strip().lower() if value is not None else ""
    return {"true": True, "false": False, "yes": True, "no": False, "1": True, "0": False}.get(text)


def _named_rows(sheet: _Sheet, column: str) -> Iterator[tuple[int, dict[str, Any], str]]:
    """(row number, row, name) of the rows whose ``column`` names something; unnamed rows carry nothing."""
    for row, r in sheet.rows:
        name = _text(r.get(column))
        if name is not None:
            yield row, r, name


def _noted(convert: Callable[[Any], Any], value: Any, notes: list[str]) -> Any | None:
    """``convert(value)``, or None with the reason added to the row's notes."""
    try:
        return convert(value)
    except ValueError as exc:
        notes.append(str(exc))
        return None


def _split(value: Any) -> list[str]:
    return [p.strip() for p in re.split(r"[,;]", _text(value) or "") if p.strip()]


# building ---------------------------------------------------------------------------------------


class _Builder:
    def __init__(self, source: str, sheets: dict[str, _Sheet]) -> None:
        self.source = source
        self.sheets = sheets
        self.ledger = Ledger()
        self.hosts: dict[str, dict[str, Any]] = {}
        self.clusters: dict[str, dict[str, Any]] = {}
        self.datastores: dict[str, dict[str, Any]] = {}
        self.dvswitches: dict[str, dict[str, Any]] = {}
        self.vms: dict[str, dict[str, Any]] = {}
        self.templates: dict[str, dict[str, Any]] = {}
        self.vm_host: dict[str, str] = {}

    def mark(self, sheet: _Sheet, row: int, text: str, support: Support, message: str = "") -> None:
        self.ledger.mark(sheet.source, row, text, support, message)

    def mark_noted(self, sheet: _Sheet, row: int, text: str, notes: list[str]) -> None:
        """A row read whole is supported; one with notes (what was left out or defaulted) is partial."""
        self.mark(sheet, row, text, Support.PARTIAL if notes else Support.SUPPORTED, "; ".join(notes))

    def build(self) -> Imported:
        for key, sheet in self.sheets.items():
            if key not in _SHEETS:
                self.ledger.mark(sheet.source, 1, sheet.name, Support.IGNORED, "sheet not read")
        order = ("vHost", "vCluster", "vDatastore", "vNIC", "vSwitch", "vInfo", "vPort", "vSC_VMK", "dvSwitch",
                 "dvPort", "vNetwork")
        for name in order:
            sheet = self.sheets.get(name)
            if sheet is None or not sheet.header:
                continue
            used = getattr(self, f"_{name}")(sheet)
            unread = [h for h in sheet.header if h and h not in used]
            self.mark(sheet, 1, f"header of {name}", Support.PARTIAL if unread else Support.SUPPORTED,
                      f"columns not read: {', '.join(unread)}" if unread else "")
            if sheet.gap is not None:
                self.mark(sheet, sheet.gap, "(empty row)", Support.WRONG,
                          "rows follow this empty row; reading stops at the first empty row, so they are not read")
        self._finish_vms()
        design: dict[str, Any] = {"name": f"rvtools {Path(self.source).name}", "hosts": self.hosts}
        for key, value in (("clusters", self.clusters), ("datastores", self.datastores),
                           ("dvswitches", self.dvswitches), ("vms", self.vms), ("templates", self.templates)):
            if value:
                design[key] = value
        return Imported(design, self.ledger.lines(), (), (self.source,))

    # hosts and clusters ---------------------------------------------------------------------------
    def _host(self, name: str | None, sheet: _Sheet, row: int, cluster: str | None = None) -> dict[str, Any] | None:
        """The host called ``name``, made on first mention (a host with no vHost row keeps the defaults)."""
        if name is None:
            self.mark(sheet, row, "(no host)", Support.WRONG, "no host name: row not imported")
            return None
        if name not in self.hosts:
            try:
                fields.device_name(name, "host name")
            except ValueError as exc:
                self.mark(sheet, row, name, Support.WRONG, f"{exc}: row not imported")
                return None
            self.hosts[name] = {"nics": {}, "vswitches": {}, "vmkernel": {}}
            if sheet.name != "vHost":
                self.mark(sheet, row, name, Support.PARTIAL, f"host {name} has no vHost row: its CPU and memory are "
                          "the design's defaults")
        host = self.hosts[name]
        if cluster and "cluster" not in host:
            self._cluster(cluster, sheet, row)
            if cluster in self.clusters:
                host["cluster"] = cluster
        return host

    def _cluster(self, name: str, sheet: _Sheet, row: int) -> None:
        if name in self.clusters:
            return
        try:
            fields.label(name, "cluster name")
        except ValueError as exc:
            self.mark(sheet, row, name, Support.WRONG, f"{exc}: cluster not imported")
            return
        self.clusters[name] = {}
        if sheet.name != "vCluster":
            self.mark(sheet, row, name, Support.PARTIAL, f"cluster {name} has no vCluster row: DRS and HA settings are "
                      "the design's defaults")

    def _vHost(self, sheet: _Sheet) -> set[str]:
        for row, r in sheet.rows:
            name = _text(r.get("Host"))
            host = self._host(name, sheet, row, _text(r.get("Cluster")))
            if host is None:
                continue
            notes: list[str] = []
            sockets, cores, mhz = _int(r.get("# CPU")), _int(r.get("Cores per CPU")), _int(r.get("Speed"))
            cpu: dict[str, Any] = {}
            if sockets:
                cpu["sockets"] = sockets
            if cores:
                cpu["cores"] = cores
            elif sockets and _int(r.get("# Cores")):
                cpu["cores"] = max(1, (_int(r.get("# Cores")) or 0) // sockets)
            if mhz:
                cpu["mhz"] = mhz
            model = (_text(r.get("CPU Model")) or "").lower()
            if "intel" in model or "amd" in model:
                cpu["vendor"] = "intel" if "intel" in model else "amd"
            if cpu:
                host["cpu"] = cpu
            memory = _int(r.get("# Memory"))
            if memory:
                host["memory_gb"] = round(memory / 1024, 2)
            version = _text(r.get("ESX Version"))
            if version:
                m = re.search(r"ESX(i?)\s+(\d+(?:\.\d+)*)", version)
                if m:
                    host["product"] = "esxi" if m.group(1) else "esx"
                    host["version"] = m.group(2)
                else:
                    notes.append(f"ESX version {version!r} not understood")
            self.mark_noted(sheet, row, name or "", notes)
        return {"Host", "Cluster", "# CPU", "Cores per CPU", "# Cores", "Speed", "CPU Model", "# Memory", "ESX Version"}

    def _vCluster(self, sheet: _Sheet) -> set[str]:
        key = sheet.column("Name", "Cluster")
        assert key is not None
        for row, r, name in _named_rows(sheet, key):
            self._cluster(name, sheet, row)
            if name not in self.clusters:
                continue
            cl = self.clusters[name]
            drs = _bool(r.get("DRS enabled"))
            if drs is not None:
                cl["drs"] = {"enabled": drs}
                behavior = _text(r.get("DRS default VM behavior"))
                automation = {"manual": "manual", "partiallyAutomated": "partially", "fullyAutomated": "fully"}
                if behavior in automation:
                    cl["drs"]["automation"] = automation[behavior]
            ha = _bool(r.get("HA enabled"))
            if ha is not None:
                cl["ha"] = {"enabled": ha}
                level = _int(r.get("Failover Level"))
                if level is not None and _bool(r.get("AdmissionControlEnabled")) is not False:
                    cl["ha"]["admission_control"] = {"policy": "host_failures", "value": level}
                response = _text(r.get("Isolation Response"))
                isolation = {"none": "leave_powered_on", "powerOff": "power_off", "shutdown": "shutdown"}
                if response in isolation:
                    cl["ha"]["isolation_response"] = isolation[response]
            self.mark(sheet, row, name, Support.SUPPORTED)
        return {key, "DRS enabled", "DRS default VM behavior", "HA enabled", "Failover Level",
                "AdmissionControlEnabled", "Isolation Response"}

    def _vDatastore(self, sheet: _Sheet) -> set[str]:
        capacity = sheet.column("Capacity MiB", "Capacity MB")
        types = {"VMFS": ("vmfs", None), "NFS": ("nfs", "nfs"), "NFS41": ("nfs", "nfs"), "VSAN": ("vsan", "vsan"),
                 "VVOL": ("vvol", None)}
        for row, r, name in _named_rows(sheet, "Name"):
            try:
                fields.label(name, "datastore name")
            except ValueError as exc:
                self.mark(sheet, row, name, Support.WRONG, f"{exc}: not imported")
                continue
            item: dict[str, Any] = {}
            size = _int(r.get(capacity)) if capacity else None
            if size is not None:
                item["capacity_gb"] = round(size / 1024, 2)
            kind = (_text(r.get("Type")) or "").upper()
            notes = []
            if kind in types:
                item["type"], transport = types[kind]
                if transport:
                    item["transport"] = transport
                else:
                    notes.append("the storage transport is not in the export: the design's default (fc) stands")
            else:
                notes.append(f"type {kind or 'missing'}: the design's default (vmfs) stands")
            self.datastores[name] = item
            for host_name in _split(r.get("Hosts")):
                if host_name in self.hosts:
                    self.hosts[host_name].setdefault("datastores", []).append(name)
            self.mark_noted(sheet, row, name, notes)
        return {"Name", "Type", "Hosts"} | ({capacity} if capacity else set())

    # host networking --------------------------------------------------------------------------------
    def _vswitch(self, host: dict[str, Any], name: str) -> dict[str, Any]:
        return host["vswitches"].setdefault(name, {"uplinks": [], "portgroups": {}})

    def _vNIC(self, sheet: _Sheet) -> set[str]:
        device = sheet.column("Network Device", "Device")
        for row, r in sheet.rows:
            host = self._host(_text(r.get("Host")), sheet, row)
            nic_name = _text(r.get(device)) if device else None
            if host is None or nic_name is None:
                continue
            nic: dict[str, Any] = {}
            notes = []
            speed = _int(r.get("Speed"))
            if speed:
                nic["speed"] = fields.speed(speed)
            else:
                notes.append("no link speed (link down?): the design's default stands")
            mac = _text(r.get("MAC"))
            if mac and (value := _noted(fields.mac, mac, notes)) is not None:
                nic["mac"] = value
            driver = _text(r.get("Driver"))
            if driver:
                nic["driver"] = driver
            host["nics"][nic_name] = nic
            switch = _text(r.get("Switch"))
            if switch:  # a vSwitch's uplink or a DVS's: known once the dvSwitch sheet is read (_finish_vms)
                host.setdefault("_nic_switch", {})[nic_name] = switch
            self.mark_noted(sheet, row, f"{r.get('Host')} {nic_name}", notes)
        return {"Host", "Speed", "MAC", "Driver", "Switch"} | ({device} if device else set())

    def _vSwitch(self, sheet: _Sheet) -> set[str]:
        for row, r in sheet.rows:
            host = self._host(_text(r.get("Host")), sheet, row, _text(r.get("Cluster")))
            name = _text(r.get("Switch"))
            if host is None or name is None:
                continue
            vs = self._vswitch(host, name)
            notes = []
            mtu = _int(r.get("MTU"))
            if mtu and (value := _noted(fields.mtu, mtu, notes)) is not None:
                vs["mtu"] = value
            team = _teaming(r)
            if team:
                vs["teaming"] = team
            security = _security(r)
            if security:
                vs["security"] = security
            if "Port Group" in sheet.header:  # simplified exports put port groups on this sheet
                self._portgroup(host, vs, r, sheet, row, notes)
            self.mark_noted(sheet, row, f"{r.get('Host')} {name}", notes)
        return {"Host", "Switch", "MTU", "Cluster", "Policy", "Notify Switch", "Rolling Order", "Promiscuous Mode",
                "Mac Changes", "Forged Transmits", "Port Group", "VLAN"}

    @staticmethod
    def _portgroup_label(value: Any, notes: list[str]) -> str | None:
        """A port group's name, or None (no name, or one the design cannot hold: noted)."""
        label = _text(value)
        if label is None:
            return None
        try:
            fields.label(label, "port group name")
        except ValueError as exc:
            notes.append(f"{exc}: port group not imported")
            return None
        return label

    def _portgroup(self, host: dict[str, Any], vs: dict[str, Any], r: dict[str, Any], sheet: _Sheet, row: int,
                   notes: list[str]) -> None:
        label = self._portgroup_label(r.get("Port Group"), notes)
        if label is None:
            return
        if any(label in other["portgroups"] for other in host["vswitches"].values() if other is not vs):
            notes.append(f"port group {label!r} is already on another vSwitch of this host: not imported")
            return
        vlan = _int(r.get("VLAN"))
        pg: dict[str, Any] = {"vlan": vlan if vlan is not None and 0 <= vlan <= 4095 else 0}
        if vlan is None or not 0 <= vlan <= 4095:
            notes.append(f"VLAN {r.get('VLAN')!r} is not 0-4095: VLAN 0 (none) imported")
        team = _teaming(r)
        if team:
            pg["teaming"] = team
        vs["portgroups"][label] = pg

    def _vPort(self, sheet: _Sheet) -> set[str]:
        for row, r in sheet.rows:
            host_name = _text(r.get("Host"))
            if host_name is None and _text(r.get("VM")):  # simplified exports: the VM's row names the host
                host_name = self.vm_host.get(_text(r.get("VM")) or "")
            host = self._host(host_name, sheet, row, _text(r.get("Cluster")))
            switch = _text(r.get("Switch"))
            if host is None or switch is None:
                continue
            notes: list[str] = []
            self._portgroup(host, self._vswitch(host, switch), r, sheet, row, notes)
            self.mark_noted(sheet, row, f"{host_name} {switch} {r.get('Port Group')}", notes)
        return {"Host", "VM", "Switch", "Port Group", "VLAN", "Cluster", "Policy", "Notify Switch", "Rolling Order"}

    def _vSC_VMK(self, sheet: _Sheet) -> set[str]:
        for row, r in sheet.rows:
            host_name = _text(r.get("Host"))
            host = self._host(host_name, sheet, row)
            device, pg = _text(r.get("Device")), _text(r.get("Port Group"))
            if host is None or device is None:
                continue
            if not any(pg in vs["portgroups"] for vs in host["vswitches"].values()):
                self.mark(sheet, row, f"{host_name} {device}", Support.WRONG,
                          f"port group {pg!r} is not a standard port group of {host_name} in this export: not imported")
                continue
            vmk: dict[str, Any] = {"portgroup": pg}
            notes = []
            ip, mask = _text(r.get("IP Address")), _text(r.get("Subnet mask"))
            if ip and mask:
                try:
                    vmk["ip"] = fields.ipv4_interface(ip, mask)
                except ValueError as exc:
                    notes.append(f"{exc}: address not imported")
            gateway = _text(r.get("Gateway"))
            if gateway and gateway != "0.0.0.0":
                try:
                    vmk["gateway"] = fields.ipv4_address(gateway)
                except ValueError as exc:
                    notes.append(f"gateway: {exc}")
            mac = _text(r.get("Mac Address"))
            if mac:
                vmk["mac"] = fields.mac(mac)
            mtu = _int(r.get("MTU"))
            if mtu:
                vmk["mtu"] = fields.mtu(mtu)
            notes.append("VMkernel services are not in the export: none set")
            host["vmkernel"][device] = vmk
            self.mark(sheet, row, f"{host_name} {device}", Support.PARTIAL, "; ".join(notes))
        return {"Host", "Device", "Port Group", "IP Address", "Subnet mask", "Gateway", "Mac Address", "MTU"}

    def _vdvs(self, name: str, sheet: _Sheet, row: int) -> dict[str, Any] | None:
        if name not in self.dvswitches:
            try:
                fields.dvs_name(name)
            except ValueError as exc:
                self.mark(sheet, row, name, Support.WRONG, f"{exc}: not imported")
                return None
            self.dvswitches[name] = {"hosts": {}, "portgroups": {}}
        return self.dvswitches[name]

    def _dvSwitch(self, sheet: _Sheet) -> set[str]:
        key = sheet.column("Switch", "Name")
        assert key is not None
        for row, r, name in _named_rows(sheet, key):
            dvs = self._vdvs(name, sheet, row)
            if dvs is None:
                continue
            notes = []
            mtu = _int(r.get("Max MTU"))
            if mtu:
                dvs["mtu"] = fields.mtu(mtu)
            version = _text(r.get("Version"))
            if version:
                dvs["version"] = version
            for host_name in _split(r.get("Host members")):
                host = self.hosts.get(host_name)
                if host is None:
                    notes.append(f"member {host_name} has no host row: not bound")
                    continue
                # vNIC rows named the vmnics backing this switch; dvUplink names are not in the export
                vmnics = [nic for nic, sw in host.get("_nic_switch", {}).items() if sw == name]
                dvs["hosts"][host_name] = {f"uplink{i}": nic for i, nic in enumerate(vmnics, 1)}
                if vmnics:
                    notes.append(f"{host_name}: dvUplink names are not in the export; its vmnics take uplink1.. in order")
            if "Port Group" in sheet.header:  # simplified exports put port groups on this sheet
                self._dvportgroup(dvs, r.get("Port Group"), r.get("VLAN"), notes)
            self.mark_noted(sheet, row, name, notes)
        return {key, "Max MTU", "Version", "Host members", "Port Group", "VLAN"}

    def _dvportgroup(self, dvs: dict[str, Any], label_value: Any, vlan_value: Any, notes: list[str]) -> None:
        label = self._portgroup_label(label_value, notes)
        if label is None:
            return
        vlan_text = _text(vlan_value) or "0"
        vlan: Any
        if re.fullmatch(r"\d+", vlan_text) and int(vlan_text) <= 4094:
            vlan = int(vlan_text)
        elif re.fullmatch(r"[\d\s,-]+", vlan_text):
            vlan = {"trunk": vlan_text.replace(" ", "")}
        else:
            notes.append(f"VLAN {vlan_text!r} not understood: VLAN 0 (none) imported")
            vlan = 0
        dvs["portgroups"][label] = {"vlan": vlan}

    def _dvPort(self, sheet: _Sheet) -> set[str]:
        key = sheet.column("Port", "Port Group")
        assert key is not None
        for row, r, switch in _named_rows(sheet, "Switch"):
            dvs = self._vdvs(switch, sheet, row)
            if dvs is None:
                continue
            notes: list[str] = []
            self._dvportgroup(dvs, r.get(key), r.get("VLAN"), notes)
            self.mark_noted(sheet, row, f"{switch} {r.get(key)}", notes)
        return {key, "Switch", "VLAN"}

    # VMs --------------------------------------------------------------------------------------------
    def _vInfo(self, sheet: _Sheet) -> set[str]:
        networks = [h for h in sheet.header if re.fullmatch(r"Network #\d+", h)]
        for row, r, name in _named_rows(sheet, "VM"):
            try:
                fields.label(name, "VM name")
            except ValueError as exc:
                self.mark(sheet, row, str(r.get("VM")), Support.WRONG, f"{exc}: not imported")
                continue
            notes: list[str] = []
            item: dict[str, Any] = {}
            cpus = _int(r.get("CPUs"))
            if cpus:
                item["cpu"] = {"vcpus": cpus}
            memory = _int(r.get("Memory"))
            if memory and memory > 0:
                item["memory_gb"] = round(memory / 1024, 3)
            elif memory is not None:
                notes.append(f"memory {memory} MB: the design's default stands")
            os_name = _text(r.get("OS according to the VMware Tools")) or _text(r.get("OS according to the configuration file"))
            if os_name:
                item["guest"] = os_name
            item["_row"] = (sheet, row)
            item["_networks"] = [n for n in (_text(r.get(c)) for c in networks) if n]
            if _bool(r.get("Template")):
                self.templates[name] = item
            else:
                host = self._host(_text(r.get("Host")), sheet, row, _text(r.get("Cluster")))
                if host is None:
                    continue
                item["host"] = _text(r.get("Host"))
                self.vm_host[name] = item["host"]
                power = {"poweredOn": "on", "poweredOff": "off", "suspended": "suspended"}.get(_text(r.get("Powerstate")) or "")
                if power:
                    item["power"] = power
                self.vms[name] = item
            self.mark_noted(sheet, row, name, notes)
        return {"VM", "CPUs", "Memory", "Template", "Host", "Cluster", "Powerstate", "OS according to the VMware Tools",
                "OS according to the configuration file", *networks}

    def _network_of(self, host_name: str, network: str, switch: str | None) -> str | None:
        host = self.hosts[host_name]
        if switch and switch in self.dvswitches and network in self.dvswitches[switch]["portgroups"]:
            self.dvswitches[switch]["hosts"].setdefault(host_name, {})
            return f"{switch}/{network}"
        if any(network in vs["portgroups"] for vs in host["vswitches"].values()):
            return network
        for dvs_name, dvs in self.dvswitches.items():
            if network in dvs["portgroups"] and switch in (None, dvs_name):
                dvs["hosts"].setdefault(host_name, {})
                return f"{dvs_name}/{network}"
        return None

    def _vNetwork(self, sheet: _Sheet) -> set[str]:
        for row, r in sheet.rows:
            name = _text(r.get("VM"))
            vm = self.vms.get(name or "") or self.templates.get(name or "")
            text = f"{name} {r.get('NIC label') or ''}".strip()
            if vm is None:
                self.mark(sheet, row, text, Support.WRONG, "the VM has no imported vInfo row: NIC not imported")
                continue
            vm["_has_vnetwork"] = True
            network = _text(r.get("Network"))
            if network is None:
                self.mark(sheet, row, text, Support.WRONG, "no Network: NIC not imported")
                continue
            nic: dict[str, Any] = {}
            notes: list[str] = []
            if "host" in vm:
                resolved = self._network_of(vm["host"], network, _text(r.get("Switch")))
                if resolved is None:
                    self.mark(sheet, row, text, Support.WRONG, f"network {network!r} is not a port group of {vm['host']} "
                              "in this export (no vPort/dvPort row): NIC not imported")
                    continue
                nic["network"] = resolved
            else:
                nic["network"] = network
            mac = _text(r.get("Mac Address"))
            if mac and (value := _noted(fields.mac, mac, notes)) is not None:
                nic["mac"] = value
            if _text(r.get("IPv4 Address")):
                notes.append("RVTools gives the IPv4 address without its prefix length: not imported")
            if _bool(r.get("Connected")) is False and vm.get("power", "on") == "on":
                nic["connected"] = False
            vm.setdefault("nics", []).append(nic)
            self.mark_noted(sheet, row, text, notes)
        return {"VM", "NIC label", "Network", "Switch", "Mac Address", "IPv4 Address", "Connected"}

    def _finish_vms(self) -> None:
        """VMs with no vNetwork rows take their NICs from vInfo's ``Network #N`` columns (no MACs); vmnics
        whose switch is not a DVS become their vSwitch's uplinks."""
        for group in (self.vms, self.templates):
            for name, vm in group.items():
                sheet, row = vm.pop("_row")
                networks = vm.pop("_networks")
                if vm.pop("_has_vnetwork", False) or not networks:
                    continue
                nics = []
                for network in networks:
                    resolved = self._network_of(vm["host"], network, None) if "host" in vm else network
                    if resolved is None:
                        self.mark(sheet, row, name, Support.WRONG, f"network {network!r} is not a port group of "
                                  f"{vm['host']} in this export: NIC not imported")
                        continue
                    nics.append({"network": resolved})
                if nics:
                    vm["nics"] = nics
        for host in self.hosts.values():
            for nic, switch in host.pop("_nic_switch", {}).items():
                if switch not in self.dvswitches:
                    self._vswitch(host, switch)["uplinks"].append(nic)


def _teaming(r: dict[str, Any]) -> dict[str, Any]:
    team: dict[str, Any] = {}
    policy = _text(r.get("Policy"))
    if policy and policy in fields.TEAMING_POLICY:
        team["policy"] = fields.TEAMING_POLICY[policy]
    notify = _bool(r.get("Notify Switch"))
    if notify is not None:
        team["notify_switches"] = notify
    rolling = _bool(r.get("Rolling Order"))
    if rolling is not None:
        team["failback"] = not rolling  # rolling order = no failback (T11)
    return team


def _security(r: dict[str, Any]) -> dict[str, Any]:
    out = {}
    for column, key in (("Promiscuous Mode", "promiscuous"), ("Mac Changes", "mac_changes"),
                        ("Forged Transmits", "forged_transmits")):
        value = _bool(r.get(column))
        if value is not None:
            out[key] = value
    return out
