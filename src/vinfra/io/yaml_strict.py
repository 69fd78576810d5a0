"""What the fast YAML parser accepts silently but a design may not say.

yaml-rs drops unknown tags (``!foo bar`` reads as ``bar``), ignores ``%YAML 9.9``, returns the
documents of a multi-document stream as a list and reads a recursive alias (``&a {h: *a}``) as
null.  Each would load a design that is not what the file says, so each is refused here, located.
The checks look at the text only where it holds the character that starts such a construct, so a
design without ``!``, ``%``, ``---``/``...`` or ``*`` costs a few searches in C.
"""

from __future__ import annotations

import re
from bisect import bisect_left

from .errors import Diagnostic
from .source_text import line_col

_DIRECTIVE = re.compile(r"^%(\S*)[ \t]*([^\r\n#]*)", re.M)
_MARKER = re.compile(r"^(---|\.\.\.)(?=[ \t\r\n]|\Z)", re.M)
# where _MARKER can match but the first line: one search for both markers after a newline costs less than
# looking for each anywhere (a 14 MB design has hundreds of thousands of '-' and '.')
_LINE_MARKER = re.compile(r"\n(?:---|\.\.\.)")
_TAG_CANDIDATE = re.compile(r"(?:^|[ \t\[{,])!", re.M)
_ALIAS = re.compile(r"(?:^|(?<=[ \t\[{,]))\*([^ \t\r\n\[\]{},]+)", re.M)
_ANCHOR = re.compile(r"(?:^|(?<=[ \t\[{,]))&([^ \t\r\n\[\]{},]+)", re.M)
_SUPPORTED_YAML = ("1.2",)


def strict_yaml_problems(text: str, source: str) -> list[Diagnostic]:
    """Located diagnostics for the constructs a design may not use (empty when there are none)."""
    out: list[Diagnostic] = []
    if "%" in text:
        out.extend(_directives(text, source))
    if text.startswith(("---", "...")) or _LINE_MARKER.search(text) is not None:
        out.extend(_documents(text, source))
    if "!" in text:
        out.extend(_tags(text, source))
    if "*" in text and "&" in text:
        out.extend(_recursive_aliases(text, source))
    return out


def _diag(text: str, source: str, offset: int, message: str) -> Diagnostic:
    line, col = line_col(text, offset)
    return Diagnostic(source, line, col, message)


def _directives(text: str, source: str) -> list[Diagnostic]:
    out = []
    for m in _DIRECTIVE.finditer(text):
        name, value = m.group(1), m.group(2).strip()
        if name == "YAML":
            if value not in _SUPPORTED_YAML:
                out.append(_diag(text, source, m.start(), f"unsupported YAML version {value!r}: a design is YAML 1.2; "
                                                          "write '%YAML 1.2' or no directive"))
        elif name == "TAG":
            out.append(_diag(text, source, m.start(), "'%TAG' directive: a design uses no tags; delete the line"))
        else:
            out.append(_diag(text, source, m.start(), f"unknown directive '%{name}': a design knows only '%YAML 1.2'"))
    return out


def _documents(text: str, source: str) -> list[Diagnostic]:
    """One document per file: a ``---`` before it and a ``...`` after it are allowed, nothing more."""
    content_seen = False
    ended = False
    pos = 0
    for m in _MARKER.finditer(text):
        if _has_content(text, pos, m.start()):
            if ended:
                return [_second_document(text, source, _first_content(text, pos, m.start()))]
            content_seen = True
        pos = m.end()
        if m.group(1) == "---":
            if content_seen or ended:
                return [_second_document(text, source, m.start())]
            content_seen = True  # an explicit start: its content (even empty) is the document
        else:
            ended = True
    if ended and _has_content(text, pos, len(text)):
        return [_second_document(text, source, _first_content(text, pos, len(text)))]
    return []


def _second_document(text: str, source: str, offset: int) -> Diagnostic:
    return _diag(text, source, offset, "a second YAML document: a design file holds exactly one; "
                                       "split it into one file per design or delete the '---'/'...' line")


def _content_lines(text: str, start: int, end: int) -> int:
    """Offset of the first line in [start, end) that is not blank, a comment or a directive; -1 if none."""
    offset = start
    for line in text[start:end].splitlines(keepends=True):
        stripped = line.strip()
        if stripped and not stripped.startswith(("#", "%")):
            return offset + len(line) - len(line.lstrip())
        offset += len(line)
    return -1


