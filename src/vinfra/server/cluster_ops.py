"""The cluster services' operations (maintenance mode, applying DRS, clone from template), behind this one
adapter: they call the DRS model (:mod:`vinfra.cluster.drs`) through :func:`drs_pass` only, every move also
passing HA admission control (:func:`vinfra.cluster.ha.admission_hook`, cluster-behaviour §1.1 P7, §2.7);
clones go through the provisioning model (:func:`vinfra.cluster.provisioning.check_clone`, §4.2).

HA's restarts after a host failure are part of the ``fail`` operation (:func:`vinfra.server.operations.fail`).
"""

from __future__ import annotations

from typing import Any

from ..cluster import drs, ha
from ..cluster.provisioning import CloneRequest, check_clone, clone_operation
from ..cluster.state import ClusterState
from ..cluster.vmotion import Operation
from .operations import Fault, Plan
from .store import Head

#: [model] the time to enter or exit maintenance mode beyond the evacuation's vMotions (s)
MAINTENANCE_S = 1.0


def drs_pass(head: Head, cluster: str, maintenance: tuple[str, ...] = ()) -> dict[str, Any]:
    """``vinfra.cluster.drs.drs_pass(...).row()`` on the head, with the host in ``maintenance`` evacuated."""
    inv = head.inventory
    return drs.drs_pass(inv, cluster, maintenance=maintenance, ha_admits=ha.admission_hook(inv, cluster)).row()


def _moves(head: Head, recommendations: list[dict[str, Any]]) -> list[dict[str, Any]]:
    """The VM puts of recommendations applied in order (a VM moved twice ends where the last one put it)."""
    vms: dict[str, dict[str, Any]] = {}
    for rec in recommendations:
        vm = vms.get(rec["vm"]) or dict(head.data["vms"][rec["vm"]])
        vm["host"] = rec["to"]
        vms[rec["vm"]] = vm
    return [{"op": "put", "section": "vms", "name": n, "value": v} for n, v in vms.items()]


def enter_maintenance(head: Head, target: str, params: dict[str, Any]) -> Plan:
    """Enter maintenance mode (cluster-behaviour §2.4): DRS evacuates the host's powered-on VMs; a VM that
    cannot leave (``stuck``) fails the task with ``Timedout``, as vCenter's task does, and nothing changes."""
    host = head.data["hosts"].get(target)
    if host is None:
        raise Fault("NotFound", f"no host {target!r}")
    if host["state"] == "maintenance":
        raise Fault("InvalidState", f"{target} is already in maintenance mode")
    running = [n for n, vm in head.data["vms"].items() if vm["host"] == target and vm["power"] == "on"]
    moves: list[dict[str, Any]] = []
    if running:
        if not host.get("cluster"):
            raise Fault("InvalidState", f"{target} is standalone and runs {', '.join(running[:5])}: power them "
                        "off or move them first")
        answer = drs_pass(head, host["cluster"], (target,))
        if answer.get("stuck"):
            stuck = answer["stuck"]
            raise Fault("Timedout", f"{len(stuck)} VM(s) cannot leave {target}: "
                        + "; ".join(f"{s['vm']}: {s['reason']}" for s in stuck[:5]),
                        [{"fault": "Timedout", "message": f"{s['vm']}: {s['reason']}"} for s in stuck])
        moves = _moves(head, [r for r in answer["recommendations"] if r["from"] == target or r["vm"] in running])
    ops = [*moves, {"op": "put", "section": "hosts", "name": target, "value": {**host, "state": "maintenance"}}]
    events = [{"kind": "DrsVmMigratedEvent", "object": f"vms/{m['name']}",
               "message": f"{m['name']} migrated to {m['value']['host']} (DRS, {target} entering maintenance)"}
              for m in moves]
    events.append({"kind": "EnteredMaintenanceModeEvent", "object": f"hosts/{target}",
                   "message": f"{target} entered maintenance mode"})
    return Plan(ops, events, MAINTENANCE_S, f"enter maintenance mode {target}",
                {"evacuated": [{"vm": m["name"], "to": m["value"]["host"]} for m in moves]}, (target,))


