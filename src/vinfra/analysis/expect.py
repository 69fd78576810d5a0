"""Expectation files (expectations-v1): load one, run its sections, report every statement.

Each section has an evaluator in :data:`EVALUATORS`, ``(snapshot_factory, section_data, context) ->
list[StatementResult]``; ``snapshot_factory(fail)`` gives the design's snapshot with its own
``failures:`` plus ``fail`` (cached), so other analyses plug in by adding an entry.  ``reach`` and
``failures`` run here; ``checks`` (at the top and inside a failure scenario, over that scenario's
snapshot) runs through ``vinfra.checks.expect.evaluate_checks`` when that module exists, and is
otherwise *not run*: never passed.  ``vmotion`` runs through
:func:`vinfra.cluster.vmotion.check_vmotion`, ``ha`` through :func:`vinfra.cluster.ha.restart_plan`,
``drs`` through :func:`vinfra.cluster.drs.drs_pass`.
"""

from __future__ import annotations

import importlib
import importlib.util
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from ..io.design import load, parse_text
from ..io.errors import DesignError, Diagnostic
from ..io.source_map import SourceMap
from ..io.source_text import decode_design
from ..model import Inventory
from ..network import FailureError, Snapshot
from ..network.endpoints import EndpointError
from .reach import Reach
from .results import StatementResult  # one definition, shared with vinfra.checks.expect

Status = Literal["pass", "fail", "not-run"]
SECTIONS = ("design", "checks", "reach", "failures", "vmotion", "ha", "drs")


class ExpectError(Exception):
    """An expectation file that cannot be run: every problem, located."""

    def __init__(self, diagnostics: list[Diagnostic]) -> None:
        self.diagnostics = diagnostics
        super().__init__("\n".join(str(d) for d in diagnostics))


@dataclass
class Context:
    """What evaluators may need besides the section: where the file is, and how to point into it."""

    path: Path
    inventory: Inventory
    text: str
    base: tuple[str | int, ...] = ()
    _map: SourceMap | None = field(default=None, repr=False)

    def at(self, *path: str | int) -> str:
        """``file:line:col`` of a node of the expectation file (relative to the section)."""
        if self._map is None:
            self._map = SourceMap(self.text)
        pos = self._map.locate(self.base + path, "value")
        return f"{self.path}:{pos[0]}:{pos[1]}" if pos else str(self.path)

    def within(self, *path: str | int) -> Context:
        ctx = Context(self.path, self.inventory, self.text, self.base + path)
        ctx._map = self._map
        return ctx

    def error(self, message: str, *path: str | int) -> ExpectError:
        if self._map is None:
            self._map = SourceMap(self.text)
        pos = self._map.locate(self.base + path, "value")
        return ExpectError([Diagnostic(str(self.path), pos[0] if pos else None, pos[1] if pos else None, message)])


SnapshotFactory = Callable[[list[str]], Snapshot]
Evaluator = Callable[[SnapshotFactory, Any, Context], list[StatementResult]]


def _reach_statements(factory: SnapshotFactory, data: Any, ctx: Context, fail: list[str], section: str) -> list[StatementResult]:
    if not isinstance(data, list):
        raise ctx.error("'reach' must be a list of {src, dst, reachable}")
    for k, item in enumerate(data):
        if not isinstance(item, dict):
            raise ctx.error("a reach statement is a mapping {src, dst, reachable}", k)
        unknown = sorted(set(item) - {"src", "dst", "reachable"})
        if unknown:
            raise ctx.error(f"unknown key '{unknown[0]}' in a reach statement (expected src, dst, reachable)", k, unknown[0])
        for key in ("src", "dst", "reachable"):
            if key not in item:
                raise ctx.error(f"reach statement lacks '{key}'", k)
        if not isinstance(item["reachable"], bool):
            raise ctx.error("'reachable' must be true or false", k, "reachable")
        for key in ("src", "dst"):
            if not isinstance(item[key], str):
                raise ctx.error(f"'{key}' must be an endpoint name or address", k, key)
    snap = factory(fail)
    r = Reach(snap)
    prefix = f"[fail {', '.join(fail)}] " if fail else ""
    out: list[StatementResult] = []
    for k, item in enumerate(data):
        ends = []
        for key in ("src", "dst"):
            try:
                ends.append(snap.endpoints.resolve(item[key]))
            except EndpointError as exc:
                raise ctx.error(f"{key} {item[key]!r}: {exc}", k, key) from None
        a, b = ends
        ok = r.pair(a, b)
        want = item["reachable"]
        text = f"{prefix}{item['src']} -> {item['dst']} {'reachable' if want else 'unreachable'}"
        if ok == want:
            out.append(StatementResult(section, text, "pass", ""))
        else:
            why = r.reason(a, b) if not ok else "it is reachable"
            out.append(StatementResult(section, text, "fail", f"{ctx.at(k)}: expected {'reachable' if want else 'unreachable'}, "
                                                              f"got {'reachable' if ok else 'unreachable'}: {why}"))
    return out


