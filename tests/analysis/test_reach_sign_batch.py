"""``Reach.sign`` (the signatures of many ports in one pass: a port after the first of its port key, or of its
port group on a host alike, takes a short path) gives exactly what :meth:`Reach.signature` gives port by port:
the same signature per name, the same classes with their members in the same order, the same numbered views,
and the same view keys and problems kept by the walk.  Drawn over the whole design space (failures included),
with a twin of every host (hosts alike share the work) and *near twins*: a twin changed in one thing that its
host profile must tell apart (a port group's VLAN, its failover order or policy, the VLAN settings or state of the
switch port a vmnic meets, a failed vmnic or host, a VM powered off or a NIC disconnected)."""

from __future__ import annotations

import copy
import dataclasses
from random import Random
from typing import Any

import pytest
from hypothesis import HealthCheck, given, note, settings
from hypothesis import strategies as st

import vinfra
from _deep import examples
from _random_design import Case, cases, sample, with_twins
from vinfra.analysis.reach import Reach
from vinfra.io.errors import DesignError
from vinfra.network import Snapshot


def _assert_sign_agrees(case: Case) -> None:
    eps = case.snapshot().endpoints.listed()
    eps = eps + eps[: len(eps) // 3]  # a port asked for again: its signature is kept, its class not joined twice
    one_by_one = Reach(case.snapshot())
    for e in eps:
        one_by_one.signature(e)
    batch = Reach(case.snapshot())
    batch.sign(eps)
    assert batch._sig == one_by_one._sig
    assert {s: [e.name for e in m] for s, m in batch._members.items()} == \
        {s: [e.name for e in m] for s, m in one_by_one._members.items()}
    assert batch._view_list == one_by_one._view_list
    assert batch.fw._view_keys == one_by_one.fw._view_keys
    assert batch.fw._problems == one_by_one.fw._problems


def _far_ports(design: dict[str, Any], host: str) -> list[tuple[str, str, str]]:
    """(vmnic, switch, port) of each of ``host``'s vmnics cabled to a declared switch port."""
    out = []
    for a, b in design["links"]:
        for here, there in ((a, b), (b, a)):
            h, _, nic = here.partition(":")
            sw, _, port = there.partition(":")
            if h == host and port in design["switches"].get(sw, {}).get("interfaces", {}):
                out.append((nic, sw, port))
    return out


KINDS = ("alike", "pg_vlan", "teaming", "port_vlans", "port_state", "fail_nic", "fail_host", "vm")


def near_twins(case: Case, seed: int, kind: str | None = None) -> Case:
    """``case`` with twins (:func:`with_twins`), each twin changed in one thing of ``kind`` (one of
    :data:`KINDS`; None: each twin's drawn) with ``seed``."""
    case = with_twins(case, seed)
    design = copy.deepcopy(case.design)
    fail = list(case.fail)
    rng = Random(seed)
    twins = sorted(h for h in design["hosts"] if h.endswith("t") and h[:-1] in design["hosts"])
    for twin in twins:
        before, fail_before = copy.deepcopy(design), list(fail)
        host = design["hosts"][twin]
        what = kind or rng.choice(KINDS)
        # the port groups with ports on the twin first: a change elsewhere tells nothing apart
        used = {n.get("network") for vm in design.get("vms", {}).values() if vm.get("host") == twin
                for n in vm.get("nics", [])} | {k.get("portgroup") for k in host.get("vmkernel", {}).values()}
        pgs = [(v, label, pg) for v in host.get("vswitches", {}).values()
               for label, pg in v.get("portgroups", {}).items()]
        pgs = [x for x in pgs if x[1] in used] or pgs
        far = _far_ports(design, twin)
        if what == "pg_vlan" and pgs:
            pg = rng.choice(pgs)[2]
            pg["vlan"] = rng.choice([v for v in (0, 1, 10, 20, 30, 40, 4095) if v != pg.get("vlan")])
        elif what == "teaming" and pgs:
            vs, label, pg = rng.choice(pgs)
            ups = list(vs.get("uplinks", []))
            team = Snapshot(vinfra.from_data(design)).team(twin, label)
            # another failover order than the one the twin (and its host) has, drawn (a vSwitch may have many uplinks:
            # never every order)
            orders = []
            for _ in range(20):
                order = rng.sample(ups, len(ups)) if ups else []
                k = rng.randint(1, len(order)) if order else 0
                o = (tuple(order[:k]), tuple(order[k:]))
                if order and (team is None or o != (team.active, team.standby)):
                    orders.append(o)
                    break
            if orders:
                active, standby = orders[0]
                pg["teaming"] = {"active": list(active), "standby": list(standby)}
                if rng.random() < 0.3:
                    pg["teaming"]["policy"] = rng.choice(["port_id", "mac_hash", "explicit", "ip_hash"])
        elif what == "port_vlans" and far:
            _, sw, port = rng.choice(far)
            s = design["switches"][sw]["interfaces"][port]
            if s.get("mode") == "access":
                s["access_vlan"] = rng.choice([1, 10, 20, 30])
            else:
                s["mode"] = "trunk"
                allowed = [v for v in s.get("allowed_vlans", [1, 10, 20, 30, 40]) if rng.random() < 0.7]
                s["allowed_vlans"] = allowed or [1]
                s["native_vlan"] = rng.choice([1, 10, 20])
        elif what == "port_state" and far:
            _, sw, port = rng.choice(far)
            design["switches"][sw]["interfaces"][port]["shutdown"] = True
        elif what == "fail_nic" and far:
            fail.append(f"{twin}:{rng.choice(far)[0]}")
        elif what == "fail_host":
            fail.append(twin)
        elif what == "vm":
            vms = [vm for vm in design.get("vms", {}).values() if vm.get("host") == twin]
            if vms:
                vm = rng.choice(vms)
                if rng.random() < 0.5 or not vm.get("nics"):
                    vm["power"] = "off"
                else:
                    vm["nics"][0]["connected"] = False
        try:
            vinfra.from_data(design)
        except DesignError:  # a change the model refuses (a VGT guest's port group off VLAN 4095): left alike
            design, fail = before, fail_before
    return dataclasses.replace(case, design=design, fail=tuple(fail))


def test_sign_agrees_on_a_fixed_sample() -> None:
    for i, case in enumerate(sample(31, 40)):
        _assert_sign_agrees(case)
        for kind in KINDS:
            _assert_sign_agrees(near_twins(case, i, kind))


@pytest.mark.deep
@settings(max_examples=examples(40), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases(), st.integers(0, 2**16))
def test_sign_agrees(case: Case, seed: int) -> None:
    twinned = near_twins(case, seed)
    note(twinned.text())
    _assert_sign_agrees(twinned)
