"""``vinfra ha``: render :func:`vinfra.cluster.ha.admission` and :func:`vinfra.cluster.ha.restart_plan`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from .main import EXIT_BAD_INPUT, EXIT_NEGATIVE, app, err, load_or_exit, not_empty, out, print_table
from .network import Format, FormatOpt, _json

# the cluster model and rich tables are imported inside the command: --help answers without them


@app.command()
def ha(
    design: Path = typer.Argument(..., metavar="DESIGN", help="Design file (YAML or JSON).", show_default=False),
    fail_host: list[str] = typer.Option([], "--fail-host", metavar="HOST", callback=not_empty("a host name"),
                                        show_default=False,
                                        help="The host that fails: show where HA restarts its VMs.  Repeatable "
                                             "(hosts of one cluster).  Default: the hosts the design's failures: "
                                             "fail."),
    cluster: str | None = typer.Option(None, "--cluster", metavar="CLUSTER", show_default=False,
                                       help="The cluster (default: the failed host's, or the design's only one)."),
    slot_cpu_mhz: int | None = typer.Option(None, "--slot-cpu-mhz", min=1, metavar="MHZ", show_default=False,
                                            help="das.slotcpuinmhz: cap the CPU slot size."),
    slot_mem_mb: int | None = typer.Option(None, "--slot-mem-mb", min=1, metavar="MB", show_default=False,
                                           help="das.slotmeminmb: cap the memory slot size."),
    fmt: Format = FormatOpt,
) -> None:
    """HA admission control and the restart plan when a host fails.

    Admission control (cluster-behaviour §3.4) by the cluster's policy: host failures tolerated (slot size,
    slots per host, slots needed), percentage of resources reserved (CPU and memory failover capacity), or
    dedicated failover hosts; and the current failover capacity against the configured level.  With
    --fail-host: the VMs HA restarts, highest priority first, each on the compatible host with the most
    unreserved memory (datastore, port groups, required VM-Host rules, reservations, VMs-per-host maximum),
    and the VMs it does not restart, with the reason (priority disabled, or no host with room: retried on
    the schedule, then VmFailoverFailed); the failed hosts' isolation response (§3.2).  The plan is one
    decision over the design's state: failure detection and isolation timelines are the simulation's.

    Exit status: 0 the admission policy holds and every VM that may restart does; 1 the policy is not met
    or some VM is not restarted for want of a host (priority disabled does not count); 2 bad input.
    """
    from ..cluster.ha import HaSettings, admission, restart_plan

    inv = load_or_exit(design)
    for h in fail_host:
        if h not in inv.hosts:
            _bad(design, f"unknown host {h!r}")
    if cluster is not None and cluster not in inv.clusters:
        _bad(design, f"unknown cluster {cluster!r} (the design has: {', '.join(sorted(inv.clusters)) or 'none'})")
    if cluster is None:
        if fail_host:
            cluster = inv.hosts[fail_host[0]].cluster
            if cluster is None:
                _bad(design, f"host {fail_host[0]!r} is in no cluster: HA restarts nothing")
        elif len(inv.clusters) == 1:
            cluster = next(iter(inv.clusters))
        else:
            _bad(design, f"the design has {len(inv.clusters)} clusters ({', '.join(sorted(inv.clusters)) or 'none'}): "
                         "choose one with --cluster")
    assert cluster is not None
    for h in fail_host:
        if inv.hosts[h].cluster != cluster:
            _bad(design, f"host {h!r} is not in cluster {cluster!r}")
    settings = HaSettings(slot_cpu_mhz=slot_cpu_mhz, slot_memory_mb=slot_mem_mb)
    failed = fail_host or [f.device for f in inv.failures
                           if f.kind == "device" and f.device in inv.hosts and inv.hosts[f.device].cluster == cluster]
    if failed:
        answer = restart_plan(inv, cluster, failed, settings=settings).row()
    else:
        answer = {"cluster": cluster, "failed_hosts": [], "admission": admission(inv, cluster, settings=settings).row(),
                  "restarted": [], "not_restarted": []}
    short = [n for n in answer["not_restarted"] if n.get("fault")]
    code = 0 if answer["admission"]["ok"] and not short else EXIT_NEGATIVE
    if fmt is Format.json:
        _json(answer)
        raise typer.Exit(code)
    _text(answer)
    raise typer.Exit(code)


def _bad(design: Path, message: str) -> None:
    err.print(f"{design}: error: {message}", markup=False)
    raise typer.Exit(EXIT_BAD_INPUT)


def _text(answer: dict[str, Any]) -> None:
    from rich.table import Table

    a = answer["admission"]
    table = Table(title=f"HA admission control: cluster {answer['cluster']} ({a['agent'].upper()})")
    for col in ("quantity", "value"):
        table.add_column(col, overflow="fold")
    rows: list[tuple[str, str]] = [("policy", a["policy"])]
    if a["policy"] == "host_failures":
        rows += [("host failures to tolerate", str(a["configured"])),
                 ("slot size", f"{a['slot']['cpu_mhz']} MHz / {a['slot']['memory_mb']} MB"),
                 ("slots per host", ", ".join(f"{h} {n}" for h, n in a["slots_per_host"].items()) or "-"),
                 ("slots", f"{a['slots_total']} in all, {a['slots_needed']} needed"),
                 ("current failover capacity", f"{a['failover_capacity']} host failure(s)")]
    elif a["policy"] == "percentage":
        rows += [("reserved for failover", f"{a['configured']} %"),
                 ("CPU failover capacity", f"{a['cpu_pct']} %"), ("memory failover capacity", f"{a['memory_pct']} %")]
    elif a["policy"] == "failover_hosts":
        rows += [("failover hosts", ", ".join(a["failover_hosts"])),
                 ("free failover hosts", ", ".join(a["free_failover_hosts"]) or "none")]
    if a.get("note"):
        rows.append(("note", a["note"]))
    rows.append(("policy met", "yes" if a["ok"] else "no (InsufficientFailoverResources)"))
    for name, value in rows:
        table.add_row(name, value)
    print_table(table)
    if not answer["failed_hosts"]:
        return
    failed = ", ".join(answer["failed_hosts"])
    for h, response in answer.get("isolation_response", {}).items():
        out.print(f"{h}: isolation response {response} (§3.2)", markup=False)
    if answer["restarted"]:
        table = Table(title="restarted (in restart order)")
        for col in ("vm", "priority", "host"):
            table.add_column(col)
        for r in answer["restarted"]:
            table.add_row(r["vm"], r.get("priority", ""), r["host"])
        print_table(table)
    if answer["not_restarted"]:
        table = Table(title="not restarted")
        for col in ("vm", "reason"):
            table.add_column(col, overflow="fold")
        for n in answer["not_restarted"]:
            table.add_row(n["vm"], n["reason"])
        print_table(table)
    out.print(f"{failed}: {len(answer['restarted'])} VM(s) restarted, {len(answer['not_restarted'])} not restarted",
              markup=False)
