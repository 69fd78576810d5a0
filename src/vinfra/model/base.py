"""The base of every model class: frozen, strict about unknown keys."""

from __future__ import annotations

import functools
import ipaddress
import re
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, Field, PlainSerializer


class Spec(BaseModel):
    """A frozen piece of the design; unknown keys are errors (topology-v1, Conventions)."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=False, populate_by_name=True)


_MAC_RE = re.compile(r"^[0-9a-f]{2}([:-]?)[0-9a-f]{2}(\1[0-9a-f]{2}){4}$")
_MAC_DOT_RE = re.compile(r"^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$")
_MAC_CANONICAL_RE = re.compile(r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}")


def _mac(value: Any) -> str:
    # fast path: already in the canonical form this function returns (most MACs in a design)
    if type(value) is str and _MAC_CANONICAL_RE.fullmatch(value):
        return value
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


_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# dotted quad and prefix length, in exactly the spellings ipaddress accepts (no leading zeros)
_IPV4_PREFIX_RE = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}/(3[0-2]|[12]?[0-9])")


def _ipv4_interface(value: Any) -> ipaddress.IPv4Interface:
    if isinstance(value, ipaddress.IPv4Interface):
        return value
    # fast path: building from (int, prefix) skips ipaddress's string parsing, about 40% of the cost;
    # anything else takes the general path below, with its error messages
    m = _IPV4_PREFIX_RE.fullmatch(value) if type(value) is str else None
    if m is not None:
        a, b, c, d, prefix = m.groups()
        return ipaddress.IPv4Interface(((int(a) << 24) | (int(b) << 16) | (int(c) << 8) | int(d), int(prefix)))
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
    return _ipv4_address_text(value)


@functools.lru_cache(maxsize=8192)
def _ipv4_address_text(value: str) -> ipaddress.IPv4Address:
    # cached: a design repeats a few gateways and VIPs thousands of times; addresses are immutable
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
