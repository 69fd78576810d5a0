"""Loading a design file: fast on the common path, precise on the error path.

Measured (performance-notes): on a 9 MB design, ruamel.yaml round-trip takes ~75 s, PyYAML's
libyaml ~11 s, yaml-rs ~0.6 s, orjson (JSON) ~0.2 s.  So the loader parses YAML with yaml-rs
(YAML 1.2 core schema: ``yes``/``no``/``on``/``off`` are strings, ``true``/``false`` booleans)
and JSON with orjson, resolves merge keys itself (yaml-rs returns ``<<`` as a plain key), and
validates.  What yaml-rs accepts silently but a design may not say (tags, directives, several
documents, recursive aliases, bad merge keys, control characters, JSON duplicate keys) is refused
first (:mod:`vinfra.io.yaml_strict`, :mod:`vinfra.io.source_text`).  Errors are located by
following each error's path through the text (:mod:`vinfra.io.locate`), so reporting one error
costs about what loading costs; ruamel.yaml (:mod:`vinfra.io.source_map`) answers only what that
locator cannot follow.
"""

from __future__ import annotations

import gc
import re
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path as FsPath
from typing import Any

import orjson
import yaml_rs

from ..model.inventory import SECTIONS, TOP_KEYS, Deferred, Inventory, Problem, build_inventory
from .errors import DesignError, Diagnostic
from .locate import _JSON_SCAN, TextLocator, Unsure
from .source_map import SourceMap
from .source_text import check_characters, decode_design, line_col
from .yaml_strict import strict_yaml_problems

MERGE_KEY = "<<"
_YAML_POS_RE = re.compile(r"line (\d+), column (\d+)")


def parse_text(text: str, source: str = "<design>", *, design: bool = True) -> Any:
    """Parse YAML 1.2 or JSON text into plain data with merge keys resolved; ``design=False`` for other
    files read the same way (a flow list), whose top level need not be a design's mapping."""
    return _parse(text, source, design)[0]


def _is_json(text: str, source: str) -> bool:
    return source.endswith(".json") or text.lstrip().startswith("{")


def _parse(text: str, source: str, design: bool = True) -> tuple[Any, bool]:
    """The data, merge keys resolved, and whether the text was JSON; raise :class:`DesignError`."""
    if _is_json(text, source):
        try:
            data = orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            if source.endswith(".json"):
                msg = exc.msg
                if "infinity" in msg:
                    msg = "number out of range (no setting takes a value this large)"
                raise DesignError([Diagnostic(source, exc.lineno, exc.colno, f"invalid JSON: {msg}")]) from None
            # flow-style YAML that merely starts with '{': fall through to the YAML parser
        else:
            duplicate = json_duplicate_key(text, data)
            if duplicate is not None:
                line, col = line_col(text, duplicate[0])
                raise DesignError([Diagnostic(source, line, col, f"invalid JSON: duplicate key {duplicate[1]!r} "
                                                                 "(a key is written once per object)")])
            return (_check_root(data, text, source) if design else data), True
    strict = strict_yaml_problems(text, source)
    if strict:
        raise DesignError(strict)
    try:
        # The core schema has no timestamps, and yaml-rs would turn even a quoted "12:30:45" or
        # "2024-01-01" into a time or date object; strings stay strings.
        data = yaml_rs.loads(text, parse_datetime=False)
    except yaml_rs.YAMLDecodeError as exc:
        raise DesignError([_yaml_diagnostic(text, source, exc)]) from None
    except ValueError as exc:  # an integer past Python's digit limit (int_max_str_digits)
        m = _HUGE_INT.search(text)
        line, col = line_col(text, m.start()) if m else (1, 1)
        raise DesignError([Diagnostic(source, line, col, "number out of range: an integer of thousands of digits "
                                                         f"(no setting takes a value this large) ({exc.__class__.__name__})")]) from None
    if design:
        data = _check_root(data, text, source)
    if MERGE_KEY in text:
        problems: list[Problem] = []
        try:
            resolved = resolve_merge_keys(data, problems)
        except RecursionError:
            raise DesignError([_too_deep(text, source)]) from None
        if problems:
            raise DesignError(problems_to_diagnostics(problems, text, source, data))
        data = resolved
    return data, False


