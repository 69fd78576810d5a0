"""The picture of a run: probe availability and host load over time (matplotlib, Agg backend, imported
on use so that the command starts without it)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from ..cluster.state import ClusterState
from ..model import Inventory


def host_load(inv: Inventory, report: dict[str, Any]) -> dict[str, list[tuple[float, int]]]:
    """Powered-on VMs per host over time, from the report's rows (restarts and migrations move VMs; failed
    hosts drop to zero)."""
    cs = ClusterState.of(inv)
    where = {v: s.host for v, s in cs.vms.items() if s.power == "on"}
    series: dict[str, list[tuple[float, int]]] = {h: [] for h in inv.hosts}

    def sample(t: float) -> None:
        for h in inv.hosts:
            series[h].append((t, sum(1 for x in where.values() if x == h)))

    sample(0.0)
    for e in report["events"]:
        kind, subject, detail = e["kind"], e["subject"], e["detail"]
        if kind == "failed" and subject in inv.hosts:
            where = {v: h for v, h in where.items() if h != subject}
        elif kind == "vm-restarted":
            where[subject] = detail.split()[1]
        elif kind == "vmotion-end" and " -> " in detail and ":" not in detail:
            where[subject] = detail.split(" -> ")[1]
        elif kind == "vm-powered-off":
            where.pop(subject, None)
        else:
            continue
        sample(e["t"])
    sample(report["summary"]["until"])
    return series


def plot(inv: Inventory, report: dict[str, Any], path: Path) -> None:
    """Write the picture to ``path`` (``.png`` or ``.svg``)."""
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    until = report["summary"]["until"]
    probes = report["summary"]["probes"]
    fig, (ax1, ax2) = plt.subplots(2, 1, figsize=(10, 2 + 0.25 * len(probes) + 3), sharex=True)
    names = [f"{p['from']}->{p['to']}" for p in probes]
    for k, name in enumerate(names):
        ax1.broken_barh([(0, until)], (k - 0.4, 0.8), color="#8fd18f")
        spans = [(o["start"], (o["end"] if o["end"] is not None else until) - o["start"])
                 for o in report["outages"] if f"{o['from']}->{o['to']}" == name]
        ax1.broken_barh(spans, (k - 0.4, 0.8), color="#d9534f")
    ax1.set_yticks(range(len(names)), names, fontsize=7)
    ax1.set_title("probe availability (red: outage)")
    for host, pts in host_load(inv, report).items():
        xs, ys = zip(*pts, strict=True)
        ax2.step(xs, ys, where="post", label=host)
    ax2.set_ylabel("host load (powered-on VMs)")
    ax2.set_xlabel("seconds")
    ax2.legend(fontsize=7, ncol=4)
    ax2.set_xlim(0, until)
    fig.tight_layout()
    fig.savefig(path, metadata={"Date": None} if str(path).endswith(".svg") else None)
    plt.close(fig)


__all__ = ["host_load", "plot"]
