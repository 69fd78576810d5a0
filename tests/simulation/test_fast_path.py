"""The fast path (probes walked again only where a change may move them) equals walking every probe at
every change (``exact=True``, the slow obvious path), on the example scenarios and on random failures over
the example designs with many seeds."""

from __future__ import annotations

from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from _deep import examples
from _paths import OWN_EXAMPLES
from vinfra.io.design import load
from vinfra.simulation.engine import simulate
from vinfra.simulation.scenario import load_scenario, load_scenario_text

SCENARIOS = sorted((OWN_EXAMPLES / "scenarios").glob("*.scenario.yaml"))
DESIGNS = ["two-independent-switches.yaml", "redundant-uplinks-lst.yaml", "redundant-uplinks-no-lst.yaml",
           "stacked-ip-hash.yaml", "mlag-vds-lacp.yaml", "routed-access.yaml"]


@pytest.mark.parametrize("path", SCENARIOS, ids=lambda p: p.name)
def test_examples_fast_equals_exact(path: Path) -> None:
    loaded = load_scenario(path)
    inv = load(loaded.design_path())  # type: ignore[arg-type]
    assert simulate(inv, loaded.scenario, loaded.timers) == simulate(inv, loaded.scenario, loaded.timers, exact=True)


@settings(max_examples=examples(6), deadline=None)
@given(design=st.sampled_from(DESIGNS), seed=st.integers(0, 10_000), every=st.sampled_from([60, 150, 300]),
       restore=st.sampled_from([30, 200, 500]))
def test_random_failures_fast_equals_exact(design: str, seed: int, every: int, restore: int) -> None:
    text = (f"scenario: 1\nname: r\nuntil: 1500\nevents:\n  - {{every: {every}, fail_random: "
            f"{{kinds: [host, switch, link, nic], restore_after: {restore}}}}}\n")
    loaded = load_scenario_text(text)
    inv = load(OWN_EXAMPLES / design)
    fast = simulate(inv, loaded.scenario, loaded.timers, seed=seed)
    assert fast == simulate(inv, loaded.scenario, loaded.timers, seed=seed, exact=True)
