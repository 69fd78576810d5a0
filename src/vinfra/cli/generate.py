"""``vinfra generate``: write a synthetic design of any size (see :mod:`vinfra.generate`)."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer
from rich.console import Console

from ..generate import ALL_PATTERNS, FORMATS, dump_design, generate_design, parse_skew, render_design
from .command import EXIT_BAD_INPUT

_err = Console(stderr=True, highlight=False, soft_wrap=True, emoji=False, markup=False)

#: 40 times vCenter's 2,500-host limit, generated in seconds; past it the run takes minutes before the
#: generator's address pools run out (about 200,000 hosts)
MAX_HOSTS = 100_000

# the choices are the generator's own: a pattern or format it gains is offered here
Pattern = StrEnum("Pattern", {p: p for p in ALL_PATTERNS})  # type: ignore[misc]
Format = StrEnum("Format", {f: f for f in FORMATS})  # type: ignore[misc]


def _fail(message: str) -> typer.Exit:
    _err.print(f"error: {message}", markup=False)
    return typer.Exit(EXIT_BAD_INPUT)


def generate(
    hosts: int = typer.Option(..., "--hosts", metavar="N", min=1, max=MAX_HOSTS, show_default=False,
                              help="Number of ESX hosts, in blocks of up to 32 hosts with one cluster each."),
    vms: int = typer.Option(..., "--vms", metavar="N", min=0, show_default=False,
                            help="Number of VMs, spread evenly over the hosts."),
    seed: int = typer.Option(0, "--seed", metavar="N", min=0, help="Random seed: the same seed gives the same bytes."),
    pattern: Pattern = typer.Option(Pattern("mixed"), "--pattern", help="Access layer of each block; mixed rotates them."),
    output: Path | None = typer.Option(None, "--output", "-o", metavar="FILE", dir_okay=False, show_default=False,
                                       help="Write to FILE (atomically) instead of standard output."),
    fmt: Format | None = typer.Option(None, "--format", "-f", show_default=False,
                                      help="Output format.  Default: json when the -o file ends in .json, else yaml."),
    anchors: bool = typer.Option(False, "--anchors", help="YAML only: write each cluster's hosts as one anchor and merge keys."),
    skew: str | None = typer.Option(None, "--skew", metavar="HOT/COLD", show_default=False,
                                    help="A DRS test bed: half the hosts' VMs ask for about HOT of host CPU, half for "
                                         "about COLD (e.g. 0.8/0.2); VMs of 1, 2 or 4 vCPUs with 2, 4 or 8 GB."),
) -> None:
    """Generate a valid synthetic design of any size.

    Access blocks of the seed examples' patterns, a distribution pair per block and a routed core pair, with
    hosts and VMs spread over them.

    Exit status: 0 written, 2 bad input or a file that cannot be written.
    """
    kind = fmt.value if fmt is not None else "json" if output is not None and output.suffix.lower() == ".json" else "yaml"
    if anchors and kind != "yaml":
        raise _fail("--anchors needs YAML: JSON has no anchors or merge keys")
    if output is not None and not output.parent.is_dir():
        raise _fail(f"cannot write {output}: no such folder {output.parent}")
    try:
        shares = parse_skew(skew) if skew is not None else None
        data = generate_design(hosts, vms, seed=seed, pattern=pattern.value, skew=shares)
    except ValueError as exc:
        raise _fail(str(exc)) from None
    if output is None:
        sys.stdout.buffer.write(render_design(data, kind, anchors=anchors))
        sys.stdout.flush()
        return
    try:
        dump_design(data, output, kind, anchors=anchors)
    except OSError as exc:
        raise _fail(f"cannot write {output}: {exc.strerror or exc}") from None