def _has_content(text: str, start: int, end: int) -> bool:
    # the rest of a marker line counts too: '--- {name: x}'
    return _content_lines(text, start, end) != -1


def _first_content(text: str, start: int, end: int) -> int:
    found = _content_lines(text, start, end)
    return found if found != -1 else start


def _tags(text: str, source: str) -> list[Diagnostic]:
    """Tags (``!foo``, ``!!binary``, ``!!str``): read with the slow scanner, only when a ``!`` could start one."""
    if _TAG_CANDIDATE.search(text) is None:
        return []
    from ruamel.yaml import YAML
    from ruamel.yaml.error import YAMLError
    from ruamel.yaml.tokens import TagToken

    yaml = YAML(typ="rt")
    try:
        for token in yaml.scan(text):
            if isinstance(token, TagToken):
                handle, suffix = token.value
                tag = f"{handle or ''}{suffix or ''}"
                return [Diagnostic(source, token.start_mark.line + 1, token.start_mark.column + 1,
                                   f"tag {tag!r}: a design uses no YAML tags; delete it (quote the value if it is "
                                   "text starting with '!')")]
    except YAMLError:
        return []  # a syntax error: the fast parser reports it, located
    return []


def _recursive_aliases(text: str, source: str) -> list[Diagnostic]:
    """An alias inside the node of its own anchor (``hosts: &a {h: *a}``): yaml-rs reads it as null."""
    anchors: dict[str, list[int]] = {}
    for m in _ANCHOR.finditer(text):
        anchors.setdefault(m.group(1), []).append(m.start())
    out = []
    for m in _ALIAS.finditer(text):
        name = m.group(1)
        offsets = anchors.get(name)
        if not offsets:
            continue
        # the last anchor of that name before the alias (a later anchor of one name replaces an earlier)
        k = bisect_left(offsets, m.start())
        if k and _inside_anchored_node(text, offsets[k - 1], m.start()):
            out.append(_diag(text, source, m.start(), f"alias '*{name}' refers to the node it is inside of (a recursive "
                                                      f"alias): a design is a tree; copy the values instead"))
    return out


def _inside_anchored_node(text: str, anchor: int, alias: int) -> bool:
    line_start = text.rfind("\n", 0, anchor) + 1
    line_end = text.find("\n", anchor)
    if line_end == -1:
        line_end = len(text)
    after = text[anchor:line_end].split(None, 1)
    rest = after[1].strip() if len(after) > 1 else ""
    if rest and not rest.startswith("#"):
        if rest[0] in "[{":
            start = text.index(rest[0], anchor)
            return start < alias < _flow_end(text, start)
        return False  # a scalar on the anchor's line holds no alias
    # a block node on the following lines: deeper than the anchor line's indentation, or a sequence at the same
    # indentation when the anchor is a mapping value ('key: &a' then '- item')
    if alias < line_end:
        return False
    indent = len(text[line_start:anchor]) - len(text[line_start:anchor].lstrip(" "))
    owner = text[line_start:anchor].strip()
    same_level_seq = owner.endswith(":") and not owner.startswith("-")
    pos = line_end + 1
    while pos < alias:
        nxt = text.find("\n", pos)
        line = text[pos : nxt if nxt != -1 else len(text)]
        stripped = line.lstrip(" ")
        if stripped.strip() and not stripped.startswith("#"):
            ind = len(line) - len(stripped)
            if ind < indent or (ind == indent and not (same_level_seq and (stripped.startswith("- ") or stripped.rstrip() == "-"))):
                return False
        if nxt == -1:
            break
        pos = nxt + 1
    return True


def _flow_end(text: str, start: int) -> int:
    """Offset just after the flow collection opening at ``start`` (quoted text skipped)."""
    depth = 0
    i = start
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in "[{":
            depth += 1
        elif ch in "]}":
            depth -= 1
            if depth == 0:
                return i + 1
        elif ch == '"':
            i += 1
            while i < n and text[i] != '"':
                i += 2 if text[i] == "\\" else 1
        elif ch == "'":
            i += 1
            while i < n:
                if text[i] == "'":
                    if text[i + 1 : i + 2] == "'":
                        i += 2
                        continue
                    break
                i += 1
        i += 1
    return n