def exit_maintenance(head: Head, target: str, params: dict[str, Any]) -> Plan:
    host = head.data["hosts"].get(target)
    if host is None:
        raise Fault("NotFound", f"no host {target!r}")
    if host["state"] != "maintenance":
        raise Fault("InvalidState", f"{target} is not in maintenance mode")
    return Plan([{"op": "put", "section": "hosts", "name": target, "value": {**host, "state": "connected"}}],
                [{"kind": "ExitMaintenanceModeEvent", "object": f"hosts/{target}",
                  "message": f"{target} exited maintenance mode"}],
                MAINTENANCE_S, f"exit maintenance mode {target}", {}, (target,))


def apply_drs(head: Head, target: str, params: dict[str, Any]) -> Plan:
    """Run DRS on a cluster and apply its recommendations (``automatic_only``: those its automation level
    would apply itself)."""
    if target not in head.data["clusters"]:
        raise Fault("NotFound", f"no cluster {target!r}")
    answer = drs_pass(head, target)
    recs = [r for r in answer["recommendations"] if r.get("automatic") or not params.get("automatic_only")]
    moves = _moves(head, recs)
    return Plan(moves, [{"kind": "DrsVmMigratedEvent", "object": f"vms/{m['name']}",
                         "message": f"{m['name']} migrated to {m['value']['host']} (DRS on {target})"}
                        for m in moves],
                0.0, f"apply DRS on {target}", {"applied": recs, "imbalance": answer.get("imbalance")})


def _clone_answer(head: Head, template: str, params: dict[str, Any]) -> dict[str, Any]:
    req = CloneRequest.of({**params, "template": template})
    inv = head.inventory
    return check_clone(inv, req, state=ClusterState.of(inv)).row()


def clone_check(head: Head, template: str, params: dict[str, Any]) -> dict[str, Any]:
    """The provisioning model's answer for a clone request, changing nothing (the web client shows it before
    submit): ``vinfra.cluster.provisioning.check_clone(...).row()``; an unknown template is a fault row too."""
    return _clone_answer(head, template, params)


def clone(head: Head, target: str, params: dict[str, Any]) -> Plan:
    """Clone template ``target`` into a new VM (cluster-behaviour §4.2, ``CloneVM_Task`` template -> VM): every
    check of :func:`vinfra.cluster.provisioning.check_clone` (name, destination cluster or host, linked
    clones only from a snapshot, customization against the network, DRS placement with HA admission
    control); a refusal is the task's fault (the first; all are listed, each naming its request field).  It
    takes the model's time (full: disk / ``clone_mb_s``; linked: 5 s); the new revision adds the VM,
    powered on when asked.  Events: ``VmDeployedEvent``, ``VmPoweredOnEvent`` when powered on, and the
    customization's ``CustomizationSucceeded`` / ``CustomizationFailed`` (a failed customization is an event:
    the clone task still succeeds, §4.2 [model])."""
    if target not in head.data.get("templates", {}):
        raise Fault("NotFound", f"no template {target!r}")
    answer = _clone_answer(head, target, params)
    if not answer["ok"]:
        first = answer["faults"][0]
        raise Fault(first["fault"], first["message"], answer["faults"])
    name, host, vm = answer["name"], answer["host"], answer["vm"]
    kind = f"linked clone of {target}@{answer['snapshot']}" if answer["linked"] else f"full clone of {target}"
    events = [{"kind": "VmDeployedEvent", "object": f"vms/{name}",
               "message": f"{name} deployed from template {target} on {host} ({kind})"}]
    if answer["power_on"]:
        events.append({"kind": "VmPoweredOnEvent", "object": f"vms/{name}", "message": f"{name} on {host}: power on"})
    custom = answer.get("customization")
    if custom and custom.get("event"):
        events.append({"kind": custom["event"], "object": f"vms/{name}", "message": f"{name}: {custom['message']}"})
    return Plan([{"op": "put", "section": "vms", "name": name, "value": vm}], events, float(answer["duration_s"]),
                f"clone {target} -> {name}", {k: answer[k] for k in ("name", "template", "cluster", "host", "linked",
                                                                       "snapshot", "power_on", "duration_s", "disks",
                                                                       "customization", "cost")}, (host,))


def clone_charges(name: str, head: Head | None, template: str, params: dict[str, Any]) -> Operation:
    """A clone task's §1.4 charges: cost 1 on the host the model places it on now (none when refused: the
    task then fails as soon as it runs)."""
    if head is None:
        return Operation(name, ())
    try:
        plan = clone(head, template, params)
    except Fault:
        return Operation(name, ())
    return clone_operation(name, plan.hosts[0])
