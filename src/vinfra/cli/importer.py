"""``vinfra import``: a design built from switch configs, ESXi output, RVTools, a live vCenter and the
cabling, with the import report (:mod:`vinfra.importers`)."""

from __future__ import annotations

import os
from enum import StrEnum
from pathlib import Path
from typing import TYPE_CHECKING, Any

import typer

from .main import EXIT_BAD_INPUT, app, err, not_empty, out, print_plain
from .network import Format

if TYPE_CHECKING:
    from ..importers.report import Imported

# the importers, the model and ruamel.yaml are imported inside the command: --help answers without them


class PlatformChoice(StrEnum):
    ios = "ios"
    nxos = "nxos"
    eos = "eos"


@app.command("import")
def import_design(
    switch_config: list[Path] = typer.Option(
        [], "--switch-config", metavar="FILE", show_default=False, dir_okay=False,
        help="A switch running-config (Cisco IOS, NX-OS or Arista EOS, told apart by content), or a 'show "
             "etherchannel summary' / 'show port-channel summary' table.  Repeatable; MLAG/vPC peers pair up "
             "when both configs are given."),
    platform: PlatformChoice | None = typer.Option(
        None, "--platform", show_default=False,
        help="Read every --switch-config as this platform instead of telling it from the content."),
    esxi_output: list[Path] = typer.Option(
        [], "--esxi-output", metavar="PATH", show_default=False,
        help="One host's captured ESXi command output: a directory of files or one file (esxcfg-vswitch -l, "
             "esxcli network ...).  Repeatable, once per host."),
    rvtools: Path | None = typer.Option(
        None, "--rvtools", metavar="FILE", show_default=False, dir_okay=False,
        help="An RVTools export (xlsx, or its CSV export)."),
    neighbors: list[str] = typer.Option(
        [], "--neighbors", metavar="[SWITCH=]FILE", show_default=False,
        callback=not_empty("a neighbour output or cabling CSV file"),
        help="Cabling: 'show cdp neighbors detail' or 'show lldp neighbors detail' taken on a switch (SWITCH= "
             "names it when the output has no prompt), or a CSV (a,b or a_device,a_interface,b_device,"
             "b_interface; optional speed).  Repeatable."),
    vcenter: str | None = typer.Option(
        None, "--vcenter", metavar="URL", show_default=False, help="A live vCenter (pyVmomi)."),
    user: str | None = typer.Option(None, "--user", metavar="USER", show_default=False,
                                    help="The vCenter user (with --vcenter)."),
    password_env: str | None = typer.Option(
        None, "--password-env", metavar="VAR", show_default=False,
        help="The environment variable holding the vCenter password (never the password itself)."),
    output: Path = typer.Option(..., "--output", "-o", metavar="DESIGN", show_default=False, dir_okay=False,
                                help="Write the design here (YAML), atomically: whole or untouched."),
    name: str | None = typer.Option(None, "--name", metavar="NAME", show_default=False,
                                    help="The design's name.  Default: the output file's stem."),
    report: Path | None = typer.Option(
        None, "--report", metavar="FILE", show_default=False, dir_okay=False,
        help="Write the whole report here (JSON when FILE ends in .json, else text); standard output then gets "
             "only the summary.  Without it, standard output gets the whole report."),
    fmt: Format = typer.Option(Format.text, "--format", "-f",
                                     help="Format of the report on standard output."),
) -> None:
    """Build a design from what the estate already has, and report what was understood.

    Reads every source given, merges them (switches from the configs, hosts and VMs from the ESXi output,
    RVTools or vCenter, joined by the cabling: a CDP/LLDP record on a switch port naming a host's vmnic is a
    link), validates the result like 'vinfra validate' and writes it.  The report gives every source line
    one of Batfish's five support states (supported, partial, wrong, ignored, unrecognised) and lists each
    line not fully supported with its file and line; where two sources disagree, it names both values and
    the one the design holds (the first given).  Switch configs cover the layer-2/3 settings that decide
    reachability (see the README); what they do not carry is in the report, not silently dropped.

    Exit status: 0 written (conflicts and unsupported lines are in the report), 2 bad input: a source that
    cannot be read (a truncated config, a file of another kind, an unreachable vCenter), or a result that does
    not validate; nothing is written then.
    """
    from ..importers.report import ImportSourceError

    if not (switch_config or esxi_output or rvtools or neighbors or vcenter):
        _usage("give at least one source (--switch-config, --esxi-output, --rvtools, --neighbors, --vcenter)")
    if vcenter is not None and (user is None or password_env is None):
        _usage("--vcenter needs --user and --password-env")
    if vcenter is None and (user is not None or password_env is not None):
        _usage("--user and --password-env go with --vcenter")
    password = None
    if password_env is not None:
        password = os.environ.get(password_env)
        if password is None:
            _usage(f"--password-env: the environment variable {password_env} is not set")
    try:
        parts = _read(switch_config, platform.value if platform else None, esxi_output, rvtools, neighbors, vcenter,
                      user, password)
    except ImportSourceError as exc:
        for diag in exc.diagnostics:
            print_plain(err, str(diag))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    from ..importers.merge import merge

    merged = merge(parts, name or _name_from(output))
    text = _validated_yaml(merged, output)
    from ..io.files import write_atomic

    try:
        write_atomic(output, text)
    except OSError as exc:
        err.print(f"{output}: error: cannot write: {exc.strerror or exc}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
    if report is not None:
        _write(report, _report_json(merged) if report.suffix.lower() == ".json" else _report_text(merged, True))
    if fmt is Format.json:
        out.file.write(_report_json(merged))
        out.file.flush()
        return
    out.file.write(_report_text(merged, whole=report is None))
    out.file.write(f"{output}: written: {_summary(merged)}\n")
    out.file.flush()


def _usage(message: str) -> None:
    err.print(f"error: {message}", markup=False)
    raise typer.Exit(EXIT_BAD_INPUT)


def _read(switch_config: list[Path], platform: str | None, esxi_output: list[Path], rvtools: Path | None,
          neighbors: list[str], vcenter: str | None, user: str | None, password: str | None) -> list[Imported]:
    """Each source's fragment, in merge order (what comes first wins a conflict)."""
    parts: list[Imported] = []
    if switch_config:
        from ..importers.switch_config import read_switch_files

        parts.extend(read_switch_files(switch_config, platform))
    if esxi_output:
        from ..importers.esxi import read_esxi  # the host-side importers land with their own branch

        parts.append(read_esxi(esxi_output))
    if rvtools is not None:
        from ..importers.rvtools import read_rvtools

        parts.append(read_rvtools(rvtools))
    if vcenter is not None:
        from ..importers.vcenter import read_vcenter

        parts.append(read_vcenter(vcenter, user or "", password or ""))
    if neighbors:
        from ..importers.cabling import read_neighbors

        # one fragment per file: a conflict names the file that said each value
        parts.extend(read_neighbors([given]) for given in neighbors)
    return parts


def _name_from(output: Path) -> str:
    import re

    stem = output.name.split(".")[0]
    return re.sub(r"[^A-Za-z0-9_.\-]+", "-", stem).strip("-") or "imported"


def _validated_yaml(merged: Imported, output: Path) -> str:
    """The design as YAML, loaded back exactly as 'vinfra validate' would load the written file."""
    from ..io.design import from_data, load_text
    from ..io.errors import DesignError
    from ..io.export import data_to_yaml

    sources = ", ".join(merged.sources)
    text = data_to_yaml(merged.design, f"{merged.design['name']}: imported by vinfra import from {sources}\n"
                                       "the import report says what each source line became")
    try:
        # the data first, so that a problem is named by its design path (the file is never written), then the
        # text exactly as it will be written
        from_data(merged.design, str(output))
        load_text(text, str(output))
    except DesignError as exc:
        print_plain(err, f"{output}: error: the imported design does not validate; nothing written")
        for diag in exc.diagnostics:
            print_plain(err, str(diag))
        raise typer.Exit(EXIT_BAD_INPUT) from None
    return text


def _write(path: Path, text: str) -> None:
    from ..io.files import write_atomic

    try:
        write_atomic(path, text)
    except OSError as exc:
        err.print(f"{path}: error: cannot write: {exc.strerror or exc}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None


def _summary(merged: Imported) -> str:
    from .main import _count

    d = merged.design
    counts = [_count(len(d.get(key) or ()), word) for key, word in
              (("switches", "switch"), ("hosts", "host"), ("vms", "VM"), ("links", "link"))]
    return ", ".join(counts) + f"; {_count(len(merged.conflicts), 'conflict')}"


def _per_source(merged: Imported) -> dict[str, dict[str, int]]:
    from ..importers.report import Support

    table: dict[str, dict[str, int]] = {}
    for line in merged.report:
        row = table.setdefault(line.source, {str(s): 0 for s in Support})
        row[str(line.support)] += 1
    return table


def _report_text(merged: Imported, whole: bool) -> str:
    lines = ["lines by support state (" + ", ".join(f"{k} {v}" for k, v in merged.counts().items()) + ")"]
    for source, row in _per_source(merged).items():
        lines.append(f"  {source}: " + ", ".join(f"{k} {v}" for k, v in row.items() if v))
    for c in merged.conflicts:
        said = "; ".join(f"{s} says {v!r}" for s, v in c.values)
        lines.append(f"conflict: {c.what}: {said}; the design holds {c.chosen}")
    rest = merged.not_supported()
    if whole:
        lines.append(f"{len(rest)} line{'s' if len(rest) != 1 else ''} not fully supported:")
        lines.extend(f"  {r}" for r in rest)
    else:
        shown = [r for r in rest if str(r.support) in ("wrong", "unrecognised")]
        lines.append(f"{len(rest)} lines not fully supported (the report file lists them); wrong or unrecognised:")
        lines.extend(f"  {r}" for r in shown)
    return "\n".join(lines) + "\n"


def _report_json(merged: Imported) -> str:
    import orjson

    data: dict[str, Any] = {
        "design": merged.design["name"],
        "sources": list(merged.sources),
        "counts": merged.counts(),
        "per_source": _per_source(merged),
        "conflicts": [c.row() for c in merged.conflicts],
        "not_supported": [r.row() for r in merged.not_supported()],
    }
    return orjson.dumps(data, option=orjson.OPT_INDENT_2, default=str).decode() + "\n"
