"""References between sections: ``device:interface`` and failure names.

Device and interface names use letters, digits, ``-``, ``_``, ``.`` and ``/`` and never
contain ``--`` or ``:`` (topology-v1, Conventions), which is what makes ``a:b--c:d``
unambiguous as a link name.
"""

from __future__ import annotations

import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

from .base import shown

NAME_RE = re.compile(r"^[A-Za-z0-9_./-]+$")


def check_name(name: str, what: str = "name") -> str:
    if type(name) is str and name in _GOOD_NAMES:
        return name
    if not NAME_RE.match(name) or "--" in name:
        raise ValueError(
            f"invalid {what} {name!r}: use letters, digits, '-', '_', '.', '/' (never '--' or ':')"
        )
    if len(_GOOD_NAMES) >= 65536:
        _GOOD_NAMES.clear()  # bounded, whatever the designs a long-lived process reads
    _GOOD_NAMES.add(name)
    return name


# names that passed: a design names each device and interface many times (every cable end, every reference),
# and a set look-up costs a fifth of the match
_GOOD_NAMES: set[str] = set()


def check_label(name: str, what: str = "name") -> str:
    """A VM's, template's or port group's name: free text (``VM Network``), but one that addresses an
    endpoint (``web01:nic1``) and reads the same everywhere, so not empty, no ``:``, no surrounding
    spaces, and no control, format or bidirectional characters (which make two different names print
    alike)."""
    # fast path, most names: printable ASCII (no control, format or separator characters) with no ':' and
    # no space at either end
    if name.isascii() and name.isprintable() and ":" not in name and name[:1] != " " and name[-1:] != " " and name:
        return name
    if not name.strip():
        raise ValueError(f"invalid {what} {name!r}: a name is not empty")
    if ":" in name:
        raise ValueError(f"invalid {what} {name!r}: ':' separates a name from its NIC ('vm:nic1'), so no name holds one")
    if name != name.strip():
        raise ValueError(f"invalid {what} {name!r}: no spaces before or after a name")
    for ch in name:
        if unicodedata.category(ch) in ("Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"):
            raise ValueError(f"invalid {what} {name!r}: character U+{ord(ch):04X} "
                             f"({unicodedata.name(ch, 'a control character')}) is not allowed in a name")
    return name


@dataclass(frozen=True, slots=True, order=True)
class InterfaceRef:
    """``device:interface``, e.g. ``esx01:vmnic0`` or ``sw-a:Gi1/0/1``."""

    device: str
    interface: str
    # the hash, worked out once: references are dict keys everywhere in the network state (cabling, channels,
    # port ends), and a dataclass hashes a new tuple of its fields on every look-up; same value as that hash
    _hash: int = field(default=0, init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        object.__setattr__(self, "_hash", hash((self.device, self.interface)))

    def __hash__(self) -> int:
        return self._hash

    def __eq__(self, other: object) -> bool:
        if self is other:
            return True
        if other.__class__ is not InterfaceRef:
            return NotImplemented
        return self.device == other.device and self.interface == other.interface  # type: ignore[attr-defined]

    def __reduce__(self) -> tuple[type[InterfaceRef], tuple[str, str]]:
        # rebuilt from its fields: a string's hash differs between processes, so the kept one must not travel
        return (InterfaceRef, (self.device, self.interface))

    @classmethod
    def parse(cls, text: Any) -> InterfaceRef:
        if isinstance(text, InterfaceRef):
            return text
        if not isinstance(text, str):
            raise ValueError(f"expected 'device:interface', got {shown(text)}")
        device, sep, interface = text.partition(":")
        if not sep or not device or not interface:
            raise ValueError(f"expected 'device:interface', got {text!r}")
        check_name(device, "device name")
        check_name(interface, "interface name")
        return cls(device, interface)

    def __str__(self) -> str:
        return f"{self.device}:{self.interface}"

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="always"),
        )


@dataclass(frozen=True, slots=True, order=True)
class FailureRef:
    """A failed element: a device, an interface, or a link ``a:x--b:y`` (either order)."""

    kind: str  # "device" | "interface" | "link"
    device: str
    interface: InterfaceRef | None = None
    other: InterfaceRef | None = None

    @classmethod
    def parse(cls, text: Any) -> FailureRef:
        if isinstance(text, FailureRef):
            return text
        if not isinstance(text, str):
            raise ValueError(f"expected a device, 'device:interface' or a link 'a:x--b:y', got {shown(text)}")
        if "--" in text:
            left, _, right = text.partition("--")
            a, b = InterfaceRef.parse(left), InterfaceRef.parse(right)
            a, b = min(a, b), max(a, b)  # a link is named in either order
            return cls("link", a.device, a, b)
        if ":" in text:
            ref = InterfaceRef.parse(text)
            return cls("interface", ref.device, ref)
        check_name(text, "device name")
        return cls("device", text)

    def __str__(self) -> str:
        if self.kind == "link":
            return f"{self.interface}--{self.other}"
        if self.kind == "interface":
            return str(self.interface)
        return self.device

    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        return core_schema.no_info_plain_validator_function(
            cls.parse,
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="always"),
        )
