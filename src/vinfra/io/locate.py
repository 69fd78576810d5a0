"""Line and column of a path in a design's text, found without parsing the whole file again.

Errors used to be located by parsing the whole file with ruamel.yaml, which keeps marks: a 4 MB
design with one error at its end took 40-60 s and 900 MB to report it (the valid design loads in
2 s).  A :class:`TextLocator` instead follows one path through the text, guided by the parsed data:

- a block mapping's keys are the lines at its indentation, found with one regular-expression
  search (in C) over the mapping's lines; a block sequence's items are its ``-`` lines;
- a flow collection (``{a: 1}``, ``[x, y]``) is tokenised from its first character, only as far
  as the wanted entry;
- an alias (``*esx``) continues at its anchor (``&esx``), and a key missing from a mapping is
  looked up in the mappings its merge key (``<<``) names, earlier ones first, as the merge
  resolves it; so an inherited value is located where it is written;
- JSON (strict, as orjson accepted it) is walked with the standard library's C scanner, which
  skips an unwanted value at C speed.

The parsed data says whether each step exists; when the text holds the key but the locator cannot
read it (a construct it does not follow, such as a complex ``?`` key or an escaped quoted key), it
says so and :class:`~vinfra.io.source_map.SourceMap` (ruamel.yaml, slow but complete) answers
instead.  ``tests/io/test_locate.py`` checks both agree on every path of every example.
"""

from __future__ import annotations

import json
import json.decoder
import json.scanner
import re
from bisect import bisect_left
from dataclasses import dataclass, replace
from typing import Any

Path = tuple[str | int, ...]


class Unsure(Exception):
    """The text holds something this locator does not follow: ask the complete one."""


@dataclass(frozen=True, slots=True)
class _Node:
    kind: str  # "map" | "seq" (block), "flow", "json", "scalar"
    start: int  # offset of the node's first character
    end: int  # block nodes: offset where the node's lines end
    indent: int  # block nodes: the column of their keys or dashes
    mark: int = -1  # where the node is reported: its anchor ('&a') when it has one, else ``start``

    @property
    def at(self) -> int:
        return self.start if self.mark < 0 else self.mark


_ANCHOR = re.compile(r"(?:^|(?<=[ \t\[{,]))&([^ \t\r\n\[\]{},]+)", re.M)
_BLANK_OR_COMMENT = re.compile(r"[ \t]*(?:#[^\n]*)?(?:\r?\n|\Z)")
_WS = re.compile(r"[ \t\r\n]*")
_SPACES = re.compile(r"[ \t]*")


def _data_step(node: Any, step: str | int) -> tuple[bool, Any, Any]:
    """Whether ``step`` exists in the parsed ``node``, the key as it is there, and its value."""
    if isinstance(node, dict):
        candidates: list[Any] = [step]
        if isinstance(step, int) and not isinstance(step, bool):
            candidates.append(str(step))
        elif isinstance(step, str) and step.isascii() and step.lstrip("-").isdigit():  # not "²"
            candidates.append(int(step))
        for key in candidates:
            if key in node:
                return True, key, node[key]
        return False, None, None
    if isinstance(node, list) and isinstance(step, int) and not isinstance(step, bool) and 0 <= step < len(node):
        return True, step, node[step]
    return False, None, None


def _is_collection(value: Any) -> bool:
    return isinstance(value, (dict, list))