def evaluate_reach(factory: SnapshotFactory, data: Any, ctx: Context) -> list[StatementResult]:
    return _reach_statements(factory, data, ctx, [], "reach")


def evaluate_failures(factory: SnapshotFactory, data: Any, ctx: Context) -> list[StatementResult]:
    """Each scenario: the design's own failures plus ``fail``, then its nested sections."""
    if not isinstance(data, list):
        raise ctx.error("'failures' must be a list of {fail: [...], reach: [...]}")
    out: list[StatementResult] = []
    for k, scenario in enumerate(data):
        if not isinstance(scenario, dict) or "fail" not in scenario:
            raise ctx.error("a failure scenario is a mapping with 'fail'", k)
        fail = scenario["fail"]
        if isinstance(fail, str):
            fail = [fail]
        if not isinstance(fail, list) or not all(isinstance(f, str) for f in fail):
            raise ctx.error("'fail' must be a list of device, interface or link names", k, "fail")
        try:
            factory(fail)
        except FailureError as exc:
            raise ctx.error(str(exc), k, "fail") from None
        for key, value in scenario.items():
            if key == "fail":
                continue
            sub = ctx.within(k, key)
            if key == "reach":
                out.extend(_reach_statements(factory, value, sub, fail, "failures"))
            elif key == "checks":
                out.extend(_check_statements(factory, value, fail, "failures"))
            elif key == "vmotion":
                out.extend(_vmotion_statements(factory, value, sub, fail, "failures"))
            elif key in EVALUATORS and key not in ("failures", "reach"):
                out.extend(_not_run(key, value, f"[fail {', '.join(fail)}] "))
            else:
                raise ctx.error(f"unknown key '{key}' in a failure scenario", k, key)
    return out


def _not_run(section: str, data: Any, prefix: str = "") -> list[StatementResult]:
    """Every statement of a section whose analysis does not exist yet."""
    items: list[str] = []
    if isinstance(data, list):
        items = [_short(x) for x in data]
    elif isinstance(data, dict):
        for key, value in data.items():
            if isinstance(value, list):
                items.extend(f"{key}: {_short(v)}" for v in value)
            else:
                items.append(f"{key}: {_short(value)}")
    else:
        items = [_short(data)]
    return [StatementResult(section, f"{prefix}{section} {it}", "not-run", f"the {section} analysis is not available")
            for it in items]


def _short(value: Any) -> str:
    if isinstance(value, dict):
        return "{" + ", ".join(f"{k}: {v}" for k, v in value.items()) + "}"
    return str(value)


def _check_statements(factory: SnapshotFactory, data: Any, fail: list[str], section: str) -> list[StatementResult]:
    """A ``checks`` section over the design with ``fail`` failed (in a failure scenario: statements prefixed
    ``[fail ...]`` under ``failures``).  The rules live in ``vinfra.checks``, beside this package, so they are
    looked up rather than imported."""
    prefix = f"[fail {', '.join(fail)}] " if fail else ""
    if importlib.util.find_spec("vinfra.checks") is not None and importlib.util.find_spec("vinfra.checks.expect") is not None:
        module = importlib.import_module("vinfra.checks.expect")
        results = list(module.evaluate_checks(factory(fail), data))
    else:
        results = _not_run("checks", data)
    if not fail:
        return results
    return [replace(r, section=section, statement=prefix + r.statement) for r in results]


def evaluate_checks(factory: SnapshotFactory, data: Any, ctx: Context) -> list[StatementResult]:
    return _check_statements(factory, data, [], "checks")


