"""DRS moves pass HA admission control (cluster-behaviour §2.4 ``feasible``, §3.4) through
:func:`vinfra.cluster.ha.admission_hook`, as `vinfra drs` and `vinfra verify` run them."""

from __future__ import annotations

from typing import Any

import vinfra
from vinfra.cluster.drs import DrsSettings, drs_pass
from vinfra.cluster.ha import admission_hook
from vinfra.cluster.state import ClusterState


def _design(ha: dict[str, Any]) -> vinfra.Inventory:
    hosts = {h: {"cluster": "c1", "cpu": {"sockets": 1, "cores": 1, "mhz": 10000}, "memory_gb": 64,
                 "datastores": ["ds1"]} for h in ("H1", "H2", "H3")}
    vms = {f"vm{i}": {"host": "H1", "datastore": "ds1", "memory_gb": 2, "load": {"cpu_mhz": 2000, "memory_gb": 1}}
           for i in range(4)}
    return vinfra.from_data({"name": "t", "datastores": {"ds1": {}}, "hosts": hosts, "vms": vms,
                             "clusters": {"c1": {"drs": {"enabled": True}, "ha": ha}}})


def test_no_hook_where_admission_control_cannot_block() -> None:
    assert admission_hook(_design({"enabled": False}), "c1") is None
    assert admission_hook(_design({"enabled": True, "admission_control": {"policy": "disabled"}}), "c1") is None


def test_drs_never_moves_a_vm_onto_a_failover_host() -> None:
    inv = _design({"enabled": True, "admission_control": {"policy": "failover_hosts", "value": ["H3"]}})
    hook = admission_hook(inv, "c1")
    assert hook is not None
    assert hook(ClusterState.of(inv).with_vm("vm0", host="H3")) == "DisallowedOperationOnFailoverHost"
    assert hook(ClusterState.of(inv).with_vm("vm0", host="H2")) is None
    # hosts with no vMotion network: the vMotion checks are a separate question here
    answer = drs_pass(inv, "c1", ha_admits=hook, settings=DrsSettings(vmotion_checks=False))
    assert answer.recommendations and all(r.target == "H2" for r in answer.recommendations)
