"""Property: a VMkernel port's ID worked out from the host's VMkernel ports alone (:func:`vmk_port_id`, what
``Endpoints`` uses) is the one :func:`host_port_ids` numbers with every VM NIC of the host (T1), on random
designs from across topology-v1, their VMkernel ports on standard and distributed switches; and so are the
port IDs :attr:`Endpoints.all` numbers in its one pass over the design, whose endpoints are each what their
name resolves to alone."""

from __future__ import annotations

import pytest
from hypothesis import HealthCheck, given, note, settings

from _deep import examples
from _random_design import Case, cases, sample
from vinfra.network import Snapshot
from vinfra.network.endpoints import host_port_ids, vmk_port_id


def _agree(case: Case) -> int:
    inv = case.inventory()
    n = 0
    for hname, host in inv.hosts.items():
        ids = host_port_ids(inv, hname)
        for kname in host.vmkernel:
            assert vmk_port_id(inv, hname, kname) == ids.get((hname, "vmk", kname), 0), (hname, kname)
            n += 1
    # every endpoint, whose port IDs are numbered in one pass over the design, agrees too; and each is the
    # endpoint its name resolves to on its own
    eps = Snapshot(inv).endpoints.all
    alone = Snapshot(inv).endpoints
    for e in eps:
        if e.kind == "vm" and e.vm is not None and e.nic is not None:
            ids = host_port_ids(inv, e.device) if e.device in inv.hosts else {}
            assert e.port_id == ids.get((e.vm, "nic", e.nic), 0), e.name
        elif e.kind == "vmk" and e.interface is not None:
            assert e.port_id == vmk_port_id(inv, e.device, e.interface), e.name
        assert alone.get(e.name) == e, e.name
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


def test_an_endpoint_is_a_value_built_positionally_or_by_keyword() -> None:
    """Endpoints are built positionally in bulk (Endpoints.all) and by keyword elsewhere: the same value, equal
    and hashing alike, as the frozen dataclass it replaced."""
    from ipaddress import IPv4Address, IPv4Interface

    from vinfra.network.endpoints import Endpoint

    ip, gw = IPv4Interface("10.0.0.5/24"), IPv4Address("10.0.0.1")
    for fast, slow in (
        (Endpoint("web01:nic1", "vm", "esx1", ip, "00:50:56:00:00:01", gw, "VM-10", 3, "web01", 1, None, None, 20),
         Endpoint("web01:nic1", "vm", "esx1", ip, "00:50:56:00:00:01", gw, "VM-10", 3, vm="web01", nic=1,
                  guest_vlan=20)),
        (Endpoint("esx1:vmk0", "vmk", "esx1", ip, "00:50:56:00:00:02", gw, "Management", 0, None, None, "vmk0", None,
                  None),
         Endpoint("esx1:vmk0", "vmk", "esx1", ip, "00:50:56:00:00:02", gw, "Management", 0, interface="vmk0")),
    ):
        assert fast == slow and hash(fast) == hash(slow) and repr(fast) == repr(slow)
    assert Endpoint("a", "vm", "h", None, "m") != Endpoint("a", "vm", "h", None, "m", port_id=1)
