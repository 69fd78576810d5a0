"""Design paths to file positions, fast.

A finding points at a key of the design (``("hosts", "esx01", "vswitches", "vSwitch0",
"teaming", "policy")``).  :class:`vinfra.io.source_map.SourceMap` answers exactly, but parses
the whole file with ruamel.yaml's round-trip loader: about 75 s for a 9 MB design
(performance-notes), far beyond the budget of ``vinfra check`` on a large design.

:class:`TextLocator` answers the same question reading only what a path needs: block
mappings and sequences are indexed lazily by indentation, one level at a time over the lines
of the node being entered; flow collections (``{...}``, ``[...]``), and a JSON document as a
whole, by a small tokenizer.  Merge keys (``<<: *anchor``) and aliases are followed to their
anchor, like ruamel does, so an inherited key is located where the anchor defines it.  It
mirrors :meth:`SourceMap.locate` (``at="key"``): the deepest node of the path that exists,
its key's position, or a scalar's value position.  Whatever it does not understand (complex
keys, nested compact sequences, tabs) raises :class:`Unsupported` and the caller falls back
to the exact, slow SourceMap for that path.
"""

from __future__ import annotations

import bisect
import re
from collections.abc import Callable
from pathlib import Path as FsPath

from ..model import Inventory
from .finding import DesignPath, Location

Pos = tuple[int, int]  # 1-based line, column


class Unsupported(Exception):
    """A construct this locator does not handle: use the exact SourceMap."""


_TOKEN = re.compile(r"""
  (?P<ws>[ \t\r\n]+|\#[^\n]*)
 |(?P<dq>"(?:[^"\\]|\\.)*")
 |(?P<sq>'(?:[^']|'')*')
 |(?P<ind>[{}\[\],])
 |(?P<colon>:)
 |(?P<anchor>&[^\s,\[\]{}]+)
 |(?P<alias>\*[^\s,\[\]{}]+)
 |(?P<tag>![^\s,\[\]{}]*)
 |(?P<plain>(?:[^\s,\[\]{}:\#'"]|:(?=[^\s,\[\]{}]))(?:[^\s,\[\]{}:]|:(?=[^\s,\[\]{}])|[ \t]+(?=[^\s,\[\]{}:\#]|:(?=[^\s,\[\]{}])))*)
""", re.X)
#: JSON only: strings and brackets, to skip a nested collection without tokenizing its scalars
_JSON_SKIP = re.compile(r'"(?:[^"\\]|\\.)*"|[\[\]{}]')
_PLAIN_KEY_END = re.compile(r":(?=[ \t]|$)")


def _unquote(tok: str) -> str:
    if tok.startswith('"'):
        return re.sub(r"\\(.)", r"\1", tok[1:-1])
    if tok.startswith("'"):
        return tok[1:-1].replace("''", "'")
    return tok


class _Entry:
    """A child of a mapping or a sequence: where its key (or item) and value start."""

    __slots__ = ("alias", "key_pos", "node", "value_pos")

    def __init__(self, key_pos: Pos, value_pos: Pos | None, node: object | None, alias: str | None = None) -> None:
        self.key_pos = key_pos
        self.value_pos = value_pos
        self.node = node  # a _Block or _Flow for a container, None for a scalar
        self.alias = alias  # a value that is an alias (*name): the node is the anchor's


class _Node:
    """A mapping or sequence whose children are found on first use."""

    def __init__(self, doc: TextLocator) -> None:
        self.doc = doc
        self._children: dict[str | int, _Entry] | None = None
        self.merges: list[str] = []
        self.is_seq = False

    def children(self) -> dict[str | int, _Entry]:
        if self._children is None:
            self._children = self._index()
        return self._children

    def _index(self) -> dict[str | int, _Entry]:
        raise NotImplementedError

    def child(self, step: str | int, depth: int = 0) -> _Entry | None:
        if depth > 20:
            raise Unsupported("merge chain too deep")
        kids = self.children()
        key: str | int = step if self.is_seq else str(step)
        if self.is_seq and not isinstance(step, int):
            return None
        got = kids.get(key)
        if got is not None:
            return got
        for name in self.merges:
            src = self.doc.anchor_node(name)
            if src is not None:
                got = src.child(step, depth + 1)
                if got is not None:
                    return got
        return None


