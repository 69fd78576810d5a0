"""``vinfra vmotion``: render :func:`vinfra.cluster.vmotion.check_vmotion`."""

from __future__ import annotations

from enum import StrEnum
from pathlib import Path

import typer

from . import heap
from .main import EXIT_BAD_INPUT, EXIT_NEGATIVE, FailOpt, app, err, out, print_table
from .network import Format, FormatOpt, _json, _snapshot

# the cluster model, the network engine and rich tables are imported inside the command: --help answers
# without them


class Policy(StrEnum):
    abort = "abort"
    force = "force"
    throttle = "throttle"


class Limits(StrEnum):
    vi3 = "vi3"
    vsphere5 = "vsphere5"
    vsphere7 = "vsphere7"


@app.command()
def vmotion(
    design: Path = typer.Argument(..., metavar="DESIGN", help="Design file (YAML or JSON).", show_default=False),
    vm: str = typer.Argument(..., metavar="VM", help="The VM to move (powered on).", show_default=False),
    host: str = typer.Argument(..., metavar="HOST", help="The destination host.", show_default=False),
    fail: list[str] = FailOpt,
    strict: bool = typer.Option(False, "--strict",
                                help="Also require each vNIC's VLAN on HOST and carried by HOST's uplinks into the "
                                     "same layer-2 domain as on the source (VlanMismatch)."),
    policy: Policy = typer.Option(Policy.abort, "--policy",
                                  help="When pre-copy does not converge: abort (VI3), force stop-and-copy, or "
                                       "throttle the guest (vSphere 5 SDPS)."),
    downtime: float = typer.Option(1.0, "--downtime-goal", metavar="SECONDS", min=0.001, max=60.0,
                                   help="The downtime goal pre-copy iterates towards."),
    limits: Limits = typer.Option(Limits.vsphere5, "--limits", help="Which product's concurrency limits apply."),
    fmt: Format = FormatOpt,
) -> None:
    """Whether VM can be moved live to HOST (vMotion), and how long it would take.

    Checks every precondition of a vMotion and names each failed one with its VMware fault: a vMotion
    VMkernel port on both hosts, on a 1 Gb/s uplink or faster (VMotionNotConfigured, warning
    VMotionLinkCapacityLow); the two ports ping each other through the network, in one subnet before
    vSphere 6 (VMotionInterfaceIssue); the VM's datastore mounted on HOST (DatastoreNotAccessible); CPU
    vendor and generation or EVC baseline (CpuIncompatible); each vNIC's port-group label on HOST,
    case-sensitive (NetworkNotAccessible; with --strict also VlanMismatch); no host-local device
    (DeviceBackingNotAccessible); HOST's unreserved capacity and required VM-Host rules
    (InsufficientResources, VmHostAffinityRuleViolation); HOST connected and not an HA failover host
    (InvalidHostState, DisallowedOperationOnFailoverHost).  When allowed, prints the pre-copy estimate
    (rounds, data sent, pre-copy time, downtime) at the vMotion uplinks' speed, and the concurrency limits.

    Exit status: 0 allowed, 1 refused (as trace), 2 bad input (an unknown VM or host, or the VM already on
    HOST).
    """

    from ..cluster.vmotion import VmotionSettings, check_vmotion

    snap = _snapshot(design, fail)
    try:
        inv = snap.inventory
        if vm not in inv.vms:
            err.print(f"{design}: error: unknown VM {vm!r}", markup=False)
            raise typer.Exit(EXIT_BAD_INPUT)
        if host not in inv.hosts:
            err.print(f"{design}: error: unknown host {host!r}", markup=False)
            raise typer.Exit(EXIT_BAD_INPUT)
        if inv.vms[vm].host == host:
            err.print(f"{design}: error: {vm} already runs on {host}", markup=False)
            raise typer.Exit(EXIT_BAD_INPUT)
        settings = VmotionSettings(strict_network=strict, policy=policy.value, downtime_goal_s=downtime,
                                   limits=limits.value)
        answer = check_vmotion(snap, vm, host, settings).row()
    finally:
        heap.thaw()  # frozen by _snapshot
    code = 0 if answer["ok"] else EXIT_NEGATIVE
    if fmt is Format.json:
        _json(answer)
        raise typer.Exit(code)
    _text(answer)
    raise typer.Exit(code)


def _text(answer: dict) -> None:
    from rich.table import Table

    head = f"vMotion {answer['vm']}: {answer['from']} -> {answer['to']}"
    problems = [("fault", f) for f in answer["faults"]] + [("warning", w) for w in answer["warnings"]]
    if problems:
        table = Table(title=head)
        for col in ("", "fault", "message"):
            table.add_column(col, overflow="fold")
        for kind, f in problems:
            table.add_row(kind, f["fault"], f["message"])
        print_table(table)
    est = answer["estimate"]
    if est is not None and est["ok"]:
        table = Table(title=f"pre-copy estimate ({est['policy']}, downtime goal {est['downtime_goal_s']:g} s)")
        for col in ("quantity", "value"):
            table.add_column(col)
        conc = est["concurrency"]
        for name, value in (
            ("memory", f"{est['memory_mb']:g} MB"),
            ("transfer rate", f"{est['rate_mb_s']:g} MB/s ({est['link_mbps']} Mb/s vMotion uplink)"),
            ("dirty rate", f"{est['dirty_mb_s']:g} MB/s"),
            ("pre-copy rounds", f"{est['rounds']} ({', '.join(f'{v:.1f}' for v in est['round_mb'])} MB)"),
            ("pre-copy time", f"{est['precopy_s']:.3f} s"),
            ("downtime", f"{est['downtime_s']:.3f} s (last {est['last_mb']:.1f} MB + switchover)"),
            ("total", f"{est['total_s']:.3f} s"),
            ("data sent", f"{est['mb_sent']:.1f} MB"),
            ("concurrent vMotions per host", f"{conc['vmotions_per_host']} ({conc['mode']})"),
        ):
            table.add_row(name, value)
        print_table(table)
    verdict = "allowed" if answer["ok"] else f"refused: {', '.join(f['fault'] for f in answer['faults'])}"
    out.print(f"{head}: {verdict}", markup=False)