class TextLocator:
    """Locates paths (``("hosts", "esx01", "nics")``) in one design's text, given its parsed data."""

    def __init__(self, text: str, data: Any, *, json_text: bool = False) -> None:
        self._text = text
        self._data = data
        self._json = json_text
        self._anchors: dict[str, list[int]] | None = None
        self._line_starts: list[int] | None = None
        # Many errors (or check findings) in one design look into the same large nodes again and again:
        # what one search learnt about a node is kept, so that N lookups cost one pass over it, not N.
        self._ends: dict[tuple[int, int, bool], int] = {}
        self._dashes: dict[int, list[int]] = {}
        self._keys: dict[int, dict[str, tuple[int, int]]] = {}  # node start -> key -> (key offset, colon offset)
        self._asked: dict[int, int] = {}  # node start -> lookups so far
        self._json_keys: dict[int, dict[str, tuple[int, int]]] = {}
        self._json_items: dict[int, list[int]] = {}

    # public --------------------------------------------------------------------------------
    def locate(self, path: Path, at: str = "key") -> tuple[int, int] | None:
        """1-based (line, column) of the key (``at="key"``) or value at ``path``; like
        :meth:`SourceMap.locate`, a path that leaves the document stops at its deepest node.
        Raises :class:`Unsure` when the text holds what this locator cannot follow."""
        if not path:
            return (1, 1)
        node = self._root()
        data = self._data
        best = (1, 1)
        for i, step in enumerate(path):
            last = i == len(path) - 1
            exists, _, value = _data_step(data, step)
            if not exists:
                return best
            if isinstance(data, dict):
                key_pos, value_node = self._entry(node, step, value)
                if (last and at == "key") or _is_collection(value):
                    best = self._line_col(key_pos)
                else:
                    best = self._line_col(value_node.at)
            else:
                assert isinstance(step, int)
                value_node = self._item(node, step, value)
                best = self._line_col(value_node.at)
            node, data = value_node, value
        return best

    # positions -----------------------------------------------------------------------------
    def _line_col(self, offset: int) -> tuple[int, int]:
        if self._line_starts is None:
            starts = [0]
            find = self._text.find
            pos = find("\n")
            while pos != -1:
                starts.append(pos + 1)
                pos = find("\n", pos + 1)
            self._line_starts = starts
        line = bisect_left(self._line_starts, offset + 1) - 1
        return line + 1, offset - self._line_starts[line] + 1

    def _col(self, offset: int) -> int:
        return offset - (self._text.rfind("\n", 0, offset) + 1)

    def _line_end(self, offset: int) -> int:
        end = self._text.find("\n", offset)
        return len(self._text) if end == -1 else end

    # the document --------------------------------------------------------------------------
    def _root(self) -> _Node:
        text = self._text
        if self._json:
            return _Node("json", _WS.match(text, 0).end(), len(text), 0)  # type: ignore[union-attr]
        pos = 0
        while True:  # skip blank lines, comments, directives and a '---' line
            m = _BLANK_OR_COMMENT.match(text, pos)
            if m is not None and m.end() > pos:
                pos = m.end()
                continue
            if text.startswith("%", pos):
                pos = self._line_end(pos) + 1
                continue
            if text.startswith("---", pos) and text[pos + 3 : pos + 4] in ("", " ", "\t", "\n", "\r"):
                rest = _SPACES.match(text, pos + 3).end()  # type: ignore[union-attr]
                if rest < len(text) and text[rest] not in "\r\n#":
                    return self._inline_node(rest, -1, False)
                pos = self._line_end(pos) + 1
                continue
            break
        if pos >= len(text):
            raise Unsure("empty document")
        return self._node_at(pos, -1, False)

    def _node_at(self, pos: int, parent_indent: int, same_level_seq: bool) -> _Node:
        """The node starting at ``pos`` (the first character of its first line's content)."""
        text = self._text
        ch = text[pos]
        if ch in "[{":
            return _Node("flow", pos, pos, 0)
        if ch in "!?":
            raise Unsure("tag or complex key")
        indent = self._col(pos)
        if ch == "-" and text[pos + 1 : pos + 2] in ("", " ", "\t", "\n", "\r"):
            return _Node("seq", pos, self._block_end(pos, indent, seq=True), indent)
        if ch == "&":
            return self._after_anchor(pos, parent_indent, same_level_seq)
        if self._looks_like_key(pos):
            return _Node("map", pos, self._block_end(pos, indent, seq=False), indent)
        return _Node("scalar", pos, pos, indent)

    def _looks_like_key(self, pos: int) -> bool:
        text = self._text
        end = self._line_end(pos)
        ch = text[pos]
        if ch in "\"'":
            close = _quoted_end(text, pos, end)
            if close is None:
                return False
            return _SPACES.match(text, close).end() < end and text[_SPACES.match(text, close).end()] == ":"  # type: ignore[union-attr]
        if ch in "|>*":
            return False
        line = text[pos:end]
        k = line.find(":")
        while k != -1:
            if k + 1 == len(line) or line[k + 1] in " \t\r":
                return " #" not in line[:k]
            k = line.find(":", k + 1)
        return False

    def _block_end(self, pos: int, indent: int, seq: bool) -> int:
        """Where the block node whose first line starts at ``pos`` (column ``indent``) ends: the first
        later line with content left of ``indent`` (or, for a sequence, at ``indent`` and not an item)."""
        known = self._ends.get((pos, indent, seq))
        if known is not None:
            return known
        text = self._text
        start = self._line_end(pos) + 1
        if start >= len(text):
            return len(text)
        if indent == 0:
            pattern = _END0_SEQ if seq else _DOC_END
        else:
            pattern = _end_pattern(indent, seq)
        m = pattern.search(text, start)
        end = self._ends[(pos, indent, seq)] = m.start() if m is not None else len(text)
        return end

    def _inline_node(self, pos: int, parent_indent: int, same_level_seq: bool) -> _Node:
        """The value that starts at ``pos`` on a key's (or dash's) line."""
        return self._node_at(pos, parent_indent, same_level_seq)

    def _value_after(self, colon: int, owner_indent: int, same_level_seq: bool) -> _Node:
        """The value after a key's ``:`` (or an item's ``-``) at offset ``colon``."""
        text = self._text
        pos = _SPACES.match(text, colon + 1).end()  # type: ignore[union-attr]
        if pos < len(text) and text[pos] not in "\r\n#":
            return self._inline_node(pos, owner_indent, same_level_seq)
        return self._block_below(pos, owner_indent, same_level_seq)

    def _block_below(self, pos: int, owner_indent: int, same_level_seq: bool) -> _Node:
        """The block node on the lines after ``pos``'s line, deeper than ``owner_indent``."""
        text = self._text
        line = self._line_end(pos) + 1
        while line < len(text):
            m = _BLANK_OR_COMMENT.match(text, line)
            if m is not None and m.end() > line:
                line = m.end()
                continue
            break
        if line >= len(text):
            return _Node("scalar", pos, pos, 0)  # nothing below: an empty value
        first = _SPACES.match(text, line).end()  # type: ignore[union-attr]
        indent = first - line
        is_item = text[first] == "-" and text[first + 1 : first + 2] in ("", " ", "\t", "\n", "\r")
        if indent > owner_indent or (indent == owner_indent and same_level_seq and is_item):
            return self._node_at(first, owner_indent, False)
        return _Node("scalar", pos, pos, 0)

    def _after_anchor(self, pos: int, parent_indent: int, same_level_seq: bool) -> _Node:
        """The node an anchor (``&name``) at ``pos`` belongs to."""
        text = self._text
        end = pos
        while end < len(text) and text[end] not in " \t\r\n[]{},":
            end += 1
        rest = _SPACES.match(text, end).end()  # type: ignore[union-attr]
        if rest < len(text) and text[rest] not in "\r\n#":
            node = self._node_at(rest, parent_indent, same_level_seq)
        else:
            node = self._block_below(rest, parent_indent, same_level_seq)
        return replace(node, mark=pos)

    def _alias_target(self, pos: int) -> _Node:
        """The node of the anchor an alias at ``pos`` names."""
        text = self._text
        end = pos + 1
        while end < len(text) and text[end] not in " \t\r\n[]{},":
            end += 1
        name = text[pos + 1 : end]
        if self._anchors is None:
            self._anchors = {}
            for m in _ANCHOR.finditer(text):
                self._anchors.setdefault(m.group(1), []).append(m.start())
        offsets = self._anchors.get(name, [])
        k = bisect_left(offsets, pos)
        if not k:
            raise Unsure(f"no anchor {name}")
        anchor = offsets[k - 1]
        line_start = text.rfind("\n", 0, anchor) + 1
        owner = text[line_start:anchor]
        owner_indent = len(owner) - len(owner.lstrip(" "))
        stripped = owner.strip()
        if stripped.startswith("- ") or stripped == "-":
            owner_indent = self._col(anchor) - 1  # an item's node is deeper than its dash
        node = self._after_anchor(anchor, owner_indent, stripped.endswith(":"))
        if node.kind == "scalar" and text.startswith("*", node.start):
            raise Unsure("alias of an alias")
        return node

    # one step ------------------------------------------------------------------------------
    def _deref(self, node: _Node) -> _Node:
        if node.kind == "scalar" and self._text.startswith("*", node.start):
            return self._alias_target(node.start)
        return node

    def _entry(self, node: _Node, key: str | int, value: Any) -> tuple[int, _Node]:
        """Offset of ``key`` in the mapping ``node`` and the node of its value."""
        node = self._deref(node)
        found = self._own_entry(node, key)
        if found is None:
            for source in self._merge_sources(node):
                found = self._merged_entry(source, key, depth=0)
                if found is not None:
                    break
        if found is None:
            raise Unsure(f"key {key!r} not found")
        key_pos, value_node = found
        return key_pos, self._deref(value_node)  # an alias is reported where its anchor's node is written

    def _merged_entry(self, node: _Node, key: str | int, depth: int) -> tuple[int, _Node] | None:
        if depth > 32:
            raise Unsure("merge chain")
        node = self._deref(node)
        found = self._own_entry(node, key)
        if found is not None:
            return found
        for source in self._merge_sources(node):
            found = self._merged_entry(source, key, depth + 1)
            if found is not None:
                return found
        return None

    def _merge_sources(self, node: _Node) -> list[_Node]:
        found = self._own_entry(node, "<<")
        if found is None:
            return []
        value = self._deref(found[1])
        if value.kind == "flow" and self._text[value.start] == "[":
            return [item for _, item in _flow_seq_items(self._text, value.start, self)]
        if value.kind == "seq":
            return [self._seq_item(value, k) for k in range(self._seq_len(value))]
        return [value]

    def _own_entry(self, node: _Node, key: str | int) -> tuple[int, _Node] | None:
        """A key written in the mapping itself (not inherited)."""
        if node.kind == "map":
            return self._block_entry(node, str(key))
        if node.kind == "flow":
            if self._text[node.start] != "{":
                raise Unsure("not a mapping")
            return _flow_map_entry(self._text, node.start, str(key), self)
        if node.kind == "json":
            return self._json_entry(node, str(key))
        raise Unsure(f"a {node.kind} node is not a mapping")

    def _block_entry(self, node: _Node, key: str) -> tuple[int, _Node] | None:
        text = self._text
        asked = self._asked[node.start] = self._asked.get(node.start, 0) + 1
        if asked > 1:
            index = self._keys.get(node.start)
            if index is None:
                index = self._keys[node.start] = self._key_index(node)
            hit = index.get(key)
            if hit is not None:
                return hit[0], self._value_after(hit[1], node.indent, True)
        single = re.escape(key.replace("'", "''"))
        alts = f"{re.escape(key)}|\"{re.escape(key)}\"|'{single}'"
        first = re.compile(f"(?:{alts})[ \\t]*:(?=[ \\t\\r\\n]|\\Z)")
        m = first.match(text, node.start)
        if m is None:
            later = re.compile(f"^ {{{node.indent}}}(?:{alts})[ \\t]*:(?=[ \\t\\r\\n]|\\Z)", re.M)
            m = later.search(text, self._line_end(node.start) + 1, node.end)
            if m is None:
                return None
            key_pos = m.start() + node.indent
        else:
            key_pos = m.start()
        value = self._value_after(m.end() - 1, node.indent, True)
        return key_pos, value

    def _key_index(self, node: _Node) -> dict[str, tuple[int, int]]:
        """Every plainly written key of a block mapping (one pass); a key missing here is searched for."""
        index: dict[str, tuple[int, int]] = {}
        pattern = _key_pattern(node.indent)
        for m in pattern.finditer(self._text, self._line_end(node.start) + 1, node.end):
            double, single, plain = m.group(1), m.group(2), m.group(3)
            key = double if double is not None else (single.replace("''", "'") if single is not None else plain)
            index.setdefault(key, (m.start() + node.indent, m.end() - 1))
        return index

    def _item(self, node: _Node, index: int, value: Any) -> _Node:
        node = self._deref(node)
        if node.kind == "seq":
            item = self._seq_item(node, index)
        elif node.kind == "flow" and self._text[node.start] == "[":
            items = _flow_seq_items(self._text, node.start, self, limit=index + 1)
            if len(items) <= index:
                raise Unsure("item not found")
            item = items[index][1]
        elif node.kind == "json":
            item = self._json_item(node, index)
        else:
            raise Unsure("not a sequence")
        return self._deref(item)

    def _seq_dashes(self, node: _Node) -> list[int]:
        dashes = self._dashes.get(node.start)
        if dashes is None:
            pattern = _dash_pattern(node.indent)
            dashes = [node.start]
            dashes.extend(m.start() + node.indent for m in pattern.finditer(self._text, self._line_end(node.start) + 1, node.end))
            self._dashes[node.start] = dashes
        return dashes

    def _seq_len(self, node: _Node) -> int:
        return len(self._seq_dashes(node))

    def _seq_item(self, node: _Node, index: int) -> _Node:
        dashes = self._seq_dashes(node)
        if index >= len(dashes):
            raise Unsure("item not found")
        dash = dashes[index]
        text = self._text
        pos = _SPACES.match(text, dash + 1).end()  # type: ignore[union-attr]
        if pos < len(text) and text[pos] not in "\r\n#":
            return self._node_at(pos, node.indent, False)
        return self._block_below(pos, node.indent, False)

    # JSON ------------------------------------------------------------------------------------
    def _json_entry(self, node: _Node, key: str) -> tuple[int, _Node] | None:
        index = self._json_keys.get(node.start)
        if index is None:
            index = self._json_keys[node.start] = self._json_object(node.start)
        hit = index.get(key)
        return None if hit is None else (hit[0], _Node("json", hit[1], hit[1], 0))

    def _json_object(self, start: int) -> dict[str, tuple[int, int]]:
        """Every key of a JSON object: key -> (key offset, value offset); values skipped by the C scanner."""
        text = self._text
        if text[start] != "{":
            raise Unsure("not an object")
        pos = _WS.match(text, start + 1).end()  # type: ignore[union-attr]
        index: dict[str, tuple[int, int]] = {}
        while text[pos] == '"':
            name, after = json.decoder.scanstring(text, pos + 1)
            colon = _WS.match(text, after).end()  # type: ignore[union-attr]
            vpos = _WS.match(text, colon + 1).end()  # type: ignore[union-attr]
            index[name] = (pos, vpos)  # the last of equal keys wins, as in orjson
            _, vend = _JSON_SCAN(text, vpos)
            pos = _WS.match(text, vend).end()  # type: ignore[union-attr]
            if text[pos] == ",":
                pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
        return index

    def _json_item(self, node: _Node, index: int) -> _Node:
        items = self._json_items.get(node.start)
        if items is None:
            items = self._json_items[node.start] = self._json_array(node.start)
        if index >= len(items):
            raise Unsure("item not found")
        return _Node("json", items[index], items[index], 0)

    def _json_array(self, start: int) -> list[int]:
        text = self._text
        if text[start] != "[":
            raise Unsure("not an array")
        pos = _WS.match(text, start + 1).end()  # type: ignore[union-attr]
        items: list[int] = []
        while text[pos] != "]":
            items.append(pos)
            _, vend = _JSON_SCAN(text, pos)
            pos = _WS.match(text, vend).end()  # type: ignore[union-attr]
            if text[pos] == ",":
                pos = _WS.match(text, pos + 1).end()  # type: ignore[union-attr]
        return items


