"""VlanSet algebra, checked against Python sets (hypothesis) and on the spellings topology-v1 accepts."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import BaseModel, ValidationError

from vinfra.model import ALL_VLANS, NO_VLANS, VlanSet
from vinfra.model.vlan import VLAN_MAX, VLAN_MIN

# Small ranges at both ends keep sets dense enough to produce adjacent and overlapping runs.
vlan_ids = st.one_of(st.integers(1, 40), st.integers(4070, 4094))
vlan_sets = st.frozensets(vlan_ids, max_size=25)
ranges = st.tuples(vlan_ids, vlan_ids).map(lambda t: (min(t), max(t)))


def expand(rs: list[tuple[int, int]]) -> set[int]:
    return {v for lo, hi in rs for v in range(lo, hi + 1)}


@given(vlan_sets)
def test_contents_and_iteration(s: frozenset[int]) -> None:
    v = VlanSet.of(*s)
    assert list(v) == sorted(s)
    assert len(v) == len(s)
    assert bool(v) == bool(s)
    for x in range(1, 45):
        assert (x in v) == (x in s)


@given(vlan_sets)
def test_str_round_trip_and_canonical_form(s: frozenset[int]) -> None:
    v = VlanSet.of(*s)
    text = str(v)
    assert VlanSet.parse(text) == v
    if not s:
        assert text == "none"
        return
    # canonical: sorted, maximal runs, singletons without a dash
    previous_hi = -10
    for token in text.split(","):
        lo, _, hi = token.partition("-")
        lo_i, hi_i = int(lo), int(hi or lo)
        assert lo_i <= hi_i and lo_i > previous_hi + 1
        assert (hi == "") == (lo_i == hi_i)
        previous_hi = hi_i


@given(vlan_sets, vlan_sets)
def test_algebra_matches_python_sets(a: frozenset[int], b: frozenset[int]) -> None:
    va, vb = VlanSet.of(*a), VlanSet.of(*b)
    assert set(va | vb) == a | b
    assert set(va & vb) == a & b
    assert set(va - vb) == a - b
    assert va.issubset(vb) == (a <= b)
    assert va.isdisjoint(vb) == a.isdisjoint(b)
    assert (va == vb) == (a == b)
    if a == b:
        assert hash(va) == hash(vb)


@given(st.lists(ranges, max_size=8))
def test_ranges_strings_and_lists_agree(rs: list[tuple[int, int]]) -> None:
    expected = expand(rs)
    text = ",".join(f"{lo}-{hi}" if lo != hi else str(lo) for lo, hi in rs)
    mixed = [lo if lo == hi else f"{lo}-{hi}" for lo, hi in rs]
    assert set(VlanSet.parse(text)) == expected
    assert set(VlanSet.parse(mixed)) == expected
    assert VlanSet.parse(text) == VlanSet.parse(mixed) == VlanSet(rs)
    assert VlanSet.parse(f" {text.replace(',', ' , ')} ") == VlanSet.parse(text)  # spaces are tolerated


@given(vlan_sets)
def test_all_and_none_are_the_identities(s: frozenset[int]) -> None:
    v = VlanSet.of(*s)
    assert v | NO_VLANS == v and v & ALL_VLANS == v
    assert v | ALL_VLANS == ALL_VLANS and v & NO_VLANS == NO_VLANS
    assert v - NO_VLANS == v and v - ALL_VLANS == NO_VLANS
    complement = ALL_VLANS - v
    assert len(complement) == 4094 - len(s)
    assert complement.isdisjoint(v) and complement | v == ALL_VLANS


def test_all_and_none_spellings() -> None:
    assert VlanSet.parse("all") == VlanSet.parse("ALL") == VlanSet.parse(" All ") == ALL_VLANS
    assert VlanSet.parse(f"{VLAN_MIN}-{VLAN_MAX}") == ALL_VLANS
    assert str(ALL_VLANS) == "all" and len(ALL_VLANS) == 4094
    assert VlanSet.parse("none") == VlanSet.parse("") == VlanSet.parse([]) == NO_VLANS
    assert str(NO_VLANS) == "none" and not NO_VLANS
    assert VlanSet.parse(["all", 5]) == ALL_VLANS
    assert VlanSet.parse(10) == VlanSet.parse("10") == VlanSet.parse([10]) == VlanSet.of(10)
    assert str(VlanSet.parse([20, "10", "11-12", 13])) == "10-13,20"
    assert repr(VlanSet.parse("1,3")) == "VlanSet('1,3')"


@pytest.mark.parametrize(
    ("value", "message"),
    [
        (0, "VLAN '0' is out of range 1-4094"),
        (4095, "VLAN '4095' is out of range 1-4094"),
        ("10,4095", "VLAN '4095' is out of range 1-4094"),
        ("0-5", "VLAN '0-5' is out of range 1-4094"),
        ("30-20", "VLAN range '30-20' runs backwards"),
        ("10-", "invalid VLAN range '10-'"),
        ("ten", "invalid VLAN 'ten'"),
        ("10;20", "invalid VLAN '10;20'"),
        ([10, "x"], "invalid VLAN 'x'"),
        (True, "expected a VLAN list, got True"),
        (2.5, "expected a VLAN list, got float"),
        ({"10": 1}, "expected a VLAN list, got dict"),
    ],
)
def test_invalid_input_is_a_value_error(value: object, message: str) -> None:
    with pytest.raises(ValueError) as info:
        VlanSet.parse(value)
    assert str(info.value) == message


class _Port(BaseModel):
    allowed: VlanSet


def test_pydantic_field_validates_and_serializes_to_text() -> None:
    port = _Port(allowed=[10, "20-29"])
    assert port.allowed == VlanSet([(10, 10), (20, 29)])
    assert port.model_dump() == {"allowed": "10,20-29"}
    assert port.model_dump(mode="json") == {"allowed": "10,20-29"}
    assert _Port(allowed="all").model_dump_json() == '{"allowed":"all"}'
    with pytest.raises(ValidationError) as info:
        _Port(allowed="5000")
    assert info.value.errors()[0]["msg"] == "Value error, VLAN '5000' is out of range 1-4094"
