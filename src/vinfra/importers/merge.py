"""Merging import fragments into one design: the switch side and the host side joined by the cabling.

Fragments merge object by object (a switch, a host, a VM... by name) and, inside an object, key by key: what
one source says and another does not is taken; where two sources give different values for one key, the
design holds the first source's value (the order given: switch configs, ESXi output, RVTools, vCenter,
cabling) and a :class:`~vinfra.importers.report.Conflict` names both values and the choice.  Nothing is
resolved silently.

Links (from the cabling, or any fragment that has them) join the design when both ends are declared: a
switch interface in any vendor spelling (``Eth1/3/1`` finds ``Ethernet1/3/1``, and the link uses the
declaration's spelling), a host's vmnic.  A device name from CDP/LLDP that is a host's fully qualified name
(``esx02.example.com``) finds the host ``esx02``, and the other way round.  Each link the merge cannot carry
(a device not in the design, an interface the device does not declare) is reported with why; one interface
cabled to two different far ends is a conflict (the first source's cable is kept); the same cable seen from
both ends, or by CDP and LLDP, is one link.  Finally, every host uplink that no cable reaches is reported:
the design holds it link-down (topology-v1, "Cabling and speed").
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from ..model.ifname import interface_key
from .report import Conflict, Imported, ReportLine, Support

#: the design's sections that hold objects by name, merged object by object
SECTIONS = ("switches", "hosts", "dvswitches", "clusters", "datastores", "vms", "templates")


def _label(part: Imported, index: int) -> str:
    return ", ".join(part.sources) if part.sources else f"source {index + 1}"


def _merge_value(path: tuple[str, ...], mine: Any, theirs: Any, owner: str, other: str,
                 conflicts: list[Conflict]) -> Any:
    if isinstance(mine, dict) and isinstance(theirs, dict):
        out = dict(mine)
        for key, value in theirs.items():
            out[key] = _merge_value((*path, str(key)), out[key], value, owner, other, conflicts) \
                if key in out else value
        return out
    if mine == theirs:
        return mine
    conflicts.append(Conflict(".".join(path), ((owner, mine), (other, theirs)), f"{owner} (first given)"))
    return mine


def merge(parts: Sequence[Imported], name: str, description: str | None = None) -> Imported:
    """One design from the fragments, in the order given; the report holds every fragment's lines and the
    merge's own (each link carried or not, uncabled uplinks), and the conflicts."""
    design: dict[str, Any] = {"name": name}
    if description:
        design["description"] = description
    owners: dict[tuple[str, str], str] = {}
    conflicts: list[Conflict] = []
    report: list[ReportLine] = []
    links: list[tuple[str, dict[str, Any]]] = []
    for index, part in enumerate(parts):
        label = _label(part, index)
        report.extend(part.report)
        conflicts.extend(part.conflicts)
        for section, objects in part.design.items():
            if section == "links":
                links.extend((label, dict(link) if isinstance(link, dict) else {"a": link[0], "b": link[1]})
                             for link in objects)
                continue
            if section not in SECTIONS:
                continue  # name/description of a fragment: the design has its own
            target = design.setdefault(section, {})
            for key, value in objects.items():
                if section == "switches" and key in target:
                    value = _same_spellings(target[key], value)
                if key in target:
                    target[key] = _merge_value((section, key), target[key], value, owners[(section, key)], label,
                                               conflicts)
                else:
                    target[key] = value
                    owners[(section, key)] = label
    design["links"] = _join(design, links, report, conflicts)
    report.extend(_uncabled(design))
    sources = tuple(s for part in parts for s in part.sources)
    return Imported(design, tuple(report), tuple(conflicts), sources)


def _same_spellings(mine: dict[str, Any], theirs: dict[str, Any]) -> dict[str, Any]:
    """``theirs`` with each interface spelled as ``mine`` declares it (``Po1`` -> ``port-channel1``), so two
    sources of one switch merge interface by interface, never declaring one twice."""
    if not isinstance(theirs, dict) or not isinstance(theirs.get("interfaces"), dict):
        return theirs
    spelled = {interface_key(name): name for name in (mine.get("interfaces") or {})}
    return {**theirs, "interfaces": {spelled.get(interface_key(n), n): v for n, v in theirs["interfaces"].items()}}


