"""ESXi command output -> the ``hosts`` section (and the ``dvswitches`` a host's output names).

Read: ``esxcfg-vswitch -l``, ``esxcfg-vmknic -l``, ``esxcfg-nics -l`` (and ``esxcli network nic list``),
``esxcli network vswitch standard list``, ``... standard portgroup list``, ``... standard policy failover
get -v VSWITCH``, ``... standard portgroup policy failover get -p PORTGROUP``, ``esxcli network ip
interface list``, ``... ip interface ipv4 get`` and ``... ip interface tag get -i VMK`` (services),
``hostname`` / ``esxcli system hostname get``. The
templates are ttp's (:mod:`.esxi_templates`); this module assembles their records in line order.

A capture is a file holding one command's output (recognised by its header), or a transcript in which
each command line (``[root@esx01:~] esxcfg-vswitch -l``) starts that command's output. Every line gets one
of Batfish's five support states; an output that stops inside a table or block (a truncated capture) is a
located :class:`ImportSourceError`, never a half-read host.

Not done yet: DVS port groups (``esxcfg-vswitch -l`` shows a DVS's uplinks, not its port groups, so a
VMkernel port on a DVS is reported ``wrong`` and left out), security and shaping policies, IPv6.
"""

from __future__ import annotations

import re
import shlex
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from ttp import ttp

from . import esxi_templates as templates
from . import fields
from .ledger import Ledger
from .report import Conflict, Imported, ImportSourceError, Support

# A command line: an optional ESXi shell prompt (``[root@esx01:~]``, ``esx01 #``), then the command.
_COMMAND = re.compile(
    r"^\s*(?:\[(?:[^@\]\s]+@)?(?P<host>[^:\]\s]+)[^\]]*\]\s*|(?P<host2>[A-Za-z0-9][\w.-]*)?\s*[#$]\s+)?"
    r"(?P<cmd>(?:esxcfg-[a-z]+|esxcli|localcli|hostname)\b.*?)\s*$"
)


@dataclass
class _Section:
    kind: str | None  # None: a command this importer does not read
    target: str | None  # the vSwitch or port group a `policy failover get` names
    lines: list[tuple[int, str]]  # (line number, text) of the output, command line excluded


@dataclass
class _Capture:
    """What one host's output says, with where each fact came from."""

    default_name: str
    ledger: Ledger
    names: list[tuple[str, int, str]] = field(default_factory=list)  # (source, line, host name)
    nics: dict[str, dict[str, Any]] = field(default_factory=dict)
    vswitches: dict[str, dict[str, Any]] = field(default_factory=dict)
    dvswitches: dict[str, dict[str, Any]] = field(default_factory=dict)
    vmks: dict[str, dict[str, Any]] = field(default_factory=dict)
    pg_teams: dict[str, tuple[dict[str, Any], tuple[str, int, str]]] = field(default_factory=dict)
    where: dict[str, tuple[str, int, str]] = field(default_factory=dict)  # design path -> first source line
    conflicts: list[Conflict] = field(default_factory=list)

    def put(self, target: dict[str, Any], key: str, value: Any, path: str, at: tuple[str, int, str]) -> None:
        """Set ``target[key]``; a second source saying otherwise is a conflict (the first stays)."""
        if key in target and target[key] != value:
            first = self.where[path]
            self.conflicts.append(Conflict(path, ((f"{first[0]}:{first[1]}", target[key]), (f"{at[0]}:{at[1]}", value)),
                                           f"{first[0]}:{first[1]} (first read)"))
            self.ledger.mark(at[0], at[1], at[2], Support.WRONG, f"conflicts with {first[0]}:{first[1]}")
            return
        target[key] = value
        self.where.setdefault(path, at)


def read_esxi(paths: Sequence[Path]) -> Imported:
    """Read captured ESXi command output: each path is one host (a directory of files, or one file).

    A host's name is, first, what ``hostname`` or ``esxcli system hostname get`` printed in its capture;
    else the host in the shell prompts of its command lines (``[root@esx01:~]``); else the directory's name
    (for a directory) or the file's name without its suffix (for a file). Two captures that name one host,
    or one capture that names two, are an :class:`ImportSourceError`.
    """
    ledger = Ledger()
    hosts: dict[str, Any] = {}
    dvswitches: dict[str, dict[str, Any]] = {}
    conflicts: list[Conflict] = []
    sources: list[str] = []
    origin: dict[str, str] = {}
    for path in paths:
        path = Path(path)
        if path.is_dir():
            files = sorted(p for p in path.iterdir() if p.is_file() and not p.name.startswith("."))
            default = path.resolve().name
            if not files:
                raise ImportSourceError.at(str(path), "the directory holds no captured output")
        elif path.is_file():
            files, default = [path], path.stem
        else:
            raise ImportSourceError.at(str(path), "no such file or directory")
        cap = _Capture(default, ledger)
        for file in files:
            sources.append(str(file))
            _read_file(file, cap)
        name = _host_name(cap, str(path))
        if name in hosts:
            raise ImportSourceError.at(str(path), f"host {name} was already read from {origin[name]}; "
                                       "give each host's output once")
        origin[name] = str(path)
        hosts[name] = _build_host(name, cap, dvswitches)
        conflicts.extend(cap.conflicts)
    design: dict[str, Any] = {"name": "esxi-output", "hosts": hosts}
    if dvswitches:
        design["dvswitches"] = {n: {k: v for k, v in d.items() if not k.startswith("_")} for n, d in dvswitches.items()}
    return Imported(design, ledger.lines(), tuple(conflicts), tuple(sources))


