"""Views the web client needs that the inventory API does not answer, all read-only (role ``Read-only`` and
up), all computed from the server's head revision by the same code the CLI uses:

- ``GET /web/hosts/{host}/networking``: :func:`vinfra.views.host_diagrams` (what ``vinfra show --host``
  draws), with each uplink's switch port as data (mode, allowed VLANs, native VLAN) and the findings that
  touch each port group and uplink;
- ``GET /web/findings``: every finding of :func:`vinfra.checks.run_checks` (``vinfra check``);
- ``GET /web/topology``: switches, hosts and links with their state (up, partly blocked or degraded, blocked
  by spanning tree, failed), a channel as one edge, and the VLANs each edge carries and blocks;
- ``POST /web/vmotion-check``: :func:`vinfra.cluster.vmotion.check_vmotion` (``vinfra vmotion``), so the
  client shows the checks before it submits a migration;
- ``GET /web/trace``: ``vinfra trace`` between two endpoints, for the path view;
- ``GET /web/hosts/{host}/ha-plan``: HA's restart plan if the host fails (``vinfra ha --fail-host``);
- ``GET /web/clusters/{name}/drs``: the DRS recommendations an apply would carry out (``vinfra drs``).

- ``POST /web/clone-check``: :func:`vinfra.cluster.provisioning.check_clone` (what the clone task runs), so
  the clone dialog shows the refusals, the host DRS picks and the time before it submits, with the
  template's snapshots to offer for a linked clone.

Writes are not here: they belong to the server's task runner (maintenance mode, DRS apply, vMotion, clone)."""

from __future__ import annotations

from dataclasses import asdict
from typing import Annotated, Any

from fastapi import APIRouter, Query, Request
from pydantic import BaseModel, Field

from ..model import InterfaceRef, SwitchInterface
from ..model.vlan import VlanSet
from ..server.api_operations import CloneBody, clone_params
from ..server.auth import Reader
from ..server.problems import Problem

router = APIRouter(prefix="/web", tags=["web"])
Name = Annotated[str, Field(min_length=1, max_length=400)]


def _head(request: Request) -> Any:
    return request.app.state.server.store.current


def _cached(head: Any, key: str, build: Any) -> Any:
    got = head.cache.get(key)
    if got is None:
        got = head.cache[key] = build()
    return got


def findings_of(head: Any) -> list[dict[str, Any]]:
    """Every finding of the head, as ``vinfra check --format json`` shapes them (cached per head)."""
    from ..checks import run_checks

    return _cached(head, "web:findings", lambda: [f.as_dict() for f in run_checks(head.snapshot).findings])


@router.get("/findings")
def findings(request: Request, _: Reader) -> dict[str, Any]:
    """Findings of the checks on the head revision (errors first, then warnings, then info)."""
    head = _head(request)
    rank = {"error": 0, "warning": 1, "info": 2}
    rows = sorted(findings_of(head), key=lambda f: (rank.get(str(f["severity"]), 3), str(f["code"])))
    return {"revision": head.revision, "count": len(rows), "results": rows}


def _switch_port(inv: Any, host: str, nic: str | None) -> dict[str, Any] | None:
    """The switch port a vmnic is cabled to, as data (None when not cabled or not to a switch)."""
    if nic is None:
        return None
    ref = InterfaceRef(host, nic)
    link = inv.link_at(ref)
    if link is None:
        return None
    far = link.other_end(ref)
    iface = inv.interface(far)
    if not isinstance(iface, SwitchInterface):
        return {"port": str(far), "device": far.device, "interface": far.interface, "mode": "host"}
    return {"port": str(far), "device": far.device, "interface": far.interface, "mode": iface.mode,
            "allowed_vlans": str(iface.allowed_vlans) if iface.mode == "trunk" else None,
            "native_vlan": iface.native_vlan if iface.mode == "trunk" else None,
            "access_vlan": iface.vlan if iface.mode == "access" else None,
            "channel_group": iface.channel_group, "shutdown": iface.shutdown}


