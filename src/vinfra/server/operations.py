"""What each operation does to the design: plain functions of the head (:class:`~vinfra.server.store.Head`)
returning a :class:`Plan` (the changes, the events, how long the model says it takes) or raising
:class:`Fault` with the VMware-style fault name.  No database, no clock: :mod:`vinfra.server.tasks` runs them.

Each is planned twice: at submission (bad parameters are a 4xx, not a task) and again when the task runs,
against the head as it is then, so a task never applies a change its preconditions no longer allow.
"""

from __future__ import annotations

import copy
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from ..cluster.vmotion import VmotionSettings, check_vmotion
from .store import Head


class Fault(Exception):
    """An operation refused: ``fault`` is VMware's name for it (``InvalidPowerState``, ``NetworkNotAccessible``)."""

    def __init__(self, fault: str, message: str, faults: list[dict[str, str]] | None = None) -> None:
        super().__init__(message)
        self.fault, self.message = fault, message
        self.faults = faults or [{"fault": fault, "message": message}]

    def row(self) -> dict[str, Any]:
        return {"fault": self.fault, "message": self.message, "faults": self.faults}


@dataclass(frozen=True, slots=True)
class Durations:
    """[model] how long operations take at ``--time-scale 1`` (s); vMotion takes its pre-copy estimate (§1.3)."""

    power_on_s: float = 2.0
    power_off_s: float = 1.0
    reset_s: float = 2.0
    network_s: float = 0.5  # a port-group change on one host
    failure_s: float = 0.0  # failing or restoring an element is immediate


DURATIONS = Durations()


@dataclass
class Plan:
    ops: list[dict[str, Any]]
    events: list[dict[str, Any]]
    duration_s: float
    message: str
    result: dict[str, Any] = field(default_factory=dict)
    #: the hosts the operation charges (cluster-behaviour §1.4 concurrency costs)
    hosts: tuple[str, ...] = ()


def _vm(head: Head, name: str) -> dict[str, Any]:
    vm = head.data["vms"].get(name)
    if vm is None:
        raise Fault("NotFound", f"no VM {name!r}")
    return vm


def _host(head: Head, name: str) -> dict[str, Any]:
    host = head.data["hosts"].get(name)
    if host is None:
        raise Fault("NotFound", f"no host {name!r}")
    return host


def power(head: Head, target: str, params: dict[str, Any]) -> Plan:
    """Power on, off or reset a VM.  A VM already in the state asked for, or a reset of one not running, is
    ``InvalidPowerState`` (vSphere's fault)."""
    vm = _vm(head, target)
    action = params["action"]
    state = vm["power"]
    if (action == "on" and state == "on") or (action == "off" and state == "off") or (action == "reset" and state != "on"):
        raise Fault("InvalidPowerState", f"{target} is powered {state}: cannot {action}")
    new_state = {"on": "on", "off": "off", "reset": "on"}[action]
    kind = {"on": "VmPoweredOnEvent", "off": "VmPoweredOffEvent", "reset": "VmResettingEvent"}[action]
    duration = {"on": DURATIONS.power_on_s, "off": DURATIONS.power_off_s, "reset": DURATIONS.reset_s}[action]
    ops = [] if new_state == state else [{"op": "put", "section": "vms", "name": target, "value": {**vm, "power": new_state}}]
    return Plan(ops, [{"kind": kind, "object": f"vms/{target}", "message": f"{target} on {vm['host']}: power {action}"}],
                duration, f"power {action} {target}", {"power": new_state}, (vm["host"],))


def migrate(head: Head, target: str, params: dict[str, Any]) -> Plan:
    """vMotion ``target`` to ``params["host"]``: every precondition of cluster-behaviour §1.1 through
    :func:`vinfra.cluster.vmotion.check_vmotion`; a refusal is the task's fault (the first one; all are
    listed) and changes nothing.  Takes the §1.3 pre-copy estimate's total time."""
    vm = _vm(head, target)
    dst = params["host"]
    _host(head, dst)
    if vm["host"] == dst:
        raise Fault("InvalidArgument", f"{target} already runs on {dst}")
    settings = VmotionSettings(strict_network=bool(params.get("strict", False)))
    answer = check_vmotion(head.snapshot, target, dst, settings).row()
    if not answer["ok"]:
        first = answer["faults"][0]
        raise Fault(first["fault"], first["message"], answer["faults"])
    est = answer["estimate"] or {}
    return Plan([{"op": "put", "section": "vms", "name": target, "value": {**vm, "host": dst}}],
                [{"kind": "VmMigratedEvent", "object": f"vms/{target}",
                  "message": f"{target} migrated from {vm['host']} to {dst}"}],
                float(est.get("total_s", 0.0)), f"vMotion {target} {vm['host']} -> {dst}",
                {"from": vm["host"], "to": dst, "estimate": est, "warnings": answer["warnings"]}, (vm["host"], dst))