# reading files ----------------------------------------------------------------------------------


def _read_file(file: Path, cap: _Capture) -> None:
    source = str(file)
    try:
        raw = file.read_bytes()
    except OSError as exc:
        raise ImportSourceError.at(source, f"cannot read: {exc.strerror or exc}") from None
    try:
        text = raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = raw[: exc.start].count(b"\n") + 1
        raise ImportSourceError.at(source, f"byte 0x{raw[exc.start]:02x} is not UTF-8: not captured command text",
                                   line=line) from None
    lines = list(enumerate(text.splitlines(), 1))
    if not any(t.strip() for _, t in lines):
        raise ImportSourceError.at(source, "the file is empty: no command output")
    for section in _sections(source, lines, cap):
        if section.kind is None:
            for n, t in section.lines:
                if t.strip():
                    cap.ledger.mark(source, n, t.strip(), Support.IGNORED, "output of a command this importer does not read")
            continue
        _READERS[section.kind](source, section, cap)


def _sections(source: str, lines: list[tuple[int, str]], cap: _Capture) -> list[_Section]:
    """Split a file at its command lines; a file without any is one command's output, known by its header."""
    starts = [(i, m) for i, (_, t) in enumerate(lines) if (m := _COMMAND.match(t))]
    if not starts:
        first = next((n, t) for n, t in lines if t.strip())
        kind = _kind_of_header(first[1])
        if kind is None:
            raise ImportSourceError.at(source, "not ESXi command output this importer reads: expected a command line "
                                       "or the header of esxcfg-vswitch/-vmknic/-nics -l or an esxcli network list",
                                       line=first[0], column=1)
        return [_Section(kind, None, lines)]
    for n, t in lines[: starts[0][0]]:
        if t.strip():
            cap.ledger.mark(source, n, t.strip(), Support.IGNORED, "before the first command line")
    sections: list[_Section] = []
    for k, (i, m) in enumerate(starts):
        end = starts[k + 1][0] if k + 1 < len(starts) else len(lines)
        n, text = lines[i]
        host = m.group("host") or m.group("host2")
        if host and host not in ("localhost",):
            cap.names.append((source, n, host))
        kind, target = _kind_of_command(m.group("cmd"))
        cap.ledger.mark(source, n, text.strip(), Support.SUPPORTED if kind else Support.UNRECOGNISED,
                        "" if kind else "a command this importer does not read")
        sections.append(_Section(kind, target, lines[i + 1 : end]))
    return sections


def _kind_of_command(cmd: str) -> tuple[str | None, str | None]:
    try:
        tokens = shlex.split(cmd)
    except ValueError:
        tokens = cmd.split()
    words: list[str] = []
    target = None
    it = iter(tokens[1:])
    for tok in it:
        if tok in ("-v", "-p", "-i", "--vswitch-name", "--portgroup-name", "--interface-name"):
            target = next(it, None)
        elif tok.startswith(("--vswitch-name=", "--portgroup-name=", "--interface-name=")):
            target = tok.split("=", 1)[1]
        elif tok.startswith("--formatter") or tok.startswith("--debug"):
            continue
        elif tok.startswith("-"):
            words.append(tok)
        else:
            words.append(tok)
    head = tokens[0] if tokens else ""
    line = " ".join(words)
    if head == "hostname":
        return "hostname", None
    if head == "esxcfg-vswitch" and line in ("-l", "--list"):
        return "esxcfg_vswitch", None
    if head == "esxcfg-vmknic" and line in ("-l", "--list"):
        return "esxcfg_vmknic", None
    if head == "esxcfg-nics" and line in ("-l", "--list"):
        return "nics", None
    if head in ("esxcli", "localcli"):
        return {
            "network vswitch standard list": ("std_list", None),
            "network vswitch standard portgroup list": ("pg_list", None),
            "network vswitch standard policy failover get": ("failover", target),
            "network vswitch standard portgroup policy failover get": ("pg_failover", target),
            "network ip interface list": ("ip_list", None),
            "network ip interface ipv4 get": ("ipv4", None),
            "network ip interface tag get": ("tags", target),
            "network nic list": ("nics", None),
            "system hostname get": ("hostname", None),
        }.get(line, (None, None))
    return None, None


def _kind_of_header(text: str) -> str | None:
    t = " ".join(text.split())
    if t.startswith(("Switch Name Num Ports", "DVS Name Num Ports")):
        return "esxcfg_vswitch"
    if t.startswith("Interface Port Group"):
        return "esxcfg_vmknic"
    if t.startswith("Name PCI") and "Driver" in t:
        return "nics"
    if t.startswith("Name Virtual Switch") and t.endswith("VLAN ID"):
        return "pg_list"
    if t.startswith("Name IPv4 Address"):
        return "ipv4"
    if t.startswith("vSwitch"):
        return "std_list"
    if t.startswith("vmk"):
        return "ip_list"
    return None