def _vmotion_statements(factory: SnapshotFactory, data: Any, ctx: Context, fail: list[str], section: str
                        ) -> list[StatementResult]:
    """``{vm, to, ok, reason?}``: whether vMotion of ``vm`` to host ``to`` is allowed; ``reason`` (a fault
    such as ``network-not-accessible`` or ``NetworkNotAccessible``) must be among the refusal's faults."""
    from ..cluster.vmotion import check_vmotion, fault_slug

    if not isinstance(data, list):
        raise ctx.error("'vmotion' must be a list of {vm, to, ok}")
    inv = ctx.inventory
    for k, item in enumerate(data):
        if not isinstance(item, dict):
            raise ctx.error("a vmotion statement is a mapping {vm, to, ok}", k)
        unknown = sorted(set(item) - {"vm", "to", "ok", "reason"})
        if unknown:
            raise ctx.error(f"unknown key '{unknown[0]}' in a vmotion statement (expected vm, to, ok, reason)", k, unknown[0])
        for key in ("vm", "to", "ok"):
            if key not in item:
                raise ctx.error(f"vmotion statement lacks '{key}'", k)
        if not isinstance(item["ok"], bool):
            raise ctx.error("'ok' must be true or false", k, "ok")
        if "reason" in item and not isinstance(item["reason"], str):
            raise ctx.error("'reason' must be a fault name", k, "reason")
        if item["vm"] not in inv.vms:
            raise ctx.error(f"vm {item['vm']!r} is not a VM of the design", k, "vm")
        if item["to"] not in inv.hosts:
            raise ctx.error(f"to {item['to']!r} is not a host of the design", k, "to")
        if inv.vms[item["vm"]].host == item["to"]:
            raise ctx.error(f"{item['vm']} already runs on {item['to']}", k, "to")
    snap = factory(fail)
    prefix = f"[fail {', '.join(fail)}] " if fail else ""
    out: list[StatementResult] = []
    for k, item in enumerate(data):
        answer = check_vmotion(snap, item["vm"], item["to"])
        want = item["ok"]
        text = f"{prefix}vmotion {item['vm']} -> {item['to']} {'allowed' if want else 'refused'}"
        faults = "; ".join(f"{f.fault}: {f.message}" for f in answer.faults)
        if answer.ok != want:
            got = f"refused: {faults}" if not answer.ok else "allowed"
            out.append(StatementResult(section, text, "fail", f"{ctx.at(k)}: expected {'allowed' if want else 'refused'}, got {got}"))
            continue
        reason = item.get("reason")
        if reason is not None:
            text += f" ({reason})"
            names = {f.fault for f in answer.faults} | {fault_slug(f.fault) for f in answer.faults}
            if reason not in names:
                got = faults or "no fault"
                out.append(StatementResult(section, text, "fail", f"{ctx.at(k, 'reason')}: expected fault {reason}, got {got}"))
                continue
        out.append(StatementResult(section, text, "pass", ""))
    return out


def evaluate_vmotion(factory: SnapshotFactory, data: Any, ctx: Context) -> list[StatementResult]:
    return _vmotion_statements(factory, data, ctx, [], "vmotion")


