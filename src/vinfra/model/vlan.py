"""VLAN sets with range algebra.

A :class:`VlanSet` is an immutable, normalized set of VLAN IDs stored as sorted,
non-overlapping, non-adjacent ``(low, high)`` ranges, so ``all`` (1-4094) costs two
integers rather than 4094.  It accepts what topology-v1 accepts for VLAN lists:
integers, ranges and strings (``[10, "20-29"]``, ``"10,20-29"``, ``all``, ``none``).
"""

from __future__ import annotations

import functools
from bisect import bisect_left
from collections.abc import Iterable, Iterator
from typing import Any

from pydantic import GetCoreSchemaHandler
from pydantic_core import core_schema

VLAN_MIN = 1
VLAN_MAX = 4094

Range = tuple[int, int]


class VlanError(ValueError):
    """A VLAN list that cannot be parsed or lies out of range."""


def _normalize(ranges: Iterable[Range]) -> tuple[Range, ...]:
    out: list[list[int]] = []
    for lo, hi in sorted(ranges):
        if out and lo <= out[-1][1] + 1:
            if hi > out[-1][1]:
                out[-1][1] = hi
        else:
            out.append([lo, hi])
    return tuple((lo, hi) for lo, hi in out)


def _parse_token(token: str, lo_bound: int, hi_bound: int) -> Range:
    token = token.strip()
    if "-" in token:
        left, _, right = token.partition("-")
        try:
            lo, hi = int(left), int(right)
        except ValueError:
            raise VlanError(f"invalid VLAN range {token!r}") from None
    else:
        try:
            lo = hi = int(token)
        except ValueError:
            raise VlanError(f"invalid VLAN {token!r}") from None
    if lo > hi:
        raise VlanError(f"VLAN range {token!r} runs backwards")
    if lo < lo_bound or hi > hi_bound:
        raise VlanError(f"VLAN {token!r} is out of range {lo_bound}-{hi_bound}")
    return lo, hi