def _too_deep(text: str, source: str) -> Diagnostic:
    """Nesting deeper than the loader follows: located at the most indented line."""
    deepest, offset = -1, 0
    for m in _INDENTED.finditer(text):
        if len(m.group(1)) > deepest:
            deepest, offset = len(m.group(1)), m.end()
    line, col = line_col(text, offset)
    return Diagnostic(source, line, col, "nested too deeply (hundreds of levels; a design is a few levels deep): "
                                         "remove the extra nesting")


_INDENTED = re.compile(r"^( *)(?=[^ \r\n#])", re.M)
_HUGE_INT = re.compile(r"[0-9]{4000,}")


def _check_root(data: Any, text: str, source: str) -> Any:
    if data is None:
        raise DesignError([Diagnostic(source, 1, 1, "the file holds no design (it is empty, or only comments and "
                                                    "document markers): a design is a mapping with at least a 'name' key")])
    if not isinstance(data, dict):
        m = re.search(r"^[ \t]*[^ \t\r\n#%]", text, re.M)
        line, col = line_col(text, m.end() - 1) if m else (1, 1)
        raise DesignError([Diagnostic(source, line, col, f"a design is a mapping with at least a 'name' key, not a "
                                                         f"{_kind(data)}")])
    return data


def _kind(value: Any) -> str:
    return {list: "list", str: "string", int: "number", float: "number", bool: "boolean"}.get(type(value), type(value).__name__)


def json_duplicate_key(text: str, data: Any) -> tuple[int, str] | None:
    """Offset and name of the first key written twice in one JSON object (orjson keeps the last silently).

    Fast and exact: outside strings, JSON has a colon only after each key, so the text's colons number
    the keys plus the colons inside strings; both are counted in the parsed data, where a duplicate is
    missing.  Only when the counts differ (or a colon is written as an escape) is the text walked."""
    if "\\u003a" not in text and "\\u003A" not in text and text.count(":") == _keys_and_colons(data):
        return None
    return _json_walk_duplicates(text)


def _keys_and_colons(node: Any) -> int:
    count = 0
    stack = [node]
    while stack:
        item = stack.pop()
        if type(item) is dict:
            count += len(item)
            for key, value in item.items():
                count += key.count(":")
                if type(value) is str:
                    count += value.count(":")
                elif type(value) is dict or type(value) is list:
                    stack.append(value)
        elif type(item) is list:
            for value in item:
                if type(value) is str:
                    count += value.count(":")
                elif type(value) is dict or type(value) is list:
                    stack.append(value)
    return count


_JSON_WS = re.compile(r"[ \t\r\n]*")


def _json_walk_duplicates(text: str) -> tuple[int, str] | None:
    import json.decoder

    def value(pos: int) -> tuple[int, tuple[int, str] | None]:
        ch = text[pos]
        if ch == "{":
            seen: set[str] = set()
            pos = _JSON_WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            while text[pos] == '"':
                key, after = json.decoder.scanstring(text, pos + 1)
                if key in seen:
                    return after, (pos, key)
                seen.add(key)
                pos = _JSON_WS.match(text, after).end() + 1  # type: ignore[union-attr]
                pos, found = value(_JSON_WS.match(text, pos).end())  # type: ignore[union-attr]
                if found is not None:
                    return pos, found
                pos = _JSON_WS.match(text, pos).end()  # type: ignore[union-attr]
                if text[pos] == ",":
                    pos = _JSON_WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            return pos + 1, None
        if ch == "[":
            pos = _JSON_WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            while text[pos] != "]":
                pos, found = value(pos)
                if found is not None:
                    return pos, found
                pos = _JSON_WS.match(text, pos).end()  # type: ignore[union-attr]
                if text[pos] == ",":
                    pos = _JSON_WS.match(text, pos + 1).end()  # type: ignore[union-attr]
            return pos + 1, None
        return _JSON_SCAN(text, pos)[1], None

    try:
        return value(_JSON_WS.match(text, 0).end())[1]  # type: ignore[union-attr]
    except (RecursionError, IndexError, ValueError, StopIteration):
        return None


