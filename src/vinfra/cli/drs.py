"""``vinfra drs``: render :func:`vinfra.cluster.drs.drs_pass`."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import typer

from .main import EXIT_BAD_INPUT, EXIT_NEGATIVE, app, err, load_or_exit, not_empty, out, print_table
from .network import Format, FormatOpt, _json

# the cluster model and rich tables are imported inside the command: --help answers without them


@app.command()
def drs(
    design: Path = typer.Argument(..., metavar="DESIGN", help="Design file (YAML or JSON).", show_default=False),
    threshold: int | None = typer.Option(None, "--threshold", "-t", metavar="T", min=1, max=5, show_default=False,
                                         help="Migration threshold 1 (conservative) to 5 (aggressive).  Default: "
                                              "each cluster's own."),
    maintenance: list[str] = typer.Option([], "--maintenance", metavar="HOST", show_default=False,
                                          callback=not_empty("a host name"),
                                          help="HOST enters maintenance mode: its VMs are evacuated.  Repeatable."),
    cluster: str | None = typer.Option(None, "--cluster", "-c", metavar="CLUSTER", show_default=False,
                                       help="Only this cluster.  Default: every cluster with DRS enabled."),
    fmt: Format = FormatOpt,
) -> None:
    """What one DRS pass would recommend (VMware DRS, cluster-behaviour §2).

    Each VM's CPU and memory entitlement comes from its demand, reservation, limit and shares; a host's load
    is its VMs' entitlement over its capacity (CPU and memory, the busier counts), and the cluster's
    imbalance is the standard deviation of the host loads.  The pass first evacuates hosts entering
    maintenance and fixes broken required rules (priority 1), then moves VMs one at a time, each the move that
    lowers the imbalance most, while the imbalance is above the threshold's target (0.1 x (5 - T) /
    sqrt(hosts)), at most 8 load-balancing moves out of any one host.  A move must pass vMotion's checks, fit
    the destination's unreserved capacity and break no rule.  Fully automated clusters apply the
    recommendations; manual and partially automated ones only list them.  HA admission control is not checked
    by this command.

    JSON: {"imbalance": {"before", "after", "target"}, "recommendations": [{"vm", "from", "to", "priority",
    "reason", "automatic"}], "stuck": [{"vm", "reason"}], ...} for one cluster; {"clusters": [...]} of those
    when several are analysed.

    Exit status: 0 answered, 1 a host entering maintenance keeps VMs that cannot leave (its task would not
    complete), 2 bad input (an unknown cluster or host).
    """
    from ..cluster.drs import drs_pass
    from ..cluster.ha import admission_hook

    inv = load_or_exit(design)
    if cluster is not None and cluster not in inv.clusters:
        err.print(f"{design}: error: unknown cluster {cluster!r}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT)
    by_cluster: dict[str, list[str]] = {}
    for host in maintenance:
        if host not in inv.hosts:
            err.print(f"{design}: error: unknown host {host!r}", markup=False)
            raise typer.Exit(EXIT_BAD_INPUT)
        owner = inv.hosts[host].cluster
        if owner is None or owner not in inv.clusters or (cluster is not None and owner != cluster):
            where = f"cluster {cluster!r}" if cluster is not None else "a cluster"
            err.print(f"{design}: error: host {host!r} is not in {where}", markup=False)
            raise typer.Exit(EXIT_BAD_INPUT)
        by_cluster.setdefault(owner, []).append(host)
    if cluster is not None:
        names = [cluster]
    else:
        names = [c for c, cl in inv.clusters.items() if cl.drs.enabled or c in by_cluster]
    # every move also passes HA admission control where the cluster has it (§2.4 feasible, §3.4)
    rows = [drs_pass(inv, name, threshold=threshold, maintenance=by_cluster.get(name, ()),
                     ha_admits=admission_hook(inv, name)).row() for name in names]
    code = EXIT_NEGATIVE if any(row["stuck"] for row in rows) else 0
    if fmt is Format.json:
        _json(rows[0] if len(rows) == 1 else {"clusters": rows})
        raise typer.Exit(code)
    if not rows:
        out.print(f"{design}: no cluster has DRS enabled", markup=False)
    for row in rows:
        _text(row)
    raise typer.Exit(code)


def _text(row: dict[str, Any]) -> None:
    from rich.table import Table

    imb = row["imbalance"]
    target = "none (threshold 1: no load balancing)" if imb["target"] is None else f"{imb['target']:.4f}"
    out.print(f"cluster {row['cluster']} (threshold {row['threshold']}): imbalance {imb['before']:.4f} -> "
              f"{imb['after']:.4f}, target {target}", markup=False)
    if row["recommendations"]:
        table = Table(title=f"DRS recommendations for {row['cluster']}")
        for col in ("#", "priority", "vm", "from", "to", "action", "reason"):
            table.add_column(col, overflow="fold")
        for k, r in enumerate(row["recommendations"], 1):
            table.add_row(str(k), str(r["priority"]), r["vm"], r["from"], r["to"],
                          "apply" if r["automatic"] else "recommend", r["reason"])
        print_table(table)
    else:
        out.print(f"cluster {row['cluster']}: no recommendations", markup=False)
    if row["stuck"]:
        table = Table(title=f"VMs that cannot leave hosts entering maintenance ({row['cluster']})")
        for col in ("vm", "reason"):
            table.add_column(col, overflow="fold")
        for s in row["stuck"]:
            table.add_row(s["vm"], s["reason"])
        print_table(table)
    for m in row["maintenance"]:
        state = "success (no powered-on VM left)" if m["complete"] else "running (VMs cannot leave)"
        out.print(f"maintenance mode of {m['host']}: {state}", markup=False)