_JSON_SCAN = json.scanner.py_make_scanner(json.JSONDecoder()) if json.scanner.c_make_scanner is None \
    else json.scanner.c_make_scanner(json.JSONDecoder())
_DOC_END = re.compile(r"^(?:---|\.\.\.)(?=[ \t\r\n]|\Z)", re.M)
_END0_SEQ = re.compile(r"^(?=[^ \t\r\n#-]|-[^ \t\r\n])", re.M)
_END_CACHE: dict[tuple[int, bool], re.Pattern[str]] = {}
_DASH_CACHE: dict[int, re.Pattern[str]] = {}


def _end_pattern(indent: int, seq: bool) -> re.Pattern[str]:
    pattern = _END_CACHE.get((indent, seq))
    if pattern is None:
        left = f"^ {{0,{indent - 1}}}(?=[^ \\t\\r\\n#])"
        same = f"|^ {{{indent}}}(?=[^ \\t\\r\\n#-]|-[^ \\t\\r\\n])" if seq else ""
        pattern = _END_CACHE[(indent, seq)] = re.compile(left + same, re.M)
    return pattern


_KEY_CACHE: dict[int, re.Pattern[str]] = {}


def _key_pattern(indent: int) -> re.Pattern[str]:
    """A key line of a block mapping at ``indent``: the key double-quoted (no escapes), single-quoted or plain."""
    pattern = _KEY_CACHE.get(indent)
    if pattern is None:
        pattern = _KEY_CACHE[indent] = re.compile(
            f"^ {{{indent}}}(?=[^ \\t\\r\\n#])(?:\"([^\"\\\\\\n]*)\"|'((?:[^'\\n]|'')*)'|([^\"'\\n][^\\n]*?))"
            "[ \\t]*:(?=[ \\t\\r\\n]|\\Z)", re.M)
    return pattern