class _Block(_Node):
    """A block mapping or sequence: content lines ``[first, end)`` deeper than ``indent``, or
    a compact mapping that starts inside a sequence item's line (``inline``)."""

    def __init__(self, doc: TextLocator, first: int, end: int, indent: int, inline: Pos | None = None) -> None:
        super().__init__(doc)
        self.first, self.end, self.indent, self.inline = first, end, indent, inline

    def _index(self) -> dict[str | int, _Entry]:
        doc = self.doc
        lines = doc.lines
        starts: list[tuple[int, int]] = []  # (line index, column) of each child
        if self.inline is not None:
            line, col = self.inline
            c = col
            starts.append((line, col))
            self.is_seq = lines[line][col:].startswith(("- ", "-\t")) or lines[line][col:] == "-"
            scan_from = line + 1
        else:
            c = -1
            scan_from = self.first
            for i in range(self.first, self.end):
                text = lines[i]
                stripped = text.lstrip(" ")
                if not stripped or stripped.startswith("#"):
                    continue
                if "\t" in text[: len(text) - len(stripped)]:
                    raise Unsupported("tab indentation")
                c = len(text) - len(stripped)
                self.is_seq = stripped.startswith(("- ", "-\t")) or stripped == "-"
                break
            if c < 0:
                return {}
        prefix = " " * c
        for i in range(scan_from, self.end):
            text = lines[i]
            if not text.startswith(prefix) or len(text) <= c:
                continue
            ch = text[c]
            if ch in " #\t\r":
                continue
            is_item = ch == "-" and (len(text) == c + 1 or text[c + 1] in " \t")
            if self.is_seq != is_item:
                if self.is_seq and not is_item:
                    raise Unsupported("mapping key inside a block sequence")
                continue  # an indentless sequence item of the previous key
            if text.startswith(("---", "...")) and c == 0:
                continue
            starts.append((i, c))
        out: dict[str | int, _Entry] = {}
        for k, (line, col) in enumerate(starts):
            span_end = starts[k + 1][0] if k + 1 < len(starts) else self.end
            if self.is_seq:
                entry = self._item(line, col, span_end, c)
                out[k] = entry
            else:
                key, entry = self._pair(line, col, span_end, c)
                if key == "<<":
                    if entry.alias is not None:
                        self.merges.append(entry.alias)
                    elif isinstance(entry.node, _Node):
                        raise Unsupported("merge of an inline mapping")
                    continue
                out.setdefault(key, entry)
        return out

    def _pair(self, line: int, col: int, span_end: int, c: int) -> tuple[str, _Entry]:
        text = self.doc.lines[line]
        content = text[col:]
        if content[:1] in ('"', "'"):
            m = re.match(r'"(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\'', content)
            if m is None:
                raise Unsupported("multi-line quoted key")
            key = _unquote(m.group(0))
            after = content[m.end():]
            m2 = re.match(r"[ \t]*:(?=[ \t]|$)", after)
            if m2 is None:
                raise Unsupported("quoted key without ':'")
            rest_at = col + m.end() + m2.end()
        else:
            if content[:1] in "[{?&*!|>%@`":
                raise Unsupported("complex or decorated key")
            m = _PLAIN_KEY_END.search(content)
            if m is None or " #" in content[: m.start()]:
                raise Unsupported("not a key line")
            key = content[: m.start()].rstrip()
            rest_at = col + m.end()
        entry = self._value(line, col, rest_at, span_end, c)
        return key, entry

    def _item(self, line: int, col: int, span_end: int, c: int) -> _Entry:
        text = self.doc.lines[line]
        at = col + 1
        while at < len(text) and text[at] in " \t":
            at += 1
        rest = text[at:]
        if rest and not rest.startswith("#"):
            if rest.startswith(("- ", "-\t")) or rest == "-" or rest.startswith("? "):
                raise Unsupported("nested compact sequence")
            if rest[:1] not in "[{\"'&*!|>" and _PLAIN_KEY_END.search(rest) and " #" not in rest[: _PLAIN_KEY_END.search(rest).start()]:  # type: ignore[union-attr]
                # "- key: value": a compact mapping starting on the item's line
                node = _Block(self.doc, line + 1, span_end, at, inline=(line, at))
                return _Entry((line + 1, at + 1), (line + 1, at + 1), node)
            if rest[:1] in "\"'" and re.match(r'("(?:[^"\\]|\\.)*"|\'(?:[^\']|\'\')*\')[ \t]*:(?=[ \t]|$)', rest):
                node = _Block(self.doc, line + 1, span_end, at, inline=(line, at))
                return _Entry((line + 1, at + 1), (line + 1, at + 1), node)
        entry = self._value(line, col, col + 1, span_end, c)
        return _Entry(entry.value_pos or (line + 1, at + 1), entry.value_pos, entry.node, entry.alias)

    def _value(self, line: int, col: int, rest_at: int, span_end: int, c: int) -> _Entry:
        """The value after ``key:`` or ``-`` on ``line``, starting at column ``rest_at``."""
        doc = self.doc
        text = doc.lines[line]
        at = rest_at
        while at < len(text) and text[at] in " \t":
            at += 1
        alias = None
        # node properties: an anchor and/or a tag before the value
        while at < len(text) and text[at] in "&!":
            m = re.match(r"[&!][^\s,\[\]{}]*", text[at:])
            assert m is not None
            at += m.end()
            while at < len(text) and text[at] in " \t":
                at += 1
        rest = text[at:]
        key_pos = (line + 1, col + 1)
        if not rest or rest.startswith("#"):
            node = self._below(line, span_end, c)
            if node is None:
                return _Entry(key_pos, None, None)
            return _Entry(key_pos, None, node)
        value_pos = (line + 1, at + 1)
        if rest.startswith("*"):
            alias = re.match(r"\*([^\s,\[\]{}]+)", rest).group(1)  # type: ignore[union-attr]
            return _Entry(key_pos, value_pos, None, alias)
        if rest[0] in "[{":
            return _Entry(key_pos, value_pos, _Flow(doc, doc.line_starts[line] + at))
        return _Entry(key_pos, value_pos, None)

    def _below(self, line: int, span_end: int, c: int) -> _Block | None:
        """A block container on the lines after ``line`` (deeper, or an indentless sequence)."""
        lines = self.doc.lines
        for i in range(line + 1, span_end):
            text = lines[i]
            stripped = text.lstrip(" ")
            if not stripped or stripped.startswith("#"):
                continue
            ind = len(text) - len(stripped)
            if ind > c or (ind == c and not self.is_seq and (stripped.startswith(("- ", "-\t")) or stripped == "-")):
                return _Block(self.doc, line + 1, span_end, c)
            return None
        return None


