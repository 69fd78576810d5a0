"""Counterexamples to reach==trace where a host port's gateway address is held twice, once by a port whose
uplink depends on the frame (topology-v1 "Duplicate addresses"; F9 with a port-channel facing the team, M2).
Whether that port completes an ARP exchange for the address, and so whether two answers race, turns on the
asking port's own MAC and address, which the switch hashes onto a channel member: two ports that reach saw as
one signature class got different answers from ``trace``, and ``reach`` answered for both with one's walk.
Trace is right (the rule judges each asker's own ARP); reach now gives such askers, and router ports holding
such an address, classes of their own (:attr:`vinfra.analysis.reach.Reach._raced_by_frame`).

- ``reach-trace-disagreement-duplicate-gateway-vmk.yaml``: found on branch beacon by the oracle over
  ``_random_design.sample(4242)`` (design 2542).  esx1:vmk0 holds 10.0.10.1, the address of a1:Vlan10; its IP
  hash team takes only vmnic1/vmnic2, and the stack hashes esx2:vmk0's ARP onto a member leading to vmnic2
  (both answer: a race), vm21's onto vmnic0, standby (only a1:Vlan10 answers).  reach said esx2:vmk0 reaches
  vm00, vm10, esx0:vmk0 and a1's SVIs (12 pairs).
- ``reach-trace-raced-gateway-off-team-channel-member.yaml``: the class ``--hypothesis-seed=15`` found,
  shrunk: a port-ID team facing a static channel one of whose members leads to a vmnic outside the team.
- the same design without gateways: a host asking for the router port's address directly (no gateway
  involved), so the router port, not the asker, must be walked pair by pair;
- and with the raced address held otherwise: an HSRP virtual IP, a VM NIC as the frame-dependent holder, a
  routing neighbour's SVI address.  All of these disagreed before the fix."""

from __future__ import annotations

from pathlib import Path

import pytest
import yaml_rs

from _random_design import Case
from _reach_oracle import disagreements, lost_by_walk, walk
from vinfra.analysis.failures import KINDS, Baseline, elements, run_scenario

DATA = Path(__file__).resolve().parents[1] / "data"
DESIGN = DATA / "reach-trace-disagreement-duplicate-gateway-vmk.yaml"
OFF_TEAM = DATA / "reach-trace-raced-gateway-off-team-channel-member.yaml"


def _case(path: Path, gateways: bool = True) -> Case:
    data = yaml_rs.loads(path.read_text(encoding="utf-8"))
    fail = tuple(data.pop("failures", []))
    if not gateways:
        for host in data.get("hosts", {}).values():
            for vmk in host.get("vmkernel", {}).values():
                vmk.pop("gateway", None)
        for vm in data.get("vms", {}).values():
            for nic in vm.get("nics", []):
                nic.pop("gateway", None)
    return Case(data, fail)


def test_reach_equals_trace_on_the_duplicate_gateway_vmk_counterexample() -> None:
    wrong = disagreements(_case(DESIGN))
    assert not wrong, "\n".join(wrong[:5])


@pytest.mark.parametrize("gateways", [True, False], ids=["through-gateway", "asked-directly"])
def test_reach_equals_trace_when_a_channel_member_off_the_team_decides_the_race(gateways: bool) -> None:
    case = _case(OFF_TEAM, gateways)
    wrong = disagreements(case)
    assert not wrong, "\n".join(wrong[:5])
    # the design still shows what it is about: the two askers of one subnet and view get different answers
    snap = case.snapshot()
    truth = walk(snap, snap.endpoints.all)
    raced, clear = truth[("esx2:vmk0", "a0:Vlan30")], truth[("vm20", "a0:Vlan30")]
    assert not raced.ok and "race" in (raced.reason or "")
    assert clear.ok


def _variant(kind: str) -> Case:
    """The off-team design with the raced address held otherwise (each disagreed before the fix)."""
    d = _case(OFF_TEAM).design
    if kind == "fhrp-vip":  # the gateway is a0's HSRP address: the VIP endpoint is walked pair by pair
        d["switches"]["a0"]["interfaces"]["Vlan30"] = {"ip": "10.0.30.2/24",
                                                       "fhrp": {"protocol": "hsrp", "group": 30, "vip": "10.0.30.1"}}
    elif kind == "vm-holder":  # a VM NIC, not a VMkernel port, holds it
        del d["hosts"]["esx0"]["vmkernel"]
        d["vms"]["vm00"] = {"host": "esx0", "nics": [{"network": "dvs1/d30", "ip": "10.0.30.1/24"}]}
    elif kind == "routing-neighbour":  # it is the address of a1:Vlan30, a0's OSPF neighbour, asked for directly
        d["switches"]["a0"]["routing"] = {"protocol": "ospf"}
        d["switches"]["a0"]["interfaces"]["Gi1/0/1"] = {"mode": "trunk"}
        d["switches"]["a1"] = {"vlans": [30, 40], "routing": {"protocol": "ospf"}, "interfaces": {
            "Vlan30": {"ip": "10.0.30.2/24"}, "Vlan40": {"ip": "10.0.40.1/24"},
            "Gi2/0/1": {"mode": "trunk"}, "Gi2/0/2": {"mode": "trunk"}}}
        d["hosts"]["esx3"] = {"nics": {"vmnic0": {}}, "vswitches": {"vSwitch0": {
            "uplinks": ["vmnic0"], "portgroups": {"VM40": {"vlan": 40}}}}}
        d["links"] += [["a0:Gi1/0/1", "a1:Gi2/0/1"], ["esx3:vmnic0", "a1:Gi2/0/2"]]
        d["vms"]["vm30"] = {"host": "esx3", "nics": [{"network": "VM40", "ip": "10.0.40.10/24", "gateway": "10.0.40.1"}]}
        d["hosts"]["esx0"]["vmkernel"]["vmk0"]["ip"] = "10.0.30.2/24"
    return Case(d, ())


@pytest.mark.parametrize("kind", ["fhrp-vip", "vm-holder", "routing-neighbour"])
def test_reach_equals_trace_on_other_holders_of_a_raced_address(kind: str) -> None:
    wrong = disagreements(_variant(kind))
    assert not wrong, "\n".join(wrong[:5])


@pytest.mark.parametrize("kind", ["known", "through-gateway", "asked-directly", "fhrp-vip", "vm-holder",
                                  "routing-neighbour"])
def test_the_failure_sweep_is_exact_where_a_raced_address_turns_on_the_frame(kind: str) -> None:
    """The failure sweep answers from the intact design's classes too: every single failure of these designs loses
    exactly the pairs a walk of every pair loses (the routing-neighbour design lost esx2:vmk0 -> a1:Vlan30 in
    every scenario before the fix, a pair that was never reachable)."""
    case = (_case(DESIGN) if kind == "known" else _case(OFF_TEAM, kind == "through-gateway")
            if kind in ("through-gateway", "asked-directly") else _variant(kind))
    inv = case.inventory()
    base = Baseline(inv, settings=case.settings)
    for item in elements(inv, list(KINDS)):
        got = {(a, b) for a, b in run_scenario(base, [item])["lost"]}
        assert got == lost_by_walk(case, [item]), item
