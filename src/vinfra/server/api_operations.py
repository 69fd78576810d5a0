"""Operations as tasks (202 + the task), tasks, events (list and server-sent events), alarms and what-if."""

from __future__ import annotations

import asyncio
from typing import Annotated, Any, Literal

import orjson
from fastapi import APIRouter, Path, Query, Request
from fastapi.responses import StreamingResponse
from pydantic import BaseModel, Field
from sqlalchemy import func, select

from .alarms import alarm_row
from .auth import Canceller, Configurer, Migrator, PowerUser, Reader
from .models import Alarm, Event
from .problems import Problem

router = APIRouter()
Name = Annotated[str, Field(min_length=1, max_length=400)]


def _tasks(request: Request) -> Any:
    return request.app.state.server.tasks


class PowerBody(BaseModel):
    action: Literal["on", "off", "reset"]


class MigrateBody(BaseModel):
    host: Name
    strict: bool = Field(False, description="also require each vNIC's VLAN in the same layer-2 domain (VlanMismatch)")


class PortGroupBody(BaseModel):
    vswitch: Name
    name: Name
    vlan: int = Field(0, ge=0, le=4095)
    teaming: dict[str, Any] | None = None


class PortGroupChange(BaseModel):
    vlan: int | None = Field(None, ge=0, le=4095)
    teaming: dict[str, Any] | None = Field(None, description="the override; null with 'teaming' sent drops it")


class FailBody(BaseModel):
    element: Name = Field(description="a device, DEVICE:INTERFACE or a link A:X--B:Y")


@router.post("/vms/{name}/power", status_code=202, tags=["operations"])
def power_vm(request: Request, name: str, body: PowerBody, who: PowerUser) -> dict[str, Any]:
    """Power a VM on, off or reset it (a task)."""
    return _tasks(request).submit("power", name, body.model_dump(), who.name)


@router.post("/vms/{name}/migrate", status_code=202, tags=["operations"])
def migrate_vm(request: Request, name: str, body: MigrateBody, who: Migrator) -> dict[str, Any]:
    """vMotion a VM to another host (a task); a move the vMotion model refuses (cluster-behaviour §1.1) is a
    409 naming the fault at submission, or the task's error if it becomes refused before it runs."""
    return _tasks(request).submit("migrate", name, body.model_dump(), who.name)


@router.post("/hosts/{name}/portgroups", status_code=202, tags=["operations"])
def add_portgroup(request: Request, name: str, body: PortGroupBody, who: Configurer) -> dict[str, Any]:
    return _tasks(request).submit("add_portgroup", name, body.model_dump(exclude_none=True), who.name)


@router.patch("/hosts/{name}/portgroups/{portgroup}", status_code=202, tags=["operations"])
def update_portgroup(request: Request, name: str, portgroup: str, body: PortGroupChange, who: Configurer
                     ) -> dict[str, Any]:
    """Change a port group's VLAN and/or teaming override."""
    params = {"name": portgroup, "vlan": body.vlan, "teaming": body.teaming,
              "set": sorted(body.model_fields_set)}
    return _tasks(request).submit("update_portgroup", name, params, who.name)


@router.delete("/hosts/{name}/portgroups/{portgroup}", status_code=202, tags=["operations"])
def remove_portgroup(request: Request, name: str, portgroup: str, who: Configurer) -> dict[str, Any]:
    return _tasks(request).submit("remove_portgroup", name, {"name": portgroup}, who.name)


@router.post("/failures", status_code=202, tags=["operations"])
def fail_element(request: Request, body: FailBody, who: Configurer) -> dict[str, Any]:
    """Fail an element (a task): it is added to the design's ``failures``."""
    return _tasks(request).submit("fail", body.element, {}, who.name)


@router.delete("/failures/{element:path}", status_code=202, tags=["operations"])
def restore_element(request: Request, element: str, who: Configurer) -> dict[str, Any]:
    return _tasks(request).submit("restore", element, {}, who.name)


class DrsBody(BaseModel):
    automatic_only: bool = Field(False, description="apply only what the cluster's automation level would")


@router.post("/hosts/{name}/maintenance", status_code=202, tags=["operations"])
def enter_maintenance(request: Request, name: str, who: Configurer) -> dict[str, Any]:
    """Enter maintenance mode: DRS evacuates the powered-on VMs (a task; needs the DRS module)."""
    return _tasks(request).submit("enter_maintenance", name, {}, who.name)


