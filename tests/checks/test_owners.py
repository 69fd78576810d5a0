"""Property: the address tally of duplicate-ip / duplicate-mac (:class:`_Owners`) holds the same owners whether the
ports are entered in bulk (the fast path: no address shared among them) or one by one (the slow path), whatever
is added after them."""

from __future__ import annotations

from types import SimpleNamespace

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _deep import examples
from vinfra.checks.rules.integrity import _Owners

_ADDR = st.one_of(st.none(), st.integers(0, 12))


def _tally(ports: list[SimpleNamespace], later: list[tuple[int, str]], bulk: bool) -> list[tuple[int, dict[str, object]]]:
    owners: _Owners[int, object] = _Owners()
    owners.add_endpoints(ports, "addr", bulk)  # type: ignore[arg-type]
    for addr, name in later:
        owners.add(addr, name, ("later", name))
    return owners.shared()


@pytest.mark.deep
@settings(max_examples=examples(200), deadline=None)
@given(st.lists(_ADDR, max_size=12), st.lists(st.tuples(st.integers(0, 12), st.sampled_from(["r1", "r2", "p0"])),
                                               max_size=4))
def test_bulk_tally_equals_one_by_one(addrs: list[int | None], later: list[tuple[int, str]]) -> None:
    ports = [SimpleNamespace(name=f"p{i}", addr=a) for i, a in enumerate(addrs)]
    def seen(tally: list[tuple[int, dict[str, object]]]) -> list[tuple[int, list[tuple[str, object]]]]:
        # a port by identity (its entry is the port itself), whatever else by value, in the order held
        return [(a, [(n, ("port", id(v)) if isinstance(v, SimpleNamespace) else v) for n, v in held.items()])
                for a, held in tally]

    assert seen(_tally(ports, later, True)) == seen(_tally(ports, later, False))
