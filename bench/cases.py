"""The benchmark sizes and cases.  Analyses add theirs here (or in a module imported here)."""

from __future__ import annotations

from pathlib import Path

import vinfra
from vinfra.analysis.trace import trace  # imported before timing: the targets are "after loading"
from vinfra.network import Snapshot

from .registry import Size, Target, add_size, case

SMALL = add_size(Size("200h-2k", hosts=200, vms=2_000))
MID = add_size(Size("500h-8k", hosts=500, vms=8_000))  # 16 VMs a host from here: the scaling series
LARGE = add_size(Size("2500h-40k", hosts=2_500, vms=40_000))  # a vCenter 8 maximum
XL = add_size(Size("10000h-160k", hosts=10_000, vms=160_000))  # several vCenters audited together
#: the sizes the load-format and trace cases run at (the scaling series needs only the CLI cases)
CLASSIC = (SMALL.name, LARGE.name)
#: issue 9: at 200/2,000 every command, start-up included, under 0.6 s
SMALL_PROCESS = Target(process_seconds=0.6)

# Issue targets: 200/2,000 loads and validates in < 1 s; 2,500/40,000 in < 15 s and < 2 GiB.
LOAD_TARGETS = {SMALL.name: Target(seconds=1.0), LARGE.name: Target(seconds=15.0, rss_mib=2048)}


@case("load", formats=("yaml", "yaml-anchors", "json"), targets=LOAD_TARGETS, sizes=CLASSIC)
def load(path: Path) -> object:
    """Parse and validate a design file: ``vinfra.load``."""
    return vinfra.load(path)


def _one_error_at_the_end(path: Path) -> Path:
    """A copy of the design whose last link is 10 Tb/s, out of range: one error on its last line."""
    text = path.read_text(encoding="utf-8")
    body, _, last = text.rstrip("\n").rpartition("\n")
    if "speed: 10000" not in last and '"speed": 10000' not in last:
        raise SystemExit(f"{path.name}: the last line is not a link with a speed: {last!r}")
    broken = path.with_name(f"{path.stem}-one-error{path.suffix}")
    broken.write_text(f"{body}\n{last.replace('10000', '10000000', 1)}\n", encoding="utf-8")
    return broken


# Issue 8: an error costs no more than a success, so one error at the end of the design is reported in at
# most the time loading the valid design takes, plus one second.
ERROR_TARGETS = {SMALL.name: Target(seconds=1.0, than="load"), LARGE.name: Target(seconds=1.0, than="load")}


@case("load-error", targets=ERROR_TARGETS, prepare=_one_error_at_the_end, sizes=CLASSIC)
def load_error(path: Path) -> object:
    """``vinfra.load`` of the design with one error on its last line, and the located diagnostic's text."""
    try:
        vinfra.load(path)
    except vinfra.DesignError as exc:
        (diag,) = exc.diagnostics
        if diag.line is None:
            raise SystemExit(f"the error is not located: {diag}") from None
        return str(diag)
    raise SystemExit(f"{path.name} loaded without its error")


def _run_cli(*args: str) -> int:
    """Run a ``vinfra`` command in this process, output discarded; imports count in the time.  The process is
    set up as the ``vinfra`` entry point sets it up (the command is the whole process: :mod:`vinfra.cli.heap`),
    and the child ends as that entry point does, without tearing the design down (``run_child``)."""
    import contextlib
    import io

    from vinfra.cli import heap
    from vinfra.cli.main import app

    heap.whole_process()

    with contextlib.redirect_stdout(io.StringIO()):
        try:
            app(list(args), standalone_mode=False)
        except SystemExit as exc:  # check exits 1 when it finds errors
            return int(exc.code or 0)
    return 0


@case("parse")
def parse(path: Path) -> object:
    """Read and parse the file only (no validation): the floor that validate is compared with.  Parsed with the
    collector paused, as the loader parses (:func:`vinfra.io.design.load_text`): otherwise the collector's
    passes over the growing tree (a fifth of the parse at 10,000 hosts) count in the floor and not in validate,
    and validate looks cheaper next to it than it is."""
    from vinfra.io.design import _gc_paused, parse_text

    text = path.read_text(encoding="utf-8")
    with _gc_paused():
        return parse_text(text, str(path))