class _Flow(_Node):
    """A flow mapping or sequence (or a whole JSON document) starting at ``offset``."""

    def __init__(self, doc: TextLocator, offset: int) -> None:
        super().__init__(doc)
        self.offset = offset
        self.is_seq = doc.text[offset] == "["

    def _index(self) -> dict[str | int, _Entry]:
        doc = self.doc
        pos = self.offset + 1
        out: dict[str | int, _Entry] = {}
        close = "]" if self.is_seq else "}"
        index = 0
        while True:
            tok, kind, start, pos = doc.token(pos)
            if tok == close:
                return out
            if tok == ",":
                continue
            if self.is_seq:
                entry, pos = self._flow_value(tok, kind, start, pos, None)
                out[index] = _Entry(entry.value_pos or doc.pos(start), entry.value_pos, entry.node, entry.alias)
                index += 1
                continue
            while kind in ("anchor", "tag"):
                tok, kind, start, pos = doc.token(pos)
            if kind not in ("dq", "sq", "plain"):
                raise Unsupported("complex flow key")
            key = _unquote(tok)
            key_pos = doc.pos(start)
            tok2, kind2, _, pos2 = doc.token(pos)
            if kind2 != "colon":
                out.setdefault(key, _Entry(key_pos, None, None))  # a key without a value
                if tok2 == close:
                    return out
                pos = pos2
                continue
            tok, kind, start, pos = doc.token(pos2)
            if tok in (",", close):
                out.setdefault(key, _Entry(key_pos, None, None))
                if tok == close:
                    return out
                continue
            entry, pos = self._flow_value(tok, kind, start, pos, key_pos)
            if key == "<<":
                if entry.alias is None:
                    raise Unsupported("merge of an inline mapping")
                self.merges.append(entry.alias)
                continue
            out.setdefault(key, entry)

    def _flow_value(self, tok: str, kind: str, start: int, pos: int, key_pos: Pos | None) -> tuple[_Entry, int]:
        doc = self.doc
        while kind in ("anchor", "tag"):  # anchors are found by name when an alias needs them
            tok, kind, start, pos = doc.token(pos)
        value_pos = doc.pos(start)
        kp = key_pos or value_pos
        if kind == "alias":
            return _Entry(kp, value_pos, None, tok[1:]), pos
        if tok in ("[", "{"):
            node = _Flow(doc, start)
            return _Entry(kp, value_pos, node), doc.skip(start)
        if kind in ("dq", "sq", "plain"):
            return _Entry(kp, value_pos, None), pos
        raise Unsupported(f"unexpected {tok!r} in a flow collection")


