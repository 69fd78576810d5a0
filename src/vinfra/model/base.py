"""The base of every model class: frozen, strict about unknown keys."""

from __future__ import annotations

import functools
import ipaddress
import re
import socket
from contextvars import ContextVar
from typing import Annotated, Any

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    ModelWrapValidatorHandler,
    PlainSerializer,
    model_validator,
)


def shown(value: Any, limit: int = 60) -> str:
    """``repr(value)`` for a message: an integer of thousands of digits (which ``repr`` refuses past 4,300)
    is described, and long text is shortened in the middle."""
    if isinstance(value, int) and not isinstance(value, bool) and value.bit_length() > 3 * limit:
        return f"an integer of about {int(value.bit_length() * 0.30103) + 1} digits"
    text = repr(value)
    if len(text) <= limit:
        return text
    return f"{text[: limit // 2]}...{text[-10:]} ({len(text)} characters)"


class Spec(BaseModel):
    """A frozen piece of the design; unknown keys are errors (topology-v1, Conventions).

    No number is infinite or NaN (``.inf``, ``.nan``, ``1e400`` in YAML): no setting means it, and JSON
    cannot write it back (an export wrote ``null``)."""

    model_config = ConfigDict(frozen=True, extra="forbid", validate_default=False, populate_by_name=True,
                              allow_inf_nan=False)


class SharedSpec(Spec):
    """A small block of settings that a design writes the same way thousands of times (``cpu: {vcpus: 4}``
    on every VM, ``{vlan: 102}`` on every host's port group): the same spelling is validated once and gives
    the same frozen object, not a new object, dict and field set each time (a sixth of a 10,000-host
    design's model, and their page faults).

    Only for classes with no private attributes and no validators of their own; only an input of scalar
    values (strings, numbers, booleans, nulls) is shared, keyed by class, key, exact type and value (so
    ``1``, ``1.0`` and ``true``, or ``0.0`` and ``-0.0``, stay apart): validating it again would give an
    equal object, and a frozen one cannot change."""

    def __init__(self, /, **data: Any) -> None:
        # the constructor validates into this new object itself: handing back a shared one would leave it empty
        token = _CONSTRUCTING.set(True)
        try:
            super().__init__(**data)
        finally:
            _CONSTRUCTING.reset(token)

    @model_validator(mode="wrap")
    @classmethod
    def _one_per_spelling(cls, data: Any, handler: ModelWrapValidatorHandler[Any]) -> Any:
        if type(data) is not dict or _CONSTRUCTING.get():
            return handler(data)
        shared_key: tuple[Any, ...] = (cls,)
        for k, v in data.items():
            t = type(v)
            # a float is keyed by value (equal floats are the same number) but for zero, whose sign only its
            # spelling keeps (0.0 == -0.0): repr() of every float was a third of the key's cost
            if t is str or t is int or t is bool or v is None or (t is float and v):
                shared_key += (k, t, v)
            elif t is float:
                shared_key += (k, t, repr(v))
            else:
                return handler(data)
        got = _SHARED.get(shared_key)
        if got is None:
            got = handler(data)
            if len(_SHARED) >= _SHARED_MAX:
                _SHARED.clear()  # bounded: a design of unique blocks (every NIC its MAC) must not grow it forever
            _SHARED[shared_key] = got
        return got


_SHARED: dict[tuple[Any, ...], Any] = {}
_CONSTRUCTING: ContextVar[bool] = ContextVar("_CONSTRUCTING", default=False)
_SHARED_MAX = 8192


_MAC_RE = re.compile(r"^[0-9a-f]{2}([:-]?)[0-9a-f]{2}(\1[0-9a-f]{2}){4}$")
_MAC_DOT_RE = re.compile(r"^[0-9a-f]{4}\.[0-9a-f]{4}\.[0-9a-f]{4}$")
_MAC_CANONICAL_RE = re.compile(r"[0-9a-f]{2}(?::[0-9a-f]{2}){5}")