@router.get("/hosts/{host}/networking")
def host_networking(request: Request, host: str, _: Reader) -> dict[str, Any]:
    """The host's virtual switches as ``vinfra show --host`` draws them, with findings attached: a port group
    is marked by a finding naming ``HOST:SWITCH/PORTGROUP``; an uplink by one naming ``HOST:VMNIC`` or the
    switch port it lands on."""
    from ..views import host_diagrams

    head = _head(request)
    inv = head.inventory
    if host not in inv.hosts:
        raise Problem(404, "not-found", f"no host {host!r}")
    snap = head.snapshot
    all_findings = findings_of(head)
    switches = []
    for d in host_diagrams(inv, host):
        row = asdict(d)
        for pg in row["portgroups"]:
            obj = f"{host}:{d.name}/{pg['label']}"
            pg["object"] = obj
            pg["findings"] = [f for f in all_findings if obj in f["objects"]]
        for up in row["uplinks"]:
            sp = _switch_port(inv, host, up["nic"])
            up["switch_port"] = sp
            up["state"] = ("up" if snap.link_up(InterfaceRef(host, up["nic"])) else "down") if up["nic"] else None
            up["down_reason"] = snap.down_reason(InterfaceRef(host, up["nic"])) if up["nic"] else None
            names = {f"{host}:{up['nic']}"} if up["nic"] else set()
            if sp is not None:
                names.add(sp["port"])
            up["findings"] = [f for f in all_findings if names & set(f["objects"])]
        switches.append(row)
    return {"revision": head.revision, "host": host, "switches": switches}


def _carried(snap: Any, ref: InterfaceRef) -> list[int]:
    try:
        return sorted(snap.port_vlans(ref).carried)
    except (KeyError, ValueError):
        return []


def _vlan_text(vlans: list[int]) -> str:
    return str(VlanSet.of(*vlans)) if vlans else "none"


def _stp_verdict(snap: Any, st: Any) -> tuple[str, list[int], str | None]:
    """``(state, VLANs blocked, why)`` of a logical link between switches from the spanning-tree view (stp.py):
    ``blocked`` when no carried VLAN crosses it (BPDU guard err-disabled it, the single instance of
    stp/rstp/mst blocks it, or every carried VLAN's per-VLAN tree blocks it), ``partly`` when per-VLAN trees
    (or PVID-inconsistent VLANs) block some carried VLANs and the others forward, else ``up``."""
    carried = sorted({va for va, _ in st.pairs})
    if st.err_disabled:
        return "blocked", carried, st.err_disabled
    if st.kind == "cst" and not st.cst_forwarding:
        end = st.blocked_end.get(None, st.port_id[1])
        return "blocked", carried, f"spanning tree ({snap.stp.mode(st.ends[0])}) blocks {end} for every VLAN"
    blocked = sorted(v for v in st.blocked_vlans if v in carried)
    if not blocked:
        return "up", [], None
    # one clause per blocking port ("spanning tree blocks X for VLAN 110-130"), the other causes as stp.py says
    by_end: dict[str, list[int]] = {}
    other: list[str] = []
    for v in blocked:
        why_v = st.blocked_vlans[v]
        if why_v.startswith("spanning tree blocks") and v in st.blocked_end:
            by_end.setdefault(st.blocked_end[v], []).append(v)
        else:
            other.append(why_v)
    reasons = [f"spanning tree blocks {end} for VLAN {_vlan_text(vs)}" for end, vs in sorted(by_end.items())]
    reasons += sorted(set(other))
    shown = "; ".join(reasons[:3]) + (f"; and {len(reasons) - 3} more" if len(reasons) > 3 else "")
    if len(blocked) == len(carried):
        return "blocked", blocked, shown
    forwarding = [v for v in carried if v not in st.blocked_vlans]
    return "partly", blocked, (f"blocked in VLAN {_vlan_text(blocked)}, forwarding VLAN {_vlan_text(forwarding)}: "
                               f"{shown}")


def _member_down(snap: Any, ref: InterfaceRef) -> str:
    """Why a switch port passes no frames: its cable is down, or its channel suspended it."""
    why = snap.down_reason(ref)
    if why is not None:
        return why
    ch = snap.channel_of(ref)
    state = snap.member_state(ref)
    detail = ch.reasons.get(ref) if ch is not None else None
    return f"{ref} is {state}" + (f": {detail}" if detail else "")


def _passes(snap: Any, inv: Any, ref: InterfaceRef) -> bool:
    return snap.forwarding(ref) if ref.device in inv.switches else snap.link_up(ref)


