"""Loading a design file: fast on the common path, precise on the error path.

Measured (performance-notes): on a 9 MB design, ruamel.yaml round-trip takes ~75 s, PyYAML's
libyaml ~11 s, yaml-rs ~0.6 s, orjson (JSON) ~0.2 s.  So the loader parses YAML with yaml-rs
(YAML 1.2 core schema: ``yes``/``no``/``on``/``off`` are strings, ``true``/``false`` booleans)
and JSON with orjson, resolves merge keys itself (yaml-rs returns ``<<`` as a plain key), and
validates.  Only when something is wrong does it parse again with ruamel.yaml, which keeps
line and column marks, to point every error at its key or value (:mod:`vinfra.io.source_map`).
"""

from __future__ import annotations

import gc
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path as FsPath
from typing import Any

import orjson
import yaml_rs

from ..model.inventory import Inventory, Problem, build_inventory
from .errors import DesignError, Diagnostic
from .source_map import SourceMap

MERGE_KEY = "<<"
_YAML_POS_RE = re.compile(r"line (\d+), column (\d+)")


def parse_text(text: str, source: str = "<design>") -> Any:
    """Parse YAML 1.2 or JSON text into plain data with merge keys resolved."""
    if source.endswith(".json") or text.lstrip().startswith("{"):
        try:
            return orjson.loads(text)
        except orjson.JSONDecodeError as exc:
            if source.endswith(".json"):
                raise DesignError([Diagnostic(source, exc.lineno, exc.colno, f"invalid JSON: {exc.msg}")]) from None
            # flow-style YAML that merely starts with '{': fall through to the YAML parser
    try:
        # The core schema has no timestamps, and yaml-rs would turn even a quoted "12:30:45" or
        # "2024-01-01" into a time or date object; strings stay strings.
        data = yaml_rs.loads(text, parse_datetime=False)
    except yaml_rs.YAMLDecodeError as exc:
        raise DesignError([_yaml_diagnostic(text, source, exc)]) from None
    if MERGE_KEY in text:
        data = resolve_merge_keys(data)
    return data


def _yaml_diagnostic(text: str, source: str, exc: Exception) -> Diagnostic:
    message = str(exc)
    lines = [ln for ln in message.splitlines() if ln.strip() and not ln.lstrip().startswith(("|", "^")) and not ln.strip()[0].isdigit()]
    m = _YAML_POS_RE.search(message)
    detail = lines[-1].strip() if lines else message
    # The parser with marks says more: where the construct that failed began (an unclosed flow mapping
    # is only noticed lines later), and where a duplicate key is (the fast parser gives no position).
    marked = _marked_yaml_error(text)
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


def resolve_merge_keys(node: Any) -> Any:
    """Apply YAML merge keys: ``<<`` is a shallow merge in which written keys win.

    Copy on change: a mapping or list with no merge key below it is returned as it is, so a
    large design with one anchor costs a walk, not a copy of the whole tree (nothing downstream
    mutates parsed data)."""
    if isinstance(node, dict):
        if MERGE_KEY in node:
            return _merge(node)
        changed: dict[Any, Any] | None = None
        for key, value in node.items():
            if isinstance(value, (dict, list)):
                new = resolve_merge_keys(value)
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
                new = resolve_merge_keys(item)
                if new is not item:
                    if out is None:
                        out = list(node)
                    out[i] = new
        return node if out is None else out
    return node


def _merge(node: dict[Any, Any]) -> dict[Any, Any]:
    sources = node[MERGE_KEY]
    if isinstance(sources, dict):
        sources = [sources]
    merged: dict[Any, Any] = {}
    if isinstance(sources, list):
        # earlier sources win over later ones (YAML merge key spec)
        for src in reversed(sources):
            if isinstance(src, dict):
                merged.update(resolve_merge_keys(src))
    for key, value in node.items():
        if key != MERGE_KEY:
            merged[key] = resolve_merge_keys(value)
    return merged


def problems_to_diagnostics(problems: list[Problem], text: str | None, source: str) -> list[Diagnostic]:
    smap: SourceMap | None = None
    if text is not None and problems:
        try:
            smap = SourceMap(text)
        except Exception:
            smap = None
    out = []
    for p in problems:
        pos = smap.locate(p.path, p.at) if smap is not None else None
        where = _path_text(p.path)
        message = p.message if not where else f"{where}: {p.message}"
        out.append(Diagnostic(source, pos[0] if pos else None, pos[1] if pos else None, message))
    return out


def _path_text(path: tuple[Any, ...]) -> str:
    parts: list[str] = []
    for step in path:
        if isinstance(step, int):
            parts.append(f"[{step}]")
        else:
            parts.append(("." if parts else "") + str(step))
    return "".join(parts)


class _LazyLocator:
    """Builds the source map on first use (findings that point into the file)."""

    def __init__(self, path: FsPath) -> None:
        self._path = path
        self._map: SourceMap | None = None
        self._failed = False

    def __call__(self, path: tuple[Any, ...], at: str) -> tuple[int, int] | None:
        if self._map is None and not self._failed:
            try:
                self._map = SourceMap(self._path.read_text(encoding="utf-8"))
            except Exception:
                self._failed = True
        return self._map.locate(path, at) if self._map is not None else None


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


def load_text(text: str, source: str = "<design>") -> Inventory:
    with _gc_paused():
        data = parse_text(text, source)
        inv, problems = build_inventory(data)
        del data  # freed before the collector resumes: its first pass then skips the raw tree
    if problems or inv is None:
        raise DesignError(problems_to_diagnostics(problems, text, source))
    return inv


def load(path: str | FsPath) -> Inventory:
    """Load and validate a design file (YAML 1.2 or JSON); raise :class:`DesignError`."""
    fs_path = FsPath(path)
    source = str(path)
    try:
        text = fs_path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise DesignError([Diagnostic(source, None, None, "no such file")]) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise DesignError([Diagnostic(source, None, None, f"cannot read: {exc}")]) from None
    inv = load_text(text, source)
    inv.attach_source(source, _LazyLocator(fs_path))
    return inv


def from_data(data: Any, source: str = "<data>") -> Inventory:
    """Validate plain data (as the builder makes it); raise :class:`DesignError`."""
    with _gc_paused():
        inv, problems = build_inventory(data)
    if problems or inv is None:
        raise DesignError(problems_to_diagnostics(problems, None, source))
    return inv