def _parse(template: str, lines: list[tuple[int, str]]) -> dict[int, list[tuple[str, dict[str, str]]]]:
    """ttp over the lines, each prefixed with its number: line number -> [(group, record)]."""
    data = "\n".join(f"{n:06d} {t}" for n, t in lines if t.strip())  # blank lines carry nothing
    parser = ttp(data=data, template=template)
    parser.parse()
    result = parser.result()[0][0] if parser.result() and parser.result()[0] else {}
    out: dict[int, list[tuple[str, dict[str, str]]]] = {}
    if isinstance(result, dict):
        for group, records in result.items():
            for rec in records if isinstance(records, list) else [records]:
                out.setdefault(int(rec["ln"]), []).append((group, rec))
    return out


def _truncated(source: str, n: int, what: str, text: str) -> ImportSourceError:
    return ImportSourceError.at(source, f"{text.strip()!r} does not fit the {what} output: a truncated or altered "
                                "capture?", line=n, column=1)


def _table_rows(source: str, section: _Section, cap: _Capture, template: str, what: str,
                row: str) -> Iterator[tuple[int, str, dict[str, str]]]:
    """The rows of a one-header table (a dashed rule under the header is allowed): (line, text, record).

    Header and rule lines are marked supported here; a row before the header or one the template does not
    read is a truncated capture."""
    parsed = _parse(template, section.lines)
    seen_header = False
    for n, text in section.lines:
        if not text.strip():
            continue
        groups = dict(parsed.get(n, []))
        mark = text.strip()
        if "header" in groups or "rule" in groups:
            seen_header = seen_header or "header" in groups
            cap.ledger.mark(source, n, mark, Support.SUPPORTED)
            continue
        if not seen_header or row not in groups:
            raise _truncated(source, n, what, text)
        yield n, mark, groups[row]


def _put_mtu(cap: _Capture, target: dict[str, Any], value: str, path: str, at: tuple[str, int, str]) -> None:
    mtu = _mtu(value, cap, at)
    if mtu is not None:
        cap.put(target, "mtu", mtu, path, at)


def _put_ipv4(cap: _Capture, vmk: dict[str, Any], base: str, ip: str, netmask: str, at: tuple[str, int, str]) -> None:
    try:
        cap.put(vmk, "ip", fields.ipv4_interface(ip, netmask), f"{base}.ip", at)
    except ValueError as exc:
        cap.ledger.mark(*at, Support.WRONG, f"{exc}: address not imported")


def _uplink_list(text: str | None) -> list[str]:
    if not text:
        return []
    return [u.strip() for u in text.replace(",", " ").split() if u.strip()]


# the readers ------------------------------------------------------------------------------------------


def _read_esxcfg_vswitch(source: str, section: _Section, cap: _Capture) -> None:
    """``esxcfg-vswitch -l``: vSwitch rows with their port-group tables, DVS rows with their DVPort tables."""
    parsed = _parse(templates.ESXCFG_VSWITCH, section.lines)
    state = None  # the header last seen: what the next row is
    current: dict[str, Any] | None = None
    current_name = ""
    expecting = False  # a switch header without its row yet
    for n, text in section.lines:
        if not text.strip():
            continue
        groups = dict(parsed.get(n, []))
        mark = text.strip()
        if state == "skip" and ("dvport" in groups or "dvport_header" in groups):
            cap.ledger.mark(source, n, mark, Support.IGNORED, "belongs to a switch that is not imported")
        elif "vss_header" in groups or "dvs_header" in groups:
            if expecting:
                raise _truncated(source, n, "esxcfg-vswitch -l", text)
            state = "vss" if "vss_header" in groups else "dvs"
            expecting = True
            cap.ledger.mark(source, n, mark, Support.SUPPORTED)
        elif "pg_header" in groups or "dvport_header" in groups:
            if current is None or expecting:
                raise _truncated(source, n, "esxcfg-vswitch -l", text)
            state = "pg" if "pg_header" in groups else "dvport"
            cap.ledger.mark(source, n, mark, Support.SUPPORTED)
        elif expecting and "switch" in groups:
            rec = groups["switch"]
            at = (source, n, mark)
            current_name = rec["name"]
            uplinks = _uplink_list(rec.get("uplinks"))
            mtu = _mtu(rec["mtu"], cap, at)
            if state == "vss":
                current = cap.vswitches.setdefault(current_name, {"portgroups": {}, "_at": at})
                base = f"vswitches.{current_name}"
                cap.put(current, "uplinks", uplinks, f"{base}.uplinks", at)
                if mtu is not None:
                    cap.put(current, "mtu", mtu, f"{base}.mtu", at)
                cap.ledger.mark(source, n, mark, Support.SUPPORTED)
            else:
                try:
                    fields.dvs_name(current_name)
                except ValueError as exc:
                    cap.ledger.mark(source, n, mark, Support.WRONG, f"{exc}: not imported")
                    current, state = None, "skip"  # its DVPort rows go with it
                    expecting = False
                    continue
                current = cap.dvswitches.setdefault(current_name, {"_at": at})
                base = f"dvswitches.{current_name}"
                cap.put(current, "vmnics", uplinks, f"{base}.uplinks", at)
                if mtu is not None:
                    cap.put(current, "mtu", mtu, f"{base}.mtu", at)
                cap.ledger.mark(source, n, mark, Support.PARTIAL,
                                "DVS: its uplinks and MTU are read; dvUplink names and port groups are not in this output")
            expecting = False
        elif state == "pg" and "row4" in groups and current is not None:
            rec = groups["row4"]
            vlan = int(rec["vlan"])
            label = rec["name"]
            at = (source, n, mark)
            try:
                fields.label(label, "port group name")
            except ValueError as exc:
                cap.ledger.mark(source, n, mark, Support.WRONG, f"{exc}: not imported")
                continue
            if vlan > 4095:
                raise ImportSourceError.at(source, f"port group {label!r}: VLAN {vlan} is outside 0-4095", line=n, column=1)
            pg = current["portgroups"].setdefault(label, {"_at": at})
            cap.put(pg, "vlan", vlan, f"vswitches.{current_name}.portgroups.{label}.vlan", at)
            pg_uplinks = _uplink_list(rec.get("uplinks"))
            if pg_uplinks and set(pg_uplinks) != set(current.get("uplinks", [])):
                cap.ledger.mark(source, n, mark, Support.PARTIAL,
                                f"uses {', '.join(pg_uplinks)} of the vSwitch's uplinks; which are active or standby is "
                                "not in this output (esxcli ... portgroup policy failover get says)")
            else:
                cap.ledger.mark(source, n, mark, Support.SUPPORTED)
        elif state == "dvport" and "dvport" in groups:
            cap.ledger.mark(source, n, mark, Support.IGNORED, "DVPort usage: not part of the design")
        else:
            raise _truncated(source, n, "esxcfg-vswitch -l", text)
    if expecting:
        last = max((n for n, t in section.lines if t.strip()), default=1)
        raise ImportSourceError.at(source, "esxcfg-vswitch -l output ends after a header, before its switch row: "
                                   "a truncated capture?", line=last, column=1)


