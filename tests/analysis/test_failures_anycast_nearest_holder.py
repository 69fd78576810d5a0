"""A counterexample to the failure sweep's exactness found by the deep run of test_failures_exact.  a0 and a1 are an
MLAG pair (peer link Po1) with a channel to r0; 10.0.20.1 is an anycast gateway held by a1 and r0, and esx0 hangs off
a0 alone.  Intact, esx0's frames reach a1 first over the peer link, and a1 routes them; with the peer link failed
they reach r0 first, which has no route back to a0's subnets.  Every L3 interface stayed up on its segment and the
anycast holders stayed the same, so the sweep took layer 3 as it was and lost nothing, where a fresh walk loses 52
pairs.  An anycast gateway with two holders or more around the failure now sends the scenario to the whole
analysis (``_l3_same``; topology-v1 "Names and forms met in vendor configs": the nearest holder routes)."""

from __future__ import annotations

from pathlib import Path

import yaml_rs

from _random_design import Case
from _reach_oracle import lost_by_walk
from vinfra.analysis.failures import Baseline, run_scenario

DESIGN = Path(__file__).resolve().parents[1] / "data" / "failures-anycast-nearest-holder-moves.yaml"


def test_the_sweep_loses_what_the_walk_loses_when_the_nearest_anycast_holder_moves() -> None:
    case = Case(yaml_rs.loads(DESIGN.read_text(encoding="utf-8")))
    row = run_scenario(Baseline(case.inventory(), settings=case.settings), ["a0:Po1"])
    want = lost_by_walk(case, ["a0:Po1"])
    got = {(a, b) for a, b in row["lost"]}
    assert want, "the peer link's failure loses pairs in a fresh walk"
    assert got == want, (sorted(got - want)[:5], sorted(want - got)[:5])
