"""Cabling to topology-v1 ``links``: ``show cdp neighbors detail``, ``show lldp neighbors detail`` (IOS,
NX-OS and EOS forms) taken on a switch, or a simple CSV.

A neighbour record seen from a switch names the switch's own port and the far device and port: for an ESXi
host, the host name (CDP's Device ID, LLDP's System Name) and its vmnic (the Port ID).  The switch's own name
is not in the output: it is the prompt the output was captured under (``TOR1# show cdp neighbors detail``),
else the name given with the file (``TOR1=cdp.txt`` on the command line), else the file's stem.  Device IDs
keep their first label matched later (``esx01.example.com`` may name the design's ``esx01``), and NX-OS's
serial suffix (``TOR2(FOX123)``) is dropped.

The records are parsed by ttp templates (MIT), one per output form.  Each record becomes one link,
``supported``; a record whose names cannot be design names (spaces, ``:``), or that names no far port, is
``wrong`` (reported, not carried).  The merge (:mod:`vinfra.importers.merge`) decides which links join the
design (both ends must be declared).

The CSV has a header: ``a,b`` with ``device:interface`` cells, or ``a_device,a_interface,b_device,b_interface``;
an optional ``speed`` column in Mb/s.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Sequence
from pathlib import Path
from typing import Any

from ttp import ttp

from ..model.refs import check_name
from . import config_text
from .report import Imported, ImportSourceError, ReportLine, Support

_CDP = """
<group name="n">
Device ID:{{ device | _start_ }}
Device ID: {{ device | _start_ }}
Interface: {{ local | ORPHRASE | rstrip(",") }},  Port ID (outgoing port): {{ port | ORPHRASE }}
Interface: {{ local | ORPHRASE | rstrip(",") }}, Port ID (outgoing port): {{ port | ORPHRASE }}
</group>
"""

_LLDP_IOS = """
<group name="n">
Local Intf: {{ local | _start_ }}
Port id: {{ port | ORPHRASE }}
System Name: {{ device | ORPHRASE }}
</group>
"""

_LLDP_NXOS = """
<group name="n">
Chassis id: {{ chassis | _start_ }}
Port id: {{ port | ORPHRASE }}
Local Port id: {{ local }}
System Name: {{ device | ORPHRASE }}
</group>
"""

_LLDP_EOS = """
<group name="n">
Interface {{ local | _start_ }} detected {{ count }} LLDP neighbors:
    Port ID        : {{ port | ORPHRASE | strip('"') }}
  - System Name: {{ device | ORPHRASE | strip('"') }}