def topology_of(head: Any) -> dict[str, Any]:
    """Nodes (switches, hosts with their cluster) and edges with a state (up, partly, blocked, failed).

    - A logical link between switches (a bundled channel once, stp.py) takes its state from spanning tree
      (:func:`_stp_verdict`): ``blocked``, ``partly`` (some carried VLANs blocked: ``blocked_vlans`` names
      them) or ``up``; a channel that forwards with some members down or suspended is ``partly`` too
      (``members_down`` names them and why).
    - Every other cable (host cables, switch cables that pass nothing) is grouped by the switch end's channel
      (one edge per channel, per peer for an MLAG channel) or drawn alone: ``up`` when every member passes frames, ``failed`` when none
      does, ``partly`` in between.
    ``links`` names each edge's cables (the what-if fails them); ``vlans`` the VLANs it carries."""
    snap = head.snapshot
    inv = head.inventory
    nodes = [{"id": n, "kind": "switch", "role": sw.role, "group": f"switches:{sw.role or 'switch'}"}
             for n, sw in inv.switches.items()]
    nodes += [{"id": n, "kind": "host", "cluster": h.cluster, "group": f"cluster:{h.cluster or '-'}"}
              for n, h in inv.hosts.items()]
    edges: list[dict[str, Any]] = []
    covered: set[str] = set()  # cable names already drawn

    def cable_of(ref: InterfaceRef) -> Any:
        return inv.link_at(ref)

    for st in snap.stp.links:
        a, b = st.link.a, st.link.b
        state, blocked, why = _stp_verdict(snap, st)
        cables: list[str] = []
        down: list[dict[str, str]] = []
        for end in (a, b):
            ch = snap.channel_of(end.members[0]) if end.channel else None
            for m in (ch.members if ch is not None else end.members):
                link = cable_of(m)
                if link is None or link.name in covered:
                    continue
                covered.add(link.name)
                cables.append(link.name)
                far = link.other_end(m)
                if not (_passes(snap, inv, m) and _passes(snap, inv, far)):
                    down.append({"link": link.name, "why": _member_down(snap, m if not _passes(snap, inv, m) else far)})
        if down and state == "up":
            state = "partly"
        if down:
            lost = f"{len(down)} of {len(cables)} members down: " + "; ".join(d["why"] for d in down[:3])
            why = f"{why}; {lost}" if why else lost
        edges.append({"id": f"{a.name}--{b.name}", "source": a.members[0].device, "target": b.members[0].device,
                      "kind": "switch", "state": state, "why": why, "channel": a.channel or b.channel,
                      "members": len(cables), "members_down": down, "links": cables,
                      "vlans": sorted({va for va, _ in st.pairs}), "blocked_vlans": blocked})
    grouped: dict[str, dict[str, Any]] = {}
    for link in inv.links:
        if link.name in covered:
            continue
        sw_end = link.b if link.b.device in inv.switches else link.a
        on_switch = sw_end.device in inv.switches
        ch = snap.channel_of(sw_end) if on_switch else None
        if ch is None and link.a.device in inv.switches and link.b.device in inv.switches:
            ch = snap.channel_of(link.a)
        # an MLAG channel lands on two switches (two control planes): one edge to each, not one
        # edge that hides the second peer
        key = link.name if ch is None else ch.key if ch.mlag_id is None else f"{ch.key}@{sw_end.device}"
        edge = grouped.get(key)
        if edge is None:
            edge = grouped[key] = {"id": key, "source": link.a.device, "target": link.b.device,
                                   "kind": "switch" if on_switch and link.a.device in inv.switches else "host",
                                   "state": "up", "why": None, "channel": ch.key if ch is not None else None,
                                   "members": 0, "members_down": [], "links": [],
                                   "vlans": _carried(snap, sw_end) if on_switch else [], "blocked_vlans": []}
        edge["members"] += 1
        edge["links"].append(link.name)
        bad = next((r for r in (link.a, link.b) if not _passes(snap, inv, r)), None)
        if bad is not None:
            edge["members_down"].append({"link": link.name, "why": _member_down(snap, bad)})
    for edge in grouped.values():
        down = edge["members_down"]
        if down:
            edge["state"] = "failed" if len(down) == edge["members"] else "partly"
            edge["why"] = (down[0]["why"] if edge["members"] == 1 else
                           f"{len(down)} of {edge['members']} members down: " + "; ".join(d["why"] for d in down[:3]))
    edges.extend(grouped.values())
    return {"revision": head.revision, "nodes": nodes, "edges": edges}


@router.get("/topology")
def topology(request: Request, _: Reader) -> dict[str, Any]:
    """The physical topology with link states (see :func:`topology_of`)."""
    head = _head(request)
    return _cached(head, "web:topology", lambda: topology_of(head))