class VlanSet:
    """An immutable set of VLAN IDs (1-4094) with set algebra."""

    __slots__ = ("_hash", "_his", "_ranges")

    def __init__(self, ranges: Iterable[Range] = ()) -> None:
        self._ranges = _normalize(ranges)
        self._hash = hash(self._ranges)
        self._his = tuple(hi for _, hi in self._ranges)  # for a binary search: membership is asked per frame

    # construction -----------------------------------------------------------------
    @classmethod
    def parse(cls, value: Any, *, lo: int = VLAN_MIN, hi: int = VLAN_MAX) -> VlanSet:
        """Parse an int, a string (``"10,20-29"``, ``all``, ``none``) or a list of both."""
        if isinstance(value, VlanSet):
            return value
        if isinstance(value, bool):
            raise VlanError(f"expected a VLAN list, got {value!r}")  # a bool: short
        if isinstance(value, int):
            if not lo <= value <= hi:
                shown = f"'{value}'" if value.bit_length() < 64 else "number"  # no str() of a 5,000-digit integer
                raise VlanError(f"VLAN {shown} is out of range {lo}-{hi}")
            return cls([(value, value)])
        if isinstance(value, str):
            text = value.strip().lower()
            if text == "all":
                return ALL_VLANS
            if text in ("none", ""):
                return NO_VLANS
            tokens = text.split(",")
            if any(not t.strip() for t in tokens):
                raise VlanError(f"VLAN list {value!r} has an empty item (a stray comma); write 'none' for no VLANs")
            return cls(_parse_token(t, lo, hi) for t in tokens)
        if isinstance(value, (list, tuple, set, frozenset)):
            ranges: list[Range] = []
            for item in value:
                ranges.extend(cls.parse(item, lo=lo, hi=hi)._ranges)
            return cls(ranges)
        raise VlanError(f"expected a VLAN list, got {type(value).__name__}")

    @classmethod
    def of(cls, *vlans: int) -> VlanSet:
        return cls((v, v) for v in vlans)

    # set protocol -----------------------------------------------------------------
    @property
    def ranges(self) -> tuple[Range, ...]:
        return self._ranges

    def __contains__(self, vlan: object) -> bool:
        if not isinstance(vlan, int):
            return False
        k = bisect_left(self._his, vlan)  # the first range ending at or after vlan
        return k < len(self._ranges) and self._ranges[k][0] <= vlan

    def __iter__(self) -> Iterator[int]:
        for lo, hi in self._ranges:
            yield from range(lo, hi + 1)

    def __len__(self) -> int:
        return sum(hi - lo + 1 for lo, hi in self._ranges)

    def __bool__(self) -> bool:
        return bool(self._ranges)

    def __eq__(self, other: object) -> bool:
        if isinstance(other, VlanSet):
            return self._ranges == other._ranges
        return NotImplemented

    def __hash__(self) -> int:
        return self._hash

    def __or__(self, other: VlanSet) -> VlanSet:
        return VlanSet(self._ranges + other._ranges)

    def __and__(self, other: VlanSet) -> VlanSet:
        out: list[Range] = []
        i = j = 0
        a, b = self._ranges, other._ranges
        while i < len(a) and j < len(b):
            lo = max(a[i][0], b[j][0])
            hi = min(a[i][1], b[j][1])
            if lo <= hi:
                out.append((lo, hi))
            if a[i][1] < b[j][1]:
                i += 1
            else:
                j += 1
        return VlanSet(out)

    def __sub__(self, other: VlanSet) -> VlanSet:
        out: list[Range] = []
        for lo, hi in self._ranges:
            cur = lo
            for olo, ohi in other._ranges:
                if ohi < cur or olo > hi:
                    continue
                if olo > cur:
                    out.append((cur, olo - 1))
                cur = max(cur, ohi + 1)
                if cur > hi:
                    break
            if cur <= hi:
                out.append((cur, hi))
        return VlanSet(out)

    def issubset(self, other: VlanSet) -> bool:
        return not (self - other)

    def isdisjoint(self, other: VlanSet) -> bool:
        return not (self & other)

    # text ---------------------------------------------------------------------------
    def __str__(self) -> str:
        if not self._ranges:
            return "none"
        if self._ranges == ((VLAN_MIN, VLAN_MAX),):
            return "all"
        return ",".join(str(lo) if lo == hi else f"{lo}-{hi}" for lo, hi in self._ranges)

    def __repr__(self) -> str:
        return f"VlanSet({str(self)!r})"

    # pydantic integration -------------------------------------------------------------
    @classmethod
    def __get_pydantic_core_schema__(cls, source: Any, handler: GetCoreSchemaHandler) -> core_schema.CoreSchema:
        def validate(value: Any) -> VlanSet:
            try:
                # a design repeats a few VLAN lists on thousands of ports: parse each spelling once
                if type(value) is str:
                    return _parse_cached(value)
                if type(value) is list and all(type(v) is int or type(v) is str for v in value):
                    return _parse_cached(tuple(value))
                return cls.parse(value)
            except VlanError as exc:
                raise ValueError(str(exc)) from None

        return core_schema.no_info_plain_validator_function(
            validate,
            serialization=core_schema.plain_serializer_function_ser_schema(str, when_used="always"),
            json_schema_input_schema=core_schema.union_schema(
                [core_schema.str_schema(), core_schema.int_schema(), core_schema.list_schema()]
            ),
        )


ALL_VLANS = VlanSet([(VLAN_MIN, VLAN_MAX)])
NO_VLANS = VlanSet()


@functools.lru_cache(maxsize=4096)
def _parse_cached(value: str | tuple[int | str, ...]) -> VlanSet:
    # keys are strings or tuples of exact ints and strings (never bools, which equal 0 and 1)
    return VlanSet.parse(value)