def _dash_pattern(indent: int) -> re.Pattern[str]:
    pattern = _DASH_CACHE.get(indent)
    if pattern is None:
        pattern = _DASH_CACHE[indent] = re.compile(f"^ {{{indent}}}-(?=[ \\t\\r\\n]|\\Z)", re.M)
    return pattern


# flow collections ------------------------------------------------------------------------------

def _quoted_end(text: str, pos: int, limit: int) -> int | None:
    """Offset after the quoted scalar starting at ``pos``, or None if it does not close before ``limit``."""
    quote = text[pos]
    i = pos + 1
    while i < limit:
        ch = text[i]
        if quote == '"' and ch == "\\":
            i += 2
            continue
        if ch == quote:
            if quote == "'" and text[i + 1 : i + 2] == "'":
                i += 2
                continue
            return i + 1
        i += 1
    return None


def _flow_scalar_end(text: str, pos: int) -> int:
    """Offset after a plain or quoted scalar in a flow collection."""
    if text[pos] in "\"'":
        end = _quoted_end(text, pos, len(text))
        if end is None:
            raise Unsure("unclosed quote")
        return end
    i = pos
    n = len(text)
    while i < n:
        ch = text[i]
        if ch in ",[]{}":
            break
        if ch == ":" and (i + 1 >= n or text[i + 1] in " \t\r\n,[]{}"):
            break
        if ch == "#" and text[i - 1] in " \t":
            break
        if ch == "\n":
            after = _skip(text, i)
            if after < n and text[after] in ",]}":
                break  # the collection goes on (or closes) on a later line
            raise Unsure("multi-line plain scalar in a flow collection")
        i += 1
    while i > pos and text[i - 1] in " \t":
        i -= 1
    return i