def _mac(value: Any) -> str:
    """A NIC's own MAC address, canonical (``00:50:56:01:02:03``): unicast, not all zeros.

    A broadcast or multicast address (the I/G bit, the low bit of the first octet) is never a
    port's own address: frames to it flood, and one sent from it is dropped by switches."""
    # fast path: already in the canonical form this function returns (most MACs in a design)
    if type(value) is str and _MAC_CANONICAL_RE.fullmatch(value):
        # a unicast address (the first octet even) and not all zeros is what _unicast passes, told without the call
        if value[1] in "02468ace" and value != "00:00:00:00:00:00":
            return value
        return _unicast(value)
    if not isinstance(value, str):
        raise ValueError(f"expected a MAC address string, got {shown(value)}")
    text = value.strip().lower()
    if _MAC_DOT_RE.match(text):
        digits = text.replace(".", "")
    elif _MAC_RE.match(text):
        digits = text.replace(":", "").replace("-", "")
    else:
        raise ValueError(f"invalid MAC address {value!r}")
    return _unicast(":".join(digits[i : i + 2] for i in range(0, 12, 2)))


def _unicast(mac: str) -> str:
    if int(mac[:2], 16) & 1:
        kind = "the broadcast" if mac == "ff:ff:ff:ff:ff:ff" else "a multicast"
        raise ValueError(f"{kind} MAC address is not a NIC's own: a NIC's MAC is unicast (the first octet is even)")
    if mac == "00:00:00:00:00:00":
        raise ValueError("the all-zeros MAC address is no NIC's")
    return mac


_OCTET = r"(25[0-5]|2[0-4][0-9]|1[0-9][0-9]|[1-9]?[0-9])"
# dotted quad and prefix length, in exactly the spellings ipaddress accepts (no leading zeros)
_IPV4_PREFIX_RE = re.compile(rf"{_OCTET}\.{_OCTET}\.{_OCTET}\.{_OCTET}/(3[0-2]|[12]?[0-9])")


def _ipv4_interface(value: Any) -> ipaddress.IPv4Interface:
    """A port's own address and prefix: an address a host can hold (:func:`_host_address`)."""
    if isinstance(value, ipaddress.IPv4Interface):
        return value
    # fast path: building from (int, prefix) skips ipaddress's string parsing, about 40% of the cost;
    # anything else takes the general path below, with its error messages
    if type(value) is str and _IPV4_PREFIX_RE.fullmatch(value) is not None:
        # the text is exactly a dotted quad and a prefix length (checked above), which inet_aton reads in C
        address, _, prefix_text = value.partition("/")
        addr, prefix = _from_bytes(_inet_aton(address)), int(prefix_text)
        host_bits = addr & _HOSTMASKS[prefix]
        if (0x01000000 <= addr < 0x7F000000 or 0x80000000 <= addr < _MULTICAST_AND_RESERVED) and (
                prefix > 30 or (prefix and 0 < host_bits < _HOSTMASKS[prefix])):
            # most addresses: a host address of a unicast subnet, none of what _host_address refuses, told
            # without its checks one by one
            return _interface(addr, prefix)
        return _host_address(addr, prefix)
    if not isinstance(value, str) or "/" not in value:
        raise ValueError(f"expected an address with prefix length like 10.0.10.2/24, got {shown(value)}")
    try:
        iface = ipaddress.IPv4Interface(value)
    except ValueError as exc:
        raise ValueError(f"invalid address {value!r}: {exc}") from None
    return _host_address(int(iface.ip), iface.network.prefixlen)


_inet_aton = socket.inet_aton
_from_bytes = int.from_bytes  # big-endian, the network order inet_aton gives
_MULTICAST_AND_RESERVED = 0xE0000000  # 224.0.0.0/4 multicast, 240.0.0.0/4 reserved, 255.255.255.255


