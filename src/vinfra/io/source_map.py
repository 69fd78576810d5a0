"""Line and column of a key or value in a YAML or JSON design.

Parsing with marks is slow (ruamel.yaml round-trip: about 75 s for a 9 MB design, see
performance-notes), so a :class:`SourceMap` is built only when something must be located:
an error, or a finding that points into the file.  ruamel.yaml's round-trip loader keeps
the marks of every key, value and sequence item, and follows merge keys (``<<``), so a key
inherited from an anchor is located where the anchor defines it.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from ruamel.yaml.comments import CommentedMap

# ruamel.yaml is imported on use: a design that loads and needs nothing located never pays for it (a tenth of
# a second of every command's start-up, issue 9)

Path = tuple[str | int, ...]


class SourceMap:
    """Locates paths (``("hosts", "esx01", "nics")``) in one parsed document."""

    def __init__(self, text: str) -> None:
        from ruamel.yaml import YAML

        yaml = YAML(typ="rt")
        yaml.version = (1, 2)  # type: ignore[assignment]
        yaml.allow_duplicate_keys = True  # duplicates are reported by the fast parser
        self._root: Any = yaml.load(text)

    def locate(self, path: Path, at: str = "key") -> tuple[int, int] | None:
        """1-based (line, column) of the key (``at="key"``) or value at ``path``.

        A path that leaves the document stops at the deepest node that exists, so an error
        about a missing key points at the mapping that lacks it.
        """
        from ruamel.yaml.comments import CommentedMap, CommentedSeq

        node = self._root
        best: tuple[int, int] | None = (1, 1)
        for i, step in enumerate(path):
            last = i == len(path) - 1
            if isinstance(node, CommentedMap):
                found = _map_lookup(node, step)
                if found is None:
                    return best
                owner, key = found
                pos = owner.lc.key(key) if (last and at == "key") else owner.lc.value(key)
                if (last and at == "key") or not isinstance(owner[key], (CommentedMap, CommentedSeq)):
                    best = _one_based(pos)
                else:
                    best = _one_based(owner.lc.key(key))
                node = owner[key]
            elif isinstance(node, CommentedSeq):
                if not isinstance(step, int) or not 0 <= step < len(node):
                    return best
                best = _one_based(node.lc.item(step))
                node = node[step]
            else:
                return best
        return best


def _one_based(pos: Any) -> tuple[int, int] | None:
    if pos is None:
        return None
    line, col = pos
    return line + 1, col + 1


def _map_lookup(node: CommentedMap, step: str | int) -> tuple[CommentedMap, Any] | None:
    from ruamel.yaml.comments import CommentedMap

    candidates: list[Any] = [step]
    if isinstance(step, int):
        candidates.append(str(step))
    elif isinstance(step, str) and step.isascii() and step.lstrip("-").isdigit():  # not "²"
        candidates.append(int(step))
    marks = node.lc.data or {}  # an empty flow mapping `{}` has no marks at all
    for key in candidates:
        if key in marks:
            return node, key
    # a key inherited through a merge key: find the mapping that defines it
    for source in getattr(node, "merge", []) or []:
        mapping = source[1] if isinstance(source, tuple) else source
        if isinstance(mapping, CommentedMap):
            found = _map_lookup(mapping, step)
            if found is not None:
                return found
    return None
