"""Property: what :attr:`CheckContext.team_rows` gathers in one pass (by the ids of interned settings, VLAN types
and node lists) and the ports' team keys (:meth:`CheckContext.team_key`'s look-up in the teams) are what the
context's per-key accessors, and :meth:`Inventory.portgroup_of`, answer one by one, on random designs from across
topology-v1 with a twin of every host (so that teams alike do share the memos)."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, note, settings

from _deep import examples
from _random_design import Case, cases, sample, with_twins
from vinfra.checks.context import CheckContext
from vinfra.model import Inventory


def _portgroup_key(inv: Inventory, host: str, network: str) -> tuple[str, str] | None:
    """The team key of a port on ``network`` as :meth:`Inventory.portgroup_of` resolves it."""
    found = inv.portgroup_of(host, network)
    if found is None:
        return None
    kind, switch, label = found
    return (host, label) if kind == "vss" else (host, f"{switch}/{label}")


def _agree(case: Case) -> None:
    snap = case.snapshot()
    ctx = CheckContext(snap)
    rows = ctx.team_rows
    assert [r[0] for r in rows] == sorted(ctx.teams)
    assert [r[0] for r in ctx.team_rows_in_order] == list(ctx.teams)
    one = CheckContext(snap)  # asked key by key, without the rows
    for key, team, pgv, cabled, strays, carriage in rows:
        assert team is ctx.teams[key]
        assert pgv == one.pg_vlan(team)
        assert cabled == one.cabled(key)
        assert strays == one.strays(key)
        assert carriage == one.team_carriage(key)
        assert ctx.team_node_set(key) == sorted({node for _, node in one.team_nodes(key)})
    for e in ctx.endpoints:
        if e.kind == "vm":
            vm = snap.inventory.vms[e.path[1]]  # type: ignore[index]
            want = _portgroup_key(snap.inventory, e.host, vm.nics[e.path[3]].network)  # type: ignore[index]
        else:
            vmk = snap.inventory.hosts[e.host].vmkernel[e.path[3]]  # type: ignore[index]
            want = _portgroup_key(snap.inventory, e.host, vmk.portgroup)
        assert e.team == want
        if e.team is not None:
            assert e.team in ctx.teams
            pgv = one.port_vlan(e.team, e.guest_vlan)
            assert ctx.endpoint_nodes(e) == sorted({node for _, node in one._nodes_of(e.team, pgv)})


def test_the_sample_agrees() -> None:
    for case in sample(9, 12):
        _agree(with_twins(case))


@pytest.mark.deep
@settings(max_examples=examples(40), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_team_rows_and_team_keys_agree_with_each_look_up(case: Case) -> None:
    case = with_twins(case)
    note(case.text())
    _agree(case)
