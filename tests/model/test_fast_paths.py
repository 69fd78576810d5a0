"""The loader's fast paths give exactly what the general paths give, errors included."""

from __future__ import annotations

import gc
import ipaddress
import random
from typing import Any

import pytest

import vinfra
from vinfra.io.design import resolve_merge_keys
from vinfra.model.base import _ipv4_address, _ipv4_interface, _mac, _unicast
from vinfra.model.physical import SwitchInterface
from vinfra.model.vlan import VlanSet


def _reference_interface(value: Any) -> ipaddress.IPv4Interface:
    if not isinstance(value, str) or "/" not in value:
        raise ValueError(f"expected an address with prefix length like 10.0.10.2/24, got {value!r}")
    try:
        iface = ipaddress.IPv4Interface(value)
    except ValueError as exc:
        raise ValueError(f"invalid address {value!r}: {exc}") from None
    # the host-address rules, told by ipaddress's own properties
    ip, net = iface.ip, iface.network
    if ip in ipaddress.IPv4Network("0.0.0.0/8"):
        raise ValueError("0.0.0.0/8 is 'this network', not an address a port can hold")
    if ip.is_loopback:
        raise ValueError("a loopback address (127.0.0.0/8) is not one a port on the network can hold")
    if ip == ipaddress.IPv4Address("255.255.255.255"):
        raise ValueError("the broadcast address is not an address a port can hold")
    if ip.is_multicast:
        raise ValueError("a multicast address is not an address a port can hold")
    if ip in ipaddress.IPv4Network("240.0.0.0/4"):
        raise ValueError("a reserved (class E) address is not an address a port can hold")
    if net.prefixlen == 0:
        raise ValueError("a /0 prefix is every address, not a subnet; write the subnet's prefix length")
    if net.prefixlen <= 30 and ip == net.network_address:
        raise ValueError("the network address of its subnet is not a host address; a port needs a host address")
    if net.prefixlen <= 30 and ip == net.broadcast_address:
        raise ValueError("the broadcast address of its subnet is not a host address; a port needs a host address")
    return iface


def _outcome(fn: Any, value: Any) -> tuple[str, Any]:
    try:
        result = fn(value)
    except ValueError as exc:
        return "error", str(exc)
    # the attributes in the constructor's order too: the fast path sets them itself
    return "ok", (result, str(result), getattr(result, "network", None), list(vars(result).items()))


ODD_ADDRESSES = ["10.0.0.1/24", "0.0.0.0/0", "255.255.255.255/32", "1.2.3.4/08", "01.2.3.4/8", "1.2.3.4/33",
                 "256.1.1.1/8", "1.2.3.4/255.255.0.0", "1.2.3.4/0.0.255.255", "1.2.3.4", "1.2.3.4/-1", "1.2.3.4/ 8",
                 "1.2.3.4/8\n", " 1.2.3.4/8", "\u0661.2.3.4/8", "1.2.3.4/\u0668", "1.2.3/8", "1.2.3.4.5/8", "", "/", 7, None]


def test_interface_addresses_match_ipaddress() -> None:
    rng = random.Random(0)
    values: list[Any] = list(ODD_ADDRESSES)
    values += [".".join(str(rng.randrange(300)) for _ in range(4)) + f"/{rng.randrange(40)}" for _ in range(3000)]
    # the edges of what the fast path builds itself: the unicast ranges around 0/8, 127/8 and 224/4, and the
    # first, second, next-to-last and last address of subnets of every length
    ranges = [0x00FFFFFF, 0x01000000, 0x7EFFFFFF, 0x7F000000, 0x7FFFFFFF, 0x80000000, 0xDFFFFFFF, 0xE0000000, 0xFFFFFFFF]
    for prefix in range(33):
        size = 1 << (32 - prefix)
        edges = list(ranges)
        for base in (0x0A000000, 0xC0A80000, 0x01000000, 0xDF000000):
            net = base & ~(size - 1)
            edges += [net, net + 1, net + size - 2, net + size - 1]
        values += [f"{ipaddress.IPv4Address(a & 0xFFFFFFFF)}/{prefix}" for a in edges]
    for value in values:
        assert _outcome(_ipv4_interface, value) == _outcome(_reference_interface, value), value


def test_addresses_are_cached_but_errors_are_not() -> None:
    assert _ipv4_address("10.0.0.1") is _ipv4_address("10.0.0.1")
    for _ in range(2):
        with pytest.raises(ValueError, match=r"invalid IPv4 address '10\.0\.0\.256'"):
            _ipv4_address("10.0.0.256")


@pytest.mark.parametrize(("value", "expected"), [
    ("00:50:56:aa:bb:cc", "00:50:56:aa:bb:cc"),
    ("00:50:56:AA:BB:CC", "00:50:56:aa:bb:cc"),
    (" 00:50:56:aa:bb:cc ", "00:50:56:aa:bb:cc"),
    ("00-50-56-aa-bb-cc", "00:50:56:aa:bb:cc"),
    ("0050.56aa.bbcc", "00:50:56:aa:bb:cc"),
    ("005056aabbcc", "00:50:56:aa:bb:cc"),
])
def test_macs(value: str, expected: str) -> None:
    assert _mac(value) == expected


@pytest.mark.parametrize("value", ["00:50:56:aa:bb", "00:50-56:aa:bb:cc", "00:50:56:aa:bb:cg", 5,
                                   # not a NIC's own: broadcast, multicast (I/G bit), all zeros
                                   "ff:ff:ff:ff:ff:ff", "01:00:5e:00:00:01", "0100.5e00.0001", "33-33-00-00-00-01",
                                   "00:00:00:00:00:00"])