@router.delete("/hosts/{name}/maintenance", status_code=202, tags=["operations"])
def exit_maintenance(request: Request, name: str, who: Configurer) -> dict[str, Any]:
    return _tasks(request).submit("exit_maintenance", name, {}, who.name)


@router.post("/clusters/{name}/drs", status_code=202, tags=["operations"])
def apply_drs(request: Request, name: str, body: DrsBody, who: Configurer) -> dict[str, Any]:
    """Run DRS on a cluster and apply its recommendations (a task; needs the DRS module)."""
    return _tasks(request).submit("apply_drs", name, body.model_dump(), who.name)


class NicSettings(BaseModel):
    ip: str | None = Field(None, max_length=64, description="the guest's address with its prefix, e.g. 10.0.10.5/24")
    gateway: str | None = Field(None, max_length=64)


class Customization(BaseModel):
    """Guest customization (cluster-behaviour §4.2): runs on the clone's first boot."""

    hostname: str | None = Field(None, max_length=253)
    nics: list[NicSettings] = Field([], max_length=64, description="per vNIC, in the template's order")


class CloneBody(BaseModel):
    name: Name = Field(description="the new VM's name")
    cluster: Name | None = Field(None, description="the destination cluster (its resource pool); DRS places the VM")
    host: Name | None = Field(None, description="a host of the cluster, or a standalone host")
    linked: bool = Field(False, description="a linked clone (a delta disk on the snapshot's disks): needs 'snapshot'")
    snapshot: Name | None = Field(None, description="the template's snapshot to clone from")
    power_on: bool = False
    customization: Customization | None = None


def clone_params(body: CloneBody) -> dict[str, Any]:
    """The clone task's parameters: the body with the customization flattened (``hostname``, ``nics``)."""
    params = body.model_dump(exclude={"customization"})
    custom = body.customization
    params["hostname"] = custom.hostname if custom else None
    params["nics"] = [n.model_dump() for n in custom.nics] if custom else []
    return params


@router.post("/templates/{name}/clone", status_code=202, tags=["operations"])
def clone_template(request: Request, name: str, body: CloneBody, who: Configurer) -> dict[str, Any]:
    """Clone a template into a new VM (a task; cluster-behaviour §4.2): full, or linked from a snapshot, with
    guest customization.  A clone the provisioning model refuses is a 409 naming the fault (404 for an unknown
    template), or the task's error if it becomes refused before it runs.  Administrator only: provisioning
    creates inventory (vCenter's ``VirtualMachine.Provisioning.DeployTemplate`` is in no built-in VM-user role,
    and the Operator role here is power and migration, no configuration)."""
    return _tasks(request).submit("clone", name, clone_params(body), who.name)