class _Ends:
    """Resolves a cabling end (``device:interface`` as a neighbour table spells it) to the design's."""

    def __init__(self, design: dict[str, Any]) -> None:
        self.switches: dict[str, dict[str, str]] = {
            sw: {interface_key(i): i for i in (data.get("interfaces") or {})}
            for sw, data in (design.get("switches") or {}).items()}
        self.hosts: dict[str, set[str]] = {}
        for host, data in (design.get("hosts") or {}).items():
            nics = set(data.get("nics") or {})
            for vs in (data.get("vswitches") or {}).values():
                nics.update(vs.get("uplinks") or [])
            self.hosts[host] = nics
        for dvs in (design.get("dvswitches") or {}).values():
            for host, mapping in (dvs.get("hosts") or {}).items():
                self.hosts.setdefault(host, set()).update((mapping or {}).values())
        short: dict[str, list[str]] = {}
        for device in [*self.switches, *self.hosts]:
            short.setdefault(device.split(".")[0].lower(), []).append(device)
        self.short = short

    def device(self, given: str) -> str | None:
        if given in self.switches or given in self.hosts:
            return given
        found = self.short.get(given.split(".")[0].lower(), [])
        return found[0] if len(found) == 1 else None

    def resolve(self, end: str) -> tuple[str | None, str]:
        """(``device:interface`` as the design spells it, else None; why not)."""
        given_dev, _, iface = end.partition(":")
        device = self.device(given_dev)
        if device is None:
            return None, f"{given_dev} is not in the design"
        if device in self.switches:
            declared = self.switches[device].get(interface_key(iface))
            if declared is None:
                return None, f"{device} declares no interface {iface}"
            return f"{device}:{declared}", ""
        if iface not in self.hosts[device]:
            return None, f"{device} has no NIC {iface}"
        return f"{device}:{iface}", ""


def _join(design: dict[str, Any], links: list[tuple[str, dict[str, Any]]], report: list[ReportLine],
          conflicts: list[Conflict]) -> list[dict[str, Any]]:
    ends = _Ends(design)
    out: list[dict[str, Any]] = []
    cabled: dict[str, tuple[str, str, int]] = {}  # end -> (other end, source, index in out)
    for label, link in links:
        shown = f"{link['a']} -- {link['b']}"
        a, why_a = ends.resolve(str(link["a"]))
        b, why_b = ends.resolve(str(link["b"]))
        if a is None or b is None:
            why = "; ".join(w for w in (why_a, why_b) if w)
            support = Support.WRONG if "declares no" in why or "has no NIC" in why else Support.IGNORED
            report.append(ReportLine(label, None, shown, support, f"{why}: the link is not in the design"))
            continue
        if a == b:
            report.append(ReportLine(label, None, shown, Support.WRONG, "a cable from a port to itself"))
            continue
        same = cabled.get(a, (None,))[0] == b
        if same:
            index = cabled[a][2]
            speed = link.get("speed")
            if speed is not None and out[index].get("speed") not in (None, speed):
                conflicts.append(Conflict(f"links.{a}--{b}.speed", ((cabled[a][1], out[index]["speed"]),
                                                                   (label, speed)), f"{cabled[a][1]} (first given)"))
            elif speed is not None:
                out[index]["speed"] = speed
            report.append(ReportLine(label, None, shown, Support.SUPPORTED, "the same cable as already read"))
            continue
        clash = [(end, cabled[end]) for end in (a, b) if end in cabled]
        if clash:
            end, (other, source, _) = clash[0]
            far = b if end == a else a
            conflicts.append(Conflict(f"links.{end}", ((source, other), (label, far)), f"{source} (first given)"))
            report.append(ReportLine(label, None, shown, Support.WRONG,
                                     f"{end} is already cabled to {other} (by {source}): conflict, not carried"))
            continue
        entry: dict[str, Any] = {"a": a, "b": b}
        if link.get("speed") is not None:
            entry["speed"] = link["speed"]
        cabled[a] = (b, label, len(out))
        cabled[b] = (a, label, len(out))
        out.append(entry)
        moved = "" if (a, b) == (link["a"], link["b"]) else f" (as {a} -- {b})"
        report.append(ReportLine(label, None, shown, Support.SUPPORTED, f"cabled{moved}"))
    return out


def _uncabled(design: dict[str, Any]) -> list[ReportLine]:
    cabled = {end for link in design["links"] for end in (link["a"], link["b"])}
    out = []
    for host, data in sorted((design.get("hosts") or {}).items()):
        for vswitch, vs in sorted((data.get("vswitches") or {}).items()):
            for nic in vs.get("uplinks") or []:
                if f"{host}:{nic}" not in cabled:
                    out.append(ReportLine("merge", None, f"{host}:{nic}", Support.PARTIAL,
                                          f"uplink of {vswitch} with no cable in the sources: link-down in the design"))
    return out


__all__ = ["SECTIONS", "merge"]