class TextLocator:
    """Locates design paths in the text of a YAML (block or flow) or JSON design."""

    def __init__(self, text: str) -> None:
        self.text = text
        self.lines = text.split("\n")
        starts = [0]
        acc = 0
        for line in self.lines[:-1]:
            acc += len(line) + 1
            starts.append(acc)
        self.line_starts = starts
        self._anchor_nodes: dict[str, _Node | None] = {}
        self.json = False
        self.root = self._root()

    # plumbing ---------------------------------------------------------------------------
    def pos(self, offset: int) -> Pos:
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line + 1, offset - self.line_starts[line] + 1

    def line_col0(self, offset: int) -> tuple[int, int]:
        line = bisect.bisect_right(self.line_starts, offset) - 1
        return line, offset - self.line_starts[line]

    def token(self, pos: int) -> tuple[str, str, int, int]:
        """The next significant token at or after ``pos``: (text, kind, start, end)."""
        text = self.text
        while True:
            m = _TOKEN.match(text, pos)
            if m is None:
                if pos >= len(text):
                    raise Unsupported("unterminated flow collection")
                raise Unsupported(f"cannot read {text[pos:pos + 20]!r}")
            kind = m.lastgroup or ""
            if kind != "ws":
                return m.group(0), kind, m.start(), m.end()
            pos = m.end()

    def skip(self, start: int) -> int:
        """The offset just past the flow collection opening at ``start``."""
        depth = 0
        if self.json:
            for m in _JSON_SKIP.finditer(self.text, start):
                t = m.group(0)
                if t in "[{":
                    depth += 1
                elif t in "]}":
                    depth -= 1
                    if depth == 0:
                        return m.end()
            raise Unsupported("unterminated JSON collection")
        pos = start
        while True:
            tok, kind, _, pos = self.token(pos)
            if kind == "ind" and tok in "[{":
                depth += 1
            elif kind == "ind" and tok in "]}":
                depth -= 1
                if depth == 0:
                    return pos

    def anchor_node(self, name: str) -> _Node | None:
        if name in self._anchor_nodes:
            return self._anchor_nodes[name]
        node = self._find_anchor(name)
        self._anchor_nodes[name] = node
        return node

    def _find_anchor(self, name: str) -> _Node | None:
        m = re.search(r"&" + re.escape(name) + r"(?=[\s,\]}]|$)", self.text)
        if m is None:
            return None
        line, _ = self.line_col0(m.start())
        text = self.lines[line]
        at = m.end() - self.line_starts[line]
        while at < len(text) and text[at] in " \t":
            at += 1
        rest = text[at:]
        if rest and rest[0] in "[{":
            return _Flow(self, self.line_starts[line] + at)
        if rest and not rest.startswith("#"):
            raise Unsupported("anchored compact node")
        indent = len(text) - len(text.lstrip(" "))
        end = len(self.lines)
        for i in range(line + 1, len(self.lines)):
            t = self.lines[i]
            s = t.lstrip(" ")
            if s and not s.startswith("#") and len(t) - len(s) <= indent:
                end = i
                break
        return _Block(self, line + 1, end, indent)

    def _root(self) -> _Node:
        for i, text in enumerate(self.lines):
            s = text.strip()
            if not s or s.startswith("#") or s.startswith("%") or s == "---":
                continue
            if s[0] in "{[":
                # strict JSON lets a nested collection be skipped by its strings and brackets alone
                self.json = re.match(r'\s*[{\[]\s*["{\[\]}]', self.text[self.line_starts[i]:self.line_starts[i] + 4096]) is not None
                return _Flow(self, self.line_starts[i] + text.index(s[0]))
            return _Block(self, i, len(self.lines), -1)
        return _Block(self, 0, 0, -1)

    # the question -------------------------------------------------------------------------
    def locate(self, path: DesignPath) -> Pos:
        """1-based (line, column) of the key at ``path`` (as :meth:`SourceMap.locate` with
        ``at="key"``): the deepest existing node's key, or a scalar's value."""
        node: _Node | None = self.root
        best: Pos = (1, 1)
        for i, step in enumerate(path):
            if node is None:
                return best
            entry = node.child(step)
            if entry is None:
                return best
            target = entry.node
            if entry.alias is not None:
                target = self.anchor_node(entry.alias)
            last = i == len(path) - 1
            if node.is_seq or last or target is not None:
                best = entry.key_pos
            else:
                best = entry.value_pos or entry.key_pos
            node = target
        return best


def locator_for(inv: Inventory) -> Callable[[DesignPath], Location]:
    """A function from design path to :class:`Location` for one run.

    Reads the design file once, on first use, and answers with :class:`TextLocator`; a path it
    cannot follow falls back to the inventory's exact locator (one ruamel parse, kept).
    """
    source = inv.source
    state: dict[str, TextLocator | None] = {}

    def fast() -> TextLocator | None:
        if "fast" not in state:
            try:
                text = FsPath(source).read_text(encoding="utf-8") if source else None
                state["fast"] = TextLocator(text) if text is not None else None
            except (OSError, UnicodeDecodeError, Unsupported, IndexError):
                state["fast"] = None
        return state["fast"]

    def locate(path: DesignPath) -> Location:
        if not path or source is None:
            return Location(source)
        pos: Pos | None = None
        loc = fast()
        if loc is not None:
            try:
                pos = loc.locate(path)
            except (Unsupported, IndexError, AttributeError):
                pos = None
        if pos is None:
            try:
                pos = inv.locate(path, "key")
            except Exception:  # a location is a courtesy: never let it break the report
                pos = None
        return Location(source, pos[0] if pos else None, pos[1] if pos else None)

    return locate