def _yaml_diagnostic(text: str, source: str, exc: Exception) -> Diagnostic:
    message = str(exc).replace("recursion limit exceeded", "nested too deeply (more than about 250 levels; a design "
                                                           "is a few levels deep)")
    lines = [ln for ln in message.splitlines() if ln.strip() and not ln.lstrip().startswith(("|", "^")) and not ln.strip()[0].isdigit()]
    m = _YAML_POS_RE.search(message)
    detail = lines[-1].strip() if lines else message
    # The parser with marks says more: where the construct that failed began (an unclosed flow mapping
    # is only noticed lines later), and where a duplicate key is (the fast parser gives no position).
    # It is slow (a minute on a 10 MB design): on a large design the key is looked for in the text.
    dup = _DUP_RE.search(message)
    if dup and len(text) > _SMALL:
        offset = _duplicate_offset(text, dup.group(1))
        if offset is not None:
            line, column = line_col(text, offset)
            return Diagnostic(source, line, column, f"invalid YAML: {detail}")
    marked = _marked_yaml_error(text) if len(text) <= _SMALL or not m else None
    if m:
        line, column = int(m.group(1)), int(m.group(2))
        return Diagnostic(source, line, column, f"invalid YAML: {detail}{_context(marked, line, column)}")
    if marked is not None:
        mark = marked.problem_mark or marked.context_mark
        problem = (marked.problem or str(marked)).strip()
        if "duplicate key" in problem or "found duplicate key" in str(marked):
            problem = detail
        if mark is not None:
            return Diagnostic(source, mark.line + 1, mark.column + 1, f"invalid YAML: {problem}")
    return Diagnostic(source, 1, 1, f"invalid YAML: {detail}")


_SMALL = 1_000_000  # characters: ruamel.yaml reads this much in about a second
_DUP_RE = re.compile(r"duplicate mapping key: '(.*)'")


def _duplicate_offset(text: str, key: str) -> int | None:
    """Offset of the second of two equal keys in one block mapping, or None if the text does not show one."""
    pattern = re.compile(r"^( *)((?:- +)*)(?:" + "|".join((re.escape(key), f'"{re.escape(key)}"', f"'{re.escape(key)}'"))
                         + r")[ \t]*:(?=[ \t\r\n]|\Z)", re.M)
    flow = _flow_duplicate(text, key)
    if flow is not None:
        return flow
    last: dict[int, int] = {}
    for m in pattern.finditer(text):
        column = len(m.group(1)) + len(m.group(2))
        offset = m.start() + column
        prev = last.get(column)
        if prev is not None and not m.group(2):
            shallower = re.compile(f"^ {{0,{column - 1}}}[^ \\t\\r\\n#]", re.M) if column else _DOC_MARK
            if shallower.search(text, prev, m.start()) is None and not _item_between(text, prev, m.start(), column):
                return offset
        last[column] = offset
    return None


_DOC_MARK = re.compile(r"^(?:---|\.\.\.)", re.M)


def _flow_duplicate(text: str, key: str) -> int | None:
    """Offset of a key written twice in one flow mapping (``{a: 1, a: 2}``) on one line, or None."""
    from .locate import Unsure, _flow_key_text, _flow_value_end, _skip

    quoted = "|".join((re.escape(key), f'"{re.escape(key)}"', f"'{re.escape(key)}'"))
    lines: dict[int, int] = {}
    for m in re.finditer(r"[{,][ \t]*(?:" + quoted + r")[ \t]*:", text):
        start = text.rfind("\n", 0, m.start()) + 1
        lines[start] = lines.get(start, 0) + 1
    for start, count in lines.items():
        if count < 2:
            continue
        end = text.find("\n", start)
        for k in (i for i in range(start, end if end != -1 else len(text)) if text[i] == "{"):
            try:
                seen: set[str] = set()
                pos = _skip(text, k + 1)
                while text[pos] != "}":
                    kend = _flow_value_end(text, pos)
                    name = _flow_key_text(text, pos, kend)
                    if name == key and name in seen:
                        return pos
                    seen.add(name)
                    pos = _skip(text, kend)
                    if text[pos] == ":":
                        pos = _skip(text, pos + 1)
                        if text[pos] not in ",}":
                            pos = _skip(text, _flow_value_end(text, pos))
                    if text[pos] == ",":
                        pos = _skip(text, pos + 1)
                    elif text[pos] != "}":
                        break
            except (Unsure, IndexError):
                continue
    return None


