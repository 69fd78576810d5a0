"""Export round-trips (issue 8, item 5): for generated designs with drawn values, a design that loads exports
to YAML and JSON and reloads equal.  Infinite and NaN numbers broke this (JSON wrote them as null); they are now
refused at load, so every design that loads round-trips."""

from __future__ import annotations

import copy
import math
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import vinfra
from _deep import examples
from vinfra.generate import generate_design, render_design
from vinfra.io.export import to_json, to_yaml

NUMBERS = st.one_of(st.floats(allow_nan=True, allow_infinity=True), st.integers(-(2**63), 2**63 - 1),
                    st.floats(min_value=0, max_value=1e6, allow_nan=False))
TEXT = st.text(st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=12)

# (section, field path inside an item): numbers and free text the generator writes
NUMBER_FIELDS = [("hosts", ("memory_gb",)), ("hosts", ("cpu", "mhz")), ("vms", ("memory_gb",)),
                 ("vms", ("load", "cpu_mhz")), ("vms", ("load", "memory_gb")), ("vms", ("memory", "dirty_mb_s")),
                 ("vms", ("memory", "active_pct")), ("datastores", ("capacity_gb",)), ("vms", ("cpu", "vcpus"))]
TEXT_FIELDS = [("hosts", ("description",)), ("vms", ("description",)), ("vms", ("guest",)), ("switches", ("description",))]


def _set(item: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for step in path[:-1]:
        item = item.setdefault(step, {})
    item[path[-1]] = value


@st.composite
def designs(draw: st.DrawFn) -> dict[str, Any]:
    data = copy.deepcopy(_BASES[draw(st.integers(0, len(_BASES) - 1))])
    for _ in range(draw(st.integers(0, 6))):
        section, path = draw(st.sampled_from(NUMBER_FIELDS + TEXT_FIELDS))
        items = data.get(section) or {}
        if not items:
            continue
        name = draw(st.sampled_from(sorted(items)))
        value = draw(NUMBERS) if (section, path) in NUMBER_FIELDS else draw(TEXT)
        _set(items[name], path, value)
    if draw(st.booleans()) and data["vms"]:  # a drawn VM name: some follow the name rules, some do not
        old = sorted(data["vms"])[0]
        data["vms"][draw(TEXT)] = data["vms"].pop(old)
        for cluster in data.get("clusters", {}).values():
            cluster["rules"] = []
    return data


_BASES = [generate_design(h, v, seed=s, pattern=p) for h, v, s, p in
          [(1, 2, 0, "independent"), (2, 3, 1, "stacked"), (2, 3, 2, "mlag"), (3, 4, 3, "mixed")]]


def _has_non_finite(node: Any) -> bool:
    if isinstance(node, float):
        return not math.isfinite(node)
    if isinstance(node, dict):
        return any(_has_non_finite(v) for v in node.values())
    if isinstance(node, list):
        return any(_has_non_finite(v) for v in node)
    return False


@pytest.mark.deep
@settings(max_examples=examples(150), deadline=None, suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(data=designs(), fmt=st.sampled_from(["yaml", "json"]))
def test_every_design_that_loads_exports_and_reloads_equal(data: dict[str, Any], fmt: str) -> None:
    text = render_design(data, fmt).decode()
    try:
        inv = vinfra.load_text(text, f"design.{fmt}")
    except vinfra.DesignError as exc:
        assert all(d.line is not None for d in exc.diagnostics), exc
        return
    assert not _has_non_finite(data), "an infinite or NaN number was accepted"
    assert vinfra.load_text(to_yaml(inv), "export.yaml") == inv
    assert vinfra.load_text(to_json(inv), "export.json") == inv
    assert vinfra.from_data(data) == inv


@pytest.mark.parametrize("value", [math.inf, -math.inf, math.nan])
def test_non_finite_numbers_are_refused(value: float) -> None:
    data = copy.deepcopy(_BASES[0])
    data["vms"][sorted(data["vms"])[0]]["memory_gb"] = value
    with pytest.raises(vinfra.DesignError, match="finite number"):
        vinfra.from_data(data)
