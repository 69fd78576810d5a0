"""A counterexample to reach==trace found on branch beacon by the oracle over ``_random_design.sample(4242)``
(design 2542), kept so it is not lost: ``reach`` and ``trace`` disagree on 12 pairs.  esx1:vmk0 holds
10.0.10.1, the address of a1:Vlan10 (topology-v1 "Duplicate addresses"); trace says esx2:vmk0's ARP for its
gateway 10.0.10.1 is answered by both (a race: unreachable), reach says esx2:vmk0 reaches vm00, vm10,
esx0:vmk0 and a1's SVIs.  It disagrees on the code before the shotgun fix too (no beacon team here).  Not fixed
yet, and which side the rules favour is not judged yet: strict xfail, so a fix turns this test red until the
mark is removed."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml_rs

from _random_design import Case
from _reach_oracle import disagreements

DESIGN = Path(__file__).resolve().parents[1] / "data" / "reach-trace-disagreement-duplicate-gateway-vmk.yaml"


@pytest.mark.xfail(strict=True, reason="reach and trace disagree on a duplicate gateway address (open)")
def test_reach_equals_trace_on_the_duplicate_gateway_vmk_counterexample() -> None:
    data = yaml_rs.loads(DESIGN.read_text(encoding="utf-8"))
    fail = tuple(data.pop("failures", []))
    wrong = disagreements(Case(data, fail))
    assert not wrong, "\n".join(wrong[:5])