def _item_between(text: str, start: int, end: int, column: int) -> bool:
    """Whether a sequence item at a column left of ``column`` starts between two offsets (a new mapping)."""
    return column >= 2 and re.compile(f"^[ -]{{0,{column - 2}}}- ", re.M).search(text, start, end) is not None


def _marked_yaml_error(text: str) -> Any:
    """ruamel.yaml's error for ``text`` (a ``MarkedYAMLError``), or None if it has none to give."""
    from ruamel.yaml import YAML
    from ruamel.yaml.error import MarkedYAMLError

    yaml = YAML(typ="rt")
    yaml.version = (1, 2)  # type: ignore[assignment]
    try:
        yaml.load(text)
    except MarkedYAMLError as marked:
        return marked
    except Exception:
        return None
    return None


def _context(marked: Any, line: int, column: int) -> str:
    """`` (while parsing a flow mapping that starts at line 4, column 11)`` when both parsers agree on
    where the error is and the construct it broke began elsewhere; else nothing."""
    if marked is None or not marked.context or marked.context_mark is None or marked.problem_mark is None:
        return ""
    problem, context = marked.problem_mark, marked.context_mark
    if (problem.line + 1, problem.column + 1) != (line, column) or (context.line, context.column) == (problem.line, problem.column):
        return ""
    return f" ({marked.context.strip()} that starts at line {context.line + 1}, column {context.column + 1})"


def resolve_merge_keys(node: Any, problems: list[Problem] | None = None, path: tuple[Any, ...] = ()) -> Any:
    """Apply YAML merge keys: ``<<`` is a shallow merge in which written keys win.

    A merge key takes a mapping or a list of mappings; anything else (``<<: 5``, ``<<: [1, 2]``,
    ``<<:`` with nothing, ``<<: *list_of_scalars``) is added to ``problems`` at its path.

    Copy on change: a mapping or list with no merge key below it is returned as it is, so a
    large design with one anchor costs a walk, not a copy of the whole tree (nothing downstream
    mutates parsed data)."""
    if problems is None:
        problems = []
    if isinstance(node, dict):
        if MERGE_KEY in node:
            return _merge(node, problems, path)
        changed: dict[Any, Any] | None = None
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                new = resolve_merge_keys(value, problems, path + (key,))
                if new is not value:
                    if changed is None:
                        changed = {}
                    changed[key] = new
        if changed is None:
            return node
        return {key: changed.get(key, value) for key, value in node.items()}
    if isinstance(node, list):
        out: list[Any] | None = None
        for i, item in enumerate(node):
            if isinstance(item, (dict, list)):
                new = resolve_merge_keys(item, problems, path + (i,))
                if new is not item:
                    if out is None:
                        out = list(node)
                    out[i] = new
        return node if out is None else out
    return node


def _merge(node: dict[Any, Any], problems: list[Problem], path: tuple[Any, ...]) -> dict[Any, Any]:
    sources = node[MERGE_KEY]
    here = path + (MERGE_KEY,)
    if isinstance(sources, dict):
        sources = [sources]
    merged: dict[Any, Any] = {}
    if not isinstance(sources, list) or not sources:
        problems.append(Problem(here, f"a merge key ('<<') takes a mapping or a list of mappings, got {_shown(sources)}"))
    else:
        for k, src in enumerate(sources):
            if not isinstance(src, dict):
                problems.append(Problem(here, f"a merge key ('<<') takes mappings; item {k + 1} is {_shown(src)}"))
        # earlier sources win over later ones (YAML merge key spec)
        for k in range(len(sources) - 1, -1, -1):
            src = sources[k]
            if isinstance(src, dict):
                merged.update(resolve_merge_keys(src, problems, here + (k,)))
    for key, value in node.items():
        if key != MERGE_KEY:
            merged[key] = resolve_merge_keys(value, problems, path + (key,))
    return merged


