"""Writing a design back out: the normalized model with every default filled in.

The export is ``inventory.model_dump(mode="json")``: names are the mapping keys (the ``name`` fields are
excluded), VLAN sets are strings (``"10,20-29"``, ``"all"``), interface and failure references are
``device:interface`` strings and links are ``{a, b, speed}``.  Loading an export gives back an equal
Inventory, so an export is also a valid design file (topology-v1).

YAML is written with ruamel.yaml in block style, keys in model order.  A string that a YAML 1.1 or
1.2 reader would take for something else (``on``, ``yes``, ``10``, ``3.5``, ``12:30``, ``null``) is
quoted, so older tools read the file the way we do.
"""

from __future__ import annotations

import functools
import io
import re
from pathlib import Path
from typing import Any, Literal

import orjson
from ruamel.yaml import YAML
from ruamel.yaml.nodes import ScalarNode
from ruamel.yaml.representer import RoundTripRepresenter
from ruamel.yaml.resolver import VersionedResolver

from ..model import Inventory
from .files import write_atomic

Format = Literal["json", "yaml"]
FORMATS: tuple[Format, ...] = ("json", "yaml")

_STR_TAG = "tag:yaml.org,2002:str"
_RESOLVERS = (VersionedResolver(version=(1, 1)), VersionedResolver(version=(1, 2)))
# The YAML 1.2 core schema's non-string plain scalars (what yaml-rs reads), in case ruamel's
# resolvers ever disagree with it.
_CORE_NON_STR = re.compile(
    r"^(?:null|Null|NULL|~|true|True|TRUE|false|False|FALSE"
    r"|[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+"
    r"|[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$"
)


def to_data(inv: Inventory) -> dict[str, Any]:
    """The design as plain JSON-compatible data, every default filled in."""
    return inv.model_dump(mode="json")


def to_json(inv: Inventory) -> str:
    return orjson.dumps(to_data(inv), option=orjson.OPT_INDENT_2).decode() + "\n"


@functools.lru_cache(maxsize=65536)  # names, modes and roles repeat across a large design
def _needs_quotes(text: str) -> bool:
    if text == "" or _CORE_NON_STR.match(text):
        return True
    return any(r.resolve(ScalarNode, text, (True, False)) != _STR_TAG for r in _RESOLVERS)


class _Representer(RoundTripRepresenter):
    """Round-trip representer (keeps key order) with explicit ``null`` and safe quoting."""

    def ignore_aliases(self, data: Any) -> bool:
        # an export spells everything out: never '&anchor' / '*alias', even for a shared object
        return True


_YAML_1_1_BREAKS = ("\x85", "\u2028", "\u2029")


def _represent_str(rep: _Representer, data: str) -> ScalarNode:
    if any(ch in data for ch in _YAML_1_1_BREAKS):
        # ruamel.yaml treats these as line breaks and indents after them in a single-quoted scalar; escaped
        # in double quotes (\N, \L, \P) they read back as written
        return rep.represent_scalar(_STR_TAG, data, style='"')
    style = "'" if _needs_quotes(data) and "\n" not in data else None
    return rep.represent_scalar(_STR_TAG, data, style=style)


def _represent_none(rep: _Representer, data: None) -> ScalarNode:
    return rep.represent_scalar("tag:yaml.org,2002:null", "null")


_Representer.add_representer(str, _represent_str)
_Representer.add_representer(type(None), _represent_none)


def to_yaml(inv: Inventory) -> str:
    return data_to_yaml(to_data(inv), f"{inv.name}: normalized by vinfra export, every default filled in (topology-v1)")


def data_to_yaml(data: dict[str, Any], header: str = "") -> str:
    """Plain design data (as an importer builds it) as YAML, written like an export (block style, safe
    quoting, no aliases) but holding only what the data says: defaults stay implicit."""
    yaml = YAML(typ="rt")
    yaml.Representer = _Representer
    yaml.default_flow_style = False
    yaml.width = 4096  # never fold long descriptions: a folded scalar is harder to diff
    yaml.indent(mapping=2, sequence=4, offset=2)
    buf = io.StringIO()
    for line in header.splitlines():
        buf.write(f"# {line}\n")
    yaml.dump(data, buf)
    return buf.getvalue()


def render(inv: Inventory, fmt: Format) -> str:
    if fmt == "json":
        return to_json(inv)
    if fmt == "yaml":
        return to_yaml(inv)
    raise ValueError(f"unknown export format {fmt!r}: expected one of {', '.join(FORMATS)}")


def format_for(path: str | Path | None, default: Format = "yaml") -> Format:
    """The format a file name asks for: ``.json`` is JSON, anything else the default."""
    if path is not None and Path(path).suffix.lower() == ".json":
        return "json"
    return default


def export(inv: Inventory, fmt: Format, path: str | Path | None = None) -> str:
    """Render ``inv`` as ``fmt``; write it atomically to ``path`` when given.  Returns the text."""
    text = render(inv, fmt)
    if path is not None:
        write_atomic(path, text)
    return text
