"""The base of every model class: frozen, strict about unknown keys."""

from __future__ import annotations

import ipaddress
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer


class Spec(BaseModel):
    """A frozen piece of the design; unknown keys are errors (topology-v1, Conventions)."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=False, populate_by_name=True)


_MAC_RE = re.compile(r"^[0-9a-f]{2}([:-]?)[0-9a-f]{2}(\1[0-9a-f]{2}){4}$")
_MAC_DOT_RE = re.compile(r"^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$")


def _mac(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"expected a MAC address string, got {value!r}")
    text = value.strip().lower()
    if _MAC_DOT_RE.match(text):
        digits = text.replace(".", "")
    elif _MAC_RE.match(text):
        digits = text.replace(":", "").replace("-", "")
    else:
        raise ValueError(f"invalid MAC address {value!r}")
    return ":".join(digits[i : i + 2] for i in range(0, 12, 2))


def _ipv4_interface(value: Any) -> ipaddress.IPv4Interface:
    if isinstance(value, ipaddress.IPv4Interface):
        return value
    if not isinstance(value, str) or "/" not in value:
        raise ValueError(f"expected an address with prefix length like 10.0.10.2/24, got {value!r}")
    try:
        return ipaddress.IPv4Interface(value)
    except ValueError as exc:
        raise ValueError(f"invalid address {value!r}: {exc}") from None


def _ipv4_address(value: Any) -> ipaddress.IPv4Address:
    if isinstance(value, ipaddress.IPv4Address):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected an IPv4 address, got {value!r}")
    try:
        return ipaddress.IPv4Address(value)
    except ValueError:
        raise ValueError(f"invalid IPv4 address {value!r}") from None


Mac = Annotated[str, BeforeValidator(_mac)]
IPv4If = Annotated[ipaddress.IPv4Interface, BeforeValidator(_ipv4_interface), PlainSerializer(str)]
IPv4Addr = Annotated[ipaddress.IPv4Address, BeforeValidator(_ipv4_address), PlainSerializer(str)]


def _unique(items: list[Any]) -> list[Any]:
    seen: set[Any] = set()
    for item in items:
        if item in seen:
            raise ValueError(f"{item!r} is listed twice")
        seen.add(item)
    return items


UniqueStrList = Annotated[list[str], AfterValidator(_unique)]
Mtu = Annotated[int, Field(ge=68, le=9216)]
Speed = Annotated[int, Field(gt=0, le=800_000)]