def evaluate_ha(factory: SnapshotFactory, data: Any, ctx: Context) -> list[StatementResult]:
    """``{fail_host, restarted: {vm: host}, not_restarted: [vm]}``: where HA restarts the VMs of the failed
    host(s) (:func:`vinfra.cluster.ha.restart_plan` over the design's state, its own failures included)."""
    from ..cluster.ha import restart_plan
    from ..cluster.state import ClusterState

    if not isinstance(data, list):
        raise ctx.error("'ha' must be a list of {fail_host, restarted, not_restarted}")
    inv = ctx.inventory
    plans = []
    for k, item in enumerate(data):
        if not isinstance(item, dict):
            raise ctx.error("an ha statement is a mapping {fail_host, restarted, not_restarted}", k)
        unknown = sorted(set(item) - {"fail_host", "restarted", "not_restarted"})
        if unknown:
            raise ctx.error(f"unknown key '{unknown[0]}' in an ha statement (expected fail_host, restarted, "
                            "not_restarted)", k, unknown[0])
        if "fail_host" not in item:
            raise ctx.error("ha statement lacks 'fail_host'", k)
        hosts = [item["fail_host"]] if isinstance(item["fail_host"], str) else item["fail_host"]
        if not isinstance(hosts, list) or not hosts or not all(isinstance(h, str) for h in hosts):
            raise ctx.error("'fail_host' must be a host name or a list of them", k, "fail_host")
        for h in hosts:
            if h not in inv.hosts:
                raise ctx.error(f"fail_host {h!r} is not a host of the design", k, "fail_host")
        clusters = {inv.hosts[h].cluster for h in hosts}
        if None in clusters or len(clusters) != 1:
            raise ctx.error("'fail_host' must name hosts of one cluster", k, "fail_host")
        restarted = item.get("restarted", {})
        if not isinstance(restarted, dict) or not all(isinstance(v, str) for v in restarted.values()):
            raise ctx.error("'restarted' must map VM -> the host it restarts on", k, "restarted")
        not_restarted = item.get("not_restarted", [])
        if not isinstance(not_restarted, list) or not all(isinstance(v, str) for v in not_restarted):
            raise ctx.error("'not_restarted' must be a list of VM names", k, "not_restarted")
        for vm in [*restarted, *not_restarted]:
            if vm not in inv.vms:
                raise ctx.error(f"vm {vm!r} is not a VM of the design", k,
                                "restarted" if vm in restarted else "not_restarted")
        for vm, h in restarted.items():
            if h not in inv.hosts:
                raise ctx.error(f"{vm}: {h!r} is not a host of the design", k, "restarted", vm)
        plans.append((k, hosts, clusters.pop(), restarted, not_restarted))
    state = ClusterState.of(inv)
    out: list[StatementResult] = []
    for k, hosts, cluster, restarted, not_restarted in plans:
        plan = restart_plan(inv, cluster, hosts, state=state)
        got = {r.vm: r.host for r in plan.restarted}
        why = dict(plan.not_restarted)
        prefix = f"ha [fail {', '.join(hosts)}]"
        for vm, want in restarted.items():
            text = f"{prefix} {vm} restarted on {want}"
            if got.get(vm) == want:
                out.append(StatementResult("ha", text, "pass", ""))
            else:
                actual = (f"restarted on {got[vm]}" if vm in got else f"not restarted: {why[vm]}" if vm in why
                          else f"not a powered-on VM of {', '.join(hosts)}")
                out.append(StatementResult("ha", text, "fail", f"{ctx.at(k, 'restarted', vm)}: got {actual}"))
        for vm in not_restarted:
            text = f"{prefix} {vm} not restarted"
            if vm in why:
                out.append(StatementResult("ha", text, "pass", why[vm]))
            else:
                actual = f"restarted on {got[vm]}" if vm in got else f"not a powered-on VM of {', '.join(hosts)}"
                out.append(StatementResult("ha", text, "fail", f"{ctx.at(k, 'not_restarted')}: got {actual}"))
    return out