def _mtu(value: str, cap: _Capture, at: tuple[str, int, str]) -> int | None:
    try:
        return fields.mtu(int(value))
    except ValueError as exc:
        cap.ledger.mark(*at, Support.WRONG, f"{exc}: MTU not imported")
        return None


def _read_esxcfg_vmknic(source: str, section: _Section, cap: _Capture) -> None:
    """``esxcfg-vmknic -l``: one row per VMkernel port and address family (IPv6 is not modelled)."""
    for n, mark, rec in _table_rows(source, section, cap, templates.ESXCFG_VMKNIC, "esxcfg-vmknic -l", "vmknic"):
        at = (source, n, mark)
        vmk = cap.vmks.setdefault(rec["name"], {"_at": at})
        base = f"vmkernel.{rec['name']}"
        if rec["family"] == "IPv6":
            cap.ledger.mark(source, n, mark, Support.IGNORED, "IPv6 address: not modelled")
            continue
        cap.put(vmk, "portgroup", rec["portgroup"], f"{base}.portgroup", at)
        _vmk_common(cap, vmk, base, at, mac=rec["mac"], mtu=rec["mtu"], enabled=rec["enabled"])
        if rec["ip"] not in ("N/A", "", None):
            _put_ipv4(cap, vmk, base, rec["ip"], rec["netmask"], at)
        cap.ledger.mark(source, n, mark, Support.SUPPORTED)


def _vmk_common(cap: _Capture, vmk: dict[str, Any], base: str, at: tuple[str, int, str], *, mac: str | None,
                mtu: str | None, enabled: str | None) -> None:
    if mac and mac not in ("N/A",):
        try:
            cap.put(vmk, "mac", fields.mac(mac), f"{base}.mac", at)
        except ValueError as exc:
            cap.ledger.mark(*at, Support.WRONG, f"{exc}: MAC not imported")
    if mtu:
        _put_mtu(cap, vmk, mtu, f"{base}.mtu", at)
    if enabled == "false":
        cap.ledger.mark(*at, Support.PARTIAL, "the port is disabled; the design has no disabled VMkernel ports")


def _read_nics(source: str, section: _Section, cap: _Capture) -> None:
    """``esxcfg-nics -l`` / ``esxcli network nic list``: a vmnic's speed, MAC and driver."""
    for n, mark, rec in _table_rows(source, section, cap, templates.ESXCFG_NICS, "esxcfg-nics -l", "nic"):
        at = (source, n, mark)
        nic = cap.nics.setdefault(rec["name"], {"_at": at})
        base = f"nics.{rec['name']}"
        speed = int(rec["speed"].removesuffix("Mbps"))
        if speed > 0:
            cap.put(nic, "speed", fields.speed(speed), f"{base}.speed", at)
            cap.ledger.mark(source, n, mark, Support.SUPPORTED)
        else:
            cap.ledger.mark(source, n, mark, Support.PARTIAL, f"link {rec['link']}, no negotiated speed: the design's "
                            "default speed stands (link state comes from the cabling)")
        cap.put(nic, "mac", fields.mac(rec["mac"]), f"{base}.mac", at)
        cap.put(nic, "driver", rec["driver"], f"{base}.driver", at)


