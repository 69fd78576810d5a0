"""Source values turned into design values, by the model's own validators.

Every importer meets the same vSphere vocabulary (``loadbalance_srcid``, ``srcport``, a netmask beside an
address) and the same question: can the design hold this value? The answer is the model's, not a copy of
its rules: a value the model refuses comes back as a :class:`ValueError` with the model's reason, which
the importer reports against the line or object it came from (never silently dropped or coerced).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from typing import Any

from pydantic import TypeAdapter

from ..model.base import IPv4Addr, IPv4If, Mac, Mtu, Speed
from ..model.refs import check_label, check_name

_IPV4_IF: TypeAdapter[Any] = TypeAdapter(IPv4If)
_IPV4: TypeAdapter[Any] = TypeAdapter(IPv4Addr)
_MAC: TypeAdapter[Any] = TypeAdapter(Mac)
_MTU: TypeAdapter[Any] = TypeAdapter(Mtu)
_SPEED: TypeAdapter[Any] = TypeAdapter(Speed)

# Load-balancing names as esxcli (srcport ...) and the vSphere API / RVTools (loadbalance_srcid ...) spell
# them, to topology-v1 teaming policies (vswitch-behaviour T1-T5).
TEAMING_POLICY = {
    "srcport": "port_id", "loadbalance_srcid": "port_id",
    "mac": "mac_hash", "srcmac": "mac_hash", "loadbalance_srcmac": "mac_hash",
    "iphash": "ip_hash", "loadbalance_ip": "ip_hash",
    "explicit": "explicit", "failover_explicit": "explicit",
    "loadbalance_loadbased": "load_based",
}
DETECTION = {"link": "link_status", "beacon": "beacon"}


def _reason(exc: Exception) -> str:
    errors = getattr(exc, "errors", None)
    if callable(errors):
        msg = str(errors()[0]["msg"])
        for prefix in ("Value error, ", "Assertion failed, "):
            msg = msg.removeprefix(prefix)
        return msg
    return str(exc)


def _validated(adapter: TypeAdapter[Any], value: Any, explain: Callable[[str], str]) -> Any:
    """The model's own validation of ``value``; a refusal is a ValueError worded by ``explain(reason)``."""
    try:
        return adapter.validate_python(value)
    except ValueError as exc:
        raise ValueError(explain(_reason(exc))) from None


def ipv4_interface(address: str, netmask: str | int) -> str:
    """``10.0.0.5`` + ``255.255.255.0`` (or a prefix length) -> ``10.0.0.5/24``, as the model holds it."""
    try:
        prefix = ipaddress.IPv4Network(f"0.0.0.0/{netmask}").prefixlen
    except ValueError:
        raise ValueError(f"netmask {netmask!r} is not an IPv4 netmask") from None
    text = f"{address}/{prefix}"
    return str(_validated(_IPV4_IF, text, lambda why: f"address {text}: {why}"))


def ipv4_address(value: str) -> str:
    return str(_validated(_IPV4, value, lambda why: why))


def mac(value: str) -> str:
    return str(_validated(_MAC, value, lambda why: f"MAC {value!r}: {why}"))


def mtu(value: int) -> int:
    return int(_validated(_MTU, value, lambda _: f"MTU {value!r} is outside 68-9216"))


def speed(value: int) -> int:
    return int(_validated(_SPEED, value, lambda _: f"speed {value!r} Mb/s is not a link speed (1-800000)"))


def device_name(name: str, what: str = "device name") -> str:
    """A host or switch name as the design allows it (letters, digits, ``-_./``)."""
    return check_name(name, what)


def label(name: str, what: str = "name") -> str:
    """A VM's or port group's name as the design allows it (free text, no ``:``)."""
    return check_label(name, what)


def dvs_name(name: str) -> str:
    """A distributed switch's name: free text like a label, without ``/`` (a VM NIC names ``dvs/portgroup``)."""
    check_label(name, "distributed switch name")
    if "/" in name:
        raise ValueError(f"invalid distributed switch name {name!r}: '/' separates a switch from its port group")
    return name
