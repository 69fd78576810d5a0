"""``vinfra generate``: write a synthetic design of any size (see :mod:`vinfra.generate`)."""

from __future__ import annotations

import sys
from pathlib import Path

import typer
from rich.console import Console

from ..generate import ALL_PATTERNS, FORMATS, dump_design, generate_design, render_design

EXIT_BAD_INPUT = 2
_err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, markup=False)


def _fail(message: str) -> typer.Exit:
    _err.print(f"error: {message}", markup=False)
    return typer.Exit(EXIT_BAD_INPUT)


def generate(
    hosts: int = typer.Option(..., "--hosts", min=1, help="Number of ESX hosts (blocks of up to 32 hosts, one cluster each).",
                              show_default=False),
    vms: int = typer.Option(..., "--vms", min=0, help="Number of VMs, spread evenly over the hosts.", show_default=False),
    seed: int = typer.Option(0, "--seed", help="Random seed: the same seed gives the same bytes."),
    pattern: str = typer.Option("mixed", "--pattern", help=f"Access layer: {' | '.join(ALL_PATTERNS)}."),
    output: Path | None = typer.Option(None, "-o", "--output", help="Write here (atomically) instead of to stdout.",
                                       dir_okay=False),
    fmt: str | None = typer.Option(None, "--format", help="yaml | json (default: json when -o ends in .json, else yaml)."),
    anchors: bool = typer.Option(False, "--anchors", help="YAML: write each cluster's hosts as one anchor and merge keys."),
) -> None:
    """Generate a valid synthetic design: access blocks, distribution pairs, a core pair, hosts and VMs."""
    if pattern not in ALL_PATTERNS:
        raise _fail(f"--pattern must be one of {', '.join(ALL_PATTERNS)}, got {pattern!r}")
    if fmt is None:
        fmt = "json" if output is not None and output.suffix.lower() == ".json" else "yaml"
    elif fmt not in FORMATS:
        raise _fail(f"--format must be one of {', '.join(FORMATS)}, got {fmt!r}")
    if anchors and fmt != "yaml":
        raise _fail("--anchors needs YAML: JSON has no anchors or merge keys")
    if output is not None and not output.parent.is_dir():
        raise _fail(f"cannot write {output}: no such folder {output.parent}")
    try:
        data = generate_design(hosts, vms, seed=seed, pattern=pattern)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    if output is None:
        sys.stdout.buffer.write(render_design(data, fmt, anchors=anchors))
        sys.stdout.flush()
        return
    try:
        dump_design(data, output, fmt, anchors=anchors)
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror or exc}") from None