def test_bad_macs(value: Any) -> None:
    with pytest.raises(ValueError):
        _mac(value)


def test_canonical_macs_are_judged_as_the_unicast_rule_judges_them() -> None:
    # the canonical spelling's fast path tells unicast and all-zeros itself; every first octet, both ways
    for first in range(256):
        for rest in ("00:00:00:00:00", "50:56:aa:bb:cc", "ff:ff:ff:ff:ff"):
            mac = f"{first:02x}:{rest}"
            try:
                expected: tuple[str, str] = ("ok", _unicast(mac))
            except ValueError as exc:
                expected = ("error", str(exc))
            try:
                got: tuple[str, str] = ("ok", _mac(mac))
            except ValueError as exc:
                got = ("error", str(exc))
            assert got == expected, mac


def test_vlan_lists_are_parsed_once_and_bools_stay_errors() -> None:
    a = SwitchInterface.model_validate({"allowed_vlans": "10,20-29"})
    b = SwitchInterface.model_validate({"allowed_vlans": "10,20-29"})
    assert a.allowed_vlans is b.allowed_vlans == VlanSet.parse("10,20-29")
    assert SwitchInterface.model_validate({"allowed_vlans": [1, 10]}).allowed_vlans == VlanSet.of(1, 10)
    with pytest.raises(ValueError, match="expected a VLAN list, got True"):
        SwitchInterface.model_validate({"allowed_vlans": [True, 10]})
    with pytest.raises(ValueError, match="out of range"):
        SwitchInterface.model_validate({"allowed_vlans": "10,5000"})


# merge keys ---------------------------------------------------------------------------------


def _reference_merge(node: Any) -> Any:
    """The plain recursive definition: a fresh tree with every merge applied."""
    if isinstance(node, list):
        return [_reference_merge(item) for item in node]
    if not isinstance(node, dict):
        return node
    if "<<" not in node:
        return {k: _reference_merge(v) for k, v in node.items()}
    sources = node["<<"]
    if isinstance(sources, dict):
        sources = [sources]
    merged: dict[Any, Any] = {}
    if isinstance(sources, list):
        for src in reversed(sources):
            if isinstance(src, dict):
                merged.update(_reference_merge(src))
    for k, v in node.items():
        if k != "<<":
            merged[k] = _reference_merge(v)
    return merged


def _random_tree(rng: random.Random, depth: int) -> Any:
    r = rng.random()
    if depth == 0 or r < 0.3:
        return rng.choice([1, "x", None, True, 2.5])
    if r < 0.6:
        return [_random_tree(rng, depth - 1) for _ in range(rng.randrange(4))]
    return {rng.choice(["a", "b", "<<", "c", 3]): _random_tree(rng, depth - 1) for _ in range(rng.randrange(5))}


def test_merge_keys_match_the_plain_definition() -> None:
    rng = random.Random(1)
    for _ in range(3000):
        tree = _random_tree(rng, 5)
        before = repr(tree)
        got, want = resolve_merge_keys(tree), _reference_merge(tree)
        assert got == want and repr(got) == repr(want)  # same keys in the same order
        assert repr(tree) == before  # the parsed data is never modified


def test_merge_keys_leave_untouched_subtrees_alone() -> None:
    untouched = {"esx01": {"nics": {"vmnic0": {"speed": 1000}}}}
    data = {"hosts": untouched, "vms": {"a": {"<<": {"host": "esx01"}, "memory_gb": 2}}}
    out = resolve_merge_keys(data)
    assert out["hosts"] is untouched
    assert out["vms"]["a"] == {"host": "esx01", "memory_gb": 2}
    plain = {"hosts": untouched}
    assert resolve_merge_keys(plain) is plain


# the collector is paused while loading, and restored ------------------------------------------


def test_load_restores_the_garbage_collector(tmp_path: Any) -> None:
    path = tmp_path / "d.yaml"
    path.write_text("name: d\nswitches: {sw: {}}\n")
    assert gc.isenabled()
    vinfra.load(path)
    assert gc.isenabled()
    gc.disable()
    try:
        vinfra.load(path)
        assert not gc.isenabled()
    finally:
        gc.enable()
    bad = tmp_path / "bad.yaml"
    bad.write_text("name: d\nswitches: {sw: {platform: junos}}\n")
    with pytest.raises(vinfra.DesignError):
        vinfra.load(bad)
    assert gc.isenabled()


# reference problems about items already reported ------------------------------------------------


def test_mentions_matches_the_substring_definition() -> None:
    from vinfra.model.inventory import _mentions

    def reference(message: str, names: set[str]) -> bool:
        return any(f"'{n}'" in message or f"{n}:" in message for n in names)

    rng = random.Random(2)
    alphabet = "ab':x "
    for _ in range(30000):
        names = {"".join(rng.choice(alphabet) for _ in range(rng.randrange(4))) for _ in range(rng.randrange(4))}
        message = "".join(rng.choice(alphabet) for _ in range(rng.randrange(14)))
        assert _mentions(message, names, max(map(len, names), default=0)) == reference(message, names)


def test_problems_about_invalid_hosts_are_not_repeated_as_references() -> None:
    data = {"name": "d", "hosts": {f"esx{i}": {"memroy_gb": 1} for i in range(50)},
            "vms": {f"vm{i}": {"host": f"esx{i % 50}"} for i in range(200)}}
    with pytest.raises(vinfra.DesignError) as err:
        vinfra.from_data(data)
    assert len(err.value.diagnostics) == 50
    assert all("unknown key 'memroy_gb'" in d.message for d in err.value.diagnostics)
