"""A reach==trace counterexample found by ``make deep-test`` at the end of a stop, **not fixed yet**; the test
holds it as a known failure (strict: it fails once the two agree, so that the marker goes with the fix).

a0 and a1 are an MLAG pair whose peer link a0:Po1 has failed: each keeps its own VLANs, and both are active for
HSRP groups 10 and 20 (split brain).  esx0 probes beacons over vmnic1 (to a1) and vmnic2 (to a0); neither hears the
other, so it is in shotgun mode and every frame leaves on both (T14, M12).  ``trace`` has vm00's ping to a0:Vlan20
(10.0.20.2) routed by a1, which finds no layer-2 path to 10.0.20.2, and its ping to a1:Vlan20 answered; ``reach``
says the opposite for vm00 and esx0:vmk0 (8 ordered pairs).  The two pick different routers among the gateway's
two answers; which one the rules mean is the open question.  The same disagreement is on the commit before the
stop that found it (5cb3c3e)."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml_rs

from _random_design import Case
from _reach_oracle import disagreements

DESIGN = Path(__file__).resolve().parents[1] / "data" / "reach-trace-shotgun-split-fhrp.yaml"


@pytest.mark.xfail(strict=True, reason="known reach/trace disagreement: shotgun mode toward split-brain FHRP routers")
def test_reach_equals_trace_with_a_shotgun_host_between_split_fhrp_routers() -> None:
    case = Case(yaml_rs.loads(DESIGN.read_text(encoding="utf-8")))
    wrong = disagreements(case)
    assert not wrong, "\n".join(wrong)


def test_the_counterexample_disagrees_on_the_gateway_side_only() -> None:
    """What the disagreement is today: vm00 and esx0:vmk0 against a0's and a1's VLAN 20 SVIs, nothing else."""
    wrong = disagreements(Case(yaml_rs.loads(DESIGN.read_text(encoding="utf-8"))))
    assert wrong
    assert all(("vm00" in line or "esx0:vmk0" in line) and "Vlan20" in line for line in wrong), "\n".join(wrong)
