"""An IP-hash team on a port-channel with beacon probing, one channel member not carrying the port group's
VLAN: ``reach`` answers what ``trace`` answers (T3, T14, M13, V8, F9, section 3 of vswitch-behaviour).

Beacons never come back into a channel, so no member hears another and the team goes to shotgun mode
(M13, T14): every frame leaves on every member.  Shotgun changes only what the host *sends*; the switch
still hands each inbound frame to one member of the channel by its own hash (section 3: the physical network
picks the inbound link; M2), and a member whose switch port does not carry the VLAN drops it (V8).  So
whether a frame reaches a port of that team depends on the frame, and the fast analysis may not answer once
per team (it did: the deep reach==trace test found 129 disagreeing pairs, saved in
``tests/data/reach-trace-ip-hash-beacon-pruned-member.yaml``).  The wrong side was ``reach`` (its memo of
host views, :meth:`vinfra.network.forwarding.Forwarding.sensitive`); ``trace`` follows the doc.
"""

from __future__ import annotations

from pathlib import Path

import yaml_rs

from _random_design import Case
from _reach_oracle import disagreements
from vinfra.analysis.reach import Reach
from vinfra.network import Snapshot
from vinfra.network.forwarding import Forwarding

DATA = Path(__file__).resolve().parents[1] / "data"
FOUND = DATA / "reach-trace-ip-hash-beacon-pruned-member.yaml"  # the deep test's counterexample
HAND = DATA / "beacon-shotgun-pruned-channel-member.yaml"  # the hand-written regression design


def _case(path: Path) -> Case:
    return Case(yaml_rs.loads(path.read_text(encoding="utf-8")))


def _verdicts(snap: Snapshot, pairs: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[bool, bool, str | None]]:
    """(reach, trace, trace's reason) for each pair; a fresh Reach answers every pair."""
    fast = Reach(snap)
    out = {}
    for a, b in pairs:
        src, dst = snap.endpoints.resolve(a), snap.endpoints.resolve(b)
        v = Forwarding(snap, record=True).ping(src, dst)
        out[(a, b)] = (fast.pair(src, dst), v.ok, v.reason)
    return out


def test_the_found_design_is_in_shotgun_and_reach_equals_trace() -> None:
    """M13/T14: esx1's IP-hash team hears no beacon (a channel never floods back into itself): shotgun.  V8:
    a0's ARP for vm10 hashed onto a1:Gi2/0/6 (VLAN 30 pruned there) is dropped, so vm00 and vm21 do not reach
    vm10, vm11 does not reach vm21; F3: vm10 and vm11 still talk inside esx1; VLAN 40 is carried on every
    member, so vm12 reaches vm21 (T3, F9: any member delivers)."""
    case = _case(FOUND)
    snap = case.snapshot()
    ts = snap.team_states[("esx1", "VM30")]
    assert ts.shotgun and ts.active == ("vmnic0", "vmnic1", "vmnic2")
    got = _verdicts(snap, [("vm00", "vm10"), ("vm21", "vm10"), ("vm11", "vm21"), ("vm10", "vm11"),
                           ("vm12", "vm21")])
    assert {k: v[:2] for k, v in got.items()} == {
        ("vm00", "vm10"): (False, False), ("vm21", "vm10"): (False, False), ("vm11", "vm21"): (False, False),
        ("vm10", "vm11"): (True, True), ("vm12", "vm21"): (True, True)}
    assert "not carried by a1:Gi2/0/6 (V8)" in (got[("vm00", "vm10")][2] or "")
    assert disagreements(case) == []


def test_hand_written_design_inbound_depends_on_the_member_the_switch_picks() -> None:
    """T14/M13 shotgun on an IP-hash team over MLAG channel Po10; VLAN 30 exists only on s1, so of Po10's
    members only s1:Gi1/0/1 carries it (V8).  One port, two answers decided by s1's channel hash (section 3,
    M2): web1 reaches db1 (the flood lands on s1:Gi1/0/1) but not app1 (s1:Vlan30's ARP reply is hashed onto
    s2:Gi2/0/1); web3's frames all land on s1:Gi1/0/1, so it reaches app1, db1 and db2; web1 and web2 on one
    host talk inside it (F3); VM20, carried on every member, works (F9: any active member delivers)."""
    case = _case(HAND)
    snap = case.snapshot()
    assert snap.team_states[("esx1", "VM30")].shotgun
    assert snap.team_states[("esx1", "VM20")].shotgun
    pairs = {("web1", "db1"): True, ("web1", "app1"): False, ("db1", "web1"): False, ("web3", "app1"): True,
             ("web3", "db1"): True, ("web3", "db2"): True, ("web4", "db1"): False, ("web1", "web2"): True,
             ("app1", "db2"): True, ("db2", "app1"): True}
    got = _verdicts(snap, list(pairs))
    assert {k: v[1] for k, v in got.items()} == pairs  # trace, by the rules above
    assert {k: v[0] for k, v in got.items()} == pairs  # reach answers the same
    assert "not carried by s2:Gi2/0/1 (V8)" in (got[("web1", "app1")][2] or "")
    assert disagreements(case) == []
