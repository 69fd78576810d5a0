"""Switch interface names as the vendors spell them (topology-v1, "Names and forms met in vendor configs").

``GigabitEthernet1/0/1``, ``Gi1/0/1`` and ``gi1/0/1`` name one interface; so do ``Port-Channel5``,
``port-channel5`` and ``Po5``, or ``Vlan11`` and ``vlan11``.  :func:`interface_key` maps every spelling
to one canonical key (the short form, lower case); every lookup of a switch interface by name goes through
it, and a design keeps the spelling its declaration uses (the inventory resolves references to it).
The functions are memoized: a design repeats a few hundred distinct names over thousands of ports.
"""

from __future__ import annotations

import re
from functools import lru_cache

#: Long and short forms, lower case, to the canonical short form.  Only the forms of topology-v1's list
#: (and the usual IOS abbreviation ``Gig``): a name outside it is compared by case alone.
_PREFIXES: dict[str, str] = {
    "gigabitethernet": "gi", "gig": "gi", "gi": "gi",
    "tengigabitethernet": "te", "te": "te",
    "fastethernet": "fa", "fa": "fa",
    "twentyfivegige": "twe", "twe": "twe",
    "fortygigabitethernet": "fo", "fo": "fo",
    "hundredgige": "hu", "hu": "hu",
    "ethernet": "et", "eth": "et", "et": "et",
    "port-channel": "po", "portchannel": "po", "po": "po",
    "vlan": "vlan",
}

# the type word (letters and '-'), then the rest from the first digit: "Port-Channel" + "5", "Gi" + "1/0/1"
_SPLIT = re.compile(r"^([A-Za-z][A-Za-z-]*?)(\d.*)$")


@lru_cache(maxsize=65536)
def interface_key(name: str) -> str:
    """The canonical key of a switch interface name: ``GigabitEthernet1/0/1`` -> ``gi1/0/1``,
    ``Port-Channel5`` -> ``po5``, ``Vlan11`` -> ``vlan11``, ``Ethernet1/1`` -> ``et1/1``."""
    m = _SPLIT.match(name)
    if m is None:
        return name.lower()
    word, rest = m.group(1).lower(), m.group(2).lower()
    return _PREFIXES.get(word, word) + rest


#: The spelling :func:`standard_name` gives each canonical type word.
_STANDARD = {"gi": "Gi", "te": "Te", "fa": "Fa", "twe": "Twe", "fo": "Fo", "hu": "Hu", "et": "Ethernet",
             "po": "Po", "vlan": "Vlan"}


@lru_cache(maxsize=65536)
def standard_name(name: str) -> str:
    """One spelling per interface, for what must not depend on how a design spells it (the seed of a
    synthetic MAC): ``GigabitEthernet1/0/1`` -> ``Gi1/0/1``, ``vlan10`` -> ``Vlan10``, ``Eth1/1`` ->
    ``Ethernet1/1``; a name outside the vendor forms is returned as written."""
    m = _SPLIT.match(name)
    if m is None:
        return name
    word = _PREFIXES.get(m.group(1).lower())
    return _STANDARD[word] + m.group(2).lower() if word is not None else name


@lru_cache(maxsize=65536)
def po_number(name: str) -> int | None:
    """N of a port-channel ``Po<N>`` in any of its spellings (``Port-Channel5``, ``po5``), else None."""
    key = interface_key(name)
    if key.startswith("po") and key[2:].isdigit() and key[2:].isascii():
        return int(key[2:])
    return None


@lru_cache(maxsize=65536)
def svi_vlan(name: str) -> int | None:
    """The VLAN of an SVI ``Vlan<N>`` in any case (``vlan11``), else None."""
    key = interface_key(name)
    if key.startswith("vlan") and key[4:].isdigit() and key[4:].isascii():
        return int(key[4:])
    return None


__all__ = ["interface_key", "po_number", "standard_name", "svi_vlan"]