</group>
"""

# form -> (template, the line that starts a record, telltale of the form)
_FORMS: dict[str, tuple[str, re.Pattern[str], re.Pattern[str]]] = {
    "cdp": (_CDP, re.compile(r"^\s*Device ID:"), re.compile(r"^\s*Device ID:", re.M)),
    "lldp-ios": (_LLDP_IOS, re.compile(r"^\s*Local Intf:"), re.compile(r"^\s*Local Intf:", re.M)),
    "lldp-nxos": (_LLDP_NXOS, re.compile(r"^\s*Chassis id:"), re.compile(r"^\s*Local Port id:", re.M)),
    "lldp-eos": (_LLDP_EOS, re.compile(r"^\s*Interface \S+ detected \d+ LLDP neighbors"),
                 re.compile(r"detected \d+ LLDP neighbors", re.M)),
}

_PROMPT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9_.\-/]*)(?:\([^)]*\))?[#>]\s*(?:show|sh)\s", re.I)


def neighbor_form(text: str) -> str | None:
    """Which neighbour output ``text`` is (``cdp``, ``lldp-ios``, ``lldp-nxos``, ``lldp-eos``), else None."""
    for form, (_, _, telltale) in _FORMS.items():
        if telltale.search(text):
            return form
    return None


def device_name(text: str) -> str:
    """A neighbour's name as the design would spell it: NX-OS's ``(serial)`` suffix dropped."""
    return re.sub(r"\(.*\)$", "", text.strip().strip('"'))


def parse_neighbors(text: str, source: str, local: str | None = None) -> Imported:
    """Neighbour records of one switch to links; ``local`` names the switch when the output has no prompt."""
    form = neighbor_form(text)
    if form is None:
        raise ImportSourceError.at(source, "not CDP or LLDP neighbour detail output (no 'Device ID:', "
                                           "'Local Intf:', 'Local Port id:' or 'LLDP neighbors' line)", 1, 1)
    lines = text.splitlines()
    prompt = next((m.group(1) for line in lines[:5] if (m := _PROMPT.match(line)) is not None), None)
    switch = local or prompt or _stem(source)
    template, start, _ = _FORMS[form]
    parser = ttp(data=text, template=template)
    parser.parse()
    records: list[dict[str, Any]] = _records(parser.result())
    starts = [no for no, line in enumerate(lines, 1) if start.match(line)]
    if len(records) != len(starts):
        raise ImportSourceError.at(source, f"{len(starts)} neighbour records begin but {len(records)} read whole: "
                                           "the output is cut off or mixed", starts[-1] if starts else 1, 1)
    if records and not (records[-1].get("port") and records[-1].get("device")):
        raise ImportSourceError.at(source, "the output ends inside a neighbour record that names no far device or "
                                           "port (cut off?)", starts[-1], 1)
    links: list[dict[str, Any]] = []
    report: list[ReportLine] = []
    for no, rec in zip(starts, records, strict=True):
        shown = lines[no - 1].strip()
        far = device_name(str(rec.get("device", "")))
        port = str(rec.get("port", "")).strip().strip('"')
        mine = str(rec.get("local", "")).strip()
        problem = _bad_names(switch, mine, far, port)
        if problem:
            report.append(ReportLine(source, no, shown, Support.WRONG, problem))
            continue
        links.append({"a": f"{switch}:{mine}", "b": f"{far}:{port}"})
        report.append(ReportLine(source, no, shown, Support.SUPPORTED, f"{switch}:{mine} -- {far}:{port}"))
    return Imported({"links": links}, tuple(report), (), (source,))


def _records(result: Any) -> list[dict[str, Any]]:
    found = result[0][0].get("n", []) if result and result[0] and isinstance(result[0][0], dict) else []
    return [found] if isinstance(found, dict) else list(found)


def _bad_names(switch: str, mine: str, far: str, port: str) -> str:
    if not mine or not far or not port:
        return "the record names no local port, far device or far port: not carried"
    for name, what in ((switch, "switch"), (mine, "local port"), (far, "device"), (port, "far port")):
        try:
            check_name(name, what)
        except ValueError as exc:
            return f"{exc}: not carried"
    return ""


def _stem(source: str) -> str:
    return re.sub(r"[^A-Za-z0-9_.\-/]+", "-", Path(source).stem).strip("-") or "switch"


def parse_cabling_csv(text: str, source: str) -> Imported:
    """A cabling CSV (``a,b`` or ``a_device,a_interface,b_device,b_interface``, optional ``speed``) to links.
    A row that cannot be read is a located error."""
    reader = csv.reader(io.StringIO(text))
    rows = list(reader)
    if not rows:
        raise ImportSourceError.at(source, "an empty cabling CSV", 1, 1)
    header = [h.strip().lower() for h in rows[0]]
    pair = {"a", "b"} <= set(header)
    split = {"a_device", "a_interface", "b_device", "b_interface"} <= set(header)
    if not pair and not split:
        raise ImportSourceError.at(source, "a cabling CSV's header names 'a,b' or "
                                           "'a_device,a_interface,b_device,b_interface'", 1, 1)
    col = {h: i for i, h in enumerate(header)}
    links: list[dict[str, Any]] = []
    report: list[ReportLine] = []
    for no, row in enumerate(rows[1:], 2):
        if not any(cell.strip() for cell in row):
            continue
        if len(row) < len(header):
            raise ImportSourceError.at(source, f"{len(row)} cells where the header has {len(header)} (truncated?)",
                                       no, 1)

        def cell(name: str, row: list[str] = row) -> str:
            return row[col[name]].strip()

        ends = [cell("a"), cell("b")] if pair else [f"{cell('a_device')}:{cell('a_interface')}",
                                                     f"{cell('b_device')}:{cell('b_interface')}"]
        for end in ends:
            dev, sep, iface = end.partition(":")
            problem = "" if sep and dev and iface else f"{end!r} is not DEVICE:INTERFACE"
            if not problem:
                problem = _bad_names(dev, iface, dev, iface)
            if problem:
                raise ImportSourceError.at(source, problem, no, 1)
        link: dict[str, Any] = {"a": ends[0], "b": ends[1]}
        if "speed" in col and cell("speed"):
            speed = cell("speed")
            if not speed.isdigit() or not 0 < int(speed) <= 800_000:
                raise ImportSourceError.at(source, f"speed {speed!r} is not a number of Mb/s in 1-800000", no,
                                           1 + sum(len(c) + 1 for c in row[: col["speed"]]))
            link["speed"] = int(speed)
        links.append(link)
        report.append(ReportLine(source, no, ",".join(row), Support.SUPPORTED))
    return Imported({"links": links}, tuple(report), (), (source,))


def read_neighbors(paths: Sequence[Path | str]) -> Imported:
    """Read neighbour outputs and cabling CSVs (by content; ``NAME=PATH`` names the switch an output was
    taken on) into one ``links`` fragment."""
    links: list[dict[str, Any]] = []
    report: list[ReportLine] = []
    sources: list[str] = []
    for given in paths:
        local, path = _split_name(str(given))
        text = config_text.read_source(path)
        if neighbor_form(text) is None and path.lower().endswith(".csv"):
            part = parse_cabling_csv(text, path)
        else:
            part = parse_neighbors(text, path, local)
        links.extend(part.design["links"])
        report.extend(part.report)
        sources.append(path)
    return Imported({"links": links}, tuple(report), (), tuple(sources))


def _split_name(given: str) -> tuple[str | None, str]:
    name, sep, path = given.partition("=")
    if sep and name and "/" not in name and not Path(given).exists():
        return name, path
    return None, given


__all__ = ["device_name", "neighbor_form", "parse_cabling_csv", "parse_neighbors", "read_neighbors"]
