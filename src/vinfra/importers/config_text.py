"""A switch running-config as a tree of numbered lines, built by hier-config.

hier-config (MIT) turns a config into its hierarchy (a section and the lines indented under it) but keeps no
line numbers, which the import report needs for every line.  So each line goes in with its number as a
marker in front of its text; hier-config's tree then carries the numbers, and identical lines in one section
(which hier-config would refuse as a duplicate section) stay distinct.  What hier-config does not see, this
module reports itself: blank and comment lines (no support state: they say nothing), banner bodies and EOS
``comment`` blocks (ignored), and the text faults that make a file no config at all (not UTF-8, binary,
truncated: located :class:`~vinfra.importers.report.ImportSourceError`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from pathlib import Path

from hier_config import Platform, get_hconfig_fast_load

from .report import ImportSourceError

_MARK = "\x01"
_MARKED = re.compile(r"^\x01(\d+)\x01 ?(.*)$", re.S)

#: the hier-config driver of each platform (its indentation rules; our markers keep its line edits away)
HC_PLATFORM = {"ios": Platform.CISCO_IOS, "nxos": Platform.CISCO_NXOS, "eos": Platform.ARISTA_EOS}


@dataclass
class Node:
    """One config line: its 1-based number, its text (whitespace runs collapsed) and the lines under it."""

    line: int
    text: str
    children: list[Node] = field(default_factory=list)

    def walk(self) -> list[Node]:
        """This line's descendants, depth first, in file order."""
        out: list[Node] = []
        for child in self.children:
            out.append(child)
            out.extend(child.walk())
        return out


@dataclass
class ConfigText:
    """A config's tree of lines, and the lines hier-config never saw (banners, comments blocks)."""

    source: str
    raw_lines: list[str]
    roots: list[Node]
    skipped: list[tuple[int, str, str]]  # (line, text, why): banner bodies, EOS comment blocks


def decode(raw: bytes, source: str) -> str:
    """The file's text; a NUL byte (a binary file) or bytes that are not UTF-8 are located errors."""
    if b"\x00" in raw:
        line = raw[: raw.index(b"\x00")].count(b"\n") + 1
        raise ImportSourceError.at(source, "a binary file, not a switch config (a NUL byte)", line, 1)
    try:
        text = raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        before = raw[: exc.start]
        line = before.count(b"\n") + 1
        column = len(before) - (before.rfind(b"\n") + 1) + 1
        raise ImportSourceError.at(source, f"not UTF-8 text (byte 0x{raw[exc.start]:02x})", line, column) from None
    return text.removeprefix("\ufeff")


def read_source(path: str | Path) -> str:
    """A source file's text (:func:`decode`); a missing or unreadable file is an error naming it."""
    source = str(path)
    try:
        raw = Path(path).read_bytes()
    except FileNotFoundError:
        raise ImportSourceError.at(source, "no such file") from None
    except OSError as exc:
        raise ImportSourceError.at(source, f"cannot read: {exc.strerror or exc}") from None
    return decode(raw, source)


_BANNER = re.compile(r"^banner\s+\S+(?:\s+(.*))?$", re.I)


def parse(text: str, source: str, platform: str) -> ConfigText:
    """Number the lines, set banner bodies and EOS ``comment`` blocks aside, and let hier-config build the
    tree of the rest (``\\r\\n`` line ends, as NX-OS writes them, read like ``\\n``)."""
    raw_lines = text.splitlines()
    marked: list[str] = []
    skipped: list[tuple[int, str, str]] = []
    banner_end: str | None = None
    banner_start = 0
    comment_indent: int | None = None
    for no, line in enumerate(raw_lines, 1):
        stripped = line.strip()
        if banner_end is not None:
            if stripped:
                skipped.append((no, stripped, "banner text"))
            if (banner_end == "EOF" and stripped == "EOF") or (banner_end != "EOF" and banner_end in line):
                banner_end = None
            continue
        if comment_indent is not None:
            if stripped:
                skipped.append((no, stripped, "EOS comment text"))
            if stripped == "EOF":
                comment_indent = None
            continue
        if not stripped or stripped.startswith(("!", "#")):
            continue  # blank or comment: no state, says nothing
        m = _BANNER.match(stripped)
        if m is not None and not line[:1].isspace():
            given = (m.group(1) or "").strip()
            skipped.append((no, stripped, "banner"))
            if not given or given.upper() == "EOF":
                banner_end = "EOF"  # EOS: the text follows on its own lines up to EOF
            else:
                # IOS/NX-OS: the first character (or ^C) delimits; the banner may end on this line or a later one
                end = given[:2] if given.startswith("^") else given[0]
                if end not in given[len(end):]:
                    banner_end = end
            banner_start = no
            continue
        if platform == "eos" and stripped == "comment" and line[:1].isspace():
            skipped.append((no, stripped, "EOS comment"))
            comment_indent = len(line) - len(line.lstrip())
            continue
        indent = len(line) - len(line.lstrip())
        marked.append(" " * indent + f"{_MARK}{no}{_MARK} {stripped}")
    if banner_end is not None:
        raise ImportSourceError.at(source, f"the file ends inside the banner begun on line {banner_start} (truncated?)",
                                   banner_start, 1)
    tree = get_hconfig_fast_load(HC_PLATFORM[platform], marked)
    return ConfigText(source, raw_lines, [_node(child) for child in tree.children], skipped)


def _node(child: object) -> Node:
    m = _MARKED.match(child.text)  # type: ignore[attr-defined]
    if m is None:  # pragma: no cover - every line we hand to hier-config carries its marker
        raise AssertionError(f"hier-config returned an unmarked line {child.text!r}")  # type: ignore[attr-defined]
    return Node(int(m.group(1)), " ".join(m.group(2).split()),
                [_node(c) for c in child.children])  # type: ignore[attr-defined]


__all__ = ["HC_PLATFORM", "ConfigText", "Node", "decode", "parse", "read_source"]