def _read_pg_list(source: str, section: _Section, cap: _Capture) -> None:
    """``esxcli network vswitch standard portgroup list``: port group, vSwitch, VLAN."""
    for n, mark, rec in _table_rows(source, section, cap, templates.ESXCLI_PORTGROUP_LIST,
                                    "esxcli network vswitch standard portgroup list", "pg"):
        at = (source, n, mark)
        vs = cap.vswitches.setdefault(rec["vswitch"], {"portgroups": {}, "_at": at})
        pg = vs["portgroups"].setdefault(rec["name"], {"_at": at})
        cap.put(pg, "vlan", int(rec["vlan"]), f"vswitches.{rec['vswitch']}.portgroups.{rec['name']}.vlan", at)
        cap.ledger.mark(source, n, mark, Support.SUPPORTED)


def _read_ipv4(source: str, section: _Section, cap: _Capture) -> None:
    """``esxcli network ip interface ipv4 get``: a VMkernel port's address, netmask and gateway."""
    for n, mark, rec in _table_rows(source, section, cap, templates.ESXCLI_IPV4_GET,
                                    "esxcli network ip interface ipv4 get", "ipv4"):
        at = (source, n, mark)
        vmk = cap.vmks.setdefault(rec["name"], {"_at": at})
        base = f"vmkernel.{rec['name']}"
        cap.ledger.mark(source, n, mark, Support.SUPPORTED)
        if rec["ip"] != "0.0.0.0":
            _put_ipv4(cap, vmk, base, rec["ip"], rec["netmask"], at)
        gateway = rec.get("gateway")
        if gateway and gateway != "0.0.0.0":
            cap.put(vmk, "gateway", fields.ipv4_address(gateway), f"{base}.gateway", at)


# the esxcli key/value blocks: which keys each block needs (a block without them was cut short), and the
# keys read; every other key is known and deliberately not modelled
_BLOCK_KEYS = {
    "std_list": ({"Name", "MTU", "Uplinks", "Portgroups"}, {"Name", "MTU", "Uplinks", "Portgroups"}),
    "ip_list": ({"Name", "Portgroup", "MTU"}, {"Name", "MAC Address", "Enabled", "Portgroup", "MTU", "VDS Name",
                                                "VDS Port", "Portset"}),
    "failover": ({"Load Balancing", "Network Failure Detection", "Notify Switches", "Failback", "Active Adapters",
                  "Standby Adapters", "Unused Adapters"}, set()),
}
_TEAM_KEYS = {"Load Balancing", "Network Failure Detection", "Notify Switches", "Failback", "Active Adapters",
              "Standby Adapters", "Unused Adapters"}


def _blocks(source: str, section: _Section, what: str, titled: bool) -> list[tuple[int, str, dict[str, tuple[int, str, str]]]]:
    """Parse ``Title`` + indented ``Key: value`` blocks: [(title line, title, {key: (line, value, text)})]."""
    parsed = _parse(templates.ESXCLI_BLOCKS, section.lines)
    blocks: list[tuple[int, str, dict[str, tuple[int, str, str]]]] = []
    for n, text in section.lines:
        if not text.strip():
            continue
        groups = dict(parsed.get(n, []))
        if titled and "title" in groups and not text.startswith((" ", "\t")):
            blocks.append((n, groups["title"]["title"], {}))
        elif "field" in groups and (blocks or not titled):
            if not blocks:
                blocks.append((n, "", {}))
            rec = groups["field"]
            blocks[-1][2][rec["key"].strip()] = (n, (rec.get("value") or "").strip(), text.strip())
        else:
            raise _truncated(source, n, what, text)
    return blocks


def _check_block(source: str, kind: str, what: str, block: tuple[int, str, dict[str, tuple[int, str, str]]],
                 last_line: int) -> None:
    needed = _BLOCK_KEYS[kind][0]
    missing = sorted(needed - set(block[2]))
    if missing:
        raise ImportSourceError.at(source, f"the {what} block {block[1]!r} ends without {', '.join(missing)}: a "
                                   "truncated capture?", line=last_line, column=1)


def _named_blocks(source: str, section: _Section, cap: _Capture, kind: str, what: str,
                  noun: str) -> Iterator[tuple[int, str, str, dict[str, tuple[int, str, str]]]]:
    """The titled blocks of a list output, each checked whole and its title marked: (line, title, Name, keys)."""
    blocks = _blocks(source, section, what, titled=True)
    if not blocks:
        raise ImportSourceError.at(source, f"no {noun} block in the {what} output")
    for block in blocks:
        n0, title, kv = block
        _check_block(source, kind, what, block, max(v[0] for v in kv.values()) if kv else n0)
        name = kv["Name"][1]
        cap.ledger.mark(source, n0, title, Support.SUPPORTED)
        yield n0, title, name, kv


def _mark_key(cap: _Capture, kind: str, key: str, at: tuple[str, int, str]) -> None:
    """A block key this reader reads is supported; every other one is known and not modelled."""
    if key in _BLOCK_KEYS[kind][1]:
        cap.ledger.mark(*at, Support.SUPPORTED)
    else:
        cap.ledger.mark(*at, Support.IGNORED, "not modelled")


