"""``vinfra export``: the normalized design, every default filled in, as JSON or YAML."""

from __future__ import annotations

import sys
from enum import StrEnum
from pathlib import Path

import typer


class ExportFormat(StrEnum):
    json = "json"
    yaml = "yaml"


def export(
    design: Path = typer.Argument(..., metavar="DESIGN", help="Design file (YAML or JSON).", show_default=False),
    fmt: ExportFormat | None = typer.Option(
        None, "--format", "-f", case_sensitive=False, show_default=False,
        help="Output format.  Default: json when the -o file ends in .json, else yaml.",
    ),
    output: Path | None = typer.Option(
        None, "--output", "-o", metavar="FILE", show_default=False, dir_okay=False,
        help="Write to FILE instead of standard output, atomically: the file is whole or untouched.",
    ),
) -> None:
    """Export the normalized design, every default filled in.

    Loading an export gives back an equal design, so an export is a design file itself.

    Exit status: 0 written, 2 bad input or a file that cannot be written.
    """
    # imported here, not at the top: main imports this module to register the command
    from ..io.export import format_for, render
    from ..io.files import write_atomic
    from .main import EXIT_BAD_INPUT, err, load_or_exit

    inv = load_or_exit(design)
    text = render(inv, fmt.value if fmt is not None else format_for(output))
    if output is None:
        sys.stdout.write(text)
        return
    try:
        write_atomic(output, text)
    except OSError as exc:
        err.print(f"{output}: error: cannot write: {exc.strerror or exc}", markup=False)
        raise typer.Exit(EXIT_BAD_INPUT) from None