def _shown(value: Any) -> str:
    if value is None:
        return "nothing (null)"
    if isinstance(value, list):
        return "an empty list" if not value else "a list"
    if isinstance(value, int) and value.bit_length() > 128:
        # repr() refuses integers of more than 4,300 digits (CPython's int_max_str_digits)
        return f"{_kind(value)} of at least {int((value.bit_length() - 1) * 0.30103) + 1} digits"
    text = repr(value)
    return f"{_kind(value)} {text if len(text) <= 40 else text[:37] + '...'}"


class _Locator:
    """The fast :class:`TextLocator`, and the complete :class:`SourceMap` for what it cannot follow."""

    def __init__(self, text: str, data: Any, json_text: bool) -> None:
        self._text = text
        self._fast = TextLocator(text, data, json_text=json_text) if data is not None else None
        self._slow: SourceMap | None = None
        self._slow_failed = False

    def __call__(self, path: tuple[Any, ...], at: str = "key") -> tuple[int, int] | None:
        if self._fast is not None:
            try:
                return self._fast.locate(path, at)
            except (Unsure, IndexError, ValueError, RecursionError):
                pass
        if self._slow is None and not self._slow_failed:
            try:
                self._slow = SourceMap(self._text)
            except Exception:
                self._slow_failed = True
        if self._slow is None:
            return self._nearest(path)
        try:
            return self._slow.locate(path, at)
        except RecursionError:
            return None

    def _nearest(self, path: tuple[Any, ...]) -> tuple[int, int] | None:
        """Where the deepest enclosing key of ``path`` is, when neither locator can follow the whole path (as
        :meth:`SourceMap.locate` stops at the deepest node that exists): a key that yaml-rs read from two lines
        of a flow mapping (``{protocol: ospf, p<newline>assive_interfaces: ...}``), which ruamel.yaml refuses
        to parse, is reported at the key of the mapping that holds it."""
        if self._fast is None:
            return None
        for end in range(len(path) - 1, 0, -1):
            try:
                return self._fast.locate(path[:end], "key")
            except (Unsure, IndexError, ValueError, RecursionError):
                continue
        return None


def problems_to_diagnostics(problems: list[Problem], text: str | None, source: str, data: Any = None,
                            json_text: bool = False) -> list[Diagnostic]:
    """Diagnostics for ``problems``, located in ``text`` (``data`` is its parse, which guides the search)."""
    locate = _Locator(text, data, json_text) if text is not None and problems else None
    out = []
    for p in problems:
        pos = locate(p.path, p.at) if locate is not None else None
        where = _path_text(p.path)
        message = p.message if not where else f"{where}: {p.message}"
        out.append(Diagnostic(source, pos[0] if pos else None, pos[1] if pos else None, message))
    return out