def _portgroup(host: dict[str, Any], name: str) -> tuple[str, dict[str, Any]] | None:
    for vs_name, vs in host.get("vswitches", {}).items():
        if name in vs.get("portgroups", {}):
            return vs_name, vs["portgroups"][name]
    return None


def add_portgroup(head: Head, target: str, params: dict[str, Any]) -> Plan:
    """Add a port group to a standard vSwitch of a host (``DuplicateName`` if the host has one so named)."""
    host = copy.deepcopy(_host(head, target))
    name, vswitch = params["name"], params["vswitch"]
    if vswitch not in host.get("vswitches", {}):
        raise Fault("NotFound", f"{target} has no vSwitch {vswitch!r}")
    if _portgroup(host, name) is not None:
        raise Fault("DuplicateName", f"{target} already has a port group {name!r}")
    pg: dict[str, Any] = {"vlan": params.get("vlan", 0)}
    if params.get("teaming") is not None:
        pg["teaming"] = params["teaming"]
    host["vswitches"][vswitch]["portgroups"][name] = pg
    return _network_plan(target, host, "HostPortGroupAddedEvent",
                         f"port group {name!r} (VLAN {pg['vlan']}) added to {target}/{vswitch}",
                         f"add port group {name} to {target}/{vswitch}")


def _network_plan(target: str, host: dict[str, Any], event: str, said: str, message: str) -> Plan:
    """A port-group change: the host's new data, one event on it, the network duration, the host charged."""
    return Plan([{"op": "put", "section": "hosts", "name": target, "value": host}],
                [{"kind": event, "object": f"hosts/{target}", "message": said}],
                DURATIONS.network_s, message, {}, (target,))


def _host_with_portgroup(head: Head, target: str, name: str) -> tuple[dict[str, Any], str]:
    """A copy of the target host to edit and the vSwitch holding port group ``name``; none: NotFound."""
    host = copy.deepcopy(_host(head, target))
    found = _portgroup(host, name)
    if found is None:
        raise Fault("NotFound", f"{target} has no port group {name!r}")
    return host, found[0]


def _users_of(head: Head, host_name: str, pg: str) -> list[str]:
    users = [f"vms/{n}" for n, vm in head.data["vms"].items()
             if vm["host"] == host_name and any(nic["network"] == pg for nic in vm.get("nics", []))]
    users += [f"hosts/{host_name}/vmkernel/{k}" for k, vmk in head.data["hosts"][host_name].get("vmkernel", {}).items()
              if vmk.get("portgroup") == pg]
    return users


def remove_portgroup(head: Head, target: str, params: dict[str, Any]) -> Plan:
    """Remove a port group; ``ResourceInUse`` while a VM's vNIC or a VMkernel port is on it."""
    name = params["name"]
    host, vswitch = _host_with_portgroup(head, target, name)
    users = _users_of(head, target, name)
    if users:
        raise Fault("ResourceInUse", f"port group {name!r} on {target} is in use by {', '.join(users[:5])}")
    del host["vswitches"][vswitch]["portgroups"][name]
    return _network_plan(target, host, "HostPortGroupRemovedEvent", f"port group {name!r} removed from {target}/{vswitch}",
                         f"remove port group {name} from {target}")


def update_portgroup(head: Head, target: str, params: dict[str, Any]) -> Plan:
    """Change a port group's VLAN and/or teaming override (``teaming: null`` drops the override)."""
    name = params["name"]
    host, vswitch = _host_with_portgroup(head, target, name)
    pg = host["vswitches"][vswitch]["portgroups"][name]
    said = []
    if params.get("vlan") is not None:
        pg["vlan"] = params["vlan"]
        said.append(f"VLAN {params['vlan']}")
    if "teaming" in params.get("set", ()):
        pg["teaming"] = params.get("teaming")
        said.append(f"teaming {params.get('teaming')}")
    return _network_plan(target, host, "HostPortGroupReconfiguredEvent",
                         f"port group {name!r} on {target}: {', '.join(said) or 'unchanged'}",
                         f"reconfigure port group {name} on {target}")