def _read_std_list(source: str, section: _Section, cap: _Capture) -> None:
    """``esxcli network vswitch standard list``: a vSwitch's MTU, uplinks and port-group names."""
    for n0, title, name, kv in _named_blocks(source, section, cap, "std_list",
                                             "esxcli network vswitch standard list", "vSwitch"):
        vs = cap.vswitches.setdefault(name, {"portgroups": {}, "_at": (source, n0, title)})
        for key, (n, value, text) in kv.items():
            at = (source, n, text)
            if key == "MTU":
                _put_mtu(cap, vs, value, f"vswitches.{name}.mtu", at)
            elif key == "Uplinks":
                cap.put(vs, "uplinks", _uplink_list(value), f"vswitches.{name}.uplinks", at)
            elif key == "Portgroups":
                vs.setdefault("_named_pgs", []).extend((p.strip(), at) for p in value.split(",") if p.strip())
            _mark_key(cap, "std_list", key, at)


def _read_ip_list(source: str, section: _Section, cap: _Capture) -> None:
    """``esxcli network ip interface list``: a VMkernel port's port group (or DVS port), MAC and MTU."""
    for _, _, name, kv in _named_blocks(source, section, cap, "ip_list", "esxcli network ip interface list",
                                        "VMkernel"):
        at0 = (source, kv["Portgroup"][0], kv["Portgroup"][2])
        vmk = cap.vmks.setdefault(name, {"_at": at0})
        base = f"vmkernel.{name}"
        pg = kv["Portgroup"][1]
        dvs = kv.get("VDS Name", (0, "N/A", ""))[1]
        if pg and pg != "N/A":
            cap.put(vmk, "portgroup", pg, f"{base}.portgroup", at0)
        elif dvs and dvs != "N/A":
            vmk["_dvs"] = (dvs, kv.get("VDS Port", (0, "", ""))[1])
        for key, (n, value, text) in kv.items():
            at = (source, n, text)
            if key == "MAC Address":
                _vmk_common(cap, vmk, base, at, mac=value, mtu=None, enabled=None)
            elif key == "MTU":
                _vmk_common(cap, vmk, base, at, mac=None, mtu=value, enabled=None)
            elif key == "Enabled":
                _vmk_common(cap, vmk, base, at, mac=None, mtu=None, enabled=value)
            _mark_key(cap, "ip_list", key, at)


# failover keys whose value is one of a product's names: key -> (teaming key, name table, what it is)
_TEAM_NAMED: dict[str, tuple[str, dict[str, str], str]] = {
    "Load Balancing": ("policy", fields.TEAMING_POLICY, "load balancing"),
    "Network Failure Detection": ("detection", fields.DETECTION, "failure detection"),
}
# a port group's `Override Vswitch ...: true` -> the failover keys it overrides (T16)
_OVERRIDES: dict[str, set[str]] = {
    "Override Vswitch Load Balancing": {"Load Balancing"},
    "Override Vswitch Network Failure Detection": {"Network Failure Detection"},
    "Override Vswitch Notify Switches": {"Notify Switches"},
    "Override Vswitch Failback": {"Failback"},
    "Override Vswitch Uplinks": {"Active Adapters", "Standby Adapters", "Unused Adapters"},
}


def _teaming(source: str, kv: dict[str, tuple[int, str, str]], cap: _Capture, overrides: set[str] | None) -> dict[str, Any]:
    """A failover policy block -> topology-v1 teaming (T1-T4, T9, T11-T14); ``overrides``: the keys a port
    group overrides (None: every key counts)."""
    team: dict[str, Any] = {}
    for key, (n, value, text) in kv.items():
        if key not in _TEAM_KEYS:
            continue
        if overrides is not None and key not in overrides:
            cap.ledger.mark(source, n, text, Support.SUPPORTED, "inherited from the vSwitch")
            continue
        at = (source, n, text)
        if key in _TEAM_NAMED:
            team_key, table, noun = _TEAM_NAMED[key]
            chosen = table.get(value)
            if chosen is None:
                cap.ledger.mark(*at, Support.WRONG, f"unknown {noun} {value!r}: not imported")
                continue
            team[team_key] = chosen
        elif key == "Notify Switches":
            team["notify_switches"] = value == "true"
        elif key == "Failback":
            team["failback"] = value == "true"
        else:
            team[key.split()[0].lower()] = _uplink_list(value)
        cap.ledger.mark(*at, Support.SUPPORTED)
    return team


def _read_failover(source: str, section: _Section, cap: _Capture) -> None:
    """``esxcli network vswitch standard policy failover get -v VSWITCH``: the vSwitch's teaming."""
    _read_policy(source, section, cap, portgroup=False)


def _read_pg_failover(source: str, section: _Section, cap: _Capture) -> None:
    """``... portgroup policy failover get -p PORTGROUP``: the port group's overrides (T16)."""
    _read_policy(source, section, cap, portgroup=True)