# tasks -------------------------------------------------------------------------------------------------
@router.get("/tasks", tags=["tasks"])
def list_tasks(request: Request, _: Reader,
               state: Literal["queued", "running", "success", "error"] | None = None,
               limit: Annotated[int, Query(ge=1, le=1000)] = 100,
               offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> dict[str, Any]:
    """Tasks, newest first."""
    count, rows = _tasks(request).list(state, limit, offset)
    return {"count": count, "limit": limit, "offset": offset, "results": rows}


@router.get("/tasks/{task_id}", tags=["tasks"])
def get_task(request: Request, task_id: Annotated[int, Path(ge=1, le=2**62)], _: Reader) -> dict[str, Any]:
    return _tasks(request).get(task_id)


@router.post("/tasks/{task_id}/cancel", tags=["tasks"])
def cancel_task(request: Request, task_id: Annotated[int, Path(ge=1, le=2**62)], who: Canceller) -> dict[str, Any]:
    """Cancel a queued task (it ends in error with ``RequestCanceled``); 409 once it runs or ended."""
    return _tasks(request).cancel(task_id, who.name)


# events and alarms ---------------------------------------------------------------------------------------
def _event_row(e: Event) -> dict[str, Any]:
    return {"id": e.id, "time": e.created_at.isoformat(), "kind": e.kind, "user": e.user, "object": e.object,
            "message": e.message, "chain_id": e.chain_id, "revision": e.revision_id}


def _events_after(db: Any, since: int, limit: int) -> list[dict[str, Any]]:
    with db.read() as s:
        return [_event_row(e) for e in s.scalars(select(Event).where(Event.id > since).order_by(Event.id).limit(limit))]


@router.get("/events", tags=["events"])
def list_events(request: Request, _: Reader, since: Annotated[int, Query(ge=0, le=2**62)] = 0,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100) -> dict[str, Any]:
    """Events with an id above ``since``, oldest first; ``next_since`` continues after the last one."""
    rows = _events_after(request.app.state.server.db, since, limit)
    return {"results": rows, "next_since": rows[-1]["id"] if rows else since}


#: how often the event stream looks for new events (s)
STREAM_POLL_S = 0.2


@router.get("/events/stream", tags=["events"], response_class=StreamingResponse,
            responses={200: {"content": {"text/event-stream": {}}}})
async def stream_events(request: Request, _: Reader, since: Annotated[int, Query(ge=0, le=2**62)] = 0,
                        limit: Annotated[int | None, Query(ge=1, le=10**6)] = None) -> StreamingResponse:
    """Server-sent events: each event as ``id:``/``event:``/``data:`` lines, from ``since`` (or the
    ``Last-Event-ID`` header) on; the stream ends after ``limit`` events, or when the client leaves."""
    from starlette.concurrency import run_in_threadpool

    db = request.app.state.server.db
    last = request.headers.get("last-event-id")
    start = int(last) if last and last.isdigit() else since

    async def gen() -> Any:
        after, sent = start, 0
        while limit is None or sent < limit:
            rows = await run_in_threadpool(_events_after, db, after, 100 if limit is None else min(100, limit - sent))
            for row in rows:
                yield f"id: {row['id']}\nevent: {row['kind']}\ndata: {orjson.dumps(row).decode()}\n\n"
                after, sent = row["id"], sent + 1
            if not rows:
                if await request.is_disconnected():
                    return
                await asyncio.sleep(STREAM_POLL_S)

    return StreamingResponse(gen(), media_type="text/event-stream", headers={"Cache-Control": "no-cache"})


@router.get("/alarms", tags=["alarms"])
def list_alarms(request: Request, _: Reader, status: Literal["red", "green"] | None = None,
                limit: Annotated[int, Query(ge=1, le=1000)] = 100,
                offset: Annotated[int, Query(ge=0, le=10**9)] = 0) -> dict[str, Any]:
    """Alarms raised by error findings: red while the finding holds, green once cleared; newest first."""
    q = select(Alarm)
    if status:
        q = q.where(Alarm.status == status)
    with request.app.state.server.db.read() as s:
        count = s.scalar(select(func.count()).select_from(q.subquery())) or 0
        rows = [alarm_row(a) for a in s.scalars(q.order_by(Alarm.id.desc()).limit(limit).offset(offset))]
    return {"count": count, "limit": limit, "offset": offset, "results": rows}


# what-if -------------------------------------------------------------------------------------------------
class Change(BaseModel):
    op: Literal["put", "delete"]
    section: Literal["switches", "hosts", "dvswitches", "clusters", "datastores", "vms", "templates", "links",
                     "failures", "name", "description"]
    name: str | None = Field(None, max_length=400)
    value: Any = None


class WhatIf(BaseModel):
    fail: list[Name] = Field([], max_length=100, description="elements to fail, as vinfra diff --fail")
    changes: list[Change] = Field([], max_length=1000, description="changes as revisions hold them")
    revision: int | None = Field(None, ge=1, description="the revision to start from (default: the head)")


@router.post("/whatif", tags=["analysis"])
def whatif(request: Request, body: WhatIf, _: Reader) -> dict[str, Any]:
    """What a proposed change and/or failures would do, changing nothing: the reachability and findings that
    change, computed by :func:`vinfra.analysis.diff.diff` (the code of ``vinfra diff``), and ``ha``: for each
    cluster with a host failed in the fork (by ``fail`` or by a change to ``failures``), HA's restart plan
    (:func:`vinfra.cluster.ha.restart_plan`, cluster-behaviour §3.3, as ``vinfra ha --fail-host`` answers it);
    ``ha_unprotected``: failed hosts in no cluster (HA restarts nothing of theirs); ``drs``: for each cluster
    with DRS enabled whose hosts the fork fails, or that a change touches, the DRS pass that follows (DRS runs
    on a host's removal, scenario-v1; cluster-behaviour §2.4) on the state after HA's restarts, every move
    passing HA admission control, as ``vinfra drs`` answers it (:func:`vinfra.cluster.drs.drs_pass`)."""
    from ..analysis.diff import diff
    from ..io.design import from_data
    from ..io.errors import DesignError
    from ..network import FailureError, Snapshot
    from .store import apply_ops, design_problem

    store = request.app.state.server.store
    head = store.current
    base_rev = body.revision or head.revision
    before_inv = store.inventory_at(base_rev)
    after_inv = before_inv
    if body.changes:
        data = apply_ops(store.data_at(base_rev), [c.model_dump() for c in body.changes])
        try:
            after_inv = from_data(data, source="<whatif>")
        except DesignError as exc:
            raise design_problem(exc) from None
    before = head.snapshot if base_rev == head.revision else Snapshot(before_inv)
    try:
        after = Snapshot(after_inv, fail=body.fail)
    except FailureError as exc:
        raise Problem(422, "invalid-input", str(exc), [{"field": "body.fail", "message": str(exc)}]) from None
    ha, unprotected, state = _ha_consequences(before_inv, after_inv, body.fail)
    touched = {c.name for c in body.changes if c.section == "clusters" and c.name}
    touched |= {h.get("cluster") for c in body.changes if c.section == "hosts" and isinstance(h := c.value, dict)}
    touched |= {plan["cluster"] for plan in ha}
    drs = _drs_consequences(after_inv, state, touched)
    return {"revision": base_rev, **diff(before, after), "ha": ha, "ha_unprotected": unprotected, "drs": drs}


def _drs_consequences(inv: Any, state: Any, clusters: set[Any]) -> list[dict[str, Any]]:
    """DRS's pass on each cluster of ``clusters`` that exists in the fork with DRS enabled, on ``state``."""
    from ..cluster.drs import drs_pass
    from ..cluster.ha import admission_hook

    return [drs_pass(inv, c, state=state, ha_admits=admission_hook(inv, c)).row()
            for c in sorted(x for x in clusters if isinstance(x, str))
            if c in inv.clusters and inv.clusters[c].drs.enabled]


def _ha_consequences(before: Any, after: Any, fail: list[str]) -> tuple[list[dict[str, Any]], list[str], Any]:
    """HA's restart plan per cluster for the hosts the fork fails: the hosts named in ``fail`` and those a
    change adds to the design's ``failures``; the cluster state before the failure is ``after``'s with those
    hosts still up (hosts failed in the base design stay failed, §3.3 restarts only the new failures).  Third:
    the cluster state after the failures and the restarts (what DRS then balances)."""
    from ..cluster.ha import restart_plan
    from ..cluster.state import ClusterState
    from ..model import FailureRef

    def failed_hosts(refs: Any) -> list[str]:
        return [r.device for r in refs if r.kind == "device" and r.device in after.hosts]

    already = set(failed_hosts(before.failures))
    by_change = [h for h in failed_hosts(after.failures) if h not in already]
    named = failed_hosts(FailureRef.parse(f) for f in fail)
    new = [h for h in dict.fromkeys([*by_change, *named]) if h not in already]
    state = ClusterState.of(after)
    for h in by_change:
        state = state.with_host(h, failed=False)
    clusters: dict[str, list[str]] = {}
    unprotected = []
    for h in new:
        cluster = after.hosts[h].cluster
        if cluster is None:
            unprotected.append(h)
        else:
            clusters.setdefault(cluster, []).append(h)
    plans = [restart_plan(after, c, hosts, state=state) for c, hosts in clusters.items()]
    for h in new:
        state = state.with_host(h, failed=True)
    restarted = {r.vm: r.host for plan in plans for r in plan.restarted}
    for v, vs in list(state.vms.items()):
        if v in restarted:
            state = state.with_vm(v, host=restarted[v], power="on")
        elif vs.host in new and vs.power == "on":  # not restarted: down with its host
            state = state.with_vm(v, power="off")
    return [plan.row() for plan in plans], unprotected, state