def _skip(text: str, pos: int) -> int:
    n = len(text)
    while pos < n:
        ch = text[pos]
        if ch in " \t\r\n":
            pos += 1
        elif ch == "#" and (pos == 0 or text[pos - 1] in " \t\r\n"):
            nl = text.find("\n", pos)
            pos = n if nl == -1 else nl + 1
        else:
            break
    return pos


def _flow_value_end(text: str, pos: int) -> int:
    ch = text[pos]
    if ch in "[{":
        close = "]" if ch == "[" else "}"
        pos = _skip(text, pos + 1)
        while text[pos] != close:
            pos = _flow_value_end(text, pos)
            pos = _skip(text, pos)
            if text[pos] == ":":
                pos = _skip(text, pos + 1)
                if text[pos] not in ",]}":
                    pos = _flow_value_end(text, pos)
                pos = _skip(text, pos)
            if text[pos] == ",":
                pos = _skip(text, pos + 1)
            elif text[pos] != close:
                raise Unsure("flow syntax")
        return pos + 1
    if ch == "&":
        return _flow_value_end(text, _after_flow_anchor(text, pos))
    if ch in "!?":
        raise Unsure("tag or complex key in a flow collection")
    return _flow_scalar_end(text, pos)


def _after_flow_anchor(text: str, pos: int) -> int:
    end = pos + 1
    while end < len(text) and text[end] not in " \t\r\n[]{},":
        end += 1
    after = _skip(text, end)
    if text[after] in ",]}":
        raise Unsure("an anchored empty value")
    return after