def _read_policy(source: str, section: _Section, cap: _Capture, *, portgroup: bool) -> None:
    what = f"esxcli network vswitch standard {'portgroup ' if portgroup else ''}policy failover get"
    blocks = _blocks(source, section, what, titled=False)
    if not blocks:
        raise ImportSourceError.at(source, f"no policy in the {what} output")
    kv = blocks[0][2]
    last = max(v[0] for v in kv.values())
    _check_block(source, "failover", what, (blocks[0][0], section.target or "", kv), last)
    if section.target is None:
        for n, _, text in kv.values():
            cap.ledger.mark(source, n, text, Support.UNRECOGNISED, "the command line naming the vSwitch or port group "
                            "(-v / -p) is not in the capture")
        return
    overrides = None
    if portgroup and any(k.startswith("Override Vswitch") for k in kv):
        overrides = set()
        for flag, keys in _OVERRIDES.items():
            if flag in kv and kv[flag][1] == "true":
                overrides |= keys
    team = _teaming(source, kv, cap, overrides)
    for key, (n, _, text) in kv.items():
        if key not in _TEAM_KEYS:
            cap.ledger.mark(source, n, text, Support.SUPPORTED if key.startswith("Override Vswitch") else Support.IGNORED)
    at = (source, blocks[0][0], kv[next(iter(kv))][2])
    if portgroup:
        cap.pg_teams[section.target] = (team, at)
    else:
        vs = cap.vswitches.setdefault(section.target, {"portgroups": {}, "_at": at})
        cap.put(vs, "teaming", team, f"vswitches.{section.target}.teaming", at)


# `esxcli network ip interface tag get -i vmkN` tags -> topology-v1 services (vswitch-behaviour section 6)
_TAGS = {"Management": "management", "VMotion": "vmotion", "faultToleranceLogging": "ft",
         "vSphereReplication": "replication", "vSphereProvisioning": "provisioning", "VSAN": "vsan"}


def _read_tags(source: str, section: _Section, cap: _Capture) -> None:
    """``esxcli network ip interface tag get -i vmkN``: the port's services (Management, VMotion ...)."""
    what = "esxcli network ip interface tag get"
    blocks = _blocks(source, section, what, titled=False)
    kv = blocks[0][2] if blocks else {}
    if "Tags" not in kv:
        last = max((n for n, t in section.lines if t.strip()), default=1)
        raise ImportSourceError.at(source, f"the {what} output has no 'Tags:' line: a truncated capture?", line=last,
                                   column=1)
    n, value, text = kv["Tags"]
    if section.target is None:
        cap.ledger.mark(source, n, text, Support.UNRECOGNISED, "the command line naming the port (-i) is not in the "
                        "capture")
        return
    tags = [t.strip() for t in value.split(",") if t.strip()]
    unknown = [t for t in tags if t not in _TAGS]
    vmk = cap.vmks.setdefault(section.target, {"_at": (source, n, text)})
    cap.put(vmk, "services", sorted({_TAGS[t] for t in tags if t in _TAGS}), f"vmkernel.{section.target}.services",
            (source, n, text))
    cap.ledger.mark(source, n, text, Support.PARTIAL if unknown else Support.SUPPORTED,
                    f"tags not modelled: {', '.join(unknown)}" if unknown else "")


def _read_hostname(source: str, section: _Section, cap: _Capture) -> None:
    parsed = _parse(templates.ESXCLI_HOSTNAME, section.lines)
    for n, text in section.lines:
        if not text.strip():
            continue
        groups = dict(parsed.get(n, []))
        if "field" in groups:
            if groups["field"]["key"] == "Host Name":
                cap.names.insert(0, (source, n, groups["field"]["value"]))
            cap.ledger.mark(source, n, text.strip(), Support.SUPPORTED)
        elif "bare" in groups:
            cap.names.insert(0, (source, n, groups["bare"]["value"].split(".")[0]))
            cap.ledger.mark(source, n, text.strip(), Support.SUPPORTED)
        else:
            raise _truncated(source, n, "hostname", text)


_READERS = {
    "esxcfg_vswitch": _read_esxcfg_vswitch,
    "esxcfg_vmknic": _read_esxcfg_vmknic,
    "nics": _read_nics,
    "pg_list": _read_pg_list,
    "ipv4": _read_ipv4,
    "std_list": _read_std_list,
    "ip_list": _read_ip_list,
    "failover": _read_failover,
    "pg_failover": _read_pg_failover,
    "hostname": _read_hostname,
    "tags": _read_tags,
}


# building the host ------------------------------------------------------------------------------


def _host_name(cap: _Capture, where: str) -> str:
    names = {n for _, _, n in cap.names}
    if len(names) > 1:
        seen = ", ".join(f"{n} ({s}:{line})" for s, line, n in cap.names)
        raise ImportSourceError.at(where, f"one host's capture names several hosts: {seen}")
    name = cap.names[0][2] if cap.names else cap.default_name
    try:
        return fields.device_name(name, "host name")
    except ValueError as exc:
        src = f"{cap.names[0][0]}:{cap.names[0][1]}" if cap.names else "the file or directory name"
        raise ImportSourceError.at(where, f"{exc} (from {src})") from None