def _path_text(path: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for step in path:
        if isinstance(step, int) and not isinstance(step, bool):
            parts.append(f"[{step}]")
        else:
            text = str(step)
            # an empty key, or one with control or bidirectional characters, is shown quoted and escaped
            if not text or not text.isprintable() or any(0x200B <= ord(ch) <= 0x206F or ord(ch) == 0xFEFF for ch in text):
                text = ascii(text)
            parts.append(("." if parts else "") + text)
    return "".join(parts)


class _LazyLocator:
    """Reads and parses the file again on first use (findings that point into the file)."""

    def __init__(self, path: FsPath) -> None:
        self._path = path
        self._locate: _Locator | None = None
        self._failed = False

    def __call__(self, path: tuple[Any, ...], at: str) -> tuple[int, int] | None:
        if self._locate is None and not self._failed:
            try:
                text = decode_design(self._path.read_bytes(), str(self._path))
                data, json_text = _parse(text, str(self._path))
                self._locate = _Locator(text, data, json_text)
            except Exception:
                self._failed = True
        return self._locate(path, at) if self._locate is not None else None


@contextmanager
def _gc_paused() -> Iterator[None]:
    """Pause the cyclic garbage collector while a design is built.

    Parsing and validating allocate about a million container objects that all stay alive,
    and the collector kept walking the growing heap while they were made: a third of the load
    time of a 2,500-host design (6.8 s -> 4.7 s).  Loading makes no cyclic garbage worth
    collecting early; the collector resumes afterwards and its first pass looks at the new
    objects once (about 0.4 s on that design, counted in the load time)."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if gc.get_freeze_count() == 0:
            # the design's objects go straight to the oldest generation: otherwise the first allocation after
            # enabling scans all of them as young objects (0.17 s at 500 hosts); freeze-then-unfreeze is the
            # only way to promote without a pass, and is skipped when someone else keeps objects frozen
            gc.freeze()
            gc.unfreeze()
        if enabled:
            gc.enable()


Progress = Callable[[str], None]


def _no_progress(_: str) -> None:
    pass


class _Unsplit(Exception):
    """A section parsed on its own did not parse cleanly: the whole text is parsed instead, which reports it."""


#: the lines at column 0 that are not blank, comments or sequence items: each must start a top-level key
_COLUMN_0 = re.compile(r"(?:[^ \t\r\n#-]|-[^ \t\r\n])[^\r\n]*")
_NEW_LINE_AT_0 = re.compile(r"\n(?=[^ \t\r\n#-]|-[^ \t\r\n])")  # a literal first: searched at C speed
_TOP_KEY = re.compile("(" + "|".join(TOP_KEYS) + r"):(?=[ \t\r\n]|\Z)")
_BLANK_LINES = re.compile(r"(?:[ \t]*(?:#[^\r\n]*)?(?:\r?\n|\Z))*")


def _sections(text: str) -> list[tuple[str, int, int]] | None:
    """(key, start, end) of each top-level key's lines, when the text can be parsed one key at a time with
    the same result as whole; else None.

    A line at column 0 of the form ``key:`` always begins a new top-level key (YAML ends any block scalar
    there, and a quoted or flow scalar running across it is an error, which a section parsed alone reports
    too).  What ties sections together is refused: anchors (so no aliases: there is no '&' in the text) and
    a key written twice; so is anything at column 0 but a known top-level key, a comment or a sequence item,
    and anything before the first key but blank lines and comments."""
    if "&" in text:
        return None
    starts: list[tuple[str, int]] = []
    seen: set[str] = set()
    first = _COLUMN_0.match(text)
    line_starts = ([0] if first is not None else []) + [m.end() for m in _NEW_LINE_AT_0.finditer(text)]
    for start in line_starts:
        key = _TOP_KEY.match(text, start)
        if key is None or key.group(1) in seen:
            return None
        seen.add(key.group(1))
        starts.append((key.group(1), start))
    if not starts or _BLANK_LINES.fullmatch(text, 0, starts[0][1]) is None:
        return None
    ends = [start for _, start in starts[1:]] + [len(text)]
    return [(key, start, end) for (key, start), end in zip(starts, ends, strict=True)]


def _section_value(text: str, key: str, start: int, end: int) -> Any:
    """The value of one top-level key, parsed from its own lines; raise :class:`_Unsplit` on any trouble."""
    chunk = text[start:end]
    try:
        parsed = yaml_rs.loads(chunk, parse_datetime=False)
    except Exception:
        raise _Unsplit from None
    if not isinstance(parsed, dict) or list(parsed) != [key]:
        raise _Unsplit
    value = parsed[key]
    if MERGE_KEY in chunk:
        problems: list[Problem] = []
        try:
            value = resolve_merge_keys(value, problems, (key,))
        except RecursionError:
            raise _Unsplit from None
        if problems:
            raise _Unsplit
    return value


def _by_sections(text: str, sections: list[tuple[str, int, int]]) -> dict[str, Any]:
    """The design's top level: the named sections (:data:`SECTIONS`) parsed when validation reaches each
    (:class:`Deferred`), the rest now."""
    data: dict[str, Any] = {}
    for key, start, end in sections:
        if key in SECTIONS:
            data[key] = Deferred(lambda key=key, start=start, end=end: _section_value(text, key, start, end))  # type: ignore[misc]
        else:
            data[key] = _section_value(text, key, start, end)
    return data


def _unconsumed(text: str, source: str, data: Any, json_text: bool, needed: set[Any]) -> Any:
    """``data`` with the consumed sections that problems point into parsed again, for the locator (which
    follows each problem's path through the data): only those sections where the text splits
    (:func:`_sections`), else the whole text."""
    if not needed:
        return data
    sections = None if json_text else _sections(text)
    if sections is not None:
        try:
            for key, start, end in sections:
                if key in needed:
                    data[key] = _section_value(text, key, start, end)
            return data
        except _Unsplit:
            pass
    return _parse(text, source)[0]


#: below this size (about 5,000 hosts) a design is parsed whole.  Parsing by sections costs 3-4% more CPU
#: (validate at 10,000 hosts: 6.4-6.6 -> 6.7 s) for a lower peak (1,162 -> 964 MiB); at 2,500 hosts (14 MB)
#: the peak was the same either way (334 MiB), so there the whole parse is cheaper
_SPLIT_ABOVE = 32_000_000


def load_text(text: str, source: str = "<design>", progress: Progress | None = None) -> Inventory:
    """Load and validate design text; ``progress`` hears each stage (``"parsing"``, ``"validating"``, ...).

    A large YAML design is parsed one top-level section at a time, each when validation reaches it, and
    each section's parsed items are freed as they are validated (``build_inventory(consume=True)``): at
    10,000 hosts the parsed tree alone is about 0.9 GB, and the whole tree and the whole model were alive
    together.  Only a text that parses the same either way is split (:func:`_sections`); any trouble with
    a section parsed alone, and any error found, and the whole text is parsed as before."""
    say = progress or _no_progress
    if text.startswith("\ufeff"):  # a UTF-8 byte order mark, as some editors write it
        text = text[1:]
    check_characters(text, source)
    with _gc_paused():
        say("parsing")
        inv: Inventory | None = None
        problems: list[Problem] | None = None
        data: Any = None
        json_text = False
        sections = _sections(text) if len(text) > _SPLIT_ABOVE and not _is_json(text, source) else None
        if sections is not None:
            strict = strict_yaml_problems(text, source)
            if strict:
                raise DesignError(strict)
            say("validating")
            try:
                data = _by_sections(text, sections)
                inv, problems = build_inventory(data, consume=True)
            except (_Unsplit, RecursionError):
                data = problems = inv = None
        if problems is None:
            data, json_text = _parse(text, source)
            if sections is None:
                say("validating")
            try:
                # consumed: the parsed tree is freed item by item as the model is built (peak memory)
                inv, problems = build_inventory(data, consume=True)
            except RecursionError:
                raise DesignError([_too_deep(text, source)]) from None
        if problems or inv is None:
            say(f"locating {len(problems)} error{'s' if len(problems) != 1 else ''}")
            data = _unconsumed(text, source, data, json_text, {p.path[0] for p in problems if p.path} & set(SECTIONS))
            raise DesignError(problems_to_diagnostics(problems, text, source, data, json_text))
        del data  # freed before the collector resumes: its first pass then skips the raw tree
    return inv


def load(path: str | FsPath, progress: Progress | None = None) -> Inventory:
    """Load and validate a design file (YAML 1.2 or JSON, UTF-8); raise :class:`DesignError`.
    ``progress`` hears each stage, for a display of long loads."""
    fs_path = FsPath(path)
    source = str(path)
    try:
        raw = fs_path.read_bytes()
    except FileNotFoundError:
        raise DesignError([Diagnostic(source, None, None, "no such file")]) from None
    except OSError as exc:
        raise DesignError([Diagnostic(source, None, None, f"cannot read: {exc.strerror or exc}")]) from None
    if progress is not None:
        progress("reading")
    text = decode_design(raw, source)
    del raw
    inv = load_text(text, source, progress)
    inv.attach_source(source, _LazyLocator(fs_path))
    return inv


def from_data(data: Any, source: str = "<data>") -> Inventory:
    """Validate plain data (as the builder makes it); raise :class:`DesignError`."""
    with _gc_paused():
        inv, problems = build_inventory(data)
    if problems or inv is None:
        raise DesignError(problems_to_diagnostics(problems, None, source))
    return inv