def _host_address(addr: int, prefix: int) -> ipaddress.IPv4Interface:
    """Refuse what cannot be a port's address: 0.0.0.0/8 ("this network"), 127/8 (loopback), multicast,
    reserved and broadcast addresses, a /0 prefix, and the network or broadcast address of its own subnet
    (allowed only on /31 point-to-point links and /32 host routes, RFC 3021)."""
    first = addr >> 24
    if first == 0:
        raise ValueError("0.0.0.0/8 is 'this network', not an address a port can hold")
    if first == 127:
        raise ValueError("a loopback address (127.0.0.0/8) is not one a port on the network can hold")
    if addr >= _MULTICAST_AND_RESERVED:
        kind = "the broadcast address" if addr == 0xFFFFFFFF else (
            "a multicast address" if addr < 0xF0000000 else "a reserved (class E) address")
        raise ValueError(f"{kind} is not an address a port can hold")
    if prefix == 0:
        raise ValueError("a /0 prefix is every address, not a subnet; write the subnet's prefix length")
    if prefix <= 30:
        host_bits = (1 << (32 - prefix)) - 1
        if addr & host_bits == 0:
            raise ValueError("the network address of its subnet is not a host address; a port needs a host address")
        if addr & host_bits == host_bits:
            raise ValueError("the broadcast address of its subnet is not a host address; a port needs a host address")
    return _interface(addr, prefix)


def _interface(addr: int, prefix: int) -> ipaddress.IPv4Interface:
    """``IPv4Interface((addr, prefix))``, built around one shared network object per subnet.

    The constructor builds a network (itself an object, a dict and an address) for every interface:
    a design's ports share a few thousand subnets, so at 10,000 hosts that was 188,000 networks, a fifth
    of the time spent building addresses.  The attributes are the ones the constructor sets, in its order
    (so the object compares, hashes, prints and pickles as one built by it); networks are immutable."""
    iface = _new_interface(_IPv4Interface)
    iface._ip = addr
    network = _network(addr & _NETMASKS[prefix], prefix)
    iface.network = network
    iface.netmask = network.netmask
    iface._prefixlen = prefix
    return iface


_IPv4Interface = ipaddress.IPv4Interface
_new_interface = object.__new__
_NETMASKS = [(0xFFFFFFFF << (32 - n)) & 0xFFFFFFFF for n in range(33)]
_HOSTMASKS = [(1 << (32 - n)) - 1 for n in range(33)]


@functools.lru_cache(maxsize=65536)
def _network(network: int, prefix: int) -> ipaddress.IPv4Network:
    return ipaddress.IPv4Network((network, prefix))


def _ipv4_address(value: Any) -> ipaddress.IPv4Address:
    if isinstance(value, ipaddress.IPv4Address):
        return value
    if not isinstance(value, str):
        raise ValueError(f"expected an IPv4 address, got {shown(value)}")
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
            raise ValueError(f"{shown(item)} is listed twice")
        seen.add(item)
    return items


UniqueStrList = Annotated[list[str], AfterValidator(_unique)]
Mtu = Annotated[int, Field(ge=68, le=9216)]
Speed = Annotated[int, Field(gt=0, le=800_000)]

# Upper bounds of sizes, a little above what any product supports: a larger number is a typo (or a unit
# mistake), and an unbounded one reached arithmetic as 1e308.
MAX_MEMORY_GB = 65_536  # 64 TB: an ESXi 8 host holds 24 TB, a VM 24 TB
MAX_MEMORY_MB = MAX_MEMORY_GB * 1024
MAX_CAPACITY_GB = 1_048_576 * 64  # 64 PB: a vSAN or NFS datastore is at most a few PB
MAX_MHZ = 10_000_000  # a host's whole capacity: 768 cores at 10 GHz is under 8 million MHz
MAX_RATE_MB_S = 1_000_000  # 8 Tb/s, faster than any NIC
MAX_KBPS = 800_000_000  # 800 Gb/s, the fastest port speed (Speed)
MemoryGb = Annotated[float, Field(ge=0, le=MAX_MEMORY_GB)]
MemoryMb = Annotated[float, Field(ge=0, le=MAX_MEMORY_MB)]
Mhz = Annotated[float, Field(ge=0, le=MAX_MHZ)]