def _build_host(name: str, cap: _Capture, dvswitches: dict[str, dict[str, Any]]) -> dict[str, Any]:
    mark = cap.ledger.mark
    host: dict[str, Any] = {"nics": {}, "vswitches": {}, "vmkernel": {}}
    for nic_name, nic in sorted(cap.nics.items(), key=lambda kv: _natural(kv[0])):
        host["nics"][nic_name] = {k: v for k, v in nic.items() if not k.startswith("_")}

    def need_nic(vmnic: str, at: tuple[str, int, str]) -> None:
        if vmnic not in host["nics"]:
            host["nics"][vmnic] = {}
            if cap.nics:
                mark(*at, Support.PARTIAL, f"{vmnic} is not in the NIC list: its speed is the design's default")
            else:
                mark(*at, Support.PARTIAL, f"no NIC list (esxcfg-nics -l) in the capture: {vmnic}'s speed is the "
                     "design's default")

    pg_teams = dict(cap.pg_teams)
    labels: set[str] = set()
    for vs_name, vs in cap.vswitches.items():
        at = vs["_at"]
        out: dict[str, Any] = {"uplinks": vs.get("uplinks", []), "portgroups": {}}
        if "uplinks" not in vs:
            mark(*at, Support.PARTIAL, f"{vs_name}'s uplinks are not in the capture: none imported")
        for up in out["uplinks"]:
            need_nic(up, at)
        if "mtu" in vs:
            out["mtu"] = vs["mtu"]
        if "teaming" in vs:
            out["teaming"] = _checked_team(vs["teaming"], out["uplinks"], vs_name, cap, at)
        for label, pg in vs["portgroups"].items():
            if "vlan" not in pg:
                continue
            item: dict[str, Any] = {"vlan": pg["vlan"]}
            if label in pg_teams:
                team, tat = pg_teams.pop(label)
                checked = _checked_team(team, out["uplinks"], vs_name, cap, tat)
                if checked:
                    item["teaming"] = checked
            out["portgroups"][label] = item
            labels.add(label)
        for label, pat in vs.get("_named_pgs", []):
            if label not in out["portgroups"]:
                mark(*pat, Support.PARTIAL, f"port group {label!r}: its VLAN is not in the capture (esxcfg-vswitch -l "
                     "or esxcli ... portgroup list gives it): not imported")
        if "teaming" not in out and out["portgroups"]:
            mark(*at, Support.PARTIAL, "no failover policy in the capture (esxcli network vswitch standard policy "
                 "failover get): the product's teaming defaults stand")
        host["vswitches"][vs_name] = out
    for label, (_, tat) in pg_teams.items():
        mark(*tat, Support.WRONG, f"port group {label!r} is not on a vSwitch in the capture: policy not imported")
    for dvs_name, dvs in cap.dvswitches.items():
        at = dvs["_at"]
        vmnics = dvs.get("vmnics", [])
        for up in vmnics:
            need_nic(up, at)
        entry = dvswitches.setdefault(dvs_name, {"uplinks": [], "hosts": {}, "_at": at})
        # dvUplink names are not in esxcfg-vswitch -l: the host's vmnics take uplink1.. in listed order
        mapping = {f"uplink{i}": vmnic for i, vmnic in enumerate(vmnics, 1)}
        for up in mapping:
            if up not in entry["uplinks"]:
                entry["uplinks"].append(up)
        entry["hosts"][name] = mapping
        if "mtu" in dvs:
            if "mtu" in entry and entry["mtu"] != dvs["mtu"]:
                cap.conflicts.append(Conflict(f"dvswitches.{dvs_name}.mtu", ((f"{entry['_at'][0]}:{entry['_at'][1]}", entry["mtu"]),
                                              (f"{at[0]}:{at[1]}", dvs["mtu"])), f"{entry['_at'][0]}:{entry['_at'][1]} (first read)"))
            else:
                entry["mtu"] = dvs["mtu"]
        if not entry["uplinks"]:
            entry["uplinks"] = ["uplink1"]  # a DVS has at least one dvUplink; this host maps none
    for vmk_name, vmk in sorted(cap.vmks.items(), key=lambda kv: _natural(kv[0])):
        at = vmk["_at"]
        pg = vmk.get("portgroup")
        if pg is None or pg not in labels:
            where = (f"a DVS port ({vmk['_dvs'][0]} port {vmk['_dvs'][1]})" if "_dvs" in vmk else
                     f"port group {pg!r}, which is not on a standard vSwitch in the capture" if pg else "no port group")
            mark(*at, Support.WRONG, f"{vmk_name} is on {where}: not imported")
            continue
        host["vmkernel"][vmk_name] = {k: v for k, v in vmk.items() if not k.startswith("_")}
        if "services" not in vmk:
            mark(*at, Support.PARTIAL, "VMkernel services (management, vMotion ...) are not in this output: none set")
    return host


def _checked_team(team: dict[str, Any], uplinks: list[str], vs_name: str, cap: _Capture,
                  at: tuple[str, int, str]) -> dict[str, Any]:
    """Keep the team lists that name this vSwitch's uplinks (T9); an uplink outside them is reported."""
    out = dict(team)
    for role in ("active", "standby", "unused"):
        if role in out:
            strays = [u for u in out[role] if u not in uplinks]
            if strays:
                cap.ledger.mark(*at, Support.WRONG, f"{role} {', '.join(strays)} not an uplink of {vs_name}: dropped")
                out[role] = [u for u in out[role] if u in uplinks]
    return out


def _natural(name: str) -> tuple[str, int]:
    m = re.match(r"(\D*)(\d*)", name)
    assert m is not None
    return m.group(1), int(m.group(2) or 0)