def _flow_node(text: str, pos: int) -> _Node:
    """The node of a flow collection's value or item at ``pos``, an anchor's ``mark`` kept."""
    if text[pos] == "&":
        return replace(_flow_node(text, _after_flow_anchor(text, pos)), mark=pos)
    return _Node("flow" if text[pos] in "[{" else "scalar", pos, pos, 0)


def _flow_key_text(text: str, start: int, end: int) -> str:
    raw = text[start:end]
    if raw[:1] == '"':
        if "\\" in raw:
            raise Unsure("escaped quoted key")
        return raw[1:-1]
    if raw[:1] == "'":
        return raw[1:-1].replace("''", "'")
    return raw


def _flow_map_entry(text: str, start: int, key: str, loc: TextLocator) -> tuple[int, _Node] | None:
    pos = _skip(text, start + 1)
    found: tuple[int, _Node] | None = None
    while text[pos] != "}":
        kend = _flow_value_end(text, pos)
        name = _flow_key_text(text, pos, kend)
        after = _skip(text, kend)
        if text[after] == ":":
            vpos = _skip(text, after + 1)
            if text[vpos] in ",}":
                value = _Node("scalar", vpos, vpos, 0)
                vend = vpos
            else:
                value = _flow_node(text, vpos)
                vend = _flow_value_end(text, vpos) if text[vpos] != "*" else _flow_scalar_end(text, vpos)
        else:
            value, vend = _Node("scalar", pos, pos, 0), kend
        if name == key:
            found = (pos, value)
            return found
        pos = _skip(text, vend)
        if text[pos] == ",":
            pos = _skip(text, pos + 1)
        elif text[pos] != "}":
            raise Unsure("flow syntax")
    return found


def _flow_seq_items(text: str, start: int, loc: TextLocator, limit: int | None = None) -> list[tuple[int, _Node]]:
    pos = _skip(text, start + 1)
    items: list[tuple[int, _Node]] = []
    while text[pos] != "]":
        if limit is not None and len(items) >= limit:
            break
        items.append((pos, _flow_node(text, pos)))
        end = _flow_value_end(text, pos) if text[pos] != "*" else _flow_scalar_end(text, pos)
        pos = _skip(text, end)
        if text[pos] == ":":
            raise Unsure("a single-pair mapping in a flow sequence")
        if text[pos] == ",":
            pos = _skip(text, pos + 1)
        elif text[pos] != "]":
            raise Unsure("flow syntax")
    return items
