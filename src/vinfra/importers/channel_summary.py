"""``show etherchannel summary`` (IOS) and ``show port-channel summary`` (NX-OS, EOS) to port-channel
membership in the ``switches`` section.

What the table says that a design holds: which ports are members of which ``Po<N>``, by which protocol
(``LACP(a)``/``LACP(p)``: active/passive; ``NONE``/``-``/``Static``: on; a bare ``LACP`` or ``PAgP`` shows
no side, so the member is taken as active/desirable and the line says so), and whether the bundle is a layer-3
one (IOS flag ``R``).  The flags that describe state (down, suspended, stand-alone, hot-standby) are what
vinfra derives from the design, not configuration: those lines are ``partial`` and the message says what the
switch reported.  Merged after the running-configs of the same switch (:mod:`vinfra.importers.merge`), a
membership or mode that differs from the config is a reported conflict.

The switch's name is the prompt the output was taken under, else the file's stem.  The rows are parsed by a
ttp template; member lists that wrap onto following lines are joined to their row first.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from ttp import ttp

from ..model.refs import check_name
from .report import Imported, ImportSourceError, ReportLine, Support

_TEMPLATE = """
<group name="po">
{{ group | DIGIT | _start_ }} {{ po | re("Po\\\\d+\\\\(\\\\w+\\\\)") }} {{ proto }} {{ ports | re(".+") }}
{{ po | re("Po\\\\d+\\\\(\\\\w+\\\\)") | _start_ }} {{ proto }} {{ ports | re(".+") }}
{{ group | DIGIT | _start_ }} {{ po | re("Po\\\\d+\\\\(\\\\w+\\\\)") }} {{ proto }}
{{ po | re("Po\\\\d+\\\\(\\\\w+\\\\)") | _start_ }} {{ proto }}
</group>
"""

_ROW = re.compile(r"^\s*(?:\d+\s+)?Po\d+\(\w+\)")
_MORE = re.compile(r"^\s{8,}\S+\([^)]*\)")
_TELLTALE = re.compile(r"(Number of channel-groups in use|Number of channels in use|^Group\s+Port-channel\s+Protocol|"
                       r"^Port-Channel\s+Protocol\s+Ports)", re.M)
_PROMPT = re.compile(r"^\s*([A-Za-z0-9][A-Za-z0-9_.\-/]*)[#>]\s*(?:show|sh)\s", re.I)
_STATE_FLAGS = {"D": "down", "s": "suspended", "I": "stand-alone", "H": "hot-standby", "w": "waiting to be aggregated",
                "-": "out of sync", "i": "incompatible with the bundle", "u": "unsuitable for bundling",
                "M": "below minimum links", "m": "below minimum links", "f": "failed to get an aggregator"}


def is_channel_summary(text: str) -> bool:
    """Whether ``text`` is a port-channel summary table."""
    return _TELLTALE.search(text) is not None


def parse_channel_summary(text: str, source: str, switch: str | None = None) -> Imported:
    """The port-channels and members of one summary table; a file that is no such table is a located error."""
    if not is_channel_summary(text):
        raise ImportSourceError.at(source, "not a 'show etherchannel summary' or 'show port-channel summary' table",
                                   1, 1)
    lines = text.splitlines()
    name = switch or next((m.group(1) for line in lines[:5] if (m := _PROMPT.match(line)) is not None), None) \
        or re.sub(r"[^A-Za-z0-9_.\-/]+", "-", Path(source).stem).strip("-") or "switch"
    joined: list[str] = []
    row_lines: list[list[int]] = []
    for no, line in enumerate(lines, 1):
        if joined and row_lines and _MORE.match(line) and _ROW.match(joined[-1]):
            joined[-1] += " " + line.strip()
            row_lines[-1].append(no)
            continue
        joined.append(line)
        row_lines.append([no])
    parser = ttp(data="\n".join(joined), template=_TEMPLATE)
    parser.parse()
    found = parser.result()[0][0].get("po", [])
    rows = [found] if isinstance(found, dict) else list(found)
    starts = [nos for line, nos in zip(joined, row_lines, strict=True) if _ROW.match(line)]
    if len(rows) != len(starts):
        raise ImportSourceError.at(source, f"{len(starts)} port-channel rows begin but {len(rows)} read whole "
                                           "(truncated?)", starts[-1][0] if starts else 1, 1)
    interfaces: dict[str, Any] = {}
    report: list[ReportLine] = []
    said = {no for nos in starts for no in nos}
    for row, nos in zip(rows, starts, strict=True):
        try:
            verdicts = _row(row, interfaces)
        except ValueError as exc:
            raise ImportSourceError.at(source, f"{exc} (truncated?)", nos[-1], 1) from None
        for no in nos:
            support, message = verdicts
            report.append(ReportLine(source, no, lines[no - 1].strip(), support, message))
    for no, line in enumerate(lines, 1):
        if no not in said and line.strip():
            report.append(ReportLine(source, no, line.strip(), Support.IGNORED, "legend and counts"))
    try:
        check_name(name, "switch name")
    except ValueError as exc:
        raise ImportSourceError.at(source, str(exc)) from None
    report.sort(key=lambda r: r.line or 0)
    return Imported({"switches": {name: {"interfaces": interfaces}}}, tuple(report), (), (source,))


def _row(row: dict[str, Any], interfaces: dict[str, Any]) -> tuple[Support, str]:
    po_text = str(row["po"])
    m = re.match(r"Po(\d+)\((\w+)\)", po_text)
    assert m is not None  # the template's own pattern
    number, po_flags = int(m.group(1)), m.group(2)
    proto = str(row.get("proto", "")).upper()
    notes: list[str] = []
    if proto.startswith("LACP(A)"):
        mode = "active"
    elif proto.startswith("LACP(P)"):
        mode = "passive"
    elif proto == "LACP":
        mode = "active"
        notes.append("LACP shown without its side: taken as active")
    elif proto == "PAGP":
        mode = "desirable"
        notes.append("PAgP shown without its side: taken as desirable")
    else:
        mode = "on"
    po: dict[str, Any] = {"mode": "routed"} if "R" in po_flags else {}
    interfaces[f"Po{number}"] = po
    if "D" in po_flags:
        notes.append(f"the switch reports Po{number} down (state, derived by vinfra from the design)")
    for token in str(row.get("ports", "")).split():
        pm = re.fullmatch(r"([A-Za-z][\w/.\-]*)\(([^)]*)\)", token)
        if pm is None:
            raise ValueError(f"cannot read member {token!r} (a port and its flags in parentheses)")
        port, flags = pm.group(1), pm.group(2)
        interfaces[port] = {"channel_group": number, "channel_mode": mode, **({"mode": "routed"} if "R" in po_flags else {})}
        states = [_STATE_FLAGS[f] for f in flags if f in _STATE_FLAGS]
        if states:
            notes.append(f"the switch reports {port} {', '.join(dict.fromkeys(states))} (state, derived by vinfra)")
    return (Support.PARTIAL, "; ".join(notes)) if notes else (Support.SUPPORTED, "")


__all__ = ["is_channel_summary", "parse_channel_summary"]
