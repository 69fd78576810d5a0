"""Property: a VMkernel port's ID worked out from the host's VMkernel ports alone (:func:`vmk_port_id`, what
``Endpoints`` uses) is the one :func:`host_port_ids` numbers with every VM NIC of the host (T1), on random
designs from across topology-v1, their VMkernel ports on standard and distributed switches."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, note, settings

from _deep import examples
from _random_design import Case, cases, sample
from vinfra.network.endpoints import host_port_ids, vmk_port_id


def _agree(case: Case) -> int:
    inv = case.inventory()
    n = 0
    for hname, host in inv.hosts.items():
        ids = host_port_ids(inv, hname)
        for kname in host.vmkernel:
            assert vmk_port_id(inv, hname, kname) == ids.get((hname, "vmk", kname), 0), (hname, kname)
            n += 1
    return n


@pytest.mark.deep
@settings(max_examples=examples(60), deadline=None,
          suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large])
@given(cases())
def test_vmk_port_id_is_host_port_ids(case: Case) -> None:
    note(case.text())
    _agree(case)


def test_the_sample_has_vmkernel_ports_that_agree() -> None:
    assert sum(_agree(case) for case in sample(5, 12)) > 0
