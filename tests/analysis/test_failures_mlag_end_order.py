"""A counterexample to the failure sweep's exactness found by the deep run of test_failures_exact (Hypothesis
seed 12).  a0 and a1 are an MLAG pair whose channel mlag20 goes to r0; a1 carries VLAN 20 and a0 does not.  The
logical link of a channel was built from whichever member cable was asked about first, so its VLANs, and with
them the layer-2 topology, depended on the order of questions: the sweep, which reads spanning-tree states
before walking, lost VLAN 20 across mlag20 while a fresh walk kept it, and reported esx1:vmk0 <-> esx0:vmk0,
esx0:vswif0 and r0's SVIs as lost on a peer-link member failure.  The logical link is now built from the
channel's first member by name ([model], Snapshot._canonical_end), whatever is asked first.  The design's
``failures: [a0]`` is the drawn case's extra failure, which the sweep's property test does not apply (as
there, it is popped)."""

from __future__ import annotations

from pathlib import Path

import yaml_rs

from _random_design import Case
from _reach_oracle import lost_by_walk
from vinfra.analysis.failures import Baseline, run_scenario

DESIGN = Path(__file__).resolve().parents[1] / "data" / "failures-mlag-end-built-in-any-order.yaml"
LINK = "a0:Gi1/0/1--a1:Gi2/0/1"


def test_the_sweep_loses_exactly_what_the_walk_loses_on_the_seed_12_counterexample() -> None:
    """Exactness of the sweep against the walk (topology-v1 MLAG channels; vswitch-behaviour M-rules)."""
    data = yaml_rs.loads(DESIGN.read_text(encoding="utf-8"))
    data.pop("failures", None)
    case = Case(data)
    row = run_scenario(Baseline(case.inventory(), settings=case.settings), [LINK])
    want = lost_by_walk(case, [LINK])
    got = {(a, b) for a, b in row["lost"]}
    assert got == want, (sorted(got - want)[:5], sorted(want - got)[:5])


def test_an_mlag_logical_link_is_the_same_whichever_member_is_asked_first() -> None:
    """Building the layer-2 topology from either member cable of the channel first gives one answer."""
    from vinfra.network import Snapshot
    from vinfra.network.stp import link_key

    data = yaml_rs.loads(DESIGN.read_text(encoding="utf-8"))
    data.pop("failures", None)
    inv = Case(data).inventory()
    answers = []
    for first in ("a0", "a1"):
        snap = Snapshot(inv, fail=[LINK])
        for link in inv.links:  # ask this member cable of mlag20 first
            if any(r.device == first for r in (link.a, link.b)) and any(r.device == "r0" for r in (link.a, link.b)):
                snap._logical_link(link)
                break
        answers.append({link_key(ll): sorted(ll.vlan_pairs()) for ll in snap.logical_links})
    assert answers[0] == answers[1]