@case("validate", targets={SMALL.name: SMALL_PROCESS}, command=lambda path: ["validate", str(path)])
def validate_cli(path: Path) -> object:
    """``vinfra validate DESIGN``: parse and validate."""
    return _run_cli("validate", str(path))


# Issue targets (network engine): reach 200/2,000 < 2 s; 2,500/40,000 < 30 s and < 4 GiB; 10,000/160,000
# < 60 s and < 4 GiB (issue 9).
REACH_TARGETS = {SMALL.name: Target(seconds=2.0, process_seconds=0.6), LARGE.name: Target(seconds=30.0, rss_mib=4096),
                 XL.name: Target(seconds=60.0, rss_mib=4096)}


@case("reach", targets=REACH_TARGETS, command=lambda path: ["reach", str(path), "--format", "json"])
def reach_cli(path: Path) -> object:
    """``vinfra reach DESIGN --format json``: load, derive, classify every endpoint pair."""
    return _run_cli("reach", str(path), "--format", "json")


def _vm_pair(inventory: vinfra.Inventory, routed: bool) -> tuple[str, str]:
    vms = [name for name, vm in inventory.vms.items() if vm.nics and vm.nics[0].ip is not None]
    first = inventory.vms[vms[0]].nics[0]
    for name in reversed(vms):
        nic = inventory.vms[name].nics[0]
        same = nic.network == first.network and inventory.vms[name].host != inventory.vms[vms[0]].host
        if (not routed and same) or (routed and nic.ip.network != first.ip.network):  # type: ignore[union-attr]
            return vms[0], name
    return vms[0], vms[-1]


# One trace after loading: a fresh snapshot of a loaded inventory, then one ping's walk (< 50 ms).
TRACE_TARGETS = {SMALL.name: Target(seconds=0.05), LARGE.name: Target(seconds=0.05)}


def _same_vlan(inventory: vinfra.Inventory) -> tuple[vinfra.Inventory, str, str]:
    return (inventory, *_vm_pair(inventory, routed=False))


def _routed(inventory: vinfra.Inventory) -> tuple[vinfra.Inventory, str, str]:
    return (inventory, *_vm_pair(inventory, routed=True))


def _trace(prepared: tuple[vinfra.Inventory, str, str]) -> object:
    """A fresh snapshot and one ping's walk: the pair was chosen beforehand, untimed."""
    inventory, src, dst = prepared
    return trace(Snapshot(inventory), src, dst)


@case("trace-same-vlan", input="inventory", targets=TRACE_TARGETS, prepare=_same_vlan, sizes=CLASSIC)
def trace_same_vlan(prepared: tuple[vinfra.Inventory, str, str]) -> object:
    """One ``vinfra trace`` between VMs of one VLAN on different hosts, after loading."""
    return _trace(prepared)


@case("trace-routed", input="inventory", targets=TRACE_TARGETS, prepare=_routed, sizes=CLASSIC)
def trace_routed(prepared: tuple[vinfra.Inventory, str, str]) -> object:
    """One ``vinfra trace`` between VMs of different subnets (gateways, routed hops), after loading."""
    return _trace(prepared)


# Issue targets (checks): vinfra check on 2,500/40,000 < 30 s; 10,000/160,000 < 60 s and < 4 GiB (issue 9).
CHECK_TARGETS = {SMALL.name: SMALL_PROCESS, LARGE.name: Target(seconds=30.0),
                 XL.name: Target(seconds=60.0, rss_mib=4096)}


@case("check", targets=CHECK_TARGETS, command=lambda path: ["check", str(path), "--format", "json"])
def check_cli(path: Path) -> object:
    """``vinfra check DESIGN --format json``: every rule of the catalogue."""
    return _run_cli("check", str(path), "--format", "json")


from . import bench_cluster as _bench_cluster  # noqa: E402,F401  (registers the vmotion case)
from . import bench_failures as _bench_failures  # noqa: E402,F401  (registers the failures case)
from . import bench_ha as _bench_ha  # noqa: E402,F401  (registers the ha-restart case)
from . import bench_simulation as _bench_simulation  # noqa: E402,F401  (registers the simulate case)