def evaluate_drs(factory: SnapshotFactory, data: Any, ctx: Context) -> list[StatementResult]:
    """``{moves: N, cluster?, threshold?, maintenance?: [hosts]}``: one DRS pass
    (:func:`vinfra.cluster.drs.drs_pass`) over ``cluster``, else every cluster with DRS enabled, recommends
    ``N`` moves in all (rule fixes, evacuations and load balancing)."""
    from ..cluster.drs import drs_pass
    from ..cluster.ha import admission_hook

    if not isinstance(data, dict):
        raise ctx.error("'drs' must be a mapping {moves: N}")
    unknown = sorted(set(data) - {"moves", "cluster", "threshold", "maintenance"})
    if unknown:
        raise ctx.error(f"unknown key '{unknown[0]}' in the drs section (expected moves, cluster, threshold, "
                        "maintenance)", unknown[0])
    if "moves" not in data:
        raise ctx.error("the drs section lacks 'moves'")
    moves = data["moves"]
    if isinstance(moves, bool) or not isinstance(moves, int) or moves < 0:
        raise ctx.error("'moves' must be a whole number of recommendations, 0 or more", "moves")
    inv = ctx.inventory
    cluster = data.get("cluster")
    if cluster is not None and (not isinstance(cluster, str) or cluster not in inv.clusters):
        raise ctx.error(f"cluster {cluster!r} is not a cluster of the design", "cluster")
    threshold = data.get("threshold")
    if threshold is not None and (isinstance(threshold, bool) or not isinstance(threshold, int)
                                  or not 1 <= threshold <= 5):
        raise ctx.error("'threshold' must be a migration threshold 1..5", "threshold")
    maintenance = data.get("maintenance", [])
    if isinstance(maintenance, str):
        maintenance = [maintenance]
    if not isinstance(maintenance, list) or not all(isinstance(h, str) for h in maintenance):
        raise ctx.error("'maintenance' must be a list of host names", "maintenance")
    by_cluster: dict[str, list[str]] = {}
    for k, host in enumerate(maintenance):
        owner = inv.hosts[host].cluster if host in inv.hosts else None
        if owner is None or owner not in inv.clusters or (cluster is not None and owner != cluster):
            raise ctx.error(f"maintenance host {host!r} is not a host of {cluster or 'a cluster'}", "maintenance", k)
        by_cluster.setdefault(owner, []).append(host)
    names = [cluster] if cluster is not None else [c for c, cl in inv.clusters.items() if cl.drs.enabled or c in by_cluster]
    answers = [drs_pass(inv, name, threshold=threshold, maintenance=by_cluster.get(name, ()),
                        ha_admits=admission_hook(inv, name)) for name in names]
    got = sum(len(a.recommendations) for a in answers)
    where = f"cluster {cluster}" if cluster is not None else ", ".join(names) or "no DRS cluster"
    text = f"drs pass over {where}: {moves} move{'s' if moves != 1 else ''}"
    if got == moves:
        return [StatementResult("drs", text, "pass", "")]
    listed = "; ".join(f"{r.vm} {r.source} -> {r.target} (priority {r.priority}, {r.reason})"
                       for a in answers for r in a.recommendations)
    return [StatementResult("drs", text, "fail", f"{ctx.at('moves')}: expected {moves}, got {got}"
                                                 + (f": {listed}" if listed else ""))]


EVALUATORS: dict[str, Evaluator] = {
    "checks": evaluate_checks,
    "reach": evaluate_reach,
    "failures": evaluate_failures,
    "vmotion": evaluate_vmotion,
    "ha": evaluate_ha,
    "drs": evaluate_drs,
}


@dataclass
class ExpectationRun:
    path: Path
    design: Path
    results: list[StatementResult]

    def count(self, status: Status) -> int:
        return sum(1 for r in self.results if r.status == status)


def run_expectations(path: str | Path) -> ExpectationRun:
    """Load and run one expectation file.  Raises :class:`ExpectError` or :class:`DesignError` on bad input."""
    p = Path(path)
    try:
        raw = p.read_bytes()
    except FileNotFoundError:
        raise ExpectError([Diagnostic(str(p), None, None, "no such file")]) from None
    except OSError as exc:
        raise ExpectError([Diagnostic(str(p), None, None, f"cannot read: {exc.strerror or exc}")]) from None
    try:
        # decoded like a design: a byte that is not UTF-8 is named with its line and column
        text = decode_design(raw, str(p))
        data = parse_text(text, str(p))
    except DesignError as exc:
        raise ExpectError(exc.diagnostics) from None
    probe = Context(p, None, text)  # type: ignore[arg-type]
    if not isinstance(data, dict):
        raise probe.error("an expectation file is a mapping with 'design' and sections")
    for key in data:
        if key not in SECTIONS:
            raise ExpectError([_key_diag(probe, key, f"unknown section '{key}' (expected one of {', '.join(SECTIONS)})")])
    if not isinstance(data.get("design"), str):
        raise probe.error("'design' (the design file, relative to this file) is required", "design")
    design = (p.parent / data["design"]).resolve() if not Path(data["design"]).is_absolute() else Path(data["design"])
    inv = load(design)
    ctx = Context(p, inv, text)
    snapshots: dict[tuple[str, ...], Snapshot] = {}

    def factory(fail: list[str]) -> Snapshot:
        key = tuple(fail)
        if key not in snapshots:
            snapshots[key] = Snapshot(inv, fail=fail)
        return snapshots[key]

    results: list[StatementResult] = []
    for section in SECTIONS[1:]:
        if section in data:
            results.extend(EVALUATORS[section](factory, data[section], ctx.within(section)))
    return ExpectationRun(p, design, results)


def _key_diag(ctx: Context, key: str, message: str) -> Diagnostic:
    smap = SourceMap(ctx.text)
    pos = smap.locate((key,), "key")
    return Diagnostic(str(ctx.path), pos[0] if pos else None, pos[1] if pos else None, message)