def _element(head: Head, target: str) -> str:
    """An element's canonical spelling (``sw-a:Gi1/0/1`` and ``sw-a:GigabitEthernet1/0/1`` name one port)."""
    from ..model import FailureRef
    from ..model.inventory import failure_problem

    try:
        ref = FailureRef.parse(target)
    except ValueError as exc:
        raise Fault("InvalidArgument", f"{target}: {exc}") from None
    problem = failure_problem(head.inventory, ref)
    if problem:
        raise Fault("NotFound", f"{target}: {problem}")
    return str(head.inventory.resolve_failure(ref))


def fail(head: Head, target: str, params: dict[str, Any]) -> Plan:
    """Fail an element (a device, ``DEVICE:INTERFACE`` or a link ``A:X--B:Y``; topology-v1 ``failures``)."""
    target = _element(head, target)
    failures = list(head.data.get("failures", []))
    if target in failures:
        raise Fault("InvalidState", f"{target} has already failed")
    ops: list[dict[str, Any]] = [{"op": "put", "section": "failures", "name": None, "value": [*failures, target]}]
    events: list[dict[str, Any]] = [{"kind": "ElementFailedEvent", "object": target, "message": f"{target} failed"}]
    result: dict[str, Any] = {}
    if target in head.data["hosts"]:
        ha = _ha_restarts(head, target)
        if ha is not None:
            ops += ha[0]
            events += ha[1]
            result["ha"] = ha[2]
    return Plan(ops, events, DURATIONS.failure_s, f"fail {target}", result)


def _ha_restarts(head: Head, host: str) -> tuple[list[dict[str, Any]], list[dict[str, Any]], dict[str, Any]] | None:
    """A failed host of an HA cluster: HA's restart plan (:func:`vinfra.cluster.ha.restart_plan`, §3.3) applied
    in the same change, as the converged state after detection and restarts [model: the server does not wait
    out detection and boot times; ``vinfra simulate`` times them]: each restarted VM on its new host, powered
    on (``VmRestartedByHAEvent``); each VM HA cannot restart stays with its failed host
    (``VmFailoverFailed`` or the reason).  None when the host is in no cluster or HA is off there."""
    from ..cluster.ha import restart_plan

    inv = head.inventory
    cluster = inv.hosts[host].cluster
    if cluster is None or cluster not in inv.clusters or not inv.clusters[cluster].ha.enabled:
        return None
    plan = restart_plan(inv, cluster, [host])
    vms = head.data["vms"]
    ops = [{"op": "put", "section": "vms", "name": r.vm, "value": {**vms[r.vm], "host": r.host, "power": "on"}}
           for r in plan.restarted]
    events = [{"kind": "VmRestartedByHAEvent", "object": f"vms/{r.vm}",
               "message": f"vSphere HA restarted {r.vm} on {r.host} ({host} failed)"} for r in plan.restarted]
    failed = set(plan.failover_failed)
    events += [{"kind": "VmFailoverFailed" if n.vm in failed else "VmNotRestartedByHAEvent", "object": f"vms/{n.vm}",
                "message": f"vSphere HA did not restart {n.vm}: {n.reason}"} for n in plan.not_restarted]
    return ops, events, plan.row()


def restore(head: Head, target: str, params: dict[str, Any]) -> Plan:
    """Restore a failed element."""
    target = _element(head, target)
    failures = list(head.data.get("failures", []))
    if target not in failures:
        raise Fault("NotFound", f"{target} has not failed (failed: {', '.join(failures) or 'nothing'})")
    return Plan([{"op": "put", "section": "failures", "name": None, "value": [f for f in failures if f != target]}],
                [{"kind": "ElementRestoredEvent", "object": target, "message": f"{target} restored"}],
                DURATIONS.failure_s, f"restore {target}", {})


Planner = Callable[[Head, str, dict[str, Any]], Plan]

#: operation name -> (planner, privilege)
OPERATIONS: dict[str, tuple[Planner, str]] = {
    "power": (power, "vm.power"),
    "migrate": (migrate, "vm.migrate"),
    "add_portgroup": (add_portgroup, "config"),
    "remove_portgroup": (remove_portgroup, "config"),
    "update_portgroup": (update_portgroup, "config"),
    "fail": (fail, "config"),
    "restore": (restore, "config"),
}


def _register_cluster_ops() -> None:
    from . import cluster_ops

    OPERATIONS.update({"enter_maintenance": (cluster_ops.enter_maintenance, "config"),
                       "exit_maintenance": (cluster_ops.exit_maintenance, "config"),
                       "apply_drs": (cluster_ops.apply_drs, "config"),
                       "clone": (cluster_ops.clone, "config")})


_register_cluster_ops()