class VmotionCheck(BaseModel):
    vm: Name
    host: Name
    strict: bool = False


@router.post("/vmotion-check")
def vmotion_check(request: Request, body: VmotionCheck, _: Reader) -> dict[str, Any]:
    """The vMotion preconditions (cluster-behaviour §1.1) for moving ``vm`` to ``host``, changing nothing."""
    from ..cluster.vmotion import VmotionSettings, check_vmotion

    head = _head(request)
    if body.vm not in head.inventory.vms:
        raise Problem(404, "not-found", f"no VM {body.vm!r}")
    if body.host not in head.inventory.hosts:
        raise Problem(404, "not-found", f"no host {body.host!r}")
    return check_vmotion(head.snapshot, body.vm, body.host, VmotionSettings(strict_network=body.strict)).row()


class CloneCheck(BaseModel):
    template: Name
    clone: CloneBody = Field(description="the body of POST /templates/{name}/clone")


@router.post("/clone-check")
def clone_check(request: Request, body: CloneCheck, _: Reader) -> dict[str, Any]:
    """Whether cloning ``template`` as ``clone`` asks would be allowed (cluster-behaviour §4.2), changing
    nothing: the provisioning model's answer row, plus ``snapshots``, the template's snapshots."""
    from ..cluster.provisioning import DEFAULT_PROVISIONING_SETTINGS
    from ..server.cluster_ops import clone_check as check

    head = _head(request)
    if body.template not in head.data.get("templates", {}):
        raise Problem(404, "not-found", f"no template {body.template!r}")
    return {**check(head, body.template, clone_params(body.clone)),
            "snapshots": list(DEFAULT_PROVISIONING_SETTINGS.snapshots_of(body.template))}


@router.get("/trace")
def trace(request: Request, _: Reader, src: Annotated[str, Query(min_length=1, max_length=400)],
          dst: Annotated[str, Query(min_length=1, max_length=400)]) -> dict[str, Any]:
    """A ping from ``src`` to ``dst`` hop by hop (:func:`vinfra.analysis.trace.trace`, ``vinfra trace``) on the
    head revision: the path view of the topology map draws its devices."""
    from ..analysis.trace import trace as trace_answer
    from ..network.endpoints import EndpointError

    try:
        return trace_answer(_head(request).snapshot, src, dst)
    except EndpointError as exc:
        raise Problem(422, "invalid-input", str(exc), [{"field": "query", "message": str(exc)}]) from None


@router.get("/hosts/{host}/ha-plan")
def ha_plan(request: Request, host: str, _: Reader) -> dict[str, Any]:
    """HA's plan if ``host`` fails (cluster-behaviour §3.3, :func:`vinfra.cluster.ha.restart_plan`, ``vinfra ha
    --fail-host``): where its VMs restart, which do not, admission control before and after; changes nothing.
    404 for an unknown host, 422 for a host in no cluster."""
    from ..cluster.ha import restart_plan

    inv = _head(request).inventory
    if host not in inv.hosts:
        raise Problem(404, "not-found", f"no host {host!r}")
    cluster = inv.hosts[host].cluster
    if cluster is None:
        raise Problem(422, "invalid-input", f"{host} is in no cluster: HA does not protect it",
                      [{"field": "path.host", "message": "a host in no cluster"}])
    return restart_plan(inv, cluster, [host]).row()


@router.get("/clusters/{name}/drs")
def drs_recommendations(request: Request, name: str, _: Reader) -> dict[str, Any]:
    """The DRS pass the apply would run now (cluster-behaviour §2.4, :func:`vinfra.server.cluster_ops.drs_pass`,
    the same call as ``POST /clusters/{name}/drs``, with HA admission control): each recommendation (VM, from,
    to, priority, reason, automatic) and the imbalance before, after and its target, changing nothing.  The
    client lists them before the user applies one (a vMotion, ``POST /vms/{vm}/migrate``) or all (``POST
    /clusters/{name}/drs``).  404 for an unknown cluster."""
    from ..server.cluster_ops import drs_pass

    head = _head(request)
    if name not in head.inventory.clusters:
        raise Problem(404, "not-found", f"no cluster {name!r}")
    answer = _cached(head, f"web:drs:{name}", lambda: drs_pass(head, name))
    return {"revision": head.revision, **answer}
